package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

const iisStart = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />
<title>IIS Windows Server</title>
<style type="text/css">
<!--
body {
	color:#000000;
	background-color:#0072C6;
	margin:0;
}

#container {
	margin-left:auto;
	margin-right:auto;
	text-align:center;
	}

a img {
	border:none;
}

-->
</style>
</head>
<body>
<div id="container">
<a href="http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409"><img src="iisstart.png" alt="IIS" width="960" height="600" /></a>
</div>
</body>
</html>`

// rootWebConfig is inetpub\wwwroot\web.config as Exchange setup leaves it: no URL Rewrite rule
// (the March 2021 mitigation is absent).
const rootWebConfig = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n    <system.webServer>\r\n        <httpRedirect enabled=\"false\" />\r\n    </system.webServer>\r\n</configuration>\r\n"

func webConfig(r *rand.Rand, app string, frontEnd bool) []byte {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<configuration>\r\n  <configSections>\r\n")
	b.WriteString("    <section name=\"" + strings.ToLower(strings.ReplaceAll(app, "/", "")) + "Settings\" type=\"System.Configuration.NameValueSectionHandler, System, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089\" />\r\n")
	b.WriteString("  </configSections>\r\n  <runtime>\r\n    <gcServer enabled=\"true\" />\r\n    <assemblyBinding xmlns=\"urn:schemas-microsoft-com:asm.v1\">\r\n")
	for i := 0; i < 8+r.IntN(30); i++ {
		n := exName(r)
		fmt.Fprintf(&b, "      <dependentAssembly>\r\n        <assemblyIdentity name=\"%s\" publicKeyToken=\"31bf3856ad364e35\" culture=\"neutral\" />\r\n        <codeBase version=\"15.0.0.0\" href=\"file:///%%ExchangeInstallDir%%\\bin\\%s.dll\" />\r\n      </dependentAssembly>\r\n", n, n)
	}
	b.WriteString("    </assemblyBinding>\r\n  </runtime>\r\n  <appSettings>\r\n")
	for i := 0; i < 5+r.IntN(15); i++ {
		fmt.Fprintf(&b, "    <add key=\"%s\" value=\"%s\" />\r\n", camelName(r), pick(r, []string{"true", "false", "100", "00:05:00"}))
	}
	b.WriteString("  </appSettings>\r\n  <system.web>\r\n    <compilation defaultLanguage=\"c#\" debug=\"false\" batch=\"true\" />\r\n")
	if frontEnd {
		b.WriteString("    <httpRuntime maxRequestLength=\"65536\" requestPathInvalidCharacters=\"\" />\r\n")
	}
	b.WriteString("  </system.web>\r\n</configuration>\r\n")
	return []byte(b.String())
}

func oabManifest(r *rand.Rand, g string) []byte {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<OAB>\r\n<OAL id=\"/\" dn=\"/\" name=\"\\Default Global Address List\">\r\n")
	for i := 0; i < 4; i++ {
		fmt.Fprintf(&b, "<Full seq=\"%d\" ver=\"32\" size=\"%d\" uncompressedsize=\"%d\" SHA=\"%s\">%s-data-%d.lzx</Full>\r\n",
			100+i, 100000+r.IntN(900000), 400000+r.IntN(3000000), hexN(r, 40), g, 100+i)
	}
	b.WriteString("</OAL>\r\n</OAB>\r\n")
	return []byte(b.String())
}

func xmlDoc(r *rand.Rand, root string, size int) []byte {
	var b []byte
	b = append(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<"+root+">\r\n"...)
	for len(b) < size {
		b = xmlElems(b, r, rand.NewPCG(r.Uint64(), 1))
	}
	return append(b, "</"+root+">\r\n"...)
}

func desktopIni(r *rand.Rand) []byte {
	return []byte("\xff\xfe" + utf16le("\r\n[.ShellClassInfo]\r\nLocalizedResourceName=@%SystemRoot%\\system32\\shell32.dll,-"+fmt.Sprint(21770+r.IntN(40))+"\r\nIconResource=%SystemRoot%\\system32\\imageres.dll,-"+fmt.Sprint(100+r.IntN(200))+"\r\n"))
}

func utf16le(s string) string {
	var b strings.Builder
	for _, c := range s {
		b.WriteByte(byte(c))
		b.WriteByte(byte(c >> 8))
	}
	return b.String()
}

// applicationHost is the IIS configuration of an Exchange 2016 server: the front end (Default
// Web Site) and back end (Exchange Back End) sites with their virtual folders. None points
// into ProgramData or Users.
func applicationHost() []byte {
	ex := `C:\Program Files\Microsoft\Exchange Server\V15\`
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n  <system.applicationHost>\r\n    <applicationPools>\r\n")
	for _, p := range []string{"DefaultAppPool", "MSExchangeOWAAppPool", "MSExchangeECPAppPool", "MSExchangeServicesAppPool", "MSExchangeSyncAppPool", "MSExchangeOABAppPool", "MSExchangeAutodiscoverAppPool", "MSExchangeMapiFrontEndAppPool", "MSExchangePowerShellFrontEndAppPool", "MSExchangeRpcProxyFrontEndAppPool"} {
		fmt.Fprintf(&b, "      <add name=\"%s\" managedRuntimeVersion=\"v4.0\" />\r\n", p)
	}
	b.WriteString("    </applicationPools>\r\n    <sites>\r\n")
	b.WriteString("      <site name=\"Default Web Site\" id=\"1\" serverAutoStart=\"true\">\r\n")
	b.WriteString("        <application path=\"/\" applicationPool=\"DefaultAppPool\">\r\n          <virtualDirectory path=\"/\" physicalPath=\"%SystemDrive%\\inetpub\\wwwroot\" />\r\n        </application>\r\n")
	for _, a := range [][3]string{{"/owa", "MSExchangeOWAAppPool", "FrontEnd\\HttpProxy\\owa"}, {"/ecp", "MSExchangeECPAppPool", "FrontEnd\\HttpProxy\\ecp"},
		{"/EWS", "MSExchangeServicesAppPool", "FrontEnd\\HttpProxy\\EWS"}, {"/Microsoft-Server-ActiveSync", "MSExchangeSyncAppPool", "FrontEnd\\HttpProxy\\sync"},
		{"/OAB", "MSExchangeOABAppPool", "FrontEnd\\HttpProxy\\OAB"}, {"/Autodiscover", "MSExchangeAutodiscoverAppPool", "FrontEnd\\HttpProxy\\autodiscover"},
		{"/mapi", "MSExchangeMapiFrontEndAppPool", "FrontEnd\\HttpProxy\\mapi"}, {"/PowerShell", "MSExchangePowerShellFrontEndAppPool", "FrontEnd\\HttpProxy\\PowerShell"},
		{"/Rpc", "MSExchangeRpcProxyFrontEndAppPool", "FrontEnd\\HttpProxy\\rpc"}} {
		fmt.Fprintf(&b, "        <application path=\"%s\" applicationPool=\"%s\">\r\n          <virtualDirectory path=\"/\" physicalPath=\"%s%s\" />\r\n        </application>\r\n", a[0], a[1], ex, a[2])
	}
	b.WriteString("        <bindings>\r\n          <binding protocol=\"http\" bindingInformation=\"*:80:\" />\r\n          <binding protocol=\"https\" bindingInformation=\"*:443:\" />\r\n        </bindings>\r\n      </site>\r\n")
	b.WriteString("      <site name=\"Exchange Back End\" id=\"2\" serverAutoStart=\"true\">\r\n")
	b.WriteString("        <application path=\"/\" applicationPool=\"DefaultAppPool\">\r\n          <virtualDirectory path=\"/\" physicalPath=\"" + ex + "ClientAccess\" />\r\n        </application>\r\n")
	for _, a := range [][3]string{{"/owa", "MSExchangeOWAAppPool", "ClientAccess\\Owa"}, {"/ecp", "MSExchangeECPAppPool", "ClientAccess\\ecp"},
		{"/EWS", "MSExchangeServicesAppPool", "ClientAccess\\exchweb\\ews"}, {"/OAB", "MSExchangeOABAppPool", "ClientAccess\\Oab"},
		{"/Autodiscover", "MSExchangeAutodiscoverAppPool", "ClientAccess\\Autodiscover"}, {"/Microsoft-Server-ActiveSync", "MSExchangeSyncAppPool", "ClientAccess\\Sync"},
		{"/mapi/emsmdb", "MSExchangeMapiFrontEndAppPool", "ClientAccess\\mapi\\emsmdb"}, {"/PowerShell", "MSExchangePowerShellFrontEndAppPool", "ClientAccess\\PowerShell"}} {
		fmt.Fprintf(&b, "        <application path=\"%s\" applicationPool=\"%s\">\r\n          <virtualDirectory path=\"/\" physicalPath=\"%s%s\" />\r\n        </application>\r\n", a[0], a[1], ex, a[2])
	}
	b.WriteString("        <bindings>\r\n          <binding protocol=\"https\" bindingInformation=\"*:444:\" />\r\n        </bindings>\r\n      </site>\r\n")
	b.WriteString("      <siteDefaults>\r\n        <logFile logFormat=\"W3C\" directory=\"%SystemDrive%\\inetpub\\logs\\LogFiles\" />\r\n      </siteDefaults>\r\n")
	b.WriteString("    </sites>\r\n  </system.applicationHost>\r\n</configuration>\r\n")
	return []byte(b.String())
}
