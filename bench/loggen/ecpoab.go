package main

// ecpState is what stays fixed within an ECP or OAB generator log: the worker process.
type ecpState struct {
	pid int
}

// appendCSVQuoted appends raw as a CSV field of Exchange's ECP and OAB logs: quoted when it
// holds a separator, a quote or a space, inner quotes doubled.
func appendCSVQuoted(b, raw []byte) []byte {
	need := false
	for _, c := range raw {
		if c == ',' || c == '"' || c == ' ' || c == '\r' || c == '\n' {
			need = true
			break
		}
	}
	if !need {
		return append(b, raw...)
	}
	b = append(b, '"')
	for _, c := range raw {
		if c == '"' {
			b = append(b, '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

var (
	adminCmds = []string{
		"Get-Mailbox.Identity=''%U''",
		"Get-Mailbox.ResultSize=''Unlimited''.RecipientTypeDetails=''UserMailbox''",
		"Set-Mailbox.Identity=''%U''.ProhibitSendQuota=''49.5 GB (53,150,220,288 bytes)''",
		"Set-Mailbox.Identity=''%U''.HiddenFromAddressListsEnabled=''False''",
		"Get-OwaVirtualDirectory.Identity=''EX01\\owa (Default Web Site)''",
		"Get-EcpVirtualDirectory.Identity=''EX01\\ecp (Default Web Site)''",
		"Get-OabVirtualDirectory.Identity=''EX01\\OAB (Default Web Site)''",
		"Get-MailboxDatabase.Status=''True''",
		"Get-DistributionGroup.ResultSize=''Unlimited''",
		"Get-Recipient.Identity=''%U''",
		"Get-MobileDevice.Mailbox=''%U''",
		"Search-AdminAuditLog.StartDate=''%D''",
		"Get-ExchangeServer",
	}
	adminPick = newPicker([]float64{25, 12, 6, 6, 5, 3, 3, 8, 6, 10, 6, 3, 7})
	// Legitimate changes of virtual directory URLs: plain https addresses.
	adminRare = []string{
		"Set-OwaVirtualDirectory.ExternalUrl=''https://mail.contoso.com/owa''.Identity=''EX01\\owa (Default Web Site)''",
		"Set-OabVirtualDirectory.ExternalUrl=''https://mail.contoso.com/OAB''.Identity=''EX01\\OAB (Default Web Site)''",
		"Set-EcpVirtualDirectory.InternalUrl=''https://ex01.contoso.local/ecp''.Identity=''EX01\\ecp (Default Web Site)''",
	}
	userCmds = []string{
		"Get-MailboxRegionalConfiguration.Identity=''%U''",
		"Get-InboxRule.Mailbox=''%U''",
		"Set-MailboxAutoReplyConfiguration.Identity=''%U''.AutoReplyState=''Enabled''.InternalMessage=''I am out of the office, back on Monday.''",
		"Get-MailboxCalendarConfiguration.Identity=''%U''",
		"Get-MailboxMessageConfiguration.Identity=''%U''",
		"Get-MobileDevice.Mailbox=''%U''",
		"Get-MailboxJunkEmailConfiguration.Identity=''%U''",
	}
	ecpPages = []string{"/ecp/default.aspx", "/ecp/PersonalSettings/HomePage.aspx", "/ecp/Organize/MailboxRules.slab", "/ecp/Users/Mailboxes.slab", "/ecp/RulesEditor/InboxRules.slab"}
)

// appendCmd writes the cmdlet template with %U (a mailbox) and %D (a date) filled in.
func appendCmd(b []byte, tmpl string, u *user, g *streamGen, abs int64) []byte {
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c == '%' && i+1 < len(tmpl) {
			switch tmpl[i+1] {
			case 'U':
				b = append(b, u.smtp...)
				i++
				continue
			case 'D':
				g.clk.sync(abs - 7*dayMs)
				b = append(b, g.clk.date[:]...)
				i++
				continue
			}
		}
		b = append(b, c)
	}
	return b
}

func (g *streamGen) procState() *ecpState {
	if g.ecp == nil {
		g.ecp = &ecpState{pid: 4000 + g.r.IntN(20000)}
	}
	return g.ecp
}

// ecpRow writes one benign ECP server log row.
func (g *streamGen) ecpRow(abs int64) int {
	g.before(abs)
	r, pl := g.r, g.pl
	st := g.procState()
	u := &pl.users[r.IntN(len(pl.users))]
	who := u
	admin := r.IntN(100) < 40
	if admin {
		who = &pl.admins[r.IntN(len(pl.admins))]
	}
	b := g.sc[:0]
	b = g.clk.appendISO(b, abs)
	b = append(b, ",EX01,"...)
	b = appendInt(b, st.pid)
	b = append(b, ',')
	b = appendInt(b, 8+r.IntN(300))
	b = append(b, ',')
	b = append(b, who.deskIP...)
	b = append(b, ',')
	b = append(b, who.win...)
	b = append(b, ',')
	b = appendGUID(b, r)
	b = append(b, ',')
	b = appendGUID(b, r)
	gi := g.tmp[:0]
	if r.IntN(100) < 35 {
		b = append(b, ",Request,"...)
		b = appendInt(b, 15+r.IntN(900))
		gi = append(gi, "S:URL="...)
		gi = append(gi, ecpPages[r.IntN(len(ecpPages))]...)
		gi = append(gi, ";S:STATUS=200;S:BROWSER="...)
		gi = append(gi, who.webUA.raw...)
	} else {
		b = append(b, ",Cmdlet,"...)
		b = appendInt(b, 5+r.IntN(2500))
		gi = append(gi, "'S:CMD="...)
		switch {
		case admin && r.IntN(3000) == 0:
			gi = appendCmd(gi, adminRare[r.IntN(len(adminRare))], u, g, abs)
		case admin:
			gi = appendCmd(gi, adminCmds[adminPick.pick(r)], u, g, abs)
		default:
			gi = appendCmd(gi, userCmds[r.IntN(len(userCmds))], u, g, abs)
		}
		gi = append(gi, '\'')
	}
	g.tmp = gi
	b = append(b, ',')
	b = appendCSVQuoted(b, gi)
	b = append(b, '\r', '\n')
	g.sc = b
	return g.emit(b)
}

var (
	oabPathUpper = "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\ClientAccess\\OAB\\"
	oabPathLower = "c:\\program files\\microsoft\\exchange server\\v15\\ClientAccess\\OAB\\"
	oabPick      = newPicker([]float64{10, 30, 25, 20, 10, 4, 0.4, 0.6})
)

// oabRow writes one benign OABGenerator log row.
func (g *streamGen) oabRow(abs int64) int {
	g.before(abs)
	r, pl := g.r, g.pl
	st := g.procState()
	b := g.sc[:0]
	b = g.clk.appendISO(b, abs)
	b = append(b, ",EX01,"...)
	b = appendInt(b, st.pid)
	b = append(b, ',')
	b = appendInt(b, 8+r.IntN(120))
	level := "Information"
	m := g.tmp[:0]
	oab := pl.oabGUIDs[r.IntN(len(pl.oabGUIDs))]
	switch oabPick.pick(r) {
	case 0:
		m = append(m, "Begin OAB generation for OAB '\\Default Offline Address Book' ("...)
		m = append(m, oab...)
		m = append(m, ')')
	case 1:
		m = append(m, "Processing address list '\\Global Address List', "...)
		m = appendInt(m, 2500+r.IntN(900))
		m = append(m, " entries"...)
	case 2:
		m = append(m, "Uploaded file '"...)
		m = append(m, oabPathUpper...)
		m = append(m, oab...)
		m = append(m, '\\')
		m = appendGUID(m, r)
		m = append(m, "-data-"...)
		m = appendInt(m, 1+r.IntN(400))
		m = append(m, ".lzx' ("...)
		m = appendInt(m, 1000+r.IntN(4000000))
		m = append(m, " bytes)"...)
	case 3:
		m = append(m, "Downloaded file '"...)
		m = appendGUID(m, r)
		m = append(m, "-lng"...)
		m = appendInt(m, 400+r.IntN(3000))
		m = append(m, ".lzx' from mailbox SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}"...)
	case 4:
		m = append(m, "OABGen for OAB '\\Default Offline Address Book' generated "...)
		m = appendInt(m, 2500+r.IntN(900))
		m = append(m, " records, "...)
		m = appendInt(m, 2+r.IntN(6))
		m = append(m, " files in 00:00:0"...)
		m = appendInt(m, 1+r.IntN(9))
		m = append(m, '.')
		m = appendInt(m, 100+r.IntN(900))
	case 5:
		level = "Warning"
		m = append(m, "Address list '\\Offline Global Address List' contains a recipient with an invalid proxy address, skipping"...)
	case 6:
		level = "Error"
		m = append(m, "OABGen encountered an exception: Microsoft.Exchange.Data.Storage.ObjectNotFoundException, the mailbox was moved"...)
	default:
		// A failed download inside the OAB folder: normal housekeeping.
		level = "Warning"
		m = append(m, "Download failed and temporary file '"...)
		if r.IntN(10) < 3 {
			m = append(m, oabPathLower...)
		} else {
			m = append(m, oabPathUpper...)
		}
		m = append(m, "Temp\\"...)
		m = appendGUID(m, r)
		m = append(m, ".tmp' needs to be removed"...)
	}
	g.tmp = m
	b = append(b, ',')
	b = append(b, level...)
	b = append(b, ',')
	b = appendCSVQuoted(b, m)
	b = append(b, '\r', '\n')
	g.sc = b
	return g.emit(b)
}
