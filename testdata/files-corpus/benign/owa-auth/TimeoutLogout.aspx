<%@ Page Language="C#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.TimeoutLogoutPage" %>
<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Outlook</title>
<style>body{font-family:"Segoe UI",Tahoma,sans-serif;padding:40px;color:#333}</style>
</head>
<body>
<h1 style="font-weight:300">Your session has timed out</h1>
<p>For your security, you were signed out after a period of inactivity.</p>
<p><a href="/owa/auth/logon.aspx?replaceCurrent=1&amp;reason=2&amp;url=<%= HttpUtility.UrlEncode(this.ReturnUrl) %>">Sign in again</a></p>
</body>
</html>
