package rules

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

type fields map[string]string

func (f fields) Field(name string) (string, bool) {
	v, ok := f[name]
	return v, ok
}

func TestLeafOperators(t *testing.T) {
	tests := []struct {
		name   string
		op     opKind
		values []string
		value  string
		want   bool
	}{
		{"equals ignores case", opEquals, []string{"POST"}, "post", true},
		{"equals any of a list", opEquals, []string{"a", "b"}, "B", true},
		{"equals empty matches empty", opEquals, []string{""}, "", true},
		{"equals is whole", opEquals, []string{"post"}, "posted", false},
		{"prefix", opPrefix, []string{"ServerInfo~"}, "serverinfo~a]@x/ecp", true},
		{"prefix longer than value", opPrefix, []string{"ServerInfo~"}, "Server", false},
		{"suffix", opSuffix, []string{".ASPX"}, "/x/shell.aspx", true},
		{"contains", opContains, []string{"proxyLogon.ecp"}, "/ecp/PROXYLOGON.ECP?#", true},
		{"contains absent", opContains, []string{"proxylogon"}, "/ecp/default.aspx", false},
		{"glob anchored", opGlob, []string{"ServerInfo~*/*Reset*VirtualDirectory*"}, "ServerInfo~a]@x:444/ecp/DDI/SetObject?schema=ResetOABVirtualDirectory#", true},
		{"glob needs its parts", opGlob, []string{"ServerInfo~*/*Reset*"}, "ServerInfo~x/ecp/SetObject", false},
		{"glob question mark", opGlob, []string{"a?c"}, "ABC", true},
		{"regex case-insensitive", opRegex, []string{`^Set-\w*VirtualDirectory$`}, "set-oabvirtualdirectory", true},
		{"regex keeps escape case", opRegex, []string{`^\S+$`}, "no spaces", false},
		{"regex keeps escape case 2", opRegex, []string{`^\S+$`}, "nospaces", true},
		{"lookalike near miss", opLookalike, []string{"RedirSuiteServiceProxy.aspx"}, "RedirSuiteServerProxy.aspx", true},
		{"lookalike exact is not", opLookalike, []string{"logon.aspx", "logoff.aspx"}, "LOGOFF.aspx", false},
		{"lookalike far is not", opLookalike, []string{"logon.aspx"}, "shell.aspx", false},
		{"cidr v4", opCIDR, []string{"198.51.100.0/24"}, "198.51.100.7", true},
		{"cidr bare address", opCIDR, []string{"103.77.192.219"}, "103.77.192.219", true},
		{"cidr v4-mapped v6", opCIDR, []string{"103.77.192.219"}, "::ffff:103.77.192.219", true},
		{"cidr v6", opCIDR, []string{"2001:db8::/32"}, "2001:db8:1::5", true},
		{"cidr not an address", opCIDR, []string{"10.0.0.0/8"}, "ten", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := newLeaf("f", tc.op, tc.values)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Match(fields{"f": tc.value}); got != tc.want {
				t.Errorf("%s %q on %q = %v, want %v", tc.op, tc.values, tc.value, got, tc.want)
			}
		})
	}
}

func TestMissingFieldIsEmpty(t *testing.T) {
	l, _ := newLeaf("absent", opEquals, []string{""})
	if !l.Match(fields{}) {
		t.Error("a missing field should equal the empty string")
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"logon", "logon", 0}, {"logon", "logoff", 2}, {"abcd", "abdc", 1}, {"", "abc", 3},
		{"redirsuiteserverproxy", "redirsuiteserviceproxy", 3},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b, 10); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestRegexAtoms(t *testing.T) {
	tests := []struct {
		re   string
		want []string // nil: no literal set
	}{
		{`proxyLogon\.ecp`, []string{"proxylogon.ecp"}},
		{`^Set-\w*VirtualDirectory$`, []string{"virtualdirectory"}},
		{`\bnet1? +user\b`, []string{" user"}},
		{`cmd(\.exe)? +/c`, []string{"cmd ", "cmd.exe "}},
		{`\bnet1? +(user|group|localgroup)\b`, []string{" group", " localgroup", " user"}},
		{`whoami|certutil`, []string{"certutil", "whoami"}},
		{`a|whoami`, nil},
		{`.*`, nil},
		{`(ab)*`, nil},
		{`x-rps-cat=[a-z]+`, []string{"x-rps-cat="}},
		{`[Ee]val\(`, []string{"eval("}},
	}
	for _, tc := range tests {
		re, err := syntax.Parse("(?i)"+tc.re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		got := regexAtoms(re.Simplify())
		if got != nil {
			got = dedupe(got)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("regexAtoms(%q) = %q, want %q", tc.re, got, tc.want)
		}
	}
}

// Every text a regex matches must contain one of its atoms: the property the prefilter relies on.
func TestRegexAtomsAreRequired(t *testing.T) {
	cases := map[string][]string{
		`\bnet1? +(user|group)\b`:  {"net user", "NET1   group", "net  user x"},
		`autodiscover\.json\?@`:    {"/autodiscover/AutoDiscover.json?@x"},
		`(powershell|/ews/)`:       {"/PowerShell/", "/EWS/"},
		`cmd(\.exe)? +/c\b`:        {"cmd.exe /c dir", "CMD  /C"},
		`schema=Reset\w*Directory`: {"schema=ResetOABVirtualDirectory"},
	}
	for expr, texts := range cases {
		re := regexp.MustCompile("(?i)" + expr)
		p, _ := syntax.Parse("(?i)"+expr, syntax.Perl)
		atoms := regexAtoms(p.Simplify())
		if atoms == nil {
			t.Errorf("%q: no atoms", expr)
			continue
		}
		for _, text := range texts {
			if !re.MatchString(text) {
				t.Fatalf("test text %q does not match %q", text, expr)
			}
			found := false
			for _, a := range atoms {
				if strings.Contains(strings.ToLower(text), a) {
					found = true
				}
			}
			if !found {
				t.Errorf("%q matches %q but holds none of its atoms %q", expr, text, atoms)
			}
		}
	}
}

func TestParseRejectsASecondDocument(t *testing.T) {
	valid := "schema: 1\nrules: []\n"
	for name, extra := range map[string]string{
		"well-formed": "---\nschema: 1\nrules: []\n",
		"broken":      "---\nrules: [\n",
	} {
		_, err := Parse([]byte(valid+extra), "f.yaml", Schema{})
		if err == nil || !strings.Contains(err.Error(), "one YAML document") {
			t.Errorf("%s second document: err %v, want a one-document error", name, err)
		}
	}
}

func TestCIDRLiteralsIncludeTheMappedHexSpelling(t *testing.T) {
	l, _ := newLeaf("ip", opCIDR, []string{"103.77.192.219"})
	got := l.atoms(Schema{"s": {{Name: "ip", Literal: true}}}, "s")
	if !slices.Contains(got, "103.77.192.219") || !slices.Contains(got, "::ffff:674d:c0db") {
		t.Errorf("cidr literals %q", got)
	}
	if !l.Match(fields{"ip": "::ffff:674d:c0db"}) {
		t.Error("the hex mapped form must match the address")
	}
}
