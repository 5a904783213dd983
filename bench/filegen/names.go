package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Word pools for file names and file contents. None of them is a real product file list: the
// names only have to look like what lives in each folder.

var sysSyl = []string{"win", "net", "ms", "nt", "crypt", "svc", "core", "api", "shell", "user", "kern",
	"dx", "ole", "com", "rpc", "wmi", "ui", "sec", "auth", "cfg", "mgr", "prov", "host", "ext", "srv",
	"dns", "tcp", "ip", "http", "web", "data", "sys", "setup", "app", "media", "print", "audio",
	"font", "gdi", "d3d", "hid", "usb", "bth", "pnp", "power", "time", "task", "sched", "event",
	"log", "perf", "diag", "trace", "cert", "cli", "dav", "dhcp", "dism", "efs", "fve", "ias", "ieu",
	"lsa", "mmc", "msi", "ncrypt", "ntds", "odbc", "pdh", "qos", "rasa", "reg", "sam", "scard", "sfc",
	"slc", "snmp", "spp", "sql", "ssdp", "sxs", "tapi", "tdh", "uxt", "vds", "vss", "wer", "wins",
	"wlan", "wsd", "xml", "zip", "bcd", "cng", "dpapi", "evt", "ntlm", "kerb", "schannel", "wdigest"}

var exWords = []string{"Data", "Directory", "Transport", "Mailbox", "Store", "Common", "Diagnostics",
	"Management", "ControlPanel", "HttpProxy", "Security", "Configuration", "Net", "Rpc", "Search",
	"Assistants", "MailboxReplicationService", "Migration", "Entities", "Calendaring", "Clients",
	"Owa", "Autodiscover", "Services", "Core", "Compliance", "Hygiene", "Monitoring",
	"ActiveMonitoring", "Setup", "Provisioning", "PowerShell", "UM", "Inference", "Flighting",
	"VariantConfiguration", "Protocols", "Imap4", "Pop3", "AirSync", "Storage", "Cluster", "Replay",
	"Rules", "Extensibility", "Notifications", "Audit", "Logging", "Wopi", "Collections", "Text",
	"Xml", "Approval", "Classification", "Conversations", "Federation", "Groups", "Hybrid",
	"InfoWorker", "Journaling", "MapiHttp", "MessageTracking", "Metering", "Net.Http", "OAB",
	"Partner", "Query", "Recipients", "Routing", "Sharing", "SharePoint", "Sync", "TextProcessing",
	"Threading", "Worker", "WorkloadManagement", "Edge", "Antispam", "Dlp", "Ews", "Mapi", "Pst"}

var camel = []string{"Edit", "New", "View", "Manage", "Mailbox", "User", "Group", "Rule", "Policy",
	"Settings", "Options", "Permission", "Role", "Admin", "Audit", "Report", "Message", "Delivery",
	"Retention", "Journal", "Connector", "Domain", "Certificate", "Server", "Database", "Archive",
	"Mobile", "Device", "Quota", "Search", "Discovery", "Hold", "Transport", "Calendar", "Contact",
	"Resource", "Room", "Shared", "Public", "Folder", "Address", "List", "Book", "Migration",
	"Batch", "Endpoint", "Organization", "Sharing", "Federation", "Trust", "Hybrid", "Wizard",
	"Properties", "Picker", "Details", "Summary", "Status", "Log", "Tracking", "Inbox", "Junk",
	"Filter", "Voice", "Mail", "Accepted", "Remote", "Send", "Receive", "Queue", "Alert", "Notify",
	"Language", "Region", "Theme", "Signature", "Password", "Reset", "Account", "Profile", "Member"}

var ecpFolders = []string{"About", "Customize", "DDI", "Extension", "MessageTracking", "Organize",
	"OrgSettings", "PersonalSettings", "Reporting", "RulesEditor", "Security", "SMS", "Sharing",
	"Tools", "TroubleShooting", "UsersGroups", "Mailbox", "Migration", "Hybrid", "Servers",
	"Compliance", "Mobile", "Organization", "PublicFolders", "UnifiedMessaging", "Help", "Pickers"}

var jsIdents = []string{"owa", "ecp", "ko", "self", "options", "context", "element", "callback", "items",
	"value", "index", "result", "model", "view", "handler", "request", "response", "data", "args",
	"target", "source", "state", "config", "manager", "service", "action", "params", "node", "event",
	"list", "map", "keys", "url", "type", "name", "id", "text", "width", "height", "count", "offset"}

var cssProps = []string{"color:#333", "margin:0", "padding:4px 8px", "font-family:\"Segoe UI\",Tahoma,Arial",
	"font-size:12px", "display:none", "display:inline-block", "position:absolute", "top:0", "left:0",
	"width:100%", "height:24px", "border:1px solid #c8c8c8", "background-color:#fff", "overflow:hidden",
	"cursor:pointer", "text-align:left", "line-height:16px", "white-space:nowrap", "z-index:10",
	"background-image:url(../images/clear1x1.gif)", "vertical-align:middle", "float:left"}

var firstNames = []string{"anna", "ben", "carla", "david", "eva", "frank", "gina", "hugo", "iris", "jan",
	"karin", "lars", "maria", "nils", "olga", "paul", "rita", "sven", "tina", "uwe", "vera", "walter",
	"yvonne", "zoe", "adam", "beth", "chris", "dana", "eric", "fiona", "george", "helen", "ivan", "julia"}

var lastNames = []string{"smith", "mueller", "garcia", "rossi", "dubois", "jansen", "novak", "kowalski",
	"nielsen", "berg", "costa", "weber", "fischer", "lopez", "martin", "bauer", "schmidt", "keller",
	"wagner", "becker", "hoffmann", "schulz", "koch", "richter", "klein", "wolf", "neumann", "braun"}

var dotnetNames = []string{"System.Web", "System.Data", "System.Xml", "System.Core", "System.Configuration",
	"System.Runtime.Serialization", "System.ServiceModel", "System.IdentityModel", "System.DirectoryServices",
	"System.Management", "System.Net.Http", "System.Security", "System.Transactions", "System.Drawing",
	"System.Web.Extensions", "System.Web.Services", "System.EnterpriseServices", "System.Xaml",
	"System.Workflow.Runtime", "System.Messaging", "System.Net", "System.Numerics", "mscorlib",
	"Microsoft.CSharp", "Microsoft.VisualBasic", "Microsoft.Build.Framework", "System.Data.SqlXml"}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// sysName is a System32-style lower-case name: "ncryptprov", "wdisvc".
func sysName(r *rand.Rand) string {
	n := 2 + r.IntN(2)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(pick(r, sysSyl))
	}
	if r.IntN(5) == 0 {
		b.WriteString(strconv.Itoa(r.IntN(64)))
	}
	return b.String()
}

// exName is an Exchange assembly name: "Microsoft.Exchange.Data.Storage".
func exName(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("Microsoft.Exchange.")
	b.WriteString(pick(r, exWords))
	for i := r.IntN(3); i > 0; i-- {
		b.WriteByte('.')
		b.WriteString(pick(r, exWords))
	}
	return b.String()
}

// camelName joins two or three words: "EditMailboxSettings".
func camelName(r *rand.Rand) string {
	n := 2 + r.IntN(2)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(pick(r, camel))
	}
	return b.String()
}

func dotnetName(r *rand.Rand) string {
	s := pick(r, dotnetNames)
	if r.IntN(2) == 0 {
		s += "." + pick(r, []string{"Internal", "Design", "Linq", "Entity", "Services", "Protocols", "Compilation", "Routing", "Caching", "Hosting"})
	}
	return s
}

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
const hexDigits = "0123456789abcdef"

func randString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func hexN(r *rand.Rand, n int) string { return randString(r, hexDigits, n) }

func guid(r *rand.Rand) string {
	return hexN(r, 8) + "-" + hexN(r, 4) + "-" + hexN(r, 4) + "-" + hexN(r, 4) + "-" + hexN(r, 12)
}

func upperGUID(r *rand.Rand) string { return "{" + strings.ToUpper(guid(r)) + "}" }

// appendGUID appends a lower-case GUID without allocating.
func appendGUID(b []byte, src *rand.PCG) []byte {
	x, y := src.Uint64(), src.Uint64()
	for i := 0; i < 32; i++ {
		switch i {
		case 8, 12, 16, 20:
			b = append(b, '-')
		}
		var v uint64
		if i < 16 {
			v = x >> (4 * uint(i))
		} else {
			v = y >> (4 * uint(i-16))
		}
		b = append(b, hexDigits[v&15])
	}
	return b
}
