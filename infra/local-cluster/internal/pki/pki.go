// Package pki issues the local cluster's certificates and writes its kubeconfigs: the cluster CA, the
// aggregation layer's front-proxy CA, serving and client certificates for every component, the
// service-account signing key, and client certificates for users (CN = user, O = groups).
//
// Files are created once and kept: a state folder started again reuses its CA and certificates, so clients
// holding an earlier kubeconfig keep working. Keys are RSA 2048 in PEM, as kubeadm writes them.
package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	certutil "k8s.io/client-go/util/cert"
	"k8s.io/client-go/util/keyutil"
)

// Validity of the certificates this package issues (the CAs and component certificates live as long as the
// state folder; a local cluster is not a place to exercise rotation).
const (
	CAValidity   = 10 * 365 * 24 * time.Hour
	CertValidity = 10 * 365 * 24 * time.Hour
	UserValidity = 365 * 24 * time.Hour
	keyBits      = 2048
)

// Authority is a CA whose key is on disk: <dir>/<name>.crt and <dir>/<name>.key.
type Authority struct {
	Cert    *x509.Certificate
	Key     crypto.Signer
	CertPEM []byte
}

// LoadOrCreateCA returns the CA stored as <dir>/<name>.{crt,key}, creating a self-signed one with the given
// common name when it is missing.
func LoadOrCreateCA(dir, name, commonName string) (*Authority, error) {
	crtPath, keyPath := Paths(dir, name)
	if exists(crtPath) && exists(keyPath) {
		return LoadCA(dir, name)
	}
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, err
	}
	cert, err := certutil.NewSelfSignedCACert(certutil.Config{CommonName: commonName}, key)
	if err != nil {
		return nil, fmt.Errorf("self-signed CA %s: %w", name, err)
	}
	if err := writePair(crtPath, keyPath, cert, key); err != nil {
		return nil, err
	}
	return LoadCA(dir, name)
}

// LoadCA reads an existing CA.
func LoadCA(dir, name string) (*Authority, error) {
	crtPath, keyPath := Paths(dir, name)
	pemBytes, err := os.ReadFile(crtPath)
	if err != nil {
		return nil, err
	}
	certs, err := certutil.ParseCertsPEM(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", crtPath, err)
	}
	k, err := keyutil.PrivateKeyFromFile(keyPath)
	if err != nil {
		return nil, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: not a signing key", keyPath)
	}
	return &Authority{Cert: certs[0], Key: signer, CertPEM: pemBytes}, nil
}

// Spec describes a certificate to issue. A certificate with DNS names or IPs serves TLS (and may also
// authenticate as a client); one without is a client certificate only.
type Spec struct {
	CommonName    string
	Organizations []string
	DNSNames      []string
	IPs           []net.IP
	Validity      time.Duration
}

func (s Spec) serving() bool { return len(s.DNSNames) > 0 || len(s.IPs) > 0 }

// Ensure issues <dir>/<name>.{crt,key} from the CA unless both files exist already.
func (a *Authority) Ensure(dir, name string, spec Spec) error {
	crtPath, keyPath := Paths(dir, name)
	return a.EnsureAt(crtPath, keyPath, spec)
}

// EnsureAt issues the pair at the given paths unless both files exist already.
func (a *Authority) EnsureAt(crtPath, keyPath string, spec Spec) error {
	if exists(crtPath) && exists(keyPath) {
		return nil
	}
	cert, key, err := a.Issue(spec)
	if err != nil {
		return fmt.Errorf("certificate %s: %w", crtPath, err)
	}
	return writePair(crtPath, keyPath, cert, key)
}

// Issue signs a new key pair for spec.
func (a *Authority) Issue(spec Spec) (*x509.Certificate, *rsa.PrivateKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		return nil, nil, err
	}
	validity := spec.Validity
	if validity == 0 {
		validity = CertValidity
	}
	now := time.Now().Add(-5 * time.Minute) // tolerate small clock differences between processes
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: spec.CommonName, Organization: spec.Organizations},
		NotBefore:             now,
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		DNSNames:              spec.DNSNames,
		IPAddresses:           spec.IPs,
	}
	if spec.serving() {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.Cert, key.Public(), a.Key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

// EnsureServiceAccountKey writes <dir>/sa.key and <dir>/sa.pub (the API server verifies and the controller
// manager signs service-account tokens with them) unless they exist.
func EnsureServiceAccountKey(dir string) error {
	keyPath, pubPath := filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	if !exists(keyPath) {
		key, err := rsa.GenerateKey(rand.Reader, keyBits)
		if err != nil {
			return err
		}
		pemBytes, err := keyutil.MarshalPrivateKeyToPEM(key)
		if err != nil {
			return err
		}
		if err := keyutil.WriteKey(keyPath, pemBytes); err != nil {
			return err
		}
	}
	if exists(pubPath) {
		return nil
	}
	k, err := keyutil.PrivateKeyFromFile(keyPath)
	if err != nil {
		return err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return errors.New(keyPath + ": not a signing key")
	}
	der, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil {
		return err
	}
	return os.WriteFile(pubPath, pemBlock("PUBLIC KEY", der), 0o644)
}

// Paths returns <dir>/<name>.crt and <dir>/<name>.key.
func Paths(dir, name string) (crt, key string) {
	return filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
}

func writePair(crtPath, keyPath string, cert *x509.Certificate, key crypto.PrivateKey) error {
	keyPEM, err := keyutil.MarshalPrivateKeyToPEM(key)
	if err != nil {
		return err
	}
	// the key first: a certificate without its key would be taken as complete by the next run
	if err := keyutil.WriteKey(keyPath, keyPEM); err != nil {
		return err
	}
	return certutil.WriteCert(crtPath, EncodePEM(cert))
}

// EncodePEM is a certificate in PEM.
func EncodePEM(cert *x509.Certificate) []byte { return pemBlock("CERTIFICATE", cert.Raw) }

func pemBlock(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
