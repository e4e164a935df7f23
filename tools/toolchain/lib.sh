# Helpers for tools/toolchain/tools/<tool>.sh (sourced by install.sh; see its header for the contract).
# Every helper works in the current directory, which install.sh sets to the build's scratch dir.

# Go builds: static, reproducible paths, the module cache and build cache at their defaults
# (~/go/pkg/mod, ~/.cache/go-build) so CI on the same machine is warm.
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
# Never switch Go toolchains behind the caller's back; a tool that needs a newer Go says so.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

tc_log() { printf 'toolchain: %s\n' "$*" >&2; }

# tc_wrapper NAME [GO_VERSION]: start a wrapper module in the current dir. Replace directives of a
# tool's own go.mod are ignored for dependencies, so a wrapper repeats the ones that change code.
tc_wrapper() {
  local name="$1" go_version="${2:-1.26.0}"
  printf 'module home-platform/toolchain/%s\n\ngo %s\n' "$name" "$go_version" >go.mod
}

# tc_require MODULE VERSION...: add require lines (pairs) to the wrapper.
tc_require() {
  while [ $# -ge 2 ]; do
    printf 'require %s %s\n' "$1" "$2" >>go.mod
    shift 2
  done
}

# tc_replace FROM TO [TO_VERSION]: add a replace line to the wrapper.
tc_replace() {
  printf 'replace %s => %s%s\n' "$1" "$2" "${3:+ $3}" >>go.mod
}

# tc_main_import PKG...: a build-tagged file importing the main packages, so `go mod tidy` resolves
# their whole graph at the versions required above.
tc_main_import() {
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for pkg in "$@"; do printf '\t_ "%s"\n' "$pkg"; done
    printf ')\n'
  } >tools.go
  go mod tidy
}

# tc_go_build OUT PKG [LDFLAGS] [TAGS]: build one binary with the upstream release flags.
tc_go_build() {
  local out="$1" pkg="$2" ldflags="${3:-}" tags="${4:-}"
  go build -trimpath ${tags:+-tags "$tags"} -ldflags "-s -w $ldflags" -o "$out" "$pkg"
}

# tc_modcache_dir MODULE VERSION: where the module's source lies in the module cache (read-only).
tc_modcache_dir() {
  go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}
