package iisconfig

import "strconv"

// Caps. IIS's own files are small (a busy applicationHost.config is well under 1 MiB, a web.config
// a few KiB), so anything near these limits was made by someone on purpose; the caps only have
// to keep a hostile file from using unbounded memory or time.
const (
	// MaxInputSize is the largest file the parsers read; larger input is refused with an error.
	MaxInputSize = 32 << 20
	// MaxItems bounds how many items of each kind (sites, applications, virtual directories,
	// bindings, rewrite rules, conditions, handlers, build providers, removals, locations) are
	// kept. What lies beyond is counted in Dropped, not kept, and is not an error.
	MaxItems = 10000
	// MaxDepth bounds element nesting. Real configuration files nest less than 20 deep; deeper
	// input is refused with an error (what was read before is returned with it).
	MaxDepth = 1000
	// maxProblems bounds the problems kept for one rule or handler.
	maxProblems = 8
)

// Sections are what both kinds of file hold, at the top level and in every <location>, in
// document order; each item says where it was written.
type Sections struct {
	// Rewrite holds the URL Rewrite rules (<rewrite><rules>, and in applicationHost.config
	// <rewrite><globalRules>). Mitigations reads this.
	Rewrite []RewriteRule
	// Handlers holds the handler mappings (<system.webServer><handlers> and
	// <system.web><httpHandlers>).
	Handlers []Handler
	// BuildProviders holds <system.web><compilation><buildProviders> entries: with a handler
	// mapping they make a file extension compile as a page.
	BuildProviders []BuildProvider
	// Removals are the <clear/> and <remove/> entries of those collections.
	Removals []Removal
	// Locations lists the <location> sections that held rules, handlers, build providers or
	// removals.
	Locations []Location
	// Dropped counts what was not kept because of MaxItems.
	Dropped Dropped
}

// AppHost is what ParseAppHost read from an applicationHost.config.
type AppHost struct {
	Sites []Site
	// DefaultLogDirectory is <sites><siteDefaults><logFile directory>, as written; "" when
	// absent (IIS then uses %SystemDrive%\inetpub\logs\LogFiles).
	DefaultLogDirectory string
	// DefaultAppPool is <sites><applicationDefaults applicationPool>, as written.
	DefaultAppPool string
	Sections
}

// Site is one <site> of applicationHost.config.
type Site struct {
	Name string
	ID   string // as written
	Line int    // line where the <site> start tag ends
	// LogDirectory is the site's own <logFile directory>, as written; "" when it has none.
	LogDirectory string
	Bindings     []Binding
	Apps         []Application
}

// Binding is one <binding> of a site, as written.
type Binding struct {
	Protocol           string
	BindingInformation string // "*:443:mail.contoso.com"
	Line               int
}

// Application is one <application> of a site.
type Application struct {
	Path            string // "/owa"
	ApplicationPool string // as written; "" means the applicationDefaults pool
	Line            int
	VDirs           []VirtualDirectory
}

// VirtualDirectory is one <virtualDirectory> of an application.
type VirtualDirectory struct {
	Path         string // relative to the application: "/" is the application's own folder
	PhysicalPath string // as written: "%SystemDrive%\inetpub\wwwroot"; see ResolvePath
	Line         int
}

// SiteLogDirectory is the folder a site logs to, as written: the site's own <logFile directory>,
// else the siteDefaults one, else IIS's built-in default. IIS writes the files of site id N in
// its W3SVC<N> subfolder.
func (a *AppHost) SiteLogDirectory(s Site) string {
	switch {
	case s.LogDirectory != "":
		return s.LogDirectory
	case a != nil && a.DefaultLogDirectory != "":
		return a.DefaultLogDirectory
	}
	return `%SystemDrive%\inetpub\logs\LogFiles`
}

// WebConfig is what ParseWebConfig read from a web.config.
type WebConfig struct {
	Sections
}

// Location is one <location path="..."> section.
type Location struct {
	Path string // as written
	Line int
}

// Scope says where in a file an item was written.
type Scope struct {
	// InLocation is true for items inside a <location> section; Location is its path as
	// written ("" and "." both mean the level of the file itself).
	InLocation bool
	Location   string
	// Section is the configuration section: "system.webServer/rewrite/rules",
	// "system.webServer/rewrite/globalRules", "system.webServer/handlers",
	// "system.web/httpHandlers" or "system.web/compilation/buildProviders".
	Section string
	Line    int // line where the item's start tag ends (where encoding/xml finished reading it)
}

// Where is the scope in words, for a report: `location "Default Web Site": system.webServer/rewrite/rules`.
func (s Scope) Where() string {
	if !s.InLocation {
		return s.Section
	}
	return "location " + strconv.Quote(s.Location) + ": " + s.Section
}

// RewriteRule is one URL Rewrite <rule>. Attribute values are kept as written; booleans are
// parsed with IIS's defaults.
type RewriteRule struct {
	Scope
	Name           string
	Enabled        bool   // default true
	StopProcessing bool   // default false
	PatternSyntax  string // as written; "" means ECMAScript, the default
	Global         bool   // from <globalRules> (applicationHost.config), which run before site rules
	Match          Match
	Conditions     Conditions
	Action         Action
	// RemovedAt is the line of a later <clear/> or <remove name=.../> in the same collection
	// that takes this rule out; 0 when the rule stays in force.
	RemovedAt int
	// Problems are reasons IIS would refuse the configuration (an unparsable boolean, a
	// duplicate name or element). IIS then answers every request of the scope with an error.
	Problems []string
}

// Match is a rule's <match>.
type Match struct {
	URL        string
	Negate     bool // default false
	IgnoreCase bool // default true
	Written    bool // false when the rule has no <match> element (IIS refuses such a rule)
}

// Conditions is a rule's <conditions>.
type Conditions struct {
	LogicalGrouping string // as written; "" means MatchAll, the default
	Items           []Condition
}

// Condition is one <conditions><add>.
type Condition struct {
	Input      string // "{HTTP_COOKIE}"
	Pattern    string
	Negate     bool   // default false
	IgnoreCase bool   // default true
	MatchType  string // as written; "" means Pattern, the default (IsFile, IsDirectory)
	Line       int
}

// Action is a rule's <action>.
type Action struct {
	Type              string // as written; "" means None, the default
	URL               string
	StatusCode        string // as written
	SubStatusCode     string
	StatusReason      string
	StatusDescription string
	RedirectType      string
}

// Handler is one handler mapping: a <system.webServer><handlers><add> or a
// <system.web><httpHandlers><add> (Scope.Section says which; httpHandlers have no name).
type Handler struct {
	Scope
	Name            string
	Path            string // "*.aspx"
	Verb            string
	Type            string // managed handler type: "System.Web.UI.PageHandlerFactory"
	Modules         string // native modules: "IsapiModule"
	ScriptProcessor string // "%windir%\system32\inetsrv\asp.dll"
	ResourceType    string
	PreCondition    string
	RequireAccess   string
	// AccessPolicy is the enclosing <handlers accessPolicy>: "Read, Script, Write" lets
	// handlers that need write or execute access run.
	AccessPolicy string
	RemovedAt    int // as for RewriteRule
	Problems     []string
}

// BuildProvider is one <buildProviders><add>: an extension compiled by a build provider
// (System.Web.Compilation.PageBuildProvider compiles files as pages).
type BuildProvider struct {
	Scope
	Extension string
	Type      string
	RemovedAt int
}

// Removal is a <clear/> or <remove/> in one of the collections read. Within the same collection
// it takes out earlier entries (their RemovedAt is set); it also takes out entries inherited
// from higher levels (applicationHost.config, a parent web.config), which a hunt may want to
// know: a <clear/> in a site's web.config drops server-level mitigation rules.
type Removal struct {
	Scope
	Clear bool   // <clear/>; otherwise <remove/>
	Key   string // <remove>'s key: name (rules, handlers), path and verb (httpHandlers), extension
}

// Dropped counts items not kept because of MaxItems. The children of an item that was not kept
// (the applications of a dropped site, the conditions of a dropped rule) are not counted.
type Dropped struct {
	Sites, Applications, VirtualDirectories, Bindings int
	Rules, Conditions, Handlers, BuildProviders       int
	Removals, Locations                               int
}

// Any reports whether anything was dropped.
func (d Dropped) Any() bool { return d != Dropped{} }
