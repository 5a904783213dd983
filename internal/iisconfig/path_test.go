package iisconfig

import (
	"io/fs"
	"strings"
	"testing"
)

func TestResolvePath(t *testing.T) {
	exch := Env{ExchangeInstallPath: "Program Files/Microsoft/Exchange Server/V15"}
	tests := []struct {
		in     string
		env    Env
		want   string // "" means ok=false
		why    string // substring of why ("" means why must be empty when ok)
		caveat bool   // ok with a non-empty why
	}{
		{`%SystemDrive%\inetpub\wwwroot`, Env{}, "inetpub/wwwroot", "", false},
		{`%systemdrive%\inetpub\wwwroot\`, Env{}, "inetpub/wwwroot", "", false},
		{`C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa`, Env{}, "Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa", "", false},
		{`c:/inetpub//wwwroot/aspnet_client/`, Env{}, "inetpub/wwwroot/aspnet_client", "", false},
		{`%ExchangeInstallPath%FrontEnd\HttpProxy\owa`, exch, "Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa", "", false},
		{`%ExchangeInstallPath%\FrontEnd\HttpProxy\ecp\auth`, Env{ExchangeInstallPath: `Exchange\`}, "Exchange/FrontEnd/HttpProxy/ecp/auth", "", false},
		{`%ExchangeInstallPath%ClientAccess\Oab`, Env{ExchangeInstallPath: `D:\Exchange`}, "", "drive D:", false},
		{`%ExchangeInstallPath%FrontEnd`, Env{}, "", "ExchangeInstallPath% is not known", false},
		{`%windir%\system32\inetsrv\asp.dll`, Env{}, "Windows/system32/inetsrv/asp.dll", "", false},
		{`%SystemRoot%\Microsoft.NET\Framework64`, Env{}, "Windows/Microsoft.NET/Framework64", "", false},
		{`%ProgramData%\COM`, Env{}, "ProgramData/COM", "", false},
		{`%ALLUSERSPROFILE%\x`, Env{}, "ProgramData/x", "", false},
		{`%PUBLIC%\Documents`, Env{}, "Users/Public/Documents", "", false},
		{`%ProgramFiles%\x`, Env{}, "Program Files/x", "", false},
		{`%ProgramFiles(x86)%\x`, Env{}, "Program Files (x86)/x", "", false},
		{`%CommonProgramFiles%\x`, Env{}, "Program Files/Common Files/x", "", false},
		{`%SystemDrive%`, Env{}, ".", "", false},
		{`C:\`, Env{}, ".", "", false},
		{`C:`, Env{}, ".", "", false},
		{`  "C:\inetpub\wwwroot"  `, Env{}, "inetpub/wwwroot", "", false},
		{`'C:\inetpub'`, Env{}, "inetpub", "", false},
		{`\\?\C:\inetpub\wwwroot`, Env{}, "inetpub/wwwroot", "", false},
		{`\??\C:\inetpub`, Env{}, "inetpub", "", false},
		{`\\.\C:\inetpub`, Env{}, "inetpub", "", false},
		{`\\?\C:\ProgramData.\x`, Env{}, "ProgramData./x", "", false},
		{`C:\ProgramData.\x `, Env{}, "ProgramData/x", "", false},
		{`C:\inetpub\.\wwwroot\..\logs`, Env{}, "inetpub/logs", "", false},
		{`C:\inetpub\..\..\Windows`, Env{}, "", "climbs above the root", false},
		{`%SystemDrive%\..\x`, Env{}, "", "climbs above the root", false},
		{`D:\Sites\Intranet`, Env{}, "", "on drive D:, not on the system drive C:", false},
		{`D:\Sites\Intranet`, Env{SystemDrive: "d:"}, "Sites/Intranet", "", false},
		{`%SystemDrive%\inetpub`, Env{SystemDrive: "E"}, "inetpub", "", false},
		{`C:\inetpub`, Env{SystemDrive: "E"}, "", "drive C:", false},
		{`x`, Env{SystemDrive: "CD"}, "", "not a drive letter", false},
		{`\\fs01.corp.contoso.com\Docs$`, Env{}, "", `\\fs01.corp.contoso.com\Docs$ is a network share`, false},
		{`//fs01/share/x`, Env{}, "", "network share", false},
		{`\\?\UNC\fs01\share`, Env{}, "", "network share", false},
		{`\\?\Volume{01234567-89ab-cdef-0123-456789abcdef}\x`, Env{}, "", "device or volume path", false},
		{`\\localhost\C$\ProgramData\x`, Env{}, "ProgramData/x", "administrative share", true},
		{`\\127.0.0.1\d$\x`, Env{}, "", "drive D:", false},
		{`%FOO%\x`, Env{}, "", "%FOO% is not a variable", false},
		{`%FOO%\x`, Env{Vars: map[string]string{"foo": `C:\Tools`}}, "Tools/x", "", false},
		{`%windir%\x`, Env{Vars: map[string]string{"WINDIR": `C:\WINNT`}}, "WINNT/x", "", false},
		{`%EMPTY%`, Env{Vars: map[string]string{"EMPTY": ""}}, "", "empty once", false},
		{`C:\100%\a%b\c`, Env{}, "100%/a%b/c", "", false},
		{`C:\a%%b`, Env{}, "a%%b", "", false},
		{`C:\inetpub` + "\x00" + `\x`, Env{}, "", "NUL byte", false},
		{`C:\` + strings.Repeat(`a\`, 40000), Env{}, "", "longer than Windows allows", false},
		{`C:\` + strings.Repeat("a", 256), Env{}, "", "longer than 255", false},
		{"C:\\a\xff", Env{}, "", "not valid UTF-8", false},
		{`C:\a|b`, Env{}, "", "does not allow", false},
		{`C:\inetpub\wwwroot\*`, Env{}, "", "does not allow", false},
		{`C:\inetpub\web.config:secret`, Env{}, "", "alternate data stream", false},
		{"C:\\a\tb", Env{}, "", "control character", false},
		{`C:\...\x`, Env{}, "", "only of dots", false},
		{`C:inetpub`, Env{}, "", "relative to the current folder", false},
		{`inetpub\wwwroot`, Env{}, "", "relative path", false},
		{`bin`, Env{}, "", "relative path", false},
		{``, Env{}, "", "empty", false},
		{`""`, Env{}, "", "empty", false},
		{`\inetpub\wwwroot`, Env{}, "inetpub/wwwroot", "no drive letter", true},
		{`C:\PROGRA~3\x`, Env{}, "PROGRA~3/x", "8.3 short name", true},
		{`C:\Users\ALLUSE~1.ABC\x`, Env{}, "Users/ALLUSE~1.ABC/x", "8.3 short name", true},
		{`C:\Users\a~b\x`, Env{}, "Users/a~b/x", "", false},
		{`C:\Users\Ünïcödé\𝄞`, Env{}, "Users/Ünïcödé/𝄞", "", false},
	}
	for _, tt := range tests {
		rel, ok, why := ResolvePath(tt.in, tt.env)
		name := tt.in
		if len(name) > 60 {
			name = name[:60]
		}
		if tt.want == "" {
			if ok || rel != "" || !strings.Contains(why, tt.why) {
				t.Errorf("ResolvePath(%q) = %q, %v, %q; want failure with %q", name, rel, ok, why, tt.why)
			}
			continue
		}
		if !ok || rel != tt.want {
			t.Errorf("ResolvePath(%q) = %q, %v, %q; want %q", name, rel, ok, why, tt.want)
			continue
		}
		if !fs.ValidPath(rel) {
			t.Errorf("ResolvePath(%q) = %q, not an fs.ValidPath", name, rel)
		}
		if tt.caveat != (why != "") || !strings.Contains(why, tt.why) {
			t.Errorf("ResolvePath(%q): why = %q, want caveat %v containing %q", name, why, tt.caveat, tt.why)
		}
	}
}

func TestIntoProgramData(t *testing.T) {
	tests := map[string]bool{
		"ProgramData":                          true,
		"programdata/COM/x":                    true,
		`PROGRAMDATA\x`:                        true,
		"Users/All Users":                      true,
		"users/all users/Microsoft":            true,
		"Documents and Settings/All Users/x":   true,
		"./ProgramData/x":                      true,
		"Users/Public":                         false,
		"Users/All Users2":                     false,
		"ProgramData2":                         false,
		"inetpub/wwwroot/ProgramData":          false,
		"All Users":                            false,
		"":                                     false,
		".":                                    false,
		"Program Files/Microsoft/ProgramData/": false,
	}
	for in, want := range tests {
		if got := IntoProgramData(in); got != want {
			t.Errorf("IntoProgramData(%q) = %v", in, got)
		}
	}
	// Through ResolvePath, every spelling of the persistence target is caught.
	for _, p := range []string{`%ProgramData%\x`, `%ALLUSERSPROFILE%`, `C:\Users\All Users\x`, `c:/programdata/`, `\\?\C:\ProgramData\x`, `C:\ProgramData. \x`, `C:\inetpub\..\ProgramData`} {
		rel, ok, why := ResolvePath(p, Env{})
		if !ok || !IntoProgramData(rel) {
			t.Errorf("%s: %q %v %q", p, rel, ok, why)
		}
	}
}
