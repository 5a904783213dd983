// Package quarantine is the evidence-preserving store of `exsweep clean`: a file to remove is
// first copied into the store, verified and recorded, and only then removed. Nothing in the
// store is ever deleted (the cleaner never deletes evidence).
//
// # API
//
//	s, err := quarantine.Open(dir, quarantine.Options{Tool: "exsweep 1.2.0"})
//	res, err := s.Quarantine(ctx, quarantine.Request{Root: `/mnt/ex01`, Path: "inetpub/wwwroot/aspnet_client/x.aspx",
//		Host: "EX01", Findings: []string{"file-webshell-chopper"}, SHA256: sumTheHuntSaw})
//	s.Entries() / s.Items() / s.Item("q-3f9a")        // list, show (an unambiguous ID prefix works)
//	rep, err := s.Verify(ctx)                          // whole chain, every object unwrapped and hashed
//	e, err := s.Restore(ctx, "q-3f9a", "")             // back to Root/Path; or to another path
//	quarantine.VerifyDir(ctx, dir)                     // read-only, also on a store Open refuses
//
// Quarantine returns a Result, not only the entry: the caller must tell a file stored now from
// one an interrupted earlier run stored (this call finished its removal) and from one already
// done (a re-run is a no-op).
//
// # Store layout
//
//	README.txt       what this is and how to restore
//	manifest.jsonl   one Entry per line, append-only, each holding the hash of the previous one
//	objects/<sha256>.exq   stored copies, content-addressed, wrapped (package wrap): inert
//	tmp/<random>.part      copies being written; removed by the next Open
//	lock             held (flock / LockFileEx) while a Store is open; the OS drops it when the
//	                 process dies, so a killed run never blocks the next
//
// # The invariant
//
// Killing the process at any instant leaves every file either in place with its original bytes,
// or in the store with a complete manifest entry: never lost, never half-written. Per file:
//
//  1. Lstat every component through os.Root(Root): folders must be plain folders, the file a
//     regular file (no link is followed, not even inside the root).
//  2. Read the file once: SHA-256, MD5, SHA-1 and the wrapped copy in tmp/ are made by the same
//     pass; fsync. If the file's size or mtime changed during the read, nothing is kept.
//  3. Rename into objects/<sha256>.exq (or reuse an existing object that verifies); fsync the folder.
//  4. Reopen the object, unwrap, hash: it must be the original.
//  5. Append the "quarantined" entry; fsync.
//  6. Check the file is still the one read, remove it, fsync its folder; append "removed"; fsync.
//
// A crash before 5 leaves the original untouched (an orphan object is harmless and reused). A
// crash in the middle of 5 leaves a torn final line, which Open drops: the original is still in
// place because step 6 only starts after the fsync. After 5 the entry is complete and the next
// Quarantine of the same file finishes step 6 (or records the removal if the crash came after
// it). Options.Hook lets tests fail or kill at every step.
//
// # Tamper evidence
//
// Each entry's hash is the SHA-256 of its own line without the hash field, and each entry holds
// the hash of the one before. Open refuses a manifest whose chain breaks anywhere but a torn
// final line, naming the line; VerifyDir reports every broken line. Removing lines from the end
// cannot be seen from inside: VerifyReport.Head is the hash to keep elsewhere (the report).
package quarantine

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/exsweep/exsweep/internal/quarantine/wrap"
)

// Errors a caller can test for with errors.Is.
var (
	ErrUnsafePath = errors.New("unsafe path")
	ErrNotRegular = errors.New("not a regular file")
	ErrChanged    = errors.New("file changed")
	ErrBusy       = errors.New("file changed while it was read")
	ErrVerify     = errors.New("the stored copy does not verify")
	ErrLocked     = errors.New("store is in use")
	ErrNotFound   = errors.New("no such quarantined file")
	ErrAmbiguous  = errors.New("ambiguous id")
	ErrRequest    = errors.New("invalid request")
	ErrClosed     = errors.New("store is closed")
	ErrStreams    = errors.New("the file has alternate data streams, which would be lost")
)

// Step names a point of Quarantine or Restore where Options.Hook is called.
type Step string

const (
	StepRead          Step = "read"           // before opening the original and copying it into tmp/
	StepStore         Step = "store"          // before moving the copy into objects/ (copy fsynced)
	StepVerify        Step = "verify"         // before reading the object back
	StepRecord        Step = "record"         // before appending the "quarantined" entry
	StepMidWrite      Step = "mid-write"      // half of a manifest line is written (any entry kind)
	StepRemove        Step = "remove"         // before removing the original
	StepRecordRemoved Step = "record-removed" // before appending the "removed" entry
	StepRestoreWrite  Step = "restore-write"  // before writing the temporary copy beside the target
	StepRestorePlace  Step = "restore-place"  // before moving it into place
	StepRestoreRecord Step = "restore-record" // before appending the "restored" entry
)

// Options of a Store.
type Options struct {
	Tool string           // "exsweep <version>", recorded in entries
	Now  func() time.Time // nil: time.Now
	// Hook, when set, is called before each step of Quarantine and Restore with the step and the
	// file's path; a non-nil error aborts the operation there (fault injection; tests may also
	// exit the process inside it). With a Hook, manifest lines are written in two halves so
	// StepMidWrite can interrupt one.
	Hook func(step Step, path string) error
}

// Request asks for one file to be quarantined.
type Request struct {
	Root     string   // the host root folder (a mounted drive, a triage copy, C:\)
	Path     string   // the file, slash-separated, relative to Root (as findings name it)
	Host     string   // host name for the entry
	Findings []string // rule ids that call for it
	Note     string   // operator note
	SHA256   string   // when set, the file must still have this hash, else ErrChanged
}

// Outcome says what a Quarantine call did.
type Outcome string

const (
	OutcomeQuarantined Outcome = "quarantined" // stored, recorded and removed now
	OutcomeCompleted   Outcome = "completed"   // an interrupted earlier run stored it; its removal was finished now
	OutcomeAlready     Outcome = "already"     // stored and removed before: nothing to do
)

// Result of Quarantine.
type Result struct {
	Entry   Entry // the "quarantined" entry: id, hashes, object
	Removed Entry // the "removed" entry
	Outcome Outcome
}

// Status of a quarantined file.
type Status string

const (
	StatusStored   Status = "stored"   // in the store, the original not removed (interrupted, or it changed)
	StatusRemoved  Status = "removed"  // in the store, the original removed
	StatusRestored Status = "restored" // written back at least once (the copy stays in the store)
)

// Item is one quarantined file: its entry, status and every entry about it.
type Item struct {
	Entry   Entry   `json:"entry"`
	Status  Status  `json:"status"`
	History []Entry `json:"history"` // quarantined, removed, restored..., in manifest order
}

// Limits: entries are bounded so a manifest line stays under maxLine whatever the request holds.
const (
	maxLine      = 1 << 20
	maxManifest  = 256 << 20
	maxRootBytes = 32 << 10
	maxHost      = 255
	maxFindings  = 1000
	maxFinding   = 256
	maxNote      = 4096
	maxTool      = 255
	maxSDDL      = 64 << 10
)

const (
	manifestName = "manifest.jsonl"
	lockName     = "lock"
	readmeName   = "README.txt"
	objectsDir   = "objects"
	tmpDir       = "tmp"
)

// Store is an open quarantine store. Its methods are safe for concurrent use (they run one at
// a time).
type Store struct {
	dir      string
	opt      Options
	mu       sync.Mutex
	root     *os.Root
	lock     *os.File
	manifest *os.File
	size     int64 // bytes of whole lines in the manifest
	chain    *chain
	repairs  []string
	broken   error        // set when a failed append could not be taken back: reopen to repair
	wrapper  *wrap.Writer // reused for every copy (its compressor is large); guarded by mu
	buf      []byte       // copy buffer, likewise
	closed   bool
}

// ManifestError is a manifest line Open refuses.
type ManifestError struct {
	File string
	Line int
	Err  error
}

func (e *ManifestError) Error() string {
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ManifestError) Unwrap() error { return e.Err }

// Open opens the store at dir, creating it (mode 0700) if needed. It takes the store's lock
// (ErrLocked if another Store, in this process or another, holds it), reads the manifest,
// repairs a torn final line (see Repairs), refuses a manifest whose chain breaks anywhere else
// with a *ManifestError naming the line, and removes leftover temporary copies.
func Open(dir string, opt Options) (*Store, error) {
	if len(opt.Tool) > maxTool || !utf8.ValidString(opt.Tool) {
		return nil, fmt.Errorf("%w: tool name too long or not UTF-8", ErrRequest)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("quarantine store: %w", err)
	}
	// Best effort: a file system without permissions (FAT on an evidence USB drive) cannot
	// be restricted, and refusing it would leave the backdoors in place.
	_ = restrictDir(abs)
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("quarantine store: %w", err)
	}
	s := &Store{dir: abs, opt: opt, root: root}
	if err := s.open(); err != nil {
		s.closeFiles()
		return nil, err
	}
	return s, nil
}

func (s *Store) open() error {
	lock, err := s.root.OpenFile(lockName, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("quarantine store %s: %w", s.dir, err)
	}
	s.lock = lock
	if err := lockFile(lock); err != nil {
		if errors.Is(err, errWouldBlock) {
			holder, _ := io.ReadAll(io.LimitReader(lock, 200))
			return fmt.Errorf("%w: %s is locked by %s", ErrLocked, s.dir, strings.TrimSpace(string(bytes.ToValidUTF8(holder, nil))))
		}
		return fmt.Errorf("quarantine store %s: lock: %w", s.dir, err)
	}
	host, _ := os.Hostname()
	holder := fmt.Sprintf("process %d on %s since %s\n", os.Getpid(), host, s.now().Format(time.RFC3339))
	if err := lock.Truncate(0); err == nil {
		_, _ = lock.WriteAt([]byte(holder), 0) // only for the message above: not worth failing over
	}
	for _, d := range []string{objectsDir, tmpDir} {
		if err := s.root.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("quarantine store %s: %w", s.dir, err)
		}
	}
	if err := s.cleanTmp(); err != nil {
		return err
	}
	if err := s.writeReadme(); err != nil {
		return err
	}
	if err := s.loadManifest(); err != nil {
		return err
	}
	return syncDir(s.root, ".")
}

// cleanTmp removes copies an interrupted run left in tmp/: nothing refers to them.
func (s *Store) cleanTmp() error {
	d, err := s.root.Open(tmpDir)
	if err != nil {
		return fmt.Errorf("quarantine store %s: %w", s.dir, err)
	}
	defer d.Close()
	for {
		names, err := d.Readdirnames(256)
		for _, n := range names {
			if err := s.root.Remove(tmpDir + "/" + n); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("quarantine store %s: cleaning %s: %w", s.dir, tmpDir, err)
			}
		}
		if err == io.EOF || len(names) == 0 {
			return nil
		}
		if err != nil {
			return fmt.Errorf("quarantine store %s: cleaning %s: %w", s.dir, tmpDir, err)
		}
	}
}

func (s *Store) writeReadme() error {
	if _, err := s.root.Lstat(readmeName); err == nil {
		return nil
	}
	tmp := tmpDir + "/readme.part"
	if err := s.root.WriteFile(tmp, []byte(readme), 0o600); err != nil {
		return fmt.Errorf("quarantine store %s: %w", s.dir, err)
	}
	if err := s.root.Rename(tmp, readmeName); err != nil {
		return fmt.Errorf("quarantine store %s: %w", s.dir, err)
	}
	return nil
}

func (s *Store) loadManifest() error {
	f, err := s.root.OpenFile(manifestName, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("quarantine store %s: %w", s.dir, err)
	}
	s.manifest = f
	name := filepath.Join(s.dir, manifestName)
	sc, err := readStrict(f, name)
	if err != nil {
		return err
	}
	s.chain, s.size = sc.chain, sc.good
	if sc.torn > 0 {
		if err := f.Truncate(sc.good); err != nil {
			return fmt.Errorf("%s: removing the torn final line: %w", name, err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		s.repairs = append(s.repairs, fmt.Sprintf("%s:%d: dropped a torn final line (%d bytes): a write interrupted before it was complete, so its file was never removed", name, sc.tornLine, sc.torn))
	}
	return nil
}

// readStrict reads a manifest as Open does: the first bad line is a *ManifestError.
func readStrict(r io.Reader, name string) (scanned, error) {
	var first *ManifestError
	sc, err := scanManifest(r, func(line int, err error) bool {
		first = &ManifestError{File: name, Line: line, Err: err}
		return false
	})
	if first != nil {
		return sc, first
	}
	if err != nil {
		return sc, fmt.Errorf("%s: %w", name, err)
	}
	return sc, nil
}

// Repairs lists what Open repaired (a torn final line), for the operator.
func (s *Store) Repairs() []string { return append([]string(nil), s.repairs...) }

// Dir is the store's absolute path.
func (s *Store) Dir() string { return s.dir }

// Close releases the lock. The Store cannot be used afterwards.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.closeFiles()
}

func (s *Store) closeFiles() error {
	var errs []error
	if s.manifest != nil {
		errs = append(errs, s.manifest.Close())
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Close()) // closing drops the lock
	}
	errs = append(errs, s.root.Close())
	return errors.Join(errs...)
}

func (s *Store) usable() error {
	if s.closed {
		return ErrClosed
	}
	return s.broken
}

func (s *Store) now() time.Time {
	if s.opt.Now != nil {
		return s.opt.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Store) hook(step Step, path string) error {
	if s.opt.Hook == nil {
		return nil
	}
	if err := s.opt.Hook(step, path); err != nil {
		return fmt.Errorf("at step %s: %w", step, err)
	}
	return nil
}

// Entries returns the manifest, in order.
func (s *Store) Entries() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chain == nil {
		return nil
	}
	return append([]Entry(nil), s.chain.entries...)
}

// Items returns one Item per quarantined file, in manifest order.
func (s *Store) Items() []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chain == nil {
		return nil
	}
	items := make([]Item, 0, len(s.chain.items))
	for _, it := range s.chain.items {
		items = append(items, s.chain.item(it))
	}
	return items
}

// Item returns the quarantined file with this id, or with the only id starting with it ("q-"
// may be left out; case does not matter).
func (s *Store) Item(id string) (Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chain == nil {
		return Item{}, ErrClosed
	}
	it, err := s.chain.find(id)
	if err != nil {
		return Item{}, err
	}
	return s.chain.item(it), nil
}

func (c *chain) item(it *itemState) Item {
	out := Item{Entry: c.entries[it.q], Status: StatusStored}
	out.History = append(out.History, c.entries[it.q])
	if it.removed >= 0 {
		out.Status = StatusRemoved
		out.History = append(out.History, c.entries[it.removed])
	}
	for _, i := range it.restored {
		out.Status = StatusRestored
		out.History = append(out.History, c.entries[i])
	}
	sortByLine(out.History)
	return out
}

func sortByLine(h []Entry) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j].Seq < h[j-1].Seq; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

func (c *chain) find(id string) (*itemState, error) {
	want := strings.ToLower(strings.TrimSpace(id))
	if !strings.HasPrefix(want, "q-") {
		want = "q-" + want
	}
	if it, ok := c.byID[want]; ok {
		return it, nil
	}
	var found []*itemState
	for _, it := range c.items {
		if strings.HasPrefix(c.entries[it.q].ID, want) {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	case 1:
		return found[0], nil
	}
	ids := make([]string, 0, 5)
	for _, it := range found[:min(len(found), 5)] {
		ids = append(ids, c.entries[it.q].ID)
	}
	return nil, fmt.Errorf("%w: %q matches %d ids (%s...)", ErrAmbiguous, id, len(found), strings.Join(ids, ", "))
}

// scanned is what scanManifest read.
type scanned struct {
	chain    *chain
	lines    int   // complete lines
	good     int64 // bytes of complete lines
	torn     int   // bytes of an unterminated final line
	tornLine int
}

// scanManifest reads manifest lines from r, decodes and chains them. problem is called for each
// bad line; when it returns false scanning stops (Open stops at the first, Verify goes on). An
// unterminated final line is torn (counted, not decoded) when it is the beginning of the entry
// that would come next; anything else unterminated is a problem too. The error is for I/O and
// size limits only.
func scanManifest(r io.Reader, problem func(line int, err error) bool) (scanned, error) {
	sc := scanned{chain: newChain()}
	c := sc.chain
	br := bufio.NewReaderSize(r, 64<<10)
	known := true // c.last and c.seq describe the line before (false after an unreadable line)
	var buf []byte
	for line := 1; ; line++ {
		buf = buf[:0]
		tooLong := false
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			if len(buf)+len(chunk) > maxLine+1 {
				tooLong = true
			} else {
				buf = append(buf, chunk...)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return sc, err
		}
		ended := err == nil // the line has its newline
		if !ended && len(buf) == 0 && !tooLong {
			return sc, nil
		}
		if sc.good > maxManifest {
			return sc, fmt.Errorf("line %d: the manifest is larger than %d MiB", line, maxManifest>>20)
		}
		if !ended {
			if !tooLong && isTornStart(buf, c.seq+1) {
				sc.torn, sc.tornLine = len(buf), line
				return sc, nil
			}
			problem(line, fmt.Errorf("unterminated final line that is not the start of entry %d (not an interrupted write)", c.seq+1))
			return sc, nil
		}
		sc.lines, sc.good = line, sc.good+int64(len(buf))
		if tooLong {
			known = false
			if !problem(line, fmt.Errorf("longer than %d bytes", maxLine)) {
				return sc, nil
			}
			continue
		}
		text := bytes.TrimSuffix(buf, []byte("\n"))
		if len(text) == 0 {
			if !problem(line, errors.New("empty line")) {
				return sc, nil
			}
			continue
		}
		e, err := decodeEntry(text)
		if err != nil {
			ok := problem(line, err)
			c.markDamaged(e, text)
			// A line that parsed but whose hash is wrong was edited; its successor still names
			// its recorded hash, so keep following the chain from it and report one problem,
			// not a cascade.
			if e.Hash != "" && e.Seq > 0 {
				c.last, c.seq, known = e.Hash, e.Seq, true
			} else {
				known = false
			}
			if !ok {
				return sc, nil
			}
			continue
		}
		e.Line = line
		if !known {
			c.last, c.seq, known = e.Prev, e.Seq-1, true
		}
		if err := c.check(e); err != nil {
			if !problem(line, err) {
				return sc, nil
			}
			c.add(e)
			continue
		}
		c.add(e)
	}
}

// isTornStart reports whether b can be the beginning of the line of entry seq as encodeEntry
// writes it: a write interrupted after it started. Anything else is not ours to drop.
func isTornStart(b []byte, seq int64) bool {
	want := `{"seq":` + strconv.FormatInt(seq, 10) + `,"kind":"`
	if len(b) <= len(want) {
		return strings.HasPrefix(want, string(b))
	}
	return strings.HasPrefix(string(b), want)
}
