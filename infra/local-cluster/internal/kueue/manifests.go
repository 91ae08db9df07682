// Package kueue turns Kueue's own install manifests (config/components of the sigs.k8s.io/kueue module, copied
// into the binary cache at build time) into the objects the local cluster applies: Kueue's CRDs, its webhook
// configurations and the visibility APIService. Kueue runs as a process beside the control plane rather than as
// a pod behind a Service, so every Service reference is rewritten the way a cluster without kube-proxy reaches
// an out-of-cluster endpoint:
//
//   - admission and conversion webhooks: clientConfig.url https://127.0.0.1:<webhook port><path> with a caBundle
//     of the cluster CA (Kueue's serving certificate is issued from it);
//   - the visibility API: an APIService pointing at a Service of type ExternalName (externalName localhost),
//     which the API server's aggregator resolves to https://localhost:<port> without EndpointSlices (which refuse
//     loopback addresses); the aggregator checks the certificate for <service>.<namespace>.svc.
//
// The rule lists, versions and paths all come from Kueue's files; only the wiring is ours. Objects() is a pure
// function of the manifests and Options, so it is unit-tested without a cluster.
package kueue

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Names Kueue's kustomize build gives its objects (config/default: namespace kueue-system, namePrefix kueue-).
const (
	Namespace  = "kueue-system"
	namePrefix = "kueue-"
)

// Labels on every object applied here.
var labels = map[string]any{
	"app.kubernetes.io/name":       "kueue",
	"app.kubernetes.io/managed-by": "ai-portal-local-cluster",
}

// Options say where Kueue listens and which namespaces it manages.
type Options struct {
	WebhookPort    int
	VisibilityPort int
	CABundle       []byte // PEM of the CA that issued Kueue's serving certificate
	// ManagedNamespaces selects the namespaces whose pods, Deployments and StatefulSets Kueue's webhooks see;
	// the same selector as the manager's managedJobsNamespaceSelector. Where Kueue's kustomization limits a
	// webhook by namespace (it excludes kube-system and kueue-system), this selector is used instead.
	ManagedNamespaces map[string]any
}

// Manifests are the files of config/components that the install needs.
type Manifests struct {
	CRDs       []*unstructured.Unstructured
	Conversion map[string]conversion // CRD name -> its conversion webhook patch
	Webhooks   []*unstructured.Unstructured
	// names of webhooks whose namespaceSelector Kueue's kustomization sets
	NamespaceScoped map[string]bool
	APIServices     []*unstructured.Unstructured
}

type conversion struct {
	Path           string
	ReviewVersions []any
}

type kustomization struct {
	Resources []string `json:"resources"`
	Patches   []struct {
		Path  string `json:"path"`
		Patch string `json:"patch"`
	} `json:"patches"`
}

// Load reads <dir>/{crd,webhook,visibility} (copies of Kueue's config/components/...).
func Load(dir string) (*Manifests, error) {
	m := &Manifests{Conversion: map[string]conversion{}, NamespaceScoped: map[string]bool{}}

	crdDir := filepath.Join(dir, "crd")
	crdK, err := readKustomization(crdDir)
	if err != nil {
		return nil, err
	}
	for _, r := range crdK.Resources {
		objs, err := readObjects(filepath.Join(crdDir, r))
		if err != nil {
			return nil, err
		}
		m.CRDs = append(m.CRDs, objs...)
	}
	for _, p := range crdK.Patches {
		if p.Path == "" {
			continue
		}
		objs, err := readObjects(filepath.Join(crdDir, p.Path))
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			path, _, _ := unstructured.NestedString(o.Object, "spec", "conversion", "webhook", "clientConfig", "service", "path")
			versions, _, _ := unstructured.NestedSlice(o.Object, "spec", "conversion", "webhook", "conversionReviewVersions")
			if path != "" {
				m.Conversion[o.GetName()] = conversion{Path: path, ReviewVersions: versions}
			}
		}
	}

	webhookDir := filepath.Join(dir, "webhook")
	whK, err := readKustomization(webhookDir)
	if err != nil {
		return nil, err
	}
	for _, r := range whK.Resources {
		objs, err := readObjects(filepath.Join(webhookDir, r))
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if strings.HasSuffix(o.GetKind(), "WebhookConfiguration") {
				m.Webhooks = append(m.Webhooks, o)
			}
		}
	}
	for _, p := range whK.Patches {
		objs, err := decode([]byte(p.Patch))
		if err != nil {
			return nil, fmt.Errorf("webhook kustomization patch: %w", err)
		}
		for _, o := range objs {
			hooks, _, _ := unstructured.NestedSlice(o.Object, "webhooks")
			for _, h := range hooks {
				hm, _ := h.(map[string]any)
				if _, ok := hm["namespaceSelector"]; ok {
					m.NamespaceScoped[fmt.Sprint(hm["name"])] = true
				}
			}
		}
	}

	visDir := filepath.Join(dir, "visibility")
	visK, err := readKustomization(visDir)
	if err != nil {
		return nil, err
	}
	for _, r := range visK.Resources {
		objs, err := readObjects(filepath.Join(visDir, r))
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if o.GetKind() == "APIService" {
				m.APIServices = append(m.APIServices, o)
			}
		}
	}
	if len(m.CRDs) == 0 || len(m.Webhooks) == 0 || len(m.APIServices) == 0 {
		return nil, fmt.Errorf("%s: expected CRDs, webhook configurations and APIServices, found %d, %d, %d",
			dir, len(m.CRDs), len(m.Webhooks), len(m.APIServices))
	}
	return m, nil
}

// Objects returns what to apply, in order: CRDs, then the namespace, the visibility Service and APIServices,
// then the webhook configurations.
func (m *Manifests) Objects(opt Options) ([]*unstructured.Unstructured, error) {
	if opt.WebhookPort <= 0 || opt.VisibilityPort <= 0 || len(opt.CABundle) == 0 {
		return nil, fmt.Errorf("webhook port, visibility port and CA bundle are required")
	}
	caBundle := base64.StdEncoding.EncodeToString(opt.CABundle)
	base := fmt.Sprintf("https://127.0.0.1:%d", opt.WebhookPort)
	var out []*unstructured.Unstructured

	for _, crd := range m.CRDs {
		c := crd.DeepCopy()
		if conv, ok := m.Conversion[c.GetName()]; ok {
			webhook := map[string]any{"clientConfig": map[string]any{"url": base + conv.Path, "caBundle": caBundle}}
			if len(conv.ReviewVersions) > 0 {
				webhook["conversionReviewVersions"] = conv.ReviewVersions
			}
			if err := unstructured.SetNestedMap(c.Object, map[string]any{"strategy": "Webhook", "webhook": webhook},
				"spec", "conversion"); err != nil {
				return nil, err
			}
		}
		addLabels(c)
		out = append(out, c)
	}

	ns := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": Namespace},
	}}
	addLabels(ns)
	out = append(out, ns)

	services := map[string]bool{}
	for _, api := range m.APIServices {
		a := api.DeepCopy()
		svcName, _, _ := unstructured.NestedString(a.Object, "spec", "service", "name")
		if svcName == "" {
			return nil, fmt.Errorf("APIService %s names no service", a.GetName())
		}
		svcName = namePrefix + svcName
		unstructured.RemoveNestedField(a.Object, "spec", "insecureSkipTLSVerify")
		spec, _, _ := unstructured.NestedMap(a.Object, "spec")
		spec["caBundle"] = caBundle
		spec["service"] = map[string]any{"name": svcName, "namespace": Namespace, "port": int64(opt.VisibilityPort)}
		if err := unstructured.SetNestedMap(a.Object, spec, "spec"); err != nil {
			return nil, err
		}
		addLabels(a)
		if !services[svcName] {
			services[svcName] = true
			out = append(out, externalNameService(svcName, opt.VisibilityPort))
		}
		out = append(out, a)
	}

	for _, wc := range m.Webhooks {
		w := wc.DeepCopy()
		w.SetName(namePrefix + w.GetName())
		hooks, _, _ := unstructured.NestedSlice(w.Object, "webhooks")
		for i, h := range hooks {
			hm, ok := h.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: webhook %d is not an object", w.GetName(), i)
			}
			path, _, _ := unstructured.NestedString(hm, "clientConfig", "service", "path")
			if path == "" {
				return nil, fmt.Errorf("%s: webhook %v has no service path", w.GetName(), hm["name"])
			}
			hm["clientConfig"] = map[string]any{"url": base + path, "caBundle": caBundle}
			if m.NamespaceScoped[fmt.Sprint(hm["name"])] && opt.ManagedNamespaces != nil {
				hm["namespaceSelector"] = opt.ManagedNamespaces
			}
			hooks[i] = hm
		}
		if err := unstructured.SetNestedSlice(w.Object, hooks, "webhooks"); err != nil {
			return nil, err
		}
		addLabels(w)
		out = append(out, w)
	}
	return out, nil
}

// externalNameService stands for Kueue's ClusterIP Service: the aggregator resolves ExternalName to
// https://<externalName>:<APIService port>.
func externalNameService(name string, port int) *unstructured.Unstructured {
	s := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": name, "namespace": Namespace},
		"spec": map[string]any{
			"type": "ExternalName", "externalName": "localhost",
			"ports": []any{map[string]any{"name": "https", "port": int64(port), "protocol": "TCP"}},
		},
	}}
	addLabels(s)
	return s
}

func addLabels(o *unstructured.Unstructured) {
	l := o.GetLabels()
	if l == nil {
		l = map[string]string{}
	}
	for k, v := range labels {
		l[k] = v.(string)
	}
	o.SetLabels(l)
}

func readKustomization(dir string) (*kustomization, error) {
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		return nil, err
	}
	var k kustomization
	if err := yaml.Unmarshal(data, &k); err != nil {
		return nil, fmt.Errorf("%s/kustomization.yaml: %w", dir, err)
	}
	return &k, nil
}

func readObjects(path string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	objs, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return objs, nil
}

func decode(data []byte) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(m) > 0 {
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
}
