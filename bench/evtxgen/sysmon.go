package main

import (
	"fmt"
	"strings"

	"github.com/exsweep/exsweep/internal/evtx/evtxwrite"
)

const sysmonProvider = "Microsoft-Windows-Sysmon"

// Sysmon with a common community-style configuration on an Exchange server: network
// connections and image loads dominate, then file creations, registry writes, process starts
// and ends, DNS queries and handle opens.
var sysmonMix = mix[maker](
	8, maker(sysmon1),
	25, maker(sysmon3),
	8, maker(sysmon5),
	25, maker(sysmon7),
	5, maker(sysmon10),
	12, maker(sysmon11),
	10, maker(sysmon13),
	7, maker(sysmon22),
)

func sysmonEvent(g *gen) (evtxwrite.Event, benignNote) { return sysmonMix.pick(g.r)(g) }

func sysEvent(id uint16, d []evtxwrite.Field) evtxwrite.Event {
	return evtxwrite.Event{Provider: sysmonProvider, EventID: id, Level: 4, Data: d}
}

func sysmon1(g *gen) (evtxwrite.Event, benignNote) {
	p := g.proc()
	return sysEvent(1, sysmonProcessCreate(g, g.start(p))), p.note
}

// A process as other Sysmon events name it.
type runner struct{ image, user string }

var runners = []runner{
	{w3wpPath, system}, {w3wpPath, system}, {w3wpPath, system},
	{exBin + "MSExchangeFrontendTransport.exe", netSvc}, {exBin + "EdgeTransport.exe", netSvc},
	{exBin + "Microsoft.Exchange.Store.Worker.exe", system}, {exBin + "MSExchangeHMWorker.exe", system},
	{exBin + `Search\Ceres\Runtime\1.0\noderunner.exe`, system}, {exBin + "Microsoft.Exchange.Directory.TopologyService.exe", system},
	{exBin + "MSExchangeMailboxAssistants.exe", system}, {exBin + "MSExchangeDelivery.exe", netSvc},
	{sys32 + "svchost.exe", system}, {sys32 + "lsass.exe", system},
	{`C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2102.4-0\MsMpEng.exe`, system},
}

func sysmon3(g *gen) (evtxwrite.Event, benignNote) {
	r := pick(g.r, runners)
	type dest struct{ ip, host, port, name string }
	d := pick(g.r, []dest{
		{dcIP, "DC01." + domainFQDN, "389", "ldap"}, {dcIP, "DC01." + domainFQDN, "3268", "msft-gc"},
		{dcIP, "DC01." + domainFQDN, "88", "kerberos"}, {serverIPs[1], "EXCH02." + domainFQDN, "444", "snapd"},
		{serverIPs[1], "EXCH02." + domainFQDN, "25", "smtp"}, {serverIPs[1], "EXCH02." + domainFQDN, "135", "epmap"},
		{"10.10.0.25", "smtp-relay." + domainFQDN, "25", "smtp"}, {"40.97.120.226", "-", "443", "https"},
		{"52.97.146.2", "-", "443", "https"}, {dcIP, "DC01." + domainFQDN, "53", "domain"},
	})
	return sysEvent(3, data(
		"RuleName", "-",
		"UtcTime", utc(g.t),
		"ProcessGuid", g.guid(),
		"ProcessId", fmt.Sprint(g.pid()),
		"Image", r.image,
		"User", r.user,
		"Protocol", "tcp",
		"Initiated", "true",
		"SourceIsIpv6", "false",
		"SourceIp", serverIPs[0],
		"SourceHostname", computer,
		"SourcePort", fmt.Sprint(49152+g.r.IntN(16000)),
		"SourcePortName", "-",
		"DestinationIsIpv6", "false",
		"DestinationIp", d.ip,
		"DestinationHostname", d.host,
		"DestinationPort", d.port,
		"DestinationPortName", d.name,
	)), benignNote{}
}

func sysmon5(g *gen) (evtxwrite.Event, benignNote) {
	p := procs.pick(g.r)
	return sysEvent(5, data(
		"RuleName", "-",
		"UtcTime", utc(g.t),
		"ProcessGuid", g.guid(),
		"ProcessId", fmt.Sprint(g.pid()),
		"Image", p.image,
		"User", p.user,
	)), benignNote{}
}

var loadedImages = []struct{ path, desc, product string }{
	{`C:\Windows\Microsoft.NET\Framework64\v4.0.30319\clr.dll`, "Microsoft .NET Runtime Common Language Runtime - WorkStation", netProd},
	{`C:\Windows\Microsoft.NET\Framework64\v4.0.30319\clrjit.dll`, "Microsoft .NET Runtime Just-In-Time Compiler", netProd},
	{`C:\Windows\Microsoft.NET\Framework64\v4.0.30319\mscoreei.dll`, "Microsoft .NET Runtime Execution Engine", netProd},
	{`C:\Windows\assembly\NativeImages_v4.0.30319_64\System.Web\5d7c4a3b1c2d9e8f7a6b5c4d3e2f1a0b\System.Web.ni.dll`, "System.Web.dll", netProd},
	{exBin + "Microsoft.Exchange.Data.Directory.dll", "Microsoft.Exchange.Data.Directory", exProd},
	{exBin + "Microsoft.Exchange.Diagnostics.dll", "Microsoft.Exchange.Diagnostics", exProd},
	{exRoot + `FrontEnd\HttpProxy\bin\Microsoft.Exchange.HttpProxy.Common.dll`, "Microsoft.Exchange.HttpProxy.Common", exProd},
	{sys32 + "bcryptprimitives.dll", "Windows Cryptographic Primitives Library", winProd},
	{sys32 + "ncrypt.dll", "Windows NCrypt Router", winProd},
	{sys32 + "schannel.dll", "TLS / SSL Security Provider", winProd},
	{sys32 + "wintrust.dll", "Microsoft Trust Verification APIs", winProd},
	{sys32 + "amsi.dll", "Anti-Malware Scan Interface", winProd},
}

func sysmon7(g *gen) (evtxwrite.Event, benignNote) {
	r := pick(g.r, runners)
	img := pick(g.r, loadedImages)
	base := img.path[strings.LastIndexByte(img.path, '\\')+1:]
	return sysEvent(7, data(
		"RuleName", "-",
		"UtcTime", utc(g.t),
		"ProcessGuid", g.guid(),
		"ProcessId", fmt.Sprint(g.pid()),
		"Image", r.image,
		"ImageLoaded", img.path,
		"FileVersion", "4.8.4311.0 built by: NET48REL1LAST_C",
		"Description", img.desc,
		"Product", img.product,
		"Company", msCorp,
		"OriginalFileName", base,
		"Hashes", hashes(img.path),
		"Signed", "true",
		"Signature", "Microsoft Windows",
		"SignatureStatus", "Valid",
		"User", r.user,
	)), benignNote{}
}

func sysmon10(g *gen) (evtxwrite.Event, benignNote) {
	src := pick(g.r, []runner{
		{`C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2102.4-0\MsMpEng.exe`, system},
		{sys32 + "wbem\\WmiPrvSE.exe", netSvc}, {exBin + "MSExchangeHMWorker.exe", system}, {sys32 + "svchost.exe", system},
	})
	tgt := pick(g.r, []runner{{sys32 + "lsass.exe", system}, {w3wpPath, system}, {exBin + "EdgeTransport.exe", netSvc}})
	return sysEvent(10, data(
		"RuleName", "-",
		"UtcTime", utc(g.t),
		"SourceProcessGUID", g.guid(),
		"SourceProcessId", fmt.Sprint(g.pid()),
		"SourceThreadId", fmt.Sprint(g.pid()),
		"SourceImage", src.image,
		"TargetProcessGUID", g.guid(),
		"TargetProcessId", fmt.Sprint(g.pid()),
		"TargetImage", tgt.image,
		"GrantedAccess", pick(g.r, []string{"0x1000", "0x1400", "0x101000", "0x1010"}),
		"CallTrace", fmt.Sprintf(`C:\Windows\SYSTEM32\ntdll.dll+a5ea4|C:\Windows\System32\KERNELBASE.dll+2b4ce|%s+%x|C:\Windows\System32\KERNEL32.DLL+84d4|C:\Windows\SYSTEM32\ntdll.dll+51791`, src.image, 0x1000+g.r.IntN(0x80000)),
		"SourceUser", src.user,
		"TargetUser", tgt.user,
	)), benignNote{}
}

// fileCreates are the files an Exchange server writes all day, and a few near misses for the
// page rules: setup replacing owa\auth pages, aspnet_client's own scripts, IIS writing its
// app pool configurations.
func (g *gen) fileCreate() (image, user, target string) {
	switch x := g.r.IntN(1000); {
	case x < 300:
		proto := pick(g.r, []string{"Owa", "Ews", "Eas", "Mapi", "Autodiscover", "RpcHttp", "Ecp", "Oab"})
		return w3wpPath, system, fmt.Sprintf(`%sLogging\HttpProxy\%s\HttpProxy_%s-%d.LOG`, exRoot, proto, g.t.Format("2006010215"), 1+g.r.IntN(3))
	case x < 450:
		return exBin + "EdgeTransport.exe", netSvc, fmt.Sprintf(`%sTransportRoles\data\Queue\trn%05X.log`, exRoot, g.r.IntN(0xfffff))
	case x < 600:
		return exBin + "MSExchangeHMWorker.exe", system, fmt.Sprintf(`%sLogging\Monitoring\Monitoring\MSExchangeHealthManagerEvents\MSExchangeHealthManagerEvents_%s-%d.log`, exRoot, g.t.Format("20060102"), g.r.IntN(20))
	case x < 700:
		return w3wpPath, system, fmt.Sprintf(`C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files\owa\%s\%s\%s`, g.hex(8), g.hex(8),
			pick(g.r, []string{"App_Web_" + g.hex(8) + ".dll", g.hex(8) + ".cmdline", g.hex(8) + ".0.cs", "hash.web", g.hex(8) + ".out"}))
	case x < 800:
		return pick(g.r, []string{sys32 + "svchost.exe", exBin + "MSExchangeHMWorker.exe"}), system, fmt.Sprintf(`C:\Windows\Temp\%s.tmp`, strings.ToUpper(g.hex(8)))
	case x < 880:
		return exBin + "Microsoft.Exchange.Store.Worker.exe", system, fmt.Sprintf(`%sLogging\Store\StoreDiagnostics_%s.log`, exRoot, g.t.Format("2006010215"))
	case x < 940:
		return exBin + "MSExchangeMailboxAssistants.exe", system, fmt.Sprintf(`%sClientAccess\OAB\%s\%s`, exRoot, strings.TrimSuffix(strings.TrimPrefix(g.guid(), "{"), "}"),
			pick(g.r, []string{"oab.xml", "a7f3c0e2-data-1.lzx", "a7f3c0e2-lng409-1.lzx"}))
	case x < 990:
		pool := pick(g.r, appPools)
		return sys32 + "svchost.exe", system, fmt.Sprintf(`C:\inetpub\temp\apppools\%s\%s.config`, pool, pool)
	case x < 995:
		return sys32 + "msiexec.exe", system, `C:\inetpub\wwwroot\aspnet_client\system_web\4_0_30319\` + pick(g.r, []string{"WebUIValidation.js", "SmartNav.js", "SmartNav.htm"})
	default:
		return exBin + "ExSetup.exe", system, exRoot + `FrontEnd\HttpProxy\owa\auth\` + pick(g.r, []string{"logon.aspx", "errorFE.aspx", "expiredpassword.aspx", "logoff.aspx", `15.1.2176\scripts\premium\flogon.js`, `15.1.2176\themes\resources\owafont_ja.css`})
	}
}

func sysmon11(g *gen) (evtxwrite.Event, benignNote) {
	image, user, target := g.fileCreate()
	return sysEvent(11, data(
		"RuleName", "-",
		"UtcTime", utc(g.t),
		"ProcessGuid", g.guid(),
		"ProcessId", fmt.Sprint(g.pid()),
		"Image", image,
		"TargetFilename", target,
		"CreationUtcTime", utc(g.t),
		"User", user,
	)), benignNote{}
}

func sysmon13(g *gen) (evtxwrite.Event, benignNote) {
	type reg struct{ image, key, details string }
	r := pick(g.r, []reg{
		{sys32 + "svchost.exe", `HKLM\System\CurrentControlSet\Services\bam\State\UserSettings\S-1-5-18\\Device\HarddiskVolume2\Windows\System32\wbem\WmiPrvSE.exe`, "Binary Data"},
		{`C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2102.4-0\MsMpEng.exe`, `HKLM\SOFTWARE\Microsoft\Windows Defender\Signature Updates\SignaturesLastUpdated`, "QWORD (0x01d70f1a-0x3c2e5b80)"},
		{exBin + "MSExchangeHMWorker.exe", `HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\ActiveMonitoring\Overrides\LastUpdated`, "QWORD (0x01d70f1b-0x12ab4c00)"},
		{sys32 + "services.exe", `HKLM\System\CurrentControlSet\Services\MSExchangeIMAP4\Start`, "DWORD (0x00000003)"},
		{sys32 + "svchost.exe", `HKLM\System\CurrentControlSet\Services\W32Time\Config\LastKnownGoodTime`, "QWORD (0x01d70f1a-0x0f4a2b00)"},
		{exBin + "Microsoft.Exchange.Directory.TopologyService.exe", `HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\ADAccess\Instance0\LastTopologyDiscovery`, "DWORD (0x00000001)"},
	})
	return sysEvent(13, data(
		"RuleName", "-",
		"EventType", "SetValue",
		"UtcTime", utc(g.t),
		"ProcessGuid", g.guid(),
		"ProcessId", fmt.Sprint(g.pid()),
		"Image", r.image,
		"TargetObject", r.key,
		"Details", r.details,
		"User", system,
	)), benignNote{}
}

func sysmon22(g *gen) (evtxwrite.Event, benignNote) {
	type q struct{ name, result string }
	x := pick(g.r, []q{
		{"DC01." + domainFQDN, "::ffff:" + dcIP + ";"},
		{"EXCH02." + domainFQDN, "::ffff:" + serverIPs[1] + ";"},
		{"outlook.office365.com", "type:  5 outlook.ha.office365.com;type:  5 outlook.ms-acdc.office.com;::ffff:52.97.146.2;::ffff:40.97.120.226;"},
		{"login.microsoftonline.com", "type:  5 login.mso.msidentity.com;::ffff:20.190.160.1;"},
		{"definitionupdates.microsoft.com", "type:  5 definitionupdates.microsoft.com.edgesuite.net;::ffff:23.52.176.80;"},
		{"ctldl.windowsupdate.com", "type:  5 wu-bg-shim.trafficmanager.net;::ffff:8.253.95.121;"},
		{"_ldap._tcp.dc._msdcs." + domainFQDN, "type:  33 DC01." + domainFQDN + ";"},
	})
	r := pick(g.r, runners)
	return sysEvent(22, data(
		"RuleName", "-",
		"UtcTime", utc(g.t),
		"ProcessGuid", g.guid(),
		"ProcessId", fmt.Sprint(g.pid()),
		"QueryName", x.name,
		"QueryStatus", "0",
		"QueryResults", x.result,
		"Image", r.image,
		"User", r.user,
	)), benignNote{}
}
