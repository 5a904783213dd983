package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const truthJSON = `{"generator":"exsweep-loggen","seed":1,"chains":[
 {"id":1,"kind":"proxylogon-full","client_ip":"198.51.100.7","expected_verdict":"COMPROMISED",
  "rows":[{"file":"Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Ecp/HttpProxy_2021021710-1.LOG","line":1234}]},
 {"id":2,"kind":"proxylogon-attempt","client_ip":"203.0.113.9","expected_verdict":"ATTEMPTED","rows":[]},
 {"id":3,"kind":"probe","client_ip":"2001:db8:1::5","expected_verdict":"PROBED","rows":[]},
 {"id":4,"kind":"oab-write","client_ip":"192.0.2.44","expected_verdict":"COMPROMISED",
  "rows":[{"file":"Program Files/Microsoft/Exchange Server/V15/Logging/OABGeneratorLog/OABGenerator2021021807-1.LOG","line":77},
          {"file":"inetpub/logs/LogFiles/W3SVC1/u_ex210218.log","line":9000}]}
]}`

func mustTruth(t *testing.T) *truth {
	t.Helper()
	var tr truth
	if err := json.Unmarshal([]byte(truthJSON), &tr); err != nil {
		t.Fatal(err)
	}
	return &tr
}

func TestCheck(t *testing.T) {
	type inc = string // JSON of one incident
	all := []inc{
		`{"id":1,"verdict":"COMPROMISED","client_ips":["198.51.100.7"]}`,
		`{"id":2,"verdict":"ATTEMPTED","client_ips":["203.0.113.9"]}`,
		`{"id":3,"verdict":"PROBED","client_ips":["2001:0db8:0001::0005"]}`,
		`{"id":4,"verdict":"COMPROMISED","client_ips":["192.0.2.44"]}`,
	}
	tests := []struct {
		name      string
		incidents []inc
		found     int
		false_    int
		missIDs   []int
		merged    int
	}{
		{"all found", all, 4, 0, nil, 0},
		{"nothing reported", nil, 0, 0, []int{1, 2, 3, 4}, 0},
		{"graver verdict is fine", []inc{
			`{"id":1,"verdict":"COMPROMISED","client_ips":["198.51.100.7"]}`,
			`{"id":2,"verdict":"COMPROMISED","client_ips":["203.0.113.9"]}`,
			`{"id":3,"verdict":"ATTEMPTED","client_ips":["2001:db8:1::5"]}`,
			`{"id":4,"verdict":"compromised","client_ips":["192.0.2.44"]}`,
		}, 4, 0, nil, 0},
		{"too mild a verdict is a miss", []inc{
			`{"id":1,"verdict":"ATTEMPTED","client_ips":["198.51.100.7"]}`,
			all[1], all[2], all[3],
		}, 3, 0, []int{1}, 0},
		{"the best of several incidents counts", append([]inc{
			`{"id":9,"verdict":"PROBED","client_ips":["198.51.100.7"]}`}, all...), 4, 0, nil, 0},
		{"false incident", append([]inc{
			`{"id":7,"verdict":"ATTEMPTED","client_ips":["10.20.1.2"],"summary":"health probe"}`}, all...), 4, 1, nil, 0},
		{"incident without addresses and no matching evidence is false", append([]inc{
			`{"id":7,"verdict":"COMPROMISED","client_ips":[],"evidence":["C:\\logs\\x.LOG:5"]}`}, all...), 4, 1, nil, 0},
		{"evidence row finds a chain without its address", []inc{all[0], all[1], all[2],
			`{"id":8,"verdict":"COMPROMISED","client_ips":[],"evidence":["/mnt/img/program files/microsoft/exchange server/v15/Logging/OABGeneratorLog/OABGenerator2021021807-1.LOG:77"]}`,
		}, 4, 0, nil, 0},
		{"windows evidence path", []inc{all[0], all[1], all[2],
			`{"id":8,"verdict":"COMPROMISED","evidence":["E:\\case\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex210218.log:9000"]}`,
		}, 4, 0, nil, 0},
		{"evidence at another line does not count", []inc{all[0], all[1], all[2],
			`{"id":8,"verdict":"COMPROMISED","evidence":["inetpub/logs/LogFiles/W3SVC1/u_ex210218.log:9001"]}`,
		}, 3, 1, []int{4}, 0},
		{"one incident for two chains", []inc{
			`{"id":1,"verdict":"COMPROMISED","client_ips":["198.51.100.7","192.0.2.44"]}`, all[1], all[2],
		}, 4, 0, nil, 1},
		{"mapped IPv4 and numeric verdict", []inc{all[0], all[1], all[2],
			`{"id":4,"verdict":3,"client_ips":["::ffff:192.0.2.44"]}`,
		}, 4, 0, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			js := `{"hosts":[{"host":"EX01","verdict":"COMPROMISED","incidents":[` + strings.Join(tc.incidents, ",") + `]}]}`
			var r report
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				t.Fatal(err)
			}
			res, err := check(mustTruth(t), &r)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 4 || res.Found != tc.found || len(res.False) != tc.false_ || len(res.Merged) != tc.merged {
				t.Fatalf("got total %d found %d false %d merged %d, want 4 %d %d %d\n%s", res.Total, res.Found, len(res.False), len(res.Merged), tc.found, tc.false_, tc.merged, res)
			}
			var ids []int
			for _, m := range res.Misses {
				ids = append(ids, m.ID)
			}
			if len(ids) != len(tc.missIDs) {
				t.Fatalf("misses %v, want %v", ids, tc.missIDs)
			}
			for i := range ids {
				if ids[i] != tc.missIDs[i] {
					t.Fatalf("misses %v, want %v", ids, tc.missIDs)
				}
			}
			if res.ok() != (tc.false_ == 0 && len(tc.missIDs) == 0) {
				t.Fatalf("ok() = %v", res.ok())
			}
			if !strings.HasPrefix(res.String(), "chains found: ") {
				t.Fatalf("summary %q", res.String())
			}
		})
	}
}

func TestVerdictJSON(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want verdict
		err  bool
	}{
		{`"CLEAN"`, vClean, false}, {`"probed"`, vProbed, false}, {`"Attempted"`, vAttempted, false},
		{`"COMPROMISED"`, vCompromised, false}, {`2`, vAttempted, false}, {`"HACKED"`, 0, true}, {`7`, 0, true},
	} {
		var v verdict
		err := json.Unmarshal([]byte(tc.in), &v)
		if (err != nil) != tc.err || (!tc.err && v != tc.want) {
			t.Errorf("%s: got %v, %v", tc.in, v, err)
		}
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	tp := filepath.Join(dir, "ground-truth.json")
	if err := os.WriteFile(tp, []byte(truthJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	good := `{"hosts":[{"verdict":"COMPROMISED","incidents":[` +
		`{"id":1,"verdict":"COMPROMISED","client_ips":["198.51.100.7"]},{"id":2,"verdict":"ATTEMPTED","client_ips":["203.0.113.9"]},` +
		`{"id":3,"verdict":"PROBED","client_ips":["2001:db8:1::5"]},{"id":4,"verdict":"COMPROMISED","client_ips":["192.0.2.44"]}]}]}`
	bad := `{"hosts":[{"verdict":"COMPROMISED","incidents":[{"id":1,"verdict":"COMPROMISED","client_ips":["10.1.1.1"]}]}]}`
	for _, tc := range []struct {
		report string
		args   func(rp string) []string
		code   int
	}{
		{good, func(rp string) []string { return []string{"-truth", tp, "-report", rp} }, 0},
		{good, func(rp string) []string { return []string{dir, rp} }, 0},
		{bad, func(rp string) []string { return []string{"-truth", tp, "-report", rp} }, 1},
		{`{not json`, func(rp string) []string { return []string{tp, rp} }, 2},
		{good, func(rp string) []string { return []string{tp} }, 2},
	} {
		rp := filepath.Join(dir, "report.json")
		if err := os.WriteFile(rp, []byte(tc.report), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _ := run(tc.args(rp))
		if code != tc.code {
			t.Errorf("args %v: exit %d, want %d", tc.args(rp), code, tc.code)
		}
	}
}
