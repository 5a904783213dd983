package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path"
	"strings"
	"time"
)

// extW is one extension a place holds, with its weight and generator.
type extW struct {
	ext  string
	w    float64
	g    genKind
	kind string
}

// place is a folder (or a family of folders) of the tree and what it holds.
type place struct {
	w      float64 // weight within its category
	dir    string  // the folder, or the parent of generated subfolders
	dirs   []string
	sub    func(p *planner, r *rand.Rand) string           // a new subfolder, relative to dir
	perDir int                                             // mean files per generated subfolder
	pair   func(p *planner, r *rand.Rand) (string, string) // folder and base name together
	name   func(r *rand.Rand) string                       // base name without the extension
	exts   []extW
	tm     timeModel
	median float64 // typical size before scaling, bytes
	log    int     // logs: index in logFormats + 1 (0: not a log place)
	page   bool    // its pages may get compiled traces
}

type placeState struct {
	curDir string
	left   int
	seq    int
}

func (p *planner) state(pl *place) *placeState {
	if p.pstate == nil {
		p.pstate = map[*place]*placeState{}
	}
	st := p.pstate[pl]
	if st == nil {
		st = &placeState{}
		p.pstate[pl] = st
	}
	return st
}

func fixedName(s string) func(*rand.Rand) string { return func(*rand.Rand) string { return s } }

var (
	peDLL  = []extW{{"dll", 85, gPE, "pe"}, {"exe", 12, gPE, "pe"}, {"ocx", 1, gPE, "pe"}, {"cpl", 1, gPE, "pe"}, {"tlb", 1, gData, "data"}}
	peOnly = []extW{{"dll", 100, gPE, "pe"}}
	exBin  = []extW{{"dll", 86, gPE, "pe"}, {"exe", 9, gPE, "pe"}}
	txt    = func(ext string) extW { return extW{ext, 1, gText, "page"} }
)

func subWinSxS(p *planner, r *rand.Rand) string {
	arch := pick(r, []string{"amd64", "amd64", "amd64", "wow64", "x86", "msil"})
	return fmt.Sprintf("%s_microsoft-windows-%s-%s_31bf3856ad364e35_10.0.14393.%d_none_%s", arch, sysName(r), pick(r, []string{"core", "api", "service", "client", "host", "ui", "provider"}), 4000+r.IntN(1000), hexN(r, 16))
}

const winsxsPlace = 6 // index in placesPE used to top up the file count

var placesPE = []place{
	{w: 9, dir: "Windows/System32", name: sysName, exts: peDLL, tm: tmPatch, median: 90e3},
	{w: 2, dir: "Windows/System32/drivers", name: sysName, exts: []extW{{"sys", 100, gPE, "pe"}}, tm: tmPatch, median: 60e3},
	{w: 5, dir: "Windows/System32/en-US", name: func(r *rand.Rand) string { return sysName(r) + pick(r, []string{".dll", ".dll", ".exe"}) }, exts: []extW{{"mui", 100, gPE, "pe"}}, tm: tmPatch, median: 8e3},
	{w: 1.5, dir: "Windows/System32/wbem", name: sysName, exts: peDLL, tm: tmPatch, median: 70e3},
	{w: 1, dir: "Windows/System32/inetsrv", name: sysName, exts: peDLL, tm: tmPatch, median: 60e3},
	{w: 7, dir: "Windows/SysWOW64", name: sysName, exts: peDLL, tm: tmPatch, median: 70e3},
	{w: 26, dir: "Windows/WinSxS", sub: func(p *planner, r *rand.Rand) string { return subWinSxS(p, r) }, perDir: 3, name: sysName, exts: peDLL, tm: tmPatch, median: 80e3},
	{w: 2, dir: "Windows/Microsoft.NET/Framework64/v4.0.30319", name: dotnetName, exts: peOnly, tm: tmPatch, median: 200e3},
	{w: 1, dir: "Windows/Microsoft.NET/Framework/v4.0.30319", name: dotnetName, exts: peOnly, tm: tmPatch, median: 150e3},
	{w: 7, dir: "Windows/Microsoft.NET/assembly/GAC_MSIL", pair: func(p *planner, r *rand.Rand) (string, string) {
		n := pick(r, []string{exName(r), dotnetName(r), exName(r)})
		return "Windows/Microsoft.NET/assembly/GAC_MSIL/" + n + "/v4.0_15.0.0.0__31bf3856ad364e35", n
	}, exts: peOnly, tm: tmExchange, median: 120e3},
	{w: 6, dir: exBase + "/Bin", name: exName, exts: exBin, tm: tmExchange, median: 150e3},
	{w: 3, dir: exBase + "/Bin/Search/Ceres", sub: func(p *planner, r *rand.Rand) string {
		return pick(r, []string{"ContentEngine", "HostController", "Runtime", "ParserServer", "Query"}) + "/" + camelName(r)
	}, perDir: 8, name: func(r *rand.Rand) string { return "Microsoft.Ceres." + camelName(r) }, exts: peOnly, tm: tmExchange, median: 100e3},
	{w: 1, dir: exBase + "/Bin/CmdletExtensionAgents", name: exName, exts: peOnly, tm: tmExchange, median: 40e3},
	{w: 1, dir: exBase + "/FrontEnd/HttpProxy/bin", name: exName, exts: peOnly, tm: tmExchange, median: 120e3},
	{w: 2, dirs: []string{caOwa + "/bin", caECP + "/bin", exBase + "/ClientAccess/Autodiscover/bin", exBase + "/ClientAccess/exchweb/ews/bin", exBase + "/ClientAccess/PowerShell/bin", exBase + "/ClientAccess/Sync/bin"}, name: exName, exts: peOnly, tm: tmExchange, median: 150e3},
	{w: 3, dir: aspTemp, pair: func(p *planner, r *rand.Rand) (string, string) {
		app := pick(r, []string{"owa", "owa", "ecp", "ecp", "ews", "autodiscover", "powershell"})
		return p.appDirs[app] + "/assembly/dl3/" + hexN(r, 8) + "/" + hexN(r, 8) + "_" + hexN(r, 8) + "01d7" + hexN(r, 4), exName(r)
	}, exts: peOnly, tm: tmExchange, median: 150e3},
	{w: 1, dir: aspTemp, pair: func(p *planner, r *rand.Rand) (string, string) {
		app := pick(r, []string{"owa", "ecp", "ecp", "root", "oab", "ews"})
		return p.appDirs[app], "App_Web_" + randString(r, lowerAlnum, 8)
	}, exts: peOnly, tm: tmExchange, median: 20e3},
	{w: 1, dir: "Program Files/Windows Defender", name: func(r *rand.Rand) string { return "Mp" + camelName(r) }, exts: peDLL, tm: tmPatch, median: 300e3},
	{w: 0.5, dir: "Program Files/Common Files/microsoft shared/ink", name: sysName, exts: peDLL, tm: tmPatch, median: 80e3},
	{w: 0.5, dir: "ProgramData/Microsoft/Windows Defender/Platform/4.18.2111.5-0", name: func(r *rand.Rand) string { return "Mp" + camelName(r) }, exts: peDLL, tm: tmUniform, median: 300e3},
}

var dataExts = []extW{{"dat", 3, gData, "data"}, {"bin", 1, gData, "data"}}

var placesData = []place{
	{w: 8, dir: "Windows/servicing/Packages", name: func(r *rand.Rand) string {
		return fmt.Sprintf("Package_%d_for_KB%d~31bf3856ad364e35~amd64~~10.0.1.%d", 1+r.IntN(4000), 4500000+r.IntN(600000), r.IntN(9))
	}, exts: []extW{{"cat", 1, gData, "data"}, {"mum", 1, gText, "page"}}, tm: tmPatch, median: 10e3},
	{w: 4, dir: "Windows/System32/catroot/{F750E6C3-38EE-11D1-85E5-00C04FC295EE}", name: func(r *rand.Rand) string {
		return "Package_" + fmt.Sprint(1+r.IntN(4000)) + "_for_KB" + fmt.Sprint(4500000+r.IntN(600000))
	}, exts: []extW{{"cat", 1, gData, "data"}}, tm: tmPatch, median: 12e3},
	{w: 2, dir: caOab, pair: func(p *planner, r *rand.Rand) (string, string) {
		g := p.oabGUIDs[r.IntN(len(p.oabGUIDs))]
		return caOab + "/" + g, fmt.Sprintf("%s-%s%d", guid(r), pick(r, []string{"data-", "lng0409-", "lng0407-", "lng040c-", "binpatch-"}), 1+r.IntN(900))
	}, exts: []extW{{"lzx", 1, gData, "data"}}, tm: tmUniform, median: 200e3},
	{w: 4, dir: exBase + "/Logging/Diagnostics/DailyPerformanceLogs", name: func(r *rand.Rand) string {
		return "ExchangeDiagnosticsDailyPerformanceLog_" + time.Unix(t2020+r.Int64N(t2022-t2020), 0).UTC().Format("01021504")
	}, exts: []extW{{"blg", 1, gData, "data"}}, tm: tmUniform, median: 2e6},
	{w: 2, dir: exBase + "/Logging/Diagnostics/PerformanceLogsToBeProcessed", name: func(r *rand.Rand) string {
		return "ExchangeDiagnosticsPerformanceLog_" + time.Unix(t2020+r.Int64N(t2022-t2020), 0).UTC().Format("01021504")
	}, exts: []extW{{"blg", 1, gData, "data"}}, tm: tmUniform, median: 1e6},
	{w: 2, dir: exBase + "/Logging/Diagnostics/EtlTraces", name: func(r *rand.Rand) string {
		return pick(r, []string{"Exchange", "ExchangeDebugTraces", "MSExchangeHM", "ActiveMonitoring"}) + "_" + time.Unix(t2020+r.Int64N(t2022-t2020), 0).UTC().Format("20060102150405")
	}, exts: []extW{{"etl", 1, gData, "data"}}, tm: tmUniform, median: 1e6},
	{w: 5, dir: exBase + "/Mailbox", sub: func(p *planner, r *rand.Rand) string {
		return path.Base(p.mbxDB) + "/" + strings.ToUpper(guid(r)) + "12.1.Single/" + pick(r, []string{"", "Ms", "Journal"})
	}, perDir: 20, name: func(r *rand.Rand) string {
		return pick(r, []string{"Fragment", "Index", "Journal", "Checkpoint"}) + hexN(r, 6)
	}, exts: []extW{{"ci", 3, gData, "data"}, {"dat", 2, gData, "data"}, {"bin", 1, gData, "data"}}, tm: tmUniform, median: 300e3},
	{w: 3, dir: "Windows/Installer", name: func(r *rand.Rand) string { return hexN(r, 5+r.IntN(3)) }, exts: []extW{{"msi", 1, gData, "data"}, {"msp", 2, gData, "data"}}, tm: tmPatch, median: 3e6},
	{w: 1.5, dir: "ProgramData/Package Cache", sub: func(p *planner, r *rand.Rand) string {
		return upperGUID(r) + "v" + pick(r, []string{"14.29.30133", "15.1.2507", "4.8.04115", "10.0.14393"})
	}, perDir: 2, name: func(r *rand.Rand) string { return camelName(r) }, exts: []extW{{"cab", 2, gData, "data"}, {"msi", 1, gData, "data"}}, tm: tmUniform, median: 2e6},
	{w: 0.5, dir: "ProgramData/Microsoft/Windows Defender/Definition Updates", sub: func(p *planner, r *rand.Rand) string { return upperGUID(r) }, perDir: 4, name: func(r *rand.Rand) string {
		return pick(r, []string{"mpasbase", "mpasdlta", "mpavbase", "mpavdlta", "mpengine"})
	}, exts: []extW{{"vdm", 1, gData, "data"}}, tm: tmUniform, median: 20e6},
	{w: 1, dir: "ProgramData/Microsoft/Crypto/RSA/MachineKeys", name: func(r *rand.Rand) string { return hexN(r, 32) + "_" + guid(r) }, exts: []extW{{"", 1, gData, "data"}}, tm: tmUniform, median: 2500},
	{w: 1.5, dir: "Windows/Prefetch", name: func(r *rand.Rand) string { return strings.ToUpper(sysName(r)) + ".EXE-" + strings.ToUpper(hexN(r, 8)) }, exts: []extW{{"pf", 1, gData, "data"}}, tm: tmUniform, median: 20e3},
	{w: 1, dir: "Windows/Fonts", name: func(r *rand.Rand) string { return sysName(r) }, exts: []extW{{"ttf", 3, gImage, "image"}, {"fon", 1, gData, "data"}}, tm: tmPatch, median: 200e3},
	{w: 2, dir: "Windows/Temp", name: func(r *rand.Rand) string { return "tmp" + strings.ToUpper(hexN(r, 4)) }, exts: []extW{{"tmp", 6, gData, "data"}, {"etl", 1, gData, "data"}}, tm: tmUniform, median: 30e3},
	{w: 1, dir: "Windows/Temp", sub: func(p *planner, r *rand.Rand) string { return upperGUID(r) }, perDir: 3, name: func(r *rand.Rand) string { return camelName(r) }, exts: []extW{{"tmp", 3, gData, "data"}, {"cab", 1, gData, "data"}, {"dll", 1, gPE, "pe"}}, tm: tmUniform, median: 100e3},
	{w: 1, dir: "Users/Administrator/AppData/Local/Temp", name: func(r *rand.Rand) string { return "~DF" + strings.ToUpper(hexN(r, 4)) }, exts: []extW{{"tmp", 1, gData, "data"}}, tm: tmUniform, median: 16e3},
	{w: 1, dir: "ProgramData/Microsoft/Search/Data/Applications/Windows/Projects/SystemIndex/Indexer/CiFiles", name: func(r *rand.Rand) string { return strings.ToUpper(hexN(r, 8)) }, exts: []extW{{"ci", 1, gData, "data"}, {"wid", 1, gData, "data"}}, tm: tmUniform, median: 50e3},
}

// pageExts are what ECP folders hold.
var ecpExts = []extW{{"aspx", 35, gText, "page"}, {"ascx", 20, gText, "page"}, {"js", 15, gText, "page"}, {"css", 4, gText, "page"}, {"ashx", 2, gText, "page"}, {"svc", 2, gText, "page"}}

var placesText = []place{
	{w: 6, dir: caECP, sub: func(p *planner, r *rand.Rand) string {
		d := pick(r, ecpFolders)
		if r.IntN(3) == 0 {
			d += "/" + pick(r, camel)
		}
		return d
	}, perDir: 25, name: camelName, exts: ecpExts, tm: tmExchange, median: 6e3, page: true},
	{w: 2, dir: caECP + "/DDI", name: camelName, exts: []extW{txt("xaml")}, tm: tmExchange, median: 12e3},
	{w: 2, dir: caECP + "/" + fullBuild + "/scripts", name: func(r *rand.Rand) string { return strings.ToLower(camelName(r)) }, exts: []extW{txt("js")}, tm: tmExchange, median: 40e3},
	{w: 5, dir: caOwa + "/prem/" + fullBuild + "/scripts", sub: func(p *planner, r *rand.Rand) string {
		return pick(r, []string{"", "globalize", "resources", "ext", "boot"})
	}, perDir: 60, name: func(r *rand.Rand) string {
		return pick(r, []string{"microsoft.owa.", "microsoft.exchange.clients.owa2.", "owa.", "boot.worldwide."}) + strings.ToLower(camelName(r))
	}, exts: []extW{txt("js")}, tm: tmExchange, median: 60e3},
	{w: 2, dir: caOwa + "/prem/" + fullBuild + "/resources/styles", sub: func(p *planner, r *rand.Rand) string { return fmt.Sprint(r.IntN(4)) }, perDir: 40, name: func(r *rand.Rand) string { return strings.ToLower(camelName(r)) }, exts: []extW{txt("css")}, tm: tmExchange, median: 30e3},
	{w: 1, dir: caOwa + "/forms", sub: func(p *planner, r *rand.Rand) string { return pick(r, []string{"basic", "premium", "common"}) }, perDir: 30, name: camelName, exts: []extW{{"aspx", 2, gText, "page"}, {"htm", 1, gText, "page"}, {"js", 1, gText, "page"}}, tm: tmExchange, median: 8e3},
	{w: 2, dir: exBase + "/Bin", name: func(r *rand.Rand) string { return exName(r) }, exts: []extW{{"config", 2, gText, "page"}, {"xml", 3, gText, "page"}, {"xsd", 1, gText, "page"}, {"ps1xml", 1, gText, "page"}}, tm: tmExchange, median: 8e3},
	{w: 1, dir: exBase + "/Scripts", name: func(r *rand.Rand) string {
		return pick(r, []string{"Get-", "Set-", "New-", "Remove-", "Test-", "Update-"}) + camelName(r)
	}, exts: []extW{{"ps1", 5, gText, "page"}, {"psm1", 1, gText, "page"}}, tm: tmExchange, median: 15e3},
	{w: 4, dir: exBase + "/Setup/ServerRoles/Common", name: camelName, exts: []extW{{"xml", 3, gText, "page"}, {"ps1", 1, gText, "page"}}, tm: tmExchange, median: 10e3},
	{w: 2, dir: exBase + "/Bin/Monitoring/Config", name: func(r *rand.Rand) string { return camelName(r) + "Discovery" }, exts: []extW{txt("xml")}, tm: tmExchange, median: 8e3},
	{w: 7, dir: "Windows/servicing/Packages", name: func(r *rand.Rand) string {
		return fmt.Sprintf("Microsoft-Windows-%s-Package~31bf3856ad364e35~amd64~~10.0.14393.%d", camelName(r), 4000+r.IntN(1000))
	}, exts: []extW{txt("mum")}, tm: tmPatch, median: 3e3},
	{w: 7, dir: "Windows/WinSxS/Manifests", name: func(r *rand.Rand) string { return subWinSxS(nil, r) }, exts: []extW{txt("manifest")}, tm: tmPatch, median: 4e3},
	{w: 2, dir: "Windows/System32/WindowsPowerShell/v1.0/Modules", sub: func(p *planner, r *rand.Rand) string { return camelName(r) }, perDir: 5, name: camelName, exts: []extW{{"psd1", 1, gText, "page"}, {"psm1", 2, gText, "page"}, {"ps1xml", 1, gText, "page"}}, tm: tmPatch, median: 6e3},
	{w: 2, dir: "Windows/INF", name: sysName, exts: []extW{txt("inf")}, tm: tmPatch, median: 10e3},
	{w: 0.5, dir: "Windows/Microsoft.NET/Framework64/v4.0.30319/Config", name: func(r *rand.Rand) string {
		return pick(r, []string{"web", "machine", "legacy.web"}) + "_" + strings.ToLower(pick(r, camel))
	}, exts: []extW{txt("config")}, tm: tmPatch, median: 20e3},
	{w: 0.5, dir: "ProgramData/Microsoft/Exchange Server/V15", sub: func(p *planner, r *rand.Rand) string { return camelName(r) }, perDir: 6, name: camelName, exts: []extW{{"xml", 2, gText, "page"}, {"json", 1, gText, "page"}, {"txt", 1, gText, "page"}}, tm: tmUniform, median: 4e3},
	{w: 0.5, dir: "ProgramData/Microsoft/Windows/Start Menu/Programs", sub: func(p *planner, r *rand.Rand) string {
		return pick(r, []string{"Administrative Tools", "Microsoft Exchange Server 2016", "Accessories", "Windows PowerShell", "System Tools"})
	}, perDir: 6, name: camelName, exts: []extW{{"ini", 1, gText, "page"}, {"lnk", 3, gData, "data"}}, tm: tmUniform, median: 2e3},
}

var placesImage = []place{
	{w: 6, dir: caOwa + "/prem/" + fullBuild + "/resources/images", sub: func(p *planner, r *rand.Rand) string { return fmt.Sprint(r.IntN(3)) }, perDir: 150, name: func(r *rand.Rand) string { return strings.ToLower(camelName(r)) }, exts: []extW{{"png", 6, gImage, "image"}, {"gif", 3, gImage, "image"}, {"svg", 1, gText, "page"}}, tm: tmExchange, median: 3e3},
	{w: 3, dir: caOwa + "/prem/" + fullBuild + "/resources/themes", sub: func(p *planner, r *rand.Rand) string {
		return pick(r, []string{"base", "blue", "dark", "orange", "purple", "teal", "pink", "red"})
	}, perDir: 40, name: func(r *rand.Rand) string { return strings.ToLower(camelName(r)) }, exts: []extW{{"png", 2, gImage, "image"}, {"gif", 1, gImage, "image"}}, tm: tmExchange, median: 3e3},
	{w: 3, dir: caECP + "/" + fullBuild + "/themes/default", name: func(r *rand.Rand) string { return strings.ToLower(camelName(r)) }, exts: []extW{{"png", 2, gImage, "image"}, {"gif", 2, gImage, "image"}, {"jpg", 1, gImage, "image"}}, tm: tmExchange, median: 3e3},
	{w: 1, dir: "Windows/Web/Wallpaper/Windows", name: func(r *rand.Rand) string { return "img" + fmt.Sprint(r.IntN(100)) }, exts: []extW{{"jpg", 1, gImage, "image"}}, tm: tmPatch, median: 300e3},
	{w: 2, dir: "Windows/System32/oobe/info/backgrounds", name: func(r *rand.Rand) string { return "background" + fmt.Sprint(r.IntN(10000)) }, exts: []extW{{"jpg", 1, gImage, "image"}, {"png", 1, gImage, "image"}}, tm: tmPatch, median: 50e3},
	{w: 1, dir: "Users/Administrator/AppData/Local/Microsoft/Windows/Explorer", name: func(r *rand.Rand) string { return "iconcache_" + fmt.Sprint(r.IntN(2000)) }, exts: []extW{{"ico", 1, gImage, "image"}}, tm: tmUniform, median: 10e3},
}

var placesLog = []place{
	{w: 8, dir: "inetpub/logs/LogFiles/W3SVC1", log: 1 + lfIISFront, tm: tmLog, median: 12e6},
	{w: 6, dir: "inetpub/logs/LogFiles/W3SVC2", log: 1 + lfIISBack, tm: tmLog, median: 8e6},
	{w: 2, dir: "Windows/System32/LogFiles/HTTPERR", log: 1 + lfHTTPErr, tm: tmLog, median: 1e6},
	{w: 0.3, dir: "Windows/Logs/CBS", log: 1 + lfCBS, tm: tmLog, median: 4e6},
	{w: 0.05, dir: "ExchangeSetupLogs", log: 1 + lfSetup, tm: tmLog, median: 8e6},
}

func init() {
	for i, pr := range proxyProtocols {
		placesLog = append(placesLog, place{w: pr.w, dir: exBase + "/Logging/HttpProxy/" + pr.name, log: 1 + lfProxyBase + i, tm: tmLog, median: 3e6})
	}
	for i := range csvLogs {
		c := &csvLogs[i]
		placesLog = append(placesLog, place{w: c.w, dir: c.dir, log: 1 + lfCSVBase + i, tm: tmLog, median: c.median})
	}
}

func placesOf(c int) []place {
	switch c {
	case catPE:
		return placesPE
	case catData:
		return placesData
	case catLog:
		return placesLog
	case catText:
		return placesText
	case catImage:
		return placesImage
	}
	return nil
}

// fillCategory adds n files of category c over its places, by weight; log places hold at most
// one file per hour (or day) of 2020-2021, the rest goes to the other places.
func (p *planner) fillCategory(c, n int) {
	pls := placesOf(c)
	w := make([]float64, len(pls))
	capOf := make([]int, len(pls))
	for i := range pls {
		w[i] = pls[i].w
		capOf[i] = math.MaxInt
		if pls[i].log > 0 {
			capOf[i] = logFormats[pls[i].log-1].maxFiles()
		}
	}
	alloc := make([]int, len(pls))
	left := n
	for round := 0; left > 0 && round < 8; round++ {
		ws := make([]float64, len(pls))
		any := false
		for i := range pls {
			if alloc[i] < capOf[i] {
				ws[i], any = w[i], true
			}
		}
		if !any {
			break
		}
		add := apportion(left, ws)
		for i := range pls {
			v := min(add[i], capOf[i]-alloc[i])
			alloc[i] += v
			left -= v
		}
	}
	for i := range pls {
		p.fillPlace(&pls[i], alloc[i])
	}
}

// fillPlace adds k files to place pl.
func (p *planner) fillPlace(pl *place, k int) {
	r := p.r
	st := p.state(pl)
	if pl.log > 0 {
		p.fillLogs(pl, k)
		return
	}
	for i := 0; i < k; i++ {
		for try := 0; try < 6; try++ {
			var dir, base string
			switch {
			case pl.pair != nil:
				dir, base = pl.pair(p, r)
			case pl.sub != nil:
				if st.left <= 0 || st.curDir == "" {
					st.curDir = pl.dir + "/" + pl.sub(p, r)
					st.curDir = strings.TrimSuffix(st.curDir, "/")
					st.left = 1 + r.IntN(2*pl.perDir)
				}
				dir, base = st.curDir, pl.name(r)
			case len(pl.dirs) > 0:
				dir, base = pl.dirs[r.IntN(len(pl.dirs))], pl.name(r)
			default:
				dir, base = pl.dir, pl.name(r)
			}
			e := pickExt(r, pl.exts)
			rel := dir + "/" + base
			if e.ext != "" {
				rel += "." + e.ext
			}
			if try == 5 {
				rel = dir + "/" + base + "_" + fmt.Sprint(st.seq)
				if e.ext != "" {
					rel += "." + e.ext
				}
			}
			st.seq++
			c := catData
			switch e.g {
			case gText:
				c = catText
			case gImage:
				c = catImage
			case gPE:
				c = catPE
			}
			raw := pl.median * math.Exp(catSigma[c]*r.NormFloat64())
			s := p.scaled(rel, e.g, c, raw, e.kind, pl.tm)
			if s == nil {
				continue
			}
			st.left--
			if e.g == gPE && (strings.Contains(base, "Microsoft.") || strings.Contains(base, "System.") || strings.HasPrefix(base, "App_Web_")) {
				s.sub = 1 // a .NET assembly
			}
			if pl.page && (e.ext == "aspx" || e.ext == "ascx") {
				p.pages = append(p.pages, s)
			}
			break
		}
	}
}

func pickExt(r *rand.Rand, es []extW) extW {
	var sum float64
	for _, e := range es {
		sum += e.w
	}
	x := r.Float64() * sum
	for _, e := range es {
		if x -= e.w; x < 0 {
			return e
		}
	}
	return es[len(es)-1]
}

// fillLogs adds k log files covering the last hours (or days) of 2021 without a gap, named by
// the hour or day they cover; with more files than hours, an hour holds -1, -2, ... files.
func (p *planner) fillLogs(pl *place, k int) {
	r := p.r
	lf := &logFormats[pl.log-1]
	slots := lf.slots()
	unit := int64(3600)
	if lf.daily {
		unit = 86400
	}
	if k <= 0 {
		return
	}
	per := (k + slots - 1) / slots // files per slot
	used := int64((k + per - 1) / per)
	start := t2022 - used*unit
	for j := 0; j < k; j++ {
		slot, seq := int64(j/per), j%per+1
		span := unit / int64(per)
		t0 := start + slot*unit + int64(seq-1)*span
		tt := time.Unix(t0, 0).UTC()
		var name string
		switch {
		case lf.kind == lkIIS:
			name = "u_ex" + tt.Format("060102") + ".log"
		case lf.kind == lkHTTPErr:
			name = fmt.Sprintf("httperr%d.log", j+1)
		case lf.kind == lkText && lf.prefix == "CbsPersist_":
			name = lf.prefix + tt.Format("20060102150405") + ".log"
		case lf.kind == lkText:
			name = lf.prefix
			if j < k-1 {
				name = strings.TrimSuffix(lf.prefix, ".log") + fmt.Sprintf("_%s.log", tt.Format("20060102150405"))
			}
		default:
			name = fmt.Sprintf("%s%s-%d.LOG", lf.prefix, tt.Format("2006010215"), seq)
		}
		raw := pl.median * math.Exp(catSigma[catLog]*r.NormFloat64())
		s := p.scaled(pl.dir+"/"+name, gLog, catLog, raw, "log", tmUniform)
		if s == nil {
			continue
		}
		s.sub = uint8(pl.log - 1)
		s.t0, s.span = t0, span
		s.mtime = t0 + span - 1 - int64(r.IntN(int(max(1, span/20))))
	}
}
