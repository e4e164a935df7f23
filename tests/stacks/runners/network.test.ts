import fc from "fast-check";
import { blockedRanges, runnerNetworkPolicies } from "../../../stacks/runners/network";
import { address, cidrInterval, inInterval, ip, span, type Interval } from "../../helpers/ipv4-intervals";

/** The non-public ranges, written as intervals independently of the module's CIDR strings. */
const nonPublic: Interval[] = [
  span(ip(0, 0, 0, 0), 8),
  span(ip(10, 0, 0, 0), 8),
  span(ip(100, 64, 0, 0), 10),
  span(ip(127, 0, 0, 0), 8),
  span(ip(169, 254, 0, 0), 16),
  span(ip(172, 16, 0, 0), 12),
  span(ip(192, 168, 0, 0), 16),
];

describe("the internet rule", () => {
  const policies = runnerNetworkPolicies({ ports: [443], allowCidrs: [], nodePodAndServiceCidrs: [], registrationPods: { job: "x" } });
  const internet = policies.find((d) => d.name === "allow-internet-egress")!;
  const peer = internet.egress![0].peers[0];
  if (peer.kind !== "cidr") throw new Error("expected a CIDR peer");

  it("lets an address through exactly when it is outside every non-public range", () => {
    fc.assert(
      fc.property(address, (n) => {
        const excluded = (peer.except ?? []).some((cidr) => inInterval(n, cidrInterval(cidr)));
        const allowed = inInterval(n, cidrInterval(peer.cidr)) && !excluded;
        expect(allowed).toBe(!nonPublic.some((range) => inInterval(n, range)));
      }),
      { numRuns: 2000 },
    );
  });

  it("selects every pod in the namespace and admits no ingress", () => {
    expect(internet.podSelector).toEqual({});
    expect(policies.every((d) => d.ingress === undefined)).toBe(true);
  });
});

describe("cluster networks", () => {
  it("adds a public cluster network to the blocked ranges, host bits cleared", () => {
    expect(blockedRanges(["203.0.113.7/24"])).toContain("203.0.113.0/24");
  });

  it("does not repeat a cluster network already inside a private range", () => {
    const blocked = blockedRanges(["192.168.35.0/24", "10.244.0.0/16"]);
    expect(blocked).toEqual(blockedRanges([]));
  });

  it("limits the registration Job's API access to the cluster networks when they are known", () => {
    const definitions = runnerNetworkPolicies({ ports: [443], allowCidrs: [], nodePodAndServiceCidrs: ["192.168.35.0/24"], registrationPods: { job: "x" } });
    const api = definitions.find((d) => d.name === "allow-registration-apiserver")!;
    expect(api.podSelector).toEqual({ job: "x" });
    expect(api.egress![0].peers).toEqual([{ kind: "cidr", cidr: "192.168.35.0/24" }]);
  });
});
