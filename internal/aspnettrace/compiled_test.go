package aspnettrace

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// benchTrace is the shape the benchmark's generator (bench/filegen) and ASP.NET write, with
// CRLF line ends: an XML declaration, the <preserve> element, one <filedep>.
func benchTrace(vpath, asm, typ string) string {
	return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<preserve resultType=\"3\" virtualPath=\"" + vpath +
		"\" hash=\"8c6b1e2f0a9d3c47\" filehash=\"fffffffe9b1a6c3d\" flags=\"110000\" assembly=\"" + asm +
		"\" type=\"" + typ + "\">\r\n    <filedeps>\r\n        <filedep name=\"" + vpath +
		"\" />\r\n    </filedeps>\r\n</preserve>\r\n"
}

func want(vpath, asm, typ string) Compiled {
	return Compiled{
		VirtualPath: vpath, ResultType: "3", Assembly: asm, Type: typ,
		Hash: "8c6b1e2f0a9d3c47", FileHash: "fffffffe9b1a6c3d", Flags: "110000",
		FileDeps: []string{vpath},
	}
}

func utf16LE(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = append(b, 0xff, 0xfe)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestParseCompiled(t *testing.T) {
	owa := benchTrace("/owa/auth/x.aspx", "App_Web_k3j5x0qa", "ASP.auth_x_aspx")
	for _, tc := range []struct {
		name string
		data []byte
		want Compiled
		err  error
	}{
		{"bench owa", []byte(owa), want("/owa/auth/x.aspx", "App_Web_k3j5x0qa", "ASP.auth_x_aspx"), nil},
		{"bench root app", []byte(benchTrace("/aspnet_client/system_web/x.aspx", "App_Web_0abc12de", "ASP.aspnet_client_system_web_x_aspx")),
			want("/aspnet_client/system_web/x.aspx", "App_Web_0abc12de", "ASP.aspnet_client_system_web_x_aspx"), nil},
		{"bench oab", []byte(benchTrace("/OAB/a1b2c3.aspx", "App_Web_zzzzzzzz", "ASP.a1b2c3_aspx")),
			want("/OAB/a1b2c3.aspx", "App_Web_zzzzzzzz", "ASP.a1b2c3_aspx"), nil},
		{"bench ecp with dash", []byte(benchTrace("/ecp/DDI/my-page.aspx", "App_Web_q", "ASP.ddi_my_page_aspx")),
			want("/ecp/DDI/my-page.aspx", "App_Web_q", "ASP.ddi_my_page_aspx"), nil},
		{"utf-8 bom", append([]byte("\xef\xbb\xbf"), owa...), want("/owa/auth/x.aspx", "App_Web_k3j5x0qa", "ASP.auth_x_aspx"), nil},
		{"utf-16 bom", utf16LE(owa, true), want("/owa/auth/x.aspx", "App_Web_k3j5x0qa", "ASP.auth_x_aspx"), nil},
		{"fixed names, no filedeps, LF",
			[]byte("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<preserve resultType=\"3\" virtualPath=\"/owa/auth/logon.aspx\" assembly=\"App_Web_logon.aspx.cdcab7d2\" type=\"ASP.auth_logon_aspx\" />\n"),
			Compiled{VirtualPath: "/owa/auth/logon.aspx", ResultType: "3", Assembly: "App_Web_logon.aspx.cdcab7d2", Type: "ASP.auth_logon_aspx"}, nil},
		{"single quotes, upper case, extra spaces",
			[]byte("<PRESERVE  VirtualPath = '/ecp/x.aspx'\tTYPE='ASP.x_aspx'><FileDep name='/ecp/x.aspx'/><filedep name='/ecp/Site.Master'/></PRESERVE>"),
			Compiled{VirtualPath: "/ecp/x.aspx", Type: "ASP.x_aspx", FileDeps: []string{"/ecp/x.aspx", "/ecp/Site.Master"}}, nil},
		{"entities",
			[]byte(`<preserve virtualPath="/owa/a&amp;b&#x20;c&#46;aspx" type="&lt;&gt;&quot;&apos;&bogus;&#;&#xZZ;&amp">`),
			Compiled{VirtualPath: "/owa/a&b c.aspx", Type: `<>"'&bogus;&#;&#xZZ;&amp`}, nil},
		{"control characters and bad utf-8",
			[]byte("<preserve virtualPath=\"/owa/\x1b[31mx\xff.aspx&#0;\">"),
			Compiled{VirtualPath: "/owa/\uFFFD[31mx\uFFFD.aspx\uFFFD"}, nil},
		{"duplicate attribute: first wins",
			[]byte(`<preserve virtualPath="/owa/a.aspx" virtualPath="/owa/b.aspx">`),
			Compiled{VirtualPath: "/owa/a.aspx"}, nil},
		{"unquoted value, bare word",
			[]byte(`<preserve virtualPath=/owa/a.aspx junk resultType="3">`),
			Compiled{VirtualPath: "/owa/a.aspx", ResultType: "3"}, nil},
		{"preserve not closed, new element",
			[]byte(`<preserve virtualPath="/owa/a.aspx" <filedep name="/x.aspx">`),
			Compiled{VirtualPath: "/owa/a.aspx", FileDeps: []string{"/x.aspx"}, Truncated: true}, nil},
		{"prefix elements are not preserve", []byte(`<preserveX virtualPath="/a.aspx"><filedeps>`), Compiled{}, ErrNotCompiled},
		{"filedeps is not filedep", []byte(`<preserve><filedeps></filedeps><filedepx name="/a"/></preserve>`), Compiled{}, nil},
		{"empty", nil, Compiled{}, ErrNotCompiled},
		{"garbage", []byte("\x00\x01<<<<>>>>&&&;;\"'=="), Compiled{}, ErrNotCompiled},
		{"element name only", []byte("<preserve"), Compiled{Truncated: true}, nil},
		{"open quote at end", []byte(`<preserve virtualPath="/owa/au`), Compiled{VirtualPath: "/owa/au", Truncated: true}, nil},
		{"equals at end", []byte(`<preserve virtualPath=`), Compiled{Truncated: true}, nil},
		{"odd utf-16", append(utf16LE(`<preserve virtualPath="/owa/a.aspx">`, true), 'x'), Compiled{VirtualPath: "/owa/a.aspx"}, nil},
		{"lone surrogate in utf-16", utf16LE("<preserve virtualPath=\"/owa/\xed\xa0\x80.aspx\">", true),
			Compiled{VirtualPath: "/owa/\uFFFD\uFFFD\uFFFD.aspx"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCompiled(tc.data)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseCompiledTruncated cuts the benchmark's trace at every offset: never an error once
// "<preserve" is complete, the virtual path is always a prefix of the real one, Truncated is
// set while the element is incomplete.
func TestParseCompiledTruncated(t *testing.T) {
	vpath := "/owa/auth/x.aspx"
	full := benchTrace(vpath, "App_Web_k3j5x0qa", "ASP.auth_x_aspx")
	at := strings.Index(full, "<preserve") + len("<preserve")
	closeAt := strings.Index(full, `">`) + 2
	depAt := strings.Index(full, "<filedep ") + len("<filedep")
	depEnd := strings.Index(full, "/>") + 2
	depsAt := strings.Index(full, "<filedeps") + len("<filedep")
	for n := 0; n <= len(full); n++ {
		c, err := ParseCompiled([]byte(full[:n]))
		if n < at {
			if !errors.Is(err, ErrNotCompiled) {
				t.Fatalf("len %d: err %v", n, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("len %d: %v", n, err)
		}
		if !strings.HasPrefix(vpath, c.VirtualPath) {
			t.Fatalf("len %d: virtual path %q", n, c.VirtualPath)
		}
		// Cut right after "<filedep" of "<filedeps", the data could be either: the file did
		// end inside an element, so Truncated is right.
		inDep := n >= depAt && n < depEnd || n == depsAt
		if c.Truncated != (n < closeAt || inDep) {
			t.Fatalf("len %d: Truncated %v", n, c.Truncated)
		}
		if n >= closeAt && c.VirtualPath != vpath {
			t.Fatalf("len %d: virtual path %q after the element closed", n, c.VirtualPath)
		}
		for _, d := range c.FileDeps {
			if !strings.HasPrefix(vpath, d) {
				t.Fatalf("len %d: filedep %q", n, d)
			}
		}
	}
}

func TestParseCompiledCaps(t *testing.T) {
	huge := strings.Repeat("A", 100<<10)
	c, err := ParseCompiled([]byte(`<preserve virtualPath="/owa/` + huge + `.aspx" type="ASP.x">`))
	if err != nil || len(c.VirtualPath) != MaxAttrBytes || !c.Truncated || c.Type != "ASP.x" {
		t.Errorf("huge attribute: err %v, %d bytes, Truncated %v, type %q", err, len(c.VirtualPath), c.Truncated, c.Type)
	}

	deps := strings.Repeat(`<filedep name="/owa/a.aspx"/>`, 1000)
	c, _ = ParseCompiled([]byte(`<preserve virtualPath="/owa/a.aspx">` + deps))
	if len(c.FileDeps) != MaxFileDeps {
		t.Errorf("%d filedeps, want %d", len(c.FileDeps), MaxFileDeps)
	}

	pad := bytes.Repeat([]byte(" "), MaxCompiledBytes)
	if _, err := ParseCompiled(append(pad, `<preserve virtualPath="/a.aspx">`...)); !errors.Is(err, ErrNotCompiled) {
		t.Errorf("element past the cap: %v", err)
	}
	c, err = ParseCompiled(append([]byte(`<preserve virtualPath="/a.aspx">`), pad...))
	if err != nil || c.VirtualPath != "/a.aspx" || !c.Truncated {
		t.Errorf("input past the cap: %+v, %v", c, err)
	}

	many := "<preserve " + strings.Repeat(`a="b" `, 10000) + `virtualPath="/late.aspx">`
	if c, _ := ParseCompiled([]byte(many)); c.VirtualPath != "" {
		t.Errorf("attribute past the %d kept: %q", maxAttrs, c.VirtualPath)
	}
}

// TestParseCompiledHostileShapes runs inputs meant to make a scanner slow; each is 1 MiB.
func TestParseCompiledHostileShapes(t *testing.T) {
	for _, unit := range []string{"<", "<preserve", `<preserve a="`, "<filedep ", `<preserve x=y `, "&#x1;", `a= `, "=", "/", `<filedep name='`} {
		data := []byte(strings.Repeat(unit, MaxCompiledBytes/len(unit)+1))
		c, _ := ParseCompiled(data)
		checkCompiled(t, c)
		c, _ = ParseCompiled(append([]byte(`<preserve virtualPath="`), data...))
		checkCompiled(t, c)
	}
}

func checkCompiled(t *testing.T, c Compiled) {
	t.Helper()
	for _, v := range append([]string{c.VirtualPath, c.ResultType, c.Assembly, c.Type, c.Hash, c.FileHash, c.Flags}, c.FileDeps...) {
		if !utf8.ValidString(v) || len(v) > 3*MaxAttrBytes {
			t.Fatalf("bad value of %d bytes: %q", len(v), v[:min(len(v), 40)])
		}
		for _, r := range v {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Fatalf("control character in %q", v)
			}
		}
	}
	if len(c.FileDeps) > MaxFileDeps {
		t.Fatalf("%d filedeps", len(c.FileDeps))
	}
}
