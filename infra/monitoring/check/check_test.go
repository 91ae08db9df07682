package check

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"
)

const root = ".."

func promtool(t *testing.T, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: install Debian's prometheus package (./portal test does)")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func files(t *testing.T, pattern string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(root, pattern))
	if err != nil || len(found) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	sort.Strings(found)
	return found
}

func rel(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i], _ = filepath.Rel(root, p)
	}
	return out
}

func TestRulesPassPromtoolCheck(t *testing.T) {
	promtool(t, append([]string{"check", "rules"}, rel(files(t, "rules/*.yaml"))...)...)
}

func TestRulesPassTheirUnitTests(t *testing.T) {
	promtool(t, append([]string{"test", "rules"}, rel(files(t, "tests/*.test.yaml"))...)...)
}

// Every rule file has a unit test file of the same name, and every rule in it is exercised by that test.
func TestEveryRuleIsUnitTested(t *testing.T) {
	for _, f := range files(t, "rules/*.rules.yaml") {
		groups, errs := rulefmt.ParseFile(f)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", f, errs)
		}
		testFile := filepath.Join(root, "tests", strings.TrimSuffix(filepath.Base(f), ".rules.yaml")+".test.yaml")
		b, err := os.ReadFile(testFile)
		if err != nil {
			t.Errorf("%s has no unit tests (%s)", f, testFile)
			continue
		}
		tests := string(b)
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				name := r.Record.Value + r.Alert.Value
				if !strings.Contains(tests, "expr: "+name) && !strings.Contains(tests, "alertname: "+name) {
					t.Errorf("%s: rule %s is not exercised by %s", f, name, testFile)
				}
			}
		}
	}
}

// known is every metric name that exists: the catalogue plus what the rules record.
func known(t *testing.T) map[string]string {
	t.Helper()
	names := map[string]string{}
	f, err := os.Open(filepath.Join(root, "known-metrics.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			names[strings.Fields(line)[0]] = section
		}
	}
	for _, f := range files(t, "rules/*.yaml") {
		groups, errs := rulefmt.ParseFile(f)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", f, errs)
		}
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				if r.Record.Value != "" {
					names[r.Record.Value] = "recorded by " + filepath.Base(f)
				}
			}
		}
	}
	return names
}

// metricNames parses a query and returns the metric names its selectors name.
func metricNames(expr string) ([]string, error) {
	e, err := parser.ParseExpr(expr)
	if err != nil {
		return nil, err
	}
	var out []string
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		if vs, ok := node.(*parser.VectorSelector); ok {
			name := vs.Name
			for _, m := range vs.LabelMatchers {
				if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
					name = m.Value
				}
			}
			out = append(out, name)
		}
		return nil
	})
	return out, nil
}

// Grafana's variables become values a query could hold at run time: ranges become durations, the rest a name.
var grafanaVariable = regexp.MustCompile(`\$\{?(__[a-z_]+|[A-Za-z_][A-Za-z0-9_]*)(:[a-z]+)?\}?`)

func expand(expr string) string {
	return grafanaVariable.ReplaceAllStringFunc(expr, func(v string) string {
		switch name := strings.Trim(v, "${}"); {
		case strings.HasPrefix(name, "__rate_interval"), strings.HasPrefix(name, "__interval"), strings.HasPrefix(name, "__range"):
			return "5m"
		default:
			return "x"
		}
	})
}

func checkQuery(t *testing.T, where, expr string, names map[string]string) {
	t.Helper()
	used, err := metricNames(expand(expr))
	if err != nil {
		t.Errorf("%s: query does not parse: %v\n  %s", where, err, expr)
		return
	}
	if len(used) == 0 {
		t.Errorf("%s: query names no metric: %s", where, expr)
	}
	for _, n := range used {
		if _, ok := names[n]; !ok {
			t.Errorf("%s: %s is neither in known-metrics.txt nor recorded by a rule", where, n)
		}
	}
}

type dashboard struct {
	UID        string `json:"uid"`
	Title      string `json:"title"`
	Inputs     []any  `json:"__inputs"`
	Templating struct {
		List []struct {
			Name       string `json:"name"`
			Type       string `json:"type"`
			Query      any    `json:"query"`
			Definition string `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		ID         int    `json:"id"`
		Title      string `json:"title"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		Targets []struct {
			Expr       string `json:"expr"`
			RefID      string `json:"refId"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
		} `json:"targets"`
	} `json:"panels"`
}

var labelValues = regexp.MustCompile(`^label_values\((.+),\s*([A-Za-z_][A-Za-z0-9_]*)\)$`)

// Every dashboard loads as Grafana's sidecar hands it over (no __inputs to fill in; the data source is the
// ${datasource} variable), and every panel query and variable query parses and names only existing metrics.
func TestDashboardQueriesParseAndNameOnlyExistingMetrics(t *testing.T) {
	names := known(t)
	uids := map[string]string{}
	for _, f := range files(t, "dashboards/*.json") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			t.Errorf("%s: not JSON: %v", f, err)
			continue
		}
		if d.UID == "" || d.Title == "" || len(d.Panels) == 0 {
			t.Errorf("%s: needs uid, title and panels", f)
		}
		if other, dup := uids[d.UID]; dup {
			t.Errorf("%s: uid %s already used by %s", f, d.UID, other)
		}
		uids[d.UID] = f
		if len(d.Inputs) > 0 {
			t.Errorf("%s: __inputs are not filled in by Grafana's sidecar; use the datasource variable", f)
		}
		vars := map[string]bool{}
		for _, v := range d.Templating.List {
			vars[v.Name] = true
			if v.Type != "query" {
				continue
			}
			m := labelValues.FindStringSubmatch(strings.TrimSpace(v.Definition))
			if m == nil {
				t.Errorf("%s: variable %s: only label_values(<selector>, <label>) is used here: %q", f, v.Name, v.Definition)
				continue
			}
			checkQuery(t, f+" variable "+v.Name, m[1], names)
		}
		if !vars["datasource"] {
			t.Errorf("%s: no datasource variable", f)
		}
		ids := map[int]bool{}
		for _, p := range d.Panels {
			where := f + " panel " + p.Title
			if ids[p.ID] {
				t.Errorf("%s: duplicate panel id %d", where, p.ID)
			}
			ids[p.ID] = true
			if p.Datasource.UID != "${datasource}" {
				t.Errorf("%s: data source %q, want ${datasource}", where, p.Datasource.UID)
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s: no query", where)
			}
			for _, q := range p.Targets {
				for _, ref := range grafanaVariable.FindAllStringSubmatch(q.Expr, -1) {
					if !strings.HasPrefix(ref[1], "__") && !vars[ref[1]] {
						t.Errorf("%s: query uses $%s, which the dashboard does not define", where, ref[1])
					}
				}
				checkQuery(t, where+" "+q.RefID, q.Expr, names)
			}
		}
	}
}

// Alert and recording rules name only metrics that exist (a typo in a metric name makes a rule silently empty).
func TestRulesNameOnlyExistingMetrics(t *testing.T) {
	names := known(t)
	for _, f := range files(t, "rules/*.yaml") {
		groups, _ := rulefmt.ParseFile(f)
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				checkQuery(t, f+" "+r.Record.Value+r.Alert.Value, r.Expr.Value, names)
			}
		}
	}
}

// The check itself fails on what it must catch.
func TestTheCheckCatchesUnknownMetricsAndBadSyntax(t *testing.T) {
	names := known(t)
	for _, bad := range []string{`DCGM_FI_DEV_GPU_UTILIZATION{pod!=""}`, `avg by (namespace (DCGM_FI_DEV_GPU_UTIL)`,
		`rate(http_server_requests_total[$__rate_interval])`} {
		if used, err := metricNames(expand(bad)); err == nil {
			missing := false
			for _, n := range used {
				if _, ok := names[n]; !ok {
					missing = true
				}
			}
			if !missing {
				t.Errorf("not caught: %s", bad)
			}
		}
	}
	if got := expand(`sum(increase(x{pod=~"$pod",ns="${namespace}"}[$__range]))`); got != `sum(increase(x{pod=~"x",ns="x"}[5m]))` {
		t.Errorf("expand: %s", got)
	}
}

type kubeObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Spec struct {
		PodMetricsEndpoints []struct {
			HonorLabels bool `yaml:"honorLabels"`
		} `yaml:"podMetricsEndpoints"`
		Endpoints []struct {
			Port        string `yaml:"port"`
			Path        string `yaml:"path"`
			Relabelings []struct {
				TargetLabel string `yaml:"targetLabel"`
			} `yaml:"relabelings"`
		} `yaml:"endpoints"`
	} `yaml:"spec"`
}

// dcgm-exporter is scraped with honorLabels (else its namespace/pod labels become exported_namespace/exported_pod
// and no panel or rule finds a team's GPUs), the services on their management port with portal_service set, and
// the kustomization ships every dashboard as a ConfigMap Grafana's sidecar picks up.
func TestScrapeObjectsAndDashboardConfigMaps(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "kubernetes/monitors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	kinds := map[string]bool{}
	for {
		var o kubeObject
		if err := dec.Decode(&o); err != nil {
			break
		}
		kinds[o.Kind+"/"+o.Metadata.Name] = true
		switch o.Kind {
		case "PodMonitor":
			for _, e := range o.Spec.PodMetricsEndpoints {
				if !e.HonorLabels {
					t.Errorf("%s: dcgm-exporter must be scraped with honorLabels: true", o.Metadata.Name)
				}
			}
		case "ServiceMonitor":
			for _, e := range o.Spec.Endpoints {
				set := false
				for _, r := range e.Relabelings {
					set = set || r.TargetLabel == "portal_service"
				}
				if e.Path != "/actuator/prometheus" || e.Port != "management" || !set {
					t.Errorf("%s: endpoint %+v", o.Metadata.Name, e)
				}
			}
		}
	}
	if !kinds["PodMonitor/dcgm-exporter"] || !kinds["ServiceMonitor/ai-portal"] {
		t.Errorf("monitors: %v", kinds)
	}
	k, err := os.ReadFile(filepath.Join(root, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(k), "grafana_dashboard: \"1\"") {
		t.Error("dashboard ConfigMaps need the label grafana_dashboard: \"1\" for Grafana's sidecar")
	}
	for _, f := range rel(files(t, "dashboards/*.json")) {
		if !strings.Contains(string(k), f) {
			t.Errorf("kustomization.yaml does not ship %s", f)
		}
	}
}
