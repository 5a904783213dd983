package hunt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/iisconfig"
	"github.com/exsweep/exsweep/internal/rules"
)

// IISConfigKind is the rule kind of IIS virtual directories read from applicationHost.config.
const IISConfigKind = "iis-config"

// iisConfigFields are what iis-config rules may name; all are columns, so samples set them.
func iisConfigFields() []rules.Field {
	return []rules.Field{
		{Name: "site", Column: true, Doc: "site name"},
		{Name: "app", Column: true, Doc: "application path (/owa)"},
		{Name: "vdir", Column: true, Doc: "virtual directory path within the application (/ for the root)"},
		{Name: "physical-path", Column: true, Doc: "the folder it serves, as written (%SystemDrive%\\inetpub\\wwwroot)"},
		{Name: "resolved", Column: true, Doc: "that folder relative to the system drive, forward slashes; empty when it is not on it"},
		{Name: "config", Column: true, Doc: "the configuration file, root-relative"},
	}
}

// webFilesSince: files created in web folders from this day on are listed for the responder,
// whether or not a rule fired (the first known exploitation was on 6 January 2021).
var webFilesSince = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

// maxWebFiles bounds that list (the latest are kept); webFilesCollect bounds what is gathered
// to choose them, beyond which files are only counted.
const (
	maxWebFiles     = 10000
	webFilesCollect = 100000
)

// fieldRecord is a record made of named values: iis-config entries and rule samples.
type fieldRecord map[string]string

func (r fieldRecord) Field(name string) (string, bool) { v, ok := r[name]; return v, ok }

// sysRoots finds the folders of the tree that are a Windows system drive (a mounted C:\, or the
// C\ or uploads\auto\C%3A\ folder of a triage collection): they hold at least two of Windows,
// Program Files, ProgramData, inetpub and Users. The root itself when none does.
func sysRoots(root string) []string {
	var out []string
	var look func(dir string, depth int)
	look = func(dir string, depth int) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			switch strings.ToLower(e.Name()) {
			case "windows", "program files", "programdata", "inetpub", "users":
				n++
			}
		}
		if n >= 2 {
			out = append(out, dir)
			return
		}
		if depth == 3 {
			return
		}
		for _, e := range entries {
			if e.IsDir() && !skipDir(strings.ToLower(e.Name())) {
				look(filepath.Join(dir, e.Name()), depth+1)
			}
		}
	}
	look(root, 0)
	if len(out) == 0 {
		out = []string{root}
	}
	return out
}

// fileTargets lists the folders the file hunt walks, the most telling first (a file is read by
// the first target that reaches it).
func fileTargets(root string, l *Layout, deep bool, res *finding.HostResult, pack *rules.Pack, col *collector) []files.Target {
	var strict, sites, heads, notable []files.Target
	add := func(list *[]files.Target, dir string, place files.Place, mode files.Mode) {
		if dir != "" {
			*list = append(*list, files.Target{Dir: dir, Place: place, Mode: mode})
		}
	}
	for _, in := range l.Installs {
		add(&strict, ResolveCI(in.Dir, "FrontEnd/HttpProxy/owa/auth"), files.OwaAuth, files.ReadAll)
		add(&strict, ResolveCI(in.Dir, "FrontEnd/HttpProxy/ecp/auth"), files.EcpAuth, files.ReadAll)
		add(&strict, ResolveCI(in.Dir, "ClientAccess/Oab"), files.ClientAccessOab, files.ReadAll)
		add(&sites, ResolveCI(in.Dir, "ClientAccess/ecp"), files.ClientAccessEcp, files.ReadPages)
	}
	for _, sys := range sysRoots(root) {
		add(&strict, ResolveCI(sys, "inetpub/wwwroot/aspnet_client"), files.AspnetClient, files.ReadAll)
		for _, dir := range siteFolders(root, sys, l, res, pack, col) {
			add(&sites, dir, files.IISSite, files.ReadPages)
		}
		for _, fw := range []string{"Framework64", "Framework"} {
			base := ResolveCI(sys, "Windows/Microsoft.NET/"+fw)
			entries, _ := os.ReadDir(base)
			for _, e := range entries {
				if e.IsDir() && strings.HasPrefix(strings.ToLower(e.Name()), "v") {
					add(&strict, ResolveCI(filepath.Join(base, e.Name()), "Temporary ASP.NET Files"), files.CompiledPages, files.ReadAll)
				}
			}
		}
		add(&heads, ResolveCI(sys, "Windows/Temp"), files.WindowsTemp, files.ReadHeads)
		add(&heads, ResolveCI(sys, "root"), files.RootFolder, files.ReadHeads)
		add(&heads, ResolveCI(sys, "ProgramData"), files.ProgramData, files.ReadHeads)
		add(&heads, ResolveCI(sys, "Users/Public"), files.UsersPublic, files.ReadHeads)
		add(&heads, ResolveCI(sys, "PerfLogs"), files.DriveRoot, files.ReadHeads)
		heads = append(heads, files.Target{Dir: sys, Place: files.DriveRoot, Mode: files.ReadHeads, Flat: true})
		add(&notable, ResolveCI(sys, "Users"), files.Users, files.ReadNotable)
		if deep {
			add(&notable, sys, files.Elsewhere, files.ReadNotable)
		}
	}
	out := append(append(append(strict, sites...), heads...), notable...)
	return out
}

// siteFolders reads applicationHost.config: every site's and application's folder on the system
// drive is walked; each virtual directory becomes an iis-config record for the rules. Without a
// config, inetpub\wwwroot is the Default Web Site's folder.
func siteFolders(root, sys string, l *Layout, res *finding.HostResult, pack *rules.Pack, col *collector) []string {
	cfg := ResolveCI(sys, "Windows/System32/inetsrv/config/applicationHost.config")
	var dirs []string
	if d := ResolveCI(sys, "inetpub/wwwroot"); d != "" {
		dirs = append(dirs, d)
	}
	if cfg == "" {
		return dirs
	}
	data, err := readCapped(cfg, 32<<20)
	if err != nil {
		res.Problems = append(res.Problems, finding.Problem{Path: rel(root, cfg), Kind: "unreadable", Message: err.Error()})
		return dirs
	}
	host, err := iisconfig.ParseAppHost(data)
	if err != nil {
		res.Problems = append(res.Problems, finding.Problem{Path: rel(root, cfg), Kind: "config", Message: "applicationHost.config read in part: " + err.Error()})
	}
	if host == nil {
		return dirs
	}
	// The mitigations can also sit in a <location> of applicationHost.config.
	for _, m := range iisconfig.Mitigations(host.Rewrite) {
		res.Mitigations = append(res.Mitigations, finding.ConfigMitigation{Family: m.Family, Status: m.Status, Rules: m.Rules, Where: rel(root, cfg) + ": " + m.Where, Notes: m.Notes})
	}
	env := iisconfig.Env{}
	for _, in := range l.Installs {
		if r := rel(sys, in.Dir); r != "" && !strings.HasPrefix(r, "..") {
			env.ExchangeInstallPath = r
			break
		}
	}
	iisRules := pack.ForSource(IISConfigKind)
	var cfgTime time.Time
	if fi, err := os.Stat(cfg); err == nil {
		cfgTime = fi.ModTime().UTC()
	}
	for _, site := range host.Sites {
		for _, app := range site.Apps {
			for _, vd := range app.VDirs {
				resolved, ok, why := iisconfig.ResolvePath(vd.PhysicalPath, env)
				rec := fieldRecord{"site": site.Name, "app": app.Path, "vdir": vd.Path, "physical-path": vd.PhysicalPath, "config": rel(root, cfg)}
				if ok {
					rec["resolved"] = resolved
					if d := ResolveCI(sys, resolved); d != "" && inside(root, d) {
						dirs = append(dirs, d)
						if r := rel(root, d); !slices.Contains(res.WebFolders, r) {
							res.WebFolders = append(res.WebFolders, r)
						}
					}
				} else if why != "" {
					res.Warnings = append(res.Warnings, fmt.Sprintf("IIS site %q serves %s from %s, which this tree does not hold (%s): its files were not examined",
						finding.EscapeString(site.Name), finding.EscapeString(joinVPath(app.Path, vd.Path)), finding.EscapeString(vd.PhysicalPath), why))
				}
				for _, r := range iisRules {
					if r.Condition.Match(rec) {
						f := r.Finding()
						f.Source = IISConfigKind
						f.Where = finding.Location{Path: rel(root, cfg)}
						f.Time = cfgTime // when the configuration was last written
						f.Target = joinVPath(app.Path, vd.Path)
						f.Fields = map[string]string{"site": site.Name, "physical_path": vd.PhysicalPath}
						col.add(&f, []byte(fmt.Sprintf("site %q application %q virtual directory %q physicalPath=%q", site.Name, app.Path, vd.Path, vd.PhysicalPath)))
					}
				}
			}
		}
	}
	sort.Strings(dirs)
	return dirs
}

func joinVPath(app, vdir string) string {
	if vdir == "" || vdir == "/" {
		return app
	}
	return strings.TrimSuffix(app, "/") + vdir
}

// mitigations reads the Default Web Site's web.config (inetpub\wwwroot) for Microsoft's URL
// Rewrite mitigations, which matter when patching must wait.
func mitigations(root string, res *finding.HostResult) {
	for _, sys := range sysRoots(root) {
		p := ResolveCI(sys, "inetpub/wwwroot/web.config")
		if p == "" {
			continue
		}
		data, err := readCapped(p, 32<<20)
		if err != nil {
			res.Problems = append(res.Problems, finding.Problem{Path: rel(root, p), Kind: "unreadable", Message: err.Error()})
			continue
		}
		wc, err := iisconfig.ParseWebConfig(data)
		if err != nil {
			res.Problems = append(res.Problems, finding.Problem{Path: rel(root, p), Kind: "config", Message: "web.config read in part: " + err.Error()})
		}
		if wc == nil {
			continue
		}
		for _, m := range iisconfig.Mitigations(wc.Rewrite) {
			res.Mitigations = append(res.Mitigations, finding.ConfigMitigation{Family: m.Family, Status: m.Status, Rules: m.Rules, Where: rel(root, p) + ": " + m.Where, Notes: m.Notes})
		}
	}
}

// huntFiles runs the file part of a hunt: findings go to the collector, new files in web folders
// to the host's list.
func huntFiles(ctx context.Context, opt Options, l *Layout, res *finding.HostResult, col *collector) {
	targets := fileTargets(opt.Root, l, opt.Deep, res, opt.Pack, col)
	mitigations(opt.Root, res)
	fileRules := opt.Pack.ForSource(files.Kind)
	var mu sync.Mutex
	var web []finding.FileEntry
	webCount := 0
	fr := files.Scan(ctx, files.Options{
		Root: opt.Root, Targets: targets, Caps: opt.FileCaps, Rules: fileRules, Schema: Schema(), Workers: opt.Workers,
	}, func(rec *files.Record, matched []files.Match) {
		var ids []string
		for _, m := range matched {
			f := m.Rule.Finding()
			rec.Fill(&f)
			col.add(&f, m.Evidence)
			ids = append(ids, m.Rule.ID)
		}
		if rec.Place.WebPlace() && !rec.Time().Before(webFilesSince) && rec.VirtualPath == "" {
			mu.Lock()
			webCount++
			if len(web) < webFilesCollect {
				web = append(web, finding.FileEntry{Path: finding.EscapeString(rec.Path), Place: string(rec.Place), Size: rec.Size,
					Modified: rec.Modified, Created: rec.Created, SHA256: rec.SHA256, Rules: ids})
			}
			mu.Unlock()
		}
	})
	sort.Slice(web, func(i, j int) bool {
		ti, tj := web[i].Time(), web[j].Time()
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return web[i].Path < web[j].Path
	})
	if len(web) > maxWebFiles {
		web = web[len(web)-maxWebFiles:] // the latest
	}
	res.WebFiles = web
	res.Stats.FilesExamined = fr.Files
	res.Stats.FilesRead = fr.Read
	res.Stats.FileBytes = fr.Bytes
	if webCount > len(web) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d files appeared in web folders since 2021-01-01: only the latest %d are listed", webCount, len(web)))
	}
	res.Problems = append(res.Problems, fr.Problems...)
}
