package main

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"
)

const exBase = "Program Files/Microsoft/Exchange Server/V15"

// config is what the command line asks for.
type config struct {
	Out    string
	Size   int64
	Seed   uint64
	Days   int
	Start  time.Time
	Chains int
	Jobs   int
	Rotate int64 // an Exchange log file rolls over to -2, -3... once it passes this size
	Users  int
}

type streamKind int

const (
	skProxy streamKind = iota
	skECP
	skOAB
	skIIS
)

// Streams, in a fixed order: the order fixes each stream's random source, so output does not
// depend on how many run at once.
const (
	sAutodiscover = iota
	sEas
	sEcp
	sEws
	sMapi
	sOab
	sOwa
	sOwaCalendar
	sPowerShell
	sRpcHttp
	sECPServer
	sOABGen
	sIIS1
	sIIS2
	nStreams
)

type streamDef struct {
	kind   streamKind
	name   string // protocol for HttpProxy streams
	dir    string // relative to the output root, '/'-separated
	weight float64
}

func streamDefs() []streamDef {
	// Share of the total size. HttpProxy 45 % (Eas, Mapi, Ews, Owa heaviest), IIS 45 %,
	// ECP server and OAB generator logs the rest.
	protos := []struct {
		name string
		w    float64
	}{{"Autodiscover", 6}, {"Eas", 24}, {"Ecp", 3}, {"Ews", 17}, {"Mapi", 22}, {"Oab", 2},
		{"Owa", 15}, {"OwaCalendar", 2}, {"PowerShell", 3}, {"RpcHttp", 6}}
	var ds []streamDef
	for _, p := range protos {
		ds = append(ds, streamDef{skProxy, p.name, exBase + "/Logging/HttpProxy/" + p.name, 0.45 * p.w / 100})
	}
	ds = append(ds,
		streamDef{skECP, "ECP", exBase + "/Logging/ECP/Server", 0.065},
		streamDef{skOAB, "OABGenerator", exBase + "/Logging/OABGeneratorLog", 0.035},
		streamDef{skIIS, "W3SVC1", "inetpub/logs/LogFiles/W3SVC1", 0.28},
		streamDef{skIIS, "W3SVC2", "inetpub/logs/LogFiles/W3SVC2", 0.17},
	)
	return ds
}

// plan is everything fixed before the streams run.
type plan struct {
	cfg     config
	startMs int64
	hours   int
	cum     []float64 // cumulative share of traffic at the end of each hour, cum[hours] == 1
	budget  int64     // bytes for the log files
	streams []streamDef
	events  [][]event // per stream, sorted by time
	chains  []*chain
	pools   *pools
}

// diurnal is the relative traffic of each UTC hour of a working day.
var diurnal = [24]float64{0.18, 0.15, 0.13, 0.13, 0.16, 0.3, 0.55, 0.85, 1.0, 1.0, 0.98, 0.95,
	0.9, 0.95, 1.0, 0.97, 0.9, 0.75, 0.55, 0.42, 0.35, 0.3, 0.25, 0.2}

func newPlan(cfg config) (*plan, error) {
	if cfg.Days < 1 {
		return nil, errors.New("-days must be at least 1")
	}
	if cfg.Size < 1<<20 {
		return nil, errors.New("-size must be at least 1MB")
	}
	if cfg.Rotate <= 0 {
		cfg.Rotate = 16 << 20
	}
	if cfg.Users <= 0 {
		cfg.Users = 2500
	}
	p := &plan{cfg: cfg, startMs: cfg.Start.UnixMilli(), hours: cfg.Days * 24, streams: streamDefs()}
	p.budget = cfg.Size - int64(len(exSetupPlaceholder))
	r := rand.New(rand.NewPCG(cfg.Seed, 0x686f757273))
	w := make([]float64, p.hours)
	var sum float64
	for h := range w {
		t := time.UnixMilli(p.startMs + int64(h)*hourMs).UTC()
		v := diurnal[t.Hour()] * (0.85 + 0.3*r.Float64())
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			v *= 0.3
		}
		w[h] = v
		sum += v
	}
	p.cum = make([]float64, p.hours+1)
	acc := 0.0
	for h, v := range w {
		acc += v
		p.cum[h+1] = acc / sum
	}
	p.cum[p.hours] = 1
	p.pools = newPools(cfg.Seed, cfg.Users)
	if err := p.planChains(); err != nil {
		return nil, err
	}
	return p, nil
}

// exSetupPlaceholder stands in for Bin\ExSetup.exe, the file tools use to find an install.
var exSetupPlaceholder = []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" +
	"exsweep loggen placeholder for ExSetup.exe (Microsoft Exchange Server 15.01.2176.002); not a program\r\n")

// result is what a generation wrote.
type result struct {
	Files    int
	Bytes    int64
	Rows     int64
	ByStream []int64
	Elapsed  time.Duration
	Truth    *groundTruth
}

func generate(cfg config) (*result, error) {
	t0 := time.Now()
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(cfg.Out, filepath.FromSlash(exBase+"/Bin")), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(cfg.Out, filepath.FromSlash(exBase+"/Bin/ExSetup.exe")), exSetupPlaceholder, 0o644); err != nil {
		return nil, err
	}
	jobs := cfg.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	results := make([]streamResult, len(p.streams))
	// Heaviest streams first so the workers finish together.
	order := make([]int, len(p.streams))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return p.streams[order[a]].weight > p.streams[order[b]].weight })
	next := make(chan int, len(order))
	for _, i := range order {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for j := 0; j < jobs; j++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for si := range next {
				results[si] = p.runStream(si)
			}
		}()
	}
	wg.Wait()
	res := &result{Files: 1, Bytes: int64(len(exSetupPlaceholder)), ByStream: make([]int64, len(p.streams))}
	var hits []truthHit
	for si, sr := range results {
		if sr.err != nil {
			return nil, fmt.Errorf("%s: %w", p.streams[si].dir, sr.err)
		}
		res.Files += sr.files
		res.Bytes += sr.bytes
		res.Rows += sr.rows
		res.ByStream[si] = sr.bytes
		hits = append(hits, sr.hits...)
	}
	res.Truth = p.truth(hits, res.Bytes)
	if err := writeTruth(filepath.Join(cfg.Out, "ground-truth.json"), res.Truth); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(t0)
	return res, nil
}

// event is one injected attack row, rendered when its stream reaches its time.
type event struct {
	t      int64
	chain  int
	seq    int      // order of creation, breaks ties
	vals   []string // raw column values (the time column excluded for IIS, ECP and OAB)
	marker string   // what identifies the row when it carries no client address
	what   string
}

type truthHit struct {
	chain  int
	t      int64
	file   string
	line   int
	marker string
	what   string
}

type streamResult struct {
	files int
	bytes int64
	rows  int64
	hits  []truthHit
	err   error
}

// streamGen writes one stream (one log folder).
type streamGen struct {
	p   *plan
	si  int
	def streamDef
	r   *rand.Rand
	pl  *pools
	clk clock

	// current file
	f         *os.File
	w         *bufio.Writer
	key       int64 // hour (Exchange) or day (IIS) the open file covers
	keySet    bool
	seq       int
	rel       string
	lines     int
	fbytes    int64
	restartAt int64
	lay       *layout

	written int64 // bytes of the whole stream
	rows    int64
	files   int
	hits    []truthHit
	err     error

	ev  []event
	evi int

	sc   []byte // the row being built
	ends [nProxyCols]int
	tmp  []byte // stems and anchors of the row being built
	tmp2 []byte // queries of the row being built, then the row in a variant layout
	hdr  []byte // header blocks

	ecp *ecpState
}

func (p *plan) runStream(si int) streamResult {
	g := &streamGen{p: p, si: si, def: p.streams[si], pl: p.pools, ev: p.events[si]}
	g.r = rand.New(rand.NewPCG(p.cfg.Seed, 0x73747265616d0000+uint64(si)))
	g.w = bufio.NewWriterSize(nil, 1<<20)
	g.sc = make([]byte, 0, 8192)
	g.tmp = make([]byte, 0, 2048)
	g.tmp2 = make([]byte, 0, 2048)
	g.hdr = make([]byte, 0, 2048)
	budget := float64(p.budget) * g.def.weight
	avg := map[streamKind]float64{skProxy: 1000, skECP: 230, skOAB: 180, skIIS: 300}[g.def.kind]
	for h := 0; h < p.hours && g.err == nil; h++ {
		hourStart := p.startMs + int64(h)*hourMs
		target := int64(budget * p.cum[h+1])
		var t int64
		for g.written < target && g.err == nil {
			remain := float64(target - g.written)
			if remain < avg {
				remain = avg
			}
			gap := float64(hourMs-t) * avg / remain
			t += int64(g.r.ExpFloat64() * gap)
			if t >= hourMs {
				t = hourMs - 1
			}
			abs := hourStart + t
			g.flushEvents(abs)
			n := g.benign(abs)
			avg = avg*0.995 + float64(n)*0.005
		}
		g.flushEvents(hourStart + hourMs - 1)
	}
	g.flushEvents(math.MaxInt64)
	g.closeFile()
	return streamResult{files: g.files, bytes: g.written, rows: g.rows, hits: g.hits, err: g.err}
}

func (g *streamGen) flushEvents(upTo int64) {
	for g.evi < len(g.ev) && g.ev[g.evi].t <= upTo && g.err == nil {
		e := &g.ev[g.evi]
		g.evi++
		g.render(e)
		g.hits = append(g.hits, truthHit{chain: e.chain, t: e.t, file: g.rel, line: g.lines, marker: e.marker, what: e.what})
	}
}

// render writes an attack row.
func (g *streamGen) render(e *event) {
	g.before(e.t)
	b := g.sc[:0]
	switch g.def.kind {
	case skProxy:
		for i := 0; i < nProxyCols; i++ {
			if i == 0 {
				b = g.clk.appendISO(b, e.t)
			} else {
				b = append(b, csvField(e.vals[i])...)
			}
			g.ends[i] = len(b)
			if i < nProxyCols-1 {
				b = append(b, ',')
			}
		}
		g.sc = b
		g.emitProxy()
		return
	case skECP, skOAB:
		b = g.clk.appendISO(b, e.t)
		for i, v := range e.vals {
			b = append(b, ',')
			if i == 1 && v == "" { // the process id of the file's worker
				b = appendInt(b, g.procState().pid)
				continue
			}
			b = appendCSVQuoted(b, []byte(v))
		}
	case skIIS:
		b = g.clk.appendW3C(b, e.t)
		for _, v := range e.vals {
			b = append(b, ' ')
			b = append(b, w3cField(v)...)
		}
	}
	b = append(b, '\r', '\n')
	g.sc = b
	g.emit(b)
}

// before makes sure the right file is open for a row at time t, rotating and restarting as
// Exchange does.
func (g *streamGen) before(t int64) {
	var key int64
	if g.def.kind == skIIS {
		key = t / dayMs
	} else {
		key = t / hourMs
	}
	switch {
	case g.f != nil && key == g.key && g.def.kind != skIIS && g.fbytes >= g.p.cfg.Rotate:
		g.closeFile()
		g.seq++
		g.open(key, t)
	case g.f == nil || !g.keySet || key != g.key:
		if g.keySet && key == g.key {
			g.seq++ // reopened within the same hour: never overwrite
		} else {
			g.seq = 1
		}
		g.closeFile()
		g.open(key, t)
	}
	if g.restartAt != 0 && t >= g.restartAt {
		g.restartAt = 0
		if g.def.kind == skProxy && g.r.IntN(2) == 0 {
			g.lay = g.pickLayout()
		}
		g.header(t)
	}
}

func (g *streamGen) open(key, t int64) {
	if g.err != nil {
		return
	}
	g.key, g.keySet = key, true
	var name string
	switch g.def.kind {
	case skProxy:
		name = "HttpProxy_" + hourStamp(t) + "-" + itoa(g.seq) + ".LOG"
	case skECP:
		name = "ECPServer" + hourStamp(t) + "-" + itoa(g.seq) + ".LOG"
	case skOAB:
		name = "OABGenerator" + hourStamp(t) + "-" + itoa(g.seq) + ".LOG"
	case skIIS:
		name = "u_ex" + dayStamp(t) + ".log"
	}
	g.rel = g.def.dir + "/" + name
	full := filepath.Join(g.p.cfg.Out, filepath.FromSlash(g.rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		g.err = err
		return
	}
	f, err := os.Create(full)
	if err != nil {
		g.err = err
		return
	}
	g.f = f
	g.w.Reset(f)
	g.lines, g.fbytes = 0, 0
	g.files++
	g.restartAt = 0
	g.lay = &layouts[0]
	switch g.def.kind {
	case skProxy:
		if g.r.IntN(100) < 15 {
			g.lay = g.pickLayout()
		}
		if g.r.IntN(100) < 4 {
			g.restartAt = t + 1 + g.r.Int64N(hourMs-t%hourMs)
		}
	case skECP, skOAB:
		if g.r.IntN(100) < 3 {
			g.restartAt = t + 1 + g.r.Int64N(hourMs-t%hourMs)
		}
	case skIIS:
		if g.r.IntN(100) < 20 {
			g.restartAt = t + 1 + g.r.Int64N(dayMs-t%dayMs)
		}
		t = t / dayMs * dayMs
	}
	g.header(t)
}

func (g *streamGen) pickLayout() *layout { return &layouts[1+g.r.IntN(len(layouts)-1)] }

func (g *streamGen) closeFile() {
	if g.f == nil {
		return
	}
	if err := g.w.Flush(); err != nil && g.err == nil {
		g.err = err
	}
	if err := g.f.Close(); err != nil && g.err == nil {
		g.err = err
	}
	g.f = nil
}

// header writes a header block: at the top of a file, and again after a service restart.
func (g *streamGen) header(t int64) {
	b := g.hdr[:0]
	switch g.def.kind {
	case skIIS:
		b = append(b, "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: "...)
		b = g.clk.appendW3C(b, t)
		b = append(b, "\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n"...)
		g.lines += 4
	default:
		version, logType, fields := "15.01.2176.002", "", ""
		switch g.def.kind {
		case skProxy:
			version, logType, fields = g.lay.version, "HttpProxy Logs", g.lay.fields
		case skECP:
			logType, fields = "ECP Server Logs", "DateTime,ServerName,ProcessId,ThreadId,ClientIpAddress,UserName,ActivityId,RequestId,Event,Duration,GenericInfo"
		case skOAB:
			logType, fields = "OAB Generator Logs", "DateTime,ServerName,ProcessId,ThreadId,Level,Message"
		}
		b = append(b, "#Software: Microsoft Exchange Server\r\n#Version: "...)
		b = append(b, version...)
		b = append(b, "\r\n#Log-type: "...)
		b = append(b, logType...)
		b = append(b, "\r\n#Date: "...)
		b = g.clk.appendISO(b, t)
		b = append(b, "\r\n#Fields: "...)
		b = append(b, fields...)
		b = append(b, '\r', '\n')
		g.lines += 5
	}
	g.hdr = b
	g.write(b)
}

func (g *streamGen) write(b []byte) {
	if g.err != nil {
		return
	}
	if _, err := g.w.Write(b); err != nil {
		g.err = err
	}
	g.fbytes += int64(len(b))
	g.written += int64(len(b))
}

// emit writes one finished row (ending in CRLF).
func (g *streamGen) emit(b []byte) int {
	g.write(b)
	g.lines++
	g.rows++
	return len(b)
}

func itoa(v int) string { return string(appendInt(nil, v)) }

func (p *plan) truth(hits []truthHit, size int64) *groundTruth {
	gt := &groundTruth{Generator: "exsweep-loggen", Seed: p.cfg.Seed, SizeBytes: size, Start: isoSeconds(p.startMs),
		End: isoSeconds(p.startMs + int64(p.hours)*hourMs), Days: p.cfg.Days, Chains: []truthChain{}}
	by := make(map[int][]truthHit)
	for _, h := range hits {
		by[h.chain] = append(by[h.chain], h)
	}
	for _, c := range p.chains {
		hs := by[c.id]
		sort.SliceStable(hs, func(i, j int) bool {
			if hs[i].t != hs[j].t {
				return hs[i].t < hs[j].t
			}
			if hs[i].file != hs[j].file {
				return hs[i].file < hs[j].file
			}
			return hs[i].line < hs[j].line
		})
		tc := truthChain{ID: c.id, Kind: c.kind, ClientIP: c.ip, Expected: c.verdict}
		for i, h := range hs {
			if i == 0 {
				tc.First = isoSeconds(h.t)
			}
			tc.Last = isoSeconds(h.t)
			tc.Rows = append(tc.Rows, truthRow{File: h.file, Line: h.line, Time: isoMillis(h.t), What: h.what, Marker: h.marker})
		}
		gt.Chains = append(gt.Chains, tc)
	}
	return gt
}

func isoMillis(ms int64) string {
	var c clock
	return string(c.appendISO(nil, ms))
}
