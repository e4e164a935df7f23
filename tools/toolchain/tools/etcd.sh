# etcd for the live suite's control plane. The server's go.mod points its sibling modules at local
# paths, but its require lines already pin them at the same release, so the wrapper needs no
# replace (toolchain notes §3). The module root is the main package; -o names the binary etcd.
# The version etcd reports is compiled in (api/version.Version); GitSHA is cosmetic.
build_etcd() {
  local version="$1" out="$2"
  tc_wrapper etcd 1.26.0
  tc_require "$TC_etcd_module" "$version"
  tc_main_import "$TC_etcd_module"
  tc_go_build "$out/bin/etcd" "$TC_etcd_module" "-X go.etcd.io/etcd/api/v3/version.GitSHA=$version"
}

# `etcd --version` prints "etcd Version: 3.6.14".
version_etcd() {
  "$1" --version 2>/dev/null | sed -n 's/^etcd Version: \([0-9][^ ]*\).*/v\1/p' | head -n 1
}
