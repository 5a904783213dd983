package scan

import (
	"context"
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
}

func (e *evidence) mark(name, req, value string) {
	if _, ok := e.markers[name]; !ok {
		e.markers[name] = finding.Marker{Name: name, Request: req, Value: finding.EscapeString(value)}
	}
}

// headers reads the identity headers every Exchange response may carry.
func (e *evidence) headers(req string, h http.Header) {
	for k, v := range signals.Servers(h) {
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
func ladder(ctx context.Context, ss *session, h *finding.ScanHost, cat *catalog.Catalog, active bool) {
	ev := &evidence{markers: map[string]finding.Marker{}, servers: map[string]bool{}}

	// 1. The logon page.
	r, err := ss.get(ctx, reqLogon, false)
	if err != nil && ss.dialErr != nil && ss.answered == 0 {
		unreachable(h, err)
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
		r, err := ss.get(ctx, name, false)
		if err != nil && ss.answered == 0 && ss.dialErr != nil {
			unreachable(h, err)
			return
		}
		if r == nil {
			continue
		}
		req := "GET " + requestByName(name).Target
		nexact := len(ev.exact)
		ev.headers(req, r.Header)
		if r.Status == 401 {
			c := signals.Challenges(r.Header)
			switch {
			case c.Online:
				ev.mark(markAuth, req, "Bearer with Exchange Online's client id")
				ev.online = append(ev.online, "WWW-Authenticate: Bearer client_id="+signals.OnlineClientID)
			case (c.Negotiate || c.NTLM) && (signals.RequestID(r.Header) || len(ev.exact) > nexact):
				ev.mark(markAuth, req, "401 Negotiate/NTLM with request-id")
			}
		}
	}

	// 3. The export tool manifest, when no 401 named the build and the host looks like Exchange.
	if !ev.exactBuild() && len(ev.markers) > 0 {
		r, _ := ss.get(ctx, reqManifest, false)
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

	if !classify(h, ev, ss) {
		return
	}
	judge(h, ev, cat)
	if active && h.Status == finding.ScanExchange {
		activeChecks(ctx, ss, h)
	}
}

// unreachable records a host no request reached.
func unreachable(h *finding.ScanHost, err error) {
	switch wire.KindOf(err) {
	case wire.KindRefused, wire.KindNetwork, wire.KindTransient:
		h.Status = finding.ScanUnreachable
	case wire.KindTimeout:
		var we *wire.Error
		if asWire(err, &we) && we.Phase == "connect" {
			h.Status = finding.ScanUnreachable
		} else {
			h.Status = finding.ScanFailed
		}
	default:
		h.Status = finding.ScanFailed
	}
	h.Reason = shortErr(err)
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
	h.BuildsSeen = ev.exact

	onlineBuild := false
	for _, b := range ev.exact {
		if v, err := catalog.ParseBuild(b.Build); err == nil && catalog.ProductOf(v) == catalog.ProductOnline {
			onlineBuild = true
		}
	}
	switch {
	case ss.answered == 0:
		h.Status = finding.ScanFailed
		h.Reason = firstError(h)
		return false
	case len(ev.online) > 0 || onlineBuild:
		h.Status = finding.ScanOnline
		h.Reason = "Exchange Online (Microsoft 365): " + strings.Join(uniq(ev.online), "; ")
		if onlineBuild && len(ev.online) == 0 {
			h.Reason = "Exchange Online (Microsoft 365): a 15.20 build"
		}
		h.Families = nil
		return false
	case len(ev.markers) >= 2:
		h.Status = finding.ScanExchange
		return true
	case len(ev.markers) == 1:
		h.Status = finding.ScanNotExchange
		h.Reason = "look-alike: one Exchange marker (" + h.Markers[0].Name + ") and nothing that agrees with it"
		return false
	}
	h.Status = finding.ScanNotExchange
	h.Reason = "no Exchange marker"
	if e := firstError(h); e != "" && ss.answered < len(h.Requests) {
		h.Reason += " (" + e + ")"
	}
	return false
}

// judge picks the build and decides every family from the catalog.
func judge(h *finding.ScanHost, ev *evidence, cat *catalog.Catalog) {
	var lowest *finding.BuildSeen
	var lowestV catalog.Version
	products := map[string]bool{}
	for i := range ev.exact {
		b := &ev.exact[i]
		v, err := catalog.ParseBuild(b.Build)
		if err != nil {
			continue
		}
		products[fmt.Sprintf("%d.%d", v.Major, v.Minor)] = true
		if lowest == nil || v.Less(lowestV) {
			lowest, lowestV = b, v
		}
	}
	var cuV catalog.Version
	if ev.cu != "" {
		if v, err := catalog.ParseCU(ev.cu); err == nil {
			cuV = v
			products[fmt.Sprintf("%d.%d", v.Major, v.Minor)] = true
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

	var res *catalog.Result
	var err error
	switch {
	case lowest != nil:
		h.Build, h.BuildExact, h.BuildFrom = lowestV.String(), true, lowest.Signal
		if lowest.Signal == sigLegacyPath && h.Confidence == "high" {
			h.Confidence = "medium"
		}
		if ev.cu != "" && !lowestV.SameCU(cuV) && h.Confidence == "high" {
			h.Confidence = "medium"
			h.Warnings = append(h.Warnings, fmt.Sprintf("the logon page is of CU %s, the lowest back end answers %s: mixed builds, the lowest decides", ev.cu, h.Build))
		}
		res, err = cat.Lookup(lowestV)
	case ev.cu != "":
		h.Build, h.BuildFrom = cuV.CUString(), sigCUPath
		if h.Confidence == "high" {
			h.Confidence = "medium"
		}
		res, err = cat.LookupCU(cuV)
	default:
		h.Families = unknownFamilies(cat, "build-unknown")
		h.Confidence = ""
		return
	}
	if err != nil {
		h.Warnings = append(h.Warnings, err.Error())
		h.Families = unknownFamilies(cat, "not-in-catalog")
		return
	}
	h.Product, h.ProductName, h.CU, h.Update = res.Product, res.ProductName, res.CU, res.Update
	for _, v := range res.Families {
		fs := finding.FamilyStatus{Family: v.Family, CVEs: v.CVEs, Status: string(v.Status), Reason: v.Reason, Why: v.Why, Signal: "build " + h.Build + " (" + h.BuildFrom + ")"}
		if v.Install != nil {
			fs.Install = &finding.FixInstall{Name: v.Install.Name, KB: v.Install.KB, Build: v.Install.Build, CUUpgradeFirst: v.Install.CUUpgradeFirst, CU: v.Install.CU}
		}
		h.Families = append(h.Families, fs)
	}
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

func firstError(h *finding.ScanHost) string {
	for _, r := range h.Requests {
		if r.Error != "" {
			return r.Error
		}
	}
	return ""
}

func shortErr(err error) string {
	var we *wire.Error
	if asWire(err, &we) {
		return we.Short()
	}
	return err.Error()
}

func asWire(err error, we **wire.Error) bool { return errors.As(err, we) }

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
