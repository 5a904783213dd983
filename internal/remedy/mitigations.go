package remedy

import (
	"fmt"
	"strings"

	"github.com/exsweep/exsweep/internal/finding"
)

// rewriteRule is one IIS URL Rewrite rule that aborts matching requests: the shape of every
// mitigation Microsoft published for these flaws (scan.md, "Mitigated but not patched").
type rewriteRule struct {
	name      string
	input     string // server variable the condition reads
	pattern   string
	condition string // what it stops, for the reader
}

// mitigation is what protects a server whose update must wait, for one fix family.
type mitigation struct {
	family  string
	rules   []rewriteRule
	caveats []string
	extra   []finding.Command
}

// The rule names are exsweep's own; what the rules do is what the hunt's configuration check
// (internal/iisconfig) recognises, and a test holds the two together.
func mitigationFor(family string) (mitigation, bool) {
	common := []string{
		"Needs the IIS URL Rewrite module (a free download from Microsoft) on the Exchange server.",
		"A cumulative update (CU) rewrites the Default Web Site's web.config and removes these rules: apply them again after every CU until the fixing update is installed.",
		"A mitigation closes the door for new attacks; it removes no backdoor already planted, and it does not replace the update.",
	}
	switch family {
	case "ProxyLogon":
		return mitigation{
			family: family,
			rules: []rewriteRule{
				{name: "exsweep ProxyLogon - abort X-AnonResource-Backend cookie", input: "{HTTP_COOKIE}", pattern: "(.*)X-AnonResource-Backend(.*)", condition: "requests whose cookie names X-AnonResource-Backend"},
				{name: "exsweep ProxyLogon - abort X-BEResource cookie", input: "{HTTP_COOKIE}", pattern: "(.*)X-BEResource=(.+)/(.+)~(.+)", condition: "requests whose X-BEResource cookie names a back end"},
			},
			caveats: append([]string{
				"It stops the server-side request forgery (CVE-2021-26855) that the whole ProxyLogon chain starts with; the other three flaws still need the update.",
			}, common...),
			extra: []finding.Command{{
				Lang:  "powershell",
				Title: "Stronger interim measure (breaks the admin center and offline address book downloads until undone): stop the ECP and OAB application pools",
				Text: "Import-Module WebAdministration\n" +
					"Stop-WebAppPool -Name MSExchangeECPAppPool\n" +
					"Stop-WebAppPool -Name MSExchangeOABAppPool\n" +
					"Set-ItemProperty IIS:\\AppPools\\MSExchangeECPAppPool -Name autoStart -Value $false\n" +
					"Set-ItemProperty IIS:\\AppPools\\MSExchangeOABAppPool -Name autoStart -Value $false",
			}},
		}, true
	case "ProxyNotShell":
		return mitigation{
			family: family,
			rules: []rewriteRule{
				{name: "exsweep ProxyNotShell - abort autodiscover and powershell", input: "{UrlDecode:{REQUEST_URI}}", pattern: "(?=.*autodiscover)(?=.*powershell)", condition: "requests whose decoded URL holds both autodiscover and powershell"},
			},
			caveats: append([]string{
				"OWASSRF (CVE-2022-41080) reaches the same PowerShell back end through OWA and is not stopped by this rule: only the November 2022 update (or later) closes both.",
				"Exchange's Emergency Mitigation Service applies an equivalent rule by itself when it is enabled (Get-OrganizationConfig | Format-List MitigationsEnabled).",
				"Both flaws need a valid mailbox password: also take remote PowerShell away from users who do not administer Exchange (Set-User -Identity <user> -RemotePowerShellEnabled $false).",
			}, common...),
		}, true
	}
	return mitigation{}, false
}

// webConfigFragment is the rules as they go under <system.webServer> in the Default Web Site's
// web.config (inetpub\wwwroot\web.config): one <rewrite> for every family (IIS refuses a
// second <rewrite> section in the same file, and then serves nothing).
func webConfigFragment(rules []rewriteRule) string {
	var b strings.Builder
	b.WriteString("<rewrite>\n  <rules>\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "    <rule name=%q stopProcessing=\"true\">\n", r.name)
		b.WriteString("      <match url=\".*\" />\n")
		b.WriteString("      <conditions>\n")
		fmt.Fprintf(&b, "        <add input=%q pattern=%q />\n", r.input, xmlAttr(r.pattern))
		b.WriteString("      </conditions>\n")
		b.WriteString("      <action type=\"AbortRequest\" />\n")
		b.WriteString("    </rule>\n")
	}
	b.WriteString("  </rules>\n</rewrite>")
	return b.String()
}

// xmlAttr escapes what the patterns may hold for an attribute value in double quotes.
func xmlAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// powerShell adds the rules to the Default Web Site with the WebAdministration module.
func powerShell(rules []rewriteRule) string {
	var b strings.Builder
	b.WriteString("Import-Module WebAdministration\n")
	b.WriteString("$site = 'IIS:\\Sites\\Default Web Site'\n")
	b.WriteString("$rules = 'system.webServer/rewrite/rules'\n")
	for _, r := range rules {
		n := psQuote(r.name)
		fmt.Fprintf(&b, "\n# %s\n", r.condition)
		fmt.Fprintf(&b, "Add-WebConfigurationProperty -PSPath $site -Filter $rules -Name '.' -Value @{name=%s; stopProcessing='True'}\n", n)
		fmt.Fprintf(&b, "Set-WebConfigurationProperty -PSPath $site -Filter \"$rules/rule[@name=%s]/match\" -Name url -Value '.*'\n", n)
		fmt.Fprintf(&b, "Add-WebConfigurationProperty -PSPath $site -Filter \"$rules/rule[@name=%s]/conditions\" -Name '.' -Value @{input=%s; pattern=%s}\n", n, psQuote(r.input), psQuote(r.pattern))
		fmt.Fprintf(&b, "Set-WebConfigurationProperty -PSPath $site -Filter \"$rules/rule[@name=%s]/action\" -Name type -Value 'AbortRequest'\n", n)
	}
	b.WriteString("\n# check: the rules are there\n")
	b.WriteString("Get-WebConfigurationProperty -PSPath $site -Filter $rules -Name collection | Format-Table name, stopProcessing")
	return b.String()
}

// appcmd adds the same rules with appcmd.exe (cmd.exe syntax). Every argument that holds a
// space is quoted whole: Windows splits the command line at spaces outside quotes.
func appcmd(rules []rewriteRule) string {
	var b strings.Builder
	const ac = `%windir%\system32\inetsrv\appcmd.exe set config "Default Web Site" -section:system.webServer/rewrite/rules`
	for i, r := range rules {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "rem %s\n", r.condition)
		fmt.Fprintf(&b, "%s /+\"[name='%s',stopProcessing='True']\"\n", ac, r.name)
		fmt.Fprintf(&b, "%s \"/[name='%s'].match.url:.*\"\n", ac, r.name)
		fmt.Fprintf(&b, "%s /+\"[name='%s'].conditions.[input='%s',pattern='%s']\"\n", ac, r.name, r.input, r.pattern)
		fmt.Fprintf(&b, "%s \"/[name='%s'].action.type:AbortRequest\"\n", ac, r.name)
	}
	return strings.TrimRight(b.String(), "\n")
}

// psQuote quotes s as a PowerShell single-quoted string, where nothing expands. PowerShell
// also ends such a string at the typographic single quotes, so each of them is doubled too
// (the value may be an attacker's file name).
func psQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}
