package eventjson

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" when the input must not parse
	}{
		{"2021-03-03T04:12:33Z", "2021-03-03T04:12:33Z"},
		{"2021-03-03T04:12:33.1234567Z", "2021-03-03T04:12:33.1234567Z"},
		{"2021-03-03T05:12:33.5+01:00", "2021-03-03T04:12:33.5Z"},
		{"2021-03-03T05:12:33+0100", "2021-03-03T04:12:33Z"},
		{"2021-03-03t04:12:33Z", "2021-03-03T04:12:33Z"},
		{"2021-03-03T04:12:33", "2021-03-03T04:12:33Z"},
		{"2021-03-03T04:12:33.120", "2021-03-03T04:12:33.12Z"},
		{"2021-03-03 04:12:33", "2021-03-03T04:12:33Z"},
		{"2021-03-03 04:12:33.123", "2021-03-03T04:12:33.123Z"},
		{"2021-03-03 04:12:33.123Z", "2021-03-03T04:12:33.123Z"},
		{"2021-03-03 04:12:33 UTC", "2021-03-03T04:12:33Z"},
		{"2021-03-03 06:12:33+02:00", "2021-03-03T04:12:33Z"},
		{" 2021-03-03T04:12:33Z ", "2021-03-03T04:12:33Z"},
		{"/Date(1614744753123)/", "2021-03-03T04:12:33.123Z"},
		{"/Date(1614744753123-0500)/", "2021-03-03T04:12:33.123Z"},
		{"/Date(-1000)/", "1969-12-31T23:59:59Z"},
		{"/Date(x)/", ""},
		{"/Date(1614744753123", ""},
		{"3/3/2021 4:12:33 AM", "2021-03-03T04:12:33Z"},
		{"3/3/2021 16:12:33", "2021-03-03T16:12:33Z"},
		{"1614744753", "2021-03-03T04:12:33Z"},
		{"1614744753123", "2021-03-03T04:12:33.123Z"},
		{"1614744753123456", "2021-03-03T04:12:33.123456Z"},
		{"1614744753123456789", "2021-03-03T04:12:33.123456789Z"},
		{"1614744753.5", "2021-03-03T04:12:33.5Z"},
		{"", ""},
		{"yesterday", ""},
		{"2021-13-03T04:12:33Z", ""},
		{"2021-03-03X04:12:33Z", ""},
		{"2021-03-03T04:12", ""},
		{"99999999999999999999", ""},
	}
	for _, tc := range tests {
		got, ok := parseTime(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("parseTime(%q) = %v, want no time", tc.in, got)
			}
			continue
		}
		if !ok || !got.Equal(ts(tc.want)) || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v %v, want %s", tc.in, got, ok, tc.want)
		}
	}
}

func TestParseEpochNumbers(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"0", "1970-01-01T00:00:00Z"},
		{"1614744753", "2021-03-03T04:12:33Z"},
		{"1614744753.25", "2021-03-03T04:12:33.25Z"},
		{"1614744753123", "2021-03-03T04:12:33.123Z"},
		{"1614744753123.0", "2021-03-03T04:12:33.123Z"},
		{"1.614744753123e12", "2021-03-03T04:12:33.123Z"},
		{"-5", ""},
		{"1e300", ""},
		{"-0.5", ""},
	}
	for _, tc := range tests {
		got, ok := parseEpoch(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("parseEpoch(%q) = %v", tc.in, got)
			}
			continue
		}
		// Floats carry about a microsecond of precision at today's epoch.
		if d := got.Sub(ts(tc.want)); !ok || d > time.Microsecond || d < -time.Microsecond {
			t.Errorf("parseEpoch(%q) = %v %v, want %s", tc.in, got, ok, tc.want)
		}
	}
}

func TestParseEventIDAndLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"4688", 4688, true}, {" 1 ", 1, true}, {"65535", 65535, true},
		{"1073741825", 1, true}, {"3221226477", 1005, true}, {"4294967295", 65535, true},
		{"4294967296", 0, false}, {"-1", 0, false}, {"0x10", 0, false}, {"", 0, false}, {"4688.0", 0, false},
	} {
		if got, ok := parseEventID(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("parseEventID(%q) = %d %v", tc.in, got, ok)
		}
	}
	for _, tc := range []struct {
		in   string
		want uint8
		ok   bool
	}{
		{"0", 0, true}, {"4", 4, true}, {"255", 255, true}, {"256", 0, false},
		{"information", 4, true}, {"Information", 4, true}, {"Warning", 3, true}, {"error", 2, true},
		{"Critical", 1, true}, {"Verbose", 5, true}, {"Audit Success", 0, true}, {"loud", 0, false},
	} {
		if got, ok := parseLevel(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("parseLevel(%q) = %d %v", tc.in, got, ok)
		}
	}
}

func TestIsParam(t *testing.T) {
	for k, want := range map[string]int{"param1": 1, "PARAM12": 12, "param999": 999, "param0": 0, "param01": 0,
		"param": 0, "param1000": 0, "param-1": 0, "parameter": 0, "xparam1": 0, "param1x": 0} {
		if got := isParam(k); got != want {
			t.Errorf("isParam(%q) = %d, want %d", k, got, want)
		}
	}
}

func TestNames(t *testing.T) {
	long := strings.Repeat("k", 300)
	if n := joinName("", long); len(n) != maxName {
		t.Errorf("len %d", len(n))
	}
	if n := joinName("a", long); len(n) != maxName || !strings.HasPrefix(n, "a.kk") {
		t.Errorf("%q", n)
	}
	if n := joinName(long[:maxName], "x"); len(n) != maxName {
		t.Errorf("len %d", len(n))
	}
	if n := cutName(strings.Repeat("é", 200)); len(n) != maxName || !strings.HasSuffix(n, "é") {
		t.Errorf("len %d", len(n))
	}
	if n := joinName("a.b", "c"); n != "a.b.c" {
		t.Errorf("%q", n)
	}
}
