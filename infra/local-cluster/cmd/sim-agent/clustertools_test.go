package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestShippedKueueConfigRendersWithEveryPlaceholderAndTheTeamSelector(t *testing.T) {
	out := filepath.Join(t.TempDir(), "kueue-config.yaml")
	values := map[string]string{
		"CLUSTER_KUEUE_WEBHOOK_PORT": "19443", "CLUSTER_KUEUE_VISIBILITY_PORT": "19444",
		"CLUSTER_KUEUE_HEALTH_PORT": "19446", "CLUSTER_KUEUE_METRICS_PORT": "19445", "KUEUE_CERT_DIR": "/state/kueue/certs",
	}
	selector, err := renderKueueConfig("../../config/kueue/controller-manager.yaml", out, values)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"matchExpressions": []any{map[string]any{"key": "portal.ai/team", "operator": "Exists"}}}
	if !reflect.DeepEqual(selector, want) {
		t.Fatalf("selector %v", selector)
	}
	b, _ := os.ReadFile(out)
	text := string(b)
	for _, w := range []string{"port: 19443", "bindPort: 19444", "127.0.0.1:19446", "127.0.0.1:19445", "certDir: /state/kueue/certs",
		"leaderElect: false", "- statefulset", "fairSharing:"} {
		if !strings.Contains(text, w) {
			t.Errorf("rendered config lacks %q", w)
		}
	}
	if strings.Contains(text, "${") {
		t.Error("a placeholder was left")
	}
	delete(values, "KUEUE_CERT_DIR")
	if _, err := renderKueueConfig("../../config/kueue/controller-manager.yaml", out, values); err == nil ||
		!strings.Contains(err.Error(), "KUEUE_CERT_DIR") {
		t.Fatalf("an unknown placeholder must be named, got %v", err)
	}
}
