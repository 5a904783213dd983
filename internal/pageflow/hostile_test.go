package pageflow

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

const hostileSize = 16 << 20

// fill repeats unit between prefix and suffix up to hostileSize bytes.
func fill(prefix, unit, suffix string) []byte {
	var b bytes.Buffer
	b.Grow(hostileSize + len(unit))
	b.WriteString(prefix)
	for b.Len()+len(suffix) < hostileSize {
		b.WriteString(unit)
	}
	b.WriteString(suffix)
	return b.Bytes()
}

// TestHostile16MiB feeds 16 MiB adversarial pages. The time bound is by construction (linear
// scans, bounded walks, capped passes); the test asserts the answers, which show that the caps
// degrade gracefully instead of hiding a shell placed after the noise.
func TestHostile16MiB(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 16))
	garbage := make([]byte, hostileSize)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}

	var idents bytes.Buffer
	idents.WriteString("<%@ Page Language=\"C#\" %><% var v0 = Request[\"x\"];\n")
	for i := 1; idents.Len() < hostileSize-64; i++ {
		fmt.Fprintf(&idents, "var v%d = v%d;\n", i, i-1)
	}
	idents.WriteString("Process.Start(\"cmd.exe\", v0); %>")

	cases := []struct {
		name       string
		page       []byte
		want       []string
		wantLine   int // of the first sink; 0: do not check, -1: the line of the first "<script"
		incomplete bool
	}{
		{"binary garbage", garbage, nil, 0, false},
		{
			// 1 MiB lines of HTML, then the Chopper: the shell after the noise is still found.
			"megabyte lines then chopper",
			fill("<html>", "<p>"+string(bytes.Repeat([]byte("lorem ipsum "), 1<<20/12))+"</p>\n",
				"\n<script language=\"JScript\" runat=\"server\">function Page_Load(){eval(Request[\"k\"],\"unsafe\");}</script>"),
			[]string{KindEval}, -1, false,
		},
		{
			"deep nesting",
			fill("<%@ Page Language=\"JScript\" %><% ", "eval(", "Request[\"x\"] %>"),
			[]string{KindEval}, 1, true,
		},
		{
			// Millions of identifiers: the tracked-name cap is hit, the first flow survives.
			"millions of identifiers", idents.Bytes(), []string{KindProcessStart}, 0, true,
		},
		{"unterminated blocks", fill("", "<%<script runat=server><script <asp:TextBox id=\"", ""), nil, 0, false},
		{"nested interpolation", fill("<%@ Page Language=\"C#\" %><% Process.Start(", "$\"{", "Request[\"c\"]}\"); %>"), nil, 0, true},
		{"string concatenation", fill("<%@ Page Language=\"C#\" %><% var s = ", "\"WScript.\" + ", "\"Shell\"; %>"), nil, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Analyze(c.page)
			checkInvariants(t, c.name, c.page, r)
			if !slices.Equal(r.Kinds, c.want) {
				t.Errorf("kinds = %v, want %v", r.Kinds, c.want)
			}
			if c.wantLine < 0 {
				c.wantLine = 1 + bytes.Count(c.page[:bytes.Index(c.page, []byte("<script"))], []byte{'\n'})
			}
			if c.wantLine != 0 && (len(r.Sinks) == 0 || r.Sinks[0].Line != c.wantLine) {
				t.Errorf("sinks = %+v, want line %d", r.Sinks, c.wantLine)
			}
			if r.Incomplete != c.incomplete {
				t.Errorf("incomplete = %v, want %v", r.Incomplete, c.incomplete)
			}
		})
	}
}

// FuzzAnalyze checks that any input is analysed without panicking, that the result is well
// formed and that the analysis is deterministic.
func FuzzAnalyze(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c.page))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		r := Analyze(page)
		checkInvariants(t, "fuzz", page, r)
		if r2 := Analyze(page); !reflect.DeepEqual(r, r2) {
			t.Fatalf("not deterministic: %+v vs %+v", r, r2)
		}
	})
}
