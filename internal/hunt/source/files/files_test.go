package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		head []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"minidump", []byte("MDMP\x93\xa7\x00\x00rest"), "minidump"},
		{"mdmp wrong version", []byte("MDMP\x00\x00\x00\x00rest rest"), "binary"},
		{"kernel 64", []byte("PAGEDU64...."), "kernel-dump"},
		{"kernel 32", []byte("PAGEDUMP...."), "kernel-dump"},
		{"pst", []byte("!BDN\x00\x00\x00\x00SM"), "pst"},
		{"zip", []byte("PK\x03\x04\x14\x00"), "zip"},
		{"7z", []byte("7z\xbc\xaf\x27\x1c\x00\x04"), "7z"},
		{"rar", []byte("Rar!\x1a\x07\x01\x00"), "rar"},
		{"gzip", []byte("\x1f\x8b\x08\x00"), "gzip"},
		{"pe", []byte("MZ\x90\x00\x03\x00"), "pe"},
		{"der csr", []byte("\x30\x82\x03\x2c\x30\x82\x02\x14"), "der"},
		{"text starting with 0", []byte("0x0 is not der"), "text"},
		{"utf16 bom", []byte("\xff\xfe<\x00%\x00"), "utf16-text"},
		{"utf16 no bom", []byte("<\x00%\x00@\x00 \x00P\x00a\x00g\x00e\x00 \x00L\x00a\x00n\x00g\x00"), "utf16-text"},
		{"page", []byte("<%@ Page Language=\"C#\" %>\r\n"), "text"},
		{"latin1 text", []byte("caf\xe9 cr\xe8me\r\n"), "text"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "binary"},
	} {
		if got := Sniff(tc.head); got != tc.want {
			t.Errorf("%s: Sniff = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDecodeUTF16(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{[]byte("\xff\xfee\x00v\x00a\x00l\x00"), "eval"},
		{[]byte("\xfe\xff\x00e\x00v\x00a\x00l"), "eval"},
		{[]byte("e\x00v\x00"), "ev"},
		{[]byte("\xff\xfe=\xd8\x00\xde"), "\U0001F600"},
		{[]byte("\xff\xfe\x00\xd8a\x00"), "\uFFFDa"}, // unpaired high surrogate
		{[]byte("\xff\xfea\x00b"), "a"},              // odd final byte dropped
	} {
		if got := string(decodeUTF16(nil, tc.in)); got != tc.want {
			t.Errorf("decodeUTF16(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		path, place, under string
	}{
		{"inetpub/wwwroot/aspnet_client/system_web/x.aspx", "aspnet-client", "system_web/x.aspx"},
		{"C/inetpub/wwwroot/ASPNET_CLIENT/x.aspx", "aspnet-client", "x.aspx"},
		{"Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/logon.aspx", "owa-auth", "logon.aspx"},
		{"Exchange/frontend/httpproxy/OWA/Auth/15.2.986/themes/x.gif", "owa-auth", "15.2.986/themes/x.gif"},
		{"Exchange/FrontEnd/HttpProxy/ecp/auth/TimeoutLogout.aspx", "ecp-auth", "TimeoutLogout.aspx"},
		{"Exchange/ClientAccess/ecp/x.aspx", "clientaccess-ecp", "x.aspx"},
		{"Exchange/ClientAccess/Oab/abc/x.lzx", "clientaccess-oab", "abc/x.lzx"},
		{"Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/owa/a/b/x.compiled", "", ""}, // a place only where the walk finds it
		{"inetpub/wwwroot/aspnet_client/Temporary ASP.NET Files/s1.aspx", "aspnet-client", "Temporary ASP.NET Files/s1.aspx"},
		{"inetpub/wwwroot/aspnet_client/ClientAccess/ecp/s2.aspx", "aspnet-client", "ClientAccess/ecp/s2.aspx"},
		{"inetpub/wwwroot/aspnet_client/FrontEnd/HttpProxy/owa/auth/logon.aspx", "aspnet-client", "FrontEnd/HttpProxy/owa/auth/logon.aspx"},
		{"Exchange/ClientAccess/ecp/FrontEnd/HttpProxy/owa/auth/x.aspx", "owa-auth", "x.aspx"},
		{"Exchange/FrontEnd/HttpProxy/owa/auth/ClientAccess/ecp/x.aspx", "owa-auth", "ClientAccess/ecp/x.aspx"},
		{"Exchange/FrontEnd/HttpProxy/owa/auth/a/FrontEnd/HttpProxy/ecp/auth/x.aspx", "ecp-auth", "x.aspx"},
		{"inetpub/wwwroot/aspnet_client", "", ""}, // the folder itself
		{"inetpub/wwwroot/intranet/default.aspx", "", ""},
	} {
		p, u := Classify(tc.path)
		if string(p) != tc.place || u != tc.under {
			t.Errorf("Classify(%q) = %q, %q; want %q, %q", tc.path, p, u, tc.place, tc.under)
		}
	}
}

// TestReadHashesWhatItReads: one pass reads and hashes; a file over the cap is cut and not hashed.
func TestReadHashesWhatItReads(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte("0123456789abcdef"), 5000) // 80,000 bytes
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rd := &reader{}
	got, complete, sum, err := rd.read(p, 1<<20)
	want := sha256.Sum256(data)
	if err != nil || !complete || !bytes.Equal(got, data) || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("whole read: complete=%v err=%v len=%d sum=%s", complete, err, len(got), sum)
	}
	got, complete, sum, err = rd.read(p, 1000)
	if err != nil || complete || sum != "" || !bytes.Equal(got, data[:1000]) {
		t.Fatalf("capped read: complete=%v err=%v len=%d sum=%q", complete, err, len(got), sum)
	}
	got, complete, _, err = rd.read(p, int64(len(data))) // exactly the cap: whole
	if err != nil || !complete || len(got) != len(data) {
		t.Fatalf("read at exactly the cap: complete=%v err=%v len=%d", complete, err, len(got))
	}
	if _, _, _, err := rd.read(filepath.Join(dir, "gone"), 100); !os.IsNotExist(err) {
		t.Fatalf("vanished file: err=%v", err)
	}
}

func FuzzSniffDecode(f *testing.F) {
	for _, s := range []string{"MDMP\x93\xa7", "!BDN", "\xff\xfe<\x00%\x00", "\x30\x82\x01\x00\x30\x82", "<%eval request(\"x\")%>", "\xff\xfe\x00\xd8"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Sniff(data)
		out := decodeUTF16(nil, data)
		if !utf8.Valid(out) {
			t.Fatalf("decodeUTF16 made invalid UTF-8 from %q", data)
		}
		if len(out) > 2*len(data)+4 {
			t.Fatalf("decodeUTF16 grew %d bytes into %d", len(data), len(out))
		}
	})
}
