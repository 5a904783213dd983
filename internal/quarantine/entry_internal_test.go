package quarantine

import (
	"strings"
	"testing"
	"time"
)

// TestStampSpellsAnyTime: time-stomped file times outside RFC 3339's years still encode and
// come back exactly (encoding/json alone would refuse them and block the quarantine).
func TestStampSpellsAnyTime(t *testing.T) {
	tests := []struct {
		t     time.Time
		spell string
	}{
		{time.Date(2021, 3, 3, 4, 5, 6, 123456789, time.UTC), `"2021-03-03T04:05:06.123456789Z"`},
		{time.Date(2021, 3, 3, 4, 5, 6, 0, time.FixedZone("x", 3600)), `"2021-03-03T03:05:06Z"`},
		{time.Date(12000, 1, 1, 0, 0, 0, 5, time.UTC), `"unix:316516204800.000000005"`},
		{time.Date(-300, 1, 1, 0, 0, 0, 0, time.UTC), `"unix:-71634240000.000000000"`},
		{time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), `"1601-01-01T00:00:00Z"`},
	}
	for _, tt := range tests {
		b, err := Stamp{tt.t}.MarshalJSON()
		if err != nil || string(b) != tt.spell {
			t.Errorf("%v: %s %v, want %s", tt.t, b, err, tt.spell)
			continue
		}
		var back Stamp
		if err := back.UnmarshalJSON(b); err != nil || !back.Equal(tt.t) {
			t.Errorf("%s: back %v %v", b, back.Time, err)
		}
	}
	for _, bad := range []string{`"unix:1"`, `"unix:1.5"`, `"unix:x.000000000"`, `"yesterday"`, `5`, `"unix:1.-00000001"`} {
		var s Stamp
		if err := s.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s accepted as %v", bad, s.Time)
		}
	}
}

// TestEntryWithStompedTimesRoundTrips: a whole entry with such times encodes, decodes and
// keeps its hash.
func TestEntryWithStompedTimesRoundTrips(t *testing.T) {
	e := Entry{Seq: 1, Kind: KindQuarantined, ID: "q-0123456789ab", Time: Stamp{time.Now()}, Root: "/r", Path: "a\nb.aspx",
		Modified: Stamp{time.Date(30000, 1, 1, 0, 0, 0, 0, time.UTC)}, SHA256: strings.Repeat("a", 64),
		MD5: strings.Repeat("b", 32), SHA1: strings.Repeat("c", 40), Object: objectName(strings.Repeat("a", 64))}
	line, hash, err := encodeEntry(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeEntry(line)
	if err != nil || got.Hash != hash || !got.Modified.Equal(e.Modified.Time) || got.Path != e.Path {
		t.Fatalf("%+v %v", got, err)
	}
	if err := newChain().check(got); err != nil {
		t.Fatal(err)
	}
}

func TestIsTornStart(t *testing.T) {
	tests := []struct {
		b    string
		seq  int64
		want bool
	}{
		{`{`, 5, true},
		{`{"seq":5`, 5, true},
		{`{"seq":5,"kind":"removed","id":"q-`, 5, true},
		{`{"seq":6,"kind":"`, 5, false},
		{`{"seq":50,"kind":"`, 5, false},
		{`garbage`, 5, false},
		{`{"seq":5}`, 5, false},
	}
	for _, tt := range tests {
		if got := isTornStart([]byte(tt.b), tt.seq); got != tt.want {
			t.Errorf("isTornStart(%q, %d) = %v", tt.b, tt.seq, got)
		}
	}
}
