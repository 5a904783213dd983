package logscan

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func parseCorpus(b []byte) ([]byte, uint16, bool, string, bool) {
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 {
		return nil, 0, false, "", false
	}
	uq := func(s, pre string) string {
		s = strings.TrimSuffix(strings.TrimPrefix(s, pre+"("), ")")
		return s
	}
	d, err := strconv.Unquote(uq(lines[1], "[]byte"))
	if err != nil {
		return nil, 0, false, "", false
	}
	c, _ := strconv.Atoi(uq(lines[2], "uint16"))
	w := uq(lines[3], "bool") == "true"
	l, _ := strconv.Unquote(uq(lines[4], "string"))
	return []byte(d), uint16(c), w, l, true
}

func TestDbgHang(t *testing.T) {
	dir := os.Getenv("CORPUS")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	r := rand.New(rand.NewPCG(1, 1))
	var cur string
	done := make(chan bool)
	go func() {
		last := ""
		for {
			select {
			case <-done:
				return
			case <-time.After(3 * time.Second):
			}
			if cur == last {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				os.WriteFile("/tmp/hang.txt", []byte(cur+"\n\n"+string(buf[:n])), 0o644)
				os.Exit(3)
			}
			last = cur
		}
	}()
	for iter := 0; iter < 200000; iter++ {
		b, _ := os.ReadFile(files[r.IntN(len(files))])
		data, c, w, l, ok := parseCorpus(b)
		if !ok {
			continue
		}
		for k := r.IntN(8); k > 0 && len(data) > 0; k-- {
			switch r.IntN(3) {
			case 0:
				data[r.IntN(len(data))] = byte(r.IntN(256))
			case 1:
				i := r.IntN(len(data))
				data = append(data[:i:i], append([]byte(strings.Repeat(string(rune(r.IntN(128))), r.IntN(40))), data[i:]...)...)
			case 2:
				c = uint16(r.IntN(1 << 16))
			}
		}
		cur = strconv.Quote(string(data)) + " " + strconv.Itoa(int(c)) + " " + strconv.FormatBool(w) + " " + strconv.Quote(l) + " iter " + strconv.Itoa(iter)
		fuzzScanOne(t, data, c, w, l)
	}
	close(done)
}
