/**
 * The part of Tetragon's `cilium.io/v1alpha1` TracingPolicy we use, as TypeScript types, so a
 * policy is built from typed objects and a typo in an operator or action fails to compile. The
 * names and enums follow the CRD (`cilium.io_tracingpolicies.yaml`); the tests validate every
 * built policy against that CRD's schema.
 */

export type ArgType = "int" | "file" | "sock" | "path" | "nop" | "user_namespace" | "capability" | "cred" | "linux_binprm";

export interface KprobeArg {
  readonly index: number;
  readonly type: ArgType;
  /** Field name in the exported event instead of the bare index. */
  readonly label?: string;
  /** Read this field of the struct the argument points to (BTF path, e.g. `euid.val` of a `cred`). */
  readonly resolve?: string;
}

export type MatchArgOperator = "Equal" | "Prefix" | "Postfix" | "Mask" | "DPort" | "DAddr" | "NotDAddr";

export interface MatchArg {
  readonly index: number;
  readonly operator: MatchArgOperator;
  readonly values: readonly string[];
}

export interface MatchNamespace {
  readonly namespace: "Pid" | "Mnt" | "Net" | "User";
  readonly operator: "In" | "NotIn";
  /** Namespace ids, or `host_ns` for the host's own namespace. */
  readonly values: readonly string[];
}

export interface MatchBinary {
  readonly operator: "In" | "NotIn" | "Prefix" | "NotPrefix";
  readonly values: readonly string[];
}

export interface MatchCapability {
  readonly type: "Effective" | "Permitted" | "Inheritable";
  readonly operator: "In" | "NotIn";
  readonly values: readonly string[];
}

/** What happens on a match. `Post` reports (optionally de-duplicated); `Sigkill` enforces. */
export type MatchAction = { readonly action: "Post"; readonly rateLimit?: string } | { readonly action: "Sigkill" };

export interface Selector {
  readonly matchArgs?: readonly MatchArg[];
  readonly matchReturnArgs?: readonly MatchArg[];
  readonly matchNamespaces?: readonly MatchNamespace[];
  readonly matchBinaries?: readonly MatchBinary[];
  readonly matchCapabilities?: readonly MatchCapability[];
  readonly matchActions?: readonly MatchAction[];
}

export interface Kprobe {
  /** Kernel function (or syscall with `syscall: true`) to hook. */
  readonly call: string;
  readonly syscall: boolean;
  /** Hook the return too, so `returnArg`/`matchReturnArgs` can see the result. */
  readonly return?: boolean;
  /** Up to 256 characters, copied into every event: tells a reader why this fired. */
  readonly message?: string;
  readonly args?: readonly KprobeArg[];
  readonly returnArg?: KprobeArg;
  /** At most 5; a call matches when any selector does. */
  readonly selectors?: readonly Selector[];
}

export interface TracingPolicy {
  readonly apiVersion: "cilium.io/v1alpha1";
  readonly kind: "TracingPolicy";
  readonly metadata: { readonly name: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec: { readonly kprobes: readonly Kprobe[] };
}
