package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"

	"ai.portal/local-cluster/internal/kueue"
	"ai.portal/local-cluster/internal/pki"
	"ai.portal/local-cluster/internal/podproc"
)

// pkiCmd creates the cluster's CA, certificates and kubeconfigs (what is missing) in a state folder.
func pkiCmd(args []string) error {
	fs := flag.NewFlagSet("pki", flag.ExitOnError)
	state := fs.String("state", "", "cluster state folder")
	server := fs.String("server", "", "API server URL written into the kubeconfigs, e.g. https://127.0.0.1:6443")
	_ = fs.Parse(args)
	if *state == "" || *server == "" {
		return fmt.Errorf("--state and --server are required")
	}
	start := time.Now()
	if err := (pki.Cluster{State: *state, Server: *server}).Ensure(); err != nil {
		return err
	}
	slog.Debug("pki ready", "state", *state, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// userKubeconfigCmd mints a client certificate for a user and groups and prints its kubeconfig's path.
func userKubeconfigCmd(args []string) error {
	fs := flag.NewFlagSet("user-kubeconfig", flag.ExitOnError)
	state := fs.String("state", "", "cluster state folder")
	server := fs.String("server", "", "API server URL")
	_ = fs.Parse(args)
	if fs.NArg() < 1 || *state == "" || *server == "" {
		return fmt.Errorf("usage: user-kubeconfig --state DIR --server URL NAME [GROUP...]")
	}
	path, err := pki.Cluster{State: *state, Server: *server}.UserKubeconfig(fs.Arg(0), fs.Args()[1:])
	if err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}

// kueueInstallCmd writes Kueue's manager configuration and applies its CRDs, webhook configurations and
// visibility APIService, derived from Kueue's own manifests (see internal/kueue).
func kueueInstallCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kueue-install", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "admin kubeconfig")
	manifests := fs.String("manifests", "", "copy of Kueue's config/components (crd, webhook, visibility)")
	template := fs.String("config-template", "", "Kueue Configuration with ${...} placeholders")
	configOut := fs.String("config-out", "", "where to write the filled-in Configuration")
	certDir := fs.String("cert-dir", "", "folder holding Kueue's serving tls.crt and tls.key")
	caFile := fs.String("ca", "", "the CA that issued Kueue's serving certificate (PEM)")
	ports := map[string]*int{}
	for _, p := range []string{"webhook", "visibility", "health", "metrics"} {
		ports[p] = fs.Int(p+"-port", 0, "Kueue's "+p+" port")
	}
	_ = fs.Parse(args)
	for name, p := range ports {
		if *p <= 0 {
			return fmt.Errorf("--%s-port is required", name)
		}
	}

	values := map[string]string{
		"CLUSTER_KUEUE_WEBHOOK_PORT":    strconv.Itoa(*ports["webhook"]),
		"CLUSTER_KUEUE_VISIBILITY_PORT": strconv.Itoa(*ports["visibility"]),
		"CLUSTER_KUEUE_HEALTH_PORT":     strconv.Itoa(*ports["health"]),
		"CLUSTER_KUEUE_METRICS_PORT":    strconv.Itoa(*ports["metrics"]),
		"KUEUE_CERT_DIR":                *certDir,
	}
	selector, err := renderKueueConfig(*template, *configOut, values)
	if err != nil {
		return err
	}
	ca, err := os.ReadFile(*caFile)
	if err != nil {
		return err
	}
	m, err := kueue.Load(*manifests)
	if err != nil {
		return err
	}
	objs, err := m.Objects(kueue.Options{
		WebhookPort: *ports["webhook"], VisibilityPort: *ports["visibility"], CABundle: ca, ManagedNamespaces: selector,
	})
	if err != nil {
		return err
	}
	c, err := newClients(*kubeconfig)
	if err != nil {
		return err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(c.config)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	start := time.Now()
	var crds []string
	for _, o := range objs {
		if err := applyRetrying(ctx, c, mapper, o); err != nil {
			return fmt.Errorf("%s %s: %w", o.GetKind(), o.GetName(), err)
		}
		if o.GetKind() == "CustomResourceDefinition" {
			crds = append(crds, o.GetName())
		}
	}
	if err := waitEstablished(ctx, c, crds); err != nil {
		return err
	}
	slog.Info("kueue installed", "objects", len(objs), "crds", len(crds), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// applyRetrying applies one object, retrying what a busy or just-started API server answers (timeouts,
// throttling): Kueue's Workload CRD is over a megabyte and its first apply may time out on a loaded machine.
func applyRetrying(ctx context.Context, c *clients, mapper *restmapper.DeferredDiscoveryRESTMapper, o *unstructured.Unstructured) error {
	if unchanged(ctx, c, mapper, o) {
		return nil
	}
	deadline := time.Now().Add(3 * time.Minute)
	for wait := time.Second; ; wait = min(2*wait, 15*time.Second) {
		err := applyOne(ctx, c, mapper, o)
		if err == nil || time.Now().After(deadline) ||
			!(apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err) || apierrors.IsTooManyRequests(err) ||
				apierrors.IsInternalError(err) || apierrors.IsServiceUnavailable(err)) {
			return err
		}
		slog.Warn("apply failed, retrying", "kind", o.GetKind(), "name", o.GetName(), "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// appliedAnnotation carries a hash of what was last applied: a restart skips objects that did not change
// (applying Kueue's large CRDs again costs the API server seconds of CPU for nothing).
const appliedAnnotation = "local-cluster.portal.ai/applied-sha256"

func unchanged(ctx context.Context, c *clients, mapper *restmapper.DeferredDiscoveryRESTMapper, o *unstructured.Unstructured) bool {
	body, err := json.Marshal(o.Object)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	ann := o.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[appliedAnnotation] = hash
	o.SetAnnotations(ann)
	mapping, err := mapper.RESTMapping(o.GroupVersionKind().GroupKind(), o.GroupVersionKind().Version)
	if err != nil {
		return false
	}
	var live *unstructured.Unstructured
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		live, err = c.dynamic.Resource(mapping.Resource).Namespace(o.GetNamespace()).Get(ctx, o.GetName(), metav1.GetOptions{})
	} else {
		live, err = c.dynamic.Resource(mapping.Resource).Get(ctx, o.GetName(), metav1.GetOptions{})
	}
	return err == nil && live.GetAnnotations()[appliedAnnotation] == hash
}

// renderKueueConfig fills the template's ${NAME} placeholders (every one must be known) and returns the
// configuration's managedJobsNamespaceSelector, which the webhooks get too.
func renderKueueConfig(template, out string, values map[string]string) (map[string]any, error) {
	data, err := os.ReadFile(template)
	if err != nil {
		return nil, err
	}
	var missing []string
	text := os.Expand(string(data), func(k string) string {
		v, ok := values[k]
		if !ok {
			missing = append(missing, k)
		}
		return v
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: unknown placeholders %s", template, strings.Join(missing, ", "))
	}
	var cfg struct {
		Selector map[string]any `json:"managedJobsNamespaceSelector"`
	}
	if err := yaml.Unmarshal([]byte(text), &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", template, err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, err
	}
	return cfg.Selector, os.WriteFile(out, []byte(text), 0o644)
}

func waitEstablished(ctx context.Context, c *clients, names []string) error {
	gvr := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	deadline := time.Now().Add(60 * time.Second)
	for _, name := range names {
		for {
			u, err := c.dynamic.Resource(gvr).Get(ctx, name, metav1.GetOptions{})
			if err == nil && established(u.Object) {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("CRD %s not established after 60 s (last error: %v)", name, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return nil
}

func established(crd map[string]any) bool {
	conditions, _, _ := unstructured.NestedSlice(crd, "status", "conditions")
	for _, c := range conditions {
		if m, ok := c.(map[string]any); ok && m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}

// kwokStagesCmd writes KWOK's stages with the runtime's pods left out of every Pod stage.
func kwokStagesCmd(args []string) error {
	fs := flag.NewFlagSet("kwok-stages", flag.ExitOnError)
	in := fs.String("stages", "", "KWOK stages file")
	out := fs.String("out", "", "where to write the result")
	runtimeConfig := fs.String("runtime-config", "", "process runtime configuration (runnable images); empty: copy as is")
	extra := fs.String("runnable-images", "", "comma-separated images added to the runnable set")
	_ = fs.Parse(args)
	data, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	var images []string
	if *runtimeConfig != "" {
		cfg, err := podproc.LoadConfig(*runtimeConfig, ".")
		if err != nil {
			return err
		}
		cfg.AddImages(*extra)
		images = cfg.SortedImages()
	}
	rendered, err := podproc.ExcludeFromKWOK(data, images)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	return os.WriteFile(*out, rendered, 0o644)
}
