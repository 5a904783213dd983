package minidump_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exsweep/exsweep/internal/minidump"
	"github.com/exsweep/exsweep/internal/minidump/minidumptest"
)

var le = binary.LittleEndian

func inspect(t *testing.T, b []byte) minidump.Info {
	t.Helper()
	in, err := minidump.Inspect(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return in
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		head string
		want minidump.Kind
	}{
		{"nil", "", minidump.KindNone},
		{"MDMP only", "MDMP", minidump.KindNone},
		{"MDMP short version", "MDMP\x93\xa7\x00", minidump.KindNone},
		{"minidump", "MDMP\x93\xa7\x00\x00", minidump.KindMinidump},
		{"minidump writer bits", "MDMP\x93\xa7\x61\x0a\x0e\x00\x00\x00", minidump.KindMinidump},
		{"benchmark shape", "MDMP\x93\xa7\x00\x00\x0e\x00\x00\x00\x20\x00\x00\x00\xde\xad", minidump.KindMinidump},
		{"wrong version", "MDMP\x94\xa7\x00\x00", minidump.KindNone},
		{"lower case", "mdmp\x93\xa7\x00\x00", minidump.KindNone},
		{"kernel 64", "PAGEDU64\x0f\x00\x00\x00\x93\x39\x00\x00", minidump.KindKernel64},
		{"kernel 32", "PAGEDUMP\x0f\x00\x00\x00", minidump.KindKernel32},
		{"kernel short", "PAGEDU6", minidump.KindNone},
		{"zip", "PK\x03\x04\x14\x00\x00\x00", minidump.KindNone},
		{"pe", "MZ\x90\x00\x03\x00\x00\x00", minidump.KindNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := minidump.Sniff([]byte(tc.head)); got != tc.want {
				t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	want := map[minidump.Kind]string{
		minidump.KindNone: "none", minidump.KindMinidump: "minidump",
		minidump.KindKernel32: "kernel-dump-32", minidump.KindKernel64: "kernel-dump-64", 9: "kind(9)",
	}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("%d.String() = %q, want %q", uint8(k), k.String(), s)
		}
	}
	if !minidump.KindKernel64.IsKernel() || minidump.KindMinidump.IsKernel() {
		t.Error("IsKernel wrong")
	}
}

// TestRoundTrip checks Inspect reads back what minidumptest.Build wrote.
func TestRoundTrip(t *testing.T) {
	nonASCII := minidumptest.Spec{
		Modules:       []string{`D:\Ünïcødé\進程\w3wp😀.exe`, `C:/Windows/System32/ntdll.dll`},
		WriterVersion: 0x0a61,
	}
	for _, tc := range []struct {
		name    string
		spec    minidumptest.Spec
		process string
	}{
		{"lsass", minidumptest.LSASS(), "lsass.exe"},
		{"w3wp", minidumptest.W3WP(), "w3wp.exe"},
		{"non-ascii", nonASCII, "w3wp😀.exe"},
		{"no modules", minidumptest.Spec{PID: 4}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := minidumptest.Build(tc.spec)
			if k := minidump.Sniff(b); k != minidump.KindMinidump {
				t.Fatalf("Sniff = %v", k)
			}
			in := inspect(t, b)
			if len(in.Problems) != 0 {
				t.Errorf("problems: %q", in.Problems)
			}
			if !in.SignatureOK || in.Version != 0xa793|uint32(tc.spec.WriterVersion)<<16 {
				t.Errorf("SignatureOK %v, Version %#x", in.SignatureOK, in.Version)
			}
			if want := len(tc.spec.Modules); in.ModuleCount != uint32(want) || len(in.Modules) != want {
				t.Errorf("ModuleCount %d, %d modules; want %d", in.ModuleCount, len(in.Modules), want)
			}
			if diff := cmp.Diff(tc.spec.Modules, in.Modules, cmp.Comparer(func(a, b []string) bool {
				return strings.Join(a, "\n") == strings.Join(b, "\n")
			})); diff != "" {
				t.Errorf("modules (-want +got):\n%s", diff)
			}
			if got := in.ProcessName(); got != tc.process {
				t.Errorf("ProcessName = %q, want %q", got, tc.process)
			}
			if in.HasProcessID != (tc.spec.PID != 0) || in.ProcessID != tc.spec.PID {
				t.Errorf("pid %d (%v), want %d", in.ProcessID, in.HasProcessID, tc.spec.PID)
			}
			if !in.Time.Equal(tc.spec.Time) && !(in.Time.IsZero() && tc.spec.Time.IsZero()) {
				t.Errorf("Time %v, want %v", in.Time, tc.spec.Time)
			}
			if in.Flags != tc.spec.Flags {
				t.Errorf("Flags %#x, want %#x", in.Flags, tc.spec.Flags)
			}
			if in.System.Present != tc.spec.SystemInfo || (tc.spec.SystemInfo && (in.System.BuildNumber != 14393 || in.System.MajorVersion != 10 || in.System.ProcessorArchitecture != 9)) {
				t.Errorf("System %+v", in.System)
			}
			if in.HasStream(minidump.StreamMemory64List) != (tc.spec.MemoryBytes > 0) {
				t.Errorf("HasStream(Memory64List) wrong")
			}
			if int(in.Streams) != len(in.Directory) {
				t.Errorf("Streams %d, directory %d", in.Streams, len(in.Directory))
			}
		})
	}
}

// TestTruncatedEveryOffset cuts a valid dump at every length: Inspect must never fail past the
// header, and every name it returns must be a prefix of the real one.
func TestTruncatedEveryOffset(t *testing.T) {
	spec := minidumptest.LSASS()
	full, lay := minidumptest.BuildLayout(spec)
	for n := 0; n <= len(full); n++ {
		b := full[:n]
		in, err := minidump.Inspect(bytes.NewReader(b), int64(n))
		if n < minidumptest.HeaderSize {
			if !errors.Is(err, minidump.ErrNotMinidump) || in.SignatureOK {
				t.Fatalf("len %d: err %v, SignatureOK %v", n, err, in.SignatureOK)
			}
			continue
		}
		if err != nil {
			t.Fatalf("len %d: %v", n, err)
		}
		if len(in.Modules) > len(spec.Modules) {
			t.Fatalf("len %d: %d modules", n, len(in.Modules))
		}
		for i, m := range in.Modules {
			if !strings.HasPrefix(spec.Modules[i], m) {
				t.Fatalf("len %d: module %d = %q, not a prefix of %q", n, i, m, spec.Modules[i])
			}
		}
		if in.HasProcessID && in.ProcessID != spec.PID {
			t.Fatalf("len %d: pid %d", n, in.ProcessID)
		}
		if n == len(full) && len(in.Problems) != 0 {
			t.Fatalf("whole file: problems %q", in.Problems)
		}
		// Only the memory bytes are not read; a cut anywhere before them is noticed.
		if n < int(lay.MemoryRVA) && len(in.Problems) == 0 {
			t.Fatalf("len %d: no problem reported", n)
		}
		checkBounds(t, in)
	}
}

// shortReader holds fewer bytes than the size Inspect is told, as when a file shrinks while
// being read.
type shortReader struct{ b []byte }

func (r shortReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(r.b)) {
		return 0, io.EOF
	}
	n := copy(p, r.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

type failingReader struct{ after int64 }

var errDisk = errors.New("disk on fire")

func (r failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.after {
		return 0, errDisk
	}
	return copy(p, minidumptest.Build(minidumptest.LSASS())[off:]), nil
}

func TestSizeOverstated(t *testing.T) {
	b, lay := minidumptest.BuildLayout(minidumptest.LSASS())
	for _, n := range []int{40, 200, 700, int(lay.ModuleNameRVAs[len(lay.ModuleNameRVAs)-1]) + 6} {
		in, err := minidump.Inspect(shortReader{b[:n]}, int64(len(b)))
		if err != nil {
			t.Fatalf("cut %d: %v", n, err)
		}
		if len(in.Problems) == 0 {
			t.Errorf("cut %d: no problem reported", n)
		}
	}
}

func TestReaderError(t *testing.T) {
	b := minidumptest.Build(minidumptest.LSASS())
	if _, err := minidump.Inspect(failingReader{0}, int64(len(b))); !errors.Is(err, errDisk) {
		t.Errorf("header error: %v", err)
	}
	in, err := minidump.Inspect(failingReader{100}, int64(len(b)))
	if !errors.Is(err, errDisk) || !in.SignatureOK {
		t.Errorf("later error: %v (SignatureOK %v)", err, in.SignatureOK)
	}
}

func TestHostile(t *testing.T) {
	spec := minidumptest.LSASS()
	type check func(t *testing.T, in minidump.Info)
	wantProblem := func(sub string) check {
		return func(t *testing.T, in minidump.Info) {
			t.Helper()
			for _, p := range in.Problems {
				if strings.Contains(p, sub) {
					return
				}
			}
			t.Errorf("no problem containing %q in %q", sub, in.Problems)
		}
	}
	wantModules := func(n int) check {
		return func(t *testing.T, in minidump.Info) {
			t.Helper()
			if len(in.Modules) != n {
				t.Errorf("%d modules, want %d", len(in.Modules), n)
			}
		}
	}
	wantMain := func(s string) check {
		return func(t *testing.T, in minidump.Info) {
			t.Helper()
			if in.MainModule() != s {
				t.Errorf("main module %q, want %q", in.MainModule(), s)
			}
		}
	}
	for _, tc := range []struct {
		name   string
		spec   *minidumptest.Spec
		damage func(b []byte, lay minidumptest.Layout) []byte
		checks []check
	}{
		{
			name:   "stream count 2^32-1",
			damage: func(b []byte, _ minidumptest.Layout) []byte { le.PutUint32(b[8:], 0xffffffff); return b },
			checks: []check{wantProblem("read the first 64"), wantMain(spec.Modules[0]), wantModules(len(spec.Modules))},
		},
		{
			name:   "directory past the end",
			damage: func(b []byte, _ minidumptest.Layout) []byte { le.PutUint32(b[12:], 0xfffffff0); return b },
			checks: []check{wantProblem("room in the file for 0"), wantModules(0), wantProblem("no ModuleList")},
		},
		{
			name:   "directory over the header",
			damage: func(b []byte, _ minidumptest.Layout) []byte { le.PutUint32(b[12:], 4); return b },
			checks: []check{wantProblem("overlaps the header")},
		},
		{
			name: "module count 2^32-1",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[lay.ModuleListRVA:], 0xffffffff)
				return b
			},
			checks: []check{wantProblem("read the first 4096"), wantModules(len(spec.Modules)), wantMain(spec.Modules[0])},
		},
		{
			name: "module list past the end",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[streamEntry(b, 4)+8:], 0xfffffff0)
				return b
			},
			checks: []check{wantProblem("runs past the end"), wantProblem("holds no module count"), wantModules(0)},
		},
		{
			name: "module list size too small",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[streamEntry(b, 4)+4:], 4+108*2+50)
				return b
			},
			checks: []check{wantProblem("room in the stream and file for 2"), wantModules(2)},
		},
		{
			name: "name rva past the end",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[lay.ModuleListRVA+4+minidumptest.ModuleNameRVAOff:], 0xfffffffe)
				return b
			},
			checks: []check{wantProblem("module 0: name at 0xfffffffe is outside"), wantMain(""), wantModules(len(spec.Modules))},
		},
		{
			name: "name length 2^32-1",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[lay.ModuleNameRVAs[0]:], 0xffffffff)
				return b
			},
			checks: []check{wantProblem("is odd"), wantProblem("cut to 1024"), wantMain(spec.Modules[0])},
		},
		{
			name: "odd name length",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[lay.ModuleNameRVAs[0]:], 5)
				return b
			},
			checks: []check{wantProblem("odd"), wantMain("C:")},
		},
		{
			name: "invalid surrogates",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				at := lay.ModuleNameRVAs[0] + 4
				le.PutUint16(b[at:], 0xd800)   // high surrogate followed by ':'
				le.PutUint16(b[at+4:], 0xdc00) // lone low surrogate
				return b
			},
			checks: []check{wantMain("\uFFFD:\uFFFDWindows\\System32\\lsass.exe")},
		},
		{
			name: "control characters",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint16(b[lay.ModuleNameRVAs[0]+4:], 0x1b)
				return b
			},
			checks: []check{wantMain("\uFFFD:\\Windows\\System32\\lsass.exe")},
		},
		{
			name: "overlapping streams",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[streamEntry(b, 15)+8:], lay.ModuleListRVA)
				return b
			},
			checks: []check{wantProblem("overlap"), wantMain(spec.Modules[0])},
		},
		{
			name: "stream over the header",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[streamEntry(b, 15)+8:], 0)
				return b
			},
			checks: []check{wantProblem("overlaps the header or directory")},
		},
		{
			name: "duplicate module list",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				e := streamEntry(b, 9) // the Memory64List, after the real module list
				le.PutUint32(b[e:], 4)
				return b
			},
			checks: []check{wantProblem("second ModuleList"), wantMain(spec.Modules[0])},
		},
		{
			name: "misc info without pid flag",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[lay.MiscInfoRVA+4:], 2)
				return b
			},
			checks: []check{func(t *testing.T, in minidump.Info) {
				if in.HasProcessID {
					t.Error("HasProcessID without the flag")
				}
			}},
		},
		{
			name: "misc info too short",
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				le.PutUint32(b[streamEntry(b, 15)+4:], 8)
				return b
			},
			checks: []check{wantProblem("too short for a process id")},
		},
		{
			name: "name without terminator at the end of the file",
			spec: &minidumptest.Spec{Modules: []string{`C:\Windows\System32\lsass.exe`, `C:\x\abc.dll`}},
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				return b[:len(b)-2] // the name is 24 bytes: 4 + 24 + NUL ends 4-aligned, no padding
			},
			checks: []check{func(t *testing.T, in minidump.Info) {
				if len(in.Problems) != 0 || len(in.Modules) != 2 || in.Modules[1] != `C:\x\abc.dll` {
					t.Errorf("modules %q, problems %q", in.Modules, in.Problems)
				}
			}},
		},
		{
			name: "name cut by end of file",
			spec: &minidumptest.Spec{Modules: []string{`C:\Windows\System32\lsass.exe`, `C:\x\abc.dll`}},
			damage: func(b []byte, lay minidumptest.Layout) []byte {
				return b[:len(b)-8] // the NUL and 3 characters
			},
			checks: []check{wantProblem("runs past the end of the file"), func(t *testing.T, in minidump.Info) {
				if len(in.Modules) != 2 || in.Modules[1] != `C:\x\abc.` {
					t.Errorf("modules %q", in.Modules)
				}
			}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := spec
			if tc.spec != nil {
				s = *tc.spec
			}
			b, lay := minidumptest.BuildLayout(s)
			b = tc.damage(b, lay)
			in := inspect(t, b)
			for _, c := range tc.checks {
				c(t, in)
			}
			checkBounds(t, in)
		})
	}
}

// streamEntry is the offset of the first directory entry of type typ in a Build output.
func streamEntry(b []byte, typ uint32) int {
	n := int(le.Uint32(b[8:]))
	for i := range n {
		at := minidumptest.HeaderSize + minidumptest.DirectoryEntrySize*i
		if le.Uint32(b[at:]) == typ {
			return at
		}
	}
	panic("no such stream")
}

// TestModuleCaps has 5,000 modules all naming one 1,500-byte name: the module cap, the
// per-name cap and the total name budget all apply.
func TestModuleCaps(t *testing.T) {
	const n = 5000
	long := strings.Repeat("A", 750)
	nameAt := minidumptest.HeaderSize + minidumptest.DirectoryEntrySize
	listAt := nameAt + 4 + 2*len(long)
	b := make([]byte, listAt+4+minidumptest.ModuleSize*n)
	copy(b, "MDMP\x93\xa7\x00\x00")
	le.PutUint32(b[8:], 1)
	le.PutUint32(b[12:], minidumptest.HeaderSize)
	le.PutUint32(b[32:], 4)
	le.PutUint32(b[36:], uint32(4+minidumptest.ModuleSize*n))
	le.PutUint32(b[40:], uint32(listAt))
	le.PutUint32(b[nameAt:], uint32(2*len(long)))
	for i := range len(long) {
		b[nameAt+4+2*i] = 'A'
	}
	le.PutUint32(b[listAt:], n)
	for i := range n {
		le.PutUint32(b[listAt+4+i*minidumptest.ModuleSize+minidumptest.ModuleNameRVAOff:], uint32(nameAt))
	}
	in := inspect(t, b)
	if len(in.Modules) != minidump.MaxModules {
		t.Fatalf("%d modules, want %d", len(in.Modules), minidump.MaxModules)
	}
	full := minidump.MaxNameBytesTotal / minidump.MaxNameBytes
	for i, m := range in.Modules {
		want := strings.Repeat("A", minidump.MaxNameBytes/2)
		if i >= full {
			want = ""
		}
		if m != want {
			t.Fatalf("module %d: %d bytes, want %d", i, len(m), len(want))
		}
	}
	if len(in.Problems) != minidump.MaxProblems+1 || !strings.HasSuffix(in.Problems[minidump.MaxProblems], "more problems not listed") {
		t.Errorf("problems: %d, last %q", len(in.Problems), in.Problems[len(in.Problems)-1])
	}
	if !strings.Contains(in.Problems[0], "read the first 4096") {
		t.Errorf("first problem %q", in.Problems[0])
	}
}

// TestPaddedModuleList reads a module list whose count is padded to 8 bytes, as some 64-bit
// writers do; the stream size says so.
func TestPaddedModuleList(t *testing.T) {
	name := `C:\Windows\System32\lsass.exe`
	b := make([]byte, 44, 300)
	copy(b, "MDMP\x93\xa7\x00\x00")
	le.PutUint32(b[8:], 1)
	le.PutUint32(b[12:], 32)
	le.PutUint32(b[32:], 4)
	le.PutUint32(b[36:], 8+minidumptest.ModuleSize)
	le.PutUint32(b[40:], 44)
	b = le.AppendUint32(b, 1)
	b = le.AppendUint32(b, 0)
	mod := make([]byte, minidumptest.ModuleSize)
	le.PutUint32(mod[minidumptest.ModuleNameRVAOff:], uint32(len(b)+minidumptest.ModuleSize))
	b = append(b, mod...)
	b = le.AppendUint32(b, uint32(2*len(name)))
	for _, c := range name {
		b = le.AppendUint16(b, uint16(c))
	}
	in := inspect(t, b)
	if in.ProcessName() != "lsass.exe" || len(in.Problems) != 0 {
		t.Errorf("process %q, problems %q", in.ProcessName(), in.Problems)
	}
}

func TestNotMinidump(t *testing.T) {
	for _, b := range [][]byte{
		nil,
		[]byte("MDMP\x93\xa7\x00\x00"),
		append([]byte("PAGEDU64"), make([]byte, 100)...),
		append([]byte("MDMP\x00\x00\x00\x00"), make([]byte, 100)...),
	} {
		in, err := minidump.Inspect(bytes.NewReader(b), int64(len(b)))
		if !errors.Is(err, minidump.ErrNotMinidump) || in.SignatureOK {
			t.Errorf("%q: err %v, SignatureOK %v", b[:min(len(b), 8)], err, in.SignatureOK)
		}
	}
	if _, err := minidump.Inspect(bytes.NewReader(nil), -5); !errors.Is(err, minidump.ErrNotMinidump) {
		t.Errorf("negative size: %v", err)
	}
}

// TestBenchmarkShape reads what the benchmark's generator writes for a dump: the header of a
// 14-stream dump followed by random bytes.
func TestBenchmarkShape(t *testing.T) {
	b := []byte("MDMP\x93\xa7\x00\x00\x0e\x00\x00\x00\x20\x00\x00\x00")
	x := uint32(2463534242)
	for range 64 << 10 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b = append(b, byte(x))
	}
	if minidump.Sniff(b) != minidump.KindMinidump {
		t.Fatal("not sniffed")
	}
	in := inspect(t, b)
	if !in.SignatureOK || in.Streams != 14 || len(in.Directory) != 14 || len(in.Problems) == 0 {
		t.Errorf("SignatureOK %v, %d streams, %d read, problems %q", in.SignatureOK, in.Streams, len(in.Directory), in.Problems)
	}
	checkBounds(t, in)
}

func TestProcessName(t *testing.T) {
	for path, want := range map[string]string{
		`C:\Windows\System32\LSASS.EXE`: "lsass.exe",
		`/tmp/dumps/lsass.exe`:          "lsass.exe",
		`lsass.exe`:                     "lsass.exe",
		``:                              "",
		`C:\dir/sub\W3WP.exe`:           "w3wp.exe",
		`C:\dir\`:                       "",
	} {
		in := minidump.Info{Modules: []string{path}}
		if got := in.ProcessName(); got != want {
			t.Errorf("ProcessName(%q) = %q, want %q", path, got, want)
		}
	}
	if (&minidump.Info{}).ProcessName() != "" {
		t.Error("no modules: want empty name")
	}
}

func TestTimeUTC(t *testing.T) {
	in := inspect(t, minidumptest.Build(minidumptest.LSASS()))
	if in.Time.Location() != time.UTC {
		t.Errorf("Time in %v", in.Time.Location())
	}
}

// checkBounds holds Info to the caps whatever the input.
func checkBounds(t *testing.T, in minidump.Info) {
	t.Helper()
	if len(in.Directory) > minidump.MaxStreams || len(in.Modules) > minidump.MaxModules || len(in.Problems) > minidump.MaxProblems+1 {
		t.Fatalf("caps exceeded: %d streams, %d modules, %d problems", len(in.Directory), len(in.Modules), len(in.Problems))
	}
	total := 0
	for _, m := range in.Modules {
		if n := len([]rune(m)); n > minidump.MaxNameBytes/2 {
			t.Fatalf("name of %d runes", n)
		}
		total += len(m)
	}
	if total > 3*minidump.MaxNameBytesTotal/2 {
		t.Fatalf("names total %d bytes", total)
	}
}
