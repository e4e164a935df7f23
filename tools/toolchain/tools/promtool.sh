# promtool at the Prometheus release the pinned kube-prometheus-stack chart runs. Prometheus 3.x is
# published as the v0 module with twin tags (v3.14.0 = v0.314.0: moduleVersion). Its go.mod pins
# cloud.google.com/go by replace and excludes three versions; the wrapper repeats the pin (the
# excludes only matter for resolution and are not needed here; toolchain notes §5).
build_promtool() {
  local version="$1" out="$2" m="$TC_promtool_module" v="github.com/prometheus/common/version"
  tc_wrapper promtool 1.26.0
  tc_require "$m" "$TC_promtool_moduleVersion"
  tc_replace cloud.google.com/go cloud.google.com/go v0.123.0
  tc_main_import "$m/cmd/promtool"
  tc_go_build "$out/bin/promtool" "$m/cmd/promtool" "-X $v.Version=${version#v} -X $v.Revision=$version -X $v.Branch=HEAD" netgo
}

# `promtool --version` prints "promtool, version 3.14.0 (branch: ...)".
version_promtool() {
  "$1" --version 2>&1 | sed -n 's/^promtool, version \([0-9][^ ]*\).*/v\1/p' | head -n 1
}
