package main

import (
	"fmt"

	"github.com/exsweep/exsweep/internal/evtx/evtxwrite"
)

const securityProvider = "Microsoft-Windows-Security-Auditing"

type maker = func(g *gen) (evtxwrite.Event, benignNote)

// The Security log of an Exchange server: logons of health mailboxes, users through the load
// balancers, services and machine accounts; their logoffs and privileges; process starts and
// exits (process auditing with command lines on); a few failed logons.
var securityMix = mix[maker](
	30, maker(logon4624),
	24, maker(logoff4634),
	14, maker(special4672),
	3, maker(failed4625),
	10, maker(process4688),
	10, maker(exit4689),
	3, maker(explicit4648),
	4, maker(ntlm4776),
	2, maker(groups4798),
)

func securityEvent(g *gen) (evtxwrite.Event, benignNote) { return securityMix.pick(g.r)(g) }

func secEvent(id uint16, d []evtxwrite.Field) evtxwrite.Event {
	return evtxwrite.Event{Provider: securityProvider, EventID: id, Level: 0, Data: d}
}

// logonKind is one way accounts log on to the server.
type logonKind struct {
	acct                  account
	dom                   string
	logonType             string
	process, auth, pkgLM  string
	keyLen                string
	ip, port, workstation string
	procID, procName      string
	elevated              string
}

func (g *gen) logonKind() logonKind {
	switch x := g.r.IntN(100); {
	case x < 38: // health mailboxes and probes, Kerberos from the servers themselves
		return logonKind{acct: pick(g.r, healthMailboxes), dom: domain, logonType: "3", process: "Kerberos", auth: "Kerberos", pkgLM: "-", keyLen: "0",
			ip: pick(g.r, append([]string{"::1", "127.0.0.1"}, serverIPs...)), port: fmt.Sprint(49152 + g.r.IntN(16000)), workstation: "-", procID: "0x0", procName: "-", elevated: "%%1843"}
	case x < 65: // users through the load balancers (Outlook, OWA, ActiveSync)
		return logonKind{acct: pick(g.r, users), dom: domain, logonType: "3", process: "NtLmSsp ", auth: "NTLM", pkgLM: "NTLM V2", keyLen: "128",
			ip: pick(g.r, balancers), port: fmt.Sprint(1024 + g.r.IntN(60000)), workstation: pick(g.r, workstations), procID: "0x0", procName: "-", elevated: "%%1843"}
	case x < 75: // basic authentication through IIS
		return logonKind{acct: pick(g.r, users), dom: domain, logonType: "8", process: "Advapi  ", auth: "Negotiate", pkgLM: "-", keyLen: "0",
			ip: "-", port: "-", workstation: shortName, procID: fmt.Sprintf("0x%x", g.pid()), procName: w3wpPath, elevated: "%%1843"}
	case x < 88: // machine accounts
		return logonKind{acct: pick(g.r, machineAccts), dom: domain, logonType: "3", process: "Kerberos", auth: "Kerberos", pkgLM: "-", keyLen: "0",
			ip: pick(g.r, append([]string{dcIP}, serverIPs...)), port: fmt.Sprint(49152 + g.r.IntN(16000)), workstation: "-", procID: "0x0", procName: "-", elevated: "%%1842"}
	case x < 97: // services
		a := pick(g.r, []account{{"SYSTEM", 18}, {"NETWORK SERVICE", 20}, {"LOCAL SERVICE", 19}})
		return logonKind{acct: a, dom: "NT AUTHORITY", logonType: "5", process: "Advapi  ", auth: "Negotiate", pkgLM: "-", keyLen: "0",
			ip: "-", port: "-", workstation: "-", procID: "0x2a8", procName: sys32 + "services.exe", elevated: "%%1842"}
	default: // administrators over RDP and the scheduled tasks' account
		a := pick(g.r, admins)
		return logonKind{acct: a, dom: domain, logonType: pick(g.r, []string{"10", "4", "2"}), process: "User32 ", auth: "Negotiate", pkgLM: "-", keyLen: "0",
			ip: pick(g.r, adminIPs), port: "0", workstation: shortName, procID: fmt.Sprintf("0x%x", g.pid()), procName: sys32 + "svchost.exe", elevated: "%%1842"}
	}
}

func (lk logonKind) sid() string {
	if lk.dom == "NT AUTHORITY" {
		return fmt.Sprintf("S-1-5-%d", lk.acct.rid)
	}
	return lk.acct.sid()
}

func logon4624(g *gen) (evtxwrite.Event, benignNote) {
	lk := g.logonKind()
	subjSID, subjName, subjDom, subjLogon := "S-1-0-0", "-", "-", "0x0"
	if lk.logonType != "3" {
		subjSID, subjName, subjDom, subjLogon = "S-1-5-18", shortName+"$", domain, "0x3e7"
	}
	logonGUID := "{00000000-0000-0000-0000-000000000000}"
	if lk.auth == "Kerberos" {
		logonGUID = g.upperGUID()
	}
	return secEvent(4624, data(
		"SubjectUserSid", subjSID,
		"SubjectUserName", subjName,
		"SubjectDomainName", subjDom,
		"SubjectLogonId", subjLogon,
		"TargetUserSid", lk.sid(),
		"TargetUserName", lk.acct.name,
		"TargetDomainName", lk.dom,
		"TargetLogonId", g.logonID(),
		"LogonType", lk.logonType,
		"LogonProcessName", lk.process,
		"AuthenticationPackageName", lk.auth,
		"WorkstationName", lk.workstation,
		"LogonGuid", logonGUID,
		"TransmittedServices", "-",
		"LmPackageName", lk.pkgLM,
		"KeyLength", lk.keyLen,
		"ProcessId", lk.procID,
		"ProcessName", lk.procName,
		"IpAddress", lk.ip,
		"IpPort", lk.port,
		"ImpersonationLevel", "%%1833",
		"RestrictedAdminMode", "-",
		"TargetOutboundUserName", "-",
		"TargetOutboundDomainName", "-",
		"VirtualAccount", "%%1843",
		"TargetLinkedLogonId", "0x0",
		"ElevatedToken", lk.elevated,
	)), benignNote{}
}

func logoff4634(g *gen) (evtxwrite.Event, benignNote) {
	lk := g.logonKind()
	return secEvent(4634, data(
		"TargetUserSid", lk.sid(),
		"TargetUserName", lk.acct.name,
		"TargetDomainName", lk.dom,
		"TargetLogonId", g.logonID(),
		"LogonType", lk.logonType,
	)), benignNote{}
}

const privileges = "SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeTakeOwnershipPrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\tSeImpersonatePrivilege\r\n\t\t\tSeDelegateSessionUserImpersonatePrivilege\r\n\t\t\tSeEnableDelegationPrivilege"

func special4672(g *gen) (evtxwrite.Event, benignNote) {
	lk := g.logonKind()
	privs := "SeAssignPrimaryTokenPrivilege\r\n\t\t\tSeTcbPrivilege\r\n\t\t\tSeSecurityPrivilege\r\n\t\t\tSeTakeOwnershipPrivilege\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeAuditPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege\r\n\t\t\tSeImpersonatePrivilege\r\n\t\t\tSeDelegateSessionUserImpersonatePrivilege"
	if lk.dom != "NT AUTHORITY" {
		privs = privileges
	}
	return secEvent(4672, data(
		"SubjectUserSid", lk.sid(),
		"SubjectUserName", lk.acct.name,
		"SubjectDomainName", lk.dom,
		"SubjectLogonId", g.logonID(),
		"PrivilegeList", privs,
	)), benignNote{}
}

func failed4625(g *gen) (evtxwrite.Event, benignNote) {
	name := pick(g.r, users).name
	sub := "0xc000006a" // wrong password
	if g.r.IntN(4) == 0 {
		name = pick(g.r, []string{"administrator", "admin", "test", "scanner", "backup", "j.smith"})
		sub = "0xc0000064" // no such user
	}
	lt, proc, procID, ip, port := "3", "-", "0x0", pick(g.r, balancers), fmt.Sprint(1024+g.r.IntN(60000))
	if g.r.IntN(3) == 0 {
		lt, proc, procID, ip, port = "8", w3wpPath, fmt.Sprintf("0x%x", g.pid()), "-", "-"
	}
	return secEvent(4625, data(
		"SubjectUserSid", "S-1-0-0",
		"SubjectUserName", "-",
		"SubjectDomainName", "-",
		"SubjectLogonId", "0x0",
		"TargetUserSid", "S-1-0-0",
		"TargetUserName", name,
		"TargetDomainName", domain,
		"Status", "0xc000006d",
		"FailureReason", "%%2313",
		"SubStatus", sub,
		"LogonType", lt,
		"LogonProcessName", "NtLmSsp ",
		"AuthenticationPackageName", "NTLM",
		"WorkstationName", pick(g.r, workstations),
		"TransmittedServices", "-",
		"LmPackageName", "-",
		"KeyLength", "0",
		"ProcessId", procID,
		"ProcessName", proc,
		"IpAddress", ip,
		"IpPort", port,
	)), benignNote{}
}

func process4688(g *gen) (evtxwrite.Event, benignNote) {
	p := g.proc()
	return secEvent(4688, security4688(g, g.start(p))), p.note
}

func exit4689(g *gen) (evtxwrite.Event, benignNote) {
	p := procs.pick(g.r)
	name, dom, sid := userParts(p.user)
	return secEvent(4689, data(
		"SubjectUserSid", sid,
		"SubjectUserName", name,
		"SubjectDomainName", dom,
		"SubjectLogonId", "0x3e7",
		"Status", "0x0",
		"ProcessId", fmt.Sprintf("0x%x", g.pid()),
		"ProcessName", p.image,
	)), benignNote{}
}

func explicit4648(g *gen) (evtxwrite.Event, benignNote) {
	target := pick(g.r, append(append([]account{}, healthMailboxes...), admins...))
	return secEvent(4648, data(
		"SubjectUserSid", "S-1-5-18",
		"SubjectUserName", shortName+"$",
		"SubjectDomainName", domain,
		"SubjectLogonId", "0x3e7",
		"LogonGuid", "{00000000-0000-0000-0000-000000000000}",
		"TargetUserName", target.name,
		"TargetDomainName", domainFQDN,
		"TargetLogonGuid", g.upperGUID(),
		"TargetServerName", pick(g.r, []string{"localhost", "EXCH02." + domainFQDN, "DC01." + domainFQDN}),
		"TargetInfo", "localhost",
		"ProcessId", fmt.Sprintf("0x%x", g.pid()),
		"ProcessName", pick(g.r, []string{exBin + "MSExchangeHMWorker.exe", w3wpPath, sys32 + "svchost.exe"}),
		"IpAddress", "-",
		"IpPort", "-",
	)), benignNote{}
}

func ntlm4776(g *gen) (evtxwrite.Event, benignNote) {
	status := "0x0"
	if g.r.IntN(20) == 0 {
		status = "0xc000006a"
	}
	return secEvent(4776, data(
		"PackageName", "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0",
		"TargetUserName", pick(g.r, users).name,
		"Workstation", pick(g.r, workstations),
		"Status", status,
	)), benignNote{}
}

func groups4798(g *gen) (evtxwrite.Event, benignNote) {
	target := pick(g.r, []account{{"Administrator", 500}, {"Guest", 501}, {"DefaultAccount", 503}})
	return secEvent(4798, data(
		"TargetUserName", target.name,
		"TargetDomainName", shortName,
		"TargetSid", fmt.Sprintf("S-1-5-21-2201432213-1937483411-102347819-%d", target.rid),
		"SubjectUserSid", "S-1-5-18",
		"SubjectUserName", shortName+"$",
		"SubjectDomainName", domain,
		"SubjectLogonId", "0x3e7",
		"CallerProcessId", fmt.Sprintf("0x%x", g.pid()),
		"CallerProcessName", pick(g.r, []string{sys32 + "svchost.exe", exBin + "MSExchangeHMWorker.exe", sys32 + "wbem\\WmiPrvSE.exe"}),
	)), benignNote{}
}
