package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Version is an Exchange build number, major.minor.build.revision, each part an integer.
// Versions are compared part by part as numbers, never as strings: 15.2 and 15.20 are different
// products (Exchange Server 2019 and Exchange Online).
type Version struct {
	Major, Minor, Build, Revision int
}

// maxPart bounds each part; real builds stay far below it and it keeps parsing overflow-free.
const maxPart = 999999

// ErrMalformed is wrapped by every parse error.
var ErrMalformed = errors.New("malformed build number")

// ParseBuild parses a four-part build such as "15.1.2176.9" (the long form "15.01.2176.009" is
// accepted too: parts are integers).
func ParseBuild(s string) (Version, error) {
	p, err := parseParts(s, 4)
	if err != nil {
		return Version{}, err
	}
	return Version{p[0], p[1], p[2], p[3]}, nil
}

// ParseCU parses a three-part build such as "15.2.858", which names a cumulative update but not
// its security update level (the logon page's resource path carries only these three parts).
// Revision is 0 in the result.
func ParseCU(s string) (Version, error) {
	p, err := parseParts(s, 3)
	if err != nil {
		return Version{}, err
	}
	return Version{p[0], p[1], p[2], 0}, nil
}

func parseParts(s string, want int) ([]int, error) {
	parts := strings.Split(s, ".")
	if len(parts) != want {
		return nil, fmt.Errorf("%w %q: want %d dot-separated numbers", ErrMalformed, clip(s), want)
	}
	out := make([]int, want)
	for i, p := range parts {
		if p == "" || len(p) > 6 {
			return nil, fmt.Errorf("%w %q: part %d must be 1 to 6 digits", ErrMalformed, clip(s), i+1)
		}
		n := 0
		for _, c := range []byte(p) {
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("%w %q: part %d is not a number", ErrMalformed, clip(s), i+1)
			}
			n = n*10 + int(c-'0')
		}
		if n > maxPart {
			return nil, fmt.Errorf("%w %q: part %d too large", ErrMalformed, clip(s), i+1)
		}
		out[i] = n
	}
	return out, nil
}

// clip keeps error messages short when fed garbage.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// String is the short four-part form, "15.2.858.5".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d.%d", v.Major, v.Minor, v.Build, v.Revision)
}

// CUString is the three-part form, "15.2.858".
func (v Version) CUString() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Build)
}

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
func (v Version) Compare(w Version) int {
	a := [4]int{v.Major, v.Minor, v.Build, v.Revision}
	b := [4]int{w.Major, w.Minor, w.Build, w.Revision}
	for i := range a {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}

// Less reports whether v is older than w.
func (v Version) Less(w Version) bool { return v.Compare(w) < 0 }

// SameCU reports whether v and w share major, minor and build (the cumulative update).
func (v Version) SameCU(w Version) bool {
	return v.Major == w.Major && v.Minor == w.Minor && v.Build == w.Build
}

// Products, as the catalog names them.
const (
	Product2007   = "2007"
	Product2010   = "2010"
	Product2013   = "2013"
	Product2016   = "2016"
	Product2019   = "2019"
	ProductSE     = "SE"
	ProductOnline = "Online"
)

// SEFirstBuild is the build part from which 15.2 is Exchange Server Subscription Edition.
const SEFirstBuild = 2562

// ProductOf names the product a version belongs to: "2013", "2016", "2019", "SE", "2010",
// "2007", "Online" (15.20, Exchange Online, never on premises) or "" when it is none of them.
func ProductOf(v Version) string {
	switch {
	case v.Major == 15 && v.Minor == 0:
		return Product2013
	case v.Major == 15 && v.Minor == 1:
		return Product2016
	case v.Major == 15 && v.Minor == 2 && v.Build >= SEFirstBuild:
		return ProductSE
	case v.Major == 15 && v.Minor == 2:
		return Product2019
	case v.Major == 15 && v.Minor == 20:
		return ProductOnline
	case v.Major == 14:
		return Product2010
	case v.Major == 8:
		return Product2007
	}
	return ""
}

// ProductName is the full name of a product code.
func ProductName(p string) string {
	switch p {
	case ProductSE:
		return "Exchange Server Subscription Edition"
	case ProductOnline:
		return "Exchange Online (Microsoft 365)"
	case "":
		return "unknown product"
	}
	return "Exchange Server " + p
}
