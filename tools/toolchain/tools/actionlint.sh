# actionlint: a plain module without replace directives, so `go install` semantics would do; a
# wrapper keeps every tool on the same path through install.sh.
build_actionlint() {
  local version="$1" out="$2"
  tc_wrapper actionlint
  tc_require "$TC_actionlint_module" "$version"
  tc_main_import "$TC_actionlint_module/cmd/actionlint"
  tc_go_build "$out/bin/actionlint" "$TC_actionlint_module/cmd/actionlint" "-X github.com/rhysd/actionlint.version=$version"
}

# `actionlint -version` prints the version on its first line (v1.7.12 when built with the flag above).
version_actionlint() {
  "$1" -version 2>/dev/null | head -n 1 | sed 's/^\(v\{0,1\}\)\([0-9]\)/v\2/'
}
