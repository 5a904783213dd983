//go:build windows

package quarantine

import (
	"errors"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	kernel32         = windows.NewLazySystemDLL("kernel32.dll")
	procFindFirstStr = kernel32.NewProc("FindFirstStreamW")
	procFindNextStr  = kernel32.NewProc("FindNextStreamW")
)

// win32FindStreamData is WIN32_FIND_STREAM_DATA: the stream's size and its name
// (MAX_PATH + 36 UTF-16 units), such as "::$DATA" or ":Zone.Identifier:$DATA".
type win32FindStreamData struct {
	size int64
	name [260 + 36]uint16
}

// maxStreams bounds the listing: a file with thousands of streams is refused all the same.
const maxStreams = 64

// extraStreams lists the named data streams of the file at path, beside its main one.
func extraStreams(path string) ([]string, error) {
	p, err := windows.UTF16PtrFromString(`\\?\` + path)
	if err != nil {
		return nil, err
	}
	var d win32FindStreamData
	h, _, e := procFindFirstStr.Call(uintptr(unsafe.Pointer(p)), 0, uintptr(unsafe.Pointer(&d)), 0)
	if windows.Handle(h) == windows.InvalidHandle {
		if errors.Is(e, windows.ERROR_HANDLE_EOF) {
			return nil, nil // no stream at all
		}
		return nil, e
	}
	defer windows.FindClose(windows.Handle(h))
	var names []string
	for i := 0; i < maxStreams; i++ {
		if name := windows.UTF16ToString(d.name[:]); name != "::$DATA" {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(name, ":"), ":$DATA"))
		}
		if r, _, _ := procFindNextStr.Call(h, uintptr(unsafe.Pointer(&d))); r == 0 {
			break
		}
	}
	return names, nil
}
