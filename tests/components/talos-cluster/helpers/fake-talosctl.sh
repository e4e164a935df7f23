#!/bin/sh
# Stand-in for talosctl in tests (see fake-talosctl.ts): records every call and refuses flags the
# real talosctl does not have. Flag sets from siderolabs/talos cmd/talosctl/cmd/talos/
# {apply-config,bootstrap,health,service,get}.go and the global flags in root.go.
set -eu
n=$(( $(cat "$FAKE_DIR/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$FAKE_DIR/count"
call="$FAKE_DIR/call-$n"
printf '%s\n' "$@" > "$call.args"
command=$1
shift
global="--talosconfig --nodes --endpoints --context --cluster"
case $command in
  apply-config) allowed="--insecure --file --mode --dry-run --timeout --config-patch --cert-fingerprint" ;;
  bootstrap) allowed="--recover-from --recover-skip-hash-check" ;;
  health) allowed="--control-plane-nodes --worker-nodes --init-node --wait-timeout --k8s-endpoint --run-e2e" ;;
  # `service [<id> [start|stop|restart|status]]`: positional arguments first.
  service)
    allowed=""
    while [ $# -gt 0 ]; do case $1 in --*) break ;; *) shift ;; esac; done ;;
  # `get <type> [<id>]`: positional arguments first.
  get)
    allowed="--namespace --output"
    while [ $# -gt 0 ]; do case $1 in --*) break ;; *) shift ;; esac; done ;;
  *) echo "fake talosctl: unknown command $command" >&2; exit 64 ;;
esac
while [ $# -gt 0 ]; do
  flag=$1
  case " $allowed $global " in *" $flag "*) ;; *) echo "fake talosctl: unknown flag $flag for $command" >&2; exit 64 ;; esac
  case $flag in
    --insecure|--dry-run|--recover-skip-hash-check|--run-e2e) shift ;;
    *)
      [ $# -ge 2 ] || { echo "fake talosctl: $flag needs a value" >&2; exit 64; }
      value=$2
      shift 2
      if [ "$flag" = "--talosconfig" ]; then cat "$value" > "$call.talosconfig"; ls -l "$value" | cut -c1-10 > "$call.mode"; fi
      if [ "$flag" = "--file" ]; then cat "$value" > "$call.file"; fi
      ;;
  esac
done
if [ -f "$FAKE_DIR/stdout-$n" ]; then cat "$FAKE_DIR/stdout-$n"; fi
if [ -f "$FAKE_DIR/output-$n" ]; then cat "$FAKE_DIR/output-$n" >&2; fi
code=$(sed -n "${n}p" "$FAKE_DIR/exit-codes" 2>/dev/null || true)
exit "${code:-0}"
