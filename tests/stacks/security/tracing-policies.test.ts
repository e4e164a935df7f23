import {
  networkEgressPolicy,
  policyNames,
  privilegeEscalationPolicy,
  secretPaths,
  sensitiveFilesPolicy,
  tracingPolicies,
  writeOnlyPaths,
  type TracingPolicyInputs,
} from "../../../stacks/security/tracing-policies";
import type { Kprobe, Selector, TracingPolicy } from "../../../stacks/security/tracing-policy-types";
import { crdErrors } from "../../helpers/crd-schema";
import { homeClusterCidrs, securityConfig } from "./fixtures";

const crd = "cilium.io_tracingpolicies.yaml";
const config = securityConfig({ trustedCidrs: ["10.88.140.0/24"], sensitivePorts: [22, 4444] });

function inputs(enforce: boolean): TracingPolicyInputs {
  return { nodePodAndServiceCidrs: homeClusterCidrs, trustedCidrs: config.trustedCidrs, sensitivePorts: config.sensitivePorts, enforce };
}

const selectorsOf = (policy: TracingPolicy): Selector[] => policy.spec.kprobes.flatMap((kprobe) => [...(kprobe.selectors ?? [])]);
const actionsOf = (selector: Selector): string[] => (selector.matchActions ?? []).map((action) => action.action);
/** JSON round trip: what the API server receives, with no undefined keys or shared references. */
const asApplied = (policy: TracingPolicy): unknown => JSON.parse(JSON.stringify(policy));

describe.each([false, true])("tracing policies (enforce=%s)", (enforce) => {
  const policies = tracingPolicies(inputs(enforce));

  it("are the three policies the stack reports, each valid against the TracingPolicy CRD", () => {
    expect(policies.map((policy) => policy.metadata.name)).toEqual([policyNames.sensitiveFiles, policyNames.networkEgress, policyNames.privilegeEscalation]);
    for (const policy of policies) expect({ name: policy.metadata.name, errors: crdErrors(asApplied(policy), crd) }).toEqual({ name: policy.metadata.name, errors: [] });
  });

  it("stay within Tetragon's limits: at most 5 selectors per hook, filters only on declared arguments", () => {
    for (const kprobe of policies.flatMap((policy) => policy.spec.kprobes)) {
      expect((kprobe.selectors ?? []).length).toBeLessThanOrEqual(5);
      const declared = new Set((kprobe.args ?? []).map((arg) => arg.index));
      for (const selector of kprobe.selectors ?? []) {
        for (const match of selector.matchArgs ?? []) expect({ call: kprobe.call, index: match.index, declared: declared.has(match.index) }).toMatchObject({ declared: true });
        if (selector.matchReturnArgs) expect({ call: kprobe.call, returnArg: kprobe.returnArg !== undefined, hooksReturn: kprobe.return }).toEqual({ call: kprobe.call, returnArg: true, hooksReturn: true });
      }
    }
  });

  it("watch container processes only (the host's own services would drown the signal)", () => {
    for (const selector of policies.flatMap(selectorsOf)) {
      expect(selector.matchNamespaces).toContainEqual({ namespace: "Pid", operator: "NotIn", values: ["host_ns"] });
    }
  });

  it(enforce ? "kill only on unambiguous matches" : "never kill (observability mode)", () => {
    const killing = policies.flatMap((policy) =>
      policy.spec.kprobes.flatMap((kprobe: Kprobe) =>
        (kprobe.selectors ?? []).filter((selector) => actionsOf(selector).includes("Sigkill")).map(() => `${policy.metadata.name}/${kprobe.call}`),
      ),
    );
    if (!enforce) {
      expect(killing).toEqual([]);
      return;
    }
    expect(new Set(killing)).toEqual(
      new Set([
        `${policyNames.sensitiveFiles}/security_file_permission`,
        `${policyNames.networkEgress}/tcp_connect`,
      ]),
    );
    // setuid(0) from a process that is root already (`su` or `runuser` run as root) matches the
    // same selector as an escalation, so privilege-escalation never kills.
    const privilege = policies.find((p) => p.metadata.name === policyNames.privilegeEscalation)!;
    expect(new Set(selectorsOf(privilege).flatMap(actionsOf))).toEqual(new Set(["Post"]));
    // The broad selectors keep reporting: egress anywhere outside, reads of credentials, capability use.
    const egress = selectorsOf(networkEgressPolicy(inputs(true)));
    expect(actionsOf(egress.find((s) => s.matchArgs?.[0].operator === "NotDAddr")!)).toEqual(["Post"]);
    const files = selectorsOf(sensitiveFilesPolicy(inputs(true)));
    expect(actionsOf(files.find((s) => s.matchArgs?.[1].values.includes("4"))!)).toEqual(["Post"]);
  });
});

describe("sensitive-files", () => {
  const [write, read] = selectorsOf(sensitiveFilesPolicy({ enforce: false }));
  it("reports writes to account files and credentials, reads of credentials only", () => {
    expect(write.matchArgs).toEqual([
      { index: 0, operator: "Prefix", values: [...secretPaths, ...writeOnlyPaths] },
      { index: 1, operator: "Mask", values: ["2"] },
    ]);
    expect(read.matchArgs?.[0].values).toEqual(secretPaths);
    // /etc/passwd is read by every user-name lookup; reporting reads would report every `ls -l`.
    expect(read.matchArgs?.[0].values).not.toContain("/etc/passwd");
    for (const path of ["/etc/shadow", "/etc/sudoers", "/root/.ssh", "/etc/kubernetes"]) expect(read.matchArgs?.[0].values).toContain(path);
  });
});

describe("network-egress", () => {
  const [ports, outside] = selectorsOf(networkEgressPolicy(inputs(false)));
  it("treats every cluster range, trusted network and loopback as internal", () => {
    expect(outside.matchArgs).toHaveLength(1);
    expect(outside.matchArgs?.[0].operator).toBe("NotDAddr");
    expect(new Set(outside.matchArgs?.[0].values)).toEqual(new Set([...homeClusterCidrs, ...config.trustedCidrs, "127.0.0.0/8", "::1/128"]));
  });
  it("reports the configured sensitive ports wherever they point", () => {
    expect(ports.matchArgs).toEqual([{ index: 0, operator: "DPort", values: config.sensitivePorts.map(String) }]);
  });
  it("drops the port selector when no port is sensitive", () => {
    const selectors = selectorsOf(networkEgressPolicy({ ...inputs(false), sensitivePorts: [] }));
    expect(selectors.map((selector) => selector.matchArgs?.[0].operator)).toEqual(["NotDAddr"]);
  });
});

describe("privilege-escalation", () => {
  const policy = privilegeEscalationPolicy();
  it("matches every setuid/setgid-family call changing an effective or saved id to root", () => {
    const setId = policy.spec.kprobes.filter((kprobe) => kprobe.call.startsWith("__sys_set"));
    expect(setId).toHaveLength(8);
    for (const kprobe of setId) {
      for (const selector of kprobe.selectors ?? []) expect(selector.matchArgs).toEqual([{ index: expect.any(Number), operator: "Equal", values: ["0"] }]);
    }
    const resuid = setId.find((kprobe) => kprobe.call === "__sys_setresuid")!;
    expect((resuid.selectors ?? []).map((selector) => selector.matchArgs?.[0].index)).toEqual([1, 2]);
  });
  it("reports root credentials given to a process without CAP_SETUID, filtered in the kernel", () => {
    const commit = policy.spec.kprobes.filter((kprobe) => kprobe.call === "commit_creds");
    expect(commit).toHaveLength(1);
    // commit_creds(struct cred *new): the new credentials' effective uid, read through BTF.
    expect(commit[0].args).toEqual([{ index: 0, type: "int", resolve: "euid.val", label: "new_euid" }]);
    expect(commit[0].selectors).toEqual([
      {
        matchArgs: [{ index: 0, operator: "Equal", values: ["0"] }],
        matchCapabilities: [{ type: "Effective", operator: "NotIn", values: ["CAP_SETUID"] }],
        matchNamespaces: [{ namespace: "Pid", operator: "NotIn", values: ["host_ns"] }],
        // It runs on every exec and fork: at most one event a minute per process, as in Tetragon's examples.
        matchActions: [{ action: "Post", rateLimit: "1m" }],
      },
    ]);
  });
  it("reports granted uses of dangerous capabilities, not refused checks", () => {
    const capable = policy.spec.kprobes.find((kprobe) => kprobe.call === "cap_capable")!;
    expect(capable.return).toBe(true);
    const [selector] = capable.selectors ?? [];
    expect(selector.matchReturnArgs).toEqual([{ index: 0, operator: "Equal", values: ["0"] }]);
    // CAP_SYS_MODULE(16), CAP_SYS_PTRACE(19), CAP_BPF(39): include/uapi/linux/capability.h.
    expect(selector.matchArgs?.[0].values).toEqual(expect.arrayContaining(["16", "19", "39"]));
    expect(selector.matchArgs?.[0].values).not.toContain("21"); // CAP_SYS_ADMIN: docker-in-docker uses it all day
  });
});

describe("the CRD check itself", () => {
  it("rejects a misspelt operator and an unknown field, so the passes above mean something", () => {
    const policy = asApplied(sensitiveFilesPolicy({ enforce: false })) as { spec: { kprobes: { selectors: { matchArgs: { operator: string }[] }[]; syscal?: boolean }[] } };
    policy.spec.kprobes[0].selectors[0].matchArgs[0].operator = "StartsWith";
    policy.spec.kprobes[0].syscal = false;
    const errors = crdErrors(policy, crd);
    expect(errors.some((error) => error.includes("matchArgs/0/operator"))).toBe(true);
    expect(errors.some((error) => error.includes("(syscal)"))).toBe(true);
  });
});
