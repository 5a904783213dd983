package files

import "strings"

// Place is the class of folder a file sits in. Rules key on it: any page in aspnet_client is a
// web shell, a minidump in ProgramData is suspicious, and so on.
type Place string

// The places, from the spec's "Files on disk".
const (
	AspnetClient    Place = "aspnet-client"    // inetpub\wwwroot\aspnet_client (any site's)
	OwaAuth         Place = "owa-auth"         // <EX>FrontEnd\HttpProxy\owa\auth
	EcpAuth         Place = "ecp-auth"         // <EX>FrontEnd\HttpProxy\ecp\auth
	ClientAccessEcp Place = "clientaccess-ecp" // <EX>ClientAccess\ecp
	ClientAccessOab Place = "clientaccess-oab" // <EX>ClientAccess\Oab
	IISSite         Place = "iis-site"         // another IIS site or application folder
	CompiledPages   Place = "aspnet-temp"      // Temporary ASP.NET Files
	WindowsTemp     Place = "windows-temp"     // Windows\Temp
	RootFolder      Place = "root-folder"      // C:\root, where several groups staged dumps
	ProgramData     Place = "programdata"      // ProgramData (and Users\All Users)
	UsersPublic     Place = "users-public"     // Users\Public
	Users           Place = "users"            // other profiles: names only
	DriveRoot       Place = "drive-root"       // files directly in C:\
	Elsewhere       Place = "elsewhere"        // anywhere else (--deep)
)

// Places lists every place, for the rule schema's documentation.
func Places() []string {
	var out []string
	for _, p := range []Place{AspnetClient, OwaAuth, EcpAuth, ClientAccessEcp, ClientAccessOab, IISSite, CompiledPages,
		WindowsTemp, RootFolder, ProgramData, UsersPublic, Users, DriveRoot, Elsewhere} {
		out = append(out, string(p))
	}
	return out
}

// WebPlace reports whether files in the place are served by IIS: the folders whose new files a
// responder wants listed even when no rule fires.
func (p Place) WebPlace() bool {
	switch p {
	case AspnetClient, OwaAuth, EcpAuth, ClientAccessEcp, ClientAccessOab, IISSite:
		return true
	}
	return false
}

// marker is a folder sequence that names a place wherever the Exchange install or site sits.
type marker struct {
	segs  []string // lower case
	place Place
}

// markers in classes of precedence: a folder where no page belongs at all (aspnet_client) wins
// over anything below it, then the folders with a fixed set of pages, then ClientAccess\ecp.
// Within a class the deepest marker wins. An attacker nesting folder names
// (aspnet_client\FrontEnd\HttpProxy\owa\auth\logon.aspx) gets the strictest reading.
// Temporary ASP.NET Files is not a marker: the compiler's folder is a place only where the walk
// found it, under Windows\Microsoft.NET; a folder of that name elsewhere is just a folder.
var markers = []marker{
	{[]string{"aspnet_client"}, AspnetClient},
	{[]string{"frontend", "httpproxy", "owa", "auth"}, OwaAuth},
	{[]string{"frontend", "httpproxy", "ecp", "auth"}, EcpAuth},
	{[]string{"clientaccess", "oab"}, ClientAccessOab},
	{[]string{"clientaccess", "ecp"}, ClientAccessEcp},
}

// markerClass ranks the markers: lower wins.
func markerClass(p Place) int {
	switch p {
	case AspnetClient:
		return 0
	case ClientAccessEcp:
		return 2
	}
	return 1
}

// Classify names the place of a root-relative path from the folder names in it, and the part of
// the path below that place's folder. It returns ("", "") when no marker is in the path: the
// caller then uses the place of the folder it was walking.
func Classify(path string) (Place, string) {
	segs := strings.Split(path, "/")
	low := make([]string, len(segs))
	for i, s := range segs {
		low[i] = strings.ToLower(s)
	}
	best, bestEnd := Place(""), -1
	for _, m := range markers {
		// The last occurrence of a marker counts: the path below it is what follows it.
		for i := len(low) - len(m.segs) - 1; i >= 0; i-- {
			if !equalSegs(low[i:i+len(m.segs)], m.segs) {
				continue
			}
			end := i + len(m.segs)
			if best == "" || markerClass(m.place) < markerClass(best) || markerClass(m.place) == markerClass(best) && end > bestEnd {
				best, bestEnd = m.place, end
			}
			break
		}
	}
	if best == "" {
		return "", ""
	}
	return best, strings.Join(segs[bestEnd:], "/")
}

func equalSegs(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
