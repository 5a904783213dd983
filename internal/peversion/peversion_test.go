package peversion_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exsweep/exsweep/internal/peversion"
	"github.com/exsweep/exsweep/internal/peversion/peversiontest"
)

type (
	spec  = peversiontest.Spec
	ver   = peversiontest.Version
	table = peversiontest.Table
	str   = peversiontest.String
)

// exchange is a version resource shaped like ExSetup.exe's (written here, not copied).
func exchange() ver {
	return ver{
		FileVersion:    [4]uint16{15, 2, 986, 5},
		ProductVersion: [4]uint16{15, 2, 986, 5},
		Tables: []table{{Key: "040904B0", Strings: []str{
			{Key: "CompanyName", Value: "Microsoft Corporation"},
			{Key: "FileDescription", Value: "Exchange setup"},
			{Key: "FileVersion", Value: "15.02.0986.005"},
			{Key: "OriginalFilename", Value: "ExSetup.exe"},
			{Key: "ProductName", Value: "Microsoft® Exchange"},
			{Key: "ProductVersion", Value: "15.02.0986.005"},
		}}},
	}
}

func read(t *testing.T, b []byte) (peversion.Info, error) {
	t.Helper()
	return peversion.Read(bytes.NewReader(b), int64(len(b)))
}

func TestRead(t *testing.T) {
	second := ver{Lang: 0x407, FileVersion: [4]uint16{9, 8, 7, 6}, Tables: []table{{Key: "040704B0", Strings: []str{{Key: "ProductName", Value: "Deutsch"}}}}}
	tests := []struct {
		name  string
		spec  spec
		file  [4]uint16
		prod  [4]uint16
		strs  map[string]string
		dotty string
	}{
		{
			name: "exchange 2019 build", spec: spec{Versions: []ver{exchange()}},
			file: [4]uint16{15, 2, 986, 5}, prod: [4]uint16{15, 2, 986, 5}, dotty: "15.2.986.5",
			strs: map[string]string{
				"CompanyName": "Microsoft Corporation", "FileDescription": "Exchange setup",
				"FileVersion": "15.02.0986.005", "OriginalFilename": "ExSetup.exe",
				"ProductName": "Microsoft® Exchange", "ProductVersion": "15.02.0986.005",
			},
		},
		{
			name: "file and product versions differ, extremes",
			spec: spec{Versions: []ver{{FileVersion: [4]uint16{65535, 0, 1, 65535}, ProductVersion: [4]uint16{15, 1, 2176, 2}}}},
			file: [4]uint16{65535, 0, 1, 65535}, prod: [4]uint16{15, 1, 2176, 2}, dotty: "65535.0.1.65535",
			strs: map[string]string{},
		},
		{
			name: "first language wins (English first)", spec: spec{Versions: []ver{exchange(), second}},
			file: [4]uint16{15, 2, 986, 5}, prod: [4]uint16{15, 2, 986, 5}, dotty: "15.2.986.5",
			strs: func() map[string]string {
				m := map[string]string{}
				for _, s := range exchange().Tables[0].Strings {
					m[s.Key] = s.Value
				}
				return m
			}(),
		},
		{
			name: "first language wins (German first)", spec: spec{Versions: []ver{second, exchange()}},
			file: [4]uint16{9, 8, 7, 6}, dotty: "9.8.7.6",
			strs: map[string]string{"ProductName": "Deutsch"},
		},
		{
			name: "two string tables: first holder of a key wins",
			spec: spec{Versions: []ver{{FileVersion: [4]uint16{1, 2, 3, 4}, Tables: []table{
				{Key: "040904B0", Strings: []str{{Key: "ProductName", Value: "first"}}},
				{Key: "040704B0", Strings: []str{{Key: "ProductName", Value: "second"}, {Key: "Comments", Value: "only here"}, {Key: "Empty", Value: ""}}},
			}}}},
			file: [4]uint16{1, 2, 3, 4}, dotty: "1.2.3.4",
			strs: map[string]string{"ProductName": "first", "Comments": "only here", "Empty": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := read(t, peversiontest.Build(tt.spec))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if info.FileVersion != tt.file || info.ProductVersion != tt.prod {
				t.Errorf("versions = %v, %v; want %v, %v", info.FileVersion, info.ProductVersion, tt.file, tt.prod)
			}
			if diff := cmp.Diff(tt.strs, info.Strings); diff != "" {
				t.Errorf("Strings (-want +got):\n%s", diff)
			}
			if got := info.String(); got != tt.dotty {
				t.Errorf("String() = %q, want %q", got, tt.dotty)
			}
		})
	}
}

func TestFormatVersion(t *testing.T) {
	for _, tt := range []struct {
		v    [4]uint16
		want string
	}{
		{[4]uint16{15, 1, 2176, 2}, "15.1.2176.2"},
		{[4]uint16{}, "0.0.0.0"},
		{[4]uint16{65535, 65535, 65535, 65535}, "65535.65535.65535.65535"},
	} {
		if got := peversion.FormatVersion(tt.v); got != tt.want {
			t.Errorf("FormatVersion(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// Offsets inside .rsrc of Build(spec{Versions: one}) (see the peversiontest layout): root
// directory at 0 with 2 entries (RT_VERSION, RT_MANIFEST); RT_VERSION name directory at 0x20.
const (
	rootVersionTarget = peversiontest.RsrcOffset + peversiontest.RootEntries + 4
	nameDir           = 0x20
	nameEntryTarget   = peversiontest.RsrcOffset + nameDir + 16 + 4
)

func put32(b []byte, off int, v uint32) []byte {
	c := bytes.Clone(b)
	binary.LittleEndian.PutUint32(c[off:], v)
	return c
}

func put16(b []byte, off int, v uint16) []byte {
	c := bytes.Clone(b)
	binary.LittleEndian.PutUint16(c[off:], v)
	return c
}

// versionData returns the file offset of the first version resource's data.
func versionData(t *testing.T, b []byte) int {
	t.Helper()
	i := bytes.Index(b, []byte("V\x00S\x00_\x00V\x00E\x00R\x00"))
	if i < 6 {
		t.Fatal("no VS_VERSION_INFO key in the fixture")
	}
	return i - 6
}

func TestReadErrors(t *testing.T) {
	good := peversiontest.Build(spec{Versions: []ver{exchange()}})
	vd := versionData(t, good)
	strBlock := bytes.Index(good, []byte("C\x00o\x00m\x00p\x00")) - 6
	tests := []struct {
		name    string
		file    []byte
		is      error  // errors.Is target, or nil
		offset  int64  // want *FormatError at this offset; -2 = any offset, 0 = not a FormatError
		message string // substring of the error
	}{
		{"not a PE", []byte("MZ but nothing else at all, really"), peversion.ErrNotPE, 0, "not a PE"},
		{"no version resource", peversiontest.Build(spec{}), peversion.ErrNoVersion, 0, "no RT_VERSION"},
		{"no resource directory", put32(good, 0x58+112+16, 0), peversion.ErrNoVersion, 0, "no resource directory"},
		{"wrong signature", peversiontest.Build(spec{Versions: []ver{{Signature: 0xFEEF04BE}}}), peversion.ErrBadSignature, int64(vd + 40), "0xfeef04be"},
		{"root loop at type level", put32(good, rootVersionTarget, 0x80000000), nil, -2, "fourth directory level"},
		{"name directory points at itself", put32(good, nameEntryTarget, 0x80000000|nameDir), nil, -2, "fourth directory level"},
		{"type entry leads to data", put32(good, rootVersionTarget, 0x40), nil, rootVersionTarget - 4, "name directory"},
		{"directory offset outside the section", put32(good, rootVersionTarget, 0x80001000), nil, -2, "no section"},
		{"entry count over cap", put16(good, peversiontest.RsrcOffset+12, 0xFFFF), nil, peversiontest.RsrcOffset, "cap"},
		{"entries past section end", put16(good, peversiontest.RsrcOffset+nameDir+12, 0x0FFF), nil, -2, "past the end of section"},
		{"root block key", put16(good, vd+6, 'W'), nil, int64(vd + 6), "not VS_VERSION_INFO"},
		{"root wLength past data", put16(good, vd, 0xFFFF), nil, int64(vd), "runs past its container"},
		{"string block wLength 0", put16(good, strBlock, 0), nil, int64(strBlock), "shorter than its header"},
		{"fixed info too short", put16(good, vd+2, 20), nil, int64(vd + 40), "VS_FIXEDFILEINFO missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := read(t, tt.file)
			if err == nil {
				t.Fatalf("Read succeeded: %v %v", info, info.Strings)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			var fe *peversion.FormatError
			switch {
			case tt.offset == 0 && errors.As(err, &fe):
				t.Errorf("unexpected FormatError %v", err)
			case tt.offset != 0 && !errors.As(err, &fe):
				t.Errorf("error %v is not a *FormatError", err)
			case tt.offset > 0 && fe.Offset != tt.offset:
				t.Errorf("offset %#x, want %#x (%v)", fe.Offset, tt.offset, err)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not mention %q", err, tt.message)
			}
		})
	}
}

// TestTruncated cuts the file at every byte of its resource section up to the end of the version
// data, and separately shrinks the
// version data entry's Size to every smaller value: each must fail cleanly.
func TestTruncated(t *testing.T) {
	good := peversiontest.Build(spec{Versions: []ver{exchange()}})
	if _, err := read(t, good); err != nil {
		t.Fatalf("intact file: %v", err)
	}
	// The first data entry's Size field follows the RVA; find it via the RVA of the data.
	vd := versionData(t, good)
	rva := uint32(vd - peversiontest.RsrcOffset + peversiontest.RsrcRVA)
	var rvaBytes [4]byte
	binary.LittleEndian.PutUint32(rvaBytes[:], rva)
	sizeField := bytes.Index(good[peversiontest.RsrcOffset:], rvaBytes[:]) + peversiontest.RsrcOffset + 4
	full := int(binary.LittleEndian.Uint32(good[sizeField:]))
	// Everything up to the end of the version data: the tree, the data entries, the data. (The
	// RT_MANIFEST data after it is not needed, so cutting there must not fail.)
	for cut := peversiontest.RsrcOffset; cut < vd+full; cut++ {
		_, err := read(t, good[:cut])
		var fe *peversion.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("cut at %#x: error %v, want a *FormatError", cut, err)
		}
	}
	if _, err := read(t, good[:vd+full]); err != nil {
		t.Errorf("cut right after the version data: %v", err)
	}
	for n := range full {
		_, err := read(t, put32(good, sizeField, uint32(n)))
		var fe *peversion.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("data size %d of %d: error %v, want a *FormatError", n, full, err)
		}
	}
}

// shortReader holds fewer bytes than the size Read is told.
type shortReader struct{ b []byte }

func (s shortReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(s.b)) {
		return 0, io.EOF
	}
	n := copy(p, s.b[off:])
	if n < len(p) {
		return n, io.ErrUnexpectedEOF
	}
	return n, nil
}

func TestOverstatedSize(t *testing.T) {
	good := peversiontest.Build(spec{Versions: []ver{exchange()}})
	for _, cut := range []int{0x100, peversiontest.RsrcOffset + 8, len(good) - 300} {
		if _, err := peversion.Read(shortReader{good[:cut]}, int64(len(good))); err == nil {
			t.Errorf("cut %d: no error", cut)
		}
	}
	if _, err := peversion.Read(bytes.NewReader(good), -1); !errors.Is(err, peversion.ErrNotPE) {
		t.Errorf("negative size: %v", err)
	}
}

func TestStringCaps(t *testing.T) {
	long := strings.Repeat("x", 5000)
	info, err := read(t, peversiontest.Build(spec{Versions: []ver{{Tables: []table{{Key: "040904B0", Strings: []str{{Key: "Comments", Value: long}}}}}}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(info.Strings["Comments"]); got != 4096 {
		t.Errorf("value length %d, want the 4096-unit cap", got)
	}
	_, err = read(t, peversiontest.Build(spec{Versions: []ver{{Tables: []table{{Key: "040904B0", Strings: []str{{Key: strings.Repeat("k", 200), Value: "v"}}}}}}}))
	if err == nil || !strings.Contains(err.Error(), "not NUL-terminated") {
		t.Errorf("over-long key: %v", err)
	}
}
