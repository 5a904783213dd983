package scan

import (
	"fmt"
	"strings"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/scan/signals"
	"github.com/exsweep/exsweep/internal/scan/wire"
)

// Check results.
const (
	checkVulnerable    = "vulnerable"
	checkNotVulnerable = "not-vulnerable"
	checkMitigated     = "mitigated"
	checkNotMitigated  = "not-mitigated"
	checkInconclusive  = "inconclusive"
)

// Mitigations and the families they cover (scan spec, "Mitigated but not patched"). The
// ProxyNotShell rule does not cover OWASSRF: that bypass is what OWASSRF was.
const (
	mitProxyLogonRewrite    = "proxylogon-url-rewrite"
	mitPoolsStopped         = "ecp-oab-pools-stopped"
	mitProxyNotShellRewrite = "proxynotshell-url-rewrite"
)

func mitigationFamilies(name string) []string {
	switch name {
	case mitProxyLogonRewrite, mitPoolsStopped:
		return []string{"ProxyLogon"}
	case mitProxyNotShellRewrite:
		return []string{"ProxyNotShell"}
	}
	return nil
}

// activeChecks sends the opt-in safe checks and folds their answers into the families.
func activeChecks(ss *session, h *finding.ScanHost) {
	// ProxyLogon SSRF, on a fresh connection so that "no response" means the server aborted it.
	r, err := ss.get(reqSSRF, true)
	switch {
	case err == nil && strings.Contains(strings.ToLower(r.Header.Get("X-CalculatedBETarget")), "localhost"):
		check(h, reqSSRF, checkVulnerable, fmt.Sprintf("HTTP %d with X-CalculatedBETarget: %s", r.Status, finding.EscapeString(r.Header.Get("X-CalculatedBETarget"))))
		confirm(h, "ProxyLogon", reqSSRF)
	case err == nil:
		check(h, reqSSRF, checkNotVulnerable, fmt.Sprintf("HTTP %d without X-CalculatedBETarget naming localhost", r.Status))
	case wire.KindOf(err) == wire.KindAborted:
		c, cerr := ss.get(reqSSRFControl, true)
		if cerr == nil {
			check(h, reqSSRF, checkMitigated, fmt.Sprintf("no response to the cookie, HTTP %d without it: the URL Rewrite AbortRequest rules", c.Status))
			mitigate(h, mitProxyLogonRewrite, "the ProxyLogon check was aborted while the same request without the cookie was answered")
		} else {
			check(h, reqSSRF, checkInconclusive, "no response, with or without the cookie")
		}
	default:
		check(h, reqSSRF, checkInconclusive, shortErr(err))
	}

	// ProxyShell SSRF, and its second opinion when the first is not conclusive.
	shellAnswered := false
	r, err = ss.get(reqShell, false)
	switch {
	case err == nil && r.Status == 200 && signals.HasMAPITitle(r.Body):
		shellAnswered = true
		check(h, reqShell, checkVulnerable, "HTTP 200 titled \"Exchange MAPI/HTTP Connectivity Endpoint\"")
		confirm(h, "ProxyShell", reqShell)
	default:
		shellAnswered = err == nil
		r2, err2 := ss.get(reqShellOWA, false)
		switch {
		case err2 == nil && r2.Status == 302 && exchangeRedirect(r2):
			if buildSays(h, "ProxyShell") == finding.FixFixed {
				// A redirect alone does not overturn an exact fixed build: say so, decide nothing.
				check(h, reqShell, checkInconclusive, "the /owa/ variant answered 302 to the OWA logon page, but the build has the fix")
				h.Warnings = append(h.Warnings, "ProxyShell: the second-opinion check answered like a vulnerable server, the build says fixed; check by hand")
			} else {
				check(h, reqShell, checkVulnerable, "the /owa/ variant answered 302 to the OWA logon page")
				confirm(h, "ProxyShell", reqShellOWA)
			}
		case err2 == nil && r2.Status == 302:
			check(h, reqShell, checkInconclusive, "the /owa/ variant answered 302 elsewhere (a single sign-on portal or a proxy, not Exchange's redirect)")
		case err2 == nil && r2.Status == 400:
			check(h, reqShell, checkNotVulnerable, "the /owa/ variant answered 400")
		case err2 == nil:
			check(h, reqShell, checkInconclusive, fmt.Sprintf("HTTP %d, then %d for the /owa/ variant", statusOf(r), r2.Status))
		default:
			check(h, reqShell, checkInconclusive, shortErr(err2))
		}
		shellAnswered = shellAnswered || err2 == nil
	}

	// ProxyNotShell mitigation: the same autodiscover shape with "powershell" is aborted.
	_, err = ss.get(reqNotShell, true)
	switch {
	case err == nil:
		check(h, reqNotShell, checkNotMitigated, "answered")
	case wire.KindOf(err) == wire.KindAborted && shellAnswered:
		check(h, reqNotShell, checkMitigated, "aborted, while the same request without \"powershell\" was answered")
		mitigate(h, mitProxyNotShellRewrite, "a request holding autodiscover and powershell was aborted; the ProxyShell check, without powershell, was answered")
	default:
		check(h, reqNotShell, checkInconclusive, shortErr(err))
	}

	// Interim mitigation: the ECP and OAB pools stopped while OWA answers. A whole site (or a
	// load balancer) answering 503 is not that.
	owaUp := len(h.Requests) > 0 && h.Requests[0].Status > 0 && h.Requests[0].Status < 500
	ecp, e1 := ss.get(reqECP, false)
	oab, e2 := ss.get(reqOAB, false)
	switch {
	case e1 == nil && e2 == nil && ecp.Status == 503 && oab.Status == 503 && owaUp:
		check(h, "ecp-oab-pools", checkMitigated, "/ecp/ and /oab/ answer 503 while /owa/ answers")
		mitigate(h, mitPoolsStopped, "/ecp/ and /oab/ answer 503 (application pools stopped) while the OWA logon page answers")
	case e1 == nil && e2 == nil && ecp.Status == 503 && oab.Status == 503:
		check(h, "ecp-oab-pools", checkInconclusive, "/ecp/ and /oab/ answer 503, and so does the OWA logon page: the whole site is down")
	case e1 == nil && e2 == nil:
		check(h, "ecp-oab-pools", checkNotMitigated, fmt.Sprintf("/ecp/ %d, /oab/ %d", ecp.Status, oab.Status))
	default:
		check(h, "ecp-oab-pools", checkInconclusive, "no answer from /ecp/ or /oab/")
	}
}

// exchangeRedirect: a 302 from Exchange itself (its headers) to its own OWA logon page.
func exchangeRedirect(r *wire.Response) bool {
	loc := strings.ToLower(r.Header.Get("Location"))
	own := r.Header.Get("X-FEServer") != "" || signals.RequestID(r.Header)
	return own && strings.Contains(loc, "/owa/auth/logon.aspx")
}

// buildSays is a family's status as the build decided it.
func buildSays(h *finding.ScanHost, family string) string {
	for _, f := range h.Families {
		if f.Family == family {
			return f.Status
		}
	}
	return ""
}

func statusOf(r *wire.Response) int {
	if r == nil {
		return 0
	}
	return r.Status
}

func check(h *finding.ScanHost, name, result, evidence string) {
	h.Checks = append(h.Checks, finding.Check{Name: name, Result: result, Evidence: evidence})
}

// confirm: an active check proved the family open, whatever the build said.
func confirm(h *finding.ScanHost, family, req string) {
	for i := range h.Families {
		f := &h.Families[i]
		if f.Family != family {
			continue
		}
		if f.Status == finding.FixFixed {
			h.Warnings = append(h.Warnings, fmt.Sprintf("%s: the build says fixed, the %s check says vulnerable: the check wins", family, req))
		}
		f.Status, f.Reason, f.Signal = finding.FixVulnerable, "", "active check "+req
		if f.Why == "" || !strings.Contains(f.Why, "check") {
			f.Why = strings.TrimSpace(f.Why + " The active check " + req + " confirmed it.")
		}
	}
}

// mitigate records a mitigation and marks the vulnerable families it covers.
func mitigate(h *finding.ScanHost, name, evidence string) {
	fams := mitigationFamilies(name)
	h.Mitigations = append(h.Mitigations, finding.Mitigation{Name: name, Families: fams, Evidence: evidence})
	for i := range h.Families {
		f := &h.Families[i]
		for _, fam := range fams {
			if f.Family == fam && f.Status == finding.FixVulnerable && !strings.HasPrefix(f.Signal, "active check") {
				f.Status = finding.FixMitigated
				f.Why = strings.TrimSpace(f.Why + " Mitigated (" + name + "); a CU upgrade removes the rewrite rules, so install the update.")
			}
		}
	}
}
