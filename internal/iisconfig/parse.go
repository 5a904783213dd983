package iisconfig

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Errors a caller may want to tell apart (use errors.Is).
var (
	// ErrTooLarge: the input is larger than MaxInputSize. Nothing is parsed.
	ErrTooLarge = errors.New("iisconfig: input larger than 32 MiB")
	// ErrEncoding: the file declares an encoding other than UTF-8 or UTF-16, or its UTF-16 is
	// cut in half. IIS itself only writes UTF-8 (sometimes with a byte order mark).
	ErrEncoding = errors.New("iisconfig: unsupported encoding")
	// ErrNotConfiguration: the root element is not <configuration>; IIS refuses such a file.
	ErrNotConfiguration = errors.New("iisconfig: root element is not <configuration>")
)

// SyntaxError says where the XML is broken (or too deep, or holds a second root element).
type SyntaxError struct {
	Line int // 1-based
	// Offset is the byte offset in the text as read; for UTF-16 input that is the UTF-8 text it
	// was converted to, so Line is the better guide there.
	Offset int64
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("iisconfig: line %d (byte %d): %s", e.Line, e.Offset, e.Msg)
}

// ParseAppHost reads an applicationHost.config: sites with their bindings, applications,
// virtual directories and log folders, the site defaults, and the URL Rewrite rules and handler
// mappings of the top level and of <location> sections.
//
// Errors: input over MaxInputSize or in an unsupported encoding gives a nil *AppHost and an
// error (ErrTooLarge, ErrEncoding). Broken XML gives a *SyntaxError together with a non-nil
// *AppHost holding every item whose start tag was read before the damage: a damaged or
// tampered file still tells which folders were served. A file whose root is not
// <configuration> gives ErrNotConfiguration and an empty *AppHost. Items beyond MaxItems are
// counted in Dropped, which is not an error.
func ParseAppHost(data []byte) (*AppHost, error) {
	p, err := parse(data, true)
	if p == nil {
		return nil, err
	}
	return &AppHost{Sites: p.sites, DefaultLogDirectory: p.defaultLogDir, DefaultAppPool: p.defaultAppPool, Sections: p.sections()}, err
}

// ParseWebConfig reads a web.config: the inbound URL Rewrite rules, handler mappings
// (system.webServer/handlers and system.web/httpHandlers) and build providers of the top level
// and of <location> sections. Sites (system.applicationHost) are not read: IIS only honours them
// in applicationHost.config.
//
// Errors behave as for ParseAppHost: nil result for ErrTooLarge and ErrEncoding, partial result
// with a *SyntaxError for broken XML.
func ParseWebConfig(data []byte) (*WebConfig, error) {
	p, err := parse(data, false)
	if p == nil {
		return nil, err
	}
	return &WebConfig{Sections: p.sections()}, err
}

func (p *parser) sections() Sections {
	return Sections{Rewrite: p.rewrite, Handlers: p.handlers, BuildProviders: p.buildProviders, Removals: p.removals, Locations: p.locations, Dropped: p.dropped}
}

// toUTF8 returns the input as UTF-8 text: a UTF-8 byte order mark is dropped, UTF-16 (with a
// byte order mark, or without one when the text starts with '<' as the XML specification's
// autodetection allows) is converted. half is true when UTF-16 input has an odd byte at its end.
func toUTF8(data []byte) (text []byte, wasUTF16, half bool) {
	var bigEndian bool
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], false, false
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		data = data[2:]
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		data, bigEndian = data[2:], true
	case len(data) >= 2 && data[0] == '<' && data[1] == 0:
	case len(data) >= 2 && data[0] == 0 && data[1] == '<':
		bigEndian = true
	default:
		return data, false, false
	}
	half = len(data)%2 == 1
	out := make([]byte, 0, len(data)/2*3/2+8)
	unit := func(i int) uint16 {
		if bigEndian {
			return uint16(data[i])<<8 | uint16(data[i+1])
		}
		return uint16(data[i+1])<<8 | uint16(data[i])
	}
	for i := 0; i+1 < len(data); i += 2 {
		u := unit(i)
		r := rune(u)
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError
			if u < 0xDC00 && i+3 < len(data) {
				if u2 := unit(i + 2); u2 >= 0xDC00 && u2 <= 0xDFFF {
					r = utf16.DecodeRune(rune(u), rune(u2))
					i += 2
				}
			}
		}
		out = utf8.AppendRune(out, r)
	}
	return out, true, half
}

// acceptedEncoding reports whether a declared encoding is one this package reads. The text has
// already been converted to UTF-8 by toUTF8, so a UTF-16 declaration needs no further work; a
// UTF-16 declaration on 8-bit text is read as UTF-8 (.NET would refuse it, but the content is
// still worth reading).
func acceptedEncoding(label string) bool {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "unicode":
		return true
	}
	return false
}

// parser holds the state of one parse: results, the element stack and what is open.
type parser struct {
	d       *xml.Decoder
	appHost bool
	stack   []string

	sites          []Site
	defaultLogDir  string
	defaultAppPool string
	rewrite        []RewriteRule
	handlers       []Handler
	buildProviders []BuildProvider
	removals       []Removal
	locations      []Location
	dropped        Dropped
	nApps, nVDirs  int
	nBindings      int
	nConditions    int

	// Open items, as indexes (slices move when they grow) and the depth they were opened at.
	site, siteDepth int
	app, appDepth   int
	rule, ruleDepth int

	inLoc              bool
	locPath            string
	locLine, locDepth  int
	locListed          bool
	collKeys           map[string][]int // key -> indexes in the slice, for the open collection
	collSection        string
	collDepth          int
	accessPolicy       string
	sawRoot, rootEnded bool
}

func parse(data []byte, appHost bool) (*parser, error) {
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(data))
	}
	text, wasUTF16, half := toUTF8(data)
	var badEnc string
	d := xml.NewDecoder(bytes.NewReader(text))
	d.Strict = true
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if acceptedEncoding(label) {
			return r, nil
		}
		badEnc = label
		return nil, ErrEncoding
	}
	p := &parser{d: d, appHost: appHost, site: -1, app: -1, rule: -1}
	err := p.run()
	if badEnc != "" {
		line, _ := d.InputPos()
		return nil, fmt.Errorf("%w: declared encoding %q (line %d); only UTF-8 and UTF-16 are read", ErrEncoding, badEnc, line)
	}
	if err == nil && half {
		err = fmt.Errorf("%w: UTF-16 text ends in half a character (truncated file?)", ErrEncoding)
	}
	if err != nil && wasUTF16 {
		err = fmt.Errorf("%w (the file is UTF-16, converted to UTF-8 for reading)", err)
	}
	return p, err
}

func (p *parser) errAt(format string, args ...any) error {
	line, _ := p.d.InputPos()
	return &SyntaxError{Line: line, Offset: p.d.InputOffset(), Msg: fmt.Sprintf(format, args...)}
}

// run reads tokens to the end. Only start and end tags matter; text, comments, processing
// instructions and directives (a DOCTYPE) are skipped. encoding/xml expands no custom entities:
// an entity reference other than the five predefined ones is a syntax error, so entity-expansion
// bombs end in an error, not in work.
func (p *parser) run() error {
	for {
		tok, err := p.d.Token()
		if err == io.EOF {
			if !p.sawRoot {
				return p.errAt("no <configuration> element")
			}
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &SyntaxError{Line: se.Line, Offset: p.d.InputOffset(), Msg: strings.TrimPrefix(se.Msg, "xml: ")}
			}
			return p.errAt("%v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(p.stack) == 0 {
				if p.sawRoot {
					return p.errAt("second root element <%s> after </configuration>", clip(t.Name.Local))
				}
				p.sawRoot = true
				if t.Name.Local != "configuration" {
					line, _ := p.d.InputPos()
					return fmt.Errorf("%w: <%s> at line %d", ErrNotConfiguration, clip(t.Name.Local), line)
				}
			}
			if len(p.stack) >= MaxDepth {
				return p.errAt("elements nested more than %d deep", MaxDepth)
			}
			p.stack = append(p.stack, t.Name.Local)
			p.start(t)
		case xml.EndElement:
			p.end()
			p.stack = p.stack[:len(p.stack)-1]
		case xml.CharData:
			if len(p.stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return p.errAt("text outside the root element")
			}
		}
	}
}

// clip shortens a name for an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// attr is the value of an attribute without namespace prefix (prefixed ones, such as the
// xdt:Transform of configuration transforms, are not IIS's). The first one wins when repeated.
func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func hasAttr(t xml.StartElement, name string) bool {
	for _, a := range t.Attr {
		if a.Name.Space == "" && a.Name.Local == name {
			return true
		}
	}
	return false
}

// boolAttr parses an IIS boolean (true/false in any case). A missing attribute is the default;
// an unparsable one is the default plus a problem, because IIS refuses the whole file then.
func boolAttr(t xml.StartElement, name string, def bool, problems *[]string) bool {
	if !hasAttr(t, name) {
		return def
	}
	v := strings.TrimSpace(attr(t, name))
	switch {
	case strings.EqualFold(v, "true"):
		return true
	case strings.EqualFold(v, "false"):
		return false
	}
	addProblem(problems, fmt.Sprintf("%s=%q is not a boolean (IIS refuses the configuration)", name, clip(v)))
	return def
}

func addProblem(problems *[]string, msg string) {
	if len(*problems) < maxProblems {
		*problems = append(*problems, msg)
	}
}

// rel is the element path below the scope (the file's top level or a <location>), or nil when
// the open element is the root or a <location> itself.
func (p *parser) rel() []string {
	s := p.stack
	if len(s) >= 2 && s[1] == "location" {
		return s[2:]
	}
	return s[1:]
}

func is(rel []string, names ...string) bool {
	if len(rel) != len(names) {
		return false
	}
	for i := range names {
		if rel[i] != names[i] {
			return false
		}
	}
	return true
}

func (p *parser) line() int {
	line, _ := p.d.InputPos()
	return line
}

func (p *parser) scope(section string) Scope {
	return Scope{InLocation: p.inLoc, Location: p.locPath, Section: section, Line: p.line()}
}

// carried notes that the open <location> holds something worth listing.
func (p *parser) carried() {
	if !p.inLoc || p.locListed {
		return
	}
	p.locListed = true
	if len(p.locations) >= MaxItems {
		p.dropped.Locations++
		return
	}
	p.locations = append(p.locations, Location{Path: p.locPath, Line: p.locLine})
}

func (p *parser) start(t xml.StartElement) {
	depth := len(p.stack)
	if depth == 2 && t.Name.Local == "location" {
		p.inLoc, p.locPath, p.locLine, p.locDepth, p.locListed = true, attr(t, "path"), p.line(), depth, false
		return
	}
	rel := p.rel()
	if len(rel) == 0 {
		return
	}
	switch {
	case len(rel) >= 3 && rel[0] == "system.webServer" && rel[1] == "rewrite" && (rel[2] == "rules" || rel[2] == "globalRules"):
		p.startRewrite(t, rel, depth)
	case len(rel) >= 2 && rel[0] == "system.webServer" && rel[1] == "handlers":
		p.startHandlers(t, rel, depth, "system.webServer/handlers")
	case len(rel) >= 2 && rel[0] == "system.web" && rel[1] == "httpHandlers":
		p.startHandlers(t, rel, depth, "system.web/httpHandlers")
	case len(rel) >= 3 && rel[0] == "system.web" && rel[1] == "compilation" && rel[2] == "buildProviders":
		p.startBuildProviders(t, rel, depth)
	case p.appHost && !p.inLoc && len(rel) >= 3 && rel[0] == "system.applicationHost" && rel[1] == "sites":
		p.startSites(t, rel[2:], depth)
	}
}

func (p *parser) end() {
	depth := len(p.stack)
	switch depth {
	case p.ruleDepth:
		p.rule, p.ruleDepth = -1, 0
	case p.appDepth:
		p.app, p.appDepth = -1, 0
	case p.siteDepth:
		p.site, p.siteDepth, p.app, p.appDepth = -1, 0, -1, 0
	case p.collDepth:
		p.collKeys, p.collSection, p.collDepth, p.accessPolicy = nil, "", 0, ""
	case p.locDepth:
		p.inLoc, p.locPath, p.locDepth = false, "", 0
	}
}

// openCollection starts a collection element (<rules>, <handlers>, ...): <clear/> and <remove/>
// inside it act on what it has listed so far.
func (p *parser) openCollection(section string, depth int) {
	p.collSection, p.collDepth, p.collKeys = section, depth, map[string][]int{}
}

// removal records a <clear/> or <remove/> and marks what it takes out of the open collection.
// mark is called with the index of each item taken out.
func (p *parser) removal(all bool, key string, mark func(i int)) {
	line := p.line()
	if all {
		for _, is := range p.collKeys {
			for _, i := range is {
				mark(i)
			}
		}
		clear(p.collKeys)
	} else {
		for _, i := range p.collKeys[strings.ToLower(key)] {
			mark(i)
		}
		delete(p.collKeys, strings.ToLower(key))
	}
	if len(p.removals) >= MaxItems {
		p.dropped.Removals++
		return
	}
	p.carried()
	s := p.scope(p.collSection)
	s.Line = line
	p.removals = append(p.removals, Removal{Scope: s, Clear: all, Key: key})
}

// addKey registers an item's key in the open collection; a repeated key is a problem.
func (p *parser) addKey(key string, i int, problems *[]string) {
	if p.collKeys == nil {
		return
	}
	k := strings.ToLower(key)
	if len(p.collKeys[k]) > 0 {
		addProblem(problems, fmt.Sprintf("duplicate entry %q in %s (IIS refuses the configuration)", clip(key), p.collSection))
	}
	p.collKeys[k] = append(p.collKeys[k], i)
}

func (p *parser) startRewrite(t xml.StartElement, rel []string, depth int) {
	section := "system.webServer/rewrite/" + rel[2]
	name := t.Name.Local
	switch len(rel) {
	case 3:
		p.openCollection(section, depth)
		return
	case 4:
		if p.collDepth != depth-1 {
			return
		}
		switch name {
		case "clear", "remove":
			p.removal(name == "clear", attr(t, "name"), func(i int) {
				if p.rewrite[i].RemovedAt == 0 {
					p.rewrite[i].RemovedAt = p.line()
				}
			})
		case "rule":
			if len(p.rewrite) >= MaxItems {
				p.dropped.Rules++
				return
			}
			r := RewriteRule{Scope: p.scope(section), Name: attr(t, "name"), PatternSyntax: attr(t, "patternSyntax"), Global: rel[2] == "globalRules"}
			r.Enabled = boolAttr(t, "enabled", true, &r.Problems)
			r.StopProcessing = boolAttr(t, "stopProcessing", false, &r.Problems)
			r.Match.IgnoreCase = true
			p.addKey(r.Name, len(p.rewrite), &r.Problems)
			p.carried()
			p.rewrite = append(p.rewrite, r)
			p.rule, p.ruleDepth = len(p.rewrite)-1, depth
		}
		return
	}
	if p.rule < 0 {
		return // children of a rule dropped by MaxItems, or of no rule
	}
	r := &p.rewrite[p.rule]
	switch {
	case len(rel) == 5 && name == "match":
		if r.Match.Written {
			addProblem(&r.Problems, "more than one <match> (IIS refuses the configuration)")
			return
		}
		r.Match = Match{URL: attr(t, "url"), Written: true}
		r.Match.Negate = boolAttr(t, "negate", false, &r.Problems)
		r.Match.IgnoreCase = boolAttr(t, "ignoreCase", true, &r.Problems)
	case len(rel) == 5 && name == "conditions":
		r.Conditions.LogicalGrouping = attr(t, "logicalGrouping")
	case len(rel) == 5 && name == "action":
		r.Action = Action{
			Type: attr(t, "type"), URL: attr(t, "url"), StatusCode: attr(t, "statusCode"),
			SubStatusCode: attr(t, "subStatusCode"), StatusReason: attr(t, "statusReason"),
			StatusDescription: attr(t, "statusDescription"), RedirectType: attr(t, "redirectType"),
		}
	case len(rel) == 6 && rel[4] == "conditions" && name == "add":
		if p.nConditions >= MaxItems {
			p.dropped.Conditions++
			return
		}
		p.nConditions++
		c := Condition{Input: attr(t, "input"), Pattern: attr(t, "pattern"), MatchType: attr(t, "matchType"), Line: p.line()}
		c.Negate = boolAttr(t, "negate", false, &r.Problems)
		c.IgnoreCase = boolAttr(t, "ignoreCase", true, &r.Problems)
		r.Conditions.Items = append(r.Conditions.Items, c)
	}
}

func (p *parser) startHandlers(t xml.StartElement, rel []string, depth int, section string) {
	switch len(rel) {
	case 2:
		p.openCollection(section, depth)
		p.accessPolicy = attr(t, "accessPolicy")
		return
	case 3:
	default:
		return
	}
	if p.collDepth != depth-1 {
		return
	}
	// system.webServer/handlers entries are keyed by name; httpHandlers by path and verb.
	key := func(t xml.StartElement) string {
		if section == "system.web/httpHandlers" {
			return attr(t, "path") + "|" + attr(t, "verb")
		}
		return attr(t, "name")
	}
	switch t.Name.Local {
	case "clear", "remove":
		p.removal(t.Name.Local == "clear", key(t), func(i int) {
			if p.handlers[i].RemovedAt == 0 {
				p.handlers[i].RemovedAt = p.line()
			}
		})
	case "add":
		if len(p.handlers) >= MaxItems {
			p.dropped.Handlers++
			return
		}
		h := Handler{
			Scope: p.scope(section), Name: attr(t, "name"), Path: attr(t, "path"), Verb: attr(t, "verb"),
			Type: attr(t, "type"), Modules: attr(t, "modules"), ScriptProcessor: attr(t, "scriptProcessor"),
			ResourceType: attr(t, "resourceType"), PreCondition: attr(t, "preCondition"),
			RequireAccess: attr(t, "requireAccess"), AccessPolicy: p.accessPolicy,
		}
		p.addKey(key(t), len(p.handlers), &h.Problems)
		p.carried()
		p.handlers = append(p.handlers, h)
	}
}

func (p *parser) startBuildProviders(t xml.StartElement, rel []string, depth int) {
	const section = "system.web/compilation/buildProviders"
	switch len(rel) {
	case 3:
		p.openCollection(section, depth)
		return
	case 4:
	default:
		return
	}
	if p.collDepth != depth-1 {
		return
	}
	switch t.Name.Local {
	case "clear", "remove":
		p.removal(t.Name.Local == "clear", attr(t, "extension"), func(i int) {
			if p.buildProviders[i].RemovedAt == 0 {
				p.buildProviders[i].RemovedAt = p.line()
			}
		})
	case "add":
		if len(p.buildProviders) >= MaxItems {
			p.dropped.BuildProviders++
			return
		}
		var ignored []string
		p.addKey(attr(t, "extension"), len(p.buildProviders), &ignored)
		p.carried()
		p.buildProviders = append(p.buildProviders, BuildProvider{Scope: p.scope(section), Extension: attr(t, "extension"), Type: attr(t, "type")})
	}
}

// startSites handles elements below <system.applicationHost><sites>; rel starts below <sites>.
func (p *parser) startSites(t xml.StartElement, rel []string, depth int) {
	switch {
	case is(rel, "site"):
		if len(p.sites) >= MaxItems {
			p.dropped.Sites++
			return
		}
		p.sites = append(p.sites, Site{Name: attr(t, "name"), ID: attr(t, "id"), Line: p.line()})
		p.site, p.siteDepth, p.app, p.appDepth = len(p.sites)-1, depth, -1, 0
	case is(rel, "siteDefaults", "logFile"):
		p.defaultLogDir = attr(t, "directory")
	case is(rel, "applicationDefaults"):
		p.defaultAppPool = attr(t, "applicationPool")
	case p.site < 0:
	case is(rel, "site", "bindings", "binding"):
		if p.nBindings >= MaxItems {
			p.dropped.Bindings++
			return
		}
		p.nBindings++
		s := &p.sites[p.site]
		s.Bindings = append(s.Bindings, Binding{Protocol: attr(t, "protocol"), BindingInformation: attr(t, "bindingInformation"), Line: p.line()})
	case is(rel, "site", "logFile"):
		p.sites[p.site].LogDirectory = attr(t, "directory")
	case is(rel, "site", "application"):
		if p.nApps >= MaxItems {
			p.dropped.Applications++
			return
		}
		p.nApps++
		s := &p.sites[p.site]
		s.Apps = append(s.Apps, Application{Path: attr(t, "path"), ApplicationPool: attr(t, "applicationPool"), Line: p.line()})
		p.app, p.appDepth = len(s.Apps)-1, depth
	case is(rel, "site", "application", "virtualDirectory") && p.app >= 0:
		if p.nVDirs >= MaxItems {
			p.dropped.VirtualDirectories++
			return
		}
		p.nVDirs++
		a := &p.sites[p.site].Apps[p.app]
		a.VDirs = append(a.VDirs, VirtualDirectory{Path: attr(t, "path"), PhysicalPath: attr(t, "physicalPath"), Line: p.line()})
	}
}
