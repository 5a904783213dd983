package scan

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/scan/signals"
	"github.com/exsweep/exsweep/internal/scan/wire"
)

// Marker groups: two markers of the same group are not independent (a copied page carries its
// title and its resource paths together), so a host is Exchange only with two groups.
const (
	markPage     = "owa-logon-page"
	markFEServer = "x-feserver"
	markVersion  = "x-owa-version"
	markAuth     = "ews-auth-challenge"
	markManifest = "exporttool-manifest"
	markBackend  = "backend-header"
)

// Build signals.
const (
	sigOWAVersion = "x-owa-version"
	sigManifest   = "exporttool-manifest"
	sigLegacyPath = "owa-legacy-resource-path"
	sigCUPath     = "owa-resource-path"
)

// evidence collects what the responses said.
type evidence struct {
	markers map[string]finding.Marker
	exact   []finding.BuildSeen // four-part builds
	cu      string              // three parts from the logon page
	servers map[string]bool
	online  []string // why it looks like Exchange Online
	mixed   bool
	// unsampled: the second 401 sample failed, so the lowest build may not have been seen.
	unsampled bool
}

func (e *evidence) mark(name, req, value string) {
	if _, ok := e.markers[name]; !ok {
		e.markers[name] = finding.Marker{Name: name, Request: req, Value: finding.EscapeString(value)}
	}
}

// headers reads the identity headers every Exchange response may carry.
func (e *evidence) headers(req string, h http.Header) {
	servers := signals.Servers(h)
	for _, k := range signals.ServerHeaders() { // in order: the same report every run
		v, ok := servers[k]
		if !ok {
			continue
		}
		e.servers[v] = true
		if k == "X-FEServer" {
			e.mark(markFEServer, req, v)
		} else {
			e.mark(markBackend, req, k+": "+v)
		}
		if signals.OnlineName(v) {
			e.online = append(e.online, k+" "+v)
		}
	}
	if v := signals.OWAVersion(h); v != "" {
		e.mark(markVersion, req, v)
		e.exact = append(e.exact, finding.BuildSeen{Build: v, Signal: sigOWAVersion, Request: req})
	}
}

func (e *evidence) exactBuild() bool { return len(e.exact) > 0 }

// ladder runs the requests for one host and fills h.
func ladder(ss *session, h *finding.ScanHost, cat *catalog.Catalog, active bool) {
	ev := &evidence{markers: map[string]finding.Marker{}, servers: map[string]bool{}}

	// 1. The logon page.
	r, err := ss.get(reqLogon, false)
	switch {
	case err != nil && !ss.connected:
		unreachable(h, err)
		return
	case err != nil && (wire.KindOf(err) == wire.KindTimeout || phaseOf(err) == "tls"):
		// Connected, then no answer in time (a tarpit, a hung server) or no TLS: every further
		// request would cost the same; one is enough to say so.
		h.Status, h.Reason = finding.ScanFailed, shortErr(err)
		return
	}
	req := "GET " + requestByName(reqLogon).Target
	if r != nil {
		ev.headers(req, r.Header)
		if r.Status == 200 {
			l := signals.LogonPage(r.Body)
			if l.OWATitle && (l.CU != "" || l.Legacy != "") {
				ev.mark(markPage, req, fmt.Sprintf("title %q, resources of %s", l.Title, l.CU+l.Legacy))
			} else if l.OWATitle {
				// A title alone is what look-alikes copy first: a weak marker, in the same group.
				ev.mark(markPage, req, fmt.Sprintf("title %q only", l.Title))
			}
			if l.CU != "" {
				ev.cu = l.CU
			}
			if l.Legacy != "" {
				ev.exact = append(ev.exact, finding.BuildSeen{Build: l.Legacy, Signal: sigLegacyPath, Request: req})
			}
			ev.mixed = l.Mixed
		}
	}

	// 2. The EWS 401, and a second 401 sample when the first gave a build.
	for _, name := range []string{reqEWS, reqOWAService} {
		if name == reqOWAService && !ev.exactBuild() {
			break
		}
		// The second sample goes over a new connection: a layer-4 load balancer keeps a
		// connection on one back end, and another back end is what the sample is for.
		r, err := ss.get(name, name == reqOWAService)
		if err != nil && !ss.connected {
			unreachable(h, err)
			return
		}
		if r == nil {
			if name == reqOWAService && ev.exactBuild() {
				// Behind a load balancer the back end that did not answer may be the older one.
				h.Warnings = append(h.Warnings, "the second 401 sample got no answer ("+shortErr(err)+"): another back end may run an older build")
				ev.unsampled = true
			}
			continue
		}
		req := "GET " + requestByName(name).Target
		ev.headers(req, r.Header)
		if r.Status == 401 {
			c := signals.Challenges(r.Header)
			switch {
			case c.Online:
				ev.mark(markAuth, req, "Bearer with Exchange Online's client id and issuer")
				ev.online = append(ev.online, "WWW-Authenticate: Bearer client_id="+signals.OnlineClientID)
			case (c.Negotiate || c.NTLM) && signals.RequestID(r.Header):
				// request-id is Exchange's own header: Windows authentication on a path named
				// EWS is not enough, any IIS can be set up so.
				ev.mark(markAuth, req, "401 Negotiate/NTLM with a request-id")
			}
		}
	}

	// 3. The export tool manifest, when no 401 named the build and the host looks like Exchange.
	if !ev.exactBuild() && len(ev.markers) > 0 {
		r, _ := ss.get(reqManifest, false)
		if r != nil {
			req := "GET " + requestByName(reqManifest).Target
			ev.headers(req, r.Header)
			if r.Status == 200 {
				if v := signals.Manifest(r.Body); v != "" {
					ev.mark(markManifest, req, v)
					ev.exact = append(ev.exact, finding.BuildSeen{Build: v, Signal: sigManifest, Request: req})
				}
			}
		}
	}
	if ev.cu != "" {
		h.BuildsSeen = append(h.BuildsSeen, finding.BuildSeen{Build: ev.cu, Signal: sigCUPath, Request: "GET " + requestByName(reqLogon).Target})
	}
	if ss.ctx.Err() != nil || !classify(h, ev, ss) {
		return
	}
	judge(h, ev, cat)
	if active && h.Status == finding.ScanExchange && !ss.stopped() {
		activeChecks(ss, h)
	}
}

// unreachable records a host no request reached.
func unreachable(h *finding.ScanHost, err error) {
	switch wire.KindOf(err) {
	case wire.KindRefused, wire.KindNetwork, wire.KindTransient:
		h.Status = finding.ScanUnreachable
	case wire.KindTimeout:
		var we *wire.Error
		if errors.As(err, &we) && we.Phase == "connect" {
			h.Status = finding.ScanUnreachable
		} else {
			h.Status = finding.ScanFailed
		}
	default:
		h.Status = finding.ScanFailed
	}
	h.Reason = shortErr(err)
}

// onPremises reports whether a build number belongs to an on-premises product (2007 to SE).
func onPremises(v catalog.Version) bool {
	p := catalog.ProductOf(v)
	return p != "" && p != catalog.ProductOnline
}

// classify decides the host's status from the markers; false when there is nothing more to judge.
func classify(h *finding.ScanHost, ev *evidence, ss *session) bool {
	for _, m := range ev.markers {
		h.Markers = append(h.Markers, m)
	}
	sort.Slice(h.Markers, func(i, j int) bool { return h.Markers[i].Name < h.Markers[j].Name })
	for s := range ev.servers {
		h.Servers = append(h.Servers, s)
	}
	sort.Strings(h.Servers)
	h.BuildsSeen = append(ev.exact, h.BuildsSeen...)

	onlineBuild, onPremBuild := false, false
	versions := []string{}
	for _, b := range ev.exact {
		if v, err := catalog.ParseBuild(b.Build); err == nil {
			versions = append(versions, b.Build)
			onlineBuild = onlineBuild || catalog.ProductOf(v) == catalog.ProductOnline
			onPremBuild = onPremBuild || onPremises(v)
		}
	}
	if v, err := catalog.ParseCU(ev.cu); err == nil {
		onlineBuild = onlineBuild || catalog.ProductOf(v) == catalog.ProductOnline
		onPremBuild = onPremBuild || onPremises(v)
	}
	failed := firstError(h)
	switch {
	case ss.answered == 0:
		h.Status = finding.ScanFailed
		h.Reason = failed
		return false
	case onPremBuild && (len(ev.online) > 0 || onlineBuild):
		// Hybrid set-ups send Online's headers from an on-premises server: an on-premises build
		// is never hidden behind them.
		why := strings.Join(uniq(ev.online), "; ")
		if why == "" {
			why = "a 15.20 build"
		}
		h.Warnings = append(h.Warnings, "Exchange Online signals ("+why+") next to an on-premises build: judged as on-premises")
	case len(ev.online) > 0 || onlineBuild:
		h.Status = finding.ScanOnline
		h.Reason = "Exchange Online (Microsoft 365): " + strings.Join(uniq(ev.online), "; ")
		if len(ev.online) == 0 {
			h.Reason = "Exchange Online (Microsoft 365): a 15.20 build"
		}
		h.Families = nil
		return false
	}
	switch {
	case len(ev.markers) >= 2:
		h.Status = finding.ScanExchange
		return true
	case len(ev.markers) == 1 && failed != "":
		// One marker and a request that got no answer: not enough to judge either way.
		h.Status = finding.ScanFailed
		h.Reason = "one Exchange marker (" + h.Markers[0].Name + "), then " + failed
		return false
	case len(ev.markers) == 1:
		h.Status = finding.ScanNotExchange
		h.Reason = "look-alike: one Exchange marker (" + h.Markers[0].Name + ") and nothing that agrees with it"
		return false
	}
	h.Status = finding.ScanNotExchange
	h.Reason = "no Exchange marker"
	if failed != "" {
		h.Reason += " (" + failed + ")"
	}
	return false
}

// judge picks the build to show and decides every family from the catalog. Every distinct
// on-premises build seen is looked up, and so is the logon page's CU when no exact build is of that
// CU; each family takes the worst answer among them. Behind a load balancer any back end can be
// reached, and the front end that served the logon page is what an attacker reaches first, so
// "the lowest build" is not enough: CU20 RTM lacks a fix that CU19 May21SU has.
func judge(h *finding.ScanHost, ev *evidence, cat *catalog.Catalog) {
	type candidate struct {
		v      catalog.Version
		cuOnly bool
		signal string
	}
	var cands []candidate
	seen := map[catalog.Version]bool{}
	products := map[string]bool{}
	for _, b := range ev.exact {
		v, err := catalog.ParseBuild(b.Build)
		if err != nil || !onPremises(v) || seen[v] {
			continue // Exchange Online numbers next to an on-premises build say nothing of it
		}
		seen[v] = true
		products[fmt.Sprintf("%d.%d", v.Major, v.Minor)] = true
		cands = append(cands, candidate{v: v, signal: b.Signal})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].v.Less(cands[j].v) })
	if cuV, err := catalog.ParseCU(ev.cu); err == nil && onPremises(cuV) {
		products[fmt.Sprintf("%d.%d", cuV.Major, cuV.Minor)] = true
		covered := false
		for _, c := range cands {
			covered = covered || c.v.SameCU(cuV)
		}
		if !covered {
			cands = append(cands, candidate{v: cuV, cuOnly: true, signal: sigCUPath})
		}
	}
	h.Confidence = "high"
	if len(products) > 1 {
		h.Confidence = "low"
		h.Warnings = append(h.Warnings, "the signals name different products: "+strings.Join(keys(products), ", ")+"; honeypot or mixed versions behind one name")
	}
	if ev.mixed {
		h.Confidence = "low"
		h.Warnings = append(h.Warnings, "the logon page refers to several versions: a stitched or copied page")
	}
	if ev.unsampled && h.Confidence == "high" {
		h.Confidence = "medium"
	}
	if len(cands) == 0 {
		h.Families = unknownFamilies(cat, "build-unknown")
		h.Confidence = ""
		return
	}

	// The build shown: the lowest exact one, else the CU.
	shown := cands[0]
	h.Build, h.BuildExact, h.BuildFrom = shown.v.String(), !shown.cuOnly, shown.signal
	if shown.cuOnly {
		h.Build = shown.v.CUString()
	}
	if (shown.cuOnly || shown.signal == sigLegacyPath) && h.Confidence == "high" {
		h.Confidence = "medium"
	}
	var results []*catalog.Result
	var labels []string
	cus := map[string]bool{}
	for _, c := range cands {
		var res *catalog.Result
		var err error
		label := "build " + c.v.String() + " (" + c.signal + ")"
		if c.cuOnly {
			res, err = cat.LookupCU(c.v)
			label = "CU " + c.v.CUString() + " (" + c.signal + ")"
		} else {
			res, err = cat.Lookup(c.v)
		}
		if err != nil {
			h.Warnings = append(h.Warnings, err.Error())
			continue
		}
		cus[c.v.CUString()] = true
		results = append(results, res)
		labels = append(labels, label)
	}
	if len(results) == 0 {
		h.Families = unknownFamilies(cat, "not-in-catalog")
		return
	}
	if len(cus) > 1 {
		if h.Confidence == "high" {
			h.Confidence = "medium"
		}
		h.Warnings = append(h.Warnings, "several CUs answered ("+strings.Join(labels, ", ")+"): each family takes the worst of them")
	}
	base := results[0]
	h.Product, h.ProductName, h.CU, h.Update = base.Product, base.ProductName, base.CU, base.Update
	for i := range base.Families {
		v, label := base.Families[i], labels[0]
		for k := 1; k < len(results); k++ {
			if i < len(results[k].Families) && worse(results[k].Families[i].Status, v.Status) {
				v, label = results[k].Families[i], labels[k]
			}
		}
		fs := finding.FamilyStatus{Family: v.Family, CVEs: v.CVEs, Status: string(v.Status), Reason: v.Reason, Why: v.Why, Signal: label}
		if v.Install != nil {
			fs.Install = &finding.FixInstall{Name: v.Install.Name, KB: v.Install.KB, Build: v.Install.Build, CUUpgradeFirst: v.Install.CUUpgradeFirst, CU: v.Install.CU}
		}
		h.Families = append(h.Families, fs)
	}
}

// worse: vulnerable is worse than unknown, unknown than fixed.
func worse(a, b catalog.Status) bool {
	rank := func(s catalog.Status) int {
		switch s {
		case catalog.Vulnerable:
			return 2
		case catalog.Unknown:
			return 1
		}
		return 0
	}
	return rank(a) > rank(b)
}

func unknownFamilies(cat *catalog.Catalog, reason string) []finding.FamilyStatus {
	out := make([]finding.FamilyStatus, 0, len(cat.Families))
	for _, f := range cat.Families {
		out = append(out, finding.FamilyStatus{Family: f.Name, CVEs: f.CVEs, Status: finding.FixUnknown, Reason: reason})
	}
	return out
}

func certNames(st *tls.ConnectionState) []string {
	c := st.PeerCertificates[0]
	seen := map[string]bool{}
	var out []string
	for _, n := range append([]string{c.Subject.CommonName}, c.DNSNames...) {
		n = finding.EscapeString(strings.ToLower(n))
		if n != "" && !seen[n] && len(out) < 32 {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// firstError is the error of the first request that got no answer, "" when every request was
// answered. A body cut by our size cap is an answer; one cut by a deadline is not: the page may
// have held the markers that were missed.
func firstError(h *finding.ScanHost) string {
	for _, r := range h.Requests {
		if (r.Status == 0 && r.Error != "") || strings.HasPrefix(r.Error, "body: timeout") {
			return r.Error
		}
	}
	return ""
}

func shortErr(err error) string {
	var we *wire.Error
	if errors.As(err, &we) {
		return we.Short()
	}
	return err.Error()
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
