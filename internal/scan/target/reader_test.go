package target_test

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/exsweep/exsweep/internal/scan/target"
)

// collect drains a stream into target keys and error messages.
func collect(seq func(func(target.Target, error) bool)) (keys, errs []string) {
	for tg, err := range seq {
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		keys = append(keys, tg.Key())
	}
	return keys, errs
}

func TestReader(t *testing.T) {
	list := "\uFEFF# targets from the CERT\r\n" +
		"mail.example.org\r\n" +
		"\r\n" +
		"   # indented comment\r\n" +
		"10.0.0.1, 10.0.0.2 ,10.0.0.3\t10.0.0.4\r\n" +
		"10.0.0.0/33\r\n" +
		"bad_name.example.org 10.0.0.5 # trailing comment 10.0.0.6\r\n" +
		"https://owa.example.org/owa/#frag\n" +
		"a\x00b\n" +
		strings.Repeat("x", target.MaxLineLen+1) + "\n" +
		strings.Repeat("y", target.MaxLineLen+5000) + "\n" +
		"::/126,,,\n" +
		"10.0.0.8" // no final newline
	r := target.NewReader(strings.NewReader(list), "targets.txt", target.Options{})
	keys, errs := collect(r.All())
	wantKeys := []string{
		"https://mail.example.org:443",
		"https://10.0.0.1:443", "https://10.0.0.2:443", "https://10.0.0.3:443", "https://10.0.0.4:443",
		"https://10.0.0.5:443",
		"https://owa.example.org:443",
		"https://[::1]:443", "https://[::2]:443", "https://[::3]:443", // :: is never scanned
		"https://10.0.0.8:443",
	}
	wantErrs := []string{
		`targets.txt:6: "10.0.0.0/33": prefix length 33 out of range for IPv4`,
		`targets.txt:7: "bad_name.example.org": invalid character '_' in host name`,
		`targets.txt:9: NUL byte in line (binary file?)`,
		`targets.txt:10: line longer than 4096 bytes`,
		`targets.txt:11: line longer than 4096 bytes`,
	}
	if !slices.Equal(keys, wantKeys) {
		t.Errorf("targets\n got %q\nwant %q", keys, wantKeys)
	}
	if !slices.Equal(errs, wantErrs) {
		t.Errorf("errors\n got %q\nwant %q", errs, wantErrs)
	}
	if r.Excluded() != 1 {
		t.Errorf("Excluded = %d, want 1 (::)", r.Excluded())
	}
	n, err := target.Count(strings.NewReader(list), target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n != uint64(len(keys))+r.Excluded() {
		t.Errorf("Count = %d, want %d yielded + %d excluded", n, len(keys), r.Excluded())
	}
}

func TestReaderLineError(t *testing.T) {
	r := target.NewReader(strings.NewReader("10.0.0.1\n\n10.0.0.1 999 10.0.0.2\n"), "list", target.Options{})
	var lerr *target.LineError
	var keys []string
	for tg, err := range r.All() {
		if err != nil {
			if !errors.As(err, &lerr) {
				t.Fatalf("not a *LineError: %v", err)
			}
			continue
		}
		keys = append(keys, tg.Key())
	}
	if lerr == nil || lerr.Name != "list" || lerr.Line != 3 || lerr.Token != "999" || lerr.Err == nil {
		t.Fatalf("LineError = %+v", lerr)
	}
	if want := `list:3: "999": not an IP address or host name (a host name needs a letter)`; lerr.Error() != want {
		t.Errorf("Error() = %q, want %q", lerr.Error(), want)
	}
	if !slices.Equal(keys, []string{"https://10.0.0.1:443", "https://10.0.0.2:443"}) {
		t.Errorf("keys %q", keys)
	}
}

func TestReaderDedupe(t *testing.T) {
	list := strings.Join([]string{
		"mail.example.org",
		"MAIL.example.org.",         // same name
		"https://mail.example.org/", // same Key
		"http://mail.example.org",   // different scheme and port: another target
		"mail.example.org:443",      // same Key
		"10.0.0.1 ::ffff:10.0.0.1",  // mapped form is the same address
		"10.0.0.1/32",               // a one-address range is a single target
		"10.0.0.1-1",                // so is this
		"10.0.0.0/31 10.0.0.0/31",   // ranges are not deduplicated
		"2001:db8::1 [2001:db8::1]:443 https://[2001:DB8::1]",
	}, "\n")
	r := target.NewReader(strings.NewReader(list), "t", target.Options{})
	keys, errs := collect(r.All())
	want := []string{
		"https://mail.example.org:443",
		"http://mail.example.org:80",
		"https://10.0.0.1:443",
		"https://10.0.0.0:443", "https://10.0.0.1:443",
		"https://10.0.0.0:443", "https://10.0.0.1:443",
		"https://[2001:db8::1]:443",
	}
	if len(errs) != 0 {
		t.Errorf("errors %q", errs)
	}
	if !slices.Equal(keys, want) {
		t.Errorf("targets\n got %q\nwant %q", keys, want)
	}
	n, err := target.Count(strings.NewReader(list), target.Options{})
	if err != nil || n != uint64(len(want)) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(want))
	}
}

func TestReaderPortsAndExclusions(t *testing.T) {
	ex, err := target.ParseExclusions([]string{"192.0.2.0/30", "192.0.2.9"})
	if err != nil {
		t.Fatal(err)
	}
	opt := target.Options{Ports: []uint16{443, 80}, Exclude: ex}
	list := "192.0.2.0/29\n192.0.2.9\n192.0.2.9\nmail.example.org\n192.0.2.10:8443\n"
	r := target.NewReader(strings.NewReader(list), "t", opt)
	keys, errs := collect(r.All())
	want := []string{
		"https://192.0.2.4:443", "http://192.0.2.4:80",
		"https://192.0.2.5:443", "http://192.0.2.5:80",
		"https://192.0.2.6:443", "http://192.0.2.6:80",
		"https://192.0.2.7:443", "http://192.0.2.7:80",
		"https://mail.example.org:443", "http://mail.example.org:80",
		"https://192.0.2.10:8443",
	}
	if len(errs) != 0 || !slices.Equal(keys, want) {
		t.Errorf("targets\n got %q\nwant %q\nerrors %q", keys, want, errs)
	}
	// 4 addresses x 2 ports of the /29, and 192.0.2.9 on 2 ports once (the repeat is a duplicate).
	if r.Excluded() != 10 {
		t.Errorf("Excluded = %d, want 10", r.Excluded())
	}
	n, err := target.Count(strings.NewReader(list), opt)
	if err != nil {
		t.Fatal(err)
	}
	if n != uint64(len(keys))+r.Excluded() {
		t.Errorf("Count = %d, want %d + %d", n, len(keys), r.Excluded())
	}
}

func TestReaderStopsEarly(t *testing.T) {
	r := target.NewReader(strings.NewReader("10.0.0.0/8\n10.0.0.1\n"), "t", target.Options{})
	n := 0
	for _, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	for tg, err := range target.FromArgs([]string{"bad_", "10.0.0.0/16"}, target.Options{}) {
		if err == nil {
			t.Fatalf("first is not the error: %v", tg)
		}
		break
	}
}

func TestReaderIOError(t *testing.T) {
	boom := errors.New("boom")
	in := io.MultiReader(strings.NewReader("10.0.0.1\n10.0.0.2\n10.0.0.12"), iotest.ErrReader(boom))
	keys, errs := collect(target.NewReader(in, "t", target.Options{}).All())
	// The cut-off last line ("10.0.0.12" might have been longer) is not scanned.
	if !slices.Equal(keys, []string{"https://10.0.0.1:443", "https://10.0.0.2:443"}) {
		t.Errorf("keys %q", keys)
	}
	if !slices.Equal(errs, []string{"t: boom"}) {
		t.Errorf("errors %q", errs)
	}
	_, err := target.Count(io.MultiReader(strings.NewReader("10.0.0.1\n"), iotest.ErrReader(boom)), target.Options{})
	if !errors.Is(err, boom) {
		t.Errorf("Count error = %v", err)
	}
	// An I/O error inside an over-long line too.
	in = io.MultiReader(strings.NewReader(strings.Repeat("z", 3*target.MaxLineLen)), iotest.ErrReader(boom))
	_, errs = collect(target.NewReader(in, "t", target.Options{}).All())
	if !slices.Equal(errs, []string{"t: boom"}) {
		t.Errorf("errors %q", errs)
	}
}

// Reading one byte at a time exercises the line reader's buffer refills.
func TestReaderOneByteReads(t *testing.T) {
	list := "a.example.org\r\n" + strings.Repeat("q", target.MaxLineLen) + "\r\n" + strings.Repeat("q", target.MaxLineLen+1) + "\r\nb.example.org"
	keys, errs := collect(target.NewReader(iotest.OneByteReader(strings.NewReader(list)), "t", target.Options{}).All())
	if !slices.Equal(keys, []string{"https://a.example.org:443", "https://b.example.org:443"}) {
		t.Errorf("keys %q", keys)
	}
	// A line of exactly MaxLineLen bytes is read (and is a bad token: a 4096-character label);
	// one byte more is a line error.
	if len(errs) != 2 || !strings.HasPrefix(errs[0], `t:2: "qqqq`) || errs[1] != "t:3: line longer than 4096 bytes" {
		t.Errorf("errors %q", errs)
	}
}

func TestFromArgs(t *testing.T) {
	keys, errs := collect(target.FromArgs([]string{
		"mail.example.org",
		"10.0.0.1,10.0.0.2",
		"10.0.0.0/33",
		"mail.example.org",
		"",
		"https://10.0.0.1:443",
	}, target.Options{}))
	if !slices.Equal(keys, []string{"https://mail.example.org:443", "https://10.0.0.1:443", "https://10.0.0.2:443"}) {
		t.Errorf("keys %q", keys)
	}
	if !slices.Equal(errs, []string{`argument:3: "10.0.0.0/33": prefix length 33 out of range for IPv4`}) {
		t.Errorf("errors %q", errs)
	}
	r := target.NewArgsReader([]string{"0.0.0.0/30", "192.0.2.1"}, target.Options{})
	keys, _ = collect(r.All())
	if len(keys) != 1 || r.Excluded() != 4 {
		t.Errorf("keys %q, Excluded %d", keys, r.Excluded())
	}
}

func TestCount(t *testing.T) {
	list := "10.0.0.0/8\nbad_\n2001:db8::/104\nmail.example.org\nmail.example.org\n10.0.0.1:8443\n"
	n, err := target.Count(strings.NewReader(list), target.Options{Ports: []uint16{443, 80}})
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(2<<24 + 2<<24 + 2 + 1); n != want {
		t.Errorf("Count = %d, want %d", n, want)
	}
	n, err = target.Count(strings.NewReader(strings.Repeat("0.0.0.0/0\n", 5000)), target.Options{Ports: []uint16{1, 2, 3, 4}})
	if err != nil || n != 5000*4<<32 {
		t.Errorf("Count = %d, %v", n, err)
	}
	n, err = target.Count(strings.NewReader(strings.Repeat("::/1\n", 3)), target.Options{MaxV6Prefix: 1})
	if err != nil || n != 1<<64-1 {
		t.Errorf("Count = %d, %v; want saturation", n, err)
	}
}

// 400,000 names, the size of the 2021 exposed population: a list this size must stream in
// well under a second.
func BenchmarkReaderNames(b *testing.B) {
	var sb strings.Builder
	for i := range 400000 {
		fmt.Fprintf(&sb, "mail%d.example.org\n", i)
	}
	list := sb.String()
	b.SetBytes(int64(len(list)))
	for b.Loop() {
		n := 0
		for _, err := range target.NewReader(strings.NewReader(list), "t", target.Options{}).All() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 400000 {
			b.Fatal(n)
		}
	}
}

func BenchmarkWalkSlash16(b *testing.B) {
	ex, err := target.ParseExclusions([]string{"10.1.128.0/17", "10.1.0.7"})
	if err != nil {
		b.Fatal(err)
	}
	s, err := target.Parse("10.1.0.0/16", target.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		for range s.All(target.Options{Exclude: ex}) {
			n++
		}
		if n != 32767 {
			b.Fatal(n)
		}
	}
}
