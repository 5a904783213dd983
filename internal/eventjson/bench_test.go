package eventjson

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/exsweep/exsweep/internal/winevent"
)

// benchInput builds n lines of one shape, varied a little per line so nothing is cached.
func benchInput(shape string, n int) []byte {
	var b bytes.Buffer
	for i := range n {
		switch shape {
		case "flat":
			fmt.Fprintf(&b, `{"EventTime":"2021-03-03 04:%02d:33","Hostname":"EX01.corp.example","Keywords":-9223372036854775808,"EventType":"INFO","SeverityValue":2,"Severity":"INFO","EventID":1,"SourceName":"Microsoft-Windows-Sysmon","ProviderGuid":"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}","Version":5,"Task":1,"OpcodeValue":0,"RecordNumber":%d,"ProcessID":2804,"ThreadID":3992,"Channel":"Microsoft-Windows-Sysmon/Operational","Domain":"NT AUTHORITY","AccountName":"SYSTEM","UserID":"S-1-5-18","AccountType":"User","Message":"Process Create:\r\nRuleName: -\r\nUtcTime: 2021-03-03 04:12:33.123\r\nImage: C:\\Windows\\System32\\cmd.exe","Category":"Process Create (rule: ProcessCreate)","Opcode":"Info","RuleName":"-","UtcTime":"2021-03-03 04:12:33.123","ProcessGuid":"{8f2a1c3e-0a11-6040-2c01-000000000600}","ProcessId":"%d","Image":"C:\\Windows\\System32\\cmd.exe","FileVersion":"10.0.17763.1 (WinBuild.160101.0800)","Description":"Windows Command Processor","Product":"Microsoft® Windows® Operating System","Company":"Microsoft Corporation","OriginalFileName":"Cmd.Exe","CommandLine":"cmd /c \"whoami /all > C:\\inetpub\\wwwroot\\aspnet_client\\o%d.txt\"","CurrentDirectory":"c:\\windows\\system32\\inetsrv\\","User":"NT AUTHORITY\\SYSTEM","LogonGuid":"{8f2a1c3e-f00d-603f-e703-000000000000}","LogonId":"0x3e7","TerminalSessionId":"0","IntegrityLevel":"System","Hashes":"SHA256=1234567890ABCDEF1234567890ABCDEF1234567890ABCDEF1234567890ABCDEF","ParentProcessGuid":"{8f2a1c3e-0a0f-6040-1f01-000000000600}","ParentProcessId":"6400","ParentImage":"C:\\Windows\\System32\\inetsrv\\w3wp.exe","ParentCommandLine":"c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"MSExchangeOWAAppPool\" -v \"v4.0\" -c \"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\bin\\GenericAppPoolConfigWithGCServerEnabledFalse.config\" -a \\\\.\\pipe\\iisipm -h \"C:\\inetpub\\temp\\apppools\\MSExchangeOWAAppPool\\MSExchangeOWAAppPool.config\" -w \"\" -m 0","EventReceivedTime":"2021-03-03 04:12:34","SourceModuleName":"in_sysmon","SourceModuleType":"im_msvistalog"}`+"\n", i%60, 880000+i, 7000+i, i)
		case "winlog":
			fmt.Fprintf(&b, `{"@timestamp":"2021-03-03T04:%02d:33.123Z","agent":{"hostname":"EX01","type":"winlogbeat","version":"8.12.0"},"ecs":{"version":"8.0.0"},"event":{"code":"4688","kind":"event","provider":"Microsoft-Windows-Security-Auditing","action":"created-process","outcome":"success"},"host":{"name":"ex01.corp.example"},"log":{"level":"information"},"message":"A new process has been created.","winlog":{"channel":"Security","computer_name":"EX01.corp.example","event_id":"4688","provider_name":"Microsoft-Windows-Security-Auditing","record_id":%d,"event_data":{"SubjectUserSid":"S-1-5-18","SubjectUserName":"EX01$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7","NewProcessId":"0x1cd8","NewProcessName":"C:\\Windows\\System32\\cmd.exe","TokenElevationType":"%%%%1936","ProcessId":"0x1900","CommandLine":"cmd /c whoami","TargetUserSid":"S-1-0-0","MandatoryLabel":"S-1-16-16384","ParentProcessName":"C:\\Windows\\System32\\inetsrv\\w3wp.exe"}}}`+"\n", i%60, 100000+i)
		case "evtx":
			fmt.Fprintf(&b, `{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon","Guid":"5770385F-C22A-43E0-BF4C-06F5698FFBD9"}},"EventID":11,"Version":2,"Level":4,"Task":11,"Opcode":0,"Keywords":"0x8000000000000000","TimeCreated":{"#attributes":{"SystemTime":"2021-03-03T04:%02d:33.123456Z"}},"EventRecordID":%d,"Correlation":null,"Execution":{"#attributes":{"ProcessID":2804,"ThreadID":3992}},"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"EX01.corp.example","Security":{"#attributes":{"UserID":"S-1-5-18"}}},"EventData":{"RuleName":"-","UtcTime":"2021-03-03 04:12:33.120","ProcessGuid":"{8f2a1c3e-0a11-6040-2c01-000000000600}","ProcessId":4,"Image":"System","TargetFilename":"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\x%d.aspx","CreationUtcTime":"2021-03-03 04:12:33.120","User":"NT AUTHORITY\\SYSTEM"}}}`+"\n", i%60, 500000+i, i)
		}
	}
	return b.Bytes()
}

func BenchmarkRead(b *testing.B) {
	for _, shape := range []string{"flat", "winlog", "evtx"} {
		b.Run(shape, func(b *testing.B) {
			in := benchInput(shape, 2000)
			b.SetBytes(int64(len(in)))
			r := bytes.NewReader(nil)
			for b.Loop() {
				r.Reset(in)
				n := 0
				st, probs := Read(context.Background(), r, "bench.json", func(*winevent.Event, int64) { n++ })
				if n != 2000 || st.Events != 2000 || len(probs) != 0 {
					b.Fatalf("%d events, %+v, %v", n, st, probs)
				}
			}
		})
	}
}

// BenchmarkEncodingJSONBaseline is the reference the reader is measured against: one
// encoding/json Decoder per line into a map (no event built, key order lost).
func BenchmarkEncodingJSONBaseline(b *testing.B) {
	in := benchInput("flat", 2000)
	lines := bytes.Split(bytes.TrimSuffix(in, []byte("\n")), []byte("\n"))
	b.SetBytes(int64(len(in)))
	r := bytes.NewReader(nil)
	for b.Loop() {
		for _, l := range lines {
			r.Reset(l)
			var m map[string]any
			if err := json.NewDecoder(r).Decode(&m); err != nil {
				b.Fatal(err)
			}
		}
	}
}
