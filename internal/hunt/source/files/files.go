// Package files is the hunt's file-system source: web shells and attacker files on the server's
// disk. It walks the folders the hunt names (web folders, IIS site paths, the places dumps and
// staged archives are left), reads each file at most once up to a cap set by its kind, hashes
// and matches it in that same pass, and turns every file into a record the rule pack's `file`
// rules evaluate: place, name, format, hash and content.
//
// Everything on the disk may be written by the attacker: links are never followed out of the
// root, devices and pipes are never opened, files that vanish or cannot be read become problems
// naming the path, and one bad file never stops the walk.
package files

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/exsweep/exsweep/internal/finding"
	"github.com/exsweep/exsweep/internal/pageflow"
	"github.com/exsweep/exsweep/internal/rules"
)

// Kind is the source kind of file rules.
const Kind = "file"

// Fields are what file rules may name. Samples set the columns (path, place, content); the rest
// is derived from them exactly as for a file read from disk.
func Fields() []rules.Field {
	return []rules.Field{
		{Name: "path", Column: true, Doc: "root-relative path, forward slashes"},
		{Name: "place", Column: true, Doc: "the folder class the file sits in: " + strings.Join(Places(), ", ")},
		{Name: "content", Column: true, Literal: true, Doc: "the file's bytes (UTF-16 text decoded to UTF-8), up to the read cap of its kind"},
		{Name: "name", Doc: "base name"},
		{Name: "ext", Doc: "lower-case extension with its dot (.aspx); empty when none"},
		{Name: "dir", Doc: "root-relative folder"},
		{Name: "under", Doc: "path below its place's folder (owa-auth: logon.aspx, 15.2.986/themes/x.gif)"},
		{Name: "format", Column: true, Doc: "what the first bytes say: minidump, kernel-dump, pst, der, zip, 7z, rar, pe, gzip, text, utf16-text, binary, empty (a sample without it gets it from its content)"},
		{Name: "sha256", Column: true, Doc: "lower-case hex SHA-256 of the whole file; empty when the file was larger than its cap (a sample without it gets it from its content)"},
		{Name: "flow", Doc: "what request data reaches in the page's code: eval, assembly-load, process-start, file-write (space-separated; empty when nothing)"},
		{Name: "size", Doc: "size in bytes, decimal"},
		{Name: "dump-process", Column: true, Doc: "for a minidump: lower-case executable name of the dumped process (lsass.exe), from its module list"},
		{Name: "virtual-path", Column: true, Doc: "for a compiled-page trace: the page's virtual path or class name it names"},
	}
}

// Record is one file (or one page named by a compiled-page trace) as rules see it.
type Record struct {
	Path        string // root-relative, forward slashes
	Place       Place
	Under       string
	Format      string
	Size        int64
	SHA256      string
	DumpProcess string
	VirtualPath string
	Modified    time.Time
	Created     time.Time // zero where the file system does not keep it
	Content     []byte    // what was read (decoded when UTF-16), shared: do not keep
	content     string
	contentSet  bool
	flow        string
	flowSet     bool
}

// Field returns one named field; names are lower case.
func (r *Record) Field(name string) (string, bool) {
	switch name {
	case "path":
		return r.Path, true
	case "place":
		return string(r.Place), true
	case "content":
		if !r.contentSet {
			// No copy of up to 16 MiB per file: the string shares the worker's buffer, which
			// is not touched while the rules run, and rules keep no field values (evidence is
			// copied from the bytes).
			if len(r.Content) > 0 {
				r.content = unsafe.String(&r.Content[0], len(r.Content))
			}
			r.contentSet = true
		}
		return r.content, true
	case "name":
		return baseName(r.Path), true
	case "ext":
		return Ext(r.Path), true
	case "dir":
		if i := strings.LastIndexByte(r.Path, '/'); i >= 0 {
			return r.Path[:i], true
		}
		return "", true
	case "under":
		return r.Under, true
	case "format":
		return r.Format, true
	case "sha256":
		return r.SHA256, true
	case "size":
		return strconv.FormatInt(r.Size, 10), true
	case "dump-process":
		return r.DumpProcess, true
	case "virtual-path":
		return r.VirtualPath, true
	case "flow":
		if !r.flowSet {
			r.flow, r.flowSet = strings.Join(pageflow.Analyze(r.Content).Kinds, " "), true
		}
		return r.flow, true
	}
	return "", false
}

// Fill completes a finding of this record: where, when and the file's times and hash.
func (r *Record) Fill(f *finding.Finding) {
	f.Source = Kind
	// Names are written by the attacker: escaped here, where they leave for reports.
	f.Where = finding.Location{Path: finding.EscapeString(r.Path)}
	f.Target = f.Where.Path
	f.Time = r.Time()
	f.Fields = map[string]string{"place": string(r.Place), "size": strconv.FormatInt(r.Size, 10)}
	if f.Where.Path != r.Path {
		// The escaped name shows what the name holds (a zero-width or right-to-left character,
		// invalid bytes); cleaning needs the name itself to find the file again.
		f.Fields["path_hex"] = hex.EncodeToString([]byte(r.Path))
	}
	if !r.Modified.IsZero() {
		f.Fields["modified"] = r.Modified.UTC().Format(time.RFC3339Nano)
	}
	if !r.Created.IsZero() {
		f.Fields["created"] = r.Created.UTC().Format(time.RFC3339Nano)
	}
	if r.SHA256 != "" {
		f.Fields["sha256"] = r.SHA256
	}
	if r.Format != "" {
		f.Fields["format"] = r.Format
	}
	if r.DumpProcess != "" {
		f.Fields["dump_process"] = r.DumpProcess
	}
	if r.VirtualPath != "" {
		f.Fields["virtual_path"] = r.VirtualPath
		f.Target = r.VirtualPath
	}
}

// Time is when the file appeared: its creation time where the file system keeps one, else its
// last modification. Not the earlier of the two: a modification time is set at will (touch -d,
// timestomping tools), and a shell dated 2015 must not fall out of a --since window.
func (r *Record) Time() time.Time {
	if !r.Created.IsZero() {
		return r.Created
	}
	return r.Modified
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Ext is the lower-case extension of a path's last element, with its dot.
func Ext(p string) string {
	b := baseName(p)
	if i := strings.LastIndexByte(b, '.'); i > 0 || i == 0 && len(b) > 1 {
		return strings.ToLower(b[i:])
	}
	return ""
}

// SampleRecord makes the record a rule sample describes, deriving what the scan derives: the
// place from the path when the sample does not name it, the format and hash from the content,
// UTF-16 text decoded.
func SampleRecord(fields map[string]string) *Record {
	rec := &Record{Path: fields["path"], Place: Place(fields["place"]), DumpProcess: fields["dump-process"], VirtualPath: fields["virtual-path"]}
	place, under := Classify(rec.Path)
	if rec.Place == "" {
		rec.Place = place
	}
	rec.Under = under
	if under == "" {
		// A sample of a staging place names it: the path below that place's folder.
		prefix := map[Place]string{ProgramData: "programdata/", WindowsTemp: "windows/temp/", RootFolder: "root/", UsersPublic: "users/public/", Users: "users/"}[rec.Place]
		if prefix != "" && strings.HasPrefix(strings.ToLower(rec.Path), prefix) {
			rec.Under = rec.Path[len(prefix):]
		}
	}
	data := []byte(fields["content"])
	rec.Size = int64(len(data))
	sum := sha256.Sum256(data)
	rec.SHA256 = hex.EncodeToString(sum[:])
	if v := fields["sha256"]; v != "" {
		rec.SHA256 = v
	}
	rec.Format = fields["format"]
	if rec.Format == "" {
		rec.Format = Sniff(data)
	}
	rec.Content = data
	if rec.Format == "utf16-text" {
		rec.Content = decodeUTF16(nil, data)
	}
	return rec
}

// Matches evaluates rules on one record the way a scan does (literal search, then conditions).
func Matches(rs []*rules.Rule, schema rules.Schema, rec *Record) []Match {
	return newMatcher(rs, schema).match(rec)
}
