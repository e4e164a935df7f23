# Talos' machinery library at the stacks' talosVersion, with our small main (src/talos-validate)
# making the calls `talosctl validate` and talosctl's client make. talosctl itself cannot be built
# here: github.com/siderolabs/talos v1.13.9 needs github.com/siderolabs/go-kubernetes, which the
# Go module proxy does not serve (nor go.etcd.io/etcd/etcdutl/v3 v3.6.12 and the containerd fork).
# pkg/machinery's one replace (the ethtool fork, API-changing) is repeated.
build_talos_machinery() {
  local version="$1" out="$2"
  tc_wrapper talos-validate 1.26.6
  tc_require "$TC_talos_machinery_module" "$version"
  tc_replace github.com/mdlayher/ethtool github.com/siderolabs/ethtool v0.4.0-sidero
  cp "$(dirname "${BASH_SOURCE[0]}")/../src/talos-validate/main.go" .
  go mod tidy
  tc_go_build "$out/bin/talos-validate" .
}
