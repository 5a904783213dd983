package quarantine

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind says what an entry records.
type Kind string

const (
	// KindQuarantined: a file was copied into the store and verified; the entry holds everything
	// known about it. Its original may still be in place (removal not finished yet).
	KindQuarantined Kind = "quarantined"
	// KindRemoved: the original of the quarantined entry with the same ID was removed.
	KindRemoved Kind = "removed"
	// KindRestored: the stored copy of that ID was written back, to Root/Path of this entry.
	KindRestored Kind = "restored"
)

// Entry is one line of manifest.jsonl. Field order is the line's order; the hash covers the
// line's exact bytes (see encodeEntry), not a re-encoding, so the chain does not depend on how
// a JSON library spells things.
type Entry struct {
	Seq        int64    `json:"seq"`  // 1 for the first line, +1 per line
	Kind       Kind     `json:"kind"` // quarantined, removed, restored
	ID         string   `json:"id"`   // of the quarantined file; removed/restored entries repeat it
	Time       Stamp    `json:"time"` // when the entry was written
	Tool       string   `json:"tool,omitempty"`
	Host       string   `json:"host,omitempty"`
	Root       string   `json:"root"`           // absolute host root folder (restored: the folder written into)
	Path       string   `json:"path"`           // slash-separated, relative to Root
	Size       int64    `json:"size"`           // bytes of the original
	Mode       string   `json:"mode,omitempty"` // permission bits in octal, "0644"
	Modified   Stamp    `json:"modified,omitzero"`
	Accessed   Stamp    `json:"accessed,omitzero"`
	Created    Stamp    `json:"created,omitzero"` // where the platform keeps it
	Owner      Owner    `json:"owner,omitzero"`
	Attributes []string `json:"attributes,omitempty"` // Windows file attributes (hidden, system, ...)
	SHA256     string   `json:"sha256"`
	MD5        string   `json:"md5,omitempty"`
	SHA1       string   `json:"sha1,omitempty"`
	Object     string   `json:"object,omitempty"` // store-relative path of the stored copy
	StoredSize int64    `json:"stored_size,omitempty"`
	Findings   []string `json:"findings,omitempty"`
	Note       string   `json:"note,omitempty"`
	Prev       string   `json:"prev"`           // hash of the previous entry, "" for the first
	Hash       string   `json:"hash,omitempty"` // SHA-256 of this line without the hash field

	Line int `json:"-"` // manifest line number, 1-based (not stored: it is the line's position)
}

// Owner is who owned the original, as far as the platform says.
type Owner struct {
	UID   string `json:"uid,omitempty"`   // unix
	GID   string `json:"gid,omitempty"`   // unix
	User  string `json:"user,omitempty"`  // name of UID (unix, as this machine resolves it) or of SID (windows)
	Group string `json:"group,omitempty"` // name of GID (unix)
	SID   string `json:"sid,omitempty"`   // windows owner SID
	SDDL  string `json:"sddl,omitempty"`  // windows security descriptor: owner, group, DACL
}

// Stamp is a time in an entry: RFC 3339 with nanoseconds in UTC. File times are set by
// attackers (time-stomping) and can lie outside the years RFC 3339 can spell, which would make
// encoding/json fail and the evidence unquarantinable; such a time is written "unix:<s>.<ns>".
type Stamp struct{ time.Time }

// MarshalJSON spells the time; see Stamp.
func (s Stamp) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, formatStamp(s.Time)), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Stamp) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return err
	}
	t, err := parseStamp(str)
	if err != nil {
		return err
	}
	s.Time = t
	return nil
}

func formatStamp(t time.Time) string {
	t = t.UTC()
	if y := t.Year(); y >= 0 && y <= 9999 {
		return t.Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("unix:%d.%09d", t.Unix(), t.Nanosecond())
}

func parseStamp(s string) (time.Time, error) {
	if rest, ok := strings.CutPrefix(s, "unix:"); ok {
		sec, ns, ok := strings.Cut(rest, ".")
		secs, err1 := strconv.ParseInt(sec, 10, 64)
		nsec, err2 := strconv.ParseInt(ns, 10, 64)
		if !ok || err1 != nil || err2 != nil || len(ns) != 9 || nsec < 0 {
			return time.Time{}, fmt.Errorf("bad time %q", s)
		}
		return time.Unix(secs, nsec).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q", s)
	}
	return t.UTC(), nil
}

// hashField ends every line: the hash is the line's last field so that the hashed bytes are the
// line itself with that field cut out.
const hashField = `,"hash":"`

// encodeEntry returns the manifest line for e (without a trailing newline) and its hash: the
// SHA-256 of the JSON object without "hash", which is then appended as the last field.
func encodeEntry(e Entry) (line []byte, hash string, err error) {
	e.Hash = ""
	body, err := json.Marshal(e)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(body)
	hash = hex.EncodeToString(sum[:])
	line = append(body[:len(body)-1:len(body)-1], hashField...)
	line = append(line, hash...)
	line = append(line, `"}`...)
	return line, hash, nil
}

// decodeEntry parses one manifest line and checks its own hash. It does not look at other
// lines (see chain).
func decodeEntry(line []byte) (Entry, error) {
	var e Entry
	if !utf8.Valid(line) {
		return e, fmt.Errorf("not valid UTF-8")
	}
	d := json.NewDecoder(bytes.NewReader(line))
	d.DisallowUnknownFields()
	if err := d.Decode(&e); err != nil {
		return e, fmt.Errorf("not an entry: %v", err)
	}
	if d.More() {
		return e, fmt.Errorf("not an entry: data after the JSON object")
	}
	const tail = len(hashField) + 64 + len(`"}`)
	if len(line) < tail+1 || !bytes.HasPrefix(line[len(line)-tail:], []byte(hashField)) || !bytes.HasSuffix(line, []byte(`"}`)) {
		return e, fmt.Errorf("no hash at the end of the line")
	}
	body := append(bytes.Clone(line[:len(line)-tail]), '}')
	sum := sha256.Sum256(body)
	if got := hex.EncodeToString(sum[:]); got != e.Hash || string(line[len(line)-tail+len(hashField):len(line)-2]) != got {
		return e, fmt.Errorf("hash does not match the line (the entry was edited)")
	}
	return e, nil
}

// isHex reports whether s is n lower-case hex digits (n < 0: any non-zero length).
func isHex(s string, n int) bool {
	if (n >= 0 && len(s) != n) || s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// validID: "q-" and 12 to 64 hex digits (12 normally; longer only when 12 collided).
func validID(id string) bool {
	h, ok := strings.CutPrefix(id, "q-")
	return ok && len(h) >= 12 && len(h) <= 64 && isHex(h, -1)
}

// validMode: permission bits as written by formatMode.
func validMode(m string) bool {
	if len(m) != 4 || m[0] != '0' {
		return false
	}
	for i := 1; i < 4; i++ {
		if m[i] < '0' || m[i] > '7' {
			return false
		}
	}
	return true
}

// objectName is where the copy of a file with this SHA-256 lives in the store.
func objectName(sum string) string { return "objects/" + sum + ".exq" }

// chain checks entries in order against each other: sequence, previous hash, and what each kind
// may refer to. It also builds the per-item view.
type chain struct {
	entries []Entry
	items   []*itemState
	byID    map[string]*itemState
	latest  map[string]*itemState // by placeKey: the last file quarantined from there
	damaged map[string]bool       // ids named by lines that could not be read (Verify goes on past them)
	last    string                // hash of the last accepted line
	seq     int64
}

type itemState struct {
	q        int   // index of the quarantined entry
	removed  int   // index of the removed entry, -1 if none
	restored []int // indexes of restored entries
}

func newChain() *chain {
	return &chain{byID: map[string]*itemState{}, latest: map[string]*itemState{}, damaged: map[string]bool{}}
}

// check reports what is wrong with e as the next entry, without adding it.
func (c *chain) check(e Entry) error {
	var problems []string
	if e.Seq != c.seq+1 {
		problems = append(problems, fmt.Sprintf("seq %d follows %d (a line was removed, added or moved)", e.Seq, c.seq))
	}
	if e.Prev != c.last {
		problems = append(problems, "prev does not match the hash of the line before (a line was removed, added or moved)")
	}
	if err := checkFields(e); err != nil {
		problems = append(problems, err.Error())
	}
	it := c.byID[e.ID]
	switch e.Kind {
	case KindQuarantined:
		if it != nil {
			problems = append(problems, "id "+e.ID+" is already used")
		}
	case KindRemoved, KindRestored:
		if it == nil {
			if !c.damaged[e.ID] { // else the damaged line was already reported: no cascade
				problems = append(problems, "refers to id "+e.ID+", which no earlier entry quarantined")
			}
			break
		}
		q := c.entries[it.q]
		if e.Kind == KindRemoved && (it.removed >= 0 || e.Root != q.Root || e.Path != q.Path) {
			problems = append(problems, "does not match the removal of "+e.ID)
		}
		if e.SHA256 != q.SHA256 {
			problems = append(problems, "sha256 differs from the quarantined entry "+e.ID)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// add appends e. Entries check refused are added too when Verify goes on past a problem: the
// index then only takes what is consistent (an unknown or repeated id changes nothing).
func (c *chain) add(e Entry) {
	i := len(c.entries)
	c.entries = append(c.entries, e)
	c.last, c.seq = e.Hash, e.Seq
	it := c.byID[e.ID]
	switch {
	case e.Kind == KindQuarantined && it == nil:
		it = &itemState{q: i, removed: -1}
		c.items = append(c.items, it)
		c.byID[e.ID] = it
		c.latest[placeKey(e.Root, e.Path)] = it
	case e.Kind == KindRemoved && it != nil && it.removed < 0:
		it.removed = i
	case e.Kind == KindRestored && it != nil:
		it.restored = append(it.restored, i)
	}
}

// markDamaged remembers the id a damaged line names, as far as it can be made out, so that the
// entries referring to it are not reported as well.
func (c *chain) markDamaged(e Entry, line []byte) {
	id := e.ID
	if !validID(id) {
		const key = `"id":"`
		if i := bytes.Index(line, []byte(key)); i >= 0 {
			rest := line[i+len(key):]
			if j := bytes.IndexByte(rest, '"'); j >= 0 {
				id = string(rest[:j])
			}
		}
	}
	if validID(id) {
		c.damaged[id] = true
	}
}

// placeKey identifies an original's place: the same root and path.
func placeKey(root, path string) string { return root + "\x00" + path }

// checkFields checks one entry on its own: formats of ids, hashes, paths, times.
func checkFields(e Entry) error {
	switch e.Kind {
	case KindQuarantined, KindRemoved, KindRestored:
	default:
		return fmt.Errorf("unknown kind %q", e.Kind)
	}
	if !validID(e.ID) {
		return fmt.Errorf("bad id %q", e.ID)
	}
	if e.Time.IsZero() {
		return fmt.Errorf("no time")
	}
	if !isHex(e.SHA256, 64) {
		return fmt.Errorf("bad sha256 %q", e.SHA256)
	}
	if e.Root == "" {
		return fmt.Errorf("no root")
	}
	if err := CheckPath(e.Path); err != nil {
		return err
	}
	if e.Size < 0 || e.StoredSize < 0 {
		return fmt.Errorf("negative size")
	}
	if e.Prev != "" && !isHex(e.Prev, 64) {
		return fmt.Errorf("bad prev %q", e.Prev)
	}
	if e.Mode != "" && !validMode(e.Mode) {
		return fmt.Errorf("bad mode %q", e.Mode)
	}
	if e.Kind == KindQuarantined {
		if !isHex(e.MD5, 32) || !isHex(e.SHA1, 40) {
			return fmt.Errorf("bad md5 or sha1")
		}
		if e.Object != objectName(e.SHA256) {
			return fmt.Errorf("object %q is not the name its sha256 gives", e.Object)
		}
	}
	return nil
}
