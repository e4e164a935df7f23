/**
 * The machine configs the program builds, from a real PKI (tests/live/engine/pki.ts), checked by
 * Talos' own validation at the stacks' Talos release in cloud mode, strict (warnings are errors),
 * exactly as `talosctl validate --mode cloud --strict` does (tools/toolchain/src/talos-validate).
 * The talosconfig and kubeconfig built from the same keys load with Talos' client-config loader and
 * kubectl's. The mocks and the JSON schema test could not see key formats or cross-field rules.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { kubeconfigDocument, talosconfigDocument } from "../../../components/talos-cluster/client-config";
import { nodeMachineConfig } from "../../../components/talos-cluster/machine-config";
import { toYamlDocuments } from "../../../components/talos-cluster/serialize";
import { stackConfig } from "../../helpers/stack-config";
import { valueOf } from "../../helpers";
import * as pulumi from "@pulumi/pulumi";
import { toolPath } from "../../../tools/toolchain/paths";
import { makeRealPki, type RealPki } from "./pki";

const validator = () => toolPath("talos-machinery", "talos-validate");

function validate(...args: string[]) {
  return spawnSync(validator(), args, { encoding: "utf8" });
}

let tmp: string;
let pki: RealPki;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-talos-"));
  pki = makeRealPki(path.join(tmp, "pki"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(["home", "lab"] as const)("stack %s", (stack) => {
  const config = stackConfig(stack);
  const { cluster } = config;

  test.each(cluster.nodes.map((node) => [node.name, node] as const))(
    "%s: the machine config from real keys passes Talos validation in cloud mode, strict",
    (name, node) => {
      const file = path.join(tmp, `${stack}-${name}.yaml`);
      fs.writeFileSync(file, toYamlDocuments(nodeMachineConfig(cluster, node, pki.bundle)));
      const run = validate("config", file, "cloud", "--strict");
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
      expect(run.stdout).toBe(`${file} is valid for cloud mode\n`);
    },
  );

  const controlPlanes = cluster.nodes.filter((n) => n.role === "controlplane").map((n) => n.ip);
  const endpoint = cluster.vip ?? controlPlanes[0];

  test("the talosconfig from the real admin certificate loads as talosctl loads it", async () => {
    const document = await valueOf(
      pulumi.output(
        talosconfigDocument({
          context: cluster.name,
          endpoints: controlPlanes,
          nodes: cluster.nodes.map((n) => n.ip),
          caCertPem: pki.osCa.certPem,
          clientCertPem: pki.talosAdmin.certPem,
          clientKeyPem: pki.talosAdmin.keyPem,
          keyAlgorithm: "ED25519",
        }),
      ),
    );
    const file = path.join(tmp, `${stack}.talosconfig`);
    fs.writeFileSync(file, YAML.stringify(document));
    const run = validate("talosconfig", file);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout).toContain(`context ${cluster.name}: endpoints [${controlPlanes.join(" ")}]`);
  });

  test("the kubeconfig from the real admin certificate loads with kubectl's loader, certificates included", async () => {
    const document = await valueOf(
      pulumi.output(
        kubeconfigDocument({
          clusterName: cluster.name,
          server: `https://${endpoint}:6443`,
          caCertPem: pki.kubernetesCa.certPem,
          clientCertPem: pki.kubernetesAdmin.certPem,
          clientKeyPem: pki.kubernetesAdmin.keyPem,
        }),
      ),
    );
    const file = path.join(tmp, `${stack}.kubeconfig`);
    fs.writeFileSync(file, YAML.stringify(document));
    const kubectl = toolPath("kubernetes", "kubectl");
    const view = JSON.parse(execFileSync(kubectl, ["--kubeconfig", file, "config", "view", "--minify", "-o", "json"], { encoding: "utf8" }));
    expect(view["current-context"]).toBe(`admin@${cluster.name}`);
    expect(view.clusters[0].cluster.server).toBe(`https://${endpoint}:6443`);
    // A request builds the TLS client from the embedded CA, certificate and key before it dials.
    // The server is overridden to a closed loopback port: the cluster's own address is never contacted.
    const request = spawnSync(kubectl, ["--kubeconfig", file, "--server", "https://127.0.0.1:1", "--request-timeout", "5s", "get", "--raw", "/version"], {
      encoding: "utf8",
    });
    expect(request.status).not.toBe(0);
    expect(request.stderr).toMatch(/127\.0\.0\.1:1 was refused|connection refused/);
    expect(request.stderr).not.toMatch(/PEM|certificate|private key|tls:/i);

    // The same request with a damaged key fails before dialing: the check above is not vacuous.
    const damaged = structuredClone(document) as typeof document;
    (damaged.users[0].user as Record<string, unknown>)["client-key-data"] = Buffer.from("not a key").toString("base64");
    fs.writeFileSync(file, YAML.stringify(damaged));
    const broken = spawnSync(kubectl, ["--kubeconfig", file, "--server", "https://127.0.0.1:1", "--request-timeout", "5s", "get", "--raw", "/version"], {
      encoding: "utf8",
    });
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/PEM|private key|tls:/i);
  });
});

test("the validator rejects what Talos rejects (a config whose keys are placeholders, as the offline plan writes them)", () => {
  const { cluster } = stackConfig("lab");
  const placeholder = { crt: "[secret]", key: "[secret]" };
  const bundle = { ...pki.bundle, osCa: placeholder, kubernetesCa: placeholder };
  const file = path.join(tmp, "placeholder.yaml");
  fs.writeFileSync(file, toYamlDocuments(nodeMachineConfig(cluster, cluster.nodes[0], bundle)));
  const run = validate("config", file, "cloud", "--strict");
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/illegal base64 data/);
});
