import { isConfigError } from "../../../config/errors";
import { parseStackConfig } from "../../../config/parse";
import { project, rawStackConfig } from "../../helpers/stack-config";

/** cluster.network.podCidr / serviceCidr: defaults and the overlap rule (config/schema/cluster.ts). */

function problemsWith(network: Record<string, unknown>): readonly string[] {
  const raw = rawStackConfig("lab");
  const cluster = JSON.parse(raw[`${project}:cluster`]);
  raw[`${project}:cluster`] = JSON.stringify({ ...cluster, network: { ...cluster.network, ...network } });
  try {
    parseStackConfig(project, raw);
    return [];
  } catch (err) {
    if (isConfigError(err)) return err.problems;
    throw err;
  }
}

test("pod and service ranges default to Talos's own defaults", () => {
  const raw = rawStackConfig("lab");
  expect(JSON.parse(raw[`${project}:cluster`]).network.podCidr).toBeUndefined();
  const config = parseStackConfig(project, raw);
  expect([config.cluster.network.podCidr, config.cluster.network.serviceCidr]).toEqual(["10.244.0.0/16", "10.96.0.0/12"]);
});

test("a pod range covering the node network is refused at the pod range", () => {
  expect(problemsWith({ podCidr: "192.168.0.0/16" })).toEqual([
    "config error: home-platform:cluster.network.podCidr: 192.168.0.0/16 overlaps cluster.network.cidr (192.168.36.0/24)",
  ]);
});

test("a service range inside the pod range is refused at the service range", () => {
  expect(problemsWith({ serviceCidr: "10.244.128.0/20" })).toEqual([
    "config error: home-platform:cluster.network.serviceCidr: 10.244.128.0/20 overlaps cluster.network.podCidr (10.244.0.0/16)",
  ]);
});

test("adjacent ranges are fine", () => {
  expect(problemsWith({ podCidr: "10.42.0.0/16", serviceCidr: "10.43.0.0/16" })).toEqual([]);
});
