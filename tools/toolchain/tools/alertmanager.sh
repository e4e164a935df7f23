# Alertmanager and amtool at the image tag the pinned kube-prometheus-stack chart runs. The module
# zip lacks ui/app/dist (built by npm, gitignored) that ui/web.go embeds, so cmd/alertmanager does
# not build from it. Without touching its code: copy the module, add one placeholder page as the
# "built UI" (an empty directory cannot be embedded) and replace the module with the copy. The API
# and everything the live suite uses are unchanged; only the web UI is a placeholder page.
build_alertmanager() {
  local version="$1" out="$2" m="$TC_alertmanager_module" v="github.com/prometheus/common/version" src
  src="$(tc_modcache_dir "$m" "$version")"
  [ -n "$src" ] || { echo "cannot download $m@$version"; return 1; }
  cp -r "$src" am-src
  chmod -R u+w am-src
  mkdir -p am-src/ui/app/dist
  printf '<!doctype html><title>Alertmanager</title><p>Web UI not built (API only).</p>\n' >am-src/ui/app/dist/index.html
  tc_wrapper alertmanager 1.26.0
  tc_require "$m" "$version"
  tc_replace "$m" ./am-src
  tc_main_import "$m/cmd/alertmanager" "$m/cmd/amtool"
  local ld="-X $v.Version=${version#v} -X $v.Revision=$version -X $v.Branch=HEAD"
  tc_go_build "$out/bin/alertmanager" "$m/cmd/alertmanager" "$ld" netgo
  tc_go_build "$out/bin/amtool" "$m/cmd/amtool" "$ld" netgo
}

# `alertmanager --version` prints "alertmanager, version 0.34.0 (branch: ...)". A Debian build
# reports the same string but differs (its UI), so it is only linked when the version matches.
version_alertmanager() {
  "$1" --version 2>&1 | sed -n 's/^[a-z]*, version \([0-9][^ ]*\).*/v\1/p' | head -n 1
}
