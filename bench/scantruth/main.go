// Command scantruth checks an `exsweep scan` against the emulated fleet's ground truth: the truth
// file `exsweep lab --truth FILE` wrote (one exchangesim.Host per line) and the scan's JSON lines
// (one finding.ScanHost per line), host by host, keyed by address and port.
//
//	go run ./bench/scantruth -truth truth.jsonl -scan scan.jsonl [-active]
//	go run ./bench/scantruth -truth truth.jsonl -nmap nmap.xml
//
// What each host should be:
//   - hostile: silent, slow, tls-garbage, bad-status, huge-header and reset are "failed";
//     endless-body, gzip-bomb and redirect-loop are "not-exchange" (status only);
//   - exchange-online is "exchange-online"; iis, waf and lookalike are "not-exchange";
//   - exchange is "exchange" with build_exact and the build a scan must report (the lowest of the
//     back ends behind a load balancer, else the number the server reports, else its build), and
//     every fix family as the built-in catalog decides it for that build ("unknown(reason)" for
//     unknown). With -active, a ProxyLogon or ProxyNotShell verdict of "vulnerable" becomes
//     "vulnerable-mitigated" on a host with that family's URL Rewrite rule.
//
// It prints the counts (hosts, matched, mismatched by kind, per kind of host) and up to 20
// mismatches with the expected and the actual values, and exits 1 on any mismatch or on a host
// missing from the scan, 2 when it cannot read its input.
//
// A scan record for a host the truth does not hold, or two records for one host, fail too.
//
// With -nmap FILE (nmap's -oX output of bench/exsweep-version.nse) it scores nmap instead: of
// the non-hostile Exchange hosts nmap scanned, how many it reported at the right build, how many
// other hosts it called Exchange, and how many hosts got the status above (nmap has no fix
// verdicts). It prints one line and exits 0: nmap is the reference, not the subject.
package main

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sort"
	"strings"

	"github.com/exsweep/exsweep/internal/catalog"
	"github.com/exsweep/exsweep/internal/exchangesim"
	"github.com/exsweep/exsweep/internal/finding"
)

// maxShown is how many mismatches are printed in full.
const maxShown = 20

func main() {
	code, err := run(os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "scantruth:", err)
	}
	os.Exit(code)
}

func run(args []string, w io.Writer) (int, error) {
	fs := flag.NewFlagSet("scantruth", flag.ContinueOnError)
	truthPath := fs.String("truth", "", "the lab's truth file (exsweep lab --truth FILE)")
	scanPath := fs.String("scan", "", "the scan's JSON lines (exsweep scan --format jsonl)")
	active := fs.Bool("active", false, "the scan was run with --active (mitigations change verdicts)")
	nmapPath := fs.String("nmap", "", "score nmap's -oX output of bench/exsweep-version.nse instead of a scan")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if *truthPath == "" || (*scanPath == "") == (*nmapPath == "") || fs.NArg() > 0 {
		return 2, errors.New("usage: scantruth -truth truth.jsonl (-scan scan.jsonl [-active] | -nmap nmap.xml)")
	}
	cat, err := catalog.Default()
	if err != nil {
		return 2, err
	}
	truth, err := readTruth(*truthPath)
	if err != nil {
		return 2, err
	}
	if *nmapPath != "" {
		return scoreNmap(w, cat, truth, *nmapPath)
	}
	scan, dups, err := readScan(*scanPath)
	if err != nil {
		return 2, err
	}
	r := compare(cat, truth, scan, *active)
	r.duplicates = dups
	r.print(w)
	if !r.ok() {
		return 1, nil
	}
	return 0, nil
}

// key is a host's address and port.
type key struct {
	addr netip.Addr
	port uint16
}

func (k key) String() string { return netip.AddrPortFrom(k.addr, k.port).String() }

func readTruth(path string) ([]exchangesim.Host, error) {
	var out []exchangesim.Host
	err := eachLine(path, func(line []byte) error {
		var h exchangesim.Host
		if err := json.Unmarshal(line, &h); err != nil {
			return err
		}
		h.Addr = h.Addr.Unmap()
		out = append(out, h)
		return nil
	})
	return out, err
}

// readScan returns the scan's hosts by address and port, and the keys seen more than once.
func readScan(path string) (map[key]*finding.ScanHost, []key, error) {
	out := map[key]*finding.ScanHost{}
	var dups []key
	err := eachLine(path, func(line []byte) error {
		h := new(finding.ScanHost)
		if err := json.Unmarshal(line, h); err != nil {
			return err
		}
		a, err := netip.ParseAddr(h.IP)
		if err != nil {
			return fmt.Errorf("host %q: ip %q: %w", h.Target, h.IP, err)
		}
		k := key{a.Unmap(), h.Port}
		if out[k] != nil {
			dups = append(dups, k)
		}
		out[k] = h
		return nil
	})
	return out, dups, err
}

func eachLine(path string, f func([]byte) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		if err := f(line); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

// expectation is what one host's scan record must say. Empty build means the build is not
// checked (only the status is).
type expectation struct {
	class    string // the kind of host, for the counts: exchange, iis, ..., hostile:<mode>
	status   string
	build    string
	families map[string]string // family -> status, "unknown(reason)" for unknown
	order    []string          // the families in catalog order
}

// failedModes are the hostile modes that leave no usable answer; the others answer something
// that is not Exchange (a body that never ends, a bomb, a redirect).
var failedModes = map[exchangesim.Hostile]bool{
	exchangesim.HostileSilent: true, exchangesim.HostileSlow: true, exchangesim.HostileTLSJunk: true,
	exchangesim.HostileBadStatus: true, exchangesim.HostileHugeHead: true, exchangesim.HostileReset: true,
}

// wantBuild is the build a scan must report for an on-premises server: the lowest back end behind
// a load balancer, else the number the server reports, else its build.
func wantBuild(p exchangesim.Profile) (catalog.Version, error) {
	if len(p.Backends) > 0 {
		var low catalog.Version
		for i, b := range p.Backends {
			v, err := catalog.ParseBuild(b)
			if err != nil {
				return catalog.Version{}, err
			}
			if i == 0 || v.Less(low) {
				low = v
			}
		}
		return low, nil
	}
	if p.Reported != "" {
		return catalog.ParseBuild(p.Reported)
	}
	return catalog.ParseBuild(p.Build)
}

func expect(cat *catalog.Catalog, h exchangesim.Host, active bool) (expectation, error) {
	p := h.Profile
	if p.Hostile != exchangesim.HostileNone {
		e := expectation{class: "hostile:" + string(p.Hostile), status: finding.ScanNotExchange}
		if failedModes[p.Hostile] {
			e.status = finding.ScanFailed
		}
		return e, nil
	}
	switch p.Kind {
	case exchangesim.KindOnline:
		return expectation{class: string(p.Kind), status: finding.ScanOnline}, nil
	case exchangesim.KindIIS, exchangesim.KindWAF, exchangesim.KindLookalike:
		return expectation{class: string(p.Kind), status: finding.ScanNotExchange}, nil
	case exchangesim.KindExchange:
	default:
		return expectation{}, fmt.Errorf("%s: unknown kind %q", key{h.Addr, h.Port}, p.Kind)
	}
	v, err := wantBuild(p)
	if err != nil {
		return expectation{}, fmt.Errorf("%s: %w", key{h.Addr, h.Port}, err)
	}
	res, err := cat.Lookup(v)
	if err != nil {
		return expectation{}, fmt.Errorf("%s: build %s: %w", key{h.Addr, h.Port}, v, err)
	}
	e := expectation{class: string(p.Kind), status: finding.ScanExchange, build: v.String(), families: map[string]string{}}
	for _, f := range res.Families {
		s := f.String()
		if active && f.Status == catalog.Vulnerable &&
			(f.Family == "ProxyLogon" && p.ProxyLogonRewrite || f.Family == "ProxyNotShell" && p.ProxyNotShellRewrite) {
			s = finding.FixMitigated
		}
		e.families[f.Family] = s
		e.order = append(e.order, f.Family)
	}
	return e, nil
}

// famString is a scan family's status as the catalog prints it: "unknown(reason)" for unknown.
func famString(f finding.FamilyStatus) string {
	if f.Status == finding.FixUnknown {
		return fmt.Sprintf("unknown(%s)", f.Reason)
	}
	return f.Status
}

type mismatch struct {
	host          key
	class, kind   string // kind: status, build, build_exact, family:<name>, missing
	want, got     string
	profile, info string
}

type classCount struct{ hosts, matched int }

type result struct {
	hosts, matched int
	// exchange: the non-hostile Exchange hosts; identified: those the scan called "exchange" at
	// the right build (whatever the family verdicts).
	exchange, identified int
	byKind               map[string]int // mismatches (and missing hosts) per kind
	byClass              map[string]*classCount
	mismatches           []mismatch
	mismatchHosts        int
	extra                []key // in the scan, not in the truth
	duplicates           []key
	active               bool
}

func (r *result) ok() bool {
	return r.mismatchHosts == 0 && len(r.extra) == 0 && len(r.duplicates) == 0
}

func compare(cat *catalog.Catalog, truth []exchangesim.Host, scan map[key]*finding.ScanHost, active bool) *result {
	r := &result{byKind: map[string]int{}, byClass: map[string]*classCount{}, active: active}
	seen := map[key]bool{}
	for _, h := range truth {
		k := key{h.Addr, h.Port}
		seen[k] = true
		r.hosts++
		prof, _ := json.Marshal(h.Profile)
		e, err := expect(cat, h, active)
		if err != nil {
			r.add(mismatch{host: k, class: "?", kind: "truth", want: "a valid truth line", got: err.Error(), profile: string(prof)})
			continue
		}
		cc := r.byClass[e.class]
		if cc == nil {
			cc = &classCount{}
			r.byClass[e.class] = cc
		}
		cc.hosts++
		if e.build != "" {
			r.exchange++
		}
		got := scan[k]
		if got == nil {
			r.add(mismatch{host: k, class: e.class, kind: "missing", want: e.status, got: "(no record)", profile: string(prof)})
			continue
		}
		info := got.Reason
		if len(got.Requests) > 0 {
			var reqs []string
			for _, x := range got.Requests {
				s := fmt.Sprintf("%s %d", x.Request, x.Status)
				if x.Error != "" {
					s += " " + x.Error
				}
				reqs = append(reqs, fmt.Sprintf("%s (%.2fs)", s, x.Seconds))
			}
			info = strings.TrimSpace(info + "; requests: " + strings.Join(reqs, ", "))
		}
		var ms []mismatch
		bad := func(kind, want, gotv string) {
			ms = append(ms, mismatch{host: k, class: e.class, kind: kind, want: want, got: gotv, profile: string(prof), info: info})
		}
		if got.Status != e.status {
			bad("status", e.status, got.Status+" ("+got.Reason+")")
		} else if e.build != "" {
			gb := got.Build
			if v, err := catalog.ParseBuild(gb); err == nil {
				gb = v.String()
			}
			if gb != e.build {
				bad("build", e.build, got.Build)
			} else {
				r.identified++
			}
			if !got.BuildExact {
				bad("build_exact", "true", "false")
			}
			gotFam := map[string]string{}
			for _, f := range got.Families {
				gotFam[f.Family] = famString(f)
			}
			for _, name := range e.order {
				g, ok := gotFam[name]
				if !ok {
					g = "(absent)"
				}
				if g != e.families[name] {
					bad("family:"+name, e.families[name], g)
				}
			}
		}
		if len(ms) == 0 {
			r.matched++
			cc.matched++
			continue
		}
		for _, m := range ms {
			r.add(m)
		}
		r.mismatchHosts++
	}
	for k := range scan {
		if !seen[k] {
			r.extra = append(r.extra, k)
		}
	}
	sort.Slice(r.extra, func(i, j int) bool { return r.extra[i].String() < r.extra[j].String() })
	return r
}

// add records one mismatch; a missing host counts once, as a mismatched host too.
func (r *result) add(m mismatch) {
	r.byKind[m.kind]++
	if m.kind == "missing" || m.kind == "truth" {
		r.mismatchHosts++
	}
	r.mismatches = append(r.mismatches, m)
}

func (r *result) print(w io.Writer) {
	mode := "passive"
	if r.active {
		mode = "active"
	}
	fmt.Fprintf(w, "scantruth (%s): %d hosts in the truth\n", mode, r.hosts)
	classes := make([]string, 0, len(r.byClass))
	for c := range r.byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		cc := r.byClass[c]
		fmt.Fprintf(w, "  %-22s %5d/%d\n", c, cc.matched, cc.hosts)
	}
	if len(r.byKind) > 0 {
		kinds := make([]string, 0, len(r.byKind))
		for k := range r.byKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		fmt.Fprintln(w, "mismatches by kind:")
		for _, k := range kinds {
			fmt.Fprintf(w, "  %-22s %5d\n", k, r.byKind[k])
		}
	}
	for i, m := range r.mismatches {
		if i == maxShown {
			fmt.Fprintf(w, "... and %d more mismatches\n", len(r.mismatches)-maxShown)
			break
		}
		fmt.Fprintf(w, "MISMATCH %s [%s] %s: want %s, got %s\n    profile %s\n", m.host, m.class, m.kind, m.want, m.got, m.profile)
		if m.info != "" {
			fmt.Fprintf(w, "    scan: %s\n", m.info)
		}
	}
	for i, k := range r.extra {
		if i == maxShown {
			fmt.Fprintf(w, "... and %d more hosts not in the truth\n", len(r.extra)-maxShown)
			break
		}
		fmt.Fprintf(w, "EXTRA %s: in the scan, not in the truth\n", k)
	}
	for _, k := range r.duplicates {
		fmt.Fprintf(w, "DUPLICATE %s: more than one scan record\n", k)
	}
	fmt.Fprintf(w, "exchange identified at the right build: %d/%d\n", r.identified, r.exchange)
	fmt.Fprintf(w, "hosts %d, matched %d, mismatched %d, missing %d, extra %d, duplicate %d\n",
		r.hosts, r.matched, r.mismatchHosts-r.byKind["missing"], r.byKind["missing"], len(r.extra), len(r.duplicates))
}

// nmap's -oX output: the parts the NSE script's structured output lands in.
type nmapRun struct {
	Hosts []struct {
		Addresses []struct {
			Addr string `xml:"addr,attr"`
			Type string `xml:"addrtype,attr"`
		} `xml:"address"`
		Ports []struct {
			Port  uint16 `xml:"portid,attr"`
			State struct {
				State string `xml:"state,attr"`
			} `xml:"state"`
			Scripts []struct {
				ID    string `xml:"id,attr"`
				Elems []struct {
					Key   string `xml:"key,attr"`
					Value string `xml:",chardata"`
				} `xml:"elem"`
			} `xml:"script"`
		} `xml:"ports>port"`
	} `xml:"host"`
}

// scoreNmap counts, over the hosts nmap scanned, the non-hostile Exchange servers it reported at
// the build a scan must report, the hosts it called on-premises Exchange that are not, and the
// hosts whose status (exchange, exchange-online, not-exchange, failed) is the one a scan must give
// (nmap has no fix verdicts: the status is all it can match).
func scoreNmap(w io.Writer, cat *catalog.Catalog, truth []exchangesim.Host, path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 2, err
	}
	var run nmapRun
	if err := xml.Unmarshal(b, &run); err != nil {
		return 2, fmt.Errorf("%s: %w", path, err)
	}
	byKey := map[key]exchangesim.Host{}
	for _, h := range truth {
		byKey[key{h.Addr, h.Port}] = h
	}
	var hosts, exch, right, wrong, missed, falseEx, statusOK, noOutput int
	for _, nh := range run.Hosts {
		var addr netip.Addr
		for _, a := range nh.Addresses {
			if a.Type == "ipv4" || a.Type == "ipv6" {
				addr, _ = netip.ParseAddr(a.Addr)
			}
		}
		for _, p := range nh.Ports {
			h, ok := byKey[key{addr.Unmap(), p.Port}]
			if !ok {
				continue
			}
			hosts++
			e, err := expect(cat, h, false)
			if err != nil {
				return 2, err
			}
			elems := map[string]string{}
			for _, s := range p.Scripts {
				if s.ID != "exsweep-version" {
					continue
				}
				for _, el := range s.Elems {
					elems[el.Key] = strings.TrimSpace(el.Value)
				}
			}
			status := elems["status"]
			if status == "" {
				noOutput++ // the script timed out, or the port was not open
			}
			if status == e.status {
				statusOK++
			}
			switch {
			case e.build != "":
				exch++
				switch {
				case status != finding.ScanExchange:
					missed++
				case elems["build"] == e.build:
					right++
				default:
					wrong++
				}
			case status == finding.ScanExchange:
				falseEx++
			}
		}
	}
	fmt.Fprintf(w, "nmap: hosts %d, exchange identified at the right build %d/%d, wrong build %d, not identified %d, false exchange %d, status as expected %d/%d, no script output %d\n",
		hosts, right, exch, wrong, missed, falseEx, statusOK, hosts, noOutput)
	return 0, nil
}
