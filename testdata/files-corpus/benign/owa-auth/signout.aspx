<%@ Page Language="C#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.SignOutPage" %>
<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="robots" content="noindex, nofollow">
<title>Outlook</title>
<script type="text/javascript">
    function closeOrRedirect() {
        try { document.execCommand("ClearAuthenticationCache", false); } catch (e) { }
        window.location.replace("<%= HttpUtility.JavaScriptStringEncode(this.LogonUrl) %>");
    }
</script>
</head>
<body onload="window.setTimeout(closeOrRedirect, 500)">
<div style="font-family:'Segoe UI',Tahoma,sans-serif;font-size:14px;padding:40px">
    You have signed out of Outlook. To protect your account, close every browser window.
    <a href="<%= HttpUtility.HtmlAttributeEncode(this.LogonUrl) %>">Sign in again</a>
</div>
</body>
</html>
