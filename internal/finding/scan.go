package finding

import "time"

// ScanSchema is the version of the scan's host record (one JSON line per host). Bump it when a
// field changes meaning or disappears; adding a field does not need a bump.
const ScanSchema = 1

// Host statuses of a scan: a fixed vocabulary, one per host.
const (
	ScanExchange    = "exchange"        // an on-premises Exchange server (two or more independent markers)
	ScanOnline      = "exchange-online" // Microsoft 365: never an on-premises server, nothing to patch
	ScanNotExchange = "not-exchange"    // it answered, and it is not Exchange (or only one marker: a look-alike)
	ScanUnreachable = "unreachable"     // no TCP connection (refused, no route, connect timeout, DNS)
	ScanFailed      = "failed"          // connected, but no usable answer (TLS error, timeouts, malformed HTTP)
	ScanExcluded    = "excluded"        // a name resolved only to excluded addresses: never touched
)

// Fix family statuses of a scan.
const (
	FixVulnerable = "vulnerable"
	FixMitigated  = "vulnerable-mitigated" // the build lacks the fix, a mitigation answers remotely
	FixFixed      = "fixed"
	FixUnknown    = "unknown" // always with a reason
)

// ScanHost is what a scan found out about one target.
type ScanHost struct {
	Schema   int       `json:"schema"`
	Target   string    `json:"target"` // the target's key: scheme://host:port (resume uses it)
	Input    string    `json:"input,omitempty"`
	Name     string    `json:"name,omitempty"` // host name used for DNS, SNI and Host
	IP       string    `json:"ip,omitempty"`
	Port     uint16    `json:"port"`
	Scheme   string    `json:"scheme"`
	Started  time.Time `json:"started"`
	Duration float64   `json:"duration_s"`
	Status   string    `json:"status"`
	Reason   string    `json:"reason,omitempty"` // why unreachable/failed/not-exchange, in one phrase

	Markers     []Marker    `json:"markers,omitempty"`
	Product     string      `json:"product,omitempty"` // 2013, 2016, 2019, SE, ...
	ProductName string      `json:"product_name,omitempty"`
	CU          string      `json:"cu,omitempty"`
	Update      string      `json:"update,omitempty"`
	Build       string      `json:"build,omitempty"` // the build the verdicts use (lowest seen); three parts when only the CU is known
	BuildExact  bool        `json:"build_exact"`
	BuildFrom   string      `json:"build_signal,omitempty"` // which signal: x-owa-version, exporttool-manifest, owa-resource-path, ...
	Confidence  string      `json:"confidence,omitempty"`   // high, medium, low
	BuildsSeen  []BuildSeen `json:"builds_seen,omitempty"`
	Servers     []string    `json:"servers,omitempty"`    // front-end and back-end names seen (X-FEServer, X-BEServer, X-DiagInfo, X-CalculatedBETarget)
	CertNames   []string    `json:"cert_names,omitempty"` // names in the TLS certificate
	Warnings    []string    `json:"warnings,omitempty"`

	Families    []FamilyStatus `json:"families"`
	Mitigations []Mitigation   `json:"mitigations,omitempty"`
	Checks      []Check        `json:"checks,omitempty"`
	Requests    []Exchange     `json:"requests"`
}

// Marker is one piece of evidence that a host is Exchange.
type Marker struct {
	Name    string `json:"name"`    // owa-logon-page, x-feserver, x-owa-version, ews-auth-challenge, exporttool-manifest, backend-header
	Request string `json:"request"` // the request that showed it: "GET /owa/auth/logon.aspx"
	Value   string `json:"value"`
}

// BuildSeen is one build number a signal gave.
type BuildSeen struct {
	Build   string `json:"build"`
	Signal  string `json:"signal"`
	Request string `json:"request"`
}

// FamilyStatus is one fix family's answer for the host.
type FamilyStatus struct {
	Family  string      `json:"family"`
	CVEs    []string    `json:"cves,omitempty"`
	Status  string      `json:"status"`
	Reason  string      `json:"reason,omitempty"` // with unknown
	Why     string      `json:"why,omitempty"`
	Signal  string      `json:"signal,omitempty"` // build, or the active check that decided
	Install *FixInstall `json:"install,omitempty"`
}

// FixInstall is the update that fixes a family on the host's build.
type FixInstall struct {
	Name           string `json:"name"`
	KB             string `json:"kb,omitempty"`
	Build          string `json:"build"`
	CUUpgradeFirst bool   `json:"cu_upgrade_first"`
	CU             string `json:"cu,omitempty"`
}

// Mitigation is a mitigation seen from outside.
type Mitigation struct {
	Name     string   `json:"name"` // proxylogon-url-rewrite, ecp-oab-pools-stopped, proxynotshell-url-rewrite
	Families []string `json:"families"`
	Evidence string   `json:"evidence"`
}

// Check is the result of one active safe check.
type Check struct {
	Name     string `json:"name"`   // proxylogon-ssrf, proxyshell-ssrf, proxynotshell-mitigation, ecp-oab-pools
	Result   string `json:"result"` // vulnerable, not-vulnerable, mitigated, not-mitigated, inconclusive
	Evidence string `json:"evidence"`
}

// Exchange is one request the scanner sent and what came back.
type Exchange struct {
	Request string  `json:"request"` // "GET /owa/auth/logon.aspx"
	Status  int     `json:"status,omitempty"`
	Seconds float64 `json:"seconds"`
	Error   string  `json:"error,omitempty"` // timeout-connect, timeout-headers, aborted, tls-error, ...
}

// ScanSummary counts a scan's hosts.
type ScanSummary struct {
	Targets   int            `json:"targets"`
	Statuses  map[string]int `json:"statuses"`
	Products  map[string]int `json:"products"` // "Exchange Server 2016 CU19" -> hosts
	Families  []FamilyCount  `json:"families"`
	Duration  float64        `json:"duration_s"`
	Requests  int            `json:"requests"`
	Excluded  uint64         `json:"excluded"`
	BadTokens int            `json:"bad_targets"`
}

// FamilyCount counts one family's statuses over the Exchange hosts.
type FamilyCount struct {
	Family     string `json:"family"`
	Vulnerable int    `json:"vulnerable"`
	Mitigated  int    `json:"vulnerable_mitigated"`
	Fixed      int    `json:"fixed"`
	Unknown    int    `json:"unknown"`
}
