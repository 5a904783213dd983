package minidumptest

import (
	"encoding/binary"
	"testing"
)

// TestLayout checks the documented layout: header fields, directory entries pointing where
// Layout says, 4-byte alignment, names where the modules say. Reading the whole dump back is
// tested in package minidump.
func TestLayout(t *testing.T) {
	le := binary.LittleEndian
	for _, spec := range []Spec{LSASS(), W3WP(), {}, {Modules: []string{"a"}, NoModuleList: true, PID: 1}} {
		b, lay := BuildLayout(spec)
		if string(b[:4]) != "MDMP" || le.Uint32(b[4:])&0xffff != 0xa793 {
			t.Fatalf("header %q", b[:8])
		}
		if int(le.Uint32(b[8:])) != lay.Streams || le.Uint32(b[12:]) != lay.DirectoryRVA {
			t.Fatalf("streams %d at %#x, layout %+v", le.Uint32(b[8:]), le.Uint32(b[12:]), lay)
		}
		want := map[uint32]uint32{
			StreamSystemInfo: lay.SystemInfoRVA, StreamMiscInfo: lay.MiscInfoRVA,
			StreamModuleList: lay.ModuleListRVA, StreamMemory64List: lay.Memory64ListRVA,
		}
		for i := range lay.Streams {
			e := b[HeaderSize+DirectoryEntrySize*i:]
			typ, size, rva := le.Uint32(e), le.Uint32(e[4:]), le.Uint32(e[8:])
			if want[typ] != rva || rva%4 != 0 || int(rva)+int(size) > len(b) {
				t.Errorf("stream %d type %d at %#x+%d, layout %+v", i, typ, rva, size, lay)
			}
		}
		if spec.NoModuleList != (lay.ModuleListRVA == 0) || (spec.PID != 0) != (lay.MiscInfoRVA != 0) {
			t.Errorf("streams written do not follow the spec: %+v", lay)
		}
		for k, rva := range lay.ModuleNameRVAs {
			if got := le.Uint32(b[int(lay.ModuleListRVA)+4+k*ModuleSize+ModuleNameRVAOff:]); got != rva || rva%4 != 0 {
				t.Errorf("module %d name rva %#x, layout %#x", k, got, rva)
			}
			if n := le.Uint32(b[rva:]); int(n) != 2*len([]rune(spec.Modules[k])) {
				t.Errorf("module %d name length %d", k, n)
			}
		}
	}
}
