package exchangesim

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"sort"
	"time"
)

// assets are what every host of a fleet shares, built once at Start so that a host costs a few
// hundred bytes: the certificate, the pages by version, the gzip bomb.
type assets struct {
	tls   *tls.Config       // nil when no host speaks TLS
	pages map[string][]byte // by kind and version; written during Start only
	bomb  *gzipBomb         // nil when no host is a gzip bomb
}

// certDomain is the parent of every name in the certificate: .test is reserved (RFC 2606), so
// none of them can ever resolve to a real server.
const certDomain = ".lab.exsweep.test"

func newAssets(hosts []Host) (*assets, error) {
	a := &assets{pages: map[string][]byte{}}
	names := map[string]bool{"mail" + certDomain: true}
	anyTLS := false
	for _, h := range hosts {
		if h.TLS {
			anyTLS = true
		}
		if h.Profile.Hostile == HostileGzipBomb {
			if a.bomb == nil {
				var err error
				if a.bomb, err = newGzipBomb(bombChunk, bombChunks); err != nil {
					return nil, err
				}
			}
		}
	}
	// One wildcard instead of a name per host: a certificate naming four thousand servers would
	// make every handshake carry and parse a hundred kilobytes, and the benchmark measure that.
	names["*"+certDomain] = true
	if anyTLS {
		list := make([]string, 0, len(names))
		for n := range names {
			list = append(list, n)
		}
		sort.Strings(list)
		cert, err := selfSigned(list)
		if err != nil {
			return nil, err
		}
		a.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	return a, nil
}

// page returns the shared page under key, making it on first use.
func (a *assets) page(key string, make func() []byte) []byte {
	if p, ok := a.pages[key]; ok {
		return p
	}
	p := make()
	a.pages[key] = p
	return p
}

// serverName is the NetBIOS name a host answers with.
func serverName(p Profile) string {
	switch {
	case p.Server != "":
		return p.Server
	case p.Kind == KindOnline:
		return ""
	case p.Kind == KindExchange:
		return "EX01"
	}
	return ""
}

// selfSigned makes an Ed25519 certificate for names, valid from an hour ago (clock skew) for
// thirty days. Ed25519 is the cheapest key to sign and verify with: a benchmark runs thousands of
// handshakes with the emulator and the scanner on the same cores.
func selfSigned(names []string) (tls.Certificate, error) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certificate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mail" + certDomain, Organization: []string{"exsweep lab (emulated Exchange, loopback only)"}},
		DNSNames:              names,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}
