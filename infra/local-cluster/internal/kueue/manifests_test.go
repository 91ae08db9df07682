package kueue

import (
	"encoding/base64"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

var teamNamespaces = map[string]any{
	"matchExpressions": []any{map[string]any{"key": "portal.ai/team", "operator": "Exists"}},
}

func objects(t *testing.T) map[string]*unstructured.Unstructured {
	t.Helper()
	m, err := Load("testdata/components")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := m.Objects(Options{WebhookPort: 19443, VisibilityPort: 19444, CABundle: []byte("CA PEM"), ManagedNamespaces: teamNamespaces})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*unstructured.Unstructured{}
	for _, o := range objs {
		byName[o.GetKind()+"/"+o.GetName()] = o
		if o.GetLabels()["app.kubernetes.io/name"] != "kueue" {
			t.Errorf("%s %s lacks the kueue label", o.GetKind(), o.GetName())
		}
	}
	return byName
}

var wantCA = base64.StdEncoding.EncodeToString([]byte("CA PEM"))

func TestWebhooksCallKueueByURLWithTheClusterCA(t *testing.T) {
	o := objects(t)
	mutating := o["MutatingWebhookConfiguration/kueue-mutating-webhook-configuration"]
	if mutating == nil {
		t.Fatalf("no prefixed mutating configuration among %v", reflect.ValueOf(o).MapKeys())
	}
	hooks, _, _ := unstructured.NestedSlice(mutating.Object, "webhooks")
	if len(hooks) != 2 {
		t.Fatalf("want both of Kueue's mutating webhooks, got %d", len(hooks))
	}
	for _, h := range hooks {
		hm := h.(map[string]any)
		cc := hm["clientConfig"].(map[string]any)
		if _, ok := cc["service"]; ok {
			t.Errorf("%v still names a Service", hm["name"])
		}
		if cc["caBundle"] != wantCA {
			t.Errorf("%v: caBundle %v", hm["name"], cc["caBundle"])
		}
		// rules are Kueue's, untouched
		if hm["rules"] == nil || hm["failurePolicy"] != "Fail" {
			t.Errorf("%v lost its rules or failure policy", hm["name"])
		}
	}
	pod := hooks[1].(map[string]any)
	if got := pod["clientConfig"].(map[string]any)["url"]; got != "https://127.0.0.1:19443/mutate--v1-pod" {
		t.Errorf("pod webhook url = %v", got)
	}
	if !reflect.DeepEqual(pod["namespaceSelector"], teamNamespaces) {
		t.Errorf("the pod webhook must see team namespaces only, got %v", pod["namespaceSelector"])
	}
	if job := hooks[0].(map[string]any); job["namespaceSelector"] != nil {
		t.Errorf("the job webhook has no namespace selector in Kueue's manifests, got %v", job["namespaceSelector"])
	}
	if o["ValidatingWebhookConfiguration/kueue-validating-webhook-configuration"] == nil {
		t.Error("no validating configuration")
	}
}

func TestConversionWebhookOnlyWhereKueuesKustomizationEnablesIt(t *testing.T) {
	o := objects(t)
	conv, _, _ := unstructured.NestedMap(o["CustomResourceDefinition/queues.example.x-k8s.io"].Object, "spec", "conversion")
	want := map[string]any{"strategy": "Webhook", "webhook": map[string]any{
		"clientConfig":             map[string]any{"url": "https://127.0.0.1:19443/convert", "caBundle": wantCA},
		"conversionReviewVersions": []any{"v1"},
	}}
	if !reflect.DeepEqual(conv, want) {
		t.Errorf("conversion = %v", conv)
	}
	if c, found, _ := unstructured.NestedMap(o["CustomResourceDefinition/flavors.example.x-k8s.io"].Object, "spec", "conversion"); found {
		t.Errorf("flavors' conversion patch is commented out in the kustomization, got %v", c)
	}
}

func TestVisibilityAPIGoesThroughAnExternalNameServiceWithTheCA(t *testing.T) {
	o := objects(t)
	api := o["APIService/v1beta2.visibility.example.x-k8s.io"]
	if api == nil {
		t.Fatal("no APIService")
	}
	spec, _, _ := unstructured.NestedMap(api.Object, "spec")
	if _, insecure := spec["insecureSkipTLSVerify"]; insecure {
		t.Error("insecureSkipTLSVerify must go when a caBundle is set")
	}
	if spec["caBundle"] != wantCA {
		t.Errorf("caBundle = %v", spec["caBundle"])
	}
	wantSvc := map[string]any{"name": "kueue-visibility-server", "namespace": "kueue-system", "port": int64(19444)}
	if !reflect.DeepEqual(spec["service"], wantSvc) {
		t.Errorf("service = %v", spec["service"])
	}
	svc := o["Service/kueue-visibility-server"]
	if svc == nil {
		t.Fatal("no Service for the APIService")
	}
	if typ, _, _ := unstructured.NestedString(svc.Object, "spec", "type"); typ != "ExternalName" {
		t.Errorf("service type = %s", typ)
	}
	if name, _, _ := unstructured.NestedString(svc.Object, "spec", "externalName"); name != "localhost" {
		t.Errorf("externalName = %s", name)
	}
	if svc.GetNamespace() != Namespace || o["Namespace/"+Namespace] == nil {
		t.Error("the Service must live in kueue-system, which is created too")
	}
}

func TestObjectsRefuseMissingWiring(t *testing.T) {
	m, err := Load("testdata/components")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Objects(Options{WebhookPort: 1, VisibilityPort: 2}); err == nil {
		t.Error("a missing CA bundle must be refused")
	}
	if _, err := Load("testdata"); err == nil {
		t.Error("a folder without Kueue's manifests must be refused")
	}
}
