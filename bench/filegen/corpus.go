package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// corpusFile is one labelled sample.
type corpusFile struct {
	rel    string // relative to the corpus folder, '/'-separated
	label  string // malicious or benign
	family string
	why    string
	data   []byte
}

type corpusSet struct {
	malicious, benign []*corpusFile
}

// loadCorpus reads the corpus folder: labels.tsv when present (then only the files it lists),
// else every file under malicious/ and benign/. A missing folder plants nothing.
func (p *planner) loadCorpus() error {
	dir := p.cfg.Corpus
	if dir == "" {
		return nil
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		if p.cfg.CorpusRequired {
			return fmt.Errorf("-corpus %s: not a folder", dir)
		}
		p.notes = append(p.notes, fmt.Sprintf("no corpus at %s: nothing planted", dir))
		return nil
	}
	c := &corpusSet{}
	labels, err := os.ReadFile(filepath.Join(dir, "labels.tsv"))
	switch {
	case err == nil:
		if err := p.readLabels(c, dir, labels); err != nil {
			return err
		}
	case os.IsNotExist(err):
		for _, label := range []string{"malicious", "benign"} {
			root := filepath.Join(dir, label)
			if _, err := os.Stat(root); err != nil {
				continue
			}
			err := filepath.WalkDir(root, func(pth string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				name := d.Name()
				if d.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(strings.ToUpper(name), "README") || !d.Type().IsRegular() {
					return nil
				}
				rel, _ := filepath.Rel(dir, pth)
				data, err := os.ReadFile(pth)
				if err != nil {
					return err
				}
				c.add(&corpusFile{rel: filepath.ToSlash(rel), label: label, data: data})
				return nil
			})
			if err != nil {
				return fmt.Errorf("corpus: %w", err)
			}
		}
	default:
		return fmt.Errorf("corpus: %w", err)
	}
	for _, l := range [][]*corpusFile{c.malicious, c.benign} {
		sort.Slice(l, func(i, j int) bool { return l[i].rel < l[j].rel })
	}
	if len(c.malicious) == 0 && len(c.benign) == 0 {
		p.notes = append(p.notes, fmt.Sprintf("the corpus at %s holds no labelled file: nothing planted", dir))
		return nil
	}
	p.corpus = c
	return nil
}

func (c *corpusSet) add(f *corpusFile) {
	if f.label == "malicious" {
		c.malicious = append(c.malicious, f)
	} else {
		c.benign = append(c.benign, f)
	}
}

func (p *planner) readLabels(c *corpusSet, dir string, labels []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(labels))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var missing, other int
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 {
			return fmt.Errorf("corpus labels.tsv line %d: want path<TAB>label<TAB>family<TAB>why", ln)
		}
		rel := strings.TrimSpace(f[0])
		label := strings.ToLower(strings.TrimSpace(f[1]))
		if ln == 1 && strings.EqualFold(rel, "path") {
			continue
		}
		if label != "malicious" && label != "benign" {
			other++
			continue
		}
		clean := path.Clean(filepath.ToSlash(rel))
		if strings.HasPrefix(clean, "../") || path.IsAbs(clean) || clean == ".." {
			return fmt.Errorf("corpus labels.tsv line %d: %q leaves the corpus folder", ln, rel)
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(clean)))
		if err != nil {
			missing++
			continue
		}
		cf := &corpusFile{rel: clean, label: label, data: data}
		if len(f) > 2 {
			cf.family = strings.TrimSpace(f[2])
		}
		if len(f) > 3 {
			cf.why = strings.TrimSpace(strings.Join(f[3:], " "))
		}
		c.add(cf)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("corpus labels.tsv: %w", err)
	}
	if missing > 0 {
		p.notes = append(p.notes, fmt.Sprintf("corpus: %d files listed in labels.tsv are missing, skipped", missing))
	}
	if other > 0 {
		p.notes = append(p.notes, fmt.Sprintf("corpus: %d lines with a label other than malicious or benign, skipped", other))
	}
	return nil
}

// iocNames are web shell names from the published lists of March 2021.
var iocNames = []string{"supp0rt", "discover", "HttpProxy", "aspnettest", "aspnet_client", "aspnet_iisstart",
	"aspnet_www", "aspnet_pages", "error", "errorcheck", "errorEE", "errorEEE", "errorEW", "errorFF", "help",
	"document", "shell", "shellex", "web", "one", "one1", "sol", "system_web", "xx", "log", "logg", "load",
	"logout", "healthcheck", "OutlookEN", "OutlookJP", "OutlookRU", "RedirSuiteServerProxy", "t", "s"}

// lookalike returns a name that differs a little from a legitimate one.
func lookalike(r *rand.Rand, legit string) string {
	stem := strings.TrimSuffix(legit, path.Ext(legit))
	switch r.IntN(5) {
	case 0:
		return legit // the caller appends the extension again: logon.aspx.aspx
	case 1:
		return stem + string(rune('0'+r.IntN(10)))
	case 2: // one letter replaced by its neighbour in the alphabet, in the same case
		i := r.IntN(len(stem))
		c := stem[i]
		switch {
		case c >= 'a' && c < 'z', c >= 'A' && c < 'Z':
			c++
		case c == 'z' || c == 'Z':
			c--
		default:
			return stem + "s"
		}
		return stem[:i] + string(c) + stem[i+1:]
	case 3: // two neighbouring letters swapped
		if len(stem) < 3 {
			return stem + stem[len(stem)-1:]
		}
		i := r.IntN(len(stem) - 1)
		if stem[i] == stem[i+1] {
			return stem + "s"
		}
		return stem[:i] + string(stem[i+1]) + string(stem[i]) + stem[i+2:]
	default: // a letter doubled
		i := r.IntN(len(stem))
		return stem[:i+1] + stem[i:]
	}
}

// shellPlace picks a web folder and a name for a planted malicious file.
func (p *planner) shellPlace(r *rand.Rand, f *corpusFile) (rel, naming string) {
	ext := extOf(f.rel)
	switch ext {
	case "aspx", "ashx", "asmx", "asp", "config":
	default:
		ext = "aspx"
	}
	for try := 0; try < 30; try++ {
		var dir string
		x := r.IntN(100)
		switch {
		case x < 30:
			dir = aspnetClient + pick(r, []string{"", "/system_web", "/system_web/4_0_30319"})
		case x < 60:
			dir = owaAuth
		case x < 70:
			dir = ecpAuth
		case x < 85:
			dir = caECP
		default:
			dir = caOab
		}
		if ext == "config" && try < 10 {
			if !p.exists(dir + "/web.config") {
				return dir + "/web.config", "web.config"
			}
			continue
		}
		var stem string
		y := r.IntN(100)
		switch {
		case ext == "aspx" && dir == owaAuth && y < 45:
			stem, naming = lookalike(r, owaAuthPages[r.IntN(len(owaAuthPages))].name), "lookalike"
			if strings.HasSuffix(stem, ".aspx") || strings.HasSuffix(stem, ".htm") {
				// double extension
				naming = "double-extension"
			}
		case ext == "aspx" && dir == ecpAuth && y < 40:
			stem, naming = lookalike(r, "TimeoutLogout.aspx"), "lookalike"
			if strings.HasSuffix(stem, ".aspx") {
				naming = "double-extension"
			}
		case y < 70 && dir != caOab:
			stem, naming = pick(r, iocNames), "ioc-name"
		case y < 80 && dir == caECP:
			stem, naming = camelName(r), "plausible"
		case y < 88:
			stem, naming = randString(r, letters, 8), "random8"
		default:
			stem, naming = randString(r, letters+"0123456789", 12+r.IntN(20)), "random-long"
		}
		if try > 20 {
			stem, naming = randString(r, letters, 16), "random-long"
		}
		rel = dir + "/" + stem + "." + ext
		if !p.exists(rel) {
			return rel, naming
		}
	}
	return caOab + "/" + randString(r, letters, 20) + "." + ext, "random-long"
}

// group is corpus files planted together: the files of one sample folder (real names that
// only work together, such as a web.config and the file it maps), or one sample and its
// companions (page.aspx and page.aspx.cs).
type group struct {
	key      string
	realName bool // a sample folder: the files keep their names
	files    []*corpusFile
}

func groupsOf(files []*corpusFile) []*group {
	var out []*group
	byKey := map[string]*group{}
	for _, f := range files {
		key, real := f.rel, false
		if strings.Count(f.rel, "/") >= 2 {
			key, real = path.Dir(f.rel), true
		} else if i := strings.IndexByte(path.Base(f.rel), '.'); i > 0 {
			key = path.Dir(f.rel) + "/" + path.Base(f.rel)[:i]
		}
		g := byKey[key]
		if g == nil {
			g = &group{key: key, realName: real}
			byKey[key] = g
			out = append(out, g)
		}
		g.files = append(g.files, f)
	}
	return out
}

var samplePrefix = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*?-[0-9]{2}-`)

// plainName drops the corpus's <family>-<nn>- prefix: admin-01-users.aspx -> users.aspx.
func plainName(rel string) string {
	b := path.Base(rel)
	if m := samplePrefix.FindString(b); m != "" && len(m) < len(b) {
		return b[len(m):]
	}
	return b
}

// pickGroups returns groups in a random order, cycling, until they hold n files.
func pickGroups(r *rand.Rand, gs []*group, n int) []*group {
	var out []*group
	if len(gs) == 0 {
		return nil
	}
	got := 0
	for got < n {
		for _, i := range r.Perm(len(gs)) {
			if got >= n {
				break
			}
			out = append(out, gs[i])
			got += len(gs[i].files)
		}
	}
	return out
}

var tracedExt = map[string]bool{"aspx": true, "ashx": true, "asmx": true}

// legitPage finds the filler page of owa/auth with this name (any case), nil when there is none
// or a planted file already replaced it.
func (p *planner) legitPage(name string) *spec {
	for _, s := range p.specs {
		if path.Dir(s.rel) == owaAuth && strings.EqualFold(path.Base(s.rel), name) && s.plantedAs == "filler" {
			return s
		}
	}
	return nil
}

func (p *planner) planted(s *spec, f *corpusFile, as, naming string, tm timeModel) *spec {
	s.gen, s.cat, s.data, s.size, s.kind = gFixed, catFixed, f.data, int64(len(f.data)), "corpus"
	s.plantedAs, s.source, s.family, s.naming, s.why = as, f.rel, f.family, naming, f.why
	s.expect = "clean"
	if as == "malicious" {
		s.expect = "detect"
	}
	s.ext = extOf(s.rel)
	s.mtime, s.ticks = p.timeFor(p.r, tm)
	return s
}

// plantFile adds corpus file f at rel; replace, when set, is a legitimate page it overwrites.
func (p *planner) plantFile(f *corpusFile, rel, as, naming string, replace *spec) *spec {
	tm := tmMarch
	if as == "benign" {
		tm = tmExchange
	}
	var s *spec
	if replace != nil {
		s = p.planted(replace, f, as, naming, tm)
	} else {
		s = p.planted(&spec{rel: rel}, f, as, naming, tm)
		if !p.add(s) {
			return nil
		}
	}
	if as == "malicious" {
		p.counts.malicious++
		p.plantedSources[f.rel] = true
	} else {
		p.counts.benign++
	}
	if tracedExt[s.ext] && p.r.Float64() < p.cfg.ShellTraces {
		delay := int64(2 * 86400)
		if as == "benign" {
			delay = 30 * 86400
		}
		if t := p.trace(s, delay); t != nil {
			t.plantedAs, t.source, t.family, t.naming = as, f.rel, f.family, "trace"
			if as == "malicious" {
				t.expect = "detect"
				t.why = "compiled-page trace of a planted web shell: " + t.vpath
				p.counts.shellTraces++
			}
		}
	}
	return s
}

// freeDir picks one of dirs where none of names is taken.
func (p *planner) freeDir(dirs []string, names []string) string {
	for _, i := range p.r.Perm(len(dirs)) {
		ok := true
		for _, n := range names {
			if p.exists(dirs[i] + "/" + n) {
				ok = false
				break
			}
		}
		if ok {
			return dirs[i]
		}
	}
	return ""
}

var siteApps = []string{"intranet", "helpdesk", "portal", "phonebook", "reports", "kiosk", "wiki", "status", "forms", "print"}

// plantCorpus plants about -plant malicious and -benign benign files (whole groups).
func (p *planner) plantCorpus() {
	c := p.corpus
	if c == nil {
		return
	}
	r := p.r
	p.plantedSources = map[string]bool{}
	if p.cfg.Plant > 0 {
		for _, g := range pickGroups(r, groupsOf(c.malicious), p.cfg.Plant) {
			p.plantMalicious(g)
		}
	}
	p.counts.distinct = len(p.plantedSources)
	if p.cfg.Benign > 0 {
		for _, g := range pickGroups(r, groupsOf(c.benign), p.cfg.Benign) {
			p.plantBenign(g)
		}
	}
}

func (p *planner) plantMalicious(g *group) {
	r := p.r
	names := make([]string, len(g.files))
	hasConfig := false
	for i, f := range g.files {
		names[i] = path.Base(f.rel)
		hasConfig = hasConfig || strings.EqualFold(names[i], "web.config")
	}
	if g.realName && hasConfig {
		// A web.config that maps other files to page handlers, with those files: into a web
		// folder that has no web.config of its own.
		dir := p.freeDir([]string{aspnetClient, aspnetClient + "/system_web", aspnetClient + "/system_web/4_0_30319", owaAuth, ecpAuth}, names)
		if dir == "" {
			p.notes = append(p.notes, "no free web folder left for "+g.key+": not planted")
			return
		}
		for _, f := range g.files {
			naming := "real-name"
			if !strings.EqualFold(path.Base(f.rel), "web.config") {
				naming = "handler-mapped"
			}
			p.plantFile(f, dir+"/"+path.Base(f.rel), "malicious", naming, nil)
		}
		return
	}
	for _, f := range g.files {
		if g.realName {
			// A legitimate page with a shell appended: it replaces that page.
			if legit := p.legitPage(path.Base(f.rel)); legit != nil {
				p.plantFile(f, "", "malicious", "legit-name", legit)
				continue
			}
		}
		for try := 0; try < 5; try++ {
			rel, naming := p.shellPlace(r, f)
			if p.plantFile(f, rel, "malicious", naming, nil) != nil {
				break
			}
		}
	}
}

func (p *planner) plantBenign(g *group) {
	r := p.r
	if g.realName {
		names := make([]string, len(g.files))
		for i, f := range g.files {
			names[i] = path.Base(f.rel)
		}
		var dir string
		for _, f := range g.files {
			if legit := p.legitPage(path.Base(f.rel)); legit != nil {
				// OWA-like pages take the place of the legitimate ones.
				p.plantFile(f, "", "benign", "legit-name", legit)
				continue
			}
			if dir == "" {
				var dirs []string
				for _, a := range siteApps {
					dirs = append(dirs, wwwroot+"/"+a)
				}
				for _, d := range ecpFolders {
					dirs = append(dirs, caECP+"/"+d)
				}
				if dir = p.freeDir(dirs, names); dir == "" {
					p.notes = append(p.notes, "no free folder left for "+g.key+": not planted")
					return
				}
			}
			p.plantFile(f, dir+"/"+path.Base(f.rel), "benign", "real-name", nil)
		}
		return
	}
	var names []string
	for _, f := range g.files {
		names = append(names, plainName(f.rel))
	}
	first := g.files[0]
	ext := extOf(first.rel)
	var dirs []string
	switch {
	case ext == "pst":
		dirs = []string{"Users/Administrator/Documents/Outlook Files", "Users/Administrator/Documents/Exports"}
	case strings.HasPrefix(path.Base(first.rel), "aspnet-client-"):
		dirs = []string{aspnetClient + "/system_web/4_0_30319"}
	case ext == "asp" || ext == "asmx" || ext == "master" || r.IntN(4) == 0:
		for _, a := range siteApps {
			dirs = append(dirs, wwwroot+"/"+a)
		}
	default:
		for _, d := range ecpFolders {
			dirs = append(dirs, caECP+"/"+d)
		}
	}
	dir := p.freeDir(dirs, names)
	if dir == "" {
		// Same names taken everywhere: prefix them.
		w := pick(r, camel)
		for i := range names {
			names[i] = w + names[i]
		}
		if dir = p.freeDir(dirs, names); dir == "" {
			return
		}
	}
	for i, f := range g.files {
		s := p.plantFile(f, dir+"/"+names[i], "benign", "corpus-name", nil)
		if s != nil && ext == "pst" {
			s.expect, s.why = "suspicious", "PST outside a mailbox database (benign content): "+f.why
		}
	}
}
