package httpproxy

import (
	"strings"
	"testing"

	"github.com/exsweep/exsweep/internal/hunt/source"
	"github.com/exsweep/exsweep/internal/logscan"
)

func TestParseServerInfo(t *testing.T) {
	tests := []struct {
		anchor, host, path string
	}{
		{"ServerInfo~a]@EX01.contoso.com:444/ecp/proxyLogon.ecp?#", "ex01.contoso.com", "/ecp/proxyLogon.ecp?#"},
		{"ServerInfo~localhost/ecp/default.flt?~3", "localhost", "/ecp/default.flt?~3"},
		{"serverinfo~EX01:444/autodiscover/autodiscover.xml?#", "ex01", "/autodiscover/autodiscover.xml?#"},
		{"SERVERINFO~a@b@evil.example:443/owa/", "evil.example", "/owa/"},
		{"ServerInfo~[::1]:444/ecp/x", "::1", "/ecp/x"},
		{"ServerInfo~::1/ecp/x", "::1", "/ecp/x"},
		{"ServerInfo~[::1/x", "[::1", "/x"},
		{"ServerInfo~host?x=1", "host", "?x=1"},
		{"ServerInfo~host#frag", "host", "#frag"},
		{"ServerInfo~", "", ""},
		{"ServerInfo~/ecp", "", "/ecp"},
		{"ServerInfo", "", ""},
		{"user@contoso.com", "", ""},
		{"Smtp~user@contoso.com", "", ""},
		{"", "", ""},
		{"ſerverInfo~x/y", "", ""}, // Exchange writes the prefix itself, in ASCII
	}
	for _, tc := range tests {
		host, path := ParseServerInfo(tc.anchor)
		if host != tc.host || path != tc.path {
			t.Errorf("ParseServerInfo(%q) = %q, %q; want %q, %q", tc.anchor, host, path, tc.host, tc.path)
		}
	}
}

func TestDerive(t *testing.T) {
	rec := &logscan.Record{
		Header: logscan.NewHeader([]string{"AnchorMailbox", "UrlStem"}),
		Values: []string{"ServerInfo~a]@ex01:444/ecp/y.js?#", "/ecp/y.js"},
	}
	Source{}.Derive(rec, &source.File{Group: "Ecp"})
	if rec.Derived["ssrfhost"] != "ex01" || rec.Derived["ssrfpath"] != "/ecp/y.js?#" || rec.Derived["protocolfolder"] != "Ecp" {
		t.Errorf("derived %q", rec.Derived)
	}
}

func FuzzParseServerInfo(f *testing.F) {
	f.Add("ServerInfo~a]@EX01.contoso.com:444/ecp/proxyLogon.ecp?#")
	f.Add("ServerInfo~localhost/ecp/default.flt")
	f.Add("ServerInfo~[fe80::1%eth0]:444/x")
	f.Add("serverinfo~\xff@\xfe:1/")
	f.Add("ServerInfo~a@b@c:d:e/f?g#h")
	f.Fuzz(func(t *testing.T, anchor string) {
		host, path := ParseServerInfo(anchor)
		const prefix = "serverinfo~"
		if len(anchor) < len(prefix) || !strings.EqualFold(anchor[:len(prefix)], prefix) {
			if host != "" || path != "" {
				t.Fatalf("ParseServerInfo(%q) = %q, %q without the prefix", anchor, host, path)
			}
			return
		}
		target := anchor[len(prefix):]
		// The path is the target's tail from its first '/', '?' or '#'.
		if i := strings.IndexAny(target, "/?#"); i >= 0 {
			if path != target[i:] {
				t.Fatalf("ParseServerInfo(%q) path %q, want %q", anchor, path, target[i:])
			}
			target = target[:i]
		} else if path != "" {
			t.Fatalf("ParseServerInfo(%q) path %q without a separator", anchor, path)
		}
		// The host comes from the authority, after any user part, lower-cased.
		if strings.ContainsAny(host, "/?#@") {
			t.Fatalf("ParseServerInfo(%q) host %q holds a separator", anchor, host)
		}
		if host != strings.ToLower(host) {
			t.Fatalf("ParseServerInfo(%q) host %q is not lower case", anchor, host)
		}
		if !strings.Contains(strings.ToLower(target), host) {
			t.Fatalf("ParseServerInfo(%q) host %q is not in the authority %q", anchor, host, target)
		}
		// Derive agrees.
		rec := &logscan.Record{Header: logscan.NewHeader([]string{"AnchorMailbox"}), Values: []string{anchor}}
		Source{}.Derive(rec, &source.File{})
		if rec.Derived["ssrfhost"] != host || rec.Derived["ssrfpath"] != path {
			t.Fatalf("Derive %q, ParseServerInfo %q %q", rec.Derived, host, path)
		}
	})
}
