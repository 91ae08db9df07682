// Command etcd is the upstream etcd server (go.etcd.io/etcd/server/v3), built from the
// version pinned in this module's go.mod. It is identical to etcd's own main package.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
