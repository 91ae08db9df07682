package podproc

import (
	"fmt"
	"hash/fnv"
	"net"
	"sync"
)

// IPs hands out pod IPs from a /16 of the loopback range (127.X.0.0/16, X chosen per cluster). All of
// 127.0.0.0/8 is local on Linux without configuration, so a process can listen on its pod's own IP as
// any user; the API server accepts such IPs in pod status (EndpointSlices refuse them: see DESIGN.md).
type IPs struct {
	mu     sync.Mutex
	second byte
	byPod  map[string]string
	used   map[string]string
}

// NewIPs uses 127.<second>.0.0/16.
func NewIPs(second byte) *IPs {
	return &IPs{second: second, byPod: map[string]string{}, used: map[string]string{}}
}

// SecondOctetFor picks a cluster's /16 from a stable key (its state folder): 127.64.0.0 to 127.191.0.0, away
// from 127.0.0.0/16 where local services listen.
func SecondOctetFor(key string) byte {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return byte(64 + h.Sum32()%128)
}

// Contains reports whether ip is in this allocator's range.
func (a *IPs) Contains(ip string) bool {
	p := net.ParseIP(ip).To4()
	return p != nil && p[0] == 127 && p[1] == a.second
}

// Claim records an IP a pod already has (after an agent restart); false if another pod holds it.
func (a *IPs) Claim(pod, ip string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if owner, ok := a.used[ip]; ok && owner != pod {
		return false
	}
	a.used[ip] = pod
	a.byPod[pod] = ip
	return true
}

// For returns the pod's IP, allocating one derived from its UID (probing on collision).
func (a *IPs) For(pod string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ip, ok := a.byPod[pod]; ok {
		return ip, nil
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(pod))
	start := h.Sum32() % 65024 // 254 * 256
	for i := uint32(0); i < 65024; i++ {
		n := (start + i) % 65024
		ip := fmt.Sprintf("127.%d.%d.%d", a.second, n/254, n%254+1) // last octet 1..254
		if _, taken := a.used[ip]; !taken {
			a.used[ip] = pod
			a.byPod[pod] = ip
			return ip, nil
		}
	}
	return "", fmt.Errorf("no free pod IP in 127.%d.0.0/16", a.second)
}

// Release frees the pod's IP.
func (a *IPs) Release(pod string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ip, ok := a.byPod[pod]; ok {
		delete(a.used, ip)
		delete(a.byPod, pod)
	}
}
