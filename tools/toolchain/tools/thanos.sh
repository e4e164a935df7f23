# Thanos at the release the kube-prometheus-stack sidecar and the thanos chart run. Its go.mod
# replaces six dependencies; a dependency's replaces are ignored, so the wrapper repeats all of
# them (toolchain notes §7): two are API forks (gomemcache, galaxycache), one a path swap
# (kuberesolver v4 -> v5), one a newer kingpin commit, one a capnp pin (thanos#7944), and
# zenhack.net/go/util cannot be fetched at all any more (its domain expired).
# Release binaries use the tags netgo,slicelabels (pkg/extgrpc carries both label codecs).
build_thanos() {
  local version="$1" out="$2"
  tc_wrapper thanos 1.26.0
  tc_require "$TC_thanos_module" "$version"
  tc_replace capnproto.org/go/capnp/v3 capnproto.org/go/capnp/v3 v3.0.0-alpha.30
  tc_replace github.com/bradfitz/gomemcache github.com/themihai/gomemcache v0.0.0-20180902122335-24332e2d58ab
  tc_replace github.com/sercand/kuberesolver/v4 github.com/sercand/kuberesolver/v5 v5.1.1
  tc_replace github.com/vimeo/galaxycache github.com/thanos-community/galaxycache v0.0.0-20211122094458-3a32041a1f1e
  tc_replace gopkg.in/alecthomas/kingpin.v2 github.com/alecthomas/kingpin v1.3.8-0.20210301060133-17f40c25f497
  tc_replace zenhack.net/go/util github.com/zenhack/go-util v0.0.0-20231005031245-66f5419c2aea
  tc_main_import "$TC_thanos_module/cmd/thanos"
  # promu (.promu.yml) sets these; Version is what `thanos --version` and build_info report.
  tc_go_build "$out/bin/thanos" "$TC_thanos_module/cmd/thanos" \
    "-X github.com/prometheus/common/version.Version=${version#v} -X github.com/prometheus/common/version.Branch=HEAD" \
    netgo,slicelabels
}

# `thanos --version` prints "thanos, version 0.42.4 (branch: ..., revision: ...)".
version_thanos() {
  "$1" --version 2>&1 | sed -n 's/^thanos, version \([0-9][^ ]*\).*/v\1/p' | head -n 1
}
