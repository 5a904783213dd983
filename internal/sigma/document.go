package sigma

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// document is one YAML document of a rule file, ready to compile: lines are absolute (file
// lines), and legacy collection actions (global, repeat) are already merged in.
type document struct {
	root *yaml.Node // a mapping node
	line int        // the document's first key
}

// mergeBudget bounds the nodes legacy-collection merges may build in one file: a large "global"
// document merged into thousands of small ones would otherwise cost time and memory quadratic in
// the file size.
const mergeBudget = 1 << 21

// loadDocuments splits a file into documents and parses each on its own, so that a YAML error in
// one document costs only that document (a single yaml.Decoder stops at the first error). Each
// document is handed to emit as soon as it is ready (so merged copies do not pile up); the
// problems go to set.Unusable.
func loadDocuments(data []byte, path string, set *Set, emit func(document)) {
	budget := mergeBudget
	var global *yaml.Node // action: global of a legacy (Sigma 1) rule collection
	var previous *yaml.Node
	count := 0
	for _, c := range splitDocuments(data) {
		root, err := parseChunk(c)
		if err != nil {
			set.Unusable = append(set.Unusable, Unusable{Path: path, Line: errorLine(err, c.line), Title: rawTitle(c.text), Reason: "YAML: " + cleanYAMLError(err)})
			continue
		}
		if root == nil {
			continue // an empty document (comments, directives, "---" alone)
		}
		count++
		if count > MaxDocuments {
			set.Unusable = append(set.Unusable, Unusable{Path: path, Line: root.Line, Reason: fmt.Sprintf("more than %d documents in one file: the rest are not read", MaxDocuments)})
			break
		}
		if root.Kind != yaml.MappingNode {
			set.Unusable = append(set.Unusable, Unusable{Path: path, Line: root.Line, Reason: "document is not a mapping of rule fields"})
			continue
		}
		// Legacy rule collections: "action: global" is merged into every later document of the
		// file, "action: reset" forgets it, "action: repeat" repeats the previous rule with
		// changes. Sigma 1 collections still circulate in CERT feeds.
		switch action, _ := scalarValue(mapGet(root, "action")); action {
		case "":
		case "global":
			global = mapWithout(root, "action")
			continue
		case "reset":
			global = nil
			continue
		case "repeat":
			if previous == nil {
				set.Unusable = append(set.Unusable, Unusable{Path: path, Line: root.Line, Title: titleOf(root), Reason: "action: repeat without a previous rule in the file"})
				continue
			}
			root = mergeMaps(previous, mapWithout(root, "action"), root.Line, &budget)
		default:
			set.Unusable = append(set.Unusable, Unusable{Path: path, Line: root.Line, Title: titleOf(root), Reason: fmt.Sprintf("unknown collection action %q", action)})
			continue
		}
		if global != nil {
			root = mergeMaps(global, root, root.Line, &budget)
		}
		if budget < 0 {
			set.Unusable = append(set.Unusable, Unusable{Path: path, Line: root.Line, Title: titleOf(root), Reason: "rule collection too large: merging its global part into every rule costs too much; the rest of the file is not read"})
			return
		}
		previous = root
		emit(document{root: root, line: root.Line})
	}
}

// chunk is the text of one document and the file line it starts on.
type chunk struct {
	text []byte
	line int // 1-based
}

// splitDocuments cuts a file at document markers ("---" and "..." at the start of a line). A
// marker cannot occur inside a scalar at column 0 (YAML forbids it), so the cut is exact. The
// marker itself is blanked out, keeping columns and anything after it on the line ("--- |").
// Directive lines ("%YAML 1.2") before a marker are blanked too.
func splitDocuments(data []byte) []chunk {
	buf := append([]byte(nil), data...)
	var out []chunk
	start, startLine := 0, 1
	line := 1
	for i := 0; i < len(buf); {
		end := bytes.IndexByte(buf[i:], '\n')
		if end < 0 {
			end = len(buf)
		} else {
			end += i
		}
		l := buf[i:end]
		if isMarker(l, "---") || isMarker(l, "...") {
			out = append(out, chunk{text: buf[start:i], line: startLine})
			copy(l, "   ")
			start, startLine = i, line
		}
		line++
		i = end + 1
	}
	out = append(out, chunk{text: buf[start:], line: startLine})
	for _, c := range out {
		blankTrailingDirectives(c.text)
	}
	return out
}

func isMarker(l []byte, m string) bool {
	if !bytes.HasPrefix(l, []byte(m)) {
		return false
	}
	return len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r'
}

// blankTrailingDirectives blanks "%..." lines that follow the last content line of a chunk: they
// are the next document's directives.
func blankTrailingDirectives(text []byte) {
	end := len(text)
	for end > 0 {
		s := bytes.LastIndexByte(text[:end], '\n')
		// The line is text[s+1 : end], without its newline.
		l := text[s+1 : end]
		t := bytes.TrimLeft(l, " \t\r")
		switch {
		case len(t) == 0 || t[0] == '#':
		case l[0] == '%':
			for i := range l {
				l[i] = ' '
			}
		default:
			return
		}
		if s < 0 {
			return
		}
		end = s
	}
}

// parseChunk parses one document. It returns nil for an empty document. Lines are made absolute.
func parseChunk(c chunk) (root *yaml.Node, err error) {
	defer func() {
		// yaml.v3 is third-party code fed hostile bytes: a panic in it must cost one document,
		// not the hunt.
		if p := recover(); p != nil {
			root, err = nil, fmt.Errorf("parser failed: %v", p)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(c.text, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	shiftLines(&doc, c.line-1)
	return doc.Content[0], nil
}

// shiftLines adds base to every node's line. It walks the tree without following aliases (an
// alias points into the same tree, which is visited once where the anchor is).
func shiftLines(n *yaml.Node, base int) {
	stack := []*yaml.Node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x.Line += base
		stack = append(stack, x.Content...)
	}
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

var titleLine = regexp.MustCompile(`(?m)^title:[ \t]*(.*?)[ \t]*\r?$`)

// rawTitle finds a document's title in text YAML cannot parse, for the problem report.
func rawTitle(text []byte) string {
	m := titleLine.FindSubmatch(text)
	if m == nil {
		return ""
	}
	t := strings.Trim(string(m[1]), `'"`)
	if len(t) > 200 {
		t = t[:200] + "..."
	}
	return t
}

// errorLine finds the line a YAML error names (relative to the chunk) and makes it absolute.
func errorLine(err error, start int) int {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return start
	}
	n, convErr := strconv.Atoi(m[1])
	if convErr != nil {
		return start
	}
	return start + n - 1
}

var yamlLinePrefix = regexp.MustCompile(`^yaml: (line \d+: )?`)

// cleanYAMLError drops the "yaml: line N:" prefix: the line is reported on its own.
func cleanYAMLError(err error) string {
	s := yamlLinePrefix.ReplaceAllString(err.Error(), "")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// resolve follows aliases (a bounded number of hops: an alias may point at an alias).
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// mapGet returns the value of key in a mapping node, or nil.
func mapGet(m *yaml.Node, key string) *yaml.Node {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mapKey returns the key node of key in a mapping node, or nil.
func mapKey(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return k
		}
	}
	return nil
}

// scalarValue returns a scalar node's text.
func scalarValue(n *yaml.Node) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// titleOf returns the document's title for problem reports, shortened.
func titleOf(root *yaml.Node) string {
	t, _ := scalarValue(mapGet(root, "title"))
	if len(t) > 200 {
		t = t[:200] + "..."
	}
	return t
}

// mapWithout returns a copy of a mapping node without the given keys; the original (possibly
// shared by several documents) is not changed.
func mapWithout(m *yaml.Node, keys ...string) *yaml.Node {
	c := *m
	c.Content = nil
next:
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		for _, key := range keys {
			if k.Kind == yaml.ScalarNode && k.Value == key {
				continue next
			}
		}
		c.Content = append(c.Content, k, m.Content[i+1])
	}
	return &c
}

// mergeMaps deep-merges overlay onto base as Sigma 1 collections do: mappings merge key by key,
// anything else in overlay replaces what base has. Neither input is changed.
func mergeMaps(base, overlay *yaml.Node, line int, budget *int) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
	*budget -= len(base.Content) + len(overlay.Content)
	if *budget < 0 {
		return out
	}
	index := make(map[string]int) // overlay's scalar keys, first occurrence
	for j := 0; j+1 < len(overlay.Content); j += 2 {
		if k := overlay.Content[j]; k.Kind == yaml.ScalarNode {
			if _, dup := index[k.Value]; !dup {
				index[k.Value] = j
			}
		}
	}
	used := make(map[int]bool)
	for i := 0; i+1 < len(base.Content); i += 2 {
		k, v := base.Content[i], base.Content[i+1]
		if j, found := index[k.Value]; found && k.Kind == yaml.ScalarNode && !used[j] {
			used[j] = true
			ov := overlay.Content[j+1]
			if rv, rb := resolve(ov), resolve(v); rv != nil && rb != nil && rv.Kind == yaml.MappingNode && rb.Kind == yaml.MappingNode {
				v = mergeMaps(rb, rv, rv.Line, budget)
			} else {
				v = ov
			}
			k = overlay.Content[j]
		}
		out.Content = append(out.Content, k, v)
	}
	for j := 0; j+1 < len(overlay.Content); j += 2 {
		if !used[j] {
			out.Content = append(out.Content, overlay.Content[j], overlay.Content[j+1])
		}
	}
	return out
}

// expandedSize counts the nodes of a tree with aliases expanded, stopping at limit: sigma-go's
// decoder expands aliases, and a few aliases of aliases can stand for billions of nodes.
func expandedSize(n *yaml.Node, limit int) int {
	// Nodes are counted when pushed, so the stack never holds more than limit of them.
	count := 1
	stack := []*yaml.Node{n}
	for len(stack) > 0 && count <= limit {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == nil {
			continue
		}
		if x.Kind == yaml.AliasNode {
			count++
			stack = append(stack, x.Alias)
			continue
		}
		count += len(x.Content)
		if count > limit {
			break
		}
		stack = append(stack, x.Content...)
	}
	return count
}
