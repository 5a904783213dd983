package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"time"
)

const (
	exBase       = "Program Files/Microsoft/Exchange Server/V15"
	owaAuth      = exBase + "/FrontEnd/HttpProxy/owa/auth"
	ecpAuth      = exBase + "/FrontEnd/HttpProxy/ecp/auth"
	caECP        = exBase + "/ClientAccess/ecp"
	caOab        = exBase + "/ClientAccess/Oab"
	caOwa        = exBase + "/ClientAccess/Owa"
	aspnetClient = "inetpub/wwwroot/aspnet_client"
	wwwroot      = "inetpub/wwwroot"
	aspTemp      = "Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files"
	owaBuild     = "15.1.2507" // the owa/auth version folder of the current build
	fullBuild    = "15.1.2507.6"
	bigThreshold = 100 << 20 // files of this size or more are "big" (-sparse-big)
)

// webFolders are where planted files may go (relative to the root, '/'-separated).
var webFolders = []string{aspnetClient, owaAuth, ecpAuth, caECP, caOab, wwwroot}

// config is what the command line asks for.
type config struct {
	Out            string
	Files          int
	Bytes          int64
	Seed           uint64
	Corpus         string
	CorpusRequired bool // -corpus was given explicitly: a missing folder is an error
	Plant          int
	Benign         int
	ShellTraces    float64
	Truth          string
	Workers        int
	SparseBig      bool
	Progress       io.Writer // progress line, nil for none
}

type genKind uint8

const (
	gFixed    genKind = iota // spec.data
	gPE                      // MZ/PE header, sections of random bytes and string tables
	gData                    // random bytes after a magic chosen by extension
	gImage                   // image and font headers, then random bytes
	gText                    // pages, scripts, XML, INI, chosen by extension
	gLog                     // log rows of logFormats[sub]
	gEDB                     // ESE database pages
	gTranslog                // ESE transaction log (1 MiB)
	gArchive                 // .7z / .zip
	gDump                    // sub: dumpMDMP, dumpKernel, dumpRaw
	gPST                     // !BDN
)

const (
	dumpMDMP = iota
	dumpKernel
	dumpRaw
)

// Scaling categories: every file of a category shares its byte budget.
const (
	catPE = iota
	catData
	catLog
	catText
	catImage
	catNotable
	nCats
	catFixed = -1
)

var catNames = [nCats]string{"pe", "data", "log", "text", "image", "notable"}

// Shares of the bytes left once fixed files and mailbox databases are placed, and of the files
// left once the fixed layout, planted files, archives, dumps and PSTs are placed.
var (
	catByteShare  = [nCats]float64{0.40, 0.14, 0.26, 0.13, 0.03, 0.04}
	catCountShare = [nCats]float64{0.34, 0.10, 0.14, 0.33, 0.09, 0}
	catSigma      = [nCats]float64{1.5, 1.6, 1.3, 1.2, 1.1, 1.0}
	catMin        = [nCats]int64{1536, 64, 2048, 256, 64, 4096}
	catMax        = [nCats]int64{64 << 20, 64 << 20, 48 << 20, 4 << 20, 2 << 20, 96 << 20}
)

// compiledShare is the share of the category files reserved for .compiled traces of legitimate
// pages.
const compiledShare = 0.015

// spec is one file to write.
type spec struct {
	rel   string // '/'-separated, relative to the root
	gen   genKind
	sub   uint8
	ext   string // lower-case extension without the dot
	cat   int8
	size  int64
	raw   float64 // unscaled size
	mtime int64   // unix seconds
	ticks int32   // 100 ns
	t0    int64   // logs: start of the period the file covers
	span  int64   // logs: seconds the file covers
	data  []byte
	seed  uint64

	kind      string
	plantedAs string // malicious, benign, filler
	expect    string // detect, clean, suspicious
	source    string // corpus file (relative to the corpus folder)
	family    string
	naming    string // how a planted name was chosen
	vpath     string // compiled traces: the page they name
	why       string
}

type planner struct {
	cfg      config
	r        *rand.Rand
	specs    []*spec
	taken    map[string]bool // lower-case paths: names are unique as on Windows
	dirs     map[string]bool // folders to create even when empty
	notes    []string
	pages    []*spec // pages that may get a compiled trace
	appDirs  map[string]string
	oabGUIDs []string
	mbxDB    string
	corpus   *corpusSet
	pstate   map[*place]*placeState
	counts   struct{ malicious, distinct, benign, shellTraces int }
	// corpus files planted as malicious at least once
	plantedSources map[string]bool
}

func newPlanner(cfg config) *planner {
	return &planner{
		cfg:     cfg,
		r:       rand.New(rand.NewPCG(cfg.Seed, 0x66696c6567656e)),
		taken:   map[string]bool{},
		dirs:    map[string]bool{},
		appDirs: map[string]string{},
	}
}

// add records s unless its path (in any case) is taken.
func (p *planner) add(s *spec) bool {
	key := strings.ToLower(s.rel)
	if p.taken[key] {
		return false
	}
	p.taken[key] = true
	if s.plantedAs == "" {
		s.plantedAs = "filler"
	}
	if s.expect == "" {
		s.expect = "clean"
	}
	if s.ext == "" {
		s.ext = extOf(s.rel)
	}
	s.seed = uint64(len(p.specs))
	p.specs = append(p.specs, s)
	return true
}

func extOf(rel string) string {
	b := path.Base(rel)
	if i := strings.LastIndexByte(b, '.'); i > 0 {
		return strings.ToLower(b[i+1:])
	}
	return ""
}

func (p *planner) exists(rel string) bool { return p.taken[strings.ToLower(rel)] }

// ---- times ----

var (
	t2020 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	t2022 = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
)

type timeModel uint8

const (
	tmPatch    timeModel = iota // Windows: a patch Tuesday of 2020-2021
	tmExchange                  // Exchange: a cumulative or security update's install day
	tmUniform                   // anywhere in 2020-2021
	tmLog                       // set by the log's name
	tmMarch                     // March 2021: planted shells
)

// exUpdates are install days of Exchange updates on this server, the later ones weighted more
// (an update rewrites most files). The last is the build of the owa/auth folder.
var exUpdates = []struct {
	day string
	w   float64
}{{"2020-06-16", 1}, {"2020-09-15", 1}, {"2020-12-15", 2}, {"2021-03-03", 3}, {"2021-03-16", 2},
	{"2021-06-29", 3}, {"2021-09-28", 4}, {"2021-12-14", 10}}

func dayUnix(s string) int64 {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t.Unix()
}

func (p *planner) timeFor(r *rand.Rand, m timeModel) (int64, int32) {
	ticks := int32(r.IntN(10_000_000))
	switch m {
	case tmPatch:
		mo := r.IntN(24)
		first := time.Date(2020+mo/12, time.Month(mo%12+1), 1, 0, 0, 0, 0, time.UTC)
		off := (int(time.Tuesday) - int(first.Weekday()) + 7) % 7
		day := first.AddDate(0, 0, off+7)
		return day.Unix() + 3600*19 + int64(r.IntN(6*3600)), ticks
	case tmExchange:
		var sum float64
		for _, u := range exUpdates {
			sum += u.w
		}
		x := r.Float64() * sum
		for _, u := range exUpdates {
			if x -= u.w; x < 0 {
				return dayUnix(u.day) + 3600*20 + int64(r.IntN(3*3600)), ticks
			}
		}
		return dayUnix(exUpdates[len(exUpdates)-1].day) + 3600*21, ticks
	case tmMarch:
		// Most web shells of the March 2021 wave were written between the 3rd and the 9th.
		start := dayUnix("2021-03-01")
		if r.IntN(4) != 0 {
			return dayUnix("2021-03-03") + int64(r.IntN(7*86400)), ticks
		}
		return start + int64(r.IntN(31*86400)), ticks
	}
	return t2020 + r.Int64N(t2022-t2020), ticks
}

// ---- the plan ----

func plan(cfg config) (*planner, error) {
	if cfg.Files < 1 {
		return nil, errors.New("-files must be positive")
	}
	if cfg.Bytes < 1<<20 {
		return nil, errors.New("-bytes must be at least 1MB")
	}
	p := newPlanner(cfg)
	if err := p.loadCorpus(); err != nil {
		return nil, err
	}
	p.structure()
	p.plantCorpus()
	p.notable()
	bigBytes := p.mailboxDatabases()
	fixedCount := len(p.specs)
	left := cfg.Files - fixedCount
	if left < 20 {
		return nil, fmt.Errorf("-files %d is too small: the fixed layout, planted files, archives, dumps and databases already take %d", cfg.Files, fixedCount)
	}
	reserve := int(math.Round(float64(left) * compiledShare))
	counts := apportion(left-reserve, catCountShare[:nCats-1])
	for c := 0; c < nCats-1; c++ {
		p.fillCategory(c, counts[c])
	}
	p.legitTraces(reserve)
	// Top up to exactly -files with WinSxS components (names may collide now and then).
	for guard := 0; len(p.specs) < cfg.Files && guard < 1000; guard++ {
		p.fillPlace(&placesPE[winsxsPlace], cfg.Files-len(p.specs))
	}
	if len(p.specs) != cfg.Files {
		p.notes = append(p.notes, fmt.Sprintf("wrote %d files, not %d", len(p.specs), cfg.Files))
	}
	if err := p.scale(bigBytes); err != nil {
		return nil, err
	}
	return p, nil
}

// apportion splits n by weights, largest remainders first.
func apportion(n int, w []float64) []int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	out := make([]int, len(w))
	type rem struct {
		i int
		f float64
	}
	var rs []rem
	got := 0
	for i, x := range w {
		v := float64(n) * x / sum
		out[i] = int(v)
		got += out[i]
		rs = append(rs, rem{i, v - float64(out[i])})
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].f > rs[b].f })
	for k := 0; got < n; k++ {
		out[rs[k%len(rs)].i]++
		got++
	}
	return out
}

// fixed adds a file whose content is known now.
func (p *planner) fixed(rel string, data []byte, kind string, tm timeModel) *spec {
	s := &spec{rel: rel, gen: gFixed, cat: catFixed, data: data, size: int64(len(data)), kind: kind}
	s.mtime, s.ticks = p.timeFor(p.r, tm)
	if !p.add(s) {
		return nil
	}
	return s
}

// sized adds a generated file of a fixed size.
func (p *planner) sized(rel string, g genKind, size int64, kind string, tm timeModel) *spec {
	s := &spec{rel: rel, gen: g, cat: catFixed, size: size, kind: kind}
	s.mtime, s.ticks = p.timeFor(p.r, tm)
	if !p.add(s) {
		return nil
	}
	return s
}

// owaAuthPages are the pages of a legitimate owa/auth folder (Exchange 2016/2019), with
// typical sizes.
var owaAuthPages = []struct {
	name string
	size int64
}{{"errorFE.aspx", 4830}, {"ExpiredPassword.aspx", 11540}, {"frowny.aspx", 3780}, {"getidtoken.htm", 1230},
	{"logoff.aspx", 2650}, {"logon.aspx", 21960}, {"OutlookCN.aspx", 4120}, {"RedirSuiteServiceProxy.aspx", 1840},
	{"signout.aspx", 2310}, {"TimeoutLogout.aspx", 2570}}

// owaResources are the files of owa/auth/<build>/themes/resources.
var owaResources = []string{"favicon.ico", "clear1x1.gif", "lgnbotl.gif", "lgnbotm.gif", "lgnbotr.gif",
	"lgntopl.gif", "lgntopm.gif", "lgntopr.gif", "logon.css", "olk_logo_white.png",
	"olk_logo_white_cropped.png", "olk_logo_white_small.png", "owa_text_blue.png", "owafont.css",
	"segoeui-regular.eot", "segoeui-regular.ttf", "segoeui-regular.woff", "segoeui-semibold.eot",
	"segoeui-semibold.ttf", "segoeui-semibold.woff", "segoeui-semilight.eot", "segoeui-semilight.ttf",
	"segoeui-semilight.woff", "sign_in_arrow.png", "sign_in_arrow_rtl.png", "warn.png"}

var frontEndApps = []string{"autodiscover", "ecp", "EWS", "mapi", "sync", "OAB", "owa", "PowerShell", "PushNotifications", "rpc"}
var clientAccessApps = []string{"Autodiscover", "ecp", "exchweb/ews", "mapi/emsmdb", "mapi/nspi", "Oab", "Owa", "PowerShell", "PushNotifications", "RpcProxy", "Sync"}

// structure adds the fixed layout: legitimate owa/auth pages and resources, web.config files,
// IIS configuration, Users\Public, empty folders.
func (p *planner) structure() {
	r := p.r
	p.dirs[aspnetClient+"/system_web/4_0_30319"] = true
	p.dirs["Windows/System32"] = true
	p.dirs["Windows/Temp"] = true
	p.dirs["Users/Public"] = true
	p.dirs["ProgramData"] = true
	p.dirs[exBase+"/Logging/HttpProxy/Owa"] = true
	// owa/auth: the legitimate pages, versioned resources of the current and a previous build,
	// and Current.
	for _, pg := range owaAuthPages {
		s := p.sized(owaAuth+"/"+pg.name, gText, pg.size, "page", tmExchange)
		s.why = "legitimate owa/auth page"
		p.pages = append(p.pages, s)
	}
	builds := []string{"15.1.2242", owaBuild, "Current"}
	if p.cfg.Files < 5000 {
		builds = []string{owaBuild} // a tiny tree keeps the current build only
	}
	for _, b := range builds {
		base := owaAuth + "/" + b
		for _, n := range owaResources {
			size := int64(200 + r.IntN(3000))
			g, kind := gImage, "image"
			switch extOf(n) {
			case "css":
				g, kind, size = gText, "page", int64(2000+r.IntN(9000))
			case "eot", "ttf", "woff":
				size = int64(60000 + r.IntN(90000))
			}
			p.sized(base+"/themes/resources/"+n, g, size, kind, tmExchange)
		}
		p.sized(base+"/scripts/premium/flogon.js", gText, int64(30000+r.IntN(20000)), "page", tmExchange)
	}
	ta := p.sized(ecpAuth+"/TimeoutLogout.aspx", gText, 2570, "page", tmExchange)
	ta.why = "legitimate ecp/auth page"
	p.pages = append(p.pages, ta)
	for _, a := range frontEndApps {
		p.fixed(exBase+"/FrontEnd/HttpProxy/"+a+"/web.config", webConfig(r, a, true), "config", tmExchange)
	}
	for _, a := range clientAccessApps {
		p.fixed(exBase+"/ClientAccess/"+a+"/web.config", webConfig(r, a, false), "config", tmExchange)
	}
	p.sized(caECP+"/default.aspx", gText, 3900, "page", tmExchange)
	p.sized(caOwa+"/default.aspx", gText, 2100, "page", tmExchange)
	p.sized(exBase+"/Bin/ExSetup.exe", gPE, 38912, "pe", tmExchange)
	// OAB folders: one GUID folder per offline address book, with its manifest.
	for i := 0; i < 2; i++ {
		g := guid(r)
		p.oabGUIDs = append(p.oabGUIDs, g)
		p.fixed(caOab+"/"+g+"/oab.xml", oabManifest(r, g), "config", tmExchange)
	}
	// IIS.
	p.fixed(wwwroot+"/iisstart.htm", []byte(iisStart), "page", tmPatch)
	p.sized(wwwroot+"/iisstart.png", gImage, 98757, "image", tmPatch)
	p.fixed(wwwroot+"/web.config", []byte(rootWebConfig), "config", tmExchange).why = "Default Web Site web.config without the mitigation rewrite rules"
	p.fixed("Windows/System32/inetsrv/config/applicationHost.config", applicationHost(), "config", tmExchange).why = "IIS sites and virtual folders, no folder in ProgramData or Users"
	p.fixed("Windows/System32/inetsrv/config/administration.config", xmlDoc(r, "configuration", 6000), "config", tmPatch)
	p.fixed("Windows/System32/inetsrv/config/redirection.config", []byte("<configuration>\r\n  <configSections>\r\n    <section name=\"configurationRedirection\" />\r\n  </configSections>\r\n  <configurationRedirection />\r\n</configuration>\r\n"), "config", tmPatch)
	// Users.
	for _, d := range []string{"", "/Desktop", "/Documents", "/Downloads", "/Music", "/Pictures", "/Videos", "/Libraries"} {
		p.fixed("Users/Public"+d+"/desktop.ini", desktopIni(r), "config", tmPatch)
	}
	p.fixed("Users/Public/Libraries/RecordedTV.library-ms", xmlDoc(r, "libraryDescription", 1000), "config", tmPatch)
	for _, d := range []string{"Desktop", "Documents", "Downloads"} {
		p.fixed("Users/Administrator/"+d+"/desktop.ini", desktopIni(r), "config", tmUniform)
	}
	s := p.sized("Users/Administrator/NTUSER.DAT", gData, 786432, "data", tmUniform)
	s.ext = "dat-regf"
	p.appDirs = map[string]string{}
	for _, a := range []string{"owa", "ecp", "root", "oab", "ews", "autodiscover", "powershell"} {
		d := aspTemp + "/" + a + "/" + hexN(r, 8) + "/" + hexN(r, 8)
		p.appDirs[a] = d
		p.fixed(d+"/hash/hash.web", []byte(hexN(r, 16)), "compiled", tmExchange)
	}
}

// notable adds the files a hunt lists as things to look at although they are benign here:
// archives in ProgramData, dumps, PST files outside mailbox databases.
func (p *planner) notable() {
	r := p.r
	clamp := func(v, lo, hi int) int { return max(lo, min(hi, v)) }
	nArch := clamp(p.cfg.Files/10000, 2, 30)
	nDump := clamp(p.cfg.Files/40000, 3, 10)
	nPST := clamp(p.cfg.Files/50000, 1, 6)
	archives := []string{
		"ProgramData/Microsoft/Exchange Server/Support/ExchangeLogs_%s.zip",
		"ProgramData/chocolatey/lib/7zip.portable/tools/7z-extra-%s.7z",
		"ProgramData/Veeam/Backup/Logs/VeeamLogs_%s.zip",
		"ProgramData/Microsoft/Windows Defender/Support/MpSupportFiles_%s.zip",
		"ProgramData/Package Cache/%s/payload.7z",
		"ProgramData/Dell/UpdatePackage/Log/DUP_%s.zip",
		"ProgramData/Microsoft/Exchange Server/Support/HealthChecker_%s.zip",
		"ProgramData/SolarWinds/Agent/Logs/agent-%s.7z",
	}
	for i := 0; i < nArch; i++ {
		var s *spec
		for s == nil {
			tmpl := archives[i%len(archives)]
			day := t2020 + r.Int64N(t2022-t2020-86400)
			tag := time.Unix(day, 0).UTC().Format("20060102")
			if strings.Contains(tmpl, "Package Cache") {
				tag = upperGUID(r)
			}
			s = p.scaled(fmt.Sprintf(tmpl, tag), gArchive, catNotable, float64(2<<20)*math.Exp(catSigma[catNotable]*r.NormFloat64()), "archive", tmUniform)
			if s != nil {
				s.mtime = day + int64(r.IntN(86400)) // the day its name carries
			}
		}
		s.expect, s.why = "suspicious", "archive in ProgramData: staging is suspicious, never proof"
	}
	for i := 0; i < nDump; i++ {
		for {
			var rel, expect, why string
			var sub uint8
			raw := float64(8<<20) * math.Exp(r.NormFloat64())
			mtime := int64(0)
			switch i % 5 {
			case 0:
				rel = fmt.Sprintf("Windows/Temp/w3wp.exe.%d.dmp", 1000+r.IntN(30000))
				sub, expect, why = dumpMDMP, "suspicious", "user-mode minidump (MDMP) of w3wp in Windows\\Temp"
			case 1:
				d := time.Unix(t2020+r.Int64N(t2022-t2020), 0).UTC()
				rel = fmt.Sprintf("Windows/Minidump/%s-%d-01.dmp", d.Format("010206"), 10000+r.IntN(40000))
				raw /= 8
				mtime = d.Unix() + int64(r.IntN(3600))
				sub, expect, why = dumpKernel, "clean", "kernel minidump (PAGEDU64) outside the folders where LSASS dumps are staged"
			case 2:
				rel = fmt.Sprintf("ProgramData/Microsoft/Windows/WER/ReportArchive/AppCrash_MSExchangeHMWo_%s/MSExchangeHMWorker.exe.%d.dmp", hexN(r, 40), 1000+r.IntN(30000))
				sub, expect, why = dumpMDMP, "suspicious", "user-mode minidump (MDMP) in ProgramData"
			case 3:
				rel = fmt.Sprintf("Windows/Temp/%s%d.dmp", pick(r, []string{"setupact", "MpCmdRun", "dd_vcredist", "msedge_installer", "SqlDump"}), r.IntN(100))
				raw /= 4
				sub, expect, why = dumpRaw, "suspicious", ".dmp in Windows\\Temp without a minidump header"
			case 4:
				rel = fmt.Sprintf("Windows/MEMORY%s.DMP", strings.Repeat("1", i/5))
				raw *= 2
				sub, expect, why = dumpKernel, "clean", "kernel memory dump (PAGEDU64) in Windows"
			}
			s := p.scaled(rel, gDump, catNotable, raw, "dump", tmUniform)
			if s == nil {
				continue
			}
			s.sub, s.expect, s.why = sub, expect, why
			if mtime != 0 {
				s.mtime = mtime
			}
			break
		}
	}
	for i := 0; i < nPST; i++ {
		var s *spec
		for s == nil {
			var rel string
			if i%2 == 0 {
				rel = fmt.Sprintf("Users/Administrator/Documents/Outlook Files/%s.%s@contoso.com.pst", pick(r, firstNames), pick(r, lastNames))
			} else {
				rel = fmt.Sprintf("Users/Administrator/Documents/Exports/archive-%d-%s.pst", 2019+r.IntN(3), pick(r, lastNames))
			}
			s = p.scaled(rel, gPST, catNotable, float64(12<<20)*math.Exp(r.NormFloat64()), "pst", tmUniform)
		}
		s.expect, s.why = "suspicious", "PST file outside a mailbox database"
	}
}

// scaled adds a file whose size is set later from its category's budget.
func (p *planner) scaled(rel string, g genKind, cat int, raw float64, kind string, tm timeModel) *spec {
	s := &spec{rel: rel, gen: g, cat: int8(cat), raw: raw, kind: kind}
	s.mtime, s.ticks = p.timeFor(p.r, tm)
	if !p.add(s) {
		return nil
	}
	return s
}

// mailboxDatabases adds the databases (100-500 MiB each when -bytes allows), their transaction
// logs (1 MiB each) and checkpoint files. It returns the bytes they take.
func (p *planner) mailboxDatabases() int64 {
	r := p.r
	nBig := int(p.cfg.Bytes / (1600 << 20))
	nLogs := int(float64(p.cfg.Bytes) * 0.03 / (1 << 20))
	nLogs = min(nLogs, 400)
	var total int64
	dbs := max(1, min(nBig, 4))
	names := make([]string, dbs)
	for i := range names {
		names[i] = fmt.Sprintf("Mailbox Database %010d", r.IntN(2_000_000_000))
	}
	p.mbxDB = exBase + "/Mailbox/" + names[0]
	for i := 0; i < nBig; i++ {
		dir := exBase + "/Mailbox/" + names[i%dbs]
		size := int64(100<<20) + r.Int64N(400<<20)
		size &^= 8191 // whole 8 KiB pages
		rel := dir + "/" + path.Base(dir) + ".edb"
		if i >= dbs {
			rel = fmt.Sprintf("%s/%s-%d.edb", dir, path.Base(dir), i/dbs)
		}
		s := p.sized(rel, gEDB, size, "edb", tmUniform)
		s.mtime = t2022 - 3600 - int64(r.IntN(86400))
		s.why = "Exchange mailbox database"
		total += size
	}
	for i := 0; i < dbs && (nBig > 0 || nLogs > 0); i++ {
		dir := exBase + "/Mailbox/" + names[i]
		if s := p.sized(dir+"/E00.chk", gTranslog, 8192, "translog", tmUniform); s != nil {
			s.mtime = t2022 - 600
			total += 8192
		}
	}
	first := 0x1a2b0 + r.IntN(0x40000)
	for i := 0; i < nLogs; i++ {
		dir := exBase + "/Mailbox/" + names[i%dbs]
		s := p.sized(fmt.Sprintf("%s/E00%08X.log", dir, first+i/dbs), gTranslog, 1<<20, "translog", tmUniform)
		if s == nil {
			continue
		}
		s.mtime = t2022 - int64(nLogs-i)*900
		total += 1 << 20
	}
	return total
}

// scale sets the size of every category file so each category meets its share of the bytes
// left after fixed files and databases.
func (p *planner) scale(bigBytes int64) error {
	var fixed int64
	byCat := make([][]*spec, nCats)
	for _, s := range p.specs {
		if s.cat == catFixed {
			if s.gen != gEDB && s.gen != gTranslog {
				fixed += s.size
			}
			continue
		}
		byCat[s.cat] = append(byCat[s.cat], s)
	}
	left := p.cfg.Bytes - fixed - bigBytes
	var shareSum float64
	for c := 0; c < nCats; c++ {
		if len(byCat[c]) > 0 {
			shareSum += catByteShare[c]
		}
	}
	var need int64
	for c := 0; c < nCats; c++ {
		need += int64(len(byCat[c])) * catMin[c]
	}
	if left < need {
		return fmt.Errorf("-bytes %d is too small for %d files: fixed files and databases take %d, the others need at least %d", p.cfg.Bytes, len(p.specs), fixed+bigBytes, need)
	}
	budgets := make([]int64, nCats)
	var given int64
	last := -1
	for c := 0; c < nCats; c++ {
		if len(byCat[c]) == 0 {
			continue
		}
		budgets[c] = int64(float64(left) * catByteShare[c] / shareSum)
		given += budgets[c]
		last = c
	}
	if last >= 0 {
		budgets[last] += left - given
	}
	for c := 0; c < nCats; c++ {
		if len(byCat[c]) == 0 {
			continue
		}
		fitSizes(byCat[c], budgets[c], catMin[c], catMax[c])
	}
	return nil
}

// fitSizes sets sizes proportional to raw, within [lo, hi], summing to budget when it can.
func fitSizes(ss []*spec, budget, lo, hi int64) {
	free := make([]bool, len(ss))
	for i := range free {
		free[i] = true
	}
	for iter := 0; iter < 6; iter++ {
		var fixedSum int64
		var rawSum float64
		for i, s := range ss {
			if free[i] {
				rawSum += s.raw
			} else {
				fixedSum += s.size
			}
		}
		if rawSum <= 0 {
			break
		}
		f := float64(budget-fixedSum) / rawSum
		changed := false
		for i, s := range ss {
			if !free[i] {
				continue
			}
			v := int64(s.raw * f)
			switch {
			case v < lo:
				v, free[i], changed = lo, false, true
			case v > hi:
				v, free[i], changed = hi, false, true
			}
			s.size = v
		}
		if !changed {
			break
		}
	}
	var sum int64
	for _, s := range ss {
		sum += s.size
	}
	// The rounding remainder goes to the largest files that can take it.
	diff := budget - sum
	idx := make([]int, len(ss))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ss[idx[a]].size > ss[idx[b]].size })
	for _, i := range idx {
		if diff == 0 {
			break
		}
		s := ss[i]
		v := min(hi, max(lo, s.size+diff))
		diff -= v - s.size
		s.size = v
	}
}

// legitTraces adds .compiled traces for up to n legitimate pages (the owa/auth pages first:
// every server has served them).
func (p *planner) legitTraces(n int) {
	r := p.r
	var pool []*spec
	for _, s := range p.pages {
		if s.plantedAs == "filler" {
			pool = append(pool, s)
		}
	}
	head := min(len(pool), 11)
	rest := pool[head:]
	r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	for _, s := range pool {
		if n <= 0 {
			break
		}
		if p.trace(s, 3*86400) != nil {
			n--
		}
	}
}

// trace adds the .compiled file ASP.NET leaves when it compiles page s the first time it is
// requested, within maxDelay seconds after the page's time.
func (p *planner) trace(s *spec, maxDelay int64) *spec {
	r := p.r
	app, vpath := virtualPath(s.rel)
	if app == "" {
		return nil
	}
	dir := p.appDirs[app]
	if dir == "" {
		return nil
	}
	base := path.Base(s.rel)
	asm := "App_Web_" + randString(r, lowerAlnum, 8)
	typ := "ASP." + strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(strings.ToLower(strings.TrimPrefix(vpath[len("/"+app):], "/")))
	if app == "root" {
		typ = "ASP." + strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(strings.ToLower(strings.TrimPrefix(vpath, "/")))
	}
	body := fmt.Sprintf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<preserve resultType=\"3\" virtualPath=\"%s\" hash=\"%s\" filehash=\"%s\" flags=\"110000\" assembly=\"%s\" type=\"%s\">\r\n    <filedeps>\r\n        <filedep name=\"%s\" />\r\n    </filedeps>\r\n</preserve>\r\n",
		vpath, hexN(r, 16), hexN(r, 16), asm, typ, vpath)
	var t *spec
	for i := 0; i < 4 && t == nil; i++ {
		t = p.fixed(dir+"/"+base+"."+hexN(r, 8)+".compiled", []byte(body), "compiled", tmUniform)
	}
	if t == nil {
		return nil
	}
	t.vpath = vpath
	t.mtime = min(s.mtime+60+r.Int64N(maxDelay), t2022-60)
	t.why = "compiled-page trace naming " + vpath
	return t
}

// virtualPath maps a page in a web folder to its IIS application and URL path.
func virtualPath(rel string) (app, vpath string) {
	for _, m := range []struct{ prefix, app, url string }{
		{exBase + "/FrontEnd/HttpProxy/owa/", "owa", "/owa/"},
		{exBase + "/FrontEnd/HttpProxy/ecp/", "ecp", "/ecp/"},
		{caECP + "/", "ecp", "/ecp/"},
		{caOab + "/", "oab", "/OAB/"},
		{caOwa + "/", "owa", "/owa/"},
		{wwwroot + "/", "root", "/"},
	} {
		if strings.HasPrefix(rel, m.prefix) {
			return m.app, m.url + rel[len(m.prefix):]
		}
	}
	return "", ""
}
