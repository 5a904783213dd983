package exchangesim

import (
	"fmt"
	"html"
	"strings"
)

// The pages below are written for the emulator: they carry the markers the scan spec lists
// (titles, resource paths, manifest attributes) inside enough ordinary markup that a scanner
// matching on them is tested against something page-sized, not against the marker alone.

// logonPage15 is the OWA forms logon page of Exchange 2013 and later. Its resource paths carry
// the CU (three parts), never the security update level.
func logonPage15(cu string) []byte {
	return []byte(strings.ReplaceAll(logon15Template, "{CU}", cu))
}

const logon15Template = `<!DOCTYPE html>
<html>
<head>
    <meta http-equiv="Content-Type" content="text/html; CHARSET=utf-8">
    <meta http-equiv="X-UA-Compatible" content="IE=10">
    <meta name="Robots" content="NOINDEX, NOFOLLOW">
    <meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no">
    <title>Outlook</title>
    <link rel="shortcut icon" href="/owa/auth/{CU}/themes/resources/favicon.ico" type="image/x-icon">
    <link rel="apple-touch-icon" href="/owa/auth/{CU}/themes/resources/owa_appicon.png">
    <link rel="stylesheet" href="/owa/auth/{CU}/themes/resources/owafont_ltr.css" type="text/css">
    <link rel="stylesheet" href="/owa/auth/{CU}/themes/resources/logon.css" type="text/css">
    <style>
        body { margin: 0; padding: 0; background-color: #ffffff; font-family: "Segoe UI", "Segoe UI Web (West European)", Tahoma, Arial, sans-serif; }
        .mainLogonDiv { position: absolute; top: 0; bottom: 0; left: 0; right: 0; min-width: 320px; }
        .sidebar { position: absolute; top: 0; bottom: 0; left: 0; width: 36%; background-color: #0072c6; }
        .logonContainer { position: absolute; left: 40%; top: 18%; max-width: 520px; }
        .signInImageHeader { margin-bottom: 32px; }
        .signInInputLabel { display: block; font-size: 14px; color: #333333; margin-bottom: 4px; }
        .signInInputText { width: 100%; max-width: 340px; height: 32px; padding: 2px 8px; font-size: 15px; border: 1px solid #bababa; margin-bottom: 16px; }
        .signInCheckBoxText { font-size: 13px; color: #333333; }
        .signinbutton { display: inline-block; padding: 6px 22px; font-size: 15px; color: #ffffff; background-color: #0072c6; cursor: pointer; border: none; }
        .signinbutton:hover { background-color: #005a9e; }
        .signInEnter { margin-top: 22px; }
        .signInError { color: #a80000; font-size: 13px; margin: 12px 0; display: none; }
        .hidden-submit { border: 0 none; height: 0; width: 0; padding: 0; margin: 0; overflow: hidden; }
        .officeFooter { position: absolute; bottom: 24px; left: 40%; font-size: 12px; color: #666666; }
        @media screen and (max-width: 778px) {
            .sidebar { display: none; }
            .logonContainer { left: 8%; top: 10%; right: 8%; }
            .officeFooter { left: 8%; }
        }
    </style>
    <script type="text/javascript">
        var a_fRC = 1;
        var a_fHPI = 1;
        var a_fAEC = 0;
        var g_fFcs = 1;
        function setCookie(n, v) { document.cookie = n + "=" + v + "; path=/"; }
        function clkLgn() {
            var f = document.forms["logonForm"];
            if (!f.username.value || !f.password.value) {
                document.getElementById("signInErrorDiv").style.display = "block";
                return false;
            }
            setCookie("PrivateComputer", document.getElementById("chkPrvt").checked ? "true" : "false");
            f.submit();
            return true;
        }
        function chkEnter(e) {
            var k = e.keyCode ? e.keyCode : e.which;
            if (k == 13) { clkLgn(); return false; }
            return true;
        }
        function init() {
            try {
                if (g_fFcs && document.forms["logonForm"]) { document.forms["logonForm"].username.focus(); }
                var d = document.getElementById("destination");
                if (d && !d.value) { d.value = window.location.href.replace(/auth\/logon\.aspx.*$/i, ""); }
            } catch (e) { }
        }
    </script>
    <script type="text/javascript" src="/owa/auth/{CU}/scripts/premium/flogon.js"></script>
    <script type="text/javascript" src="/owa/auth/{CU}/scripts/premium/flogon.strings.js"></script>
</head>
<body class="signInBg" onload="init()" style="display: block">
    <noscript>
        <div id="dvErr">
            <table cellpadding="0" cellspacing="0">
                <tr>
                    <td><img src="/owa/auth/{CU}/themes/resources/warn.png" alt=""></td>
                    <td style="width: 100%">To use Outlook, browser settings must allow scripts to run. For information about how to allow scripts, consult the Help for your browser. If your browser doesn't support scripts, you can download <a href="http://windows.microsoft.com/en-us/windows/downloads">Windows Internet Explorer</a> for access to Outlook.</td>
                </tr>
            </table>
        </div>
    </noscript>
    <form action="/owa/auth.owa" method="POST" name="logonForm" enctype="application/x-www-form-urlencoded" autocomplete="off">
        <input type="hidden" name="destination" id="destination" value="">
        <input type="hidden" name="flags" value="4">
        <input type="hidden" name="forcedownlevel" value="0">
        <div id="mainLogonDiv" class="mainLogonDiv">
            <div class="sidebar">
                <div class="owaLogoContainer">
                    <img src="/owa/auth/{CU}/themes/resources/owa_text_blue.png" class="owaLogo" aria-hidden="true" alt="">
                    <img src="/owa/auth/{CU}/themes/resources/sign_in_arrow.png" class="owaLogoSmall" aria-hidden="true" alt="">
                </div>
            </div>
            <div class="logonContainer">
                <div id="lgnDiv" class="logonDiv" onkeypress="return chkEnter(event);">
                    <div class="signInImageHeader" role="heading" aria-label="Outlook">
                        <img class="mouseHeader" src="/owa/auth/{CU}/themes/resources/outlook_logo.png" alt="Outlook">
                    </div>
                    <div class="signInInputLabel" id="userNameLabel" aria-hidden="true">Domain\user name:</div>
                    <div><input id="username" name="username" class="signInInputText" role="textbox" aria-labelledby="userNameLabel" type="text"></div>
                    <div class="signInInputLabel" id="passwordLabel" aria-hidden="true">Password:</div>
                    <div><input id="password" onfocus="g_fFcs=0" name="password" class="signInInputText" role="textbox" aria-labelledby="passwordLabel" type="password"></div>
                    <div id="expltxt" class="signInExpl" role="alert"></div>
                    <div id="signInErrorDiv" class="signInError" role="alert">The user name or password you entered isn't correct. Try entering it again.</div>
                    <div class="showPasswordCheck signInCheckBoxText">
                        <input type="checkbox" id="showPasswordCheck" class="chk">
                        <span>show password</span>
                    </div>
                    <div class="signInCheckBoxText">
                        <input id="chkPrvt" name="isUtf8" value="1" type="checkbox" class="chk">
                        <span>This is a private computer</span>
                    </div>
                    <div class="signInEnter">
                        <div onclick="clkLgn()" class="signinbutton" role="button" tabindex="0">
                            <img class="imgLnk" src="/owa/auth/{CU}/themes/resources/signinbutton.png" alt="">
                            <span class="signinTxt">sign in</span>
                        </div>
                        <input name="isUtf8" value="1" type="hidden">
                        <input type="submit" class="hidden-submit" tabindex="-1" aria-hidden="true">
                    </div>
                </div>
                <div id="cookieMsg" class="logonDiv" style="display: none">
                    <div class="signInTextHeader" role="heading">Please enable cookies for this Web site.</div>
                    <div class="signInExpl">Cookies are currently disabled by your browser. Outlook requires that cookies be enabled.</div>
                </div>
                <div id="pwdExpMsg" class="logonDiv" style="display: none">
                    <div class="signInTextHeader" role="heading">Your password has expired.</div>
                    <div class="signInExpl">Sign in to change it, or contact your help desk.</div>
                </div>
            </div>
            <div class="officeFooter">
                <img src="/owa/auth/{CU}/themes/resources/office365_logo.png" alt="" aria-hidden="true">
                <span>Connected to Microsoft Exchange</span>
                <span>&copy; 2020 Microsoft</span>
            </div>
        </div>
    </form>
</body>
</html>
`

// logonPageLegacy is the logon page of Exchange 2010 ("Outlook Web App") and 2007 ("Microsoft
// Exchange - Outlook Web Access"): resource paths under /owa/<four-part build>/.
func logonPageLegacy(version, title string) []byte {
	s := strings.ReplaceAll(logonLegacyTemplate, "{V}", version)
	return []byte(strings.ReplaceAll(s, "{TITLE}", title))
}

const logonLegacyTemplate = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; CHARSET=utf-8">
<meta name="Robots" content="NOINDEX, NOFOLLOW">
<title>{TITLE}</title>
<link type="text/css" rel="stylesheet" href="/owa/{V}/themes/base/logon.css">
<link type="text/css" rel="stylesheet" href="/owa/{V}/themes/base/owafont.css">
<script type="text/javascript" src="/owa/{V}/scripts/premium/flogon.js"></script>
<link rel="shortcut icon" href="/owa/{V}/themes/base/favicon.ico" type="image/x-icon">
<style>
	body { font-family: Tahoma, Arial, sans-serif; font-size: 12px; background-color: #ffffff; }
	.mid { background: url(/owa/{V}/themes/base/lgnmid.gif) repeat-x; }
	.txtpad { width: 100%; padding: 0 2px; }
	.btn { font-size: 12px; padding: 2px 10px; }
</style>
</head>
<body class="owaLgnBdy">
<noscript>
	<div id="dvErr">To use {TITLE}, browser settings must allow scripts to run.</div>
</noscript>
<form action="/owa/auth/owaauth.dll" method="POST" name="logonForm" autocomplete="off">
<input type="hidden" name="destination" value="">
<input type="hidden" name="flags" value="4">
<input type="hidden" name="forcedownlevel" value="0">
<table id="tblMain" cellpadding="0" cellspacing="0" class="mid tblLgn">
	<tr>
		<td><img src="/owa/{V}/themes/base/lgntopl.gif" alt=""></td>
		<td class="lgnTL" style="width: 100%"><img src="/owa/{V}/themes/base/lgntopm.gif" alt=""></td>
		<td><img src="/owa/{V}/themes/base/lgntopr.gif" alt=""></td>
	</tr>
	<tr>
		<td colspan="3" class="mid">
			<table class="tblConn" cellpadding="0" cellspacing="0">
				<tr>
					<td class="tdConnImg"><img src="/owa/{V}/themes/base/owa_logo.gif" alt="{TITLE}"></td>
				</tr>
				<tr>
					<td class="tdConn">Security (show explanation)</td>
				</tr>
				<tr>
					<td><input id="rdoPblc" type="radio" name="trusted" value="0" checked>This is a public or shared computer</td>
				</tr>
				<tr>
					<td><input id="rdoPrvt" type="radio" name="trusted" value="4">This is a private computer</td>
				</tr>
				<tr>
					<td><input id="chkBsc" type="checkbox" name="lightVersion" value="1">Use the light version of {TITLE}</td>
				</tr>
				<tr>
					<td><label for="username">Domain\user name:</label></td>
				</tr>
				<tr>
					<td><input id="username" name="username" type="text" class="txtpad"></td>
				</tr>
				<tr>
					<td><label for="password">Password:</label></td>
				</tr>
				<tr>
					<td><input id="password" name="password" type="password" class="txtpad"></td>
				</tr>
				<tr>
					<td class="txtpad"><input type="submit" class="btn" value="Sign in"></td>
				</tr>
			</table>
		</td>
	</tr>
	<tr>
		<td><img src="/owa/{V}/themes/base/lgnbotl.gif" alt=""></td>
		<td class="lgnBM"><img src="/owa/{V}/themes/base/lgnbotm.gif" alt=""></td>
		<td><img src="/owa/{V}/themes/base/lgnbotr.gif" alt=""></td>
	</tr>
</table>
<div class="copyright">Connected to Microsoft Exchange<br>&copy; Microsoft Corporation. All rights reserved.</div>
</form>
</body>
</html>
`

// exportToolManifest is the eDiscovery export tool's ClickOnce deployment manifest, which names
// the four-part build twice.
func exportToolManifest(version string) []byte {
	return []byte(strings.ReplaceAll(manifestTemplate, "{V}", version))
}

const manifestTemplate = `<?xml version="1.0" encoding="utf-8"?>
<asmv1:assembly xsi:schemaLocation="urn:schemas-microsoft-com:asm.v1 assembly.adaptive.xsd" manifestVersion="1.0" xmlns:asmv1="urn:schemas-microsoft-com:asm.v1" xmlns="urn:schemas-microsoft-com:asm.v2" xmlns:asmv2="urn:schemas-microsoft-com:asm.v2" xmlns:xrml="urn:mpeg:mpeg21:2003:01-REL-R-NS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:asmv3="urn:schemas-microsoft-com:asm.v3" xmlns:dsig="http://www.w3.org/2000/09/xmldsig#" xmlns:co.v1="urn:schemas-microsoft-com:clickonce.v1" xmlns:co.v2="urn:schemas-microsoft-com:clickonce.v2">
  <assemblyIdentity name="microsoft.exchange.ediscovery.exporttool.application" version="{V}" publicKeyToken="b5c4d1a62e7f9083" language="neutral" processorArchitecture="msil" xmlns="urn:schemas-microsoft-com:asm.v1" />
  <description asmv2:publisher="Microsoft Corporation" co.v1:suiteName="Microsoft Exchange" asmv2:product="Microsoft Exchange eDiscovery Export Tool" xmlns="urn:schemas-microsoft-com:asm.v1" />
  <deployment install="false" mapFileExtensions="true" trustURLParameters="true" />
  <compatibleFrameworks xmlns="urn:schemas-microsoft-com:clickonce.v2">
    <framework targetVersion="4.5" profile="Full" supportedRuntime="4.0.30319" />
  </compatibleFrameworks>
  <dependency>
    <dependentAssembly dependencyType="install" codebase="{V}\microsoft.exchange.ediscovery.exporttool.exe.manifest" size="14236">
      <assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="{V}" publicKeyToken="b5c4d1a62e7f9083" language="neutral" processorArchitecture="msil" type="win32" />
      <hash>
        <dsig:Transforms>
          <dsig:Transform Algorithm="urn:schemas-microsoft-com:HashTransforms.Identity" />
        </dsig:Transforms>
        <dsig:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha256" />
        <dsig:DigestValue>c2ltdWxhdGVkIGJ5IGV4c3dlZXAsIG5vdCBhIHJlYWwgZGlnZXN0</dsig:DigestValue>
      </hash>
    </dependentAssembly>
  </dependency>
</asmv1:assembly>
`

// mapiEndpointPage is what an anonymous request reaching /mapi/nspi/ on the back end gets: the
// page a vulnerable server returns to the ProxyShell check.
func mapiEndpointPage(version, fe string) string {
	return fmt.Sprintf(`<html>
<head>
<title>Exchange MAPI/HTTP Connectivity Endpoint</title>
</head>
<body>
<p>Exchange MAPI/HTTP Connectivity Endpoint<br><br>Version: %s<br>Vdir Path: /mapi/nspi/<br><br></p>
<p><b>User:</b> NT AUTHORITY\SYSTEM<br><b>UPN:</b> <br><b>SID:</b> S-1-5-18<br><b>Organization:</b> <br><b>Authentication:</b> Kerberos<br></p>
<p><b>Cafe:</b> %s.lab.exsweep.test<br><b>Mailbox:</b> %s.lab.exsweep.test<br></p>
</body>
</html>
`, version, strings.ToLower(fe), strings.ToLower(fe))
}

// movedPage is ASP.NET's body for a redirect.
func movedPage(loc string) string {
	return `<html><head><title>Object moved</title></head><body>
<h2>Object moved to <a href="` + html.EscapeString(loc) + `">here</a>.</h2>
</body></html>
`
}

// httpAPIError is the page HTTP.sys sends itself (no IIS worker process involved).
func httpAPIError(title, heading, text string) string {
	return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">
<HTML><HEAD><TITLE>` + title + `</TITLE>
<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>
<BODY><h2>` + heading + `</h2>
<hr><p>` + text + `</p>
</BODY></HTML>
`
}

const iis404Page = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
<title>404 - File or directory not found.</title>
<style type="text/css">
<!--
body{margin:0;font-size:.7em;font-family:Verdana, Arial, Helvetica, sans-serif;background:#EEEEEE;}
fieldset{padding:0 15px 10px 15px;}
h1{font-size:2.4em;margin:0;color:#FFF;}
h2{font-size:1.7em;margin:0;color:#CC0000;}
h3{font-size:1.2em;margin:10px 0 0 0;color:#000000;}
#header{width:96%;margin:0 0 0 0;padding:6px 2% 6px 2%;font-family:"trebuchet MS", Verdana, sans-serif;color:#FFF;background-color:#555555;}
#content{margin:0 0 0 2%;position:relative;}
.content-container{background:#FFF;width:96%;margin-top:8px;padding:10px;position:relative;}
-->
</style>
</head>
<body>
<div id="header"><h1>Server Error</h1></div>
<div id="content">
 <div class="content-container"><fieldset>
  <h2>404 - File or directory not found.</h2>
  <h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>
 </fieldset></div>
</div>
</body>
</html>
`

const iisStartPage = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />
<title>IIS Windows Server</title>
<style type="text/css">
<!--
body { color:#000000; background-color:#0072C6; margin:0; }
#container { margin-left:auto; margin-right:auto; text-align:center; }
a img { border:none; }
-->
</style>
</head>
<body>
<div id="container">
<a href="http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409"><img src="iisstart.png" alt="IIS" width="960" height="600" /></a>
</div>
</body>
</html>
`

// aspNetError is the body of the 500 a vulnerable front end returns to the ProxyLogon check.
const aspNetError = `<html><head><title>Runtime Error</title></head><body>
<h1>Server Error in '/owa' Application.</h1>
<h2><i>Runtime Error</i></h2>
<p>An application error occurred on the server.</p>
</body></html>
`

const wafPage = `<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult with your administrator.<br><br>Your support ID is: %d<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>
`

// lookalikePage copies the look of the OWA logon page, and the title, but none of the resource
// paths: a phishing kit's or a honeypot's page.
const lookalikePage = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Outlook</title>
<link rel="shortcut icon" href="/static/favicon.ico">
<style>
body { font-family: "Segoe UI", Tahoma, Arial, sans-serif; margin: 0; }
.side { position: fixed; top: 0; bottom: 0; left: 0; width: 36%; background: #0072c6; }
.box { position: absolute; left: 40%; top: 18%; }
input[type=text], input[type=password] { width: 320px; height: 30px; margin-bottom: 14px; }
button { background: #0072c6; color: #fff; border: 0; padding: 6px 22px; font-size: 15px; }
</style>
</head>
<body>
<div class="side"></div>
<div class="box">
<h1>Outlook</h1>
<form action="/login.php" method="POST">
<label for="u">Domain\user name:</label><br><input id="u" name="u" type="text"><br>
<label for="p">Password:</label><br><input id="p" name="p" type="password"><br>
<button type="submit">sign in</button>
</form>
</div>
</body>
</html>
`

const nginx404Page = `<html>
<head><title>404 Not Found</title></head>
<body>
<center><h1>404 Not Found</h1></center>
<hr><center>nginx</center>
</body>
</html>
`
