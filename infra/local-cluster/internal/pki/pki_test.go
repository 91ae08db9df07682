package pki

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	certutil "k8s.io/client-go/util/cert"
)

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	certs, err := certutil.CertsFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return certs[0]
}

func TestEnsureCreatesAChainTheKubeconfigsTrust(t *testing.T) {
	state := t.TempDir()
	c := Cluster{State: state, Server: "https://127.0.0.1:16443"}
	if err := c.Ensure(); err != nil {
		t.Fatal(err)
	}
	ca := readCert(t, filepath.Join(state, "pki", "ca.crt"))
	if !ca.IsCA {
		t.Fatal("ca.crt is not a CA")
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)

	apiserver := readCert(t, filepath.Join(state, "pki", "apiserver.crt"))
	if _, err := apiserver.Verify(x509.VerifyOptions{Roots: roots, DNSName: "kubernetes.default.svc"}); err != nil {
		t.Fatalf("API server certificate does not verify for kubernetes.default.svc: %v", err)
	}
	if !slices.ContainsFunc(apiserver.IPAddresses, func(ip net.IP) bool { return ip.Equal(net.ParseIP("127.0.0.1")) }) {
		t.Fatal("API server certificate lacks 127.0.0.1")
	}
	kueue := readCert(t, filepath.Join(state, "kueue", "certs", "tls.crt"))
	for _, name := range []string{"kueue-visibility-server.kueue-system.svc", "localhost"} {
		if _, err := kueue.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
			t.Fatalf("Kueue's certificate does not verify for %s: %v", name, err)
		}
	}
	adapter := readCert(t, filepath.Join(state, "adapter", "certs", "tls.crt"))
	for _, name := range []string{"prometheus-adapter.portal-monitoring.svc", "localhost"} {
		if _, err := adapter.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
			t.Fatalf("the prometheus-adapter's certificate does not verify for %s: %v", name, err)
		}
	}
	frontProxy := readCert(t, filepath.Join(state, "pki", "front-proxy-client.crt"))
	if _, err := frontProxy.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err == nil {
		t.Fatal("the front-proxy client must be signed by its own CA, not the cluster CA")
	}
	for _, kc := range []string{"kubeconfig", "run/controller-manager.kubeconfig", "run/scheduler.kubeconfig",
		"run/kwok.kubeconfig", "run/sim-agent.kubeconfig", "run/kueue.kubeconfig", "run/prometheus-adapter.kubeconfig", "run/vpa-recommender.kubeconfig"} {
		if _, err := clientcmd.LoadFromFile(filepath.Join(state, kc)); err != nil {
			t.Errorf("every component gets its kubeconfig: %v", err)
		}
	}
	kwok := readCert(t, filepath.Join(state, "pki", "kwok.crt"))
	if _, err := kwok.Verify(x509.VerifyOptions{Roots: roots, DNSName: "localhost"}); err != nil {
		t.Errorf("KWOK serves the kubelet API with its certificate: %v", err)
	}
	for _, f := range []string{"sa.key", "sa.pub"} {
		if _, err := os.Stat(filepath.Join(state, "pki", f)); err != nil {
			t.Fatal(err)
		}
	}

	cfg, err := clientcmd.LoadFromFile(filepath.Join(state, "kubeconfig"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	if cfg.Clusters[ctx.Cluster].Server != "https://127.0.0.1:16443" {
		t.Fatalf("server = %s", cfg.Clusters[ctx.Cluster].Server)
	}
	certs, err := certutil.ParseCertsPEM(cfg.AuthInfos[ctx.AuthInfo].ClientCertificateData)
	if err != nil {
		t.Fatal(err)
	}
	if certs[0].Subject.CommonName != "kubernetes-admin" || !slices.Contains(certs[0].Subject.Organization, "system:masters") {
		t.Fatalf("admin subject = %v", certs[0].Subject)
	}
	if _, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(filepath.Join(state, "kubeconfig")); info.Mode().Perm() != 0o600 {
		t.Fatalf("kubeconfig mode %v, want 0600", info.Mode().Perm())
	}
}

func TestEnsureKeepsTheCAAndCertificatesButFollowsTheAPIPort(t *testing.T) {
	state := t.TempDir()
	if err := (Cluster{State: state, Server: "https://127.0.0.1:6443"}).Ensure(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(state, "pki", "ca.crt"))
	adminBefore, _ := os.ReadFile(filepath.Join(state, "pki", "admin.crt"))
	if err := (Cluster{State: state, Server: "https://127.0.0.1:26443"}).Ensure(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(state, "pki", "ca.crt"))
	adminAfter, _ := os.ReadFile(filepath.Join(state, "pki", "admin.crt"))
	if string(before) != string(after) || string(adminBefore) != string(adminAfter) {
		t.Fatal("a second Ensure replaced the CA or a certificate")
	}
	cfg, err := clientcmd.LoadFromFile(filepath.Join(state, "run", "scheduler.kubeconfig"))
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Clusters[ClusterName].Server; s != "https://127.0.0.1:26443" {
		t.Fatalf("scheduler kubeconfig server = %s", s)
	}
}

func TestUserKubeconfigCarriesUserAndGroupsAndIsStablePerIdentity(t *testing.T) {
	state := t.TempDir()
	c := Cluster{State: state, Server: "https://127.0.0.1:6443"}
	if _, err := c.UserKubeconfig("alice", nil); err == nil {
		t.Fatal("minting a user before the cluster CA exists must fail")
	}
	if err := c.Ensure(); err != nil {
		t.Fatal(err)
	}
	path, err := c.UserKubeconfig("alice", []string{"oidc:team-a", "oidc:team-b"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.UserKubeconfig("alice", []string{"oidc:team-a", "oidc:team-b"})
	if err != nil || again != path {
		t.Fatalf("same identity gave %s then %s (%v)", path, again, err)
	}
	other, _ := c.UserKubeconfig("alice", []string{"oidc:team-a"})
	if other == path {
		t.Fatal("another group set must get another certificate")
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := certutil.ParseCertsPEM(cfg.AuthInfos["alice"].ClientCertificateData)
	if err != nil {
		t.Fatal(err)
	}
	subj := certs[0].Subject
	if subj.CommonName != "alice" || !slices.Equal(subj.Organization, []string{"oidc:team-a", "oidc:team-b"}) {
		t.Fatalf("subject = %v", subj)
	}
	if len(certs[0].DNSNames) > 0 || slices.Contains(certs[0].ExtKeyUsage, x509.ExtKeyUsageServerAuth) {
		t.Fatal("a user certificate must be a client certificate only")
	}
}

func TestCAWithAPKCS8KeyIsReused(t *testing.T) {
	// state folders made by the earlier openssl-based script hold PKCS#8 keys ("BEGIN PRIVATE KEY")
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := certutil.NewSelfSignedCACert(certutil.Config{CommonName: "openssl-made"}, key)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	_ = os.WriteFile(filepath.Join(dir, "ca.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "ca.crt"), EncodePEM(caCert), 0o644)

	ca, err := LoadOrCreateCA(dir, "ca", "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if !ca.Cert.Equal(caCert) {
		t.Fatal("LoadOrCreateCA replaced an existing CA")
	}
	if err := ca.Ensure(dir, "leaf", Spec{CommonName: "leaf"}); err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(caCert)
	if _, err := readCert(t, filepath.Join(dir, "leaf.crt")).Verify(x509.VerifyOptions{Roots: roots,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatal(err)
	}
}
