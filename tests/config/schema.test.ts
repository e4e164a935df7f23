import * as fs from "node:fs";
import * as path from "node:path";
import { isConfigError } from "../../config/errors";
import { parseStackConfig } from "../../config/parse";
import { readStackConfigFile } from "../../config/stack-file";

const root = path.resolve(__dirname, "../..");
const fixtures = (kind: "valid" | "invalid") =>
  fs.readdirSync(path.join(__dirname, kind)).filter((file) => file.endsWith(".yaml")).map((file) => path.join(__dirname, kind, file));

/** The problems a stack file produces, or [] when it is accepted. */
function problemsOf(file: string | Record<string, string>): string[] {
  try {
    parseStackConfig("home-platform", typeof file === "string" ? readStackConfigFile(file) : file);
    return [];
  } catch (err) {
    if (isConfigError(err)) return [...err.problems];
    throw err;
  }
}

/** `# expect:` lines in a negative fixture's header: the exact errors it must produce. */
function expectedProblems(file: string): string[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("# expect: "))
    .map((line) => line.slice("# expect: ".length));
}

describe("stack config validation", () => {
  test.each([["Pulumi.home.yaml"], ["Pulumi.lab.yaml"]])("%s is accepted", (file) => {
    expect(problemsOf(path.join(root, file))).toEqual([]);
  });

  test.each(fixtures("valid").map((file) => [path.basename(file), file]))("valid/%s is accepted", (_name, file) => {
    expect(problemsOf(file)).toEqual([]);
  });

  test.each(fixtures("invalid").map((file) => [path.basename(file), file]))(
    "invalid/%s is rejected with exactly the expected lines",
    (_name, file) => {
      const expected = expectedProblems(file);
      expect(expected.length).toBeGreaterThan(0);
      expect(problemsOf(file).sort()).toEqual(expected.sort());
    },
  );

  test("defaults fill what a minimal stack leaves out", () => {
    const config = parseStackConfig("home-platform", readStackConfigFile(path.join(__dirname, "valid/minimal-single-node.yaml")));
    expect(config.timezone).toBe("UTC");
    expect(config.cluster.talosVersion).toMatch(/^v1\.13\./);
    expect(config.cluster.nodes[0].datastore).toBe("local-lvm");
    expect(config.proxmox.ssh).toEqual({ username: "root", agent: true });
    expect(config.observability.victoriaLogs.retention).toBe("14d");
  });

  test("every problem is reported at once, one line each, across sections", () => {
    const raw = readStackConfigFile(path.join(root, "Pulumi.home.yaml"));
    const cluster = JSON.parse(raw["home-platform:cluster"]);
    cluster.nodes[1].ip = cluster.nodes[0].ip;
    raw["home-platform:cluster"] = JSON.stringify(cluster);
    const runners = JSON.parse(raw["home-platform:runners"]);
    runners.replica = 3;
    raw["home-platform:runners"] = JSON.stringify(runners);
    raw["home-platform:timezone"] = "Mars/Olympus_Mons";
    let problems: readonly string[] = [];
    try {
      parseStackConfig("home-platform", raw);
    } catch (err) {
      if (!isConfigError(err)) throw err;
      problems = err.problems;
    }
    expect([...problems].sort()).toEqual(
      [
        "config error: home-platform:cluster.nodes[1].ip: duplicates cluster.nodes[0].ip (192.168.35.11)",
        "config error: home-platform:runners.replica: unknown key (check the spelling; unknown keys are rejected)",
        "config error: home-platform:timezone: must be an IANA time zone like America/New_York",
      ].sort(),
    );
  });

  describe("cross-field rules run unless a problem touches what they read", () => {
    const home = () => readStackConfigFile(path.join(root, "Pulumi.home.yaml"));
    const edit = (raw: Record<string, string>, key: string, change: (section: any) => void) => {
      const section = JSON.parse(raw[`home-platform:${key}`]);
      change(section);
      raw[`home-platform:${key}`] = JSON.stringify(section);
    };
    /** A duplicate IP and one core too many on the first node's host, spelled out from the stack file. */
    function breakNodes(raw: Record<string, string>) {
      const cluster = JSON.parse(raw["home-platform:cluster"]);
      const proxmox = JSON.parse(raw["home-platform:proxmox"]);
      const hostIndex = proxmox.hosts.findIndex((h: { name: string }) => h.name === cluster.nodes[0].host);
      const host = proxmox.hosts[hostIndex];
      const onHost = cluster.nodes.filter((n: { host: string }) => n.host === host.name);
      const extra = host.cpuCores - onHost.reduce((sum: number, n: { cores: number }) => sum + n.cores, 0) + 1;
      edit(raw, "cluster", (c) => {
        c.nodes[1].ip = c.nodes[0].ip;
        c.nodes[0].cores += extra;
      });
      return {
        duplicateIp: `config error: home-platform:cluster.nodes[1].ip: duplicates cluster.nodes[0].ip (${cluster.nodes[0].ip})`,
        capacity:
          `config error: home-platform:proxmox.hosts[${hostIndex}].cpuCores: host ${host.name} offers ${host.cpuCores} cores ` +
          `but its VMs (${onHost.map((n: { name: string }) => n.name).join(", ")}) ask for ${host.cpuCores + 1}`,
      };
    }

    test("a typo under observability.grafana hides neither a duplicate IP nor a capacity overrun", () => {
      const raw = home();
      const { duplicateIp, capacity } = breakNodes(raw);
      edit(raw, "observability", (o) => {
        o.grafana = { ...o.grafana, adminUsr: "admin" };
      });
      expect(problemsOf(raw).sort()).toEqual(
        [duplicateIp, capacity, "config error: home-platform:observability.grafana.adminUsr: unknown key (check the spelling; unknown keys are rejected)"].sort(),
      );
    });

    test("a malformed field skips only the rules that read it", () => {
      const raw = home();
      const { duplicateIp } = breakNodes(raw);
      // cores is read by the capacity rule, not by the duplicate-IP rule.
      edit(raw, "cluster", (c) => {
        c.nodes[2].cores = "four";
      });
      expect(problemsOf(raw).sort()).toEqual([duplicateIp, "config error: home-platform:cluster.nodes[2].cores: must be a whole number"].sort());
    });
  });

  test("keys of other namespaces (providers, pulumi) are not ours to reject", () => {
    const raw = readStackConfigFile(path.join(root, "Pulumi.lab.yaml"));
    raw["kubernetes:enableServerSideApply"] = "true";
    expect(() => parseStackConfig("home-platform", raw)).not.toThrow();
  });
});
