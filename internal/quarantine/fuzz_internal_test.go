package quarantine

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzManifest: arbitrary bytes as manifest.jsonl, through the reader Open uses (stop at the
// first bad line, a *ManifestError naming it) and the one Verify uses (report every bad line).
// Nothing panics, every line named exists, both agree on where the first problem is, and what
// Open would accept chains. In memory: a store folder per input would make the fuzzer a
// file-system benchmark; TestOpenOnManifestSeeds runs Open itself on the committed corpus.
func FuzzManifest(f *testing.F) {
	for _, seed := range []string{
		"",
		"\n",
		`{"seq":1,"kind":"quarantined"`,
		"\xff\xfe binary\n\x00\x00",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		strict, err := readStrict(bytes.NewReader(data), "manifest.jsonl")
		var me *ManifestError
		if err != nil && (!errors.As(err, &me) || me.Line < 1 || me.Line > lines || !strings.HasPrefix(err.Error(), "manifest.jsonl:")) {
			t.Fatalf("Open's reader: %v, not a ManifestError naming one of %d lines", err, lines)
		}
		var problems []int
		loose, lerr := scanManifest(bytes.NewReader(data), func(line int, err error) bool {
			if line < 1 || line > lines || err == nil {
				t.Fatalf("problem %v at line %d of %d", err, line, lines)
			}
			problems = append(problems, line)
			return true
		})
		if lerr != nil {
			t.Fatalf("Verify's reader: %v", lerr)
		}
		switch {
		case me == nil && len(problems) > 0:
			t.Fatalf("Open would accept what Verify refuses at lines %v", problems)
		case me != nil && (len(problems) == 0 || problems[0] != me.Line):
			t.Fatalf("Open refuses line %d, Verify reports %v", me.Line, problems)
		case me != nil:
			return
		}
		c := strict.chain
		if len(c.entries) != strict.lines || loose.torn != strict.torn || int64(len(data)) != strict.good+int64(strict.torn) {
			t.Fatalf("%d entries of %d lines, %d+%d of %d bytes", len(c.entries), strict.lines, strict.good, strict.torn, len(data))
		}
		prev := ""
		for i, e := range c.entries {
			if e.Seq != int64(i+1) || e.Prev != prev || e.Line != i+1 {
				t.Fatalf("accepted entry %d: seq %d prev %q line %d", i+1, e.Seq, e.Prev, e.Line)
			}
			prev = e.Hash
		}
	})
}
