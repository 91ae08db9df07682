package podproc

import (
	"net"
	"regexp"
	"strconv"
)

// Services answers where a Service's port is served: the IP and target port of one Ready pod it selects. This
// machine has no cluster DNS and no kube-proxy, and EndpointSlices refuse the pods' loopback IPs; a process
// connects to a pod's IP instead (README, "Real processes").
type Services interface {
	ServiceAddress(namespace, name string, port int) (host string, targetPort int, ok bool)
}

// serviceURL matches a URL naming a Service by its cluster DNS name: scheme://<service>.<namespace>.svc[.cluster.local][:port]
var serviceURL = regexp.MustCompile(`(https?://)([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?(:([0-9]{1,5}))?`)

// ResolveServiceURLs stands in for cluster DNS and kube-proxy in environment values: a URL naming a Service
// (http://<service>.<namespace>.svc:<port>/...) is pointed at a Ready pod behind it, as a connection to the
// Service would reach. A Service without a Ready pod is left as named (the connection then fails as it would
// while nothing serves). What the pod spec says is unchanged: only the process sees the address.
func ResolveServiceURLs(env []EnvVar, services Services) []EnvVar {
	if services == nil {
		return env
	}
	out := make([]EnvVar, len(env))
	for i, e := range env {
		out[i] = EnvVar{Name: e.Name, Value: serviceURL.ReplaceAllStringFunc(e.Value, func(url string) string {
			m := serviceURL.FindStringSubmatch(url)
			port := 80
			if m[1] == "https://" {
				port = 443
			}
			if m[8] != "" {
				p, err := strconv.Atoi(m[8])
				if err != nil {
					return url
				}
				port = p
			}
			host, target, ok := services.ServiceAddress(m[4], m[2], port)
			if !ok {
				return url
			}
			return m[1] + net.JoinHostPort(host, strconv.Itoa(target))
		})}
	}
	return out
}
