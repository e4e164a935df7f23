/**
 * Shell scripts that drive `talosctl` from the operator's workstation (POSIX sh, so they run
 * under dash, bash and macOS's sh alike). Values come in through environment variables and the
 * machine config through stdin, so the script text is constant, reviewable and testable with a
 * fake talosctl (tests/components/talos-cluster/talosctl.test.ts).
 *
 * Secrets never reach a command line: the machine config is read from stdin into a shell
 * variable and piped to `talosctl --file /dev/stdin` with `printf`, a shell builtin; the
 * talosconfig arrives in `$TALOSCONFIG_CONTENT` and is written to a mode-0600 temp file that a
 * trap removes on every exit path.
 */

/** Environment every script reads. Secrets are marked as such by the caller (commands.ts). */
export interface TalosctlEnvironment {
  /** The talosctl binary. Defaults to "talosctl" on PATH. */
  readonly TALOSCTL: string;
  /** The node this command talks to, also used as the endpoint (no VIP, no proxying). */
  readonly TALOS_NODE: string;
  /** Bounded retries while a node boots, installs or reboots. */
  readonly TALOS_ATTEMPTS: string;
  readonly TALOS_RETRY_DELAY: string;
  /** The admin talosconfig (YAML). Secret. */
  readonly TALOSCONFIG_CONTENT: string;
}

export interface HealthEnvironment extends TalosctlEnvironment {
  /** Comma-separated control-plane IPs. */
  readonly TALOS_CONTROL_PLANE_NODES: string;
  /** Comma-separated worker IPs; empty when every node is a control plane. */
  readonly TALOS_WORKER_NODES: string;
  /** talosctl duration, e.g. "20m". */
  readonly TALOS_HEALTH_TIMEOUT: string;
}

const lines = (...parts: string[]) => `${parts.join("\n")}\n`;

const strict = "set -eu";

/** `retry <command...>`: runs it up to $TALOS_ATTEMPTS times, $TALOS_RETRY_DELAY seconds apart. */
const retryFunction = [
  "retry() {",
  "  attempt=1",
  '  until "$@"; do',
  '    if [ "$attempt" -ge "$TALOS_ATTEMPTS" ]; then',
  '      echo "talos: $1 failed $attempt times against $TALOS_NODE, giving up" >&2',
  "      return 1",
  "    fi",
  "    attempt=$((attempt + 1))",
  '    sleep "$TALOS_RETRY_DELAY"',
  "  done",
  "}",
];

/** Writes the talosconfig to a private temp file, removed however the script ends. */
const talosconfigFile = [
  "umask 077",
  'talosconfig=$(mktemp "${TMPDIR:-/tmp}/talosconfig.XXXXXX")',
  "trap 'rm -f \"$talosconfig\"' EXIT",
  "trap 'exit 129' HUP",
  "trap 'exit 130' INT",
  "trap 'exit 143' TERM",
  'printf \'%s\\n\' "$TALOSCONFIG_CONTENT" > "$talosconfig"',
];

/** stdin is read once so every retry can send the config again. */
const readConfig = "config=$(cat)";

/**
 * First apply, to a node in maintenance mode (fresh or re-created VM): the node has no PKI yet,
 * so the connection is unauthenticated by necessity. The config travels on stdin.
 */
export const applyInsecureScript = lines(
  strict,
  ...retryFunction,
  readConfig,
  "apply_once() {",
  '  printf \'%s\\n\' "$config" | "$TALOSCTL" apply-config --insecure --nodes "$TALOS_NODE" --file /dev/stdin',
  "}",
  "retry apply_once",
);

/** What Talos answers in `no-reboot` mode when a change only takes effect after a reboot. */
export const needsRebootMessage = "can't be applied in immediate mode";

/**
 * Every later apply: authenticated with the admin talosconfig, and `--mode no-reboot`. Pulumi
 * runs the applies of all nodes in parallel, so `--mode auto` could reboot every control plane
 * at once and lose etcd quorum. A change that needs a reboot is staged instead (it takes effect
 * on the node's next reboot) and the command fails at once, with no retries, saying how to roll
 * it out: reboot the nodes one at a time. Until then every `pulumi up` stops here again; after
 * the reboots the running config matches and the apply succeeds.
 */
export const applyAuthenticatedScript = lines(
  strict,
  ...retryFunction,
  ...talosconfigFile,
  readConfig,
  'set -- --talosconfig "$talosconfig" --endpoints "$TALOS_NODE" --nodes "$TALOS_NODE" --file /dev/stdin',
  "apply_once() {",
  '  if output=$(printf \'%s\\n\' "$config" | "$TALOSCTL" apply-config "$@" --mode no-reboot 2>&1); then',
  "    printf '%s\\n' \"$output\"",
  "    return 0",
  "  fi",
  "  printf '%s\\n' \"$output\" >&2",
  "  case $output in",
  `    *"${needsRebootMessage}"*)`,
  '      printf \'%s\\n\' "$config" | "$TALOSCTL" apply-config "$@" --mode staged >&2 || true',
  '      echo "talos: this config change needs a reboot of $TALOS_NODE; Pulumi never reboots nodes, so it is staged for the next one. Reboot the nodes one at a time (talosctl reboot --nodes <ip>, then talosctl health before the next), then run pulumi up again." >&2',
  "      exit 3 ;;",
  "  esac",
  "  return 1",
  "}",
  'retry apply_once "$@"',
);

/**
 * Bootstraps etcd once. Safe to re-run: a node that is already bootstrapped answers
 * AlreadyExists, which counts as success; any other error is retried while the node installs
 * and reboots after its first config.
 */
export const bootstrapScript = lines(
  strict,
  ...retryFunction,
  ...talosconfigFile,
  "bootstrap_once() {",
  '  if output=$("$TALOSCTL" bootstrap --talosconfig "$talosconfig" --endpoints "$TALOS_NODE" --nodes "$TALOS_NODE" 2>&1); then',
  "    printf '%s\\n' \"$output\"",
  "    return 0",
  "  fi",
  '  case $output in',
  '    *AlreadyExists*) echo "talos: etcd on $TALOS_NODE is already bootstrapped"; return 0 ;;',
  "  esac",
  "  printf '%s\\n' \"$output\" >&2",
  "  return 1",
  "}",
  "retry bootstrap_once",
);

/** Waits, bounded by --wait-timeout, until etcd, the control plane and every node are healthy. */
export const healthScript = lines(
  strict,
  ...talosconfigFile,
  'set -- --talosconfig "$talosconfig" --endpoints "$TALOS_NODE" --nodes "$TALOS_NODE" --control-plane-nodes "$TALOS_CONTROL_PLANE_NODES" --wait-timeout "$TALOS_HEALTH_TIMEOUT"',
  'if [ -n "$TALOS_WORKER_NODES" ]; then set -- "$@" --worker-nodes "$TALOS_WORKER_NODES"; fi',
  '"$TALOSCTL" health "$@"',
);

/** The interpreter every script runs under: POSIX sh, no bashisms. */
export const interpreter = ["/bin/sh", "-c"];
