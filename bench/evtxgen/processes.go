package main

import (
	"fmt"
	"path"
	"strings"

	"github.com/exsweep/exsweep/internal/evtx/evtxwrite"
)

// proc is one kind of benign process start on an Exchange server, for Security 4688 and
// Sysmon 1.
type proc struct {
	weight      int
	image       string
	cmd         func(g *gen) string
	parent      string
	parentCmd   func(g *gen) string
	user        string // DOMAIN\name as Sysmon shows it
	integrity   string
	company     string
	product     string
	description string
	version     string
	note        benignNote // set when a low-severity rule lists it
}

func lit(s string) func(*gen) string { return func(*gen) string { return s } }

const (
	msCorp  = "Microsoft Corporation"
	winProd = "Microsoft® Windows® Operating System"
	exProd  = "Microsoft® Exchange"
	netProd = "Microsoft® .NET Framework"
	exVer   = "15.01.2176.002"
	winVer  = "10.0.14393.4169 (rs1_release.210107-1130)"
	system  = `NT AUTHORITY\SYSTEM`
	netSvc  = `NT AUTHORITY\NETWORK SERVICE`
)

var svchostSchedule = lit(`C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`)

var procs = mix[*proc](
	30, &proc{image: exBin + `Search\Ceres\Runtime\1.0\noderunner.exe`,
		cmd: func(g *gen) string {
			node := pick(g.r, []string{"AdminNode1", "ContentEngineNode1", "IndexNode1", "InteractionEngineNode1"})
			return fmt.Sprintf(`"%sSearch\Ceres\Runtime\1.0\noderunner.exe" --addressfile "%sSearch\Ceres\HostController\Data\Nodes\Fsis\%s\Configuration\address.txt" --tempdirectory "%sSearch\Ceres\HostController\Data\Nodes\Fsis\%s\Temp" --confighostaddress 127.0.0.1`, exBin, exBin, node, exBin, node)
		},
		parent: exBin + `Search\Ceres\HostController\hostcontrollerservice.exe`, parentCmd: lit(`"` + exBin + `Search\Ceres\HostController\hostcontrollerservice.exe"`),
		user: system, integrity: "System", company: msCorp, product: "Microsoft Search Server", description: "NodeRunner", version: "16.00.0000.000"},
	25, &proc{image: exBin + `MSExchangeHMWorker.exe`,
		cmd: func(g *gen) string {
			return fmt.Sprintf(`"%sMSExchangeHMWorker.exe" -wasstarted:%d -workerId:%d`, exBin, 1+g.r.IntN(9), g.r.IntN(4))
		},
		parent: exBin + `MSExchangeHMHost.exe`, parentCmd: lit(`"` + exBin + `MSExchangeHMHost.exe"`),
		user: system, integrity: "System", company: msCorp, product: exProd, description: "Microsoft Exchange Health Manager Worker", version: exVer},
	30, &proc{image: sys32 + `conhost.exe`, cmd: lit(`\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`),
		parent: exBin + `MSExchangeHMWorker.exe`, parentCmd: lit(`"` + exBin + `MSExchangeHMWorker.exe" -wasstarted:2 -workerId:1`),
		user: system, integrity: "System", company: msCorp, product: winProd, description: "Console Window Host", version: winVer},
	12, &proc{image: sys32 + `wbem\WmiPrvSE.exe`, cmd: lit(`C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`),
		parent: sys32 + `svchost.exe`, parentCmd: lit(`C:\Windows\system32\svchost.exe -k DcomLaunch -p`),
		user: netSvc, integrity: "System", company: msCorp, product: winProd, description: "WMI Provider Host", version: winVer},
	10, &proc{image: sys32 + `taskhostw.exe`, cmd: lit(`taskhostw.exe Install $(Arg0)`), parent: sys32 + `svchost.exe`, parentCmd: svchostSchedule,
		user: system, integrity: "System", company: msCorp, product: winProd, description: "Host Process for Windows Tasks", version: winVer},
	8, &proc{image: w3wpPath, cmd: func(g *gen) string { return w3wpCmd(pick(g.r, appPools)) },
		parent: sys32 + `svchost.exe`, parentCmd: lit(`C:\Windows\system32\svchost.exe -k iissvcs`),
		user: system, integrity: "System", company: msCorp, product: "Internet Information Services", description: "IIS Worker Process", version: "10.0.14393.0 (rs1_release.160715-1616)"},
	6, &proc{image: sys32 + `cmd.exe`, cmd: func(g *gen) string {
		return pick(g.r, []string{`C:\Windows\system32\cmd.exe /c "C:\Scripts\Purge-IISLogs.cmd"`, `C:\Windows\system32\cmd.exe /c "C:\Scripts\Rotate-ExchangeLogs.cmd" 30`, `cmd.exe /c C:\Scripts\collect-perf.cmd > C:\Scripts\perf.log 2>&1`})
	}, parent: sys32 + `svchost.exe`, parentCmd: svchostSchedule,
		user: `CORP\svc-monitor`, integrity: "High", company: msCorp, product: winProd, description: "Windows Command Processor", version: winVer},
	6, &proc{image: sys32 + `WindowsPowerShell\v1.0\powershell.exe`, cmd: func(g *gen) string {
		return pick(g.r, []string{`powershell.exe -NonInteractive -NoProfile -File C:\Scripts\Get-DatabaseStatus.ps1`, `powershell.exe -NoLogo -NonInteractive -File "C:\Scripts\Report-QueueLength.ps1"`, `"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -ExecutionPolicy RemoteSigned -File C:\Scripts\Cleanup-TempFiles.ps1`})
	}, parent: sys32 + `svchost.exe`, parentCmd: svchostSchedule,
		user: `CORP\svc-monitor`, integrity: "High", company: msCorp, product: winProd, description: "Windows PowerShell", version: winVer},
	5, &proc{image: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2102.4-0\MpCmdRun.exe`, cmd: func(g *gen) string {
		return pick(g.r, []string{`"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2102.4-0\MpCmdRun.exe" SignatureUpdate -ScheduleJob -RestrictPrivileges`, `"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2102.4-0\MpCmdRun.exe" -IdleTask -TaskName WdCacheMaintenance`, `"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2102.4-0\MpCmdRun.exe" -wdenable`})
	}, parent: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2102.4-0\MsMpEng.exe`, parentCmd: lit(`"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2102.4-0\MsMpEng.exe"`),
		user: system, integrity: "System", company: msCorp, product: winProd, description: "Microsoft Malware Protection Command Line Utility", version: "4.18.2102.4 (WinBuild.160101.0800)"},
	4, &proc{image: sys32 + `rundll32.exe`, cmd: func(g *gen) string {
		return pick(g.r, []string{`C:\Windows\system32\rundll32.exe C:\Windows\system32\shell32.dll,SHCreateLocalServerRunDll {c82192ee-6cb5-4bc0-9ef0-fb818773790a} -Embedding`, `rundll32.exe C:\Windows\system32\inetcpl.cpl,ClearMyTracksByProcess Flags:264 WinX:0 WinY:0 IEFrame:0000000000000000`, `C:\Windows\system32\rundll32.exe Startupscan.dll,SusRunTask`})
	}, parent: sys32 + `svchost.exe`, parentCmd: lit(`C:\Windows\system32\svchost.exe -k DcomLaunch -p`),
		user: system, integrity: "System", company: msCorp, product: winProd, description: "Windows host process (Rundll32)", version: winVer},
	4, &proc{image: exBin + `UMWorkerProcess.exe`, cmd: func(g *gen) string {
		return fmt.Sprintf(`"%sUMWorkerProcess.exe" -perfcounter:%d -sipport:%d -workerprocessid:%d`, exBin, 5066, 5065+2*g.r.IntN(2), g.r.IntN(8))
	}, parent: exBin + `UMService.exe`, parentCmd: lit(`"` + exBin + `UMService.exe"`),
		user: system, integrity: "System", company: msCorp, product: exProd, description: "UM Worker Process", version: exVer},
	4, &proc{image: exBin + `EdgeTransport.exe`, cmd: lit(`"` + exBin + `EdgeTransport.exe"`), parent: exBin + `MSExchangeTransport.exe`, parentCmd: lit(`"` + exBin + `MSExchangeTransport.exe"`),
		user: netSvc, integrity: "System", company: msCorp, product: exProd, description: "EdgeTransport", version: exVer},
	4, &proc{image: sys32 + `dllhost.exe`, cmd: lit(`C:\Windows\system32\DllHost.exe /Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}`), parent: sys32 + `svchost.exe`, parentCmd: lit(`C:\Windows\system32\svchost.exe -k DcomLaunch -p`),
		user: system, integrity: "System", company: msCorp, product: winProd, description: "COM Surrogate", version: winVer},
	3, &proc{image: sys32 + `sppsvc.exe`, cmd: lit(`C:\Windows\system32\sppsvc.exe`), parent: sys32 + `services.exe`, parentCmd: lit(`C:\Windows\system32\services.exe`),
		user: netSvc, integrity: "System", company: msCorp, product: winProd, description: "Microsoft Software Protection Platform Service", version: winVer},
	2, &proc{image: sys32 + `net.exe`, cmd: func(g *gen) string {
		return pick(g.r, []string{`net use \\fs01\reports /persistent:no`, `net localgroup administrators`, `net stop MSExchangeIMAP4`, `net start MSExchangeIMAP4`})
	}, parent: sys32 + `cmd.exe`, parentCmd: lit(`C:\Windows\system32\cmd.exe /c "C:\Scripts\Rotate-ExchangeLogs.cmd" 30`),
		user: `CORP\svc-monitor`, integrity: "High", company: msCorp, product: winProd, description: "Net Command", version: winVer},
	1, &proc{image: sys32 + `whoami.exe`, cmd: lit(`whoami /groups`), parent: sys32 + `WindowsPowerShell\v1.0\powershell.exe`, parentCmd: lit(`"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"`),
		user: `CORP\exadmin`, integrity: "High", company: msCorp, product: winProd, description: "whoami - displays logged on user information", version: winVer},
	1, &proc{image: `C:\Tools\Sysinternals\procdump64.exe`, cmd: lit(`procdump64.exe -accepteula -ma -e 1 w3wp.exe C:\Dumps\owa-hang.dmp`), parent: sys32 + `cmd.exe`, parentCmd: lit(`"C:\Windows\system32\cmd.exe"`),
		user: `CORP\exadmin`, integrity: "High", company: "Sysinternals - www.sysinternals.com", product: "ProcDump", description: "Sysinternals process dump utility", version: "10.0"},
)

// compileProcs are ASP.NET compiling a page under an Exchange worker: normal, rare, and listed
// by the info rule EXS-EVT-PROC-PAGE-COMPILE.
var compileProcs = []*proc{
	{image: `C:\Windows\Microsoft.NET\Framework64\v4.0.30319\csc.exe`,
		cmd: func(g *gen) string {
			return fmt.Sprintf(`"C:\Windows\Microsoft.NET\Framework64\v4.0.30319\csc.exe" /noconfig /fullpaths @"C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files\owa\%s\%s\%s.cmdline"`, g.hex(8), g.hex(8), g.hex(8))
		},
		parent: w3wpPath, parentCmd: func(g *gen) string { return w3wpCmd(pick(g.r, appPoolsBE)) },
		user: system, integrity: "System", company: msCorp, product: netProd, description: "Visual C# Command Line Compiler", version: "4.6.1586.0 built by: NETFXREL2",
		note: benignNote{"EXS-EVT-PROC-PAGE-COMPILE", "ASP.NET compiles a page after an app pool recycle (benign)"}},
	{image: `C:\Windows\Microsoft.NET\Framework64\v4.0.30319\cvtres.exe`,
		cmd: func(g *gen) string {
			return fmt.Sprintf(`C:\Windows\Microsoft.NET\Framework64\v4.0.30319\cvtres.exe /NOLOGO /READONLY /MACHINE:IX86 "/OUT:C:\Windows\TEMP\RES%s.tmp" "c:\Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files\owa\%s\%s\CSC%s.TMP"`, strings.ToUpper(g.hex(4)), g.hex(8), g.hex(8), strings.ToUpper(g.hex(32)))
		},
		parent: w3wpPath, parentCmd: func(g *gen) string { return w3wpCmd(pick(g.r, appPoolsBE)) },
		user: system, integrity: "System", company: msCorp, product: netProd, description: "Microsoft® Resource File To COFF Object Conversion Utility", version: "14.00.23026.0",
		note: benignNote{"EXS-EVT-PROC-PAGE-COMPILE", "ASP.NET compiles a page after an app pool recycle (benign)"}},
}

// compileOdds is one in how many process starts is a page compile.
const compileOdds = 30000

func (g *gen) proc() *proc {
	if g.r.IntN(compileOdds) == 0 {
		return pick(g.r, compileProcs)
	}
	return procs.pick(g.r)
}

// userParts splits DOMAIN\name into the Security log's name, domain and SID.
func userParts(u string) (name, dom, sid string) {
	switch u {
	case system:
		return shortName + "$", domain, "S-1-5-18"
	case netSvc:
		return shortName + "$", domain, "S-1-5-20"
	}
	dom, name, _ = strings.Cut(u, `\`)
	for _, a := range append(append([]account{}, admins...), users...) {
		if strings.EqualFold(a.name, name) {
			return name, dom, a.sid()
		}
	}
	return name, dom, domainSID + "-1199"
}

// processStart is one process creation, the same facts for 4688 and Sysmon 1.
type processStart struct {
	p                     *proc
	image, cmd            string
	parent, parentCmd     string
	pid, ppid             int
	guid, parentGUID      string
	logonGUID, logonID    string
	user, integrity, note string
}

func (g *gen) start(p *proc) processStart {
	ps := processStart{p: p, image: p.image, cmd: p.cmd(g), parent: p.parent, parentCmd: p.parentCmd(g),
		pid: g.pid(), ppid: g.pid(), guid: g.guid(), parentGUID: g.guid(), user: p.user, integrity: p.integrity}
	switch p.user {
	case system:
		ps.logonGUID, ps.logonID = "{a3b5c1d2-0000-0000-e703-000000000000}", "0x3e7"
	case netSvc:
		ps.logonGUID, ps.logonID = "{a3b5c1d2-0000-0000-e403-000000000000}", "0x3e4"
	default:
		ps.logonGUID, ps.logonID = g.guid(), g.logonID()
	}
	return ps
}

func sysmonProcessCreate(g *gen, ps processStart) []evtxwrite.Field {
	p := ps.p
	return data(
		"RuleName", "-",
		"UtcTime", utc(g.t),
		"ProcessGuid", ps.guid,
		"ProcessId", fmt.Sprint(ps.pid),
		"Image", ps.image,
		"FileVersion", p.version,
		"Description", p.description,
		"Product", p.product,
		"Company", p.company,
		"OriginalFileName", origName(ps.image),
		"CommandLine", ps.cmd,
		"CurrentDirectory", currentDir(ps.image),
		"User", ps.user,
		"LogonGuid", ps.logonGUID,
		"LogonId", ps.logonID,
		"TerminalSessionId", "0",
		"IntegrityLevel", ps.integrity,
		"Hashes", hashes(ps.image),
		"ParentProcessGuid", ps.parentGUID,
		"ParentProcessId", fmt.Sprint(ps.ppid),
		"ParentImage", ps.parent,
		"ParentCommandLine", ps.parentCmd,
	)
}

func security4688(g *gen, ps processStart) []evtxwrite.Field {
	name, dom, sid := userParts(ps.user)
	label := "S-1-16-16384"
	if ps.integrity == "High" {
		label = "S-1-16-12288"
	}
	elev := "%%1936"
	if ps.integrity == "High" {
		elev = "%%1937"
	}
	return data(
		"SubjectUserSid", sid,
		"SubjectUserName", name,
		"SubjectDomainName", dom,
		"SubjectLogonId", ps.logonID,
		"NewProcessId", fmt.Sprintf("0x%x", ps.pid),
		"NewProcessName", ps.image,
		"TokenElevationType", elev,
		"ProcessId", fmt.Sprintf("0x%x", ps.ppid),
		"CommandLine", ps.cmd,
		"TargetUserSid", "S-1-0-0",
		"TargetUserName", "-",
		"TargetDomainName", "-",
		"TargetLogonId", "0x0",
		"ParentProcessName", ps.parent,
		"MandatoryLabel", label,
	)
}

func origName(image string) string {
	b := path.Base(strings.ReplaceAll(image, `\`, "/"))
	switch strings.ToLower(b) {
	case "cmd.exe":
		return "Cmd.Exe"
	case "powershell.exe":
		return "PowerShell.EXE"
	case "rundll32.exe":
		return "RUNDLL32.EXE"
	case "whoami.exe":
		return "whoami.exe"
	}
	return b
}

func currentDir(image string) string {
	if strings.HasPrefix(image, exRoot) {
		i := strings.LastIndexByte(image, '\\')
		return image[:i+1]
	}
	return sys32
}
