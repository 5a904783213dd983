package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Verdicts by gravity.
const (
	vClean = iota
	vProbed
	vAttempted
	vCompromised
)

var verdictNames = []string{"CLEAN", "PROBED", "ATTEMPTED", "COMPROMISED"}

// verdict reads a verdict written as a name (any case) or as its number.
type verdict int

func (v *verdict) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int
		if err2 := json.Unmarshal(b, &n); err2 != nil || n < vClean || n > vCompromised {
			return fmt.Errorf("bad verdict %s", b)
		}
		*v = verdict(n)
		return nil
	}
	x, err := parseVerdict(s)
	*v = x
	return err
}

func parseVerdict(s string) (verdict, error) {
	for i, n := range verdictNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return verdict(i), nil
		}
	}
	return 0, fmt.Errorf("unknown verdict %q", s)
}

func (v verdict) String() string {
	if v < vClean || v > vCompromised {
		return "verdict(" + strconv.Itoa(int(v)) + ")"
	}
	return verdictNames[v]
}

// truth is the part of loggen's ground-truth.json the check needs.
type truth struct {
	Chains []struct {
		ID       int    `json:"id"`
		Kind     string `json:"kind"`
		ClientIP string `json:"client_ip"`
		Expected string `json:"expected_verdict"`
		Rows     []struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"rows"`
	} `json:"chains"`
}

// report is the part of an exsweep JSON report the check needs.
type report struct {
	Hosts []struct {
		Host      string     `json:"host"`
		Verdict   verdict    `json:"verdict"`
		Incidents []incident `json:"incidents"`
	} `json:"hosts"`
}

type incident struct {
	ID        int      `json:"id"`
	Verdict   verdict  `json:"verdict"`
	Summary   string   `json:"summary"`
	ClientIPs []string `json:"client_ips"`
	Evidence  []string `json:"evidence"`
}

// miss is a chain no incident accounts for with a grave enough verdict.
type miss struct {
	ID       int
	Kind     string
	IP       string
	Expected verdict
	Best     verdict // best verdict of an incident that touched the chain
	Touched  []int   // those incidents
}

type result struct {
	Total, Found int
	Misses       []miss
	False        []incident
	Merged       []string // incidents that span several chains: not an error, worth knowing
}

func (r *result) ok() bool { return len(r.Misses) == 0 && len(r.False) == 0 }

// normIP makes addresses comparable: IPv4-mapped IPv6 unmapped, IPv6 compressed, zones and
// surrounding brackets dropped. Anything that does not parse is compared as lower-case text.
func normIP(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone("").String()
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone("").String()
	}
	return strings.ToLower(s)
}

// splitEvidence reads "path:line" (the path may hold colons, as in C:\...).
func splitEvidence(ev string) (string, int, bool) {
	i := strings.LastIndexByte(ev, ':')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(ev[i+1:]))
	if err != nil {
		return "", 0, false
	}
	p := strings.ToLower(strings.ReplaceAll(ev[:i], `\`, "/"))
	return p, n, true
}

// check matches a report's incidents against the ground truth.
//
// An incident touches a chain when one of its client addresses is the chain's, or when one of
// its evidence rows (file:line, compared by path suffix) is one of the chain's rows: rows such as
// the OAB generator's carry no client address. A chain is found when an incident touching it
// has a verdict at least as grave as the chain's expected verdict. An incident that touches no
// chain is a false incident.
func check(t *truth, r *report) (*result, error) {
	res := &result{Total: len(t.Chains)}
	byIP := map[string]int{}
	type rowKey struct {
		base string // last path element, lower case
		line int
	}
	byRow := map[rowKey][]struct {
		chain int
		file  string
	}{}
	expected := make([]verdict, len(t.Chains))
	for i, c := range t.Chains {
		v, err := parseVerdict(c.Expected)
		if err != nil {
			return nil, fmt.Errorf("chain %d: %w", c.ID, err)
		}
		expected[i] = v
		if c.ClientIP != "" {
			byIP[normIP(c.ClientIP)] = i
		}
		for _, row := range c.Rows {
			f := strings.ToLower(row.File)
			k := rowKey{f[strings.LastIndexByte(f, '/')+1:], row.Line}
			byRow[k] = append(byRow[k], struct {
				chain int
				file  string
			}{i, f})
		}
	}
	best := make([]verdict, len(t.Chains))
	for i := range best {
		best[i] = -1
	}
	touched := make([][]int, len(t.Chains))
	for _, h := range r.Hosts {
		for _, inc := range h.Incidents {
			hit := map[int]bool{}
			for _, ip := range inc.ClientIPs {
				if ci, ok := byIP[normIP(ip)]; ok {
					hit[ci] = true
				}
			}
			for _, ev := range inc.Evidence {
				p, n, ok := splitEvidence(ev)
				if !ok {
					continue
				}
				base := p[strings.LastIndexByte(p, '/')+1:]
				for _, cand := range byRow[rowKey{base, n}] {
					if p == cand.file || strings.HasSuffix(p, "/"+cand.file) {
						hit[cand.chain] = true
					}
				}
			}
			if len(hit) == 0 {
				res.False = append(res.False, inc)
				continue
			}
			var ids []int
			for ci := range hit {
				if inc.Verdict > best[ci] {
					best[ci] = inc.Verdict
				}
				touched[ci] = append(touched[ci], inc.ID)
				ids = append(ids, t.Chains[ci].ID)
			}
			if len(ids) > 1 {
				sort.Ints(ids)
				res.Merged = append(res.Merged, fmt.Sprintf("incident %d covers chains %v", inc.ID, ids))
			}
		}
	}
	for i, c := range t.Chains {
		if best[i] >= expected[i] {
			res.Found++
			continue
		}
		res.Misses = append(res.Misses, miss{ID: c.ID, Kind: c.Kind, IP: c.ClientIP, Expected: expected[i], Best: best[i], Touched: touched[i]})
	}
	return res, nil
}

func (r *result) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "chains found: %d/%d, false incidents: %d\n", r.Found, r.Total, len(r.False))
	for _, m := range r.Misses {
		if m.Best < 0 {
			fmt.Fprintf(&sb, "  MISS chain %d %s %s: expected %s, no incident\n", m.ID, m.Kind, m.IP, m.Expected)
		} else {
			fmt.Fprintf(&sb, "  MISS chain %d %s %s: expected %s, best %s (incidents %v)\n", m.ID, m.Kind, m.IP, m.Expected, m.Best, m.Touched)
		}
	}
	for _, f := range r.False {
		ev := ""
		if len(f.Evidence) > 0 {
			ev = " at " + f.Evidence[0]
		}
		fmt.Fprintf(&sb, "  FALSE incident %d %s ips=%v: %s%s\n", f.ID, f.Verdict, f.ClientIPs, f.Summary, ev)
	}
	for _, m := range r.Merged {
		fmt.Fprintf(&sb, "  note: %s\n", m)
	}
	return sb.String()
}
