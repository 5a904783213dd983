package exchangesim

import "net/netip"

// Kind is what a simulated host is.
type Kind string

// The kinds of host the emulator can play.
const (
	// KindExchange is an on-premises Exchange server (2010, 2013, 2016, 2019 or SE) at Profile.Build.
	KindExchange Kind = "exchange"
	// KindOnline is Exchange Online (Microsoft 365): 15.20 builds, outlook.com back ends, Bearer.
	KindOnline Kind = "exchange-online"
	// KindIIS is a plain IIS site: default page, Server: Microsoft-IIS/10.0, 404 elsewhere.
	KindIIS Kind = "iis"
	// KindWAF is a web application firewall or reverse proxy that answers every path with its own
	// 403 block page (no Exchange headers).
	KindWAF Kind = "waf"
	// KindLookalike is a honeypot or phishing page: an "Outlook" logon page with one Exchange
	// marker (the title) and nothing else that agrees.
	KindLookalike Kind = "lookalike"
)

// Hostile is a misbehaviour the host shows to every connection; "" is none.
type Hostile string

// Hostile modes. Each must be bounded by the scanner's deadlines and caps.
const (
	HostileNone      Hostile = ""
	HostileSilent    Hostile = "silent"        // accepts the connection, never sends a byte
	HostileSlow      Hostile = "slow"          // a valid response, one byte per second
	HostileEndless   Hostile = "endless-body"  // valid headers, then a body that never ends
	HostileGzipBomb  Hostile = "gzip-bomb"     // Content-Encoding: gzip, ~10 MB expanding to 10 GiB
	HostileHugeHead  Hostile = "huge-header"   // a 1 MB response header
	HostileBadStatus Hostile = "bad-status"    // a malformed status line
	HostileTLSJunk   Hostile = "tls-garbage"   // random bytes instead of a TLS ServerHello
	HostileRedirect  Hostile = "redirect-loop" // every request answered 302 to another URL of the same host
	HostileReset     Hostile = "reset"         // half a response, then a TCP reset
)

// Profile says how one simulated host answers.
type Profile struct {
	Kind Kind `json:"kind"`
	// Build is the product build, four parts (15.1.2176.9). Exchange and Online only.
	Build string `json:"build,omitempty"`
	// Reported, when set, is what X-OWA-Version and the manifest say instead of Build (2019 CU9
	// reports 15.2.858.2 for product build 15.2.858.5).
	Reported string `json:"reported,omitempty"`
	// Backends, when set, are the builds of the back ends behind a load balancer: X-OWA-Version
	// answers cycle through them, request after request. GenerateFleet sets Build to the lowest
	// of them, the one a scan should report.
	Backends []string `json:"backends,omitempty"`
	// Server is the NetBIOS name in X-FEServer ("EX01" when empty).
	Server string `json:"server,omitempty"`
	// ECPBlocked: /ecp/ is not published outside (404 from the front end, as a firewall rule or
	// a publishing rule makes it), so the export tool manifest cannot be read.
	ECPBlocked bool `json:"ecp_blocked,omitempty"`
	// ProxyLogonRewrite: Microsoft's two URL Rewrite rules (AbortRequest on the X-AnonResource-Backend
	// and X-BEResource cookies) are installed.
	ProxyLogonRewrite bool `json:"proxylogon_rewrite,omitempty"`
	// PoolsStopped: the ECP and OAB application pools are stopped (/ecp/ and /oab/ answer 503).
	PoolsStopped bool `json:"pools_stopped,omitempty"`
	// ProxyNotShellRewrite: requests whose decoded URL holds both "autodiscover" and "powershell"
	// are aborted.
	ProxyNotShellRewrite bool `json:"proxynotshell_rewrite,omitempty"`
	// Hostile, when set, replaces all of the above with a misbehaviour.
	Hostile Hostile `json:"hostile,omitempty"`
}

// Host is one simulated server: an address of 127.0.0.0/8 (or ::1), a port, and a profile.
type Host struct {
	Addr    netip.Addr `json:"addr"`
	Port    uint16     `json:"port"`
	TLS     bool       `json:"tls"`
	Profile Profile    `json:"profile"`
}
