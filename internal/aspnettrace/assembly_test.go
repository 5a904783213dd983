package aspnettrace

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// usHeap writes strings as the #US heap of .NET metadata does: a leading 0, then per string a
// compressed length (bytes of UTF-16 plus one), the UTF-16LE characters and a flag byte.
func usHeap(ss ...string) []byte {
	b := []byte{0}
	for _, s := range ss {
		u := utf16LE(s, false)
		n := len(u) + 1
		if n < 0x80 {
			b = append(b, byte(n))
		} else {
			b = append(b, 0x80|byte(n>>8), byte(n))
		}
		b = append(b, u...)
		b = append(b, 0)
	}
	return b
}

// appWebDLL is a stand-in for an App_Web_*.dll compiled from pages: DOS header and stub, CLR
// metadata root, a #Strings heap with the page class split into namespace and name plus the
// factory method ASP.NET generates, and a #US heap with the app-relative path.
func appWebDLL(us []byte, strs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00")
	b.WriteString("\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$")
	b.Write(make([]byte, 64))
	b.WriteString("BSJB\x01\x00\x01\x00\x00\x00\x00\x00\x0c\x00\x00\x00v4.0.30319\x00\x00\x00\x00\x05\x00")
	b.WriteString("#~\x00\x00#Strings\x00\x00\x00\x00#US\x00#GUID\x00\x00\x00#Blob\x00\x00\x00")
	b.WriteByte(0)
	for _, s := range strs {
		b.WriteString(s)
		b.WriteByte(0)
	}
	b.Write(us)
	b.Write([]byte{0x01, 0x00, 0x0a, 0x00, 0x2a, 0x02, 0x28, 0x11})
	return b.Bytes()
}

func TestPagesInAssembly(t *testing.T) {
	strs := []string{"<Module>", "App_Web_k3j5x0qa.dll", "ASP", "auth_x_aspx", "__ASP", "FastObjectFactory_app_web_k3j5x0qa",
		"Create_ASP_auth_x_aspx", "System.Web.UI.Page", "get_Request", "__BuildControlTree", "FrameworkInitialize"}
	owa := appWebDLL(usHeap("~/auth/x.aspx", "/owa/auth/x.aspx", "Microsoft.Exchange", "~/auth/x.aspx"), strs...)

	// A 32-character path: its length byte 0x41 and the flag byte before it read as U+4100, a
	// CJK letter, in UTF-16.
	long32 := "~/aspnet_client/systemweb/a.aspx"
	if len(long32) != 32 {
		t.Fatal(len(long32))
	}
	root := appWebDLL(usHeap("Hello", long32, "x"), "ASP.aspnet_client_system_web_x_aspx", "Create_ASP_global_asax")

	for _, tc := range []struct {
		name string
		data []byte
		max  int
		want []string
	}{
		{"owa page", owa, 0, []string{"ASP.auth_x_aspx", "~/auth/x.aspx", "/owa/auth/x.aspx"}},
		{"max 2", owa, 2, []string{"ASP.auth_x_aspx", "~/auth/x.aspx"}},
		{"root app, length unit as a letter", root, 10, []string{"ASP.aspnet_client_system_web_x_aspx", "ASP.global_asax", long32}},
		{"utf-16 at odd offset", append([]byte{0x07}, usHeap("/ecp/x.ashx")...), 10, []string{"/ecp/x.ashx"}},
		{"all extensions, any case", []byte("\x00/a.ASPX\x00/b.ashx\x00/c.asmx\x00~/global.asax\x00/d.ascx\x00/e.Master\x00/f.svc\x00~/Views/g.cshtml\x00/h.vbhtml\x00"), 0,
			[]string{"/a.ASPX", "/b.ashx", "/c.asmx", "~/global.asax", "/d.ascx", "/e.Master", "/f.svc", "~/Views/g.cshtml", "/h.vbhtml"}},
		{"text around paths", []byte(`Requested "/owa/auth/x.aspx?cmd=1" from see /ecp/y.aspx, done`), 0, []string{"/owa/auth/x.aspx", "/ecp/y.aspx"}},
		{"space inside a name", usHeap("/owa/auth/my shell.aspx"), 0, []string{"/owa/auth/my shell.aspx"}},
		{"non-ascii name", append([]byte("\x00/owa/auth/шелл.aspx\x00"), usHeap("~/auth/進程.aspx")...), 0, []string{"/owa/auth/шелл.aspx", "~/auth/進程.aspx"}},
		{"not pages", []byte("\x00x.aspx.cs\x00/a.aspxx\x00/b.aspx/info\x00a.aspx\x00/.aspx\x00~/.aspx\x00.aspx\x00c:\\x.aspx\x00~x.aspx\x00/d.aspx_\x00"), 0, nil},
		{"not classes", []byte("\x00__ASP.FastObjectFactory\x00MyASP.x_aspx\x00a.ASP.x_aspx\x00ASP.\x00ASP.x_aspxx\x00ASP._aspx\x00ASP.x_cs\x00Create_ASP_\x00xCreate_ASP_y_aspx\x00"), 0, nil},
		{"distinct", []byte("\x00/a.aspx\x00/a.aspx\x00ASP.a_aspx\x00Create_ASP_a_aspx\x00"), 0, []string{"/a.aspx", "ASP.a_aspx"}},
		{"control characters cleaned", []byte("\x00/a\x7fb.aspx\x00"), 0, nil},
		{"bench dll strings", benchDLL(), 0, nil},
		{"empty", nil, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PagesInAssembly(tc.data, tc.max)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			checkPages(t, got, tc.max)
		})
	}
}

// benchDLL holds the kinds of strings the benchmark's generator writes into App_Web_*.dll
// files: .NET identifiers, API names and version-resource strings, none of them a page.
func benchDLL() []byte {
	var b []byte
	for _, s := range []string{"System.Web.UI.Page", "HttpContext", "get_Request", "System.Reflection", "Assembly", "Load",
		"FromBase64String", "Microsoft.Exchange.Diagnostics", "Microsoft.JScript", "VsaEngine", "Dictionary`2", "kernel32.dll", "_initterm"} {
		b = append(b, s...)
		b = append(b, 0)
	}
	for _, s := range []string{"VS_VERSION_INFO", "StringFileInfo", "Microsoft® Exchange", "© Microsoft Corporation. All rights reserved.",
		"10.0.14393.4283 (rs1_release.210303-1802)"} {
		b = append(b, utf16LE(s, false)...)
		b = append(b, 0, 0)
	}
	return b
}

func TestPagesInAssemblyCaps(t *testing.T) {
	var many []byte
	for i := range 6000 {
		many = append(many, "\x00/p"...)
		many = append(many, strings.Repeat("x", i%7)...)
		many = append(many, byte('a'+i%26), byte('a'+i/26%26), byte('a'+i/676%26))
		many = append(many, ".aspx"...)
	}
	if n := len(PagesInAssembly(many, 0)); n != DefaultMaxPages {
		t.Errorf("default max: %d", n)
	}
	if n := len(PagesInAssembly(many, 1<<30)); n != MaxPages {
		t.Errorf("max capped: %d", n)
	}
	if n := len(PagesInAssembly(many, 3)); n != 3 {
		t.Errorf("max 3: %d", n)
	}

	late := append(make([]byte, MaxAssemblyScan-4), "/a.aspx"...)
	if got := PagesInAssembly(late, 0); got != nil {
		t.Errorf("past the scan cap: %q", got)
	}

	path := "/" + strings.Repeat("d/", maxPathChars/2) + "x.aspx"
	if got := PagesInAssembly([]byte(path), 0); got != nil {
		t.Errorf("path of %d characters: %q", len(path), got)
	}
	ok := "/" + strings.Repeat("d/", maxPathChars/2-4) + "x.aspx"
	if got := PagesInAssembly([]byte(ok), 0); len(got) != 1 || got[0] != ok {
		t.Errorf("path of %d characters not found", len(ok))
	}
	class := "ASP." + strings.Repeat("a", maxClassChars) + "_aspx"
	if got := PagesInAssembly([]byte(class), 0); got != nil {
		t.Errorf("class of %d characters: %q", len(class), got)
	}
}

// TestPagesInAssemblyLinear runs 4 MiB of each shape meant to make a scanner go back over the
// same bytes; each must finish in about the time of a plain pass.
func TestPagesInAssemblyLinear(t *testing.T) {
	const size = 4 << 20
	for _, unit := range []string{"a.aspx ", "/ .aspx", "a/", " ", "Create_ASP_", "ASP.", "ASP.a", "A", ".", "./.aspx",
		"/\x00", ".\x00", "A\x00S\x00P\x00.\x00", "/\x00 \x00", "a\x00.\x00a\x00s\x00p\x00x\x00 \x00"} {
		data := bytes.Repeat([]byte(unit), size/len(unit))
		start := time.Now()
		got := PagesInAssembly(data, MaxPages)
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%q: %v", unit, d)
		}
		checkPages(t, got, MaxPages)
	}
}

func checkPages(t *testing.T, got []string, max int) {
	t.Helper()
	if max <= 0 {
		max = DefaultMaxPages
	}
	if len(got) > min(max, MaxPages) {
		t.Fatalf("%d results, max %d", len(got), max)
	}
	seen := map[string]bool{}
	for _, p := range got {
		if seen[p] {
			t.Fatalf("duplicate %q", p)
		}
		seen[p] = true
		if !utf8.ValidString(p) || strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == utf8.RuneError }) {
			t.Fatalf("bad text %q", p)
		}
		lower := strings.ToLower(p)
		switch {
		case strings.HasPrefix(p, "ASP."):
			if len([]rune(p)) > 4+maxClassChars || strings.Count(p, ".") != 1 {
				t.Fatalf("bad class %q", p)
			}
		case strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~/"):
			if len([]rune(p)) > maxPathChars+2 {
				t.Fatalf("path of %d characters", len([]rune(p)))
			}
		default:
			t.Fatalf("result %q is neither a path nor a class", p)
		}
		ext := false
		for _, e := range []string{"aspx", "ashx", "asmx", "asax", "ascx", "master", "svc", "cshtml", "vbhtml"} {
			ext = ext || strings.HasSuffix(lower, "."+e) || strings.HasSuffix(lower, "_"+e)
		}
		if !ext {
			t.Fatalf("%q has no page extension", p)
		}
	}
}

func TestVirtualPathFromTraceName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"x.aspx.cdcab7d2.compiled", "x.aspx", true},
		{`C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files\owa\1\2\logon.aspx.CDCAB7D2.COMPILED`, "logon.aspx", true},
		{"owa/a/b/my page.ashx.0.compiled", "my page.ashx", true},
		{"a.b.aspx.deadbeef.compiled", "a.b.aspx", true},
		{"global.asax.0123456789abcdef.compiled", "global.asax", true},
		{"x.aspx.0123456789abcdef0.compiled", "", false},
		{"x.aspx.cdcab7d2.compiled.bak", "", false},
		{"x.aspx.zzzz.compiled", "", false},
		{"App_global.asax.compiled", "", false},
		{"App_Code.compiled", "", false},
		{"App_Web_k3j5x0qa.compiled", "", false},
		{"aspx.cdcab7d2.compiled", "", false},
		{".aspx.cdcab7d2.compiled", "", false},
		{"x..cdcab7d2.compiled", "", false},
		{"x.aspx..compiled", "", false},
		{".compiled", "", false},
		{"", "", false},
		{"x\x1b.aspx.1.compiled", "x\uFFFD.aspx", true},
	} {
		got, ok := VirtualPathFromTraceName(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("VirtualPathFromTraceName(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
