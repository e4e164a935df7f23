# prometheus-operator at the appVersion of the pinned kube-prometheus-stack chart. Its go.mod
# replaces the two nested modules (pkg/apis/monitoring, pkg/client) with local paths; they are
# tagged at the same release, so the wrapper requires them at it (the operator's own go.mod still
# names the previous patch release). cloud.google.com/go is pinned as Prometheus pins it: without
# it an old monolithic cloud.google.com/go makes compute/metadata ambiguous.
build_prometheus_operator() {
  local version="$1" out="$2" m="$TC_prometheus_operator_module" v="github.com/prometheus/common/version"
  tc_wrapper prometheus-operator 1.26.0
  tc_require "$m" "$version" "$m/pkg/apis/monitoring" "$version" "$m/pkg/client" "$version"
  tc_replace cloud.google.com/go cloud.google.com/go v0.123.0
  tc_main_import "$m/cmd/operator"
  # Version also names the default config-reloader image tag (pkg/operator/defaults.go), so it
  # must be the release, not empty.
  tc_go_build "$out/bin/operator" "$m/cmd/operator" "-X $v.Version=${version#v} -X $v.Revision=$version -X $v.Branch=HEAD"
}

# `operator --version` prints "prometheus-operator, version 0.93.1 (branch: ...)".
version_prometheus_operator() {
  "$1" --version 2>&1 | sed -n 's/^[a-z-]*, version \([0-9][^ ]*\).*/v\1/p' | head -n 1
}
