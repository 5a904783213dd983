package sigma

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf16"
)

type matchCase struct {
	name    string
	det     string
	match   []rec
	noMatch []rec
}

func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ruleFrom(t, c.det)
			if len(c.match) == 0 || len(c.noMatch) == 0 {
				t.Fatal("a case needs records that match and records that do not")
			}
			for i, x := range c.match {
				if !r.Match(x) {
					t.Errorf("record %d %v should match", i, x)
				}
			}
			for i, x := range c.noMatch {
				if r.Match(x) {
					t.Errorf("record %d %v should not match", i, x)
				}
			}
		})
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func utf16le(s string) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

func utf16be(s string) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return string(b)
}

func TestStringMatching(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"equals ignores case", `
sel:
  Image: 'C:\Tools\Probe.exe'
condition: sel`,
			[]rec{fields("Image", `C:\Tools\Probe.exe`), fields("Image", `c:\TOOLS\probe.EXE`)},
			[]rec{fields("Image", `C:\Tools\Probe.exe2`), fields("Image", `x C:\Tools\Probe.exe`), fields("Other", `C:\Tools\Probe.exe`), fields()}},
		{"non-ASCII case folding", `
sel:
  Name: 'ÄRGER'
condition: sel`,
			[]rec{fields("Name", "ärger"), fields("Name", "ÄrGeR")},
			[]rec{fields("Name", "arger"), fields("Name", "ärge")}},
		{"Kelvin sign is not k", `
sel:
  Name|contains: 'kill'
condition: sel`,
			[]rec{fields("Name", "pkill"), fields("Name", "KILL")},
			[]rec{fields("Name", "\u212aill")}},
		{"star wildcard", `
sel:
  Image: '*\probe*.exe'
condition: sel`,
			[]rec{fields("Image", `D:\x\probe12.exe`), fields("Image", `\probe.exe`)},
			[]rec{fields("Image", `D:\x\prob.exe`), fields("Image", `D:\x\probe.exe.bak`)}},
		{"question mark is one character", `
sel:
  Code: 'a?c'
condition: sel`,
			[]rec{fields("Code", "abc"), fields("Code", "a€c"), fields("Code", "A-C")},
			[]rec{fields("Code", "ac"), fields("Code", "abbc"), fields("Code", "abcd")}},
		{"question marks and stars together", `
sel:
  Code: '*x?y*z'
condition: sel`,
			[]rec{fields("Code", "..x1y..z"), fields("Code", "x-yz"), fields("Code", "xxxyz")},
			[]rec{fields("Code", "xyz"), fields("Code", "x1y..za")}},
		{"escaped star and question mark", `
sel:
  Name:
    - 'lit\*star'
    - 'ask\?'
condition: sel`,
			[]rec{fields("Name", "lit*star"), fields("Name", "ask?")},
			[]rec{fields("Name", "litXstar"), fields("Name", "askX"), fields("Name", "lit\\*star")}},
		{"escaped backslash before a wildcard", `
sel:
  Path: 'share\\*'
condition: sel`,
			[]rec{fields("Path", `share\`), fields("Path", `share\docs`)},
			[]rec{fields("Path", `share`), fields("Path", `sharedocs`)}},
		{"lone backslashes stay", `
sel:
  Path: 'C:\Windows\Temp\x.dll'
condition: sel`,
			[]rec{fields("Path", `c:\windows\temp\X.DLL`)},
			[]rec{fields("Path", `C:WindowsTempx.dll`)}},
		{"contains startswith endswith", `
c:
  A|contains: 'mid'
s:
  B|startswith: 'pre'
e:
  C|endswith: 'post'
condition: c and s and e`,
			[]rec{fields("A", "xMIDx", "B", "prefix", "C", "impost"), fields("A", "mid", "B", "pre", "C", "post")},
			[]rec{fields("A", "mi d", "B", "prefix", "C", "impost"), fields("A", "mid", "B", "xpre", "C", "post"), fields("A", "mid", "B", "pre", "C", "postx")}},
		{"value list is OR", `
sel:
  Image|endswith:
    - '\alpha.exe'
    - '\beta.exe'
condition: sel`,
			[]rec{fields("Image", `C:\alpha.exe`), fields("Image", `C:\BETA.exe`)},
			[]rec{fields("Image", `C:\gamma.exe`)}},
		{"all makes the list AND", `
sel:
  CommandLine|contains|all:
    - ' -first'
    - ' -second'
condition: sel`,
			[]rec{fields("CommandLine", "x -second -first"), fields("CommandLine", "x -first -second y")},
			[]rec{fields("CommandLine", "x -first"), fields("CommandLine", "x -second")}},
		{"cased", `
sel:
  Name|cased: 'Probe'
condition: sel`,
			[]rec{fields("Name", "Probe")},
			[]rec{fields("Name", "probe"), fields("Name", "PROBE")}},
		{"cased contains with non-ASCII", `
sel:
  Name|cased|contains: 'Ärger'
condition: sel`,
			[]rec{fields("Name", "viel Ärger hier")},
			[]rec{fields("Name", "viel ärger hier")}},
		{"empty string matches an empty value only", `
sel:
  Name: ''
condition: sel`,
			[]rec{fields("Name", "")},
			[]rec{fields("Name", "x"), fields()}},
		{"map fields are AND, a list of maps is OR", `
sel:
  - A: '1'
    B: '2'
  - C: '3'
condition: sel`,
			[]rec{fields("A", "1", "B", "2"), fields("C", "3")},
			[]rec{fields("A", "1"), fields("B", "2", "C", "4")}},
		{"a field with several values matches on any", `
sel:
  Name: 'two'
condition: sel`,
			[]rec{fields("Name", "one", "Name", "two")},
			[]rec{fields("Name", "one", "Name", "three")}},
		{"YAML numbers match their text", `
sel:
  EventID: 4688
  Mask: 0x10
condition: sel`,
			[]rec{fields("EventID", "4688", "Mask", "0x10"), fields("EventID", "4688", "Mask", "16")},
			[]rec{fields("EventID", "46880", "Mask", "0x10"), fields("EventID", "4688", "Mask", "0x100")}},
		{"YAML booleans match their text", `
sel:
  Flag: true
condition: sel`,
			[]rec{fields("Flag", "true"), fields("Flag", "True")},
			[]rec{fields("Flag", "1"), fields("Flag", "false")}},
	})
}

func TestRegexModifier(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"re is case-sensitive and unanchored", `
sel:
  CommandLine|re: 'ab+c'
condition: sel`,
			[]rec{fields("CommandLine", "xabbbcx"), fields("CommandLine", "abc")},
			[]rec{fields("CommandLine", "ABC"), fields("CommandLine", "ac")}},
		{"re|i", `
sel:
  CommandLine|re|i: 'ab+c'
condition: sel`,
			[]rec{fields("CommandLine", "ABBC")},
			[]rec{fields("CommandLine", "AC")}},
		{"re|m", `
sel:
  Text|re|m: '^second$'
condition: sel`,
			[]rec{fields("Text", "first\nsecond\nthird")},
			[]rec{fields("Text", "first second")}},
		{"re without m anchors the whole value", `
sel:
  Text|re: '^second$'
condition: sel`,
			[]rec{fields("Text", "second")},
			[]rec{fields("Text", "first\nsecond\nthird")}},
		{"re|s", `
sel:
  Text|re|s: 'a.b'
condition: sel`,
			[]rec{fields("Text", "a\nb")},
			[]rec{fields("Text", "ab")}},
		{"re without s", `
sel:
  Text|re: 'a.b'
condition: sel`,
			[]rec{fields("Text", "axb")},
			[]rec{fields("Text", "a\nb")}},
	})
}

func TestEncodingModifiers(t *testing.T) {
	// base64offset: the value must be found whatever its offset in the encoded text.
	var offsets []rec
	for _, prefix := range []string{"", "a", "ab", "abc"} {
		offsets = append(offsets, fields("CommandLine", "ps -e "+b64(prefix+"attack-ipc"+"!tail")))
	}
	var wideOffsets []rec
	for _, prefix := range []string{"", "a", "ab"} {
		wideOffsets = append(wideOffsets, fields("CommandLine", "-enc "+b64(utf16le(prefix+"run probe now"))))
	}
	runMatchCases(t, []matchCase{
		{"base64", `
sel:
  CommandLine|base64|contains: 'probe'
condition: sel`,
			[]rec{fields("CommandLine", "x "+b64("probe")+" y")},
			[]rec{fields("CommandLine", "probe"), fields("CommandLine", b64("probes"))}},
		{"base64offset", `
sel:
  CommandLine|base64offset|contains: 'attack-ipc'
condition: sel`,
			offsets,
			[]rec{fields("CommandLine", "attack-ipc"), fields("CommandLine", b64("attack-ipx"))}},
		{"utf16le then base64offset", `
sel:
  CommandLine|utf16le|base64offset|contains: 'probe'
condition: sel`,
			wideOffsets,
			[]rec{fields("CommandLine", b64("run probe now")), fields("CommandLine", b64(utf16le("run prone now")))}},
		{"wide is utf16le", `
sel:
  CommandLine|wide|base64|contains: 'probe'
condition: sel`,
			[]rec{fields("CommandLine", b64(utf16le("probe")))},
			[]rec{fields("CommandLine", b64("probe"))}},
		{"utf16be", `
sel:
  CommandLine|utf16be|base64|contains: 'probe'
condition: sel`,
			[]rec{fields("CommandLine", b64(utf16be("probe")))},
			[]rec{fields("CommandLine", b64(utf16le("probe")))}},
		{"utf16 has a byte order mark", `
sel:
  CommandLine|utf16|base64|contains: 'probe'
condition: sel`,
			[]rec{fields("CommandLine", b64("\xff\xfe"+utf16le("probe")))},
			[]rec{fields("CommandLine", b64(utf16le("probe")))}},
		{"utf16le alone keeps wildcards", `
sel:
  Blob|utf16le: 'ab*'
condition: sel`,
			[]rec{fields("Blob", utf16le("ab")+"zz")},
			[]rec{fields("Blob", "abzz")}},
	})
}

func TestWindash(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"every dash spelling", `
sel:
  CommandLine|windash|contains: ' -run '
condition: sel`,
			[]rec{
				fields("CommandLine", "x -run y"), fields("CommandLine", "x /run y"), fields("CommandLine", "x \u2013run y"),
				fields("CommandLine", "x \u2014run y"), fields("CommandLine", "x \u2015RUN y"),
			},
			[]rec{fields("CommandLine", "x +run y"), fields("CommandLine", "x run y"), fields("CommandLine", "x --run y")}},
		{"only a dash that starts a word", `
sel:
  CommandLine|windash: '-a-b'
condition: sel`,
			[]rec{fields("CommandLine", "-a-b"), fields("CommandLine", "/a-b")},
			[]rec{fields("CommandLine", "-a/b"), fields("CommandLine", "/a/b")}},
		{"slash spelling in the rule", `
sel:
  CommandLine|windash|endswith: ' /quiet'
condition: sel`,
			[]rec{fields("CommandLine", "setup -quiet"), fields("CommandLine", "setup /quiet")},
			[]rec{fields("CommandLine", "setup quiet")}},
		{"two dashes in one value", `
sel:
  CommandLine|windash|contains: ' -a -b'
condition: sel`,
			[]rec{fields("CommandLine", "x /a \u2013b"), fields("CommandLine", "x -a /b")},
			[]rec{fields("CommandLine", "x -a b")}},
	})
}

func TestOtherModifiers(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"cidr", `
sel:
  IpAddress|cidr:
    - '10.0.0.0/8'
    - '2001:db8::/32'
    - '192.0.2.7'
condition: sel`,
			[]rec{fields("IpAddress", "10.2.3.4"), fields("IpAddress", "::ffff:10.2.3.4"), fields("IpAddress", "2001:db8::1"), fields("IpAddress", "192.0.2.7"), fields("IpAddress", "fe80::1%eth0", "IpAddress", "10.9.9.9")},
			[]rec{fields("IpAddress", "11.0.0.1"), fields("IpAddress", "192.0.2.8"), fields("IpAddress", "not an ip"), fields("IpAddress", "2001:db9::1")}},
		{"gt", `
sel:
  Size|gt: 100
condition: sel`,
			[]rec{fields("Size", "101"), fields("Size", "0x100"), fields("Size", " 250 ")},
			[]rec{fields("Size", "100"), fields("Size", "abc"), fields("Size", "99.5")}},
		{"lte and gte", `
sel:
  Size|lte: 10
  Other|gte: 5.5
condition: sel`,
			[]rec{fields("Size", "10", "Other", "5.5"), fields("Size", "-3", "Other", "6")},
			[]rec{fields("Size", "11", "Other", "6"), fields("Size", "10", "Other", "5")}},
		{"lt", `
sel:
  Size|lt: 0
condition: sel`,
			[]rec{fields("Size", "-1")},
			[]rec{fields("Size", "0"), fields("Size", "NaN")}},
		{"exists true", `
sel:
  Token|exists: true
condition: sel`,
			[]rec{fields("Token", ""), fields("Token", "x")},
			[]rec{fields("Other", "x")}},
		{"exists false", `
sel:
  Token|exists: false
condition: sel`,
			[]rec{fields("Other", "x")},
			[]rec{fields("Token", "")}},
		{"null is absent or empty", `
sel:
  Token: null
condition: sel`,
			[]rec{fields(), fields("Token", "")},
			[]rec{fields("Token", "x")}},
		{"null in a list", `
sel:
  Token:
    - null
    - 'x'
condition: sel`,
			[]rec{fields(), fields("Token", "X")},
			[]rec{fields("Token", "y")}},
		{"fieldref", `
sel:
  TargetUser|fieldref: SubjectUser
condition: sel`,
			[]rec{fields("TargetUser", "Admin", "SubjectUser", "ADMIN")},
			[]rec{fields("TargetUser", "Admin", "SubjectUser", "Guest"), fields("TargetUser", "Admin"), fields("SubjectUser", "Admin")}},
		{"fieldref with startswith", `
sel:
  Child|fieldref|startswith: Parent
condition: sel`,
			[]rec{fields("Child", `C:\dir\sub`, "Parent", `C:\DIR`)},
			[]rec{fields("Child", `C:\other`, "Parent", `C:\dir`)}},
		{"fieldref cased", `
sel:
  A|fieldref|cased: B
condition: sel`,
			[]rec{fields("A", "x", "B", "x")},
			[]rec{fields("A", "x", "B", "X")}},
	})
}

func TestKeywords(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"keyword list searches every value", `
keywords:
  - 'evil*tool'
  - 'probe'
condition: keywords`,
			[]rec{kws("a", "run the EVIL-tool now"), kws("xproBEx")},
			[]rec{kws("evil", "tool"), {f: map[string][]string{"probe": {"probe"}}}}},
		{"keyword written as a scalar", `
kw: 'needle'
condition: kw`,
			[]rec{kws("haystack needle")},
			[]rec{kws("hay")}},
		{"keywords with all", `
keywords:
  '|all':
    - 'first'
    - 'second'
condition: keywords`,
			[]rec{kws("first", "second"), kws("the first and second")},
			[]rec{kws("first"), kws("second")}},
		{"keywords with windash", `
keywords:
  '|windash':
    - ' -enc '
condition: keywords`,
			[]rec{kws("powershell /enc AAA")},
			[]rec{kws("powershell enc AAA")}},
		{"keywords and fields together", `
keywords:
  - 'Set-Thing'
sel:
  EventID: 1
condition: keywords and sel`,
			[]rec{{f: map[string][]string{"EventID": {"1"}}, kw: []string{"set-thing -x"}}},
			[]rec{{f: map[string][]string{"EventID": {"6"}}, kw: []string{"Set-Thing"}}, fields("EventID", "1")}},
	})
}

func TestUnusableValues(t *testing.T) {
	cases := []struct{ name, det, reason string }{
		{"unknown modifier", "sel:\n  A|sometimes: x\ncondition: sel", `unknown modifier "sometimes"`},
		{"expand", "sel:\n  A|expand: '%admins%'\ncondition: sel", "placeholders"},
		{"lookahead", "sel:\n  A|re: 'a(?=b)'\ncondition: sel", "RE2"},
		{"backreference", "sel:\n  A|re: '(a)\\1'\ncondition: sel", "RE2"},
		{"bad regex", "sel:\n  A|re: 'a(b'\ncondition: sel", "regular expression"},
		{"base64 with wildcard", "sel:\n  A|base64: 'a*b'\ncondition: sel", "wildcards"},
		{"re and contains", "sel:\n  A|re|contains: 'a'\ncondition: sel", "cannot be combined"},
		{"startswith and endswith", "sel:\n  A|startswith|endswith: 'a'\ncondition: sel", "cannot be combined"},
		{"re and base64", "sel:\n  A|base64|re: 'a'\ncondition: sel", "cannot be combined"},
		{"bad cidr", "sel:\n  A|cidr: '10.0.0.0/99'\ncondition: sel", "not a network"},
		{"gt needs a number", "sel:\n  A|gt: 'many'\ncondition: sel", "needs a number"},
		{"exists needs a boolean", "sel:\n  A|exists: 'yes'\ncondition: sel", "true or false"},
		{"null with modifiers", "sel:\n  A|contains: null\ncondition: sel", "null cannot take modifiers"},
		{"flags without re", "sel:\n  A|i: 'x'\ncondition: sel", "apply to re only"},
		{"empty value list", "sel:\n  A: []\ncondition: sel", "empty list"},
		{"map as a value", "sel:\n  A:\n    b: c\ncondition: sel", "not a string"},
		{"nested list", "sel:\n  A:\n    - [a, b]\ncondition: sel", "not a string"},
		{"empty map", "sel: {}\ncondition: sel", "empty"},
		{"keyword exists", "kw:\n  '|exists': true\ncondition: kw", "needs a field name"},
		{"huge question-mark value", "sel:\n  A: '" + strings.Repeat("?", 2000) + "'\ncondition: sel", "too long"},
		{"huge value", "sel:\n  A: '" + strings.Repeat("a", maxValueLen+1) + "'\ncondition: sel", "longer than"},
		{"base64offset of one byte", "sel:\n  A|base64offset|contains: 'a'\ncondition: sel", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := Parse([]byte(ruleText(c.det)), "test.yml")
			if c.reason == "" {
				// Not all cases are refusals: a one-byte base64offset still has a fixed part at
				// offset 0 and is usable.
				if len(set.Rules) != 1 {
					t.Fatalf("want usable, got %v", set.Unusable)
				}
				return
			}
			if len(set.Rules) != 0 || len(set.Unusable) != 1 {
				t.Fatalf("want one unusable rule, got %d rules and %v", len(set.Rules), set.Unusable)
			}
			u := set.Unusable[0]
			if !strings.Contains(u.Reason, c.reason) {
				t.Errorf("reason %q does not say %q", u.Reason, c.reason)
			}
			if u.Path != "test.yml" || u.Line < 4 || u.Title != "test rule" {
				t.Errorf("unusable entry %+v should name test.yml, a detection line and the title", u)
			}
		})
	}
}
