package scan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/exsweep/exsweep/internal/finding"
)

// maxRecord bounds one line of a scan's own output (a host record is a few KB).
const maxRecord = 4 << 20

// Finished reads a scan's own JSON-lines output, as an interrupted scan left it, and returns the
// targets it finished and the length of its complete lines: a last line cut short by a kill is
// not a finished host, and the caller truncates the file there before appending. A complete line
// that is not a host record is an error naming its line: the file is not what --resume expects.
// Each finished record is passed to each (when not nil), so the caller can count it in the new
// scan's summary and exit code.
func Finished(r io.Reader, name string, each func(*finding.ScanHost)) (done map[string]bool, good int64, err error) {
	done = map[string]bool{}
	br := bufio.NewReaderSize(r, 64<<10)
	line := 0
	for {
		b, rerr := br.ReadSlice('\n')
		if rerr == bufio.ErrBufferFull {
			// A long line: gather it, within the bound.
			buf := append([]byte(nil), b...)
			for rerr == bufio.ErrBufferFull && len(buf) <= maxRecord {
				b, rerr = br.ReadSlice('\n')
				buf = append(buf, b...)
			}
			if len(buf) > maxRecord {
				return nil, 0, fmt.Errorf("%s:%d: a line over %d bytes: not exsweep scan output", name, line+1, maxRecord)
			}
			b = buf
		}
		if rerr == io.EOF {
			return done, good, nil // b (possibly empty) is an unfinished last line: dropped
		}
		if rerr != nil {
			return nil, 0, fmt.Errorf("%s: %w", name, rerr)
		}
		line++
		trimmed := bytes.TrimSpace(b)
		if len(trimmed) > 0 {
			var h finding.ScanHost
			if err := json.Unmarshal(trimmed, &h); err != nil || h.Target == "" || h.Status == "" {
				return nil, 0, fmt.Errorf("%s:%d: not an exsweep scan host record (--resume reads the JSON lines a scan wrote)", name, line)
			}
			if h.Schema != finding.ScanSchema {
				return nil, 0, fmt.Errorf("%s:%d: scan record schema %d, this exsweep writes %d", name, line, h.Schema, finding.ScanSchema)
			}
			done[h.Target] = true
			if each != nil {
				each(&h)
			}
		}
		good += int64(len(b))
	}
}
