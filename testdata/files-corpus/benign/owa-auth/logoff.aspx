<%@ Page Language="C#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.LogoffPage" %>
<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="Cache-Control" content="no-cache, no-store">
<title>Outlook</title>
</head>
<body>
<% this.ClearSessionCookies(); %>
<script type="text/javascript">
    window.location.replace("/owa/auth/signout.aspx" + (window.location.search || ""));
</script>
<noscript><a href="/owa/auth/signout.aspx">Continue</a></noscript>
</body>
</html>
