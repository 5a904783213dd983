package finding

// Plan is what the owner of one host should do next, in order, as a checklist: contain, remove
// the backdoors, patch (or mitigate while patching must wait), undo what the intruders changed,
// reset credentials, and what to check afterwards. It is computed from a HostResult alone, so a
// hunt's JSON report is enough to print it again anywhere.
type Plan struct {
	Host    string  `json:"host"`
	Verdict Verdict `json:"verdict"`
	// Headline is the verdict in plain words for the top of the page: what happened, and the one
	// thing to do first.
	Headline string         `json:"headline"`
	Builds   []InstallBuild `json:"builds,omitempty"`
	Sections []PlanSection  `json:"sections"`
}

// PlanSection is one stage of the plan.
type PlanSection struct {
	ID    string     `json:"id"` // contain, remove, patch, mitigate, undo, credentials, check
	Title string     `json:"title"`
	Why   string     `json:"why,omitempty"`
	Tasks []PlanTask `json:"tasks"`
}

// PlanTask is one thing to do, with the commands that do it and the findings that call for it.
type PlanTask struct {
	Text     string    `json:"text"`
	Why      string    `json:"why,omitempty"`
	Done     bool      `json:"done,omitempty"`  // already done (a file this run quarantined)
	Paths    []string  `json:"paths,omitempty"` // files it is about (attacker-named: show as text)
	Rules    []string  `json:"rules,omitempty"` // rule ids of the findings that call for it
	Commands []Command `json:"commands,omitempty"`
}

// Command is a ready command or configuration fragment.
type Command struct {
	Lang  string `json:"lang"` // powershell, cmd, xml, shell
	Title string `json:"title,omitempty"`
	Text  string `json:"text"`
}

// InstallBuild is the exact build of one Exchange install, read from the disk.
type InstallBuild struct {
	Install string `json:"install"`         // <EX>, root-relative
	Build   string `json:"build,omitempty"` // 15.1.2176.2; "" when nothing on disk tells it
	Source  string `json:"source"`          // where it was read: "Bin/ExSetup.exe version resource", ...
	Note    string `json:"note,omitempty"`  // how far to trust it, or why there is none
}
