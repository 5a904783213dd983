package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/exsweep/exsweep/internal/evtx/evtxwrite"
)

// The server whose logs these are.
const (
	computer   = "EXCH01.corp.example.org"
	shortName  = "EXCH01"
	domain     = "CORP"
	domainFQDN = "corp.example.org"
	domainSID  = "S-1-5-21-1874503211-2917460381-3420081957"
	exBin      = `C:\Program Files\Microsoft\Exchange Server\V15\Bin\`
	exRoot     = `C:\Program Files\Microsoft\Exchange Server\V15\`
	sys32      = `C:\Windows\System32\`
	w3wpPath   = `C:\Windows\System32\inetsrv\w3wp.exe`
)

// channel is one log file: its share of the bytes and the maker of its benign events.
type channel struct {
	file  string // file name in winevt\Logs
	name  string // the channel inside it
	share float64
	gen   func(g *gen) (evtxwrite.Event, benignNote)
	// The process that logs most of the channel's events (System/Execution) and its account
	// (System/Security@UserID; empty for channels whose events carry none).
	pid    uint32
	userID string
}

// finish fills what every event of the channel shares: computer, channel, record number,
// Execution and Security, and the qualifiers of classic providers.
func (ch *channel) finish(ev *evtxwrite.Event, id uint64) {
	ev.RecordID = id
	if ev.Computer == "" {
		ev.Computer = computer
	}
	if ev.Channel == "" {
		ev.Channel = ch.name
	}
	if ev.ProcessID == 0 && ch.pid != 0 {
		ev.ProcessID = ch.pid
		ev.ThreadID = ch.pid + 4*uint32(1+id%97)
	}
	if ev.UserID == "" {
		ev.UserID = ch.userID
	}
	if ev.Qualifiers == 0 {
		ev.Qualifiers = qualifiers(ev.Provider, ev.Level)
	}
}

// qualifiers are the high bits of a classic provider's event id (severity and facility), which
// Windows shows as EventID@Qualifiers; manifest providers have none.
func qualifiers(provider string, level uint8) uint16 {
	var facility uint16
	switch {
	case provider == scm || provider == "EventLog":
	case strings.HasPrefix(provider, "MSExchange"):
		facility = 4
	default:
		return 0
	}
	switch level {
	case 1, 2:
		return 0xc000 | facility
	case 3:
		return 0x8000 | facility
	}
	return 0x4000 | facility
}

// benignNote marks an ordinary event that a low-severity rule is expected to list (a new
// service, a page compile); it goes into truth.tsv with kind "benign".
type benignNote struct{ rule, what string }

func channels() []*channel {
	return []*channel{
		{file: "Security.evtx", name: "Security", share: 0.55, gen: securityEvent, pid: 692},
		{file: "Microsoft-Windows-Sysmon%4Operational.evtx", name: "Microsoft-Windows-Sysmon/Operational", share: 0.25, gen: sysmonEvent, pid: 2748, userID: "S-1-5-18"},
		{file: "System.evtx", name: "System", share: 0.06, gen: systemEvent, pid: 680},
		{file: "Application.evtx", name: "Application", share: 0.06, gen: applicationEvent},
		{file: "Microsoft-Windows-PowerShell%4Operational.evtx", name: "Microsoft-Windows-PowerShell/Operational", share: 0.03, gen: powershellEvent, pid: 5124, userID: domainSID + "-1110"},
		{file: "MSExchange Management.evtx", name: "MSExchange Management", share: 0.02, gen: cmdletEvent},
		{file: "Microsoft-Windows-Windows Defender%4Operational.evtx", name: "Microsoft-Windows-Windows Defender/Operational", share: 0.01, gen: defenderEvent, pid: 3344, userID: "S-1-5-18"},
		{file: "Windows PowerShell.evtx", name: "Windows PowerShell", share: 0.006, gen: classicPowerShellEvent},
		{file: "Microsoft-Windows-TaskScheduler%4Operational.evtx", name: "Microsoft-Windows-TaskScheduler/Operational", share: 0.006, gen: taskSchedulerEvent, pid: 1340, userID: "S-1-5-18"},
		{file: "Microsoft-Windows-WMI-Activity%4Operational.evtx", name: "Microsoft-Windows-WMI-Activity/Operational", share: 0.005, gen: wmiEvent, pid: 1056, userID: "S-1-5-18"},
		{file: "Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational.evtx", name: "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational", share: 0.003, gen: sessionEvent, pid: 420, userID: "S-1-5-18"},
	}
}

// gen is one file's generator state.
type gen struct {
	r  *rand.Rand
	t  time.Time // the time of the event being made
	ch *channel
}

func newGen(r *rand.Rand, ch *channel) *gen { return &gen{r: r, ch: ch} }

// weighted picks one of its makers in proportion to their weights.
type weighted[T any] struct {
	total int
	w     []int
	v     []T
}

func mix[T any](pairs ...any) *weighted[T] {
	m := &weighted[T]{}
	for i := 0; i < len(pairs); i += 2 {
		w := pairs[i].(int)
		m.total += w
		m.w = append(m.w, m.total)
		m.v = append(m.v, pairs[i+1].(T))
	}
	return m
}

func (m *weighted[T]) pick(r *rand.Rand) T {
	x := r.IntN(m.total)
	for i, c := range m.w {
		if x < c {
			return m.v[i]
		}
	}
	return m.v[len(m.v)-1]
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// data builds EventData from name, value pairs.
func data(kv ...string) []evtxwrite.Field {
	out := make([]evtxwrite.Field, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, evtxwrite.Field{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

// unnamed builds the EventData of a classic provider: <Data> values without names.
func unnamed(vals ...string) []evtxwrite.Field {
	out := make([]evtxwrite.Field, len(vals))
	for i, v := range vals {
		out[i] = evtxwrite.Field{Value: v}
	}
	return out
}

func (g *gen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}

func (g *gen) guid() string {
	return "{" + g.hex(8) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(12) + "}"
}

func (g *gen) upperGUID() string { return strings.ToUpper(g.guid()) }

// pid is a Windows process id (multiples of 4).
func (g *gen) pid() int { return 4 * (50 + g.r.IntN(6000)) }

func (g *gen) logonID() string { return fmt.Sprintf("0x%x", 0x30000+g.r.IntN(0x4000000)) }

// utc is Sysmon's time format.
func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") }

// stableHex is a hash-like hex string derived from s: the same binary always has the same hash.
func stableHex(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	h := hex.EncodeToString(sum[:])
	for len(h) < n {
		sum = sha256.Sum256(sum[:])
		h += hex.EncodeToString(sum[:])
	}
	return strings.ToUpper(h[:n])
}

func hashes(image string) string {
	return "SHA1=" + stableHex("sha1"+image, 40) + ",MD5=" + stableHex("md5"+image, 32) +
		",SHA256=" + stableHex("sha256"+image, 64) + ",IMPHASH=" + stableHex("imp"+image, 32)
}

// Accounts.
type account struct {
	name string
	rid  int
}

func (a account) sid() string { return fmt.Sprintf("%s-%d", domainSID, a.rid) }

var users = func() []account {
	first := []string{"anna", "bram", "chloe", "dev", "elif", "femi", "greta", "hiro", "ines", "jonas", "kavya", "lars",
		"mira", "nils", "olga", "pavel", "quinn", "rosa", "sami", "tariq"}
	last := []string{"berger", "okafor", "lindqvist", "moreau", "tanaka", "novak", "ferreira", "schultz"}
	var out []account
	for i, f := range first {
		for j, l := range last {
			if (i+j)%3 == 0 {
				out = append(out, account{name: f + "." + l, rid: 1120 + len(out)})
			}
		}
	}
	return out
}()

var healthMailboxes = func() []account {
	var out []account
	for i := 0; i < 12; i++ {
		out = append(out, account{name: "HealthMailbox" + strings.ToLower(stableHex(fmt.Sprint("hm", i), 7)), rid: 3200 + i})
	}
	return out
}()

var (
	admins       = []account{{"exadmin", 1105}, {"Administrator", 500}, {"svc-backup", 1109}, {"svc-monitor", 1110}}
	machineAccts = []account{{"EXCH01$", 1001}, {"EXCH02$", 1002}, {"DC01$", 1000}}
	workstations = func() []string {
		var out []string
		for i := 0; i < 40; i++ {
			out = append(out, fmt.Sprintf("WS-%04d", 1000+i*37))
		}
		return out
	}()
	clientIPs = func() []string {
		var out []string
		for i := 0; i < 60; i++ {
			out = append(out, fmt.Sprintf("10.20.%d.%d", 1+i%8, 20+i*3))
		}
		return out
	}()
	adminIPs   = []string{"10.30.0.15", "10.30.0.16"}
	balancers  = []string{"10.10.0.5", "10.10.0.6"}
	serverIPs  = []string{"10.10.1.11", "10.10.1.12"} // EXCH01, EXCH02
	dcIP       = "10.10.0.10"
	appPools   = []string{"MSExchangeOWAAppPool", "MSExchangeECPAppPool", "MSExchangeSyncAppPool", "MSExchangeRpcProxyAppPool", "MSExchangeServicesAppPool", "MSExchangePowerShellAppPool", "MSExchangeAutodiscoverAppPool", "MSExchangeMapiFrontEndAppPool", "MSExchangeOABAppPool", "DefaultAppPool"}
	appPoolsBE = []string{"MSExchangeOWAAppPool", "MSExchangeServicesAppPool", "MSExchangeSyncAppPool", "MSExchangeMapiMailboxAppPool", "MSExchangeRpcProxyAppPool"}
)

// w3wpCmd is the command line IIS gives a worker of pool.
func w3wpCmd(pool string) string {
	return fmt.Sprintf(`c:\windows\system32\inetsrv\w3wp.exe -ap "%s" -v "v4.0" -c "%sGenericAppPoolConfigWithGCServerEnabledFalse.config" -a \\.\pipe\iisipm%s -h "C:\inetpub\temp\apppools\%s\%s.config" -w "" -m 0`,
		pool, exBin, stableHex(pool, 8), pool, pool)
}
