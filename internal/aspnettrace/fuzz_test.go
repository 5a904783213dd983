package aspnettrace

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseCompiled feeds arbitrary bytes to ParseCompiled: no panic, only ErrNotCompiled as an
// error, values valid UTF-8 without control characters and within the caps, and when the
// element was complete (not Truncated) bytes appended after it do not change the virtual path.
func FuzzParseCompiled(f *testing.F) {
	f.Add([]byte(benchTrace("/owa/auth/x.aspx", "App_Web_k3j5x0qa", "ASP.auth_x_aspx")))
	f.Add([]byte("\xef\xbb\xbf<preserve virtualPath='/ecp/a&amp;b.aspx'><filedep name='/ecp/a.aspx'/>"))
	f.Add(utf16LE(`<preserve virtualPath="/owa/a.aspx">`, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCompiled(data)
		if err != nil {
			if !errors.Is(err, ErrNotCompiled) {
				t.Fatalf("error %v", err)
			}
			if c.VirtualPath != "" || c.FileDeps != nil || c.Truncated {
				t.Fatalf("values with an error: %+v", c)
			}
			return
		}
		checkCompiled(t, c)
		if !c.Truncated {
			// Nothing the element said can change when bytes follow it.
			c2, _ := ParseCompiled(append(append([]byte(nil), data...), ` virtualPath="/zz.aspx">`...))
			if c2.VirtualPath != c.VirtualPath && c.VirtualPath != "" {
				t.Fatalf("virtual path %q became %q", c.VirtualPath, c2.VirtualPath)
			}
		}
	})
}

// FuzzPagesInAssembly feeds arbitrary bytes and a max to PagesInAssembly: no panic, results
// distinct, within max, valid text, each a page path or page class.
func FuzzPagesInAssembly(f *testing.F) {
	f.Add(appWebDLL(usHeap("~/auth/x.aspx", "/owa/auth/x.aspx"), "ASP", "auth_x_aspx", "Create_ASP_auth_x_aspx"), 0)
	f.Add([]byte("\x00ASP.aspnet_client_system_web_x_aspx\x00/aspnet_client/system_web/x.aspx\x00"), 3)
	f.Add(benchDLL(), 10)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		got := PagesInAssembly(data, max)
		checkPages(t, got, max)
		for _, p := range got {
			if strings.HasPrefix(p, "ASP.") {
				continue
			}
			if strings.Contains(p, "\x00") {
				t.Fatalf("NUL in %q", p)
			}
		}
	})
}
