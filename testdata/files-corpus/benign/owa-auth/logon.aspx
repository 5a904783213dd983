<%@ Page Language="C#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.OwaLogonPage" %>
<%@ Import Namespace="System.Web" %>
<%@ Import Namespace="Microsoft.Exchange.HttpProxy" %>
<!DOCTYPE html>
<html lang="<%= this.LanguageTag %>" dir="<%= this.IsRtl ? "rtl" : "ltr" %>">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=10">
<meta name="robots" content="noindex, nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no">
<title><%= HttpUtility.HtmlEncode(this.PageTitle) %></title>
<link rel="shortcut icon" href="<%= this.ResourcePath %>themes/resources/favicon.ico" type="image/x-icon">
<link rel="stylesheet" type="text/css" href="<%= this.ResourcePath %>themes/resources/logon.css">
<style>
    .signInBg { background-color: #0072c6; }
    .hidden-submit { position: absolute; left: -9999px; }
</style>
<script type="text/javascript">
    var g_fFcs = 1;
    function trim(s) { return s.replace(/^\s+|\s+$/g, ""); }
    function setFocus() {
        if (!g_fFcs) { return; }
        try {
            var u = document.getElementById("username");
            if (u && u.value.length === 0) { u.focus(); } else { document.getElementById("password").focus(); }
        } catch (e) { }
    }
    function clkLogon() {
        var u = document.getElementById("username");
        var p = document.getElementById("password");
        var err = document.getElementById("signInErrorDiv");
        u.value = trim(u.value);
        if (u.value.length === 0 || p.value.length === 0) {
            err.style.display = "block";
            err.innerText = "<%= HttpUtility.JavaScriptStringEncode(this.EnterCredentialsText) %>";
            return false;
        }
        if (u.value.indexOf("@") < 0 && u.value.indexOf("\\") < 0) {
            err.style.display = "block";
            err.innerText = "<%= HttpUtility.JavaScriptStringEncode(this.UserNameFormatText) %>";
            return false;
        }
        document.getElementById("isUtf8").value = "1";
        document.forms["logonForm"].submit();
        return true;
    }
    function showPasswordClick() {
        var cb = document.getElementById("showPasswordCheck");
        document.getElementById("password").type = cb.checked ? "text" : "password";
    }
    function onEnter(e) {
        var k = e ? e.keyCode : window.event.keyCode;
        if (k === 13) { clkLogon(); return false; }
        return true;
    }
</script>
</head>
<body class="signInBg" onload="setFocus()">
<noscript><div id="dvErr"><table cellpadding="0" cellspacing="0"><tr><td>
    <%= HttpUtility.HtmlEncode(this.NoScriptText) %>
</td></tr></table></div></noscript>
<form action="/owa/auth.owa" method="POST" name="logonForm" enctype="application/x-www-form-urlencoded" autocomplete="off">
    <input type="hidden" name="destination" value="<%= HttpUtility.HtmlAttributeEncode(this.Destination) %>">
    <input type="hidden" name="flags" value="4">
    <input type="hidden" name="forcedownlevel" value="0">
    <div id="mainLogonDiv" class="mouse">
        <div class="sidebar"><div class="owaLogoContainer"><img src="<%= this.ResourcePath %>themes/resources/owa_text_blue.png" class="owaLogo" aria-hidden="true"></div></div>
        <div class="logonDiv">
            <div class="signInInputLabel" id="userNameLabel" aria-hidden="true"><%= HttpUtility.HtmlEncode(this.UserNameLabel) %></div>
            <div><input id="username" name="username" class="signInInputText" role="textbox" aria-labelledby="userNameLabel" onkeydown="return onEnter(event)" placeholder="domain\user name"></div>
            <div class="signInInputLabel" id="passwordLabel" aria-hidden="true"><%= HttpUtility.HtmlEncode(this.PasswordLabel) %></div>
            <div><input id="password" name="password" class="signInInputText" role="textbox" type="password" aria-labelledby="passwordLabel" onkeydown="return onEnter(event)"></div>
            <div class="showPasswordCheck signInCheckBoxText"><input type="checkbox" id="showPasswordCheck" onclick="showPasswordClick()"><label for="showPasswordCheck">show password</label></div>
            <div id="signInErrorDiv" class="signInError" role="alert" tabindex="0" style="display:none"></div>
<% if (Request.QueryString["reason"] == "2") { %>
            <div id="expiredDiv" class="signInError" role="alert"><%= HttpUtility.HtmlEncode(this.SessionExpiredText) %></div>
<% } %>
            <div class="signInEnter">
                <div onclick="clkLogon()" class="signinbutton" role="button" tabindex="0"><span class="signinTxt"><%= HttpUtility.HtmlEncode(this.SignInText) %></span></div>
                <input name="isUtf8" id="isUtf8" value="1" type="hidden">
                <input type="submit" class="hidden-submit" tabindex="-1" aria-hidden="true">
            </div>
        </div>
    </div>
</form>
</body>
</html>
