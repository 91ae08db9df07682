package podproc

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// ImageQuery is the KWOK stage selector key matching every container image of a pod.
const ImageQuery = ".spec.containers.[].image"

// ExcludeFromKWOK adds to every Pod stage of a KWOK stages file a selector requirement that none of the pod's
// containers has a runnable image: those pods are this runtime's, and KWOK must not play their status.
func ExcludeFromKWOK(stages []byte, images []string) ([]byte, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(stages), 4096)
	var out bytes.Buffer
	n := 0
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, err
		}
		if len(doc) == 0 {
			continue
		}
		if isPodStage(doc) && len(images) > 0 {
			spec, _ := doc["spec"].(map[string]any)
			sel, _ := spec["selector"].(map[string]any)
			if sel == nil {
				sel = map[string]any{}
				spec["selector"] = sel
			}
			exprs, _ := sel["matchExpressions"].([]any)
			values := make([]any, len(images))
			for i, im := range images {
				values[i] = im
			}
			sel["matchExpressions"] = append(exprs, map[string]any{"key": ImageQuery, "operator": "NotIn", "values": values})
		}
		b, err := yaml.Marshal(doc)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out.WriteString("---\n")
		}
		out.Write(b)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("no stages")
	}
	return out.Bytes(), nil
}

func isPodStage(doc map[string]any) bool {
	if doc["kind"] != "Stage" {
		return false
	}
	spec, _ := doc["spec"].(map[string]any)
	ref, _ := spec["resourceRef"].(map[string]any)
	return ref["kind"] == "Pod"
}
