package hunt

import (
	"bytes"
	"testing"

	"github.com/exsweep/exsweep/internal/hunt/source/files"
	"github.com/exsweep/exsweep/internal/rules"
)

// FuzzFileRules runs every file rule of the built-in pack (literal search, expressions, the
// request-flow analysis) over hostile content at a shell location: no panic, and the evidence
// shown stays a bounded excerpt.
func FuzzFileRules(f *testing.F) {
	pack, err := rules.Default(Schema())
	if err != nil {
		f.Fatal(err)
	}
	fileRules := pack.ForSource(files.Kind)
	schema := Schema()
	for _, s := range []string{
		"<script language=\"JScript\" runat=\"server\">function Page_Load(){eval(Request[\"x\"],\"unsafe\");}</script>",
		"!BDN\x00\x00<%eval request(\"p\")%>",
		"Name : OAB (Default Web Site)\r\nExternalUrl : http://f/<script>",
		"<% string c = Request[\"c\"]; Process.Start(\"cmd.exe\", \"/c \" + c); %>",
		"\xff\xfe<\x00%\x00e\x00v\x00a\x00l\x00",
		"<add path=\"*.gif\" type=\"System.Web.UI.PageHandlerFactory\"/>",
	} {
		f.Add([]byte(s), "x.aspx")
	}
	f.Fuzz(func(t *testing.T, content []byte, name string) {
		rec := files.SampleRecord(map[string]string{"path": "inetpub/wwwroot/aspnet_client/" + name, "content": string(content)})
		for _, m := range files.Matches(fileRules, schema, rec) {
			// Evidence is an excerpt of the content around a hit (at most 2x160 bytes, one
			// line), or the file's description, which starts with its path.
			ev := m.Evidence
			excerpt := len(ev) <= 320 && bytes.Contains(rec.Content, ev) && !bytes.Contains(ev, []byte("\n"))
			if !excerpt && !bytes.HasPrefix(ev, []byte(rec.Path+" (")) {
				t.Fatalf("%s: evidence %q is neither an excerpt of the content nor the file's description", m.Rule.ID, ev)
			}
		}
	})
}
