package finding

import "time"

// ReportSchema is the version of the JSON report format. Bump it when a field changes meaning
// or disappears; adding a field does not need a bump.
const ReportSchema = 1

// Report is what a hunt produces: one entry per host examined.
type Report struct {
	Schema    int          `json:"schema"`
	Tool      string       `json:"tool"`
	Version   string       `json:"version"`
	RulePack  string       `json:"rule_pack"`
	Generated time.Time    `json:"generated"`
	Hosts     []HostResult `json:"hosts"`
}

// HostResult is the verdict for one host with everything that supports it.
type HostResult struct {
	Host     string    `json:"host"` // computer name when the logs tell it, else the root
	Root     string    `json:"root"`
	Verdict  Verdict   `json:"verdict"`
	Reason   string    `json:"reason"`  // the verdict in one sentence
	Partial  bool      `json:"partial"` // some input could not be read: see problems
	Since    time.Time `json:"since,omitzero"`
	Until    time.Time `json:"until,omitzero"`
	Installs []string  `json:"exchange_installs"`
	// WebFolders are the folders IIS serves that the tree holds (sites, applications and
	// virtual directories of applicationHost.config), root-relative: no quarantine goes there.
	WebFolders []string `json:"web_folders,omitempty"`
	// Builds are the exact build of each install, read from the disk (ExSetup.exe's version):
	// what the remediation plan's updates are chosen by.
	Builds    []InstallBuild `json:"exchange_builds,omitempty"`
	Windows   []Window       `json:"windows"`
	Warnings  []string       `json:"warnings,omitempty"`
	Incidents []Incident     `json:"incidents"`
	Findings  []Finding      `json:"findings,omitzero"` // [] when none; left out only of JSON-lines host records
	Problems  []Problem      `json:"problems"`
	// Mitigations are Microsoft's URL Rewrite mitigations found in the Default Web Site's
	// web.config: what protects a server whose patching must wait.
	Mitigations []ConfigMitigation `json:"mitigations,omitempty"`
	// WebFiles are the files in web folders created (or, where the file system keeps no creation
	// time, modified) since 2021-01-01, earliest first, whether or not a rule fired: the window
	// a responder eyeballs. At most the latest 10,000.
	WebFiles []FileEntry `json:"web_files,omitempty"`
	// RulesSkipped are loaded rules (Sigma) that cannot be evaluated, each with the reason.
	RulesSkipped []SkippedRule `json:"rules_skipped,omitempty"`
	Stats        Stats         `json:"stats"`
}

// ConfigMitigation is one URL Rewrite mitigation read from the server's configuration, and
// whether it is in force.
type ConfigMitigation struct {
	Family string   `json:"family"` // ProxyLogon, ProxyNotShell
	Status string   `json:"status"` // present, partial, disabled
	Rules  []string `json:"rules,omitempty"`
	Where  string   `json:"where"`
	Notes  []string `json:"notes,omitempty"` // why partial or disabled; known weaknesses
}

// FileEntry is one file of a web folder, for the timeline.
type FileEntry struct {
	Path     string    `json:"path"`
	Place    string    `json:"place"`
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified,omitzero"`
	Created  time.Time `json:"created,omitzero"`
	SHA256   string    `json:"sha256,omitempty"`
	Rules    []string  `json:"rules,omitempty"` // rules that fired on it
}

// Time is when the file appeared: its creation time where the file system keeps one (a
// modification time is easily set back), else its modification time.
func (e FileEntry) Time() time.Time {
	if !e.Created.IsZero() {
		return e.Created
	}
	return e.Modified
}

// SkippedRule is a rule that was read but cannot be evaluated, and why: listed, never silently
// dropped.
type SkippedRule struct {
	Path   string `json:"path"`
	Line   int    `json:"line,omitempty"`
	Title  string `json:"title,omitempty"`
	Reason string `json:"reason"`
}

// Window is how far one source's logs reach: the hunt can only vouch for that time.
type Window struct {
	Source string    `json:"source"`
	Files  int       `json:"files"`
	Bytes  int64     `json:"bytes"`
	First  time.Time `json:"first,omitzero"`
	Last   time.Time `json:"last,omitzero"`
	Days   float64   `json:"days"`
	Gaps   []Gap     `json:"gaps,omitempty"`
}

// Gap is a stretch of time no file of a source covers.
type Gap struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Incident groups findings that belong to one intrusion attempt: the same client within a time
// window, or one chain (a virtual directory set, then reset).
type Incident struct {
	ID         int       `json:"id"`
	Verdict    Verdict   `json:"verdict"`
	Severity   Severity  `json:"severity"`
	Summary    string    `json:"summary"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	ClientIPs  []string  `json:"client_ips"`
	UserAgents []string  `json:"user_agents,omitempty"`
	Rules      []string  `json:"rules"`
	CVEs       []string  `json:"cves,omitempty"`
	Findings   int       `json:"findings"`
	Evidence   []string  `json:"evidence"` // file:line of the rows that prove it (capped)
}

// Stats measure the work done.
type Stats struct {
	Files      int   `json:"files"`
	Bytes      int64 `json:"bytes"`
	Lines      int64 `json:"lines"`
	Candidates int64 `json:"candidate_rows"`
	Suppressed int64 `json:"suppressed_findings"` // repeats beyond the per-rule, per-client cap
	// The file part: files looked at, files opened and read, bytes read.
	FilesExamined int   `json:"files_examined"`
	FilesRead     int   `json:"files_read"`
	FileBytes     int64 `json:"file_bytes"`
	// The event part: EVTX and exported-JSON files read, events read.
	EventFiles  int           `json:"event_files"`
	Events      int64         `json:"events"`
	SigmaRules  int           `json:"sigma_rules,omitempty"`
	Duration    time.Duration `json:"duration_ns"`
	RulesLoaded int           `json:"rules"`
}
