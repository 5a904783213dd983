<%@ Language=VBScript %>
<% Option Explicit %>
<!--#include virtual="/includes/header.asp"-->
<%
Dim name, dept
name = Trim(Request.QueryString("name"))
dept = Trim(Request.QueryString("dept"))
If Len(name) > 80 Then name = Left(name, 80)
%>
<h1>Thank you</h1>
<% If name <> "" Then %>
<p>Thank you, <%= Server.HTMLEncode(name) %>. Your request for the <%= Server.HTMLEncode(dept) %> department has been logged.</p>
<% Else %>
<p>Thank you. Your request has been logged.</p>
<% End If %>
<p><a href="/default.asp">Home</a></p>
<!--#include virtual="/includes/footer.asp"-->
