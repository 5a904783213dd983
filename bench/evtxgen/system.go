package main

import (
	"fmt"
	"strings"

	"github.com/exsweep/exsweep/internal/evtx/evtxwrite"
)

const scm = "Service Control Manager"

// The System log: service state changes dominate; DCOM and Schannel noise, DNS timeouts,
// registry hive flushes, time sync; rarely a new service (an agent or a driver update).
var systemMix = mix[maker](
	50, maker(service7036),
	6, maker(service7040),
	10, maker(dcom10016),
	10, maker(schannel36888),
	4, maker(dns1014),
	5, maker(hive16),
	2, maker(time37),
	1, maker(uptime6013),
	1, maker(crash7031),
)

// newServiceOdds is one in how many System events is a benign new service.
const newServiceOdds = 4000

func systemEvent(g *gen) (evtxwrite.Event, benignNote) {
	if g.r.IntN(newServiceOdds) == 0 {
		return service7045(g)
	}
	return systemMix.pick(g.r)(g)
}

var services = []struct{ display, key string }{
	{"Microsoft Exchange Health Manager", "MSExchangeHM"}, {"Microsoft Exchange Search Host Controller", "HostControllerService"},
	{"Windows Modules Installer", "TrustedInstaller"}, {"WinHTTP Web Proxy Auto-Discovery Service", "WinHttpAutoProxySvc"},
	{"Windows Update", "wuauserv"}, {"Software Protection", "sppsvc"}, {"Background Intelligent Transfer Service", "BITS"},
	{"Microsoft Exchange Unified Messaging", "MSExchangeUM"}, {"Windows Error Reporting Service", "WerSvc"},
	{"Device Setup Manager", "DsmSvc"}, {"WMI Performance Adapter", "wmiApSrv"}, {"Microsoft Exchange IMAP4", "MSExchangeIMAP4"},
	{"Network Setup Service", "NetSetupSvc"}, {"Windows Defender Antivirus Network Inspection Service", "WdNisSvc"},
	{"Diagnostic Policy Service", "DPS"}, {"Application Information", "Appinfo"},
}

func sysSCM(id uint16, level uint8, d []evtxwrite.Field) evtxwrite.Event {
	return evtxwrite.Event{Provider: scm, EventID: id, Level: level, Data: d}
}

func service7036(g *gen) (evtxwrite.Event, benignNote) {
	s := pick(g.r, services)
	state := "running"
	if g.r.IntN(2) == 0 {
		state = "stopped"
	}
	ev := sysSCM(7036, 4, data("param1", s.display, "param2", state))
	// Windows appends the service's key name, UTF-16 with its NUL, as <Binary>.
	for _, c := range s.key + state[:1] {
		ev.Binary = append(ev.Binary, byte(c), 0)
	}
	ev.Binary = ev.Binary[:len(ev.Binary)-2]
	ev.Binary = append(ev.Binary, 0, 0)
	return ev, benignNote{}
}

func service7040(g *gen) (evtxwrite.Event, benignNote) {
	s := pick(g.r, services)
	from, to := "demand start", "auto start"
	if g.r.IntN(2) == 0 {
		from, to = to, from
	}
	return sysSCM(7040, 4, data("param1", s.display, "param2", from, "param3", to, "param4", s.key)), benignNote{}
}

func service7045(g *gen) (evtxwrite.Event, benignNote) {
	type svc struct{ name, image, typ, start, account string }
	s := pick(g.r, []svc{
		{"Microsoft Monitoring Agent", `"C:\Program Files\Microsoft Monitoring Agent\Agent\HealthService.exe"`, "user mode service", "auto start", "LocalSystem"},
		{"Veeam Guest Catalog Service", `"C:\Program Files\Veeam\Backup and Replication\Guest Catalog\VeeamGuestCatalogService.exe"`, "user mode service", "auto start", "LocalSystem"},
		{"Microsoft Defender Antivirus Boot Driver", `\SystemRoot\system32\drivers\wd\WdBoot.sys`, "kernel mode driver", "boot start", ""},
		{"MpKsl" + g.hex(8), `C:\ProgramData\Microsoft\Windows Defender\Definition Updates\` + g.upperGUID() + `\MpKslDrv.sys`, "kernel mode driver", "demand start", ""},
	})
	return sysSCM(7045, 4, data("ServiceName", s.name, "ImagePath", s.image, "ServiceType", s.typ, "StartType", s.start, "AccountName", s.account)),
		benignNote{"EXS-EVT-SERVICE-NEW", "a software or driver service installed (benign)"}
}

func dcom10016(g *gen) (evtxwrite.Event, benignNote) {
	return evtxwrite.Event{Provider: "Microsoft-Windows-DistributedCOM", EventID: 10016, Level: 3, Data: data(
		"param1", "application-specific", "param2", "Local", "param3", "Activation",
		"param4", "{D63B10C5-BB46-4990-A94F-E40B9D520160}", "param5", "{9CA88EE3-ACB7-47C8-AFC4-AB702511C276}",
		"param6", "NT AUTHORITY", "param7", "SYSTEM", "param8", "S-1-5-18", "param9", "LocalHost (Using LRPC)",
		"param10", "Unavailable", "param11", "Unavailable")}, benignNote{}
}

func schannel36888(g *gen) (evtxwrite.Event, benignNote) {
	return evtxwrite.Event{Provider: "Schannel", EventID: 36888, Level: 2, Data: data(
		"AlertDesc", pick(g.r, []string{"10", "40", "46", "70"}), "ErrorState", pick(g.r, []string{"1203", "1205", "960"}))}, benignNote{}
}

func dns1014(g *gen) (evtxwrite.Event, benignNote) {
	return evtxwrite.Event{Provider: "Microsoft-Windows-DNS-Client", EventID: 1014, Level: 3, Data: data(
		"QueryName", pick(g.r, []string{"wpad", "ctldl.windowsupdate.com", "settings-win.data.microsoft.com", "smtp-relay." + domainFQDN}),
		"AddressLength", "128", "Address", "02000035"+strings.Repeat("0", 24))}, benignNote{}
}

func hive16(g *gen) (evtxwrite.Event, benignNote) {
	return evtxwrite.Event{Provider: "Microsoft-Windows-Kernel-General", EventID: 16, Level: 4, Data: data(
		"HiveNameLength", "40", "HiveName", pick(g.r, []string{`\??\C:\Windows\ServiceProfiles\NetworkService\NTUSER.DAT`, `\SystemRoot\System32\Config\DRIVERS`, `\??\C:\Windows\AppCompat\Programs\Amcache.hve`}),
		"KeysUpdated", fmt.Sprint(g.r.IntN(400)), "DirtyPages", fmt.Sprint(g.r.IntN(200)))}, benignNote{}
}

func time37(g *gen) (evtxwrite.Event, benignNote) {
	return evtxwrite.Event{Provider: "Microsoft-Windows-Time-Service", EventID: 37, Level: 4, Data: data(
		"TimeSource", "DC01."+domainFQDN+" (ntp.d|0.0.0.0:123->"+dcIP+":123)")}, benignNote{}
}

func uptime6013(g *gen) (evtxwrite.Event, benignNote) {
	return evtxwrite.Event{Provider: "EventLog", EventID: 6013, Level: 4, Data: unnamed("", "", "", "", fmt.Sprint(86400*40+g.r.IntN(86400*20)), "60", "0 Coordinated Universal Time")}, benignNote{}
}

func crash7031(g *gen) (evtxwrite.Event, benignNote) {
	s := pick(g.r, services)
	return sysSCM(7031, 2, data("param1", s.display, "param2", "1", "param3", "5000", "param4", "1", "param5", "Restart the service")), benignNote{}
}

// The Application log: Exchange's own providers, ASP.NET warnings, the licensing service.
// Classic providers write unnamed <Data> values.
var applicationMix = mix[maker](
	15, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("MSExchange ADAccess", 2080, 4, unnamed(fmt.Sprintf(
			"Process MSEXCHANGEADTOPOLOGYSERVICE.EXE (PID=%d). Exchange Active Directory Provider has discovered the following servers with the following characteristics:\r\n (Server name | Roles | Enabled | Reachability | Synchronized | GC capable | PDC | SACL right | Critical Data | Netlogon | OS Version)\r\nIn-site:\r\nDC01.%s\tCDG 1 7 7 1 0 1 1 7 1", g.pid(), domainFQDN)))
	}),
	8, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("MSExchange RBAC", 74, 4, unnamed(fmt.Sprintf("(Process w3wp.exe, PID %d) Connected to Domain Controller DC01.%s.", g.pid(), domainFQDN)))
	}),
	5, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("MSExchangeApplicationLogic", 3018, 3, unnamed(pick(g.r, users).name+"@example.org", "Scenario[ServiceHealth]: GetConfig failed with a timeout. Retrying in 00:05:00."))
	}),
	4, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("MSExchange Front End HTTP Proxy", 1003, 2, unnamed(pick(g.r, []string{"[Owa]", "[Eas]", "[Ews]"}),
			"An internal server error occurred. The unhandled exception was: System.Net.WebException: The remote server returned an error: (500) Internal Server Error.\r\n   at System.Net.HttpWebRequest.EndGetResponse(IAsyncResult asyncResult)\r\n   at Microsoft.Exchange.HttpProxy.ProxyRequestHandler.OnResponseReady(Object extraData)"))
	}),
	3, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("MSExchangeFastSearch", 1009, 3, unnamed("DB01", "The indexing of mailbox database DB01 encountered an unexpected exception. Error details: Microsoft.Exchange.Search.Core.Abstraction.OperationFailedException: The component operation has failed."))
	}),
	3, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("MSExchange Assistants", 9042, 4, unnamed("Service MSExchangeMailboxAssistants. Managed Folder Mailbox Assistant for database DB01 is exiting a work cycle. No mailboxes were successfully processed. 0 mailboxes were skipped due to errors."))
	}),
	3, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("ESENT", 326, 4, unnamed("Microsoft.Exchange.Store.Worker", fmt.Sprint(g.pid()), "", "1", `D:\ExchangeDatabases\DB01\DB01.edb`, "0", "15.01.2176.002"))
	}),
	8, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("Microsoft-Windows-Security-SPP", 16384, 4, unnamed(g.t.Add(7*24*3600e9).UTC().Format("2006-01-02T15:04:05Z"), "RulesEngine"))
	}),
	3, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("MSExchangeIS", 1001, 4, unnamed("DB01", "Microsoft Exchange Information Store worker process has successfully started."))
	}),
	2, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return appEvent("MSExchange Common", 106, 3, unnamed("Time in Resource per second", "MSExchange Activity Context Resources", "Performance counter category not found.", "Last worker process info : System.ArgumentException: Process with an Id of 7324 is not running."))
	}),
	1, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		// Near miss for CVE-2021-26857: an ordinary Unified Messaging fault.
		return appEvent("MSExchange Unified Messaging", 1400, 2, unnamed("The Unified Messaging service could not process a call. System.Net.Sockets.SocketException: An existing connection was forcibly closed by the remote host"))
	}),
	1, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		// Near miss: InvalidCastException, but from ASP.NET, not Unified Messaging.
		return appEvent("ASP.NET 4.0.30319.0", 1309, 3, unnamed("3005", "An unhandled exception has occurred.", g.t.Format("1/2/2006 3:04:05 PM"), g.t.Format("1/2/2006 3:04:05 PM"),
			g.hex(32), "1", "1", "0", "/LM/W3SVC/1/ROOT/ecp-1-"+g.hex(12), "Full", "/ecp", exRoot+`FrontEnd\HttpProxy\ecp\`, shortName, "", fmt.Sprint(g.pid()), "w3wp.exe", `NT AUTHORITY\SYSTEM`,
			"InvalidCastException", "Specified cast is not valid.", "https://mail.example.org:443/ecp/DDI/DDIService.svc/GetList", "/ecp/DDI/DDIService.svc/GetList", pick(g.r, clientIPs), `CORP\`+pick(g.r, users).name, "True", "Negotiate"))
	}),
)

func applicationEvent(g *gen) (evtxwrite.Event, benignNote) { return applicationMix.pick(g.r)(g) }

func appEvent(provider string, id uint16, level uint8, d []evtxwrite.Field) (evtxwrite.Event, benignNote) {
	return evtxwrite.Event{Provider: provider, EventID: id, Level: level, Data: d}, benignNote{}
}

// PowerShell/Operational: script block logging of the scheduled scripts and the
// administrators' sessions, module logging, console start and stop.
var scriptBlocks = []string{
	"prompt",
	"{ Set-StrictMode -Version 1; $_.PSMessageDetails }",
	"{ Set-StrictMode -Version 1; $this.Exception.InnerException.PSMessageDetails }",
	"Get-MailboxDatabaseCopyStatus * | Format-Table Name,Status,CopyQueueLength,ReplayQueueLength -AutoSize",
	"Get-Service MSExchange* | Where-Object { $_.Status -ne 'Running' -and $_.StartType -eq 'Automatic' } | Select-Object Name,Status",
	"$queues = Get-Queue -Server EXCH01 | Where-Object { $_.MessageCount -gt 100 }\r\nif ($queues) { Send-MailMessage -To ops@example.org -From monitor@example.org -Subject 'Queue alert' -Body ($queues | Out-String) -SmtpServer smtp-relay." + domainFQDN + " }",
	"Get-ChildItem -Path 'C:\\inetpub\\logs\\LogFiles' -Recurse -Filter *.log | Where-Object { $_.LastWriteTime -lt (Get-Date).AddDays(-30) } | Remove-Item -Force",
	"Import-Module ServerManager; Get-WindowsFeature Web-* | Where-Object Installed",
	"$db = Get-MailboxDatabase -Status | Select-Object Name,DatabaseSize,AvailableNewMailboxSpace\r\n$db | Export-Csv -NoTypeInformation -Path C:\\Scripts\\Reports\\db-size.csv",
	"Get-Counter '\\MSExchangeIS Store(*)\\RPC Average Latency' -SampleInterval 5 -MaxSamples 3",
	"function Get-ExchangeUptime { (Get-Date) - (Get-CimInstance Win32_OperatingSystem).LastBootUpTime }\r\nGet-ExchangeUptime",
}

var powershellMix = mix[maker](
	60, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		text := pick(g.r, scriptBlocks)
		p := pick(g.r, []string{"", `C:\Scripts\Get-DatabaseStatus.ps1`, `C:\Scripts\Report-QueueLength.ps1`, `C:\Scripts\Cleanup-TempFiles.ps1`})
		return psEvent(4104, 5, data("MessageNumber", "1", "MessageTotal", "1", "ScriptBlockText", text, "ScriptBlockId", strings.Trim(g.guid(), "{}"), "Path", p))
	}),
	15, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		cmd := pick(g.r, []string{"Get-Service", "Get-ChildItem", "Export-Csv", "Get-Counter", "Send-MailMessage"})
		return psEvent(4103, 4, data(
			"ContextInfo", fmt.Sprintf("        Severity = Informational\r\n        Host Name = ConsoleHost\r\n        Host Version = 5.1.14393.4467\r\n        Host ID = %s\r\n        Host Application = powershell.exe -NonInteractive -File C:\\Scripts\\Get-DatabaseStatus.ps1\r\n        Engine Version = 5.1.14393.4467\r\n        Runspace ID = %s\r\n        Pipeline ID = 1\r\n        Command Name = %s\r\n        Command Type = Cmdlet\r\n        Script Name = C:\\Scripts\\Get-DatabaseStatus.ps1\r\n        User = CORP\\svc-monitor\r\n        Connected User = \r\n        Shell ID = Microsoft.PowerShell\r\n", strings.Trim(g.guid(), "{}"), strings.Trim(g.guid(), "{}"), cmd),
			"UserData", "",
			"Payload", fmt.Sprintf("CommandInvocation(%s): \"%s\"\r\n", cmd, cmd)))
	}),
	10, maker(func(g *gen) (evtxwrite.Event, benignNote) { return psEvent(40961, 4, nil) }),
	10, maker(func(g *gen) (evtxwrite.Event, benignNote) { return psEvent(40962, 4, nil) }),
	10, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return psEvent(53504, 4, data("param1", fmt.Sprint(g.pid()), "param2", "DefaultAppDomain"))
	}),
)

func powershellEvent(g *gen) (evtxwrite.Event, benignNote) { return powershellMix.pick(g.r)(g) }

func psEvent(id uint16, level uint8, d []evtxwrite.Field) (evtxwrite.Event, benignNote) {
	return evtxwrite.Event{Provider: "Microsoft-Windows-PowerShell", EventID: id, Level: level, Data: d}, benignNote{}
}

// MSExchange Management: MSExchange CmdletLogs records every cmdlet run through Exchange's
// remote PowerShell and the admin centre, with unnamed values: cmdlet, parameters, caller,
// SIDs, connection, process, elapsed time, scope. Health probes and the admin centre
// dominate; a few administrators' changes, exports and failed commands.
type cmdlet struct {
	weight int
	name   string
	params func(g *gen) string
	ecp    bool // run from the admin centre (w3wp of the ECP pool) rather than remote PowerShell
	note   benignNote
}

var cmdlets = mix[cmdlet](
	30, cmdlet{name: "Get-Mailbox", params: func(g *gen) string { return fmt.Sprintf(`-Identity "%s@example.org"`, pick(g.r, healthMailboxes).name) }},
	12, cmdlet{name: "Test-ServiceHealth", params: lit(`-Server "EXCH01"`)},
	10, cmdlet{name: "Get-MailboxDatabase", params: lit(`-Status:$true -Server "EXCH01"`)},
	8, cmdlet{name: "Get-ExchangeServer", params: lit(`-Identity "EXCH01"`)},
	8, cmdlet{name: "Get-MailboxAutoReplyConfiguration", ecp: true, params: func(g *gen) string { return fmt.Sprintf(`-Identity "%s@example.org"`, pick(g.r, users).name) }},
	5, cmdlet{name: "Set-MailboxAutoReplyConfiguration", ecp: true, params: func(g *gen) string {
		return fmt.Sprintf(`-Identity "%s@example.org" -AutoReplyState "Enabled" -InternalMessage "<html><body>Out of office until Monday.</body></html>"`, pick(g.r, users).name)
	}},
	5, cmdlet{name: "Get-MailboxStatistics", params: func(g *gen) string { return fmt.Sprintf(`-Identity "%s@example.org"`, pick(g.r, users).name) }},
	4, cmdlet{name: "Get-InboxRule", ecp: true, params: func(g *gen) string { return fmt.Sprintf(`-Mailbox "%s@example.org"`, pick(g.r, users).name) }},
	3, cmdlet{name: "Get-MessageTrackingLog", params: func(g *gen) string {
		return fmt.Sprintf(`-Sender "%s@example.org" -Start "%s" -ResultSize "1000"`, pick(g.r, users).name, g.t.Add(-48*3600e9).Format("1/2/2006 3:04:05 PM"))
	}},
	3, cmdlet{name: "Set-Mailbox", params: func(g *gen) string {
		return fmt.Sprintf(`-Identity "%s@example.org" -ProhibitSendQuota "9.5 GB (10,200,547,328 bytes)" -IssueWarningQuota "9 GB (9,663,676,416 bytes)"`, pick(g.r, users).name)
	}},
	2, cmdlet{name: "Add-MailboxPermission", params: func(g *gen) string {
		return fmt.Sprintf(`-Identity "shared.finance@example.org" -User "%s@example.org" -AccessRights {FullAccess} -InheritanceType "All"`, pick(g.r, users).name)
	}},
	2, cmdlet{name: "Get-OwaVirtualDirectory", ecp: true, params: lit(`-Server "EXCH01" -ADPropertiesOnly:$true`)},
	2, cmdlet{name: "Get-ExchangeCertificate", params: lit(`-Server "EXCH01"`)},
	1, cmdlet{name: "Get-TransportAgent", params: lit("")},
	1, cmdlet{name: "Get-MailboxExportRequest", params: lit("")},
	1, cmdlet{name: "Set-OabVirtualDirectory", params: lit(`-Identity "EXCH01\OAB (Default Web Site)" -ExternalUrl "https://mail.example.org/OAB" -InternalUrl "https://mail.corp.example.org/OAB"`)},
	1, cmdlet{name: "New-MailboxExportRequest", params: func(g *gen) string {
		u := pick(g.r, users).name
		return fmt.Sprintf(`-Mailbox "%s@example.org" -FilePath "\\fs01\pst$\leavers\%s.pst"`, u, u)
	}},
	1, cmdlet{name: "New-ManagementRoleAssignment", params: func(g *gen) string {
		return fmt.Sprintf(`-Role "Mail Recipients" -User "%s@example.org"`, pick(g.r, users).name)
	}},
)

// exportCleanupOdds is one in how many cmdlets is an administrator removing finished export
// requests: benign, and listed by a low-severity rule.
const exportCleanupOdds = 3000

func cmdletEvent(g *gen) (evtxwrite.Event, benignNote) {
	c := cmdlets.pick(g.r)
	if g.r.IntN(exportCleanupOdds) == 0 {
		c = cmdlet{name: "Remove-MailboxExportRequest", params: func(g *gen) string {
			return fmt.Sprintf(`-Identity "%s\MailboxExport" -Confirm:$false`, pick(g.r, users).name)
		}, note: benignNote{"EXS-EVT-CMDLET-EXPORT-REMOVED", "an administrator removes a finished export to the PST share (benign)"}}
	}
	id := uint16(1)
	if g.r.IntN(30) == 0 {
		id = 6
	}
	ev := cmdletLog(g, id, c.name, c.params(g), c.ecp)
	return ev, c.note
}

// cmdletLog builds one MSExchange CmdletLogs event.
func cmdletLog(g *gen, id uint16, name, params string, ecp bool) evtxwrite.Event {
	caller, conn, proc := "corp.example.org/Microsoft Exchange System Objects/Monitoring Mailboxes/"+pick(g.r, healthMailboxes).name, "Remote-PowerShell", fmt.Sprintf("%d w3wp#MSExchangePowerShellAppPool", g.pid())
	if ecp {
		caller, conn, proc = "corp.example.org/Users/"+pick(g.r, users).name, "ECP", fmt.Sprintf("%d w3wp#MSExchangeECPAppPool", g.pid())
	} else if !strings.HasPrefix(name, "Get-") && name != "Test-ServiceHealth" {
		caller = "corp.example.org/Users/" + pick(g.r, admins[:2]).name
	}
	elapsed := fmt.Sprintf("00:00:%02d.%07d", g.r.IntN(3), g.r.IntN(10000000))
	vals := []string{name, params, caller, fmt.Sprintf("%s-%d", domainSID, 1100+g.r.IntN(200)), fmt.Sprintf("%s-%d", domainSID, 1100+g.r.IntN(200)), conn, proc, "", elapsed,
		"View Entire Forest: 'False', Default Scope: '" + domainFQDN + "', Configuration Domain Controller: 'DC01." + domainFQDN + "', Preferred Global Catalog: 'DC01." + domainFQDN + "', Preferred Domain Controllers: '{ DC01." + domainFQDN + " }'",
		"", ""}
	level := uint8(4)
	if id == 6 {
		level = 2
		vals = append(vals, "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException: The operation couldn't be performed because object couldn't be found on 'DC01."+domainFQDN+"'.")
	}
	return evtxwrite.Event{Provider: "MSExchange CmdletLogs", EventID: id, Level: level, Data: unnamed(vals...)}
}

// Defender/Operational: health reports, signature updates, scans, configuration changes; a
// potentially unwanted application found in a download folder, once in a while.
const defenderProvider = "Microsoft-Windows-Windows Defender"

func sigVersion(g *gen) string {
	return fmt.Sprintf("1.333.%d.0", 100+int(g.t.Sub(spanStart).Hours()/6))
}

var defenderMix = mix[maker](
	20, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return defEvent(1150, 4, data("Product Name", "%%827", "Product Version", "4.18.2102.4", "Platform version", "4.18.2102.4", "Unused", "", "Engine version", "1.1.17900.7", "Security intelligence version", sigVersion(g)))
	}),
	30, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		typ := pick(g.r, []string{"AntiSpyware", "AntiVirus"})
		idx := "1"
		if typ == "AntiVirus" {
			idx = "2"
		}
		return defEvent(2000, 4, data("Product Name", "%%827", "Product Version", "4.18.2102.4", "Current security intelligence Version", sigVersion(g),
			"Previous security intelligence Version", "1.333.99.0", "Security intelligence Type Index", idx, "Security intelligence Type", typ,
			"Update Type Index", "1", "Update Type", "Delta", "User", `NT AUTHORITY\SYSTEM`, "Current Engine Version", "1.1.17900.7", "Previous Engine Version", "1.1.17900.7"))
	}),
	10, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return defEvent(1000, 4, data("Product Name", "%%827", "Product Version", "4.18.2102.4", "Scan ID", g.upperGUID(), "Scan Type Index", "1", "Scan Type", "%%802",
			"Scan Parameters Index", "1", "Scan Parameters", "%%806", "Domain", "NT AUTHORITY", "User", "SYSTEM", "SID", "S-1-5-18", "Scan Resources", ""))
	}),
	10, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return defEvent(1001, 4, data("Product Name", "%%827", "Product Version", "4.18.2102.4", "Scan ID", g.upperGUID(), "Scan Type Index", "1", "Scan Type", "%%802",
			"Scan Parameters Index", "1", "Scan Parameters", "%%806", "Domain", "NT AUTHORITY", "User", "SYSTEM", "SID", "S-1-5-18",
			"Scan Time Hours", "0", "Scan Time Minutes", fmt.Sprint(g.r.IntN(12)), "Scan Time Seconds", fmt.Sprint(g.r.IntN(60))))
	}),
	15, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		key := pick(g.r, []string{`HKLM\SOFTWARE\Microsoft\Windows Defender\Signature Updates\SignatureUpdateLastAttempted`, `HKLM\SOFTWARE\Microsoft\Windows Defender\Features\TamperProtection`})
		return defEvent(5007, 4, data("Product Name", "%%827", "Product Version", "4.18.2102.4", "Old Value", key+" = 0x1", "New Value", key+" = 0x5"))
	}),
	10, maker(func(g *gen) (evtxwrite.Event, benignNote) {
		return defEvent(1151, 4, data("Product Name", "%%827", "Product Version", "4.18.2102.4", "Platform version", "4.18.2102.4", "Engine version", "1.1.17900.7",
			"NRI engine version", "1.1.17900.7", "AV security intelligence version", sigVersion(g), "AS security intelligence version", sigVersion(g), "RTP state", "Enabled"))
	}),
)

// puaOdds is one in how many Defender events is a PUA detection (a near miss for the
// Exchange shell rule: a detection, but not of an Exchange family).
const puaOdds = 5000

func defenderEvent(g *gen) (evtxwrite.Event, benignNote) {
	if g.r.IntN(puaOdds) == 0 {
		return defenderDetection(g, 1116, "PUA:Win32/Presenoker", "2", "Low", `file:_C:\Users\exadmin\Downloads\7z-setup-bundle.exe`), benignNote{}
	}
	return defenderMix.pick(g.r)(g)
}

func defEvent(id uint16, level uint8, d []evtxwrite.Field) (evtxwrite.Event, benignNote) {
	return evtxwrite.Event{Provider: defenderProvider, EventID: id, Level: level, Data: d}, benignNote{}
}

// defenderDetection is a 1116 (detected) or 1117 (action taken) event with Windows' field names.
func defenderDetection(g *gen, id uint16, threat, sevID, sevName, where string) evtxwrite.Event {
	level := uint8(3)
	action := []string{"Action ID", "9", "Action Name", "%%887"}
	if id == 1117 {
		level = 4
		action = []string{"Action ID", "2", "Action Name", "%%809"}
	}
	d := []string{"Product Name", "%%827", "Product Version", "4.18.2102.4", "Detection ID", g.upperGUID(), "Detection Time", g.t.UTC().Format("2006-01-02T15:04:05.000Z"),
		"Unused", "", "Unused2", "", "Threat ID", fmt.Sprint(2147700000 + g.r.IntN(99999)), "Threat Name", threat, "Severity ID", sevID, "Severity Name", sevName,
		"Category ID", "8", "Category Name", "Trojan", "FWLink", "https://go.microsoft.com/fwlink/?linkid=37020&name=" + threat + "&threatid=2147700000&enterprise=1",
		"Status Code", "1", "Status Description", "", "State", "1", "Source ID", "3", "Source Name", "%%818", "Process Name", "Unknown",
		"Detection User", `NT AUTHORITY\SYSTEM`, "Unused3", "", "Path", where, "Origin ID", "1", "Origin Name", "%%845", "Execution ID", "0", "Execution Name", "%%813",
		"Type ID", "0", "Type Name", "%%822", "Pre Execution Status", "0"}
	d = append(d, action...)
	d = append(d, "Unused4", "", "Error Code", "0x00000000", "Error Description", "The operation completed successfully. ", "Unused5", "", "Post Clean Status", "0",
		"Additional Actions ID", "0", "Additional Actions String", "No additional actions required", "Remediation User", "", "Unused6", "",
		"Security intelligence Version", "AV: "+sigVersion(g)+", AS: "+sigVersion(g)+", NIS: 1.333.100.0", "Engine Version", "AM: 1.1.17900.7, NIS: 1.1.17900.7")
	return evtxwrite.Event{Provider: defenderProvider, EventID: id, Level: level, Data: data(d...)}
}

// The small channels.
func classicPowerShellEvent(g *gen) (evtxwrite.Event, benignNote) {
	host := pick(g.r, []string{`powershell.exe -NonInteractive -NoProfile -File C:\Scripts\Get-DatabaseStatus.ps1`, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, `powershell.exe -NoLogo -NonInteractive -File "C:\Scripts\Report-QueueLength.ps1"`})
	details := fmt.Sprintf("\tNewEngineState=Available\r\n\tPreviousEngineState=None\r\n\r\n\tSequenceNumber=13\r\n\r\n\tHostName=ConsoleHost\r\n\tHostVersion=5.1.14393.4467\r\n\tHostId=%s\r\n\tHostApplication=%s\r\n\tEngineVersion=5.1.14393.4467\r\n\tRunspaceId=%s\r\n\tPipelineId=\r\n\tCommandName=\r\n\tCommandType=\r\n\tScriptName=\r\n\tCommandPath=\r\n\tCommandLine=", strings.Trim(g.guid(), "{}"), host, strings.Trim(g.guid(), "{}"))
	switch g.r.IntN(3) {
	case 0:
		return evtxwrite.Event{Provider: "PowerShell", EventID: 400, Level: 4, Data: unnamed("Available", "None", details)}, benignNote{}
	case 1:
		return evtxwrite.Event{Provider: "PowerShell", EventID: 403, Level: 4, Data: unnamed("Stopped", "Available", strings.Replace(details, "NewEngineState=Available\r\n\tPreviousEngineState=None", "NewEngineState=Stopped\r\n\tPreviousEngineState=Available", 1))}, benignNote{}
	}
	prov := pick(g.r, []string{"Registry", "Alias", "Environment", "FileSystem", "Function", "Variable"})
	return evtxwrite.Event{Provider: "PowerShell", EventID: 600, Level: 4, Data: unnamed(prov, "Started", "\tProviderName="+prov+"\r\n\tNewProviderState=Started\r\n\r\n\tSequenceNumber=1\r\n\r\n\tHostName=ConsoleHost\r\n\tHostVersion=5.1.14393.4467\r\n\tHostApplication="+host)}, benignNote{}
}

var tasks = []string{`\Microsoft\Windows\Defrag\ScheduledDefrag`, `\Purge IIS Logs`, `\Exchange DB Report`, `\Microsoft\Windows\Windows Defender\Windows Defender Cache Maintenance`,
	`\Microsoft\Windows\UpdateOrchestrator\Schedule Scan`, `\Microsoft\Windows\Server Manager\ServerManager`, `\Exchange Queue Monitor`}

func taskSchedulerEvent(g *gen) (evtxwrite.Event, benignNote) {
	task := pick(g.r, tasks)
	inst := strings.Trim(g.guid(), "{}")
	var ev evtxwrite.Event
	switch g.r.IntN(5) {
	case 0:
		ev = evtxwrite.Event{EventID: 100, Data: data("TaskName", task, "UserContext", `CORP\svc-monitor`, "InstanceId", inst)}
	case 1:
		ev = evtxwrite.Event{EventID: 102, Data: data("TaskName", task, "UserName", `CORP\svc-monitor`, "InstanceId", inst)}
	case 2:
		ev = evtxwrite.Event{EventID: 200, Data: data("TaskName", task, "ActionName", `C:\Windows\system32\cmd.exe`, "TaskInstanceId", inst, "EnginePID", fmt.Sprint(g.pid()))}
	case 3:
		ev = evtxwrite.Event{EventID: 201, Data: data("TaskName", task, "TaskInstanceId", inst, "ActionName", `C:\Windows\system32\cmd.exe`, "ResultCode", "0", "EnginePID", fmt.Sprint(g.pid()))}
	default:
		ev = evtxwrite.Event{EventID: 129, Data: data("TaskName", task, "Path", `C:\Windows\system32\cmd.exe`, "ProcessID", fmt.Sprint(g.pid()), "Priority", "16384")}
	}
	ev.Provider, ev.Level = "Microsoft-Windows-TaskScheduler", 4
	return ev, benignNote{}
}

func wmiEvent(g *gen) (evtxwrite.Event, benignNote) {
	if g.r.IntN(4) == 0 {
		return evtxwrite.Event{Provider: "Microsoft-Windows-WMI-Activity", EventID: 5858, Level: 2, Data: data(
			"Id", "{00000000-0000-0000-0000-000000000000}", "ClientMachine", shortName, "User", `NT AUTHORITY\SYSTEM`, "ClientProcessId", fmt.Sprint(g.pid()),
			"Component", "Unknown", "Operation", "Start IWbemServices::ExecQuery - root\\cimv2 : SELECT * FROM Win32_PerfRawData_MSExchangeADAccess_MSExchangeADAccessDomainControllers",
			"ResultCode", "0x80041010", "PossibleCause", "Unknown")}, benignNote{}
	}
	prov := pick(g.r, []string{"CIMWin32", "WmiPerfClass", "MS_NT_EVENTLOG_PROVIDER", "Msft_ProviderSubSystem"})
	return evtxwrite.Event{Provider: "Microsoft-Windows-WMI-Activity", EventID: 5857, Level: 4, Data: data(
		"ProviderName", prov, "Code", "0x0", "HostProcess", "wmiprvse.exe", "ProcessID", fmt.Sprint(g.pid()), "ProviderPath", `%systemroot%\system32\wbem\cimwin32.dll`)}, benignNote{}
}

func sessionEvent(g *gen) (evtxwrite.Event, benignNote) {
	a := pick(g.r, admins[:2])
	id := pick(g.r, []uint16{21, 22, 23, 24, 25})
	return evtxwrite.Event{Provider: "Microsoft-Windows-TerminalServices-LocalSessionManager", EventID: id, Level: 4,
		UserData: &evtxwrite.UserData{Name: "EventXML", Namespace: "Event_NS", Fields: data(
			"User", `CORP\`+a.name, "SessionID", fmt.Sprint(1+g.r.IntN(4)), "Address", pick(g.r, adminIPs))}}, benignNote{}
}
