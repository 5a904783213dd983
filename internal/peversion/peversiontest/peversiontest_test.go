package peversiontest_test

import (
	"bytes"
	"debug/pe"
	"testing"

	"github.com/exsweep/exsweep/internal/peversion/peversiontest"
)

// TestBuildOpensWithDebugPE checks Build's output against an independent reader, debug/pe: the
// headers, both sections and the resource data directory must be where the layout says.
func TestBuildOpensWithDebugPE(t *testing.T) {
	for _, s := range []peversiontest.Spec{
		{},
		{Versions: []peversiontest.Version{{FileVersion: [4]uint16{15, 2, 986, 5}, Tables: []peversiontest.Table{{Key: "040904B0", Strings: []peversiontest.String{{Key: "ProductName", Value: "x"}}}}}}},
		{Versions: []peversiontest.Version{{Lang: 0x407}, {Lang: 0x409}, {Lang: 0x40C}}},
	} {
		b := peversiontest.Build(s)
		f, err := pe.NewFile(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("debug/pe: %v", err)
		}
		oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
		if !ok || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
			t.Fatalf("not a PE32+ AMD64 image: %T, machine %#x", f.OptionalHeader, f.Machine)
		}
		rs := f.Section(".rsrc")
		if rs == nil || rs.Offset != peversiontest.RsrcOffset || rs.VirtualAddress != peversiontest.RsrcRVA {
			t.Fatalf(".rsrc section %+v", rs)
		}
		dd := oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		if dd.VirtualAddress != peversiontest.RsrcRVA || dd.Size != rs.VirtualSize || dd.Size > rs.Size {
			t.Errorf("resource directory %+v, section virtual size %d raw %d", dd, rs.VirtualSize, rs.Size)
		}
		data, err := rs.Data()
		if err != nil || int64(len(b)) != int64(rs.Offset)+int64(rs.Size) || len(data) != int(rs.Size) {
			t.Errorf("section data: %d bytes, %v; file %d bytes", len(data), err, len(b))
		}
		if f.Section(".text") == nil {
			t.Error("no .text section")
		}
	}
}

// TestBlock checks the block header fields and the alignment of the value.
func TestBlock(t *testing.T) {
	b := peversiontest.Block("Ab", 1, []byte{1, 2, 3, 4}, 2, [][]byte{peversiontest.Block("C", 0, nil, 0, nil)})
	// header 6 + "Ab\0" 6 = 12 (aligned), value 4 -> 16, child: 6 + "C\0" 4 = 10.
	want := []byte{26, 0, 2, 0, 1, 0, 'A', 0, 'b', 0, 0, 0, 1, 2, 3, 4, 10, 0, 0, 0, 0, 0, 'C', 0, 0, 0}
	if !bytes.Equal(b, want) {
		t.Errorf("Block = %v\nwant    %v", b, want)
	}
}
