package pki

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ClusterName names the cluster and context in every kubeconfig written here.
const ClusterName = "ai-portal-local"

// Kueue's aggregated visibility API is reached by the API server through this Service; its serving
// certificate must carry the Service's DNS name, which the aggregator checks.
const (
	KueueNamespace         = "kueue-system"
	KueueVisibilityService = "kueue-visibility-server"
)

// The prometheus-adapter's metrics APIs are reached the same way, through this Service.
const (
	AdapterNamespace = "portal-monitoring"
	AdapterService   = "prometheus-adapter"
)

var loopback = []net.IP{net.ParseIP("127.0.0.1")}

// Cluster is the PKI and kubeconfigs of one local cluster's state folder:
//
//	<state>/pki/{ca,front-proxy-ca}.{crt,key}, sa.{key,pub}, one <component>.{crt,key} per component
//	<state>/kubeconfig                        the admin's (system:masters)
//	<state>/run/<component>.kubeconfig        the components'
//	<state>/kueue/certs/tls.{crt,key}         Kueue's webhook, metrics and visibility serving certificate
//	<state>/adapter/certs/tls.{crt,key}       the prometheus-adapter's serving certificate
//	<state>/users/user-<hash>.{crt,key,kubeconfig}  users minted by UserKubeconfig
type Cluster struct {
	State  string
	Server string // https://127.0.0.1:<api port>
}

func (c Cluster) pkiDir() string { return filepath.Join(c.State, "pki") }

// component is a client of the API server with a certificate and a kubeconfig of its own.
type component struct {
	cert       string // file name under pki/
	user       string // CN
	groups     []string
	kubeconfig string // path under the state folder; empty: no kubeconfig
	serving    bool   // the certificate also serves TLS on 127.0.0.1 (KWOK's kubelet API)
}

// The control plane's identities. Components outside the Kubernetes distribution (KWOK, the agent, Kueue)
// are system:masters here; on a real cluster they run under their own RBAC roles.
var components = []component{
	{cert: "admin", user: "kubernetes-admin", groups: []string{"system:masters"}, kubeconfig: "kubeconfig"},
	{cert: "apiserver-kubelet-client", user: "kube-apiserver-kubelet-client", groups: []string{"system:masters"}},
	{cert: "controller-manager", user: "system:kube-controller-manager", kubeconfig: "run/controller-manager.kubeconfig"},
	{cert: "scheduler", user: "system:kube-scheduler", kubeconfig: "run/scheduler.kubeconfig"},
	{cert: "kwok", user: "kwok-controller", groups: []string{"system:masters"}, kubeconfig: "run/kwok.kubeconfig", serving: true},
	{cert: "sim-agent", user: "ai-portal-sim-agent", groups: []string{"system:masters"}, kubeconfig: "run/sim-agent.kubeconfig"},
	{cert: "kueue", user: "kueue-controller-manager", groups: []string{"system:masters"}, kubeconfig: "run/kueue.kubeconfig"},
	{cert: "prometheus-adapter", user: "ai-portal-prometheus-adapter", groups: []string{"system:masters"}, kubeconfig: "run/prometheus-adapter.kubeconfig"},
	{cert: "vpa-recommender", user: "ai-portal-vpa-recommender", groups: []string{"system:masters"}, kubeconfig: "run/vpa-recommender.kubeconfig"},
}

// Ensure creates what is missing and rewrites every kubeconfig (they follow the API port of this start).
func (c Cluster) Ensure() error {
	dir := c.pkiDir()
	for _, d := range []string{dir, filepath.Join(c.State, "run"), filepath.Join(c.State, "logs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	ca, err := LoadOrCreateCA(dir, "ca", "ai-portal-local-cluster-ca")
	if err != nil {
		return err
	}
	if err := EnsureServiceAccountKey(dir); err != nil {
		return err
	}
	// the aggregation layer's own CA (requestheader authentication), separate from the cluster CA as kubeadm does
	frontProxy, err := LoadOrCreateCA(dir, "front-proxy-ca", "front-proxy-ca")
	if err != nil {
		return err
	}
	if err := frontProxy.Ensure(dir, "front-proxy-client", Spec{CommonName: "front-proxy-client"}); err != nil {
		return err
	}
	if err := ca.Ensure(dir, "apiserver", Spec{CommonName: "kube-apiserver", IPs: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
		DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}}); err != nil {
		return err
	}
	kueueDir := filepath.Join(c.State, "kueue", "certs")
	if err := ca.EnsureAt(filepath.Join(kueueDir, "tls.crt"), filepath.Join(kueueDir, "tls.key"), Spec{
		CommonName: "kueue",
		DNSNames: []string{"localhost", KueueVisibilityService + "." + KueueNamespace + ".svc",
			"kueue-webhook-service." + KueueNamespace + ".svc"},
		IPs: loopback,
	}); err != nil {
		return err
	}
	adapterDir := filepath.Join(c.State, "adapter", "certs")
	if err := ca.EnsureAt(filepath.Join(adapterDir, "tls.crt"), filepath.Join(adapterDir, "tls.key"), Spec{
		CommonName: AdapterService,
		DNSNames:   []string{"localhost", AdapterService + "." + AdapterNamespace + ".svc"},
		IPs:        loopback,
	}); err != nil {
		return err
	}
	for _, comp := range components {
		spec := Spec{CommonName: comp.user, Organizations: comp.groups}
		if comp.serving {
			spec.DNSNames, spec.IPs = []string{"localhost"}, loopback
		}
		if err := ca.Ensure(dir, comp.cert, spec); err != nil {
			return err
		}
		if comp.kubeconfig == "" {
			continue
		}
		crt, key := Paths(dir, comp.cert)
		if err := c.writeKubeconfig(filepath.Join(c.State, comp.kubeconfig), comp.user, ca.CertPEM, crt, key); err != nil {
			return err
		}
	}
	return nil
}

// UserKubeconfig mints (once per user and group set) a client certificate for user in groups, signed by the
// cluster CA, and writes a kubeconfig for it; it returns the kubeconfig's path.
func (c Cluster) UserKubeconfig(user string, groups []string) (string, error) {
	if user == "" {
		return "", fmt.Errorf("a user name is required")
	}
	ca, err := LoadCA(c.pkiDir(), "ca")
	if err != nil {
		return "", fmt.Errorf("no cluster CA in %s (start the cluster first): %w", c.pkiDir(), err)
	}
	sum := sha256.Sum256([]byte(user + " " + strings.Join(groups, " ")))
	name := "user-" + hex.EncodeToString(sum[:])[:12]
	dir := filepath.Join(c.State, "users")
	if err := ca.Ensure(dir, name, Spec{CommonName: user, Organizations: groups, Validity: UserValidity}); err != nil {
		return "", err
	}
	crt, key := Paths(dir, name)
	path := filepath.Join(dir, name+".kubeconfig")
	return path, c.writeKubeconfig(path, user, ca.CertPEM, crt, key)
}

// writeKubeconfig writes a kubeconfig with the certificates embedded (the file stands alone), atomically.
func (c Cluster) writeKubeconfig(path, user string, caPEM []byte, crtPath, keyPath string) error {
	crt, err := os.ReadFile(crtPath)
	if err != nil {
		return err
	}
	key, err := os.ReadFile(keyPath)
	if err != nil {
		return err
	}
	contextName := user + "@" + ClusterName
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[ClusterName] = &clientcmdapi.Cluster{Server: c.Server, CertificateAuthorityData: caPEM}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: crt, ClientKeyData: key}
	cfg.Contexts[contextName] = &clientcmdapi.Context{Cluster: ClusterName, AuthInfo: user}
	cfg.CurrentContext = contextName
	tmp := path + ".tmp"
	if err := clientcmd.WriteToFile(*cfg, tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
