package iisconfig

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"
)

// The seed corpora under testdata/fuzz/<Name>/ hold realistic files (our samples, an
// Exchange-shaped applicationHost.config, UTF-16, truncated and hostile variants); f.Add adds a
// few more small ones.

// checkResult holds a parse result to the documented contract.
func checkResult(t *testing.T, ok bool, err error, rules []RewriteRule, handlers []Handler) {
	t.Helper()
	if !ok {
		if !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrEncoding) {
			t.Fatalf("nil result with error %v", err)
		}
		return
	}
	for _, r := range rules {
		if r.Line < 1 || r.RemovedAt < 0 {
			t.Fatalf("rule %q at line %d, removed at %d", r.Name, r.Line, r.RemovedAt)
		}
	}
	for _, h := range handlers {
		if h.Line < 1 {
			t.Fatalf("handler at line %d", h.Line)
		}
	}
	// Whatever was read, recognising mitigations must not panic and must give known values.
	for _, m := range Mitigations(rules) {
		switch {
		case m.Family != FamilyProxyLogon && m.Family != FamilyProxyNotShell,
			m.Status != StatusPresent && m.Status != StatusPartial && m.Status != StatusDisabled,
			len(m.Parts) == 0 || len(m.Rules) == 0:
			t.Fatalf("bad mitigation %+v", m)
		}
	}
}

func FuzzParseAppHost(f *testing.F) {
	f.Add([]byte(exchangeAppHost))
	f.Add([]byte(`<configuration><system.applicationHost><sites><site name="a"><application path="/"><virtualDirectory path="/" physicalPath="C:\ProgramData" /></application></site></sites></system.applicationHost></configuration>`))
	f.Add(utf16Bytes(`<configuration><location path="x"><system.webServer><rewrite><rules><rule name="r"><match url=".*"/></rule></rules></rewrite></system.webServer></location></configuration>`, false, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAppHost(data)
		if a == nil {
			checkResult(t, false, err, nil, nil)
			return
		}
		checkCaps(t, a.Sites, a.Rewrite, a.Handlers, a.BuildProviders, a.Removals, a.Locations)
		checkResult(t, true, err, a.Rewrite, a.Handlers)
		for _, s := range a.Sites {
			_ = a.SiteLogDirectory(s)
			for _, app := range s.Apps {
				for _, vd := range app.VDirs {
					if rel, ok, _ := ResolvePath(vd.PhysicalPath, Env{ExchangeInstallPath: "Exchange"}); ok {
						_ = IntoProgramData(rel)
					}
				}
			}
		}
	})
}

func FuzzParseWebConfig(f *testing.F) {
	f.Add([]byte(`<configuration><system.webServer><rewrite><rules>` + plAnon + plBE + pnsLater + `</rules></rewrite></system.webServer></configuration>`))
	f.Add([]byte(`<configuration><system.web><httpHandlers><add path="*.txt" verb="*" type="System.Web.UI.PageHandlerFactory" /></httpHandlers></system.web></configuration>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "&b;&b;">]><configuration a="&a;"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWebConfig(data)
		if w == nil {
			checkResult(t, false, err, nil, nil)
			return
		}
		checkCaps(t, nil, w.Rewrite, w.Handlers, w.BuildProviders, w.Removals, w.Locations)
		checkResult(t, true, err, w.Rewrite, w.Handlers)
	})
}

func FuzzResolvePath(f *testing.F) {
	f.Add(`%SystemDrive%\inetpub\wwwroot`, "", "")
	f.Add(`%ExchangeInstallPath%FrontEnd\HttpProxy\owa`, "C", `Program Files\Microsoft\Exchange Server\V15\`)
	f.Add(`\\?\C:\ProgramData.\x\..\y`, "c:", "")
	f.Add(`\\localhost\c$\Users\All Users\`, "C", "")
	f.Fuzz(func(t *testing.T, p, drive, exch string) {
		rel, ok, why := ResolvePath(p, Env{SystemDrive: drive, ExchangeInstallPath: exch})
		if !ok {
			if rel != "" || why == "" {
				t.Fatalf("failure without reason: %q %q", rel, why)
			}
			return
		}
		if !fs.ValidPath(rel) || strings.ContainsAny(rel, "\\:\x00") || !utf8.ValidString(rel) {
			t.Fatalf("ResolvePath(%q) = %q", p, rel)
		}
		_ = IntoProgramData(rel)
		// A resolved path, written back as a Windows path, resolves to itself (unless it holds
		// a '%' that could now read as a variable, or names Windows would trim).
		if strings.Contains(rel, "%") {
			return
		}
		for _, seg := range strings.Split(rel, "/") {
			if strings.TrimRight(seg, ". ") != seg {
				return
			}
		}
		d, okd := driveLetter(drive)
		if !okd {
			t.Fatalf("ok with a bad drive %q", drive)
		}
		back := string(d) + `:\` + strings.ReplaceAll(rel, "/", `\`)
		if rel == "." {
			back = string(d) + `:\`
		}
		rel2, ok2, _ := ResolvePath(back, Env{SystemDrive: drive})
		if !ok2 || rel2 != rel {
			t.Fatalf("ResolvePath(%q) = %q; again from %q: %q %v", p, rel, back, rel2, ok2)
		}
	})
}
