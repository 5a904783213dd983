package report

import (
	"bufio"
	_ "embed" // the page template
	"html/template"
	"io"
	"strings"

	"github.com/exsweep/exsweep/internal/finding"
)

// htmlPage is the page's template: everything the page shows goes through html/template's
// contextual escaping, and its Content-Security-Policy forbids scripts, fetches of any kind and
// forms, so even an escaping mistake could neither run nor load anything.
//
//go:embed html.tmpl
var htmlPage string

// HTML writes one self-contained page: the same content as Markdown, plus a timeline chart per
// host drawn as inline SVG. It loads nothing (inline CSS, no script, no font, no image by URL),
// so it opens offline, in a mail attachment, on an isolated responder's laptop, and prints.
func HTML(w io.Writer, rep *finding.Report, plans []finding.Plan) error {
	t, err := template.New("page").Funcs(template.FuncMap{
		"join":  strings.Join,
		"minus": func(a, b int) int { return a - b },
	}).Parse(htmlPage)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := t.Execute(bw, buildDoc(rep, plans, true)); err != nil {
		return err
	}
	return bw.Flush()
}
