# VictoriaLogs server and vlagent (the collector chart's agent) from one module at one release.
# The module has had no replace directives since April 2026, so a plain wrapper builds both mains.
# CGO_ENABLED=0 (lib.sh) gives the pure-Go zstd build, as the upstream Makefile's `-pure` targets.
# The version is an -X flag; without it the binaries call themselves "dev" and /select/buildinfo
# (which the Grafana datasource reads) reports nothing useful. Upstream's string is
# "<app>-<date>-<time>-tags-<tag>-0-g<sha>"; a proxy build has no git checkout, so the tag is kept
# (ShortVersion() extracts it) and "goproxy" stands where the commit would be.
build_victorialogs() {
  local version="$1" out="$2" app
  tc_wrapper victorialogs 1.26.5
  tc_require "$TC_victorialogs_module" "$version"
  tc_main_import "$TC_victorialogs_module/app/victoria-logs" "$TC_victorialogs_module/app/vlagent"
  for app in victoria-logs vlagent; do
    tc_go_build "$out/bin/$app" "$TC_victorialogs_module/app/$app" \
      "-X 'github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=$app-tags-$version-goproxy'"
  done
}

# `victoria-logs -version` prints the whole build string; the release is its vX.Y.Z part.
version_victorialogs() {
  "$1" -version 2>/dev/null | grep -o 'v[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*' | head -n 1
}
