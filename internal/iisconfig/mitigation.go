package iisconfig

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Families and statuses of Mitigation (plain strings, so they can go into reports as they are).
const (
	FamilyProxyLogon    = "ProxyLogon"
	FamilyProxyNotShell = "ProxyNotShell"

	// StatusPresent: enabled rules block the published exploit requests.
	StatusPresent = "present"
	// StatusPartial: something is there but the exploit gets through: one of ProxyLogon's two
	// rules is missing or off, a rule only sees the path while the exploit hides in the query
	// string, a narrowed match url or condition, or an earlier rule that stops processing first.
	StatusPartial = "partial"
	// StatusDisabled: the rules exist but none is in force (enabled="false", or taken out by a
	// later <clear/> or <remove/>).
	StatusDisabled = "disabled"
)

// Mitigation is one of Microsoft's URL Rewrite mitigations found among the rules.
type Mitigation struct {
	Family string // FamilyProxyLogon or FamilyProxyNotShell
	Status string // StatusPresent, StatusPartial or StatusDisabled
	// Rules are the names of the rules that make it up, in rule order.
	Rules []string
	// Where the rules are (Scope.Where), joined with "; " when they differ.
	Where string
	// Parts say which rule plays which part and where it is.
	Parts []MitigationPart
	// Notes explain a partial or disabled status and weaknesses a report should show (a rule
	// that reads the undecoded URL, a 403 page instead of an aborted connection, ...).
	Notes []string
}

// MitigationPart is one rule of a Mitigation.
type MitigationPart struct {
	Scope
	Role   string // what it blocks: "X-AnonResource-Backend cookie", "X-BEResource cookie", "autodiscover+powershell URL"
	Rule   string // the rule's name
	Active bool   // enabled and not removed
}

// request is a model of one HTTP request, enough to evaluate rules against it.
type request struct {
	desc   string
	path   string // raw, with the leading '/'
	query  string // raw, without '?'
	cookie string
}

// serverVar is the value of an IIS server variable for the request; false when the model does
// not know it (the Host header, the method, ...), which makes conditions on it unknown.
func (r request) serverVar(name string) (string, bool) {
	switch strings.ToUpper(name) {
	case "REQUEST_URI", "UNENCODED_URL", "HTTP_URL":
		if r.query == "" {
			return r.path, true
		}
		return r.path + "?" + r.query, true
	case "URL", "PATH_INFO", "SCRIPT_NAME":
		return urlDecode(r.path), true
	case "QUERY_STRING":
		return r.query, true
	case "HTTP_COOKIE":
		return r.cookie, true
	case "HTTPS":
		return "on", true
	case "SERVER_PORT":
		return "443", true
	case "SERVER_PORT_SECURE":
		return "1", true
	}
	return "", false
}

// parseInput splits a condition input such as "{HTTP_COOKIE}" or "{UrlDecode:{REQUEST_URI}}"
// into the variable and the functions applied to it, outermost first. Inputs that combine
// text and variables, or use rewrite maps, give ok=false.
func parseInput(in string) (name string, fns []string, ok bool) {
	s := strings.TrimSpace(in)
	for range 4 {
		if len(s) < 3 || s[0] != '{' || s[len(s)-1] != '}' {
			return "", nil, false
		}
		inner := s[1 : len(s)-1]
		if i := strings.IndexByte(inner, ':'); i > 0 && strings.HasPrefix(inner[i+1:], "{") {
			fns = append(fns, strings.TrimSpace(inner[:i]))
			s = inner[i+1:]
			continue
		}
		if strings.ContainsAny(inner, "{}:") {
			return "", nil, false
		}
		return strings.TrimSpace(inner), fns, true
	}
	return "", nil, false
}

// inputValue is the value of a condition input for the request.
func inputValue(in string, r request) (string, bool) {
	name, fns, ok := parseInput(in)
	if !ok {
		return "", false
	}
	v, ok := r.serverVar(name)
	if !ok {
		return "", false
	}
	for _, fn := range slices.Backward(fns) {
		switch strings.ToLower(fn) {
		case "urldecode":
			v = urlDecode(v)
		case "tolower":
			v = strings.ToLower(v)
		case "toupper":
			v = strings.ToUpper(v)
		default:
			return "", false
		}
	}
	return v, true
}

// crule is a rule with its patterns compiled, for one Mitigations call.
type crule struct {
	r     *RewriteRule
	match pattern
	conds []pattern
}

func compileRule(r *RewriteRule, c patterns) *crule {
	cr := &crule{r: r, match: c.get(r.Match.URL, r.PatternSyntax, r.Match.IgnoreCase)}
	for _, cond := range r.Conditions.Items {
		cr.conds = append(cr.conds, c.get(cond.Pattern, r.PatternSyntax, cond.IgnoreCase))
	}
	return cr
}

// eval says whether the rule's match url and conditions select the request. Rewrite rules see
// the path without its leading '/', decoded; this ignores the base path of a <location> or of an
// application's web.config, which only matters for rules that name paths.
func (cr *crule) eval(req request) tri {
	r := cr.r
	m := cr.match.match(strings.TrimPrefix(urlDecode(req.path), "/"))
	if r.Match.Negate {
		m = m.not()
	}
	if !r.Match.Written {
		m = unknown // IIS refuses such a rule
	}
	if m == no {
		return no
	}
	return and(m, cr.evalConditions(req))
}

func (cr *crule) evalConditions(req request) tri {
	r := cr.r
	g := strings.TrimSpace(r.Conditions.LogicalGrouping)
	anyOf := strings.EqualFold(g, "MatchAny")
	if !anyOf && g != "" && !strings.EqualFold(g, "MatchAll") {
		return unknown
	}
	if len(r.Conditions.Items) == 0 {
		return yes
	}
	res := yes
	if anyOf {
		res = no
	}
	for k, cond := range r.Conditions.Items {
		v := evalCondition(cond, cr.conds[k], req)
		if anyOf {
			res = or(res, v)
		} else {
			res = and(res, v)
		}
	}
	return res
}

func evalCondition(cond Condition, p pattern, req request) tri {
	if mt := strings.TrimSpace(cond.MatchType); mt != "" && !strings.EqualFold(mt, "Pattern") {
		return unknown // IsFile, IsDirectory: depends on the disk of the live server
	}
	v, ok := inputValue(cond.Input, req)
	if !ok {
		return unknown
	}
	m := p.match(v)
	if cond.Negate {
		m = m.not()
	}
	return m
}

// blocks says whether the action refuses the request: AbortRequest (what Microsoft's rules
// use) or a CustomResponse with a 4xx status (what IIS Manager's "Request Blocking" template
// offers besides aborting). Both keep the exploit from the back end.
func blocks(a Action) (ok, abort bool) {
	t := strings.TrimSpace(a.Type)
	if strings.EqualFold(t, "AbortRequest") {
		return true, true
	}
	if strings.EqualFold(t, "CustomResponse") {
		code, err := strconv.Atoi(strings.TrimSpace(a.StatusCode))
		return err == nil && code >= 400 && code <= 499, false
	}
	return false, false
}

// role is one part of a mitigation: what its key pattern must need, and the requests the rule
// must block.
type role struct {
	family string
	name   string
	// inputs are the server variables a key condition may read.
	inputs []string
	// matchURL: the match url may be the key (a rule made with IIS Manager's template).
	matchURL bool
	// need: the key pattern must match at least one of these; never: none of these (ordinary
	// traffic). Together they say the pattern needs the attack's marker, whatever it is named.
	need, never []string
	// words is the fallback when a pattern cannot be evaluated: all must appear in its text.
	words []string
	// attacks are the published requests: the rule must block all of them. variants are
	// spellings of them; missing one is a weakness worth a note, not a missing mitigation.
	attacks, variants []request
	// pathOnlyNote explains a miss by a key that only sees the path.
	pathOnlyNote string
}

// roles are built by a function, not kept in a package variable: no package-level state.
func roles() []role {
	// ordinaryCookies are cookies of normal OWA and ECP traffic.
	ordinaryCookies := []string{
		"",
		"X-OWA-CANARY=X7QlM4SB0kCdAbCdEfGh; ClientId=4D3F0E6A9B2C4B0D8E1F; PrivateComputer=true; " +
			"X-BackEndCookie=S-1-5-21-1004336348-1177238915-682003330-1104=u56Lnp2ejJqByM7Jz8nOy8zSzc3Ozc=; cadata=abc; cadataTTL=def",
		"ASP.NET_SessionId=kq3vq2kz1m0o0x45; msExchEcpCanary=Zm9vYmFyYmF6; X-BackEndCookie2=a/b~c",
		"ClientId=ABC; X-OWA-JS-PSD=1; UC=d2c3f1; AppcacheVer=15.1.2176.9:en-usbase; exchangecookie=0f1e2d3c",
	}
	anon := "X-AnonResource=true; X-AnonResource-Backend=localhost/ecp/default.flt?~3;"
	beRes := "X-BEResource=admin@ex01.contoso.local:444/ecp/proxyLogon.ecp?~1942062522;"
	beRes2 := "X-BEResource=localhost/owa/auth/logon.aspx?~3;"
	plPaths := []string{"/ecp/y.js", "/owa/auth/x.js"}
	cookieReqs := func(what, cookie string) []request {
		var out []request
		for _, p := range plPaths {
			out = append(out, request{desc: "a request for " + p + " with " + what, path: p, cookie: cookie})
		}
		return out
	}
	const pnsPath = "/autodiscover/autodiscover.json"
	pnsQuery := func(ps string) string {
		return "@evil.com/" + ps + "/?serializationLevel=Full;ExchClientVer=15.2.922.7;clientApplication=ManagementShell;" +
			"TargetServer=;PSVersion=5.1.17763.592&Email=autodiscover/autodiscover.json%3F@evil.com"
	}
	pnsAttack := request{desc: "the published ProxyNotShell request (autodiscover.json?@.../Powershell/...)", path: pnsPath, query: pnsQuery("Powershell")}
	return []role{{
		family: FamilyProxyLogon, name: "X-AnonResource-Backend cookie",
		inputs:  []string{"HTTP_COOKIE"},
		need:    []string{anon, "X-AnonResource-Backend=localhost/ecp/default.flt?~3"},
		never:   ordinaryCookies,
		words:   []string{"x-anonresource-backend"},
		attacks: cookieReqs("an X-AnonResource-Backend cookie", anon),
	}, {
		family: FamilyProxyLogon, name: "X-BEResource cookie",
		inputs:  []string{"HTTP_COOKIE"},
		need:    []string{beRes, beRes2},
		never:   ordinaryCookies,
		words:   []string{"x-beresource"},
		attacks: append(cookieReqs("an X-BEResource cookie", beRes), cookieReqs("an X-BEResource cookie", beRes2)...),
	}, {
		family: FamilyProxyNotShell, name: "autodiscover+powershell URL",
		inputs:   []string{"REQUEST_URI", "UNENCODED_URL", "HTTP_URL", "URL"},
		matchURL: true,
		need: []string{
			pnsPath + "?" + pnsQuery("Powershell"), pnsPath + "?" + urlDecode(pnsQuery("Powershell")),
			pnsPath + "?" + pnsQuery("powershell"), pnsPath + "?" + urlDecode(pnsQuery("powershell")),
		},
		never: []string{
			pnsPath + "?Email=user%40contoso.com&Protocol=ActiveSync&RedirectCount=1",
			pnsPath + "?Email=user@contoso.com&Protocol=Rest&RedirectCount=1",
			"/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml",
			"/powershell/?serializationLevel=Full;ExchClientVer=15.2.1118.7;clientApplication=ManagementShell;TargetServer=;PSVersion=5.1.17763.592",
			"/PowerShell?PSVersion=5.1.17763.592",
			"/owa/auth/logon.aspx?replaceCurrent=1&url=https%3a%2f%2fmail.contoso.com%2fowa%2f",
		},
		words:   []string{"autodiscover", "powershell"},
		attacks: []request{pnsAttack},
		variants: []request{
			{desc: `the same request with "powershell" in lower case`, path: pnsPath, query: pnsQuery("powershell")},
			{desc: `the same request with "powershell" percent-encoded (%50owershell)`, path: pnsPath, query: pnsQuery("%50owershell")},
		},
		pathOnlyNote: `{URL} and the match url hold only the path, and the exploit carries "powershell" in the query string ` +
			`(Microsoft's guidance changes the input to {REQUEST_URI}, later {UrlDecode:{REQUEST_URI}})`,
	}}
}

// candidate is a rule that plays a role.
type candidate struct {
	idx      int
	role     int
	active   bool
	covers   bool // blocks every published request of the role, not shadowed
	pathOnly bool // every key reads only the path
	notes    []string
}

func (c candidate) rank() int {
	switch {
	case c.active && c.covers:
		return 3
	case c.active:
		return 2
	}
	return 1
}

// Mitigations recognises Microsoft's URL Rewrite mitigations in rules, by what the rules do,
// never by their names. rules are the inbound rules that apply, in the order IIS runs them
// (global rules first, then parent scopes before child scopes); WebConfig.Rewrite is one file's
// list in document order.
//
// A rule plays a part when its action refuses the request (AbortRequest, or a CustomResponse
// with a 4xx status) and one of its conditions (not negated) reads the right input with a pattern
// that needs the attack's marker: it matches the published attack value and none of a set of
// ordinary values. ProxyLogon needs two parts: a condition on {HTTP_COOKIE} that needs
// X-AnonResource-Backend and one that needs the X-BEResource=<host>/<path>~<n> shape (one rule
// may play both). ProxyNotShell needs a condition on {REQUEST_URI}, {UrlDecode:{REQUEST_URI}},
// {UNENCODED_URL}, {HTTP_URL} or {URL} (or the match url) whose pattern needs both
// "autodiscover" and "powershell" (a pattern that misses the lower-case or percent-encoded
// spelling gets a note). The rule is then run against the published requests: a part that
// does not block them all (narrowed match url, an extra MatchAll condition, {URL} which holds no
// query string, an earlier rule that stops processing first) makes the mitigation partial.
//
// One Mitigation per family that has any part, ProxyLogon first; nil when none.
func Mitigations(rules []RewriteRule) []Mitigation {
	rs := roles()
	cache := patterns{}
	shadow := shadows(rules, rs, cache)
	best := make([]*candidate, len(rs))
	for i := range rules {
		r := &rules[i]
		okAct, abort := blocks(r.Action)
		if !okAct {
			continue
		}
		cr := compileRule(r, cache)
		for ri := range rs {
			c, ok := playsRole(cr, i, &rs[ri], shadow[ri], rules)
			if !ok {
				continue
			}
			c.role = ri
			if !abort {
				c.notes = append(c.notes, fmt.Sprintf("rule %q answers with status %s instead of aborting the connection: "+
					"a remote check sees an error page, not a reset", r.Name, clip(strings.TrimSpace(r.Action.StatusCode))))
			}
			for _, pr := range r.Problems {
				c.notes = append(c.notes, fmt.Sprintf("rule %q: %s", r.Name, pr))
			}
			if best[ri] == nil || c.rank() > best[ri].rank() {
				best[ri] = &c
			}
		}
	}
	var out []Mitigation
	for _, fam := range []string{FamilyProxyLogon, FamilyProxyNotShell} {
		if m, ok := assemble(fam, rules, rs, best); ok {
			out = append(out, m)
		}
	}
	return out
}

// playsRole decides whether the rule (rules[i], compiled) plays the role and how well.
func playsRole(cr *crule, i int, ro *role, sh shadowAt, rules []RewriteRule) (candidate, bool) {
	r := cr.r
	c := candidate{idx: i, active: r.Enabled && r.RemovedAt == 0, pathOnly: true}
	found := false
	for k, cond := range r.Conditions.Items {
		if cond.Negate {
			continue
		}
		if mt := strings.TrimSpace(cond.MatchType); mt != "" && !strings.EqualFold(mt, "Pattern") {
			continue
		}
		name, fns, ok := parseInput(cond.Input)
		if !ok || !slices.ContainsFunc(ro.inputs, func(s string) bool { return strings.EqualFold(s, name) }) {
			continue
		}
		if slices.ContainsFunc(fns, func(f string) bool { return !strings.EqualFold(f, "UrlDecode") }) {
			continue
		}
		if !needsMarker(cr.conds[k], cond.Pattern, ro, r.Name, &c.notes, false) {
			continue
		}
		found = true
		if !strings.EqualFold(name, "URL") {
			c.pathOnly = false
		}
	}
	if ro.matchURL && !r.Match.Negate && r.Match.Written && needsMarker(cr.match, r.Match.URL, ro, r.Name, &c.notes, true) {
		found = true
	}
	if !found {
		return c, false
	}
	// One note per kind of miss is enough: the requests differ only in their path.
	c.covers = true
	var saidNo, saidUnknown bool
	for _, req := range ro.attacks {
		switch cr.eval(req) {
		case no:
			c.covers = false
			if !saidNo {
				saidNo = true
				note := fmt.Sprintf("rule %q does not block %s", r.Name, req.desc)
				if c.pathOnly && ro.pathOnlyNote != "" {
					note += ": " + ro.pathOnlyNote
				}
				c.notes = append(c.notes, note)
			}
		case unknown:
			c.covers = false
			if !saidUnknown {
				saidUnknown = true
				c.notes = append(c.notes, fmt.Sprintf("rule %q may not block %s: it depends on something this check cannot evaluate "+
					"(another condition, a server variable, a pattern)", r.Name, req.desc))
			}
		}
	}
	if c.covers {
		for _, req := range ro.variants {
			if cr.eval(req) != yes {
				c.notes = append(c.notes, fmt.Sprintf("rule %q does not block %s", r.Name, req.desc))
			}
		}
		if c.active && sh.j >= 0 && sh.j < i {
			c.covers = false
			c.notes = append(c.notes, fmt.Sprintf("earlier rule %q stops rule processing before rule %q for %s", rules[sh.j].Name, r.Name, sh.req.desc))
		}
	}
	return c, true
}

// needsMarker says whether a key pattern needs the role's marker. A pattern Go cannot run is
// judged by its text (all marker words, no alternation), with a note.
func needsMarker(p pattern, text string, ro *role, rule string, notes *[]string, matchURL bool) bool {
	if p.why != "" {
		t := strings.ToLower(strings.ReplaceAll(text, `\`, ""))
		for _, w := range ro.words {
			if !strings.Contains(t, w) {
				return false
			}
		}
		if strings.Contains(t, "|") || strings.Contains(t, "(?!") {
			return false
		}
		*notes = append(*notes, fmt.Sprintf("rule %q: pattern %q was recognised by its text, not run (%s)", rule, clip(text), p.why))
		return true
	}
	hit := false
	for _, s := range ro.need {
		if matchURL {
			s = strings.TrimPrefix(s, "/")
		}
		if p.match(s) == yes {
			hit = true
			break
		}
	}
	if !hit {
		return false
	}
	for _, s := range ro.never {
		if matchURL {
			s = strings.TrimPrefix(s, "/")
		}
		if p.match(s) != no {
			return false
		}
	}
	return true
}

// shadowAt is, for one role, the first rule that shadows later ones (-1 if none) and the
// request it lets through.
type shadowAt struct {
	j   int
	req request
}

// shadows finds, for each role, the first rule in force that selects one of its published
// requests and stops rule processing without refusing it (action None or Rewrite with
// stopProcessing): mitigation rules after it never run for that request. One pass over the
// rules, so the check stays linear in their number.
func shadows(rules []RewriteRule, rs []role, cache patterns) []shadowAt {
	out := make([]shadowAt, len(rs))
	left := len(rs)
	for ri := range out {
		out[ri].j = -1
	}
	for j := range rules {
		e := &rules[j]
		if !e.Enabled || e.RemovedAt != 0 || !e.StopProcessing {
			continue
		}
		if t := strings.TrimSpace(e.Action.Type); t != "" && !strings.EqualFold(t, "None") && !strings.EqualFold(t, "Rewrite") {
			continue
		}
		cr := compileRule(e, cache)
		for ri := range rs {
			if out[ri].j >= 0 {
				continue
			}
			for _, req := range rs[ri].attacks {
				if cr.eval(req) == yes {
					out[ri] = shadowAt{j, req}
					left--
					break
				}
			}
		}
		if left == 0 {
			break
		}
	}
	return out
}

// assemble builds the family's Mitigation from the best rule for each of its roles.
func assemble(fam string, rules []RewriteRule, rs []role, best []*candidate) (Mitigation, bool) {
	m := Mitigation{Family: fam}
	var parts, active, covering int
	var missing []string
	var wheres, places []string
	var idxs []int
	note := func(n string) {
		if !slices.Contains(m.Notes, n) {
			m.Notes = append(m.Notes, n)
		}
	}
	for ri := range rs {
		if rs[ri].family != fam {
			continue
		}
		parts++
		c := best[ri]
		if c == nil {
			missing = append(missing, rs[ri].name)
			continue
		}
		r := &rules[c.idx]
		m.Parts = append(m.Parts, MitigationPart{Scope: r.Scope, Role: rs[ri].name, Rule: r.Name, Active: c.active})
		if !slices.Contains(idxs, c.idx) {
			idxs = append(idxs, c.idx)
		}
		if w := r.Where(); !slices.Contains(wheres, w) {
			wheres = append(wheres, w)
		}
		if pl := strconv.FormatBool(r.InLocation) + r.Location; !slices.Contains(places, pl) {
			places = append(places, pl)
		}
		switch {
		case !r.Enabled:
			note(fmt.Sprintf("rule %q is disabled", r.Name))
		case r.RemovedAt != 0:
			note(fmt.Sprintf("rule %q is taken out by a <clear/> or <remove/> at line %d", r.Name, r.RemovedAt))
		}
		for _, n := range c.notes {
			note(n)
		}
		if c.active {
			active++
			if c.covers {
				covering++
			}
		}
	}
	if len(m.Parts) == 0 {
		return m, false
	}
	for _, n := range missing {
		note("no rule blocks the " + n)
	}
	slices.Sort(idxs)
	for _, i := range idxs {
		m.Rules = append(m.Rules, rules[i].Name)
	}
	m.Where = strings.Join(wheres, "; ")
	if len(places) > 1 {
		note("the rules are in different <location> sections; each covers only its own path")
	}
	switch {
	case covering == parts:
		m.Status = StatusPresent
	case active > 0:
		m.Status = StatusPartial
	default:
		m.Status = StatusDisabled
	}
	return m, true
}
