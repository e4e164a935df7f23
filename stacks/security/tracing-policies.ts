import type { Kprobe, MatchAction, MatchNamespace, Selector, TracingPolicy } from "./tracing-policy-types";

/**
 * The three TracingPolicies, as typed objects. Hooks and argument types follow Tetragon's own
 * examples and policy library (examples/tracingpolicy/filename_monitoring_filtered.yaml,
 * examples/quickstart/network_egress_cluster.yaml, examples/policylibrary/privileges/privileges-raise.yaml).
 *
 * Observe by default: every selector posts an event. With `enforce`, only the selectors whose
 * match is unambiguous switch to Sigkill (writes to credential files, connections to sensitive
 * ports); the broad ones (egress anywhere outside the cluster, setuid/setgid to root, root
 * credentials, capability use) keep reporting, because killing on them would take down ordinary
 * workloads.
 */

export const policyNames = {
  sensitiveFiles: "sensitive-files",
  networkEgress: "network-egress",
  privilegeEscalation: "privilege-escalation",
} as const;

export interface TracingPolicyInputs {
  /** The node network and the pod and service CIDRs: connections there are not "egress". */
  readonly nodePodAndServiceCidrs: readonly string[];
  /** More networks whose connections are not reported (LAN, NAS). */
  readonly trustedCidrs: readonly string[];
  /** Destination ports reported (and killed with `enforce`) wherever they point. */
  readonly sensitivePorts: readonly number[];
  readonly enforce: boolean;
}

/**
 * Only processes inside containers. Talos' own services (kubelet, machined, containerd) read
 * credentials and pull images all day; reporting them would bury the signal. The cost: a process
 * that already escaped to the host namespace is not covered by these policies.
 */
const inContainer: MatchNamespace = { namespace: "Pid", operator: "NotIn", values: ["host_ns"] };

/** The same event at most once a minute per process and arguments: alerts need one, not a flood. */
const observe: MatchAction = { action: "Post", rateLimit: "1m" };

function enforceable(enforce: boolean): MatchAction {
  return enforce ? { action: "Sigkill" } : observe;
}

/** Files whose content is a credential: reading them is already an incident. */
export const secretPaths = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/root/.ssh", "/etc/kubernetes", "/var/lib/kubelet/pki"];
/**
 * Files that are only sensitive when written: every user-name lookup reads /etc/passwd, so reads
 * would report every `ls -l` and `id`.
 */
export const writeOnlyPaths = ["/etc/passwd", "/etc/group"];

/** `security_file_permission`'s mask argument (include/linux/fs.h). */
const MAY_WRITE = "2";
const MAY_READ = "4";

export function sensitiveFilesPolicy(inputs: Pick<TracingPolicyInputs, "enforce">): TracingPolicy {
  const write: Selector = {
    matchArgs: [
      { index: 0, operator: "Prefix", values: [...secretPaths, ...writeOnlyPaths] },
      { index: 1, operator: "Mask", values: [MAY_WRITE] },
    ],
    matchNamespaces: [inContainer],
    matchActions: [enforceable(inputs.enforce)],
  };
  const read: Selector = {
    matchArgs: [
      { index: 0, operator: "Prefix", values: secretPaths },
      { index: 1, operator: "Mask", values: [MAY_READ] },
    ],
    matchNamespaces: [inContainer],
    matchActions: [observe],
  };
  return policy(policyNames.sensitiveFiles, "Reads of credential files and writes to account files from containers", [
    {
      // Called on every read/write of an open file, so a file opened before a policy loads is still seen.
      call: "security_file_permission",
      syscall: false,
      message: "Sensitive file accessed from a container",
      args: [
        { index: 0, type: "file", label: "file" },
        { index: 1, type: "int", label: "mask" },
      ],
      // Each call checks one access, so a read and a write selector never match the same event.
      selectors: [write, read],
    },
  ]);
}

/** Loopback is never egress, whatever the cluster ranges are. */
const loopback = ["127.0.0.0/8", "::1/128"];

export function networkEgressPolicy(inputs: TracingPolicyInputs): TracingPolicy {
  const internal = [...new Set([...loopback, ...inputs.nodePodAndServiceCidrs, ...inputs.trustedCidrs])];
  const selectors: Selector[] = [];
  if (inputs.sensitivePorts.length > 0) {
    selectors.push({
      matchArgs: [{ index: 0, operator: "DPort", values: inputs.sensitivePorts.map(String) }],
      matchNamespaces: [inContainer],
      matchActions: [inputs.enforce ? { action: "Sigkill" } : { action: "Post" }],
    });
  }
  // No rate limit: each connection differs (source port), and the alert counts connections.
  selectors.push({
    matchArgs: [{ index: 0, operator: "NotDAddr", values: internal }],
    matchNamespaces: [inContainer],
    matchActions: [{ action: "Post" }],
  });
  return policy(policyNames.networkEgress, "TCP connections from containers to outside networks or to sensitive ports", [
    {
      call: "tcp_connect",
      syscall: false,
      message: "Container connected outside the cluster or to a sensitive port",
      args: [{ index: 0, type: "sock", label: "sock" }],
      selectors,
    },
  ]);
}

/** The setuid/setgid family (kernel/sys.c) with the argument positions that carry a uid/gid. */
const setIdCalls: readonly { readonly call: string; readonly argCount: number; readonly idArgs: readonly number[] }[] = [
  { call: "__sys_setuid", argCount: 1, idArgs: [0] },
  { call: "__sys_setgid", argCount: 1, idArgs: [0] },
  { call: "__sys_setreuid", argCount: 2, idArgs: [0, 1] },
  { call: "__sys_setregid", argCount: 2, idArgs: [0, 1] },
  // setres*id: the effective and saved ids; the real id alone grants nothing.
  { call: "__sys_setresuid", argCount: 3, idArgs: [1, 2] },
  { call: "__sys_setresgid", argCount: 3, idArgs: [1, 2] },
  { call: "__sys_setfsuid", argCount: 1, idArgs: [0] },
  { call: "__sys_setfsgid", argCount: 1, idArgs: [0] },
];

/**
 * Capabilities a container process should never get to use (include/uapi/linux/capability.h).
 * CAP_SYS_ADMIN and CAP_NET_ADMIN are left out on purpose: docker-in-docker and the CNI use them
 * constantly, so they would drown the rest.
 */
export const watchedCapabilities: Readonly<Record<string, number>> = {
  CAP_SYS_MODULE: 16,
  CAP_SYS_RAWIO: 17,
  CAP_SYS_PTRACE: 19,
  CAP_BPF: 39,
};

/** Tetragon itself runs in a container and uses CAP_BPF and CAP_SYS_PTRACE by design. */
const tetragonBinary = "/usr/bin/tetragon";

/**
 * setuid/setgid to root, root credentials committed to a process that had no CAP_SETUID,
 * unprivileged user namespaces and dangerous capability use, from containers.
 */
export function privilegeEscalationPolicy(): TracingPolicy {
  // No `enforce` here: every selector only reports. The setuid selectors cannot tell an
  // escalation from a process that is root already (`su`/`runuser` run as root, daemons resetting
  // their ids before dropping them), and killing those would break ordinary images.
  const setIdProbes: Kprobe[] = setIdCalls.map(({ call, argCount, idArgs }) => ({
    call,
    syscall: false,
    message: `Container process changed an id to root (${call})`,
    args: Array.from({ length: argCount }, (_, index) => ({ index, type: "int" as const })),
    // One selector per id argument: selectors are OR-ed, matchArgs inside one selector are AND-ed.
    selectors: idArgs.map((index) => ({
      matchArgs: [{ index, operator: "Equal" as const, values: ["0"] }],
      matchNamespaces: [inContainer],
      matchActions: [observe],
    })),
  }));
  /*
   * The kernel's single point where a task gets new credentials: setuid-family calls, setuid-root
   * execs and kernel exploits (`commit_creds(prepare_kernel_cred(0))`) all end here. It also runs
   * on every execve and fork, so it is filtered in the kernel, as Tetragon's process-creds
   * examples do with matchNamespaces and rateLimit, and further:
   * - the new credentials' effective uid is 0 (`resolve` reads `cred->euid` through BTF), and
   * - the caller has no CAP_SETUID in its effective set, which a non-root process normally lacks
   *   and a root one normally has. Tetragon cannot read the caller's uid in a selector; this is the
   *   nearest in-kernel test for "was not root".
   * What still matches without being an attack: a root container that dropped every capability
   * reports its new processes (once a minute per process); the runbook says to run it non-root.
   */
  const rootCredentials: Kprobe = {
    call: "commit_creds",
    syscall: false,
    message: "Container process without CAP_SETUID received root credentials (commit_creds)",
    args: [{ index: 0, type: "int", resolve: "euid.val", label: "new_euid" }],
    selectors: [
      {
        matchArgs: [{ index: 0, operator: "Equal", values: ["0"] }],
        matchCapabilities: [{ type: "Effective", operator: "NotIn", values: ["CAP_SETUID"] }],
        matchNamespaces: [inContainer],
        matchActions: [observe],
      },
    ],
  };
  const userNamespace: Kprobe = {
    call: "create_user_ns",
    syscall: false,
    message: "Unprivileged container process created a user namespace where it is root",
    args: [{ index: 0, type: "nop" }],
    selectors: [
      {
        matchCapabilities: [{ type: "Effective", operator: "NotIn", values: ["CAP_SYS_ADMIN"] }],
        matchNamespaces: [inContainer],
        matchActions: [observe],
      },
    ],
  };
  const capabilityUse: Kprobe = {
    call: "cap_capable",
    syscall: false,
    // The return value says whether the capability was granted; a refused check is no escalation.
    return: true,
    message: "Container process used a dangerous capability",
    args: [
      { index: 0, type: "nop" },
      { index: 1, type: "user_namespace" },
      { index: 2, type: "int", label: "capability" },
    ],
    returnArg: { index: 0, type: "int" },
    selectors: [
      {
        matchArgs: [{ index: 2, operator: "Equal", values: Object.values(watchedCapabilities).map(String) }],
        matchReturnArgs: [{ index: 0, operator: "Equal", values: ["0"] }],
        matchNamespaces: [inContainer],
        matchBinaries: [{ operator: "NotIn", values: [tetragonBinary] }],
        matchActions: [observe],
      },
    ],
  };
  return policy(policyNames.privilegeEscalation, "Container processes raising their privileges", [
    ...setIdProbes,
    rootCredentials,
    userNamespace,
    capabilityUse,
  ]);
}

/** Every policy the stack deploys, in a stable order. */
export function tracingPolicies(inputs: TracingPolicyInputs): TracingPolicy[] {
  return [sensitiveFilesPolicy(inputs), networkEgressPolicy(inputs), privilegeEscalationPolicy()];
}

function policy(name: string, description: string, kprobes: Kprobe[]): TracingPolicy {
  return {
    apiVersion: "cilium.io/v1alpha1",
    kind: "TracingPolicy",
    metadata: { name, annotations: { description } },
    spec: { kprobes },
  };
}
