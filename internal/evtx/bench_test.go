package evtx

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	w "github.com/exsweep/exsweep/internal/evtx/evtxwrite"
	"github.com/exsweep/exsweep/internal/winevent"
)

// benchEvents makes n events shaped like a busy Exchange server's logs:
// Sysmon process creations (22 fields), Security 4688, and a few MSExchange
// CmdletLogs events.
func benchEvents(n int) []w.Event {
	evs := make([]w.Event, n)
	t0 := time.Date(2021, 3, 3, 0, 0, 0, 0, time.UTC)
	for i := range evs {
		tm := t0.Add(time.Duration(i) * 731 * time.Millisecond)
		switch i % 10 {
		case 0, 1, 2, 3, 4, 5:
			evs[i] = w.Event{Provider: "Microsoft-Windows-Sysmon", EventID: 1, Level: 4, TimeCreated: tm,
				Computer: "EXCH01.corp.local", Channel: "Microsoft-Windows-Sysmon/Operational", ProcessID: 2104, ThreadID: 3560, UserID: "S-1-5-18",
				Data: []w.Field{
					{Name: "RuleName", Value: "-"}, {Name: "UtcTime", Value: tm.Format("2006-01-02 15:04:05.000")},
					{Name: "ProcessGuid", Value: fmt.Sprintf("{747f3d96-%04x-5d31-0000-0010e0252500}", i&0xffff)},
					{Name: "ProcessId", Value: fmt.Sprint(4000 + i%5000)},
					{Name: "Image", Value: `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`},
					{Name: "FileVersion", Value: "10.0.17763.1 (WinBuild.160101.0800)"},
					{Name: "Description", Value: "Windows PowerShell"}, {Name: "Product", Value: "Microsoft® Windows® Operating System"},
					{Name: "Company", Value: "Microsoft Corporation"}, {Name: "OriginalFileName", Value: "PowerShell.EXE"},
					{Name: "CommandLine", Value: fmt.Sprintf(`powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "Get-ExchangeServer | Where {$_.Name -eq 'EXCH%02d'}"`, i%50)},
					{Name: "CurrentDirectory", Value: `C:\Windows\system32\`}, {Name: "User", Value: `NT AUTHORITY\SYSTEM`},
					{Name: "LogonGuid", Value: "{747f3d96-d4b9-5d31-0000-0020e7030000}"}, {Name: "LogonId", Value: "0x3e7"},
					{Name: "TerminalSessionId", Value: "0"}, {Name: "IntegrityLevel", Value: "System"},
					{Name: "Hashes", Value: "SHA1=6CBCE4A295C163791B60FC23D285E6D84F28EE4C,MD5=7353F60B1739074EB17C5F4DDDEFE239,SHA256=DE96A6E69944335375DC1AC238336066889D9FFC7D73628EF4FE1B1B160AB32C"},
					{Name: "ParentProcessGuid", Value: "{747f3d96-d4b9-5d31-0000-0010f70b0700}"}, {Name: "ParentProcessId", Value: "2104"},
					{Name: "ParentImage", Value: `C:\Windows\System32\inetsrv\w3wp.exe`},
					{Name: "ParentCommandLine", Value: `c:\windows\system32\inetsrv\w3wp.exe -ap "MSExchangeOWAAppPool" -v "v4.0" -c "C:\Program Files\Microsoft\Exchange Server\V15\bin\GenericAppPoolConfigWithGCServerEnabledFalse.config" -a \\.\pipe\iisipm`},
				}}
		case 6, 7, 8:
			evs[i] = w.Event{Provider: "Microsoft-Windows-Security-Auditing", EventID: 4688, TimeCreated: tm,
				Computer: "EXCH01.corp.local", Channel: "Security", ProcessID: 4, ThreadID: 7480,
				Data: []w.Field{
					{Name: "SubjectUserSid", Value: "S-1-5-18"}, {Name: "SubjectUserName", Value: "EXCH01$"},
					{Name: "SubjectDomainName", Value: "CORP"}, {Name: "SubjectLogonId", Value: "0x3e7"},
					{Name: "NewProcessId", Value: fmt.Sprintf("0x%x", 0x1000+i%4000)}, {Name: "NewProcessName", Value: `C:\Windows\System32\cmd.exe`},
					{Name: "TokenElevationType", Value: "%%1936"}, {Name: "ProcessId", Value: "0x838"},
					{Name: "CommandLine", Value: fmt.Sprintf(`cmd /c "cd /d "C:\inetpub\wwwroot\aspnet_client\"&whoami&echo [S]&cd&echo [E]" %d`, i)},
					{Name: "TargetUserSid", Value: "S-1-0-0"}, {Name: "TargetUserName", Value: "-"}, {Name: "TargetDomainName", Value: "-"},
					{Name: "TargetLogonId", Value: "0x0"}, {Name: "ParentProcessName", Value: `C:\Windows\System32\inetsrv\w3wp.exe`},
					{Name: "MandatoryLabel", Value: "S-1-16-16384"},
				}}
		default:
			evs[i] = w.Event{Provider: "MSExchange CmdletLogs", EventID: 1, Qualifiers: 16384, Level: 4, TimeCreated: tm,
				Computer: "EXCH01.corp.local", Channel: "MSExchange Management",
				Data: []w.Field{{Value: "Get-MailboxDatabase"}, {Value: "-Status \"True\""}, {Value: "corp.local/Users/Administrator"},
					{Value: "S-1-5-21-1-2-3-500"}, {Value: "S-1-5-21-1-2-3-500"}, {Value: "Remote-PowerShell-Unknown"}, {Value: "23456"},
					{Value: "0"}, {Value: "00:00:00.0312500"}, {Value: "View Entire Forest: 'False', "}, {Value: ""}}}
		}
	}
	return evs
}

// benchFile is a generated file of about size bytes.
func benchFile(b *testing.B, size int) []byte {
	b.Helper()
	var buf bytes.Buffer
	n := size / 1750 // the average record size of these events
	if err := w.Write(&buf, benchEvents(n)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchRead(b *testing.B, files [][]byte) {
	var bytesTotal int64
	var readers []*Reader
	for _, raw := range files {
		rd, err := NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			b.Fatal(err)
		}
		readers = append(readers, rd)
		bytesTotal += int64(len(raw))
	}
	b.SetBytes(bytesTotal)
	b.ReportAllocs()
	var s Scratch
	events := 0
	sink := 0
	for b.Loop() {
		for _, rd := range readers {
			for i := 0; i < rd.Chunks(); i++ {
				res := rd.ReadChunk(i, &s, func(ev *winevent.Event, at Location) {
					events++
					sink += len(ev.Data)
				})
				if len(res.Problems) > 0 {
					b.Fatalf("problem: %v", res.Problems[0])
				}
			}
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	_ = sink
}

// BenchmarkReadChunk reads every chunk of a generated file of about 64 MiB
// (38,000 events), and of the public samples when present, on one
// goroutine. MB/s counts file bytes.
func BenchmarkReadChunk(b *testing.B) {
	b.Run("generated", func(b *testing.B) {
		benchRead(b, [][]byte{benchFile(b, 64<<20)})
	})
	b.Run("samples", func(b *testing.B) {
		dir := os.Getenv("EXSWEEP_EVTX_SAMPLES")
		if dir == "" {
			dir = "../../../shared/data/evtx"
		}
		paths, _ := filepath.Glob(filepath.Join(dir, "*.evtx"))
		if len(paths) == 0 {
			b.Skipf("no samples in %s", dir)
		}
		var files [][]byte
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			files = append(files, raw)
		}
		benchRead(b, files)
	})
}
