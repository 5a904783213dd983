package logscan

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestSplitFields(t *testing.T) {
	csv, w3c := ExchangeCSV(), W3C()
	tests := []struct {
		name   string
		d      Dialect
		line   string
		want   []string
		wantOK bool
	}{
		{"csv plain", csv, "a,b,c", []string{"a", "b", "c"}, true},
		{"csv empty fields", csv, ",,", []string{"", "", ""}, true},
		{"csv empty line", csv, "", []string{""}, true},
		{"csv quoted comma", csv, `a,"b,c",d`, []string{"a", "b,c", "d"}, true},
		{"csv doubled quotes", csv, `"say ""hi""",x`, []string{`say "hi"`, "x"}, true},
		{"csv only doubled quotes", csv, `""""`, []string{`"`}, true},
		{"csv empty quoted", csv, `"",x`, []string{"", "x"}, true},
		{"csv quoted last", csv, `x,"a,b"`, []string{"x", "a,b"}, true},
		{"csv quote inside unquoted value kept", csv, `ab"c,d`, []string{`ab"c`, "d"}, true},
		{"csv text after closing quote kept", csv, `"ab"cd,e`, []string{"abcd", "e"}, true},
		{"csv ecp command", csv, `2021-03-03T07:12:46.713Z,EX01,"S:CMD=Set-OabVirtualDirectory.ExternalUrl=''http://f/<script language=""JScript"" runat=""server"">''"`,
			[]string{"2021-03-03T07:12:46.713Z", "EX01", `S:CMD=Set-OabVirtualDirectory.ExternalUrl=''http://f/<script language="JScript" runat="server">''`}, true},
		{"csv unclosed quote keeps the rest", csv, `a,"b,c,d`, []string{"a", "b,c,d"}, false},
		{"csv unclosed quote after doubled", csv, `a,"b""c`, []string{"a", `b"c`}, false},
		{"csv lone quote", csv, `"`, []string{""}, false},
		{"csv dash is a value", csv, "-,a", []string{"-", "a"}, true},
		{"w3c dash is empty", w3c, "2021-03-03 07:20:01 - GET /x -", []string{"2021-03-03", "07:20:01", "", "GET", "/x", ""}, true},
		{"w3c dash inside value kept", w3c, "a-b --", []string{"a-b", "--"}, true},
		{"w3c plus kept", w3c, "Mozilla/5.0+(Windows) x", []string{"Mozilla/5.0+(Windows)", "x"}, true},
		{"w3c quotes are plain", w3c, `"a b"`, []string{`"a`, `b"`}, true},
		{"w3c empty fields", w3c, "a  b", []string{"a", "", "b"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := SplitFields([]byte(tc.line), tc.d, nil)
			if !slices.Equal(got, tc.want) || ok != tc.wantOK {
				t.Errorf("SplitFields(%q) = %q, %v; want %q, %v", tc.line, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// SplitFields reuses dst; values from an earlier call must survive (they are strings).
func TestSplitFieldsReusesDst(t *testing.T) {
	first, _ := SplitFields([]byte("a,b,c"), ExchangeCSV(), nil)
	kept := slices.Clone(first)
	second, _ := SplitFields([]byte("x"), ExchangeCSV(), first)
	if !slices.Equal(second, []string{"x"}) || kept[1] != "b" {
		t.Fatalf("got %q then %q", kept, second)
	}
}

func TestFormatRowRoundTrip(t *testing.T) {
	for _, d := range []Dialect{ExchangeCSV(), W3C()} {
		for _, vals := range [][]string{
			{"a", "b,c", `q"uote`, ""},
			{"2021-03-03", "POST", "/owa/auth/x.aspx", "", "Mozilla/5.0 (Windows)"},
			{`"`, `""`, ",", ""},
		} {
			row := FormatRow(vals, d)
			got, ok := SplitFields([]byte(row), d, nil)
			want := vals
			if d.Sep == ' ' {
				// W3C writes spaces as '+': the value comes back with '+'.
				want = nil
				for _, v := range vals {
					want = append(want, strings.ReplaceAll(v, " ", "+"))
				}
			}
			if !ok || !slices.Equal(got, want) {
				t.Errorf("%s: FormatRow(%q) = %q, split back to %q (ok=%v)", d.Name, vals, row, got, ok)
			}
		}
	}
}

// checkSplit holds the properties every split must have, whatever the line.
func checkSplit(t *testing.T, line []byte, d Dialect) {
	t.Helper()
	vals, ok := SplitFields(line, d, nil)
	if len(vals) == 0 {
		t.Fatalf("SplitFields(%q) gave no value", line)
	}
	if !d.Quoted {
		if !ok {
			t.Fatalf("unquoted dialect reported bad quoting for %q", line)
		}
		parts := bytes.Split(line, []byte{d.Sep})
		if len(parts) != len(vals) {
			t.Fatalf("SplitFields(%q) = %d values, want %d", line, len(vals), len(parts))
		}
		for i, p := range parts {
			want := string(p)
			if d.Dash && want == "-" {
				want = ""
			}
			if vals[i] != want {
				t.Fatalf("SplitFields(%q)[%d] = %q, want %q", line, i, vals[i], want)
			}
		}
		return
	}
	// Nothing is lost: every byte that is neither a quote nor a separator is in some value, in
	// order, and the values hold no byte the line lacks.
	strip := func(b []byte) string {
		b = bytes.ReplaceAll(b, []byte{'"'}, nil)
		return string(bytes.ReplaceAll(b, []byte{d.Sep}, nil))
	}
	if got, want := strip([]byte(strings.Join(vals, ""))), strip(line); got != want {
		t.Fatalf("SplitFields(%q) = %q: lost or invented bytes (%q vs %q)", line, vals, got, want)
	}
	// Re-writing the values and splitting again gives them back.
	again, ok2 := SplitFields([]byte(FormatRow(vals, d)), d, nil)
	if !ok2 || !slices.Equal(again, vals) {
		t.Fatalf("SplitFields(FormatRow(%q)) = %q, %v", vals, again, ok2)
	}
	// A line without quotes is split like the unquoted dialect.
	if bytes.IndexByte(line, '"') < 0 {
		if !ok || len(vals) != bytes.Count(line, []byte{d.Sep})+1 {
			t.Fatalf("SplitFields(%q) = %q, %v", line, vals, ok)
		}
	}
}

func FuzzSplitFields(f *testing.F) {
	f.Add([]byte(`a,"b,c",d`))
	f.Add([]byte(`"say ""hi""",x`))
	f.Add([]byte(`a,"b,c`))
	f.Add([]byte(`"ab"cd,e`))
	f.Add([]byte(`2021-03-03 07:20:01 - POST /owa/auth/x.aspx cmd=whoami 443 - 198.51.100.7 python-requests/2.25 - 200 0 0 15`))
	f.Add([]byte("\"\x00\xff,\"\","))
	f.Fuzz(func(t *testing.T, line []byte) {
		checkSplit(t, line, ExchangeCSV())
		checkSplit(t, line, W3C())
	})
}
