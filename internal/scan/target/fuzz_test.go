package target

// The fuzz tests live inside the package so that they can count the targets a walk skips and
// check Count == yielded + skipped exactly. Seed corpora: testdata/fuzz/<FuzzName>/.

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// fuzzLimit bounds how many targets a fuzz input may make a test expand; Count is checked
// against expansion only below it.
const fuzzLimit = 4096

func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, token string) {
		opt := Options{Ports: []uint16{443, 8080}}
		s, err := Parse(token, opt)
		if err != nil {
			if !strings.HasPrefix(err.Error(), quote(strings.TrimSpace(token))+": ") {
				t.Fatalf("error does not start with the token: %v", err)
			}
			return
		}
		count := s.Count()
		if count == 0 {
			t.Fatalf("%q parsed to an empty source", token)
		}
		if count > fuzzLimit {
			// Still check that a large range starts and stops cleanly.
			n := 0
			for range s.All(opt) {
				if n++; n == 10 {
					break
				}
			}
			return
		}
		var yielded, skipped uint64
		s.walk(nil, func(n uint64) { skipped += n }, func(tg Target) bool {
			yielded++
			if tg.Scheme != "http" && tg.Scheme != "https" || tg.Port == 0 || (tg.Name == "") == !tg.Addr.IsValid() {
				t.Fatalf("bad target %+v", tg)
			}
			if tg.Addr.Is4In6() || tg.Addr.Zone() != "" {
				t.Fatalf("address not normalised: %+v", tg)
			}
			if s.single() {
				// A single target's Key parses back to the same Key.
				k := tg.Key()
				s2, err := Parse(k, opt)
				if err != nil {
					t.Fatalf("Key %q of %q does not parse: %v", k, token, err)
				}
				n := 0
				for tg2 := range s2.All(opt) {
					n++
					if tg2.Key() != k {
						t.Fatalf("Key %q of %q re-parses to %q", k, token, tg2.Key())
					}
				}
				if n != 1 {
					t.Fatalf("Key %q of %q re-parses to %d targets", k, token, n)
				}
			}
			return true
		})
		if yielded+skipped != count {
			t.Fatalf("%q: Count %d, yielded %d + skipped %d", token, count, yielded, skipped)
		}
	})
}

func FuzzReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		ex, err := ParseExclusions([]string{"10.0.0.0/30", "192.0.2.7", "2001:db8::/127"})
		if err != nil {
			t.Fatal(err)
		}
		opt := Options{Ports: []uint16{443, 80}, Exclude: ex}
		total, err := Count(bytes.NewReader(data), opt)
		if err != nil {
			t.Fatalf("Count: %v", err)
		}
		r := NewReader(bytes.NewReader(data), "f", opt)
		lines := bytes.Count(data, []byte("\n")) + 1
		var yielded uint64
		last := 0
		singles := map[string]bool{}
		for tg, err := range r.All() {
			if err != nil {
				var le *LineError
				if !errors.As(err, &le) {
					t.Fatalf("not a LineError: %v", err)
				}
				if le.Name != "f" || le.Line < last || le.Line < 1 || le.Line > lines || le.Err == nil {
					t.Fatalf("bad LineError %+v (previous line %d, %d lines)", le, last, lines)
				}
				if !strings.HasPrefix(le.Error(), "f:") {
					t.Fatalf("message %q", le.Error())
				}
				last = le.Line
				continue
			}
			if tg.Addr.IsValid() && ex.Contains(tg.Addr) {
				t.Fatalf("excluded target yielded: %+v", tg)
			}
			// Targets from single-host tokens are yielded once.
			if s, err := Parse(tg.Input, opt); err != nil {
				t.Fatalf("input %q of a yielded target does not parse: %v", tg.Input, err)
			} else if s.single() {
				if singles[tg.Key()] {
					t.Fatalf("duplicate %s", tg.Key())
				}
				singles[tg.Key()] = true
			}
			if yielded++; yielded == fuzzLimit {
				return
			}
		}
		if yielded+r.Excluded() != total {
			t.Fatalf("Count %d, yielded %d + excluded %d", total, yielded, r.Excluded())
		}
	})
}
