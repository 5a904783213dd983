package main

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
)

// ua is a user agent in the three spellings the generator needs: as sent, as a CSV field
// (quoted when it holds a comma) and as an IIS W3C value (spaces written as '+').
type ua struct{ raw, csv, w3c []byte }

func mkUA(s string) *ua {
	return &ua{raw: []byte(s), csv: []byte(csvField(s)), w3c: []byte(w3cField(s))}
}

// csvField escapes one value the way Exchange's CSV writer does: quoted when it holds a
// comma, a quote or a line break, inner quotes doubled.
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// w3cField writes one IIS W3C value: '-' when empty, spaces as '+'.
func w3cField(s string) string {
	if s == "" {
		return "-"
	}
	return strings.ReplaceAll(s, " ", "+")
}

// user is one mailbox with everything its clients put in the logs.
type user struct {
	smtp     []byte // user12@contoso.com
	smtpURL  []byte // user12%40contoso.com
	win      []byte // CONTOSO\user12
	anchors  [3][]byte
	mbx      []byte // mailbox guid
	devID    []byte
	devType  []byte
	devUA    *ua
	deskUA   *ua
	webUA    *ua
	deskIP   []byte // inside the company network
	mobIP    []byte // a public address
	deskIsV6 bool
}

// pools holds everything rows pick from, built once from the seed.
type pools struct {
	users      []user
	admins     []user
	health     [][]byte // HealthMailbox...@contoso.com
	publicIPs  [][]byte
	outlookUAs []*ua
	browserUAs []*ua
	crawlerUAs []*ua
	noiseUAs   []*ua
	ewsUAs     []*ua
	calUAs     []*ua
	amProbe    *ua
	winRM      *ua
	msrpc      *ua
	lbProbe    *ua
	oabGUIDs   [][]byte
	dbGUIDs    [][]byte
	canaries   [][]byte // ECP canaries of logged-in admins
	calGUIDs   [][]byte
}

const (
	domainSID = "S-1-5-21-3623811015-3361044348-30300820"
	mailHost  = "mail.contoso.com"
	serverFQ  = "ex01.contoso.local"
	serverIP  = "10.0.1.11"
	peerIP    = "10.0.1.12"
)

var (
	easDevices = []struct{ ua, typ string }{
		{"Apple-iPhone12C1/1803.617", "iPhone"},
		{"Apple-iPhone13C2/1804.119", "iPhone"},
		{"Apple-iPhone11C8/1803.617", "iPhone"},
		{"Apple-iPad8C1/1803.617", "iPad"},
		{"Android-SAMSUNG-SM-G991B/101.11000", "SAMSUNGSMG991B"},
		{"Android-SAMSUNG-SM-A515F/100.90000", "SAMSUNGSMA515F"},
		{"Outlook-iOS-Android/1.0", "Outlook"},
		{"Android/10-EAS-2.0", "Android"},
		{"WindowsMail/16005.13426.20566.0", "WindowsMail"},
		{"Nine/4.9.4b", "Android"},
	}
	outlookUAStrings = []string{
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13628; Pro)",
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13801; Pro)",
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)",
		"Microsoft Office/15.0 (Windows NT 6.1; Microsoft Outlook 15.0.5319; Pro)",
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.12527; Pro)",
	}
	browserUAStrings = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.182 Safari/537.36 Edg/88.0.705.74",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:86.0) Gecko/20100101 Firefox/86.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.0.3 Safari/605.1.15",
		"Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 14_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.0.3 Mobile/15E148 Safari/604.1",
	}
	crawlerUAStrings = []string{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"DuckDuckBot/1.0; (+http://duckduckgo.com/duckduckbot.html)",
		"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
	}
	noiseUAStrings = []string{
		"Mozilla/5.0 zgrab/0.x",
		"Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36",
		"curl/7.68.0",
	}
	ewsUAStrings = []string{
		"MacOutlook/16.46.21021202 (Intelx64 Mac OS X 10.15.7 (Build 19H524))",
		"Mac OS X/10.15.7 (19H524); ExchangeWebServices/11.0 (344.3); Mail/13.4 (3608.120.23.2.4)",
		"ExchangeServicesClient/15.00.0913.015",
		"OC/16.0.13628.20000 (Skype for Business)",
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13628; Pro)",
		"Teams/1.4.00.4855 Chrome/80.0.3987.165 Electron/8.5.1",
	}
	calUAStrings = []string{
		"Google-Calendar-Importer",
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13628; Pro)",
		"iOS/14.4 (18D52) dataaccessd/1.0",
	}
)

// isReservedOrDoc reports addresses benign traffic must not use: private, loopback, link-local,
// multicast and above all the documentation ranges the attack chains take their addresses from.
func isReservedOrDoc(a netip.Addr) bool {
	for _, p := range reservedPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

var reservedPrefixes = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3", "2001:db8::/32"} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

func randPublicIP(r *rand.Rand) []byte {
	for {
		v := r.Uint32()
		a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		if !isReservedOrDoc(a) {
			return []byte(a.String())
		}
	}
}

func hexUpper(r *rand.Rand, n int) []byte {
	const digits = "0123456789ABCDEF"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return b
}

func newPools(seed uint64, nUsers int) *pools {
	r := rand.New(rand.NewPCG(seed, 0x706f6f6c73))
	p := &pools{}
	for _, s := range outlookUAStrings {
		p.outlookUAs = append(p.outlookUAs, mkUA(s))
	}
	for _, s := range browserUAStrings {
		p.browserUAs = append(p.browserUAs, mkUA(s))
	}
	for _, s := range crawlerUAStrings {
		p.crawlerUAs = append(p.crawlerUAs, mkUA(s))
	}
	for _, s := range noiseUAStrings {
		p.noiseUAs = append(p.noiseUAs, mkUA(s))
	}
	for _, s := range ewsUAStrings {
		p.ewsUAs = append(p.ewsUAs, mkUA(s))
	}
	for _, s := range calUAStrings {
		p.calUAs = append(p.calUAs, mkUA(s))
	}
	p.amProbe = mkUA("AMProbe/Local/ClientAccess")
	p.winRM = mkUA("Microsoft WinRM Client")
	p.msrpc = mkUA("MSRPC")
	p.lbProbe = mkUA("KEMP 1.0")
	devUAs := make([]*ua, len(easDevices))
	for i, d := range easDevices {
		devUAs[i] = mkUA(d.ua)
	}
	mk := func(name string, rid int) user {
		u := user{}
		smtp := name + "@contoso.com"
		u.smtp = []byte(smtp)
		u.smtpURL = []byte(name + "%40contoso.com")
		u.win = []byte(`CONTOSO\` + name)
		u.anchors[0] = []byte("Smtp~" + smtp)
		u.anchors[1] = []byte("Sid~" + domainSID + "-" + strconv.Itoa(rid))
		u.anchors[2] = []byte("PUID~" + string(hexUpper(r, 16)) + "@contoso.com")
		u.mbx = appendGUID(nil, r)
		d := r.IntN(len(easDevices))
		u.devType = []byte(easDevices[d].typ)
		u.devUA = devUAs[d]
		if easDevices[d].typ == "iPhone" || easDevices[d].typ == "iPad" {
			u.devID = append([]byte("Appl"), hexUpper(r, 11)...)
		} else {
			u.devID = hexUpper(r, 32)
		}
		u.deskUA = p.outlookUAs[r.IntN(len(p.outlookUAs))]
		u.webUA = p.browserUAs[r.IntN(len(p.browserUAs))]
		u.deskIP = []byte("10." + strconv.Itoa(20+r.IntN(8)) + "." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(1+r.IntN(254)))
		u.mobIP = randPublicIP(r)
		return u
	}
	for i := 0; i < nUsers; i++ {
		p.users = append(p.users, mk("user"+strconv.Itoa(i+1), 1104+i))
	}
	for i := 0; i < 4; i++ {
		a := mk("admin"+strconv.Itoa(i+1), 1000+i)
		a.deskIP = []byte("10.0.5." + strconv.Itoa(20+i))
		p.admins = append(p.admins, a)
	}
	for i := 0; i < 6; i++ {
		h := strings.ToLower(string(hexUpper(r, 32)))
		p.health = append(p.health, []byte("HealthMailbox"+h+"@contoso.com"))
	}
	for i := 0; i < 600; i++ {
		p.publicIPs = append(p.publicIPs, randPublicIP(r))
	}
	for i := 0; i < 3; i++ {
		p.oabGUIDs = append(p.oabGUIDs, appendGUID(nil, r))
		p.dbGUIDs = append(p.dbGUIDs, appendGUID(nil, r))
	}
	for i := 0; i < 16; i++ {
		p.canaries = append(p.canaries, canary(r))
	}
	for i := 0; i < 40; i++ {
		p.calGUIDs = append(p.calGUIDs, appendGUID(nil, r))
	}
	return p
}

// canary makes an ECP canary token (msExchEcpCanary): URL-safe base64 ending in a dot.
func canary(r *rand.Rand) []byte {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	b := make([]byte, 75)
	for i := range b[:74] {
		b[i] = alpha[r.IntN(64)]
	}
	b[74] = '.'
	return b
}

const hexdig = "0123456789abcdef"

// appendGUID appends a random GUID in the 8-4-4-4-12 form.
func appendGUID(b []byte, r *rand.Rand) []byte {
	x, y := r.Uint64(), r.Uint64()
	var g [36]byte
	j := 0
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			g[j] = '-'
			j++
		}
		var nib uint64
		if i < 16 {
			nib = x >> (60 - 4*uint(i))
		} else {
			nib = y >> (60 - 4*uint(i-16))
		}
		g[j] = hexdig[nib&15]
		j++
	}
	g[14] = '4'               // version 4 (random)
	g[19] = "89ab"[(y>>62)&3] // RFC 4122 variant
	return append(b, g[:]...)
}

// picker chooses an index by weight with one table lookup.
type picker struct{ tab [8192]uint8 }

func newPicker(weights []float64) *picker {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	p := &picker{}
	pos, acc := 0, 0.0
	for i, w := range weights {
		acc += w
		end := int(acc/sum*8192 + 0.5)
		if w > 0 && end <= pos {
			end = pos + 1
		}
		for ; pos < end && pos < 8192; pos++ {
			p.tab[pos] = uint8(i)
		}
	}
	for ; pos < 8192; pos++ {
		p.tab[pos] = uint8(len(weights) - 1)
	}
	return p
}

func (p *picker) pick(r *rand.Rand) int { return int(p.tab[r.Uint64()&8191]) }
