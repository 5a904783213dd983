package evtxexporttest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParse reads output shaped like evtxexport's: a banner, events with
// EventData (named, unnamed, Binary, a structure), UserData leaves at
// several depths, CR LF inside values and a control character.
func TestParse(t *testing.T) {
	out := "evtxexport 20181227\n\n" +
		`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System>
    <Provider Name="P &amp; Q" Guid="{X}"/>
    <EventID Qualifiers="16384">7045</EventID>
    <Level>4</Level>
    <TimeCreated SystemTime="2021-03-03T04:05:06.123456700Z"/>
    <EventRecordID>12</EventRecordID>
    <Channel>System</Channel>
    <Computer>H</Computer>
  </System>
  <EventData>
    <Data Name="A">line1` + "\r\n\tline2\x01" + `</Data>
    <Data>unnamed</Data>
    <Data Name="E"/>
    <Binary>00FF</Binary>
    <Nested>
      <Inner>x</Inner>
    </Nested>
  </EventData>
</Event>

<Event>
  <System>
    <EventID>1102</EventID>
  </System>
  <UserData>
    <W xmlns="urn:x">
      <A>1</A>
      <B>
        <C>&lt;2&gt;</C>
        <D/>
      </B>
    </W>
  </UserData>
</Event>
`
	got, err := Parse([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{
		{Provider: "P & Q", EventID: 7045, Level: 4, SystemTime: "2021-03-03T04:05:06.123456700Z", EventRecordID: 12,
			Channel: "System", Computer: "H",
			Data: []Field{{"A", "line1\r\n\tline2\\x01"}, {"", "unnamed"}, {"E", ""}, {"Binary", "00FF"}}},
		{EventID: 1102, Data: []Field{{"A", "1"}, {"C", "<2>"}, {"D", ""}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if s := Sanitize("a\x01b\rc"); s != `a\x01b`+"\rc" {
		t.Errorf("Sanitize = %q", s)
	}
	if _, err := Parse([]byte("banner\n<Event><System>")); err == nil {
		t.Error("truncated output parsed without error")
	}
}
