package eventjson

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exsweep/exsweep/internal/winevent"
)

// got is one event Read passed to visit, copied (Read reuses the event).
type got struct {
	Line int64
	Ev   winevent.Event
}

func readAll(t testing.TB, in string) ([]got, Stats, []Problem) {
	t.Helper()
	var out []got
	st, probs := Read(context.Background(), strings.NewReader(in), "t.json", func(ev *winevent.Event, line int64) {
		e := *ev
		e.Data = slices.Clone(ev.Data)
		out = append(out, got{line, e})
	})
	return out, st, probs
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func fields(kv ...string) []winevent.Field {
	var out []winevent.Field
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, winevent.Field{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

// The events below are written for these tests: a web shell under the OWA application pool runs
// whoami (Sysmon 1, Security 4688), ProxyShell-style cmdlets land in MSExchange Management, a
// shell page appears (Sysmon 11) and the Security log is cleared (1102). Each shape spells them
// the way its exporter does.
func TestShapes(t *testing.T) {
	const w3wp = `c:\windows\system32\inetsrv\w3wp.exe -ap "MSExchangeOWAAppPool" -v "v4.0" -a \\.\pipe\iisipm5e1d`
	tests := []struct {
		name string
		in   string
		want winevent.Event
	}{
		{
			name: "flat NXLog Sysmon 1 from w3wp",
			in: `{"EventTime":"2021-03-03 04:12:33","Hostname":"EX01.corp.example","Keywords":-9223372036854775808,"EventType":"INFO","SeverityValue":2,"EventID":1,` +
				`"SourceName":"Microsoft-Windows-Sysmon","RecordNumber":881223,"ProcessID":2804,"Channel":"Microsoft-Windows-Sysmon/Operational",` +
				`"Message":"Process Create:\r\nImage: C:\\Windows\\System32\\cmd.exe","UtcTime":"2021-03-03 04:12:33.120","ProcessId":"7384",` +
				`"Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd /c \"whoami /all\"","User":"NT AUTHORITY\\SYSTEM",` +
				`"ParentImage":"C:\\Windows\\System32\\inetsrv\\w3wp.exe","ParentCommandLine":"c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"MSExchangeOWAAppPool\" -v \"v4.0\" -a \\\\.\\pipe\\iisipm5e1d",` +
				`"EventReceivedTime":"2021-03-03 04:12:34","SourceModuleName":"in_sysmon"}`,
			want: winevent.Event{
				Channel: "Microsoft-Windows-Sysmon/Operational", Provider: "Microsoft-Windows-Sysmon", Computer: "EX01.corp.example",
				EventID: 1, RecordID: 881223, Time: ts("2021-03-03T04:12:33Z"),
				Message: "Process Create:\r\nImage: C:\\Windows\\System32\\cmd.exe",
				Data: fields("Keywords", "-9223372036854775808", "EventType", "INFO", "SeverityValue", "2", "ProcessID", "2804",
					"UtcTime", "2021-03-03 04:12:33.120", "ProcessId", "7384", "Image", `C:\Windows\System32\cmd.exe`,
					"CommandLine", `cmd /c "whoami /all"`, "User", `NT AUTHORITY\SYSTEM`, "ParentImage", `C:\Windows\System32\inetsrv\w3wp.exe`,
					"ParentCommandLine", w3wp, "SourceModuleName", "in_sysmon"),
			},
		},
		{
			name: "flat SIEM export Security 4688, zone offset, strings for numbers",
			in: `{"TimeCreated":"2021-03-03T05:12:33.5+01:00","Computer":"EX01","host":"collector7","Channel":"Security","EventID":"4688","Level":"0",` +
				`"ProviderName":"Microsoft-Windows-Security-Auditing","EventRecordID":"5511","SubjectUserName":"EX01$","NewProcessName":"C:\\Windows\\System32\\whoami.exe",` +
				`"CommandLine":"whoami","ParentProcessName":"C:\\Windows\\System32\\cmd.exe","TokenElevationType":"%%1936"}`,
			want: winevent.Event{
				Channel: "Security", Provider: "Microsoft-Windows-Security-Auditing", Computer: "EX01", EventID: 4688, RecordID: 5511,
				Time: ts("2021-03-03T04:12:33.5Z"),
				Data: fields("SubjectUserName", "EX01$", "NewProcessName", `C:\Windows\System32\whoami.exe`, "CommandLine", "whoami",
					"ParentProcessName", `C:\Windows\System32\cmd.exe`, "TokenElevationType", "%%1936"),
			},
		},
		{
			name: "Splunk export: _time",
			in:   `{"_time":"2021-03-03T04:12:33.000+00:00","EventCode":"4688","LogName":"Security","ComputerName":"EX01","NewProcessName":"C:\\x\\cmd.exe"}`,
			want: winevent.Event{Channel: "Security", Computer: "EX01", EventID: 4688, Time: ts("2021-03-03T04:12:33Z"),
				Data: fields("NewProcessName", `C:\x\cmd.exe`)},
		},
		{
			name: "old Winlogbeat (6.x): event_data at the top",
			in: `{"@timestamp":"2021-03-03T04:12:33.000Z","event_id":7045,"log_name":"System","source_name":"Service Control Manager",` +
				`"computer_name":"EX01","record_number":"812","event_data":{"ServiceName":"upd","ImagePath":"cmd.exe /c calc"},"user_data":{"x":{"y":"z"}}}`,
			want: winevent.Event{
				Channel: "System", Provider: "Service Control Manager", Computer: "EX01", EventID: 7045, RecordID: 812,
				Time: ts("2021-03-03T04:12:33Z"),
				Data: fields("ServiceName", "upd", "ImagePath", "cmd.exe /c calc", "y", "z"),
			},
		},
		{
			name: "flat PowerShell Get-WinEvent ConvertTo-Json, CmdletLogs 1",
			in: `{"Message":"Cmdlet succeeded. Cmdlet New-MailboxExportRequest","Id":1,"Version":null,"Qualifiers":0,"Level":4,"Task":1,"RecordId":30,` +
				`"ProviderName":"MSExchange CmdletLogs","LogName":"MSExchange Management","MachineName":"EX01.corp.example","TimeCreated":"\/Date(1614744753123)\/",` +
				`"Properties":[{"Value":"New-MailboxExportRequest"},{"Value":"-Mailbox 'admin' -FilePath '\\\\localhost\\c$\\inetpub\\wwwroot\\aspnet_client\\x.aspx'"},{"Value":"corp.example/Users/admin"},{"Value":5}],` +
				`"LevelDisplayName":"Information","KeywordsDisplayNames":["Classic"]}`,
			want: winevent.Event{
				Channel: "MSExchange Management", Provider: "MSExchange CmdletLogs", Computer: "EX01.corp.example", EventID: 1, Level: 4, RecordID: 30,
				Time: ts("2021-03-03T04:12:33.123Z"), Message: "Cmdlet succeeded. Cmdlet New-MailboxExportRequest",
				Data: fields("Version", "", "Qualifiers", "0", "Task", "1",
					"", "New-MailboxExportRequest", "", `-Mailbox 'admin' -FilePath '\\localhost\c$\inetpub\wwwroot\aspnet_client\x.aspx'`,
					"", "corp.example/Users/admin", "", "5", "KeywordsDisplayNames", "Classic"),
			},
		},
		{
			name: "flat Get-EventLog: InstanceId with qualifiers, ReplacementStrings",
			in: `{"MachineName":"EX01","Index":88,"EntryType":1,"Source":"MSExchange Unified Messaging","InstanceId":3221226477,` +
				`"ReplacementStrings":["System.InvalidCastException: Unable to cast object"],"TimeGenerated":"\/Date(1614744753000+0100)\/"}`,
			want: winevent.Event{
				Provider: "MSExchange Unified Messaging", Computer: "EX01", EventID: 1005, Time: ts("2021-03-03T04:12:33Z"),
				Data: fields("Index", "88", "EntryType", "1", "", "System.InvalidCastException: Unable to cast object"),
			},
		},
		{
			name: "flat with nested objects, arrays, booleans, null and Elastic-style host object",
			in: `{"@timestamp":1614744753123,"host":{"name":"ex01","os":{"build":"17763"}},"EventID":11,"Channel":"Microsoft-Windows-Sysmon/Operational",` +
				`"TargetFilename":"C:\\inetpub\\wwwroot\\aspnet_client\\shell.aspx","tags":["a","b"],"rule":[{"id":1},{"id":2}],"ok":true,"gone":null,"param2":"x"}`,
			want: winevent.Event{
				Channel: "Microsoft-Windows-Sysmon/Operational", Computer: "ex01", EventID: 11, Time: ts("2021-03-03T04:12:33.123Z"),
				Data: fields("host.os.build", "17763", "TargetFilename", `C:\inetpub\wwwroot\aspnet_client\shell.aspx`, "tags", "a\nb",
					"rule.0.id", "1", "rule.1.id", "2", "ok", "true", "gone", "", "", "x"),
			},
		},
		{
			name: "Winlogbeat Sysmon 1, numeric event id, ECS copies ignored",
			in: `{"@timestamp":"2021-03-03T04:12:33.120Z","event":{"code":"1","provider":"Microsoft-Windows-Sysmon","kind":"event"},"host":{"name":"ex01.corp.example"},` +
				`"log":{"level":"information"},"message":"Process Create:","process":{"command_line":"cmd /c whoami"},` +
				`"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"EX01.corp.example","event_id":1,"provider_name":"Microsoft-Windows-Sysmon","record_id":881224,` +
				`"event_data":{"Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd /c whoami","ParentImage":"C:\\Windows\\System32\\inetsrv\\w3wp.exe","ProcessId":"7385"}}}`,
			want: winevent.Event{
				Channel: "Microsoft-Windows-Sysmon/Operational", Provider: "Microsoft-Windows-Sysmon", Computer: "EX01.corp.example",
				EventID: 1, Level: 4, RecordID: 881224, Time: ts("2021-03-03T04:12:33.12Z"), Message: "Process Create:",
				Data: fields("Image", `C:\Windows\System32\cmd.exe`, "CommandLine", "cmd /c whoami", "ParentImage", `C:\Windows\System32\inetsrv\w3wp.exe`, "ProcessId", "7385"),
			},
		},
		{
			name: "Winlogbeat CmdletLogs: param1..param11 in sorted-key order become unnamed in number order; event.code and host.name stand in",
			in: `{"@timestamp":"2021-03-03T04:20:00Z","event":{"code":"1"},"host":{"name":"ex01"},"winlog":{"channel":"MSExchange Management","provider_name":"MSExchange CmdletLogs",` +
				`"event_data":{"param1":"Set-OabVirtualDirectory","param10":"j","param11":"k","param2":"-ExternalUrl 'http://o/#<script language=\"JScript\" runat=\"server\">x</script>' -Identity 'OAB (Default Web Site)'",` +
				`"param3":"c","param4":"d","param5":"e","param6":"f","param7":"g","param8":"h","param9":"i"}}}`,
			want: winevent.Event{
				Channel: "MSExchange Management", Provider: "MSExchange CmdletLogs", Computer: "ex01", EventID: 1, Time: ts("2021-03-03T04:20:00Z"),
				Data: fields("", "Set-OabVirtualDirectory", "", `-ExternalUrl 'http://o/#<script language="JScript" runat="server">x</script>' -Identity 'OAB (Default Web Site)'`,
					"", "c", "", "d", "", "e", "", "f", "", "g", "", "h", "", "i", "", "j", "", "k"),
			},
		},
		{
			name: "Winlogbeat 1102 user_data, string event id, xml_name dropped",
			in: `{"@timestamp":"2021-03-03T06:00:01.000Z","winlog":{"channel":"Security","event_id":"1102","provider_name":"Microsoft-Windows-Eventlog","computer_name":"EX01","record_id":"9001",` +
				`"user_data":{"xml_name":"LogFileCleared","SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectLogonId":"0x5a3c1"}}}`,
			want: winevent.Event{
				Channel: "Security", Provider: "Microsoft-Windows-Eventlog", Computer: "EX01", EventID: 1102, RecordID: 9001, Time: ts("2021-03-03T06:00:01Z"),
				Data: fields("SubjectUserSid", "S-1-5-21-1-2-3-500", "SubjectUserName", "admin", "SubjectDomainName", "CORP", "SubjectLogonId", "0x5a3c1"),
			},
		},
		{
			name: "Winlogbeat flattened to dotted keys",
			in: `{"@timestamp":"2021-03-03T04:12:33Z","winlog.channel":"Security","winlog.event_id":4688,"winlog.computer_name":"EX01","agent.hostname":"EX01",` +
				`"winlog.event_data.NewProcessName":"C:\\Windows\\System32\\net.exe","winlog.event_data.CommandLine":"net group \"Domain Admins\" /domain"}`,
			want: winevent.Event{
				Channel: "Security", Computer: "EX01", EventID: 4688, Time: ts("2021-03-03T04:12:33Z"),
				Data: fields("NewProcessName", `C:\Windows\System32\net.exe`, "CommandLine", `net group "Domain Admins" /domain`),
			},
		},
		{
			name: "evtx_dump Sysmon 11 with #attributes",
			in: `{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon","Guid":"5770385F-C22A-43E0-BF4C-06F5698FFBD9"}},` +
				`"EventID":11,"Version":2,"Level":4,"TimeCreated":{"#attributes":{"SystemTime":"2021-03-03T04:13:10.1234567Z"}},"EventRecordID":881300,"Correlation":null,` +
				`"Execution":{"#attributes":{"ProcessID":2804,"ThreadID":3992}},"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"EX01.corp.example","Security":{"#attributes":{"UserID":"S-1-5-18"}}},` +
				`"EventData":{"RuleName":"-","ProcessId":4,"Image":"System","TargetFilename":"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\x.aspx","CreationUtcTime":"2021-03-03 04:13:10.120"}}}`,
			want: winevent.Event{
				Channel: "Microsoft-Windows-Sysmon/Operational", Provider: "Microsoft-Windows-Sysmon", Computer: "EX01.corp.example",
				EventID: 11, Level: 4, RecordID: 881300, Time: ts("2021-03-03T04:13:10.1234567Z"),
				Data: fields("RuleName", "-", "ProcessId", "4", "Image", "System",
					"TargetFilename", `C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\x.aspx`, "CreationUtcTime", "2021-03-03 04:13:10.120"),
			},
		},
		{
			name: "evtx_dump CmdletLogs: EventID with qualifiers, unnamed Data as #text list",
			in: `{"Event":{"System":{"Provider":{"#attributes":{"Name":"MSExchange CmdletLogs"}},"EventID":{"#attributes":{"Qualifiers":16388},"#text":1},"Level":4,` +
				`"TimeCreated":{"#attributes":{"SystemTime":"2021-03-03T04:30:00Z"}},"EventRecordID":31,"Channel":"MSExchange Management","Computer":"EX01"},` +
				`"EventData":{"Data":{"#text":["New-ManagementRoleAssignment","-Role 'Mailbox Import Export' -User 'admin'","corp.example/Users/admin",""]},"Binary":null}}}`,
			want: winevent.Event{
				Channel: "MSExchange Management", Provider: "MSExchange CmdletLogs", Computer: "EX01", EventID: 1, Level: 4, RecordID: 31, Time: ts("2021-03-03T04:30:00Z"),
				Data: fields("", "New-ManagementRoleAssignment", "", "-Role 'Mailbox Import Export' -User 'admin'", "", "corp.example/Users/admin", "", ""),
			},
		},
		{
			name: "evtx_dump 1102 UserData with namespace attributes",
			in: `{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Eventlog"}},"EventID":1102,"Level":4,"TimeCreated":{"#attributes":{"SystemTime":"2021-03-03T06:00:01.0000000Z"}},` +
				`"EventRecordID":9001,"Channel":"Security","Computer":"EX01"},"UserData":{"LogFileCleared":{"#attributes":{"xmlns":"http://manifests.microsoft.com/win/2004/08/windows/eventlog"},` +
				`"SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectLogonId":"0x5a3c1"}}}}`,
			want: winevent.Event{
				Channel: "Security", Provider: "Microsoft-Windows-Eventlog", Computer: "EX01", EventID: 1102, Level: 4, RecordID: 9001, Time: ts("2021-03-03T06:00:01Z"),
				Data: fields("SubjectUserSid", "S-1-5-21-1-2-3-500", "SubjectUserName", "admin", "SubjectDomainName", "CORP", "SubjectLogonId", "0x5a3c1"),
			},
		},
		{
			name: "Velociraptor: System at the top, EventID Value, epoch-second SystemTime, Message beside",
			in: `{"System":{"Provider":{"Name":"Microsoft-Windows-Security-Auditing","Guid":"54849625-5478-4994-A5BA-3E3B0328C30D"},"EventID":{"Value":4688},"Level":0,` +
				`"TimeCreated":{"SystemTime":1614744753.25},"EventRecordID":5512,"Channel":"Security","Computer":"EX01"},` +
				`"EventData":{"NewProcessName":"C:\\Windows\\System32\\rundll32.exe","CommandLine":"rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 640 C:\\ProgramData\\l.dmp full"},` +
				`"Message":"A new process has been created."}`,
			want: winevent.Event{
				Channel: "Security", Provider: "Microsoft-Windows-Security-Auditing", Computer: "EX01", EventID: 4688, RecordID: 5512,
				Time: ts("2021-03-03T04:12:33.25Z"), Message: "A new process has been created.",
				Data: fields("NewProcessName", `C:\Windows\System32\rundll32.exe`, "CommandLine", `rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump 640 C:\ProgramData\l.dmp full`),
			},
		},
		{
			name: "xmltodict: @Name attributes and a Data list",
			in: `{"Event":{"@xmlns":"http://schemas.microsoft.com/win/2004/08/events/event","System":{"Provider":{"@Name":"Service Control Manager"},"EventID":{"@Qualifiers":"16384","#text":"7045"},` +
				`"Level":"4","TimeCreated":{"@SystemTime":"2021-03-03 04:40:00.000000"},"EventRecordID":"77","Channel":"System","Computer":"EX01"},` +
				`"EventData":{"Data":[{"@Name":"ServiceName","#text":"updsvc"},{"@Name":"ImagePath","#text":"C:\\ProgramData\\u.exe"},{"@Name":"AccountName"}]}}}`,
			want: winevent.Event{
				Channel: "System", Provider: "Service Control Manager", Computer: "EX01", EventID: 7045, Level: 4, RecordID: 77, Time: ts("2021-03-03T04:40:00Z"),
				Data: fields("ServiceName", "updsvc", "ImagePath", `C:\ProgramData\u.exe`, "AccountName", ""),
			},
		},
		{
			name: "separate attributes (Provider_attributes, TimeCreated_attributes) and Data objects with #attributes",
			in: `{"Event":{"Event_attributes":{"xmlns":"x"},"System":{"Provider_attributes":{"Name":"Microsoft-Windows-PowerShell"},"EventID":4104,"Level":5,` +
				`"TimeCreated_attributes":{"SystemTime":"2021-03-03T04:50:00.5Z"},"EventRecordID":12,"Channel":"Microsoft-Windows-PowerShell/Operational","Computer":"EX01"},` +
				`"EventData":{"Data":[{"#attributes":{"Name":"MessageNumber"},"#text":1},{"#attributes":{"Name":"ScriptBlockText"},"#text":"Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn"},"bare"]}}}`,
			want: winevent.Event{
				Channel: "Microsoft-Windows-PowerShell/Operational", Provider: "Microsoft-Windows-PowerShell", Computer: "EX01", EventID: 4104, Level: 5, RecordID: 12,
				Time: ts("2021-03-03T04:50:00.5Z"),
				Data: fields("MessageNumber", "1", "ScriptBlockText", "Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn", "", "bare"),
			},
		},
		{
			name: "flat with EventData and UserData objects beside flat system keys",
			in: `{"EventID":1116,"Channel":"Microsoft-Windows-Windows Defender/Operational","TimeCreated":"2021-03-03T05:00:00Z",` +
				`"EventData":{"Threat Name":"Backdoor:ASP/Chopper.X","Path":"file:_C:\\inetpub\\wwwroot\\aspnet_client\\s.aspx"},"UserData":{"X":{"Y":"z"}}}`,
			want: winevent.Event{
				Channel: "Microsoft-Windows-Windows Defender/Operational", EventID: 1116, Time: ts("2021-03-03T05:00:00Z"),
				Data: fields("Threat Name", "Backdoor:ASP/Chopper.X", "Path", `file:_C:\inetpub\wwwroot\aspnet_client\s.aspx`, "Y", "z"),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs, st, probs := readAll(t, tc.in+"\n")
			if len(probs) != 0 {
				t.Errorf("problems: %v", probs)
			}
			if len(evs) != 1 || st.Events != 1 || st.Skipped != 0 || st.Lines != 1 || st.Bytes != int64(len(tc.in)+1) {
				t.Fatalf("%d events, stats %+v", len(evs), st)
			}
			if evs[0].Line != 1 {
				t.Errorf("line %d", evs[0].Line)
			}
			if d := cmp.Diff(tc.want, evs[0].Ev); d != "" {
				t.Errorf("event (-want +got):\n%s", d)
			}
		})
	}
}
