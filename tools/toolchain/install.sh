#!/usr/bin/env bash
# Installs the pinned tools the live suite, the bench and the workflows run (Pulumi CLI, language
# host, provider plugins, talosctl, actionlint, and the test control plane's tools) into a cache
# outside the clone. Nothing is downloaded ready-made: every tool is built from its published Go
# module at the version versions.ts pins (`toolchain`).
#
# Usage: tools/toolchain/install.sh [TOOL...]      install all tools, or the named ones
#        tools/toolchain/install.sh --env           print `export` lines (PATH, PULUMI_HOME, ...) for a shell
#        tools/toolchain/install.sh --list          print "tool version dir" per tool, installed or not
# Needs `npm ci` first (it reads versions.ts through @swc-node/register), Go, and the Go module proxy.
#
# Contract (shared with every tools/toolchain/tools/<tool>.sh; keep it stable):
# - Cache: $HOME_PLATFORM_TOOLS (default ${XDG_CACHE_HOME:-~/.cache}/home-platform/tools). A tool is
#   installed when every binary of its pin exists at $HOME_PLATFORM_TOOLS/<tool>/<version>/bin/<binary>.
#   A second run finds them and does nothing. The Go module and build caches stay at Go's defaults.
# - Pins: versions.ts `toolchain.<tool>` = { module, version, moduleVersion?, binaries, ... }.
#   Every field is visible to the tool file as $TC_<tool>_<field> (`-` in the tool name becomes `_`).
# - Tool file: tools/toolchain/tools/<tool>.sh defines
#     build_<tool> VERSION OUT   (required) build into OUT/bin/<binary>. It runs in an empty scratch
#                                 directory (removed afterwards) with lib.sh's helpers loaded,
#                                 stdout/stderr going to the build log. Exit non-zero on failure.
#     version_<tool> BINARY      (optional) print the version BINARY reports, in the pin's format.
#                                 When defined, a binary of that name on PATH (an operator's
#                                 workstation) whose version equals the pin is linked into the cache
#                                 instead of building.
#   (`-` in the tool name becomes `_` in function names.)
# - Builds land in a staging directory and are renamed into place only when complete, so a cache
#   directory that exists is a whole install.
# - A tool that cannot be installed prints ONE line, `toolchain: cannot install <tool> <version>: <the
#   log's first error line> (log: <file>)`, the other tools still install, and the script exits 1.
# - Pulumi plugins: a pin with `pulumiPlugin: "<kind> <name>"` is installed after all builds with
#   `pulumi plugin install <kind> <name> <version> --file <binary>` into PULUMI_HOME=$HOME_PLATFORM_TOOLS/pulumi-home
#   (the CLI then never downloads). `--env` exports that PULUMI_HOME.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export HOME_PLATFORM_TOOLS="${HOME_PLATFORM_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/home-platform/tools}"
cache="$HOME_PLATFORM_TOOLS"

if ! pins="$(cd "$repo" && node --require @swc-node/register "$here/list.ts")"; then
  echo "toolchain: cannot read the pins in versions.ts (run npm ci first)" >&2
  exit 1
fi
eval "$pins"

fn_name() { printf '%s' "${1//-/_}"; }
field() { local var="TC_$(fn_name "$1")_$2"; printf '%s' "${!var:-}"; }
tool_dir() { printf '%s/%s/%s' "$cache" "$1" "$(field "$1" version)"; }

installed() {
  local tool="$1" bin
  for bin in $(field "$tool" binaries); do
    [ -x "$(tool_dir "$tool")/bin/$bin" ] || return 1
  done
}

# An operator's own binaries: link them into the cache when every one reports the pinned version.
from_path() {
  local tool="$1" fn version bin found staging
  fn="version_$(fn_name "$tool")"
  declare -F "$fn" >/dev/null || return 1
  version="$(field "$tool" version)"
  staging="$cache/$tool/.path-$version.$$"
  mkdir -p "$staging/bin"
  for bin in $(field "$tool" binaries); do
    found="$(command -v "$bin" || true)"
    if [ -z "$found" ] || [ "$("$fn" "$found" 2>/dev/null || true)" != "$version" ]; then
      rm -rf "$staging"
      return 1
    fi
    ln -s "$found" "$staging/bin/$bin"
  done
  mv -T "$staging" "$(tool_dir "$tool")"
  echo "toolchain: $tool $version from PATH ($(command -v "$(field "$tool" binaries | cut -d' ' -f1)"))"
}

# The first line of a build log that says what went wrong (Go prints the cause before the
# "server response" trailer), else its last line.
failure_reason() {
  local reason
  reason="$(grep -v '^go: downloading' "$1" | grep -m 1 -E '40[0-9] [A-Z]|not available|undefined:|cannot |no matching|invalid version|[Ee]rror' | sed 's/^[[:space:]]*//' || true)"
  [ -n "$reason" ] || reason="$(grep -v '^[[:space:]]*$' "$1" | tail -n 1)"
  printf '%s' "$reason"
}

build() {
  local tool="$1" version fn staging log rc=0
  version="$(field "$tool" version)"
  fn="build_$(fn_name "$tool")"
  log="$cache/$tool/$version.log"
  staging="$cache/$tool/.build-$version.$$"
  rm -rf "$staging"
  mkdir -p "$staging/bin" "$staging/work"
  echo "toolchain: building $tool $version (log: $log)"
  local started=$SECONDS
  (cd "$staging/work" && "$fn" "$version" "$staging") >"$log" 2>&1 || rc=$?
  rm -rf "$staging/work"
  if [ "$rc" -eq 0 ]; then
    for bin in $(field "$tool" binaries); do
      [ -x "$staging/bin/$bin" ] || { echo "build left no bin/$bin" >>"$log"; rc=1; }
    done
  fi
  if [ "$rc" -ne 0 ]; then
    rm -rf "$staging"
    echo "toolchain: cannot install $tool $version: $(failure_reason "$log") (log: $log)" >&2
    return 1
  fi
  # Another install.sh may have finished the same tool meanwhile (shared cache): keep theirs.
  if ! mv -T "$staging" "$(tool_dir "$tool")" 2>/dev/null; then
    rm -rf "$staging"
    installed "$tool" || { echo "toolchain: cannot install $tool $version: cannot move the build into $(tool_dir "$tool")" >&2; return 1; }
  fi
  echo "toolchain: built $tool $version in $((SECONDS - started))s"
}

install_tool() {
  local tool="$1" version file
  version="$(field "$tool" version)"
  if [ -z "$version" ]; then
    echo "toolchain: cannot install $tool: versions.ts has no toolchain.$tool" >&2
    return 1
  fi
  installed "$tool" && return 0
  file="$here/tools/$tool.sh"
  if [ ! -f "$file" ]; then
    echo "toolchain: cannot install $tool $version: no build script tools/toolchain/tools/$tool.sh" >&2
    return 1
  fi
  mkdir -p "$cache/$tool"
  rm -rf "$(tool_dir "$tool")" # a stale non-directory or partial link farm
  # shellcheck source=/dev/null
  ( source "$here/lib.sh" && source "$file" && { from_path "$tool" || build "$tool"; } )
}

pulumi_home="$cache/pulumi-home"
install_plugins() {
  local tool kind name version bin dir pulumi failed=0
  pulumi="$(tool_dir pulumi)/bin/pulumi"
  for tool in $TC_TOOLS; do
    read -r kind name <<<"$(field "$tool" pulumiPlugin)"
    [ -n "${name:-}" ] || continue
    installed "$tool" || continue
    version="$(field "$tool" version)"
    version="${version#v}"
    dir="$pulumi_home/plugins/$kind-$name-v$version"
    [ -d "$dir" ] && continue
    if [ ! -x "$pulumi" ]; then
      echo "toolchain: cannot install plugin $kind $name $version: pulumi $(field pulumi version) is not installed" >&2
      failed=1
      continue
    fi
    bin="$(tool_dir "$tool")/bin/$(field "$tool" binaries | cut -d' ' -f1)"
    if ! PULUMI_HOME="$pulumi_home" PULUMI_SKIP_UPDATE_CHECK=true "$pulumi" plugin install "$kind" "$name" "$version" --file "$bin" >/dev/null 2>"$cache/$tool/plugin-install.log"; then
      echo "toolchain: cannot install plugin $kind $name $version: $(tail -n 1 "$cache/$tool/plugin-install.log")" >&2
      failed=1
    fi
  done
  return "$failed"
}

case "${1:-}" in
--env)
  path=""
  for tool in $TC_TOOLS; do path="$path$(tool_dir "$tool")/bin:"; done
  printf 'export HOME_PLATFORM_TOOLS=%q\n' "$cache"
  printf 'export PULUMI_HOME=%q\n' "$pulumi_home"
  printf 'export PATH=%q"$PATH"\n' "$path"
  printf 'export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true\n'
  exit 0
  ;;
--list)
  for tool in $TC_TOOLS; do
    state=missing
    installed "$tool" && state=installed
    printf '%s %s %s %s\n' "$tool" "$(field "$tool" version)" "$(tool_dir "$tool")" "$state"
  done
  exit 0
  ;;
-*)
  sed -n '2,12p' "$0" >&2
  exit 2
  ;;
esac

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || read -r -a wanted <<<"$TC_TOOLS"
failed=0
for tool in "${wanted[@]}"; do
  install_tool "$tool" || failed=1
done
install_plugins || failed=1
exit "$failed"
