/**
 * Shell scripts that drive `talosctl` from the operator's workstation (POSIX sh, so they run
 * under dash, bash and macOS's sh alike). Values come in through environment variables and the
 * machine config through stdin, so the script text is constant, reviewable and testable with a
 * fake talosctl (tests/components/talos-cluster/talosctl.test.ts).
 *
 * Secrets never reach a command line: the machine config is read from stdin into a shell
 * variable and piped to `talosctl --file /dev/stdin` with `printf`, a shell builtin; the
 * talosconfig arrives in `$TALOSCONFIG_CONTENT` and is written to a mode-0600 temp file that a
 * trap removes on every exit path the shell sees. (A SIGKILL is not such a path: the commands'
 * customTimeouts are longer than the scripts' own retry budget, commands.ts, so the provider never
 * has to kill a script that is still retrying.)
 *
 * Secrets never reach stdout or stderr either: pulumi-command puts both into its error message and
 * its log. The one Talos answer that quotes the machine config, the "can't be applied in immediate
 * mode" diff, is redacted before it is printed (`redact_diff`).
 *
 * Error handling follows what Talos v1.13.9 answers (siderolabs/talos
 * internal/app/machined/internal/server/v1alpha1/v1alpha1_server.go, ApplyConfiguration and
 * Bootstrap; talosctl prints `error applying new configuration: rpc error: code = <Code> desc = <message>`):
 * - `Unavailable` / `DeadlineExceeded`: the node is booting, installing or rebooting. Transient.
 * - `FailedPrecondition` "another apply configuration is already in progress": transient.
 * - `InvalidArgument`: Talos refused the config (parse or validation error). Final: retrying sends
 *   the same bytes and gets the same answer, so the script fails at once with Talos' message.
 * - A configured node's apid requires a client certificate (apid TLS `Mutual` once
 *   `SkipVerifyingClientCert` is false, internal/app/apid/pkg/provider/provider.go), so an
 *   `--insecure` call fails the TLS handshake: `remote error: tls: certificate required`
 *   (`bad certificate` from TLS 1.2 peers). That node has left maintenance mode: the normal case
 *   for a re-run, handled by applying the same config authenticated.
 */

/** Environment every script reads. Secrets are marked as such by the caller (commands.ts). */
export interface TalosctlEnvironment {
  /** The talosctl binary. Defaults to "talosctl" on PATH. */
  readonly TALOSCTL: string;
  /** The node this command talks to, also used as the endpoint (no VIP, no proxying). */
  readonly TALOS_NODE: string;
  /** Bounded retries of transient errors while a node boots, installs or reboots. */
  readonly TALOS_ATTEMPTS: string;
  readonly TALOS_RETRY_DELAY: string;
  /** The admin talosconfig (YAML). Secret. */
  readonly TALOSCONFIG_CONTENT: string;
}

export interface BootstrapEnvironment extends TalosctlEnvironment {
  /** Comma-separated control-plane IPs: bootstrap only when none of them runs etcd. */
  readonly TALOS_CONTROL_PLANE_NODES: string;
}

export interface HealthEnvironment extends BootstrapEnvironment {
  /** Comma-separated worker IPs; empty when every node is a control plane. */
  readonly TALOS_WORKER_NODES: string;
  /** talosctl duration, e.g. "20m". */
  readonly TALOS_HEALTH_TIMEOUT: string;
}

const lines = (...parts: string[]) => `${parts.join("\n")}\n`;

const strict = "set -eu";

/** Exit status of a step that failed transiently (EX_TEMPFAIL); only that one is retried. */
export const transientStatus = 75;
/** Exit status of the insecure apply when the node has already left maintenance mode. */
const configuredStatus = 76;

/**
 * `retry <function...>`: runs it until it succeeds, up to $TALOS_ATTEMPTS times, $TALOS_RETRY_DELAY
 * seconds apart, as long as it fails with the transient status. Any other failure ends at once.
 */
const retryFunction = [
  "retry() {",
  "  attempt=1",
  "  while :; do",
  "    status=0",
  '    "$@" || status=$?',
  '    if [ "$status" -ne ' + transientStatus + ' ]; then return "$status"; fi',
  '    if [ "$attempt" -ge "$TALOS_ATTEMPTS" ]; then',
  '      echo "talos: $1 failed $attempt times against $TALOS_NODE, giving up" >&2',
  "      return 1",
  "    fi",
  "    attempt=$((attempt + 1))",
  '    sleep "$TALOS_RETRY_DELAY"',
  "  done",
  "}",
];

/** `transient "$output"`: true for the answers of a node that is not reachable yet (see header). */
const transientFunction = [
  "transient() {",
  "  case $1 in",
  '    *"code = Unavailable"*|*"code = DeadlineExceeded"*|*"another apply configuration is already in progress"*) return 0 ;;',
  "  esac",
  "  return 1",
  "}",
];

/**
 * `redact_diff`: a filter that keeps Talos' message but, after its `diff:` line, only the shape
 * of the unified diff: hunk headers, and for every line its +/-/space marker, indentation and key,
 * never a value (the diff quotes the machine config: tokens, CA keys, the secretbox key).
 */
const redactFunction = [
  "redact_diff() {",
  "  awk '",
  "    diff && /^(---|\\+\\+\\+|@@)/ { print; next }",
  "    diff {",
  "      marker = substr($0, 1, 1); rest = substr($0, 2)",
  '      if (match(rest, /^[ ]*(- )?[A-Za-z0-9_.\\/-]+:/)) { key = substr(rest, 1, RLENGTH); print marker key (length(rest) > RLENGTH ? " <redacted>" : ""); next }',
  '      match(rest, /^[ ]*(- )?/); print marker substr(rest, 1, RLENGTH) "<redacted>"; next',
  "    }",
  "    { print }",
  "    /diff:$/ { diff = 1 }",
  "  '",
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

/** What Talos answers in `no-reboot` mode when a change only takes effect after a reboot. */
export const needsRebootMessage = "can't be applied in immediate mode";

/**
 * The authenticated apply, `--mode no-reboot`. Pulumi runs the applies of all nodes in parallel,
 * so `--mode auto` could reboot every control plane at once and lose etcd quorum. A change that
 * needs a reboot is staged instead (it takes effect on the node's next reboot) and the command
 * fails at once, with no retries, saying how to roll it out: reboot the nodes one at a time. Until
 * then every `pulumi up` stops here again; after the reboots the running config matches and the
 * apply succeeds. A config Talos refuses fails at once; unreachable nodes are retried.
 */
const authenticatedApplyFunction = [
  "apply_authenticated_once() {",
  '  set -- --talosconfig "$talosconfig" --endpoints "$TALOS_NODE" --nodes "$TALOS_NODE" --file /dev/stdin',
  '  if output=$(printf \'%s\\n\' "$config" | "$TALOSCTL" apply-config "$@" --mode no-reboot 2>&1); then',
  "    printf '%s\\n' \"$output\"",
  "    return 0",
  "  fi",
  "  printf '%s\\n' \"$output\" | redact_diff >&2",
  "  case $output in",
  `    *"${needsRebootMessage}"*)`,
  '      printf \'%s\\n\' "$config" | "$TALOSCTL" apply-config "$@" --mode staged 2>&1 | redact_diff >&2 || true',
  '      echo "talos: this config change needs a reboot of $TALOS_NODE; Pulumi never reboots nodes, so it is staged for the next one. Reboot the nodes one at a time (talosctl reboot --nodes <ip>, then talosctl health before the next), then run pulumi up again." >&2',
  "      return 3 ;;",
  "  esac",
  `  if transient "$output"; then return ${transientStatus}; fi`,
  '  echo "talos: $TALOS_NODE refused the configuration (see above); not retrying" >&2',
  "  return 2",
  "}",
];

/** What both apply scripts start with: the helpers, the admin talosconfig, the config from stdin. */
const applyPrelude = [
  strict,
  ...retryFunction,
  ...transientFunction,
  ...redactFunction,
  ...talosconfigFile,
  readConfig,
  ...authenticatedApplyFunction,
];

/**
 * First apply, to a node in maintenance mode (fresh or re-created VM): the node has no PKI yet,
 * so the connection is unauthenticated by necessity. The config travels on stdin. Only transient
 * errors are retried; a refused config fails at once with Talos' message. A node that has already
 * left maintenance mode (a re-run after an earlier apply succeeded) gets the same config through
 * the authenticated apply instead, which is a no-op when nothing changed.
 */
export const applyInsecureScript = lines(
  ...applyPrelude,
  "apply_insecure_once() {",
  '  if output=$(printf \'%s\\n\' "$config" | "$TALOSCTL" apply-config --insecure --nodes "$TALOS_NODE" --file /dev/stdin 2>&1); then',
  "    printf '%s\\n' \"$output\"",
  "    return 0",
  "  fi",
  "  case $output in",
  `    *"tls: certificate required"*|*"tls: bad certificate"*) return ${configuredStatus} ;;`,
  "  esac",
  "  printf '%s\\n' \"$output\" | redact_diff >&2",
  `  if transient "$output"; then return ${transientStatus}; fi`,
  '  echo "talos: $TALOS_NODE refused the configuration in maintenance mode (see above); not retrying" >&2',
  "  return 2",
  "}",
  "status=0",
  "retry apply_insecure_once || status=$?",
  `if [ "$status" -eq ${configuredStatus} ]; then`,
  '  echo "talos: $TALOS_NODE has left maintenance mode (already configured); applying the config authenticated" >&2',
  "  status=0",
  "  retry apply_authenticated_once || status=$?",
  "fi",
  'exit "$status"',
);

/** Every later apply: authenticated with the admin talosconfig, never rebooting (see above). */
export const applyAuthenticatedScript = lines(
  ...applyPrelude,
  "retry apply_authenticated_once",
);

/**
 * Bootstraps etcd, but only when no control plane runs it yet. The command re-runs whenever its
 * inputs change (a renewed admin certificate changes the talosconfig); a bootstrap against a node
 * whose etcd data directory is empty, e.g. a re-created first control plane, would otherwise found
 * a second etcd cluster next to the running one. So first every control plane is asked
 * (`talosctl service etcd`, whose output has a `STATE  Running` line, pkg/machinery/formatters
 * RenderServicesInfo): if any runs etcd, there is nothing to do; only when all of them answered
 * and none runs it does the bootstrap go ahead. A node that does not answer yet (still installing
 * or rebooting) is retried. The bootstrap itself still treats AlreadyExists ("etcd data directory
 * is not empty") as success.
 */
export const bootstrapScript = lines(
  strict,
  ...retryFunction,
  ...talosconfigFile,
  "etcd_state() {",
  "  silent=",
  "  for cp in $(printf '%s' \"$TALOS_CONTROL_PLANE_NODES\" | tr ',' ' '); do",
  '    if output=$("$TALOSCTL" service etcd --talosconfig "$talosconfig" --endpoints "$cp" --nodes "$cp" 2>&1); then',
  "      if printf '%s\\n' \"$output\" | grep -Eq '^STATE[[:space:]]+Running[[:space:]]*$'; then",
  '        echo "talos: etcd already runs on control plane $cp; not bootstrapping"',
  "        return 0",
  "      fi",
  "    else",
  "      printf '%s\\n' \"$output\" >&2",
  '      silent="$silent $cp"',
  "    fi",
  "  done",
  '  if [ -n "$silent" ]; then',
  '    echo "talos: cannot tell whether etcd runs on$silent yet; waiting before bootstrapping" >&2',
  `    return ${transientStatus}`,
  "  fi",
  "  return 1",
  "}",
  "bootstrap_once() {",
  "  state=0",
  "  etcd_state || state=$?",
  '  if [ "$state" -ne 1 ]; then return "$state"; fi',
  '  if output=$("$TALOSCTL" bootstrap --talosconfig "$talosconfig" --endpoints "$TALOS_NODE" --nodes "$TALOS_NODE" 2>&1); then',
  "    printf '%s\\n' \"$output\"",
  "    return 0",
  "  fi",
  "  case $output in",
  '    *AlreadyExists*) echo "talos: etcd on $TALOS_NODE is already bootstrapped"; return 0 ;;',
  "  esac",
  "  printf '%s\\n' \"$output\" >&2",
  // Until the node has installed, rebooted and synced its clock, Bootstrap answers Unavailable or
  // FailedPrecondition ("bootstrap is not available yet", "time is not in sync yet").
  `  return ${transientStatus}`,
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

/**
 * Waits until the kube-apiserver static pod is Ready on every control plane, the point from which
 * the Kubernetes API answers. Before a CNI runs no node is Ready and `talosctl health` would wait
 * forever, so the CNI is installed after this, and the health check after the CNI (commands.ts).
 * Reads Talos' StaticPodStatus resources (`talosctl get staticpodstatus`, one row per static pod
 * with a READY column); a node that does not answer yet, or an API server not Ready, is retried.
 */
export const apiReadyScript = lines(
  strict,
  ...retryFunction,
  ...talosconfigFile,
  "api_ready_once() {",
  "  for cp in $(printf '%s' \"$TALOS_CONTROL_PLANE_NODES\" | tr ',' ' '); do",
  '    if ! output=$("$TALOSCTL" get staticpodstatus --talosconfig "$talosconfig" --endpoints "$cp" --nodes "$cp" 2>&1); then',
  "      printf '%s\\n' \"$output\" >&2",
  `      return ${transientStatus}`,
  "    fi",
  "    if ! printf '%s\\n' \"$output\" | grep -Eq 'kube-apiserver-[^[:space:]]+[[:space:]]+[0-9]+[[:space:]]+True[[:space:]]*$'; then",
  '      echo "talos: kube-apiserver on $cp is not Ready yet" >&2',
  `      return ${transientStatus}`,
  "    fi",
  "  done",
  '  echo "talos: the Kubernetes API server is Ready on every control plane"',
  "}",
  "retry api_ready_once",
);

/** The interpreter every script runs under: POSIX sh, no bashisms. */
export const interpreter = ["/bin/sh", "-c"];
