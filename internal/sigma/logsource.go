package sigma

import (
	"fmt"
	"strings"

	"github.com/exsweep/exsweep/internal/winevent"
)

// Sigma's Windows taxonomy (sigma-specification, Taxonomy appendix): which channel and event ids
// a logsource stands for. Categories and services not listed here are not carried by any input
// exsweep reads; rules asking for them are unusable, with that reason, rather than loaded and
// silently never matching.

// evSource is one kind of event: a channel (or, for inputs without one, its provider) and event
// ids (none: any id).
type evSource struct {
	channels  []string
	providers []string
	ids       []uint32
	check     func(*winevent.Event) bool
}

// eventFilter is what ForEvent tests: every group must accept the event, a group accepting it
// when any of its sources does (category and service each give one group).
type eventFilter struct {
	groups [][]evSource
}

const (
	chSysmon     = "Microsoft-Windows-Sysmon/Operational"
	chSecurity   = "Security"
	chPowerShell = "Microsoft-Windows-PowerShell/Operational"
	chPSCore     = "PowerShellCore/Operational"
	chPSClassic  = "Windows PowerShell"
)

var (
	provSysmon     = []string{"Microsoft-Windows-Sysmon"}
	provSecurity   = []string{"Microsoft-Windows-Security-Auditing"}
	provPowerShell = []string{"Microsoft-Windows-PowerShell", "PowerShellCore"}
)

func sysmon(ids ...uint32) []evSource {
	return []evSource{{channels: []string{chSysmon}, providers: provSysmon, ids: ids}}
}

func powershell(ids ...uint32) []evSource {
	return []evSource{{channels: []string{chPowerShell, chPSCore}, providers: provPowerShell, ids: ids}}
}

// registryEventType restricts Sysmon event 12 (key or value created or deleted) for the
// registry_add and registry_delete categories; an event without EventType passes.
func registryEventType(deleted bool) func(*winevent.Event) bool {
	return func(e *winevent.Event) bool {
		t, ok := e.Get("EventType")
		if !ok || t == "" {
			return true
		}
		return strings.HasPrefix(strings.ToLower(t), "delete") == deleted
	}
}

// windowsCategory maps a Windows logsource category to its events.
func windowsCategory(c string) ([]evSource, bool) {
	switch c {
	case "process_creation":
		return []evSource{
			{channels: []string{chSysmon}, providers: provSysmon, ids: []uint32{1}},
			{channels: []string{chSecurity}, providers: provSecurity, ids: []uint32{4688}},
		}, true
	case "process_termination":
		return sysmon(5), true
	case "network_connection":
		return sysmon(3), true
	case "file_change":
		return sysmon(2), true
	case "file_event":
		return sysmon(11), true
	case "file_delete":
		return sysmon(23, 26), true
	case "file_block":
		return sysmon(27, 28), true
	case "image_load":
		return sysmon(7), true
	case "driver_load":
		return sysmon(6), true
	case "create_remote_thread":
		return sysmon(8), true
	case "raw_access_thread":
		return sysmon(9), true
	case "process_access":
		return sysmon(10), true
	case "registry_add":
		return []evSource{{channels: []string{chSysmon}, providers: provSysmon, ids: []uint32{12}, check: registryEventType(false)}}, true
	case "registry_delete":
		return []evSource{{channels: []string{chSysmon}, providers: provSysmon, ids: []uint32{12}, check: registryEventType(true)}}, true
	case "registry_set":
		return sysmon(13), true
	case "registry_rename":
		return sysmon(14), true
	case "registry_event":
		return sysmon(12, 13, 14), true
	case "create_stream_hash":
		return sysmon(15), true
	case "sysmon_status":
		return sysmon(4, 16), true
	case "pipe_created":
		return sysmon(17, 18), true
	case "wmi_event":
		return sysmon(19, 20, 21), true
	case "dns_query":
		return sysmon(22), true
	case "clipboard_capture":
		return sysmon(24), true
	case "process_tampering":
		return sysmon(25), true
	case "sysmon_error":
		return sysmon(255), true
	case "ps_module":
		return powershell(4103), true
	case "ps_script":
		return powershell(4104), true
	case "ps_classic_start":
		return []evSource{{channels: []string{chPSClassic}, providers: []string{"PowerShell"}, ids: []uint32{400}}}, true
	case "ps_classic_provider_start":
		return []evSource{{channels: []string{chPSClassic}, providers: []string{"PowerShell"}, ids: []uint32{600}}}, true
	case "ps_classic_script":
		return []evSource{{channels: []string{chPSClassic}, providers: []string{"PowerShell"}, ids: []uint32{800}}}, true
	}
	return nil, false
}

// windowsServices maps a Windows logsource service to its channels (and providers, for inputs
// that lost the channel).
var windowsServices = map[string]evSource{
	"security":                             {channels: []string{chSecurity}, providers: provSecurity},
	"system":                               {channels: []string{"System"}},
	"application":                          {channels: []string{"Application"}},
	"sysmon":                               {channels: []string{chSysmon}, providers: provSysmon},
	"powershell":                           {channels: []string{chPowerShell, chPSCore}, providers: provPowerShell},
	"powershell-classic":                   {channels: []string{chPSClassic}, providers: []string{"PowerShell"}},
	"windefend":                            {channels: []string{"Microsoft-Windows-Windows Defender/Operational"}, providers: []string{"Microsoft-Windows-Windows Defender"}},
	"msexchange-management":                {channels: []string{"MSExchange Management"}, providers: []string{"MSExchange CmdletLogs"}},
	"taskscheduler":                        {channels: []string{"Microsoft-Windows-TaskScheduler/Operational"}},
	"wmi":                                  {channels: []string{"Microsoft-Windows-WMI-Activity/Operational"}},
	"dns-server":                           {channels: []string{"DNS Server"}},
	"dns-server-audit":                     {channels: []string{"Microsoft-Windows-DNS-Server/Audit"}},
	"driver-framework":                     {channels: []string{"Microsoft-Windows-DriverFrameworks-UserMode/Operational"}},
	"applocker":                            {channels: []string{"Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker/Packaged app-Deployment", "Microsoft-Windows-AppLocker/Packaged app-Execution"}},
	"bits-client":                          {channels: []string{"Microsoft-Windows-Bits-Client/Operational"}},
	"codeintegrity-operational":            {channels: []string{"Microsoft-Windows-CodeIntegrity/Operational"}},
	"dhcp":                                 {channels: []string{"Microsoft-Windows-DHCP-Server/Operational"}},
	"diagnosis-scripted":                   {channels: []string{"Microsoft-Windows-Diagnosis-Scripted/Operational"}},
	"firewall-as":                          {channels: []string{"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"}},
	"ldap_debug":                           {channels: []string{"Microsoft-Windows-LDAP-Client/Debug"}},
	"microsoft-servicebus-client":          {channels: []string{"Microsoft-ServiceBus-Client"}},
	"ntlm":                                 {channels: []string{"Microsoft-Windows-NTLM/Operational"}},
	"openssh":                              {channels: []string{"OpenSSH/Operational"}},
	"printservice-admin":                   {channels: []string{"Microsoft-Windows-PrintService/Admin"}},
	"printservice-operational":             {channels: []string{"Microsoft-Windows-PrintService/Operational"}},
	"security-mitigations":                 {channels: []string{"Microsoft-Windows-Security-Mitigations/Kernel Mode", "Microsoft-Windows-Security-Mitigations/User Mode"}},
	"smbclient-security":                   {channels: []string{"Microsoft-Windows-SmbClient/Security"}},
	"shell-core":                           {channels: []string{"Microsoft-Windows-Shell-Core/Operational"}},
	"terminalservices-localsessionmanager": {channels: []string{"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"}},
}

// resolveLogSource decides which inputs a rule applies to: Windows events (a filter), IIS rows
// (web), or neither (an error that says why).
func resolveLogSource(ls LogSource) (*eventFilter, bool, error) {
	product := strings.ToLower(strings.TrimSpace(ls.Product))
	category := strings.ToLower(strings.TrimSpace(ls.Category))
	service := strings.ToLower(strings.TrimSpace(ls.Service))
	if category == "webserver" {
		if service != "" {
			// Web server services (apache access, nginx, ...) are other products' logs.
			return nil, false, fmt.Errorf("logsource category webserver with service %s: exsweep reads IIS logs only", service)
		}
		return nil, true, nil
	}
	if product != "" && product != "windows" {
		return nil, false, fmt.Errorf("logsource product %s: no exsweep input carries it", product)
	}
	f := &eventFilter{}
	if category != "" {
		src, ok := windowsCategory(category)
		if !ok {
			return nil, false, fmt.Errorf("logsource category %s: no exsweep input carries it", category)
		}
		f.groups = append(f.groups, src)
	}
	if service != "" {
		src, ok := windowsServices[service]
		if !ok {
			return nil, false, fmt.Errorf("logsource service %s: no exsweep input carries it", service)
		}
		f.groups = append(f.groups, []evSource{src})
	}
	return f, false, nil
}

// ForEvent reports whether the rule's logsource applies to the event: product windows (or none),
// the category's events (process_creation: Security 4688 and Sysmon 1, file_event: Sysmon 11,
// ...) and the service's channel. Channel and provider names are compared case-insensitively;
// an event without a channel (some exports) is placed by its provider, and one that names
// neither (flat exports of a single log) by its event id alone for category rules (service rules
// need the channel or provider). A rule without logsource
// restrictions applies to every event; webserver rules to none.
func (r *Rule) ForEvent(e *winevent.Event) bool {
	if r.events == nil {
		return false
	}
	for _, g := range r.events.groups {
		ok := false
		for i := range g {
			if g[i].accepts(e) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (s *evSource) accepts(e *winevent.Event) bool {
	if len(s.ids) > 0 {
		found := false
		for _, id := range s.ids {
			if e.EventID == id {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	// An event naming neither channel nor provider is placed by its id, when the source has
	// ids; a service (a channel and nothing else) cannot place it.
	if len(s.channels) > 0 && (e.Channel != "" || e.Provider != "" || len(s.ids) == 0) {
		names, have := s.channels, e.Channel
		if have == "" {
			names, have = s.providers, e.Provider
		}
		found := false
		for _, n := range names {
			if n == have || strings.EqualFold(n, have) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return s.check == nil || s.check(e)
}
