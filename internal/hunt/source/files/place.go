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

// markers, most specific first: owa\auth beats the site folder that holds it.
var markers = []marker{
	{[]string{"frontend", "httpproxy", "owa", "auth"}, OwaAuth},
	{[]string{"frontend", "httpproxy", "ecp", "auth"}, EcpAuth},
	{[]string{"clientaccess", "ecp"}, ClientAccessEcp},
	{[]string{"clientaccess", "oab"}, ClientAccessOab},
	{[]string{"temporary asp.net files"}, CompiledPages},
	{[]string{"aspnet_client"}, AspnetClient},
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
	for _, m := range markers {
		// The last occurrence wins: C:\inetpub\wwwroot\aspnet_client\x\aspnet_client\y.aspx is
		// still in aspnet_client, and the path below it is what follows the last marker.
		for i := len(low) - len(m.segs) - 1; i >= 0; i-- {
			if equalSegs(low[i:i+len(m.segs)], m.segs) {
				return m.place, strings.Join(segs[i+len(m.segs):], "/")
			}
		}
	}
	return "", ""
}

func equalSegs(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
