// Package remedy turns a hunt's result into the plan the owner of the server follows: which
// files to quarantine and which Exchange pages to restore, which update to install (from the
// exact build read from the disk and the build catalog), the IIS rewrite mitigations while
// patching must wait, the virtual directory settings to reset, the credentials to change, and
// what to check afterwards. It only computes: nothing here touches a disk or a network, so the
// same plan comes out of a live hunt and of a report read a month later on another machine.
package remedy

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/finding"
)

// Options shape the plan.
type Options struct {
	// Report is the path of the hunt's JSON report, for the commands the plan prints
	// ("exsweep clean --from REPORT --apply"). Empty prints "report.json".
	Report string
	// Done are the paths (root-relative) already quarantined, marked done in the checklist.
	Done map[string]bool
	// Force is clean's --force: Exchange pages with code added are quarantined too.
	Force bool
	// Store is the quarantine folder clean uses, for the verify command ("" prints <DIR>).
	Store string
	// FromRoot: the plan comes from `exsweep clean --root` (no report file): its commands
	// name the root instead of a report.
	FromRoot bool
}

// Section ids, in the order the plan gives them.
const (
	SectionContain     = "contain"
	SectionRemove      = "remove"
	SectionPatch       = "patch"
	SectionMitigate    = "mitigate"
	SectionUndo        = "undo"
	SectionCredentials = "credentials"
	SectionCheck       = "check"
)

// Build computes the plan for one host.
func Build(res *finding.HostResult, cat *catalog.Catalog, opt Options) finding.Plan {
	if opt.Report == "" {
		opt.Report = "report.json"
	}
	p := finding.Plan{Host: res.Host, Verdict: res.Verdict, Builds: res.Builds}
	rules := ruleSet(res)
	files := Files(res, opt.Force)
	cred := credentialTheft(rules)
	code := codeExecution(rules, res)

	if res.Verdict == finding.Compromised {
		p.Sections = append(p.Sections, contain(res, code))
	}
	if s := remove(res, files, rules, opt); len(s.Tasks) > 0 {
		p.Sections = append(p.Sections, s)
	}
	patch, vulnerable := patchSection(res, cat)
	p.Sections = append(p.Sections, patch)
	if s := mitigate(res, vulnerable); len(s.Tasks) > 0 {
		p.Sections = append(p.Sections, s)
	}
	if s := undo(res, rules); len(s.Tasks) > 0 {
		p.Sections = append(p.Sections, s)
	}
	if cred || code {
		p.Sections = append(p.Sections, credentials(res, cred))
	}
	p.Sections = append(p.Sections, check(res, opt))
	var left []FileAction // what is still to do: files this run quarantined are done
	for _, a := range files {
		if !opt.Done[a.Path] {
			left = append(left, a)
		}
	}
	p.Headline = headline(res, files, left, patch, cred || code)
	return p
}

// ruleSet is every rule that fired, with the findings of each.
func ruleSet(res *finding.HostResult) map[string][]*finding.Finding {
	m := map[string][]*finding.Finding{}
	for i := range res.Findings {
		f := &res.Findings[i]
		m[f.RuleID] = append(m[f.RuleID], f)
	}
	return m
}

// credentialTheft: LSASS was dumped (a dump on disk, or the command that made one).
func credentialTheft(rules map[string][]*finding.Finding) bool {
	return len(rules["EXS-FILE-LSASS-DUMP"]) > 0 || len(rules["EXS-EVT-PROC-LSASS-DUMP"]) > 0
}

// codeExecution: the intruders ran code on the server (a web shell that exists or answered,
// a worker process starting shells), which means they could read every secret on it.
func codeExecution(rules map[string][]*finding.Finding, res *finding.HostResult) bool {
	if res.Verdict != finding.Compromised {
		return false
	}
	for id, fs := range rules {
		for _, f := range fs {
			if f.Supports != finding.SupportsCompromised {
				continue
			}
			if f.Source == "file" || strings.HasPrefix(id, "EXS-EVT-PROC-") || strings.Contains(id, "WEBSHELL") {
				return true
			}
		}
	}
	return false
}

// headline says the verdict in plain words and what is left to do (left: the flagged files
// not yet dealt with by this run).
func headline(res *finding.HostResult, files, left []FileAction, patch finding.PlanSection, creds bool) string {
	days := coveredDays(res)
	var first string
	if len(patch.Tasks) > 0 && !patch.Tasks[0].Done {
		first = patch.Tasks[0].Text
	}
	switch res.Verdict {
	case finding.Compromised:
		counts := map[ActionKind]int{}
		for _, a := range left {
			counts[a.Kind]++
		}
		s := "This server was broken into (the evidence is below). "
		var todo []string
		if n := counts[Quarantine]; n > 0 {
			todo = append(todo, fmt.Sprintf("remove the %d backdoor file(s)", n))
		}
		if n := counts[RestoreOriginal]; n > 0 {
			todo = append(todo, fmt.Sprintf("replace %d tampered Exchange page(s) with the original", n))
		}
		if n := counts[RevertConfig]; n > 0 {
			todo = append(todo, fmt.Sprintf("undo %d configuration change(s)", n))
		}
		switch {
		case len(todo) > 0:
			s += "To do, in order: " + strings.Join(todo, ", ") + ", "
		case len(files) == 0:
			s += "No backdoor file was found on the disk examined; to do: "
		default:
			s += "The backdoor files found are quarantined; to do: "
		}
		if patchNeeded(patch) {
			s += "install the updates"
		} else {
			s += "keep the server updated"
		}
		if creds {
			s += ", and reset the credentials named below: the intruders could read them"
		}
		s += "."
		for _, pr := range res.Problems {
			if pr.Kind == "too-many-findings" {
				s += " The report does not name everything the hunt matched (too many findings): after cleaning, hunt again and clean again until nothing is left."
				break
			}
		}
		return s
	case finding.Attempted:
		return fmt.Sprintf("Attackers tried to break into this server, and the logs show no sign that they succeeded in the %s they cover. %s", days, orPatched(first))
	case finding.Probed:
		return fmt.Sprintf("This server was only checked for the flaws (vulnerability probes) in the %s the logs cover. %s", days, orPatched(first))
	}
	return fmt.Sprintf("No trace of these attacks in the %s the logs cover. %s", days, orPatched(first))
}

// patchNeeded: some patch task is still to do.
func patchNeeded(patch finding.PlanSection) bool {
	for _, t := range patch.Tasks {
		if !t.Done {
			return true
		}
	}
	return false
}

func orPatched(first string) string {
	if first == "" {
		return "Keep the server updated."
	}
	return "First: " + strings.TrimSuffix(first, ".") + "."
}

// coveredDays says how far the web logs reach, in words.
func coveredDays(res *finding.HostResult) string {
	best := 0.0
	for _, w := range res.Windows {
		if w.Days > best && !strings.HasPrefix(w.Source, "events") {
			best = w.Days
		}
	}
	if best == 0 {
		for _, w := range res.Windows {
			if w.Days > best {
				best = w.Days
			}
		}
	}
	if best == 0 {
		return "(no) days"
	}
	return fmt.Sprintf("%.0f day(s)", max(best, 1))
}

func contain(res *finding.HostResult, code bool) finding.PlanSection {
	s := finding.PlanSection{
		ID:    SectionContain,
		Title: "Contain first",
		Why:   "Intruders who still have a way in add new backdoors while you remove the old ones. Keep the evidence: investigators, insurers and the police may need it.",
	}
	s.Tasks = append(s.Tasks, finding.PlanTask{
		Text: "Block Outlook on the web and the admin center from the internet (HTTPS to this server) until the backdoors are removed and the updates installed; mail flow (SMTP) can stay open.",
		Why:  "Every backdoor found here answers over HTTPS; closing the door stops their use while you clean.",
	})
	s.Tasks = append(s.Tasks, finding.PlanTask{
		Text: "Keep a copy of the evidence before changing anything: the hunt's report (--out), the logs it read, and if you can a disk image or snapshot of the server.",
		Why:  "Cleaning changes the disk. exsweep clean moves files into a hashed quarantine instead of deleting them, but logs roll over and get overwritten.",
		Commands: []finding.Command{{
			Lang: "shell", Title: "hunt again and keep every output", Text: "exsweep hunt --root " + shellArg(res.Root) + " --out evidence/",
		}},
	})
	if code {
		s.Tasks = append(s.Tasks, finding.PlanTask{
			Text: "Tell whoever runs your Active Directory, and consider calling incident response help: code ran on this server with SYSTEM rights.",
			Why:  "Exchange servers hold powerful rights in Active Directory; an intruder with SYSTEM on Exchange can often reach every account in the domain.",
		})
	}
	return s
}

func remove(res *finding.HostResult, files []FileAction, rules map[string][]*finding.Finding, opt Options) finding.PlanSection {
	s := finding.PlanSection{
		ID:    SectionRemove,
		Title: "Remove the backdoors",
		Why:   "Updates close the flaws but remove nothing the intruders planted: their web shells keep working on a fully patched server.",
	}
	var q []FileAction
	for _, a := range files {
		if a.Kind == Quarantine {
			q = append(q, a)
		}
	}
	if len(q) > 0 {
		t := finding.PlanTask{
			Text: fmt.Sprintf("Quarantine %d file(s): web shells and attacker files.", len(q)),
			Why:  "exsweep clean reads each file once, stores it hashed (SHA-256, SHA-1, MD5) and inert in the quarantine, verifies the copy, records it in a tamper-evident manifest, and only then removes the original. Nothing is deleted; every file can be restored bit for bit.",
			Commands: []finding.Command{
				{Lang: "shell", Title: "see exactly what would happen (dry run)", Text: "exsweep clean " + cleanSource(res, opt)},
				{Lang: "shell", Title: "do it", Text: "exsweep clean " + cleanSource(res, opt) + " --apply"},
			},
			Done: true,
		}
		for _, a := range q {
			t.Paths = append(t.Paths, a.Path)
			t.Rules = appendUnique(t.Rules, a.Rules...)
			if !opt.Done[a.Path] {
				t.Done = false
			}
		}
		s.Tasks = append(s.Tasks, t)
	}
	for _, a := range files {
		switch a.Kind {
		case RestoreOriginal:
			s.Tasks = append(s.Tasks, restoreTask(res, a))
		case RevertConfig:
			s.Tasks = append(s.Tasks, finding.PlanTask{
				Text:  "Undo the change to " + a.Path + ": remove the handler mapping or build provider that makes images or text run as code.",
				Why:   a.Why,
				Paths: []string{a.Path}, Rules: a.Rules,
				Commands: []finding.Command{{Lang: "powershell", Title: "look at the handlers and build providers IIS has for the site",
					Text: "Import-Module WebAdministration\nGet-WebConfiguration -PSPath 'IIS:\\Sites\\Default Web Site' -Filter system.webServer/handlers/add | Format-Table name, path, verb, type, scriptProcessor\nGet-WebConfiguration -PSPath 'IIS:\\Sites\\Default Web Site' -Filter system.web/compilation/buildProviders/add | Format-Table extension, type"}},
			})
		case Review:
			s.Tasks = append(s.Tasks, finding.PlanTask{
				Text:  "Look at " + a.Path + " (suspicious, not proof): who created it, when, and what it holds. If it is the intruders', quarantine it by hand or keep it for investigators.",
				Why:   a.Why,
				Paths: []string{a.Path}, Rules: a.Rules,
			})
		}
	}
	if fs := rules["EXS-EVT-SERVICE-SHELL"]; len(fs) > 0 {
		t := finding.PlanTask{
			Text: "Remove the Windows service(s) the intruders installed to run their commands.",
			Why:  "A service starts again at every boot with SYSTEM rights: a backdoor that survives cleaning the web folders.",
		}
		var cmds, odd []string
		for _, f := range fs {
			name := firstNonEmpty(f.Fields["ServiceName"], f.Fields["service"])
			t.Rules = appendUnique(t.Rules, f.RuleID)
			switch {
			case name == "":
			case cmdSafe(name):
				cmds = appendUnique(cmds, "sc.exe getkeyname "+cmdQuote(name)+"\r\nsc.exe qc "+cmdQuote(name)+"\r\nsc.exe stop "+cmdQuote(name)+"\r\nsc.exe delete "+cmdQuote(name))
			default:
				odd = appendUnique(odd, name)
			}
		}
		if len(cmds) > 0 {
			t.Commands = append(t.Commands, finding.Command{Lang: "cmd", Title: "the event may name the display name: getkeyname gives the name sc.exe needs; qc shows the service's file, for the quarantine", Text: strings.Join(cmds, "\r\n")})
		}
		if len(odd) > 0 {
			t.Text += fmt.Sprintf(" %d service name(s) hold characters that cmd.exe would interpret (%s): no command is printed for them; remove them in services.msc after checking the name.", len(odd), strings.Join(odd, ", "))
		}
		s.Tasks = append(s.Tasks, t)
	}
	if fs := rules["EXS-EVT-CMDLET-TRANSPORT-AGENT"]; len(fs) > 0 {
		s.Tasks = append(s.Tasks, finding.PlanTask{
			Text:  "Check the transport agents: one was installed through the management shell. Uninstall any agent that is not your mail filter's or Microsoft's.",
			Why:   "A transport agent sees and can copy or change every message the server handles.",
			Rules: []string{"EXS-EVT-CMDLET-TRANSPORT-AGENT"},
			Commands: []finding.Command{{Lang: "powershell", Title: "in the Exchange Management Shell",
				Text: "Get-TransportAgent | Format-Table Identity, Enabled, Priority\nGet-TransportAgent -Identity '<name>' | Format-List\n# then, for an agent that is not yours:\nUninstall-TransportAgent -Identity '<name>'"}},
		})
	}
	if len(rules["EXS-IIS-VDIR-PROGRAMDATA"]) > 0 {
		t := finding.PlanTask{
			Text:  "Remove the IIS virtual directory that points into ProgramData: IIS serves whatever the intruders put there.",
			Why:   "A ProxyShell-era persistence: a folder outside the web root, served by the Default Web Site, where new pages can be dropped without touching a web folder.",
			Rules: []string{"EXS-IIS-VDIR-PROGRAMDATA"},
		}
		for _, f := range rules["EXS-IIS-VDIR-PROGRAMDATA"] {
			site, vpath := f.Fields["site"], f.Target
			switch {
			case site == "" || vpath == "":
			case cmdSafe(site + vpath):
				t.Commands = append(t.Commands, finding.Command{Lang: "cmd", Text: `%windir%\system32\inetsrv\appcmd.exe delete vdir /vdir.name:"` + site + vpath + `"`})
			default:
				t.Text += " Its name holds characters cmd.exe would interpret: remove it in IIS Manager."
			}
			t.Paths = appendUnique(t.Paths, f.Fields["physical_path"])
		}
		s.Tasks = append(s.Tasks, t)
	}
	return s
}

func storeArg(store string) string {
	if store == "" {
		return "<DIR>"
	}
	return shellArg(store)
}

// cleanSource is what exsweep clean acts on, as its arguments.
func cleanSource(res *finding.HostResult, opt Options) string {
	if opt.FromRoot {
		return "--root " + shellArg(res.Root)
	}
	return "--from " + shellArg(opt.Report)
}

// restoreTask says how to put back one of Exchange's own pages.
func restoreTask(res *finding.HostResult, a FileAction) finding.PlanTask {
	name := path.Base(a.Path)
	build := "the build this server runs"
	for _, b := range res.Builds {
		if b.Build != "" && strings.HasPrefix(strings.ToLower(a.Path), strings.ToLower(b.Install)+"/") {
			build = b.Build
		}
	}
	// On the server, Exchange's setup sets ExchangeInstallPath: the page's place under the
	// install does not depend on the drive, or on where the image is mounted here.
	target := psQuote(`C:\` + strings.ReplaceAll(a.Path, "/", `\`))
	for _, in := range res.Installs {
		if in != "" && strings.HasPrefix(strings.ToLower(a.Path), strings.ToLower(in)+"/") {
			target = "(Join-Path $env:ExchangeInstallPath " + psQuote(strings.ReplaceAll(a.Path[len(in)+1:], "/", `\`)) + ")"
		}
	}
	return finding.PlanTask{
		Text:  fmt.Sprintf("Replace %s with Exchange's original (%s): it is a legitimate page with attacker code added, so it is not deleted.", a.Path, build),
		Why:   a.Why + " exsweep clean leaves it in place unless --force is given.",
		Paths: []string{a.Path}, Rules: a.Rules,
		Commands: []finding.Command{{
			Lang:  "powershell",
			Title: "keep the tampered copy as evidence, then take the original from another server on the same build, or from the install media of the same CU",
			Text: "$page = " + target + "\n" +
				"# the tampered copy goes outside every web folder (IIS would serve a copy left beside it)\n" +
				"New-Item -ItemType Directory -Force C:\\exsweep-evidence | Out-Null\n" +
				"Copy-Item -LiteralPath $page -Destination C:\\exsweep-evidence\\ -PassThru | Rename-Item -NewName { $_.Name + '.tampered' }\n" +
				"# another server with the same build: copy the same path from it, or\n" +
				"# the CU's ISO (mounted as E:): extract its files without installing, then copy the page found below\n" +
				"msiexec /a E:\\exchangeserver.msi /qb TARGETDIR=C:\\ExOriginal\n" +
				"Get-ChildItem -Path C:\\ExOriginal -Recurse -Filter " + psQuote(name) + "\n" +
				"# a security update replaced the page too: install that SU again after copying (it puts back its own version)",
		}},
	}
}

func patchSection(res *finding.HostResult, cat *catalog.Catalog) (finding.PlanSection, []string) {
	s := finding.PlanSection{
		ID:    SectionPatch,
		Title: "Install the updates",
		Why:   "The flaws these attacks use are closed only by Microsoft's updates. Which one depends on the exact build, read from the server's disk.",
	}
	var vulnerable []string
	if len(res.Builds) == 0 {
		s.Tasks = append(s.Tasks, exactBuildTask("No Exchange install was found under the root, so no build could be read."))
		return s, nil
	}
	for _, b := range res.Builds {
		if b.Build == "" {
			s.Tasks = append(s.Tasks, exactBuildTask(fmt.Sprintf("The build of %s could not be read from the disk (%s).", orRoot(b.Install), b.Note)))
			continue
		}
		v, err := catalog.ParseBuild(b.Build)
		var r *catalog.Result
		if err == nil {
			r, err = cat.Lookup(v)
		} else if cu, cuErr := catalog.ParseCU(b.Build); cuErr == nil {
			r, err = cat.LookupCU(cu)
		}
		if err != nil {
			s.Tasks = append(s.Tasks, exactBuildTask(fmt.Sprintf("The build %s of %s is not one the catalog can judge: %v.", b.Build, orRoot(b.Install), err)))
			continue
		}
		tasks, vul := patchTasks(b, r)
		s.Tasks = append(s.Tasks, tasks...)
		for _, f := range vul {
			vulnerable = appendUnique(vulnerable, f)
		}
	}
	return s, vulnerable
}

func orRoot(in string) string {
	if in == "" {
		return "the install"
	}
	return in
}

func exactBuildTask(why string) finding.PlanTask {
	return finding.PlanTask{
		Text: "Find the server's exact build, then look up the update it needs.",
		Why:  why,
		Commands: []finding.Command{
			{Lang: "powershell", Title: "on the server", Text: "(Get-Command ExSetup.exe).FileVersionInfo.FileVersion"},
			{Lang: "shell", Title: "then", Text: "exsweep builds lookup <build>"},
		},
	}
}

// patchTasks turns a catalog verdict into what to install: the security update of the
// server's own CU first when it closes something today, then the CU upgrade and the latest
// update when some fix needs a newer CU.
func patchTasks(b finding.InstallBuild, r *catalog.Result) ([]finding.PlanTask, []string) {
	where := fmt.Sprintf("%s is %s (%s, read from %s)", orRoot(b.Install), b.Build, r.ProductName+" "+r.CU, b.Source)
	var sameCU, newCU *catalog.Install
	var sameFams, newFams, unknown, fixed, vulnerable []string
	for _, fam := range r.Families {
		switch fam.Status {
		case catalog.Fixed:
			fixed = append(fixed, fam.Family)
			continue
		case catalog.Unknown:
			unknown = append(unknown, fmt.Sprintf("%s (%s)", fam.Family, fam.Reason))
			vulnerable = append(vulnerable, fam.Family) // open until the exact build says otherwise
		case catalog.Vulnerable:
			vulnerable = append(vulnerable, fam.Family)
		}
		in := fam.Install
		if in == nil {
			continue
		}
		if in.CUUpgradeFirst {
			newFams = append(newFams, fam.Family)
			if newCU == nil || buildLess(newCU.Build, in.Build) {
				newCU = in
			}
		} else {
			sameFams = append(sameFams, fam.Family)
			if sameCU == nil || buildLess(sameCU.Build, in.Build) {
				sameCU = in
			}
		}
	}
	var tasks []finding.PlanTask
	if sameCU == nil && newCU == nil && len(unknown) == 0 {
		t := finding.PlanTask{Text: fmt.Sprintf("No update needed for the flaws exsweep knows: %s.", where), Done: true}
		if len(fixed) > 0 {
			t.Why = "Fixed: " + strings.Join(fixed, ", ") + ". Keep installing Microsoft's monthly security updates."
		}
		return []finding.PlanTask{t}, nil
	}
	if sameCU != nil && !(newCU != nil && len(sameFams) == 0) {
		unless := ""
		if len(unknown) > 0 {
			unless = " (unless it is installed already)"
		}
		t := finding.PlanTask{
			Text: fmt.Sprintf("Install %s%s (build %s) or later on %s%s: it fixes %s on this CU, today.", sameCU.Name, kb(sameCU.KB), sameCU.Build, orRoot(b.Install), unless, strings.Join(sameFams, ", ")),
			Why:  where + ". A security update installs in minutes on the CU the server already runs; do it now, even if a CU upgrade is planned.",
		}
		if r.LatestOnCU != nil && r.LatestOnCU.Build != sameCU.Build {
			t.Why += fmt.Sprintf(" The newest update for this CU is %s%s (build %s): prefer it.", r.LatestOnCU.Name, kb(r.LatestOnCU.KB), r.LatestOnCU.Build)
		}
		tasks = append(tasks, t)
	}
	if newCU != nil {
		target := fmt.Sprintf("%s (build %s)", newCU.Name, newCU.Build)
		if r.Latest != nil {
			target = fmt.Sprintf("the newest cumulative update and its latest security update (today %s%s, build %s)", r.Latest.Name, kb(r.Latest.KB), r.Latest.Build)
		}
		tasks = append(tasks, finding.PlanTask{
			Text: fmt.Sprintf("Upgrade %s to %s: %s were never fixed on %s.", orRoot(b.Install), target, strings.Join(newFams, ", "), r.CU),
			Why:  where + fmt.Sprintf(". At least %s is needed for these; CUs are cumulative, and an old CU stops getting security updates.", newCU.Name) + " A CU upgrade removes the IIS rewrite mitigations: apply them again if the update itself must wait.",
		})
	}
	if len(unknown) > 0 {
		tasks = append(tasks, finding.PlanTask{
			Text: "Confirm the security update level: the build read from the disk does not decide " + strings.Join(unknown, ", ") + ".",
			Why:  where + ". An unknown is not a fixed: until the exact build says otherwise, treat these as open.",
			Commands: []finding.Command{
				{Lang: "powershell", Title: "on the server", Text: "(Get-Command ExSetup.exe).FileVersionInfo.FileVersion"},
				{Lang: "shell", Title: "then", Text: "exsweep builds lookup <build>"},
			},
		})
	}
	return tasks, vulnerable
}

func kb(s string) string {
	if s == "" {
		return ""
	}
	return ", " + s
}

func buildLess(a, b string) bool {
	va, errA := catalog.ParseBuild(a)
	vb, errB := catalog.ParseBuild(b)
	if errA != nil || errB != nil {
		return a < b
	}
	return va.Less(vb)
}

func mitigate(res *finding.HostResult, vulnerable []string) finding.PlanSection {
	s := finding.PlanSection{
		ID:    SectionMitigate,
		Title: "Until the updates are in: mitigations",
		Why:   "Where an update must wait (a CU upgrade takes planning), Microsoft's IIS URL Rewrite rules stop the known attacks at the door. They are a stopgap.",
	}
	families := vulnerable
	if contains(vulnerable, "OWASSRF") && !contains(vulnerable, "ProxyNotShell") {
		families = append(families, "ProxyNotShell")
	}
	var rules []rewriteRule
	var caveats []string
	var extra []finding.Command
	var names []string
	for _, fam := range families {
		m, ok := mitigationFor(fam)
		if !ok {
			if fam == "ProxyShell" || fam == "ProxyToken" {
				s.Tasks = append(s.Tasks, finding.PlanTask{
					Text: fam + ": Microsoft published no rewrite mitigation; only the update closes it.",
				})
			}
			continue
		}
		if st := mitigationStatus(res, fam); st == "present" {
			s.Tasks = append(s.Tasks, finding.PlanTask{
				Text: fmt.Sprintf("The %s rewrite mitigation is in place in the Default Web Site's web.config. Keep it until the update is installed.", fam),
				Why:  strings.Join(m.caveats, " "),
				Done: true,
			})
			continue
		} else if st != "" {
			s.Tasks = append(s.Tasks, finding.PlanTask{
				Text: fmt.Sprintf("The %s rewrite mitigation is %s in the Default Web Site's web.config: remove those rules and add the ones below.", fam, st),
			})
		}
		names = append(names, fam)
		rules = append(rules, m.rules...)
		caveats = appendUnique(caveats, m.caveats...)
		extra = append(extra, m.extra...)
	}
	if len(rules) > 0 {
		t := finding.PlanTask{
			Text: fmt.Sprintf("Add the rewrite rules for %s to the Default Web Site (one of the three forms below).", strings.Join(names, " and ")),
			Why:  strings.Join(caveats, " "),
			Commands: []finding.Command{
				{Lang: "xml", Title: "web.config fragment: inside <system.webServer> of inetpub\\wwwroot\\web.config; if a <rewrite><rules> section is there already (an earlier mitigation), add only the <rule> elements to it", Text: webConfigFragment(rules)},
				{Lang: "powershell", Title: "PowerShell (WebAdministration), as administrator", Text: powerShell(rules)},
				{Lang: "cmd", Title: "appcmd, as administrator", Text: appcmd(rules)},
			},
		}
		t.Commands = append(t.Commands, extra...)
		s.Tasks = append(s.Tasks, t)
	}
	return s
}

// mitigationStatus is the hunt's reading of the Default Web Site's web.config for a family:
// "present", "partial", "disabled", or "" when it is absent.
func mitigationStatus(res *finding.HostResult, family string) string {
	for _, m := range res.Mitigations {
		if strings.EqualFold(m.Family, family) {
			return m.Status
		}
	}
	return ""
}

// vdirCmdlets maps the Set-*VirtualDirectory cmdlets to their Get- form.
// (Outlook Anywhere has no *VirtualDirectory cmdlets and holds host names, not URLs: it is
// listed in the check by Get-OutlookAnywhere.)
var vdirCmdlets = []string{"Oab", "Owa", "Ecp", "ActiveSync", "WebServices", "Mapi", "Autodiscover", "PowerShell"}

func undo(res *finding.HostResult, rules map[string][]*finding.Finding) finding.PlanSection {
	s := finding.PlanSection{
		ID:    SectionUndo,
		Title: "Undo what the intruders changed in Exchange",
		Why:   "Settings changed through the flaws stay changed after patching.",
	}
	var vdirFindings []*finding.Finding
	for _, id := range []string{"EXS-ECP-27065-SET-VDIR-SCRIPT", "EXS-EVT-CMDLET-VDIR-SCRIPT", "EXS-EVT-CMDLET-VDIR-SCRIPT-FAILED", "EXS-HP-27065-RESET-VDIR", "EXS-IIS-PROXYLOGON-DDI-RESET", "EXS-ECP-27065-RESET-VDIR"} {
		vdirFindings = append(vdirFindings, rules[id]...)
	}
	if len(vdirFindings) > 0 {
		kinds := map[string]bool{}
		t := finding.PlanTask{
			Text: "Reset the virtual directory URLs the intruders set to script (CVE-2021-27065), and re-create any virtual directory they reset.",
			Why:  "The flaw writes a virtual directory's settings, script included, to a file of the attacker's choosing. The poisoned URL stays in Active Directory and is written out again at the next reset.",
		}
		for _, f := range vdirFindings {
			t.Rules = appendUnique(t.Rules, f.RuleID)
			text := f.Target + " " + f.Fields["Cmdlet"] + " " + f.Fields["Command"]
			for _, k := range vdirCmdlets {
				if strings.Contains(strings.ToLower(text), strings.ToLower(k)+"virtualdirectory") {
					kinds[k] = true
				}
			}
		}
		if len(kinds) == 0 {
			kinds["Oab"] = true
		}
		var names []string
		for k := range kinds {
			names = append(names, k)
		}
		sort.Strings(names)
		var b strings.Builder
		b.WriteString("# 1. find every virtual directory whose URLs hold script (run in the Exchange Management Shell)\n")
		b.WriteString("$vdirs = @(")
		for i, k := range vdirCmdlets {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "Get-%sVirtualDirectory -Server $env:COMPUTERNAME", k)
		}
		b.WriteString("; Get-OutlookAnywhere -Server $env:COMPUTERNAME)\n$vdirs | Where-Object { \"$($_.InternalUrl) $($_.ExternalUrl) $($_.InternalHostname) $($_.ExternalHostname)\" -match '<|script|runat' } | Format-List Identity, InternalUrl, ExternalUrl\n\n")
		b.WriteString("# 2. clear only the poisoned URLs (a correct one stays); then set your real name where one is needed\n")
		for _, k := range names {
			for _, u := range []string{"ExternalUrl", "InternalUrl"} {
				fmt.Fprintf(&b, "Get-%sVirtualDirectory -Server $env:COMPUTERNAME | Where-Object { \"$($_.%s)\" -match '<|script|runat' } | Set-%sVirtualDirectory -%s $null\n", k, u, k, u)
			}
		}
		b.WriteString("\n# 3. a reset (Remove-/New-*VirtualDirectory) done by the intruders leaves a default directory: check that each exists and answers\n")
		b.WriteString("Get-OabVirtualDirectory -Server $env:COMPUTERNAME | Format-List Identity, InternalUrl, ExternalUrl, RequireSSL")
		t.Commands = []finding.Command{{Lang: "powershell", Title: "Exchange Management Shell, as an Exchange administrator", Text: b.String()}}
		s.Tasks = append(s.Tasks, t)
	}
	if fs := append(append([]*finding.Finding{}, rules["EXS-EVT-CMDLET-EXPORT-TO-WEB"]...), rules["EXS-EVT-CMDLET-IMPORT-EXPORT-ROLE"]...); len(fs) > 0 {
		t := finding.PlanTask{
			Text: "Remove mailbox export requests and the Mailbox Import Export role assignments you did not make; note which mailboxes were exported: that mail must be treated as stolen.",
			Why:  "ProxyShell intruders grant themselves the export role and export a mailbox as a page into a web folder: a web shell and stolen mail at once.",
			Commands: []finding.Command{{Lang: "powershell", Title: "Exchange Management Shell",
				Text: "Get-MailboxExportRequest | Format-Table Name, Mailbox, FilePath, Status\n" +
					"# keep the record first: which mailboxes went where, and when\n" +
					"Get-MailboxExportRequest | Get-MailboxExportRequestStatistics -IncludeReport | Export-Clixml C:\\exsweep-evidence\\mailbox-exports.xml\n" +
					"# then remove each request you did not make:\n" +
					"Remove-MailboxExportRequest -Identity '<request identity>'\n" +
					"Get-ManagementRoleAssignment -Role 'Mailbox Import Export' -GetEffectiveUsers | Format-Table Name, RoleAssigneeName, EffectiveUserName\n" +
					"# remove each assignment you did not make:\n" +
					"Remove-ManagementRoleAssignment -Identity '<assignment name>'"}},
		}
		for _, f := range fs {
			t.Rules = appendUnique(t.Rules, f.RuleID)
		}
		s.Tasks = append(s.Tasks, t)
	}
	if fs := rules["EXS-EVT-CMDLET-CERT-REQUEST-WEB"]; len(fs) > 0 {
		s.Tasks = append(s.Tasks, finding.PlanTask{
			Text:     "Look for certificate request files written into web folders and for certificates you did not request.",
			Why:      "New-ExchangeCertificate -RequestFile writes a file wherever it is told: one more way of dropping a page into a web folder.",
			Rules:    []string{"EXS-EVT-CMDLET-CERT-REQUEST-WEB"},
			Commands: []finding.Command{{Lang: "powershell", Text: "Get-ExchangeCertificate -Server $env:COMPUTERNAME | Format-Table Thumbprint, Subject, NotBefore, Services"}},
		})
	}
	return s
}

// accountNames lists the accounts the findings name (user fields of web and event rows), so
// the owner sees which passwords the intruders most likely hold. It is never the whole list:
// every account that logged on to the server counts.
func accountNames(res *finding.HostResult) []string {
	var out []string
	add := func(u string) {
		u = strings.TrimSpace(u)
		lu := strings.ToLower(u)
		if u == "" || u == "-" || strings.HasSuffix(u, "$") || strings.Contains(lu, "system") || strings.Contains(lu, "local service") || strings.Contains(lu, "network service") || strings.HasPrefix(lu, "s-1-") || len(u) > 128 {
			return
		}
		out = appendUnique(out, u)
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		add(f.User)
		add(f.Fields["TargetUserName"])
		add(f.Fields["SubjectUserName"])
		add(f.Fields["AuthenticatedUser"])
	}
	sort.Strings(out)
	if len(out) > 50 {
		out = out[:50]
	}
	return out
}

func credentials(res *finding.HostResult, dumped bool) finding.PlanSection {
	s := finding.PlanSection{
		ID:    SectionCredentials,
		Title: "Reset credentials",
	}
	if dumped {
		s.Why = "The memory of LSASS was dumped: it holds the password hashes and Kerberos tickets of every account logged on to the server since it last started, and often passwords in clear. Treat all of them as stolen."
	} else {
		s.Why = "Code ran on the server with SYSTEM rights: the intruders could read everything LSASS holds (hashes and tickets of every account logged on), even though no dump was found."
	}
	accts := accountNames(res)
	t := finding.PlanTask{
		Text: "Reset the password of every domain account that logged on to this server (administrators, service accounts, the accounts of anyone who used its console or remote desktop), starting with privileged ones.",
		Why:  "Resetting only the accounts named in the evidence is not enough: the dump holds whoever was logged on, and the logs may not show all of them.",
		Commands: []finding.Command{{Lang: "powershell", Title: "who logged on to the server (run on it; Security log, successful logons)",
			Text: "Get-WinEvent -FilterHashtable @{LogName='Security'; Id=4624} |\n  ForEach-Object { $x = [xml]$_.ToXml(); ($x.Event.EventData.Data | Where-Object Name -eq 'TargetDomainName').'#text' + '\\' + ($x.Event.EventData.Data | Where-Object Name -eq 'TargetUserName').'#text' } |\n  Sort-Object -Unique"}},
	}
	if len(accts) > 0 {
		t.Text += " Named in the evidence: " + strings.Join(accts, ", ") + "."
	}
	s.Tasks = append(s.Tasks, t)
	s.Tasks = append(s.Tasks, finding.PlanTask{
		Text:     "Reset the server's computer account password.",
		Why:      "SYSTEM on the server acts as its computer account in the domain; the account's secret was readable.",
		Commands: []finding.Command{{Lang: "powershell", Title: "on the server, as a domain administrator", Text: "Reset-ComputerMachinePassword -Credential (Get-Credential)"}},
	})
	s.Tasks = append(s.Tasks, finding.PlanTask{
		Text: "If a domain administrator's credentials were on the server, or the intruders could reach a domain controller: reset the krbtgt account's password twice, waiting for replication and at least the maximum ticket lifetime (10 hours by default) between the two resets.",
		Why:  "Exchange's groups hold strong rights in Active Directory (Exchange Windows Permissions can change the domain's permissions): SYSTEM on Exchange has often led to the whole domain. A stolen krbtgt key forges tickets for any account (golden tickets) until it is changed twice.",
	})
	s.Tasks = append(s.Tasks, finding.PlanTask{
		Text: "Look in Active Directory for what the intruders may have added: new accounts, new members of privileged groups, and new permissions on the domain object (replication rights given to an account that is not a domain controller).",
		Commands: []finding.Command{{Lang: "powershell", Title: "accounts and groups changed since the intrusion began (ActiveDirectory module)",
			Text: "$since = Get-Date '" + firstSeen(res).Format("2006-01-02") + "'\nGet-ADUser -Filter {whenCreated -ge $since} | Format-Table SamAccountName, whenCreated\nGet-ADGroup -Filter {whenChanged -ge $since} | Format-Table Name, whenChanged"}},
	})
	return s
}

func check(res *finding.HostResult, opt Options) finding.PlanSection {
	s := finding.PlanSection{ID: SectionCheck, Title: "Afterwards: check"}
	s.Tasks = append(s.Tasks, finding.PlanTask{
		Text:     "Hunt again after cleaning and patching: the verdict's files must be gone, and no new ones may appear.",
		Commands: []finding.Command{{Lang: "shell", Text: "exsweep hunt --root " + shellArg(res.Root)}},
	})
	if res.Verdict == finding.Compromised {
		s.Tasks = append(s.Tasks, finding.PlanTask{
			Text:     "Check that the quarantine is intact before handing it to investigators (every stored file re-read and hashed, the manifest's chain checked).",
			Commands: []finding.Command{{Lang: "shell", Text: "exsweep quarantine verify --quarantine " + storeArg(opt.Store)}},
		})
		s.Tasks = append(s.Tasks, finding.PlanTask{
			Text: "Scan the server with an up-to-date antivirus (for example Microsoft Safety Scanner, a full scan): intruders also leave tools outside the folders exsweep reads.",
		})
		s.Tasks = append(s.Tasks, finding.PlanTask{
			Text: "Look at mailbox rules that forward mail outside, and at mailbox permissions you did not grant: stolen access to mail outlives the web shells.",
			Commands: []finding.Command{{Lang: "powershell", Title: "Exchange Management Shell",
				Text: "Get-Mailbox -ResultSize Unlimited | Get-InboxRule | Where-Object { $_.ForwardTo -or $_.RedirectTo -or $_.ForwardAsAttachmentTo } | Format-Table MailboxOwnerId, Name, ForwardTo, RedirectTo"}},
		})
	}
	if res.Partial || len(res.Warnings) > 0 {
		s.Tasks = append(s.Tasks, finding.PlanTask{
			Text: "Read the hunt's warnings and problems: parts of the evidence were missing or unreadable, and the verdict holds only for what was read.",
		})
	}
	return s
}

func firstSeen(res *finding.HostResult) (t timeValue) {
	for _, in := range res.Incidents {
		if !in.FirstSeen.IsZero() && (t.IsZero() || in.FirstSeen.Before(t.Time)) {
			t = timeValue{in.FirstSeen}
		}
	}
	if t.IsZero() {
		t = timeValue{res.Since}
	}
	return t
}

func appendUnique(list []string, vals ...string) []string {
	for _, v := range vals {
		if v != "" && !contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
