package textsearch

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// lowerASCII folds ASCII letters only, byte for byte, as the matcher does (bytes.ToLower would
// turn an invalid byte into a three-byte replacement character and shift every position).
func lowerASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// naiveFind is the obviously-correct reference: the leftmost start where any pattern matches.
func naiveFind(t []byte, pats []string, from int) (int, []int) {
	lt := lowerASCII(t)
	for st := from; st < len(t); st++ {
		var hit []int
		for i, p := range pats {
			if bytes.HasPrefix(lt[st:], lowerASCII([]byte(p))) {
				hit = append(hit, i)
			}
		}
		if len(hit) > 0 {
			return st, hit
		}
	}
	return -1, nil
}

func TestFindMatchesNaiveSearch(t *testing.T) {
	tests := []struct {
		name string
		pats []string
		text string
	}{
		{"single", []string{"serverinfo~"}, "a,b,ServerInfo~a]@ex:444/ecp/proxyLogon.ecp?#,c"},
		{"case folds both ways", []string{"POWERSHELL"}, "/owa/x@y.com/PowerShell"},
		{"overlapping", []string{"abcd", "bcde", "cde"}, "xxabcdexx"},
		{"at end", []string{"end"}, "the end"},
		{"at start", []string{"sta"}, "start"},
		{"none", []string{"zzz"}, "nothing here"},
		{"short text", []string{"abc"}, "ab"},
		{"non-ascii kept exact", []string{"caf\xc3\xa9"}, "CAF\xc3\xa9 caf\xc3\x89"},
		{"same prefix", []string{"cmd=", "cmd=whoami"}, "?x=1&cmd=whoami"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt := New(tc.pats)
			got, pat := mt.Find([]byte(tc.text), 0)
			want, wantPats := naiveFind([]byte(tc.text), tc.pats, 0)
			if got != want {
				t.Fatalf("Find = %d, want %d", got, want)
			}
			if want >= 0 {
				all := mt.AllAt([]byte(tc.text), got, nil)
				if len(all) != len(wantPats) {
					t.Fatalf("AllAt = %v, want %v (Find gave %d)", all, wantPats, pat)
				}
			}
		})
	}
}

func TestFindAgreesWithNaiveOnRandomInput(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := "abcABC-~/.%0"
	rnd := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for iter := 0; iter < 3000; iter++ {
		var pats []string
		for k := 1 + r.IntN(6); k > 0; k-- {
			pats = append(pats, rnd(2+r.IntN(6)))
		}
		text := []byte(rnd(r.IntN(200)))
		from := 0
		for {
			got, _ := New(pats).Find(text, from)
			want, _ := naiveFind(text, pats, from)
			if got != want {
				t.Fatalf("pats %q text %q from %d: Find = %d, want %d", pats, text, from, got, want)
			}
			if got < 0 {
				break
			}
			from = got + 1
		}
	}
}

func TestNewRejectsUnusablePatterns(t *testing.T) {
	if New(nil) != nil {
		t.Error("New(nil) should be nil")
	}
	if New([]string{"ok", "x"}) != nil {
		t.Error("a one-byte pattern should make New return nil")
	}
}

func FuzzFind(f *testing.F) {
	f.Add("serverinfo~", "ab", "x,ServerInfo~a/ecp,y")
	f.Add("cmd=", "whoami", "/x.aspx?cmd=whoami")
	f.Fuzz(func(t *testing.T, p1, p2, text string) {
		pats := []string{p1, p2}
		mt := New(pats)
		if mt == nil {
			return
		}
		got, _ := mt.Find([]byte(text), 0)
		want, _ := naiveFind([]byte(text), pats, 0)
		if got != want {
			t.Fatalf("Find(%q, %q) = %d, want %d", pats, text, got, want)
		}
	})
}

func BenchmarkFind(b *testing.B) {
	line := "2021-03-01 10:11:12 10.0.0.5 GET /Microsoft-Server-ActiveSync/default.eas Cmd=Sync&User=user%40contoso.com&DeviceId=ABCDEF0123456789&DeviceType=iPhone 443 CONTOSO\\user 192.168.1.1 Apple-iPhone12C1/1805.1 - 200 0 0 15\n"
	text := []byte(strings.Repeat(line, 4000))
	pats := []string{"serverinfo~", "x-beresource", "/aspnet_client/", "python-requests", "autodiscover.json", "whoami", "net+user", "certutil", "proxylogon.ecp", "ddiservice.svc", "antsword", "/ecp/auth/", "exchangeservicesclient", "x-rps-cat", "resetoabvirtualdirectory", "duckduckbot", "googlebot", "bingbot", "baiduspider", "facebookexternalhit"}
	mt := New(pats)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if st, _ := mt.Find(text, 0); st >= 0 {
			b.Fatal("unexpected hit")
		}
	}
}
