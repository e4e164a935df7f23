# talosctl at the stacks' talosVersion. The Talos go.mod replaces five dependencies with forks that
# change code (toolchain notes §4); a dependency's replaces are ignored, so the wrapper repeats them.
# pkg/machinery is a sibling module tagged at the same release: required, not replaced.
# The version talosctl reports comes from committed gendata files, so there is no -X flag.
build_talosctl() {
  local version="$1" out="$2"
  tc_wrapper talosctl 1.26.6
  tc_require "$TC_talosctl_module" "$version" "$TC_talosctl_module/pkg/machinery" "$version"
  tc_replace github.com/coredns/coredns github.com/siderolabs/coredns v1.14.53
  tc_replace github.com/mdlayher/ethtool github.com/siderolabs/ethtool v0.4.0-sidero
  tc_replace github.com/mdlayher/kobject github.com/smira/kobject v0.0.0-20240304111826-49c8d4613389
  tc_replace golang.zx2c4.com/wireguard/wgctrl github.com/siderolabs/wgctrl-go v0.0.0-20251029173431-c4fd5f6a4e72
  tc_replace github.com/containerd/containerd/v2 github.com/smira/containerd/v2 v2.2.3-0.20260521103442-e05d8ca25f89
  tc_main_import "$TC_talosctl_module/cmd/talosctl"
  tc_go_build "$out/bin/talosctl" "$TC_talosctl_module/cmd/talosctl" "" grpcnotrace
}

# `talosctl version --client --short` prints "Client:" then "Talos v1.13.9".
version_talosctl() {
  "$1" version --client --short 2>/dev/null | sed -n 's/^Talos \(v[0-9][^ ]*\).*/\1/p' | head -n 1
}
