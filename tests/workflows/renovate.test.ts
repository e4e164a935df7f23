import * as fs from "node:fs";
import * as path from "node:path";
import JSON5 from "json5";
import { charts, images, toolchain } from "../../versions";
import { repoRoot, stackConfig, steps, loadWorkflow, workflowNames, workflowPath } from "./workflow-files";

/**
 * Runs renovate.json5's custom managers the way Renovate does (each match string globally over a
 * file the manager's patterns select, named groups plus templates) against the real files, and
 * compares what they find with what the files pin, read independently.
 */

interface CustomManager {
  readonly description: string;
  readonly managerFilePatterns: string[];
  readonly matchStrings: string[];
  readonly datasourceTemplate?: string;
  readonly depNameTemplate?: string;
  readonly depTypeTemplate?: string;
}

interface Found {
  readonly depType?: string;
  readonly datasource?: string;
  readonly depName?: string;
  readonly currentValue?: string;
  readonly currentDigest?: string;
  readonly registryUrl?: string;
}

const config = JSON5.parse(fs.readFileSync(path.join(repoRoot, "renovate.json5"), "utf8")) as {
  customManagers: CustomManager[];
  packageRules: {
    matchDepTypes?: string[];
    matchDepNames?: string[];
    matchPackageNames?: string[];
    groupName?: string;
    matchManagers?: string[];
    matchUpdateTypes?: string[];
    automerge?: boolean;
    allowedVersions?: string;
  }[];
};

/** `"/regex/"` → RegExp, as Renovate reads managerFilePatterns. */
function filePattern(pattern: string): RegExp {
  const match = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  if (!match) throw new Error(`not a /regex/ pattern: ${pattern}`);
  return new RegExp(match[1], match[2]);
}

function managersFor(relativeFile: string): CustomManager[] {
  return config.customManagers.filter((m) => m.managerFilePatterns.some((p) => filePattern(p).test(relativeFile)));
}

function extract(relativeFile: string, depType?: string): Found[] {
  const text = fs.readFileSync(path.join(repoRoot, relativeFile), "utf8");
  return managersFor(relativeFile)
    .filter((m) => depType === undefined || m.depTypeTemplate === depType)
    .flatMap((m) =>
      m.matchStrings.flatMap((source) =>
        [...text.matchAll(new RegExp(source, "g"))].map((match) => {
          const groups = Object.fromEntries(Object.entries(match.groups ?? {}).filter(([, v]) => v !== undefined));
          return {
            depType: m.depTypeTemplate,
            ...(m.datasourceTemplate ? { datasource: m.datasourceTemplate } : {}),
            ...(m.depNameTemplate ? { depName: m.depNameTemplate } : {}),
            ...groups,
          } as Found;
        }),
      ),
    );
}

const byName = (a: Found, b: Found) => `${a.depName}${a.currentValue}`.localeCompare(`${b.depName}${b.currentValue}`);

describe("versions.ts", () => {
  it("finds every chart pin with the package Renovate must look up and its current version", () => {
    const expected: Found[] = Object.values(charts).map((pin) =>
      pin.repository.startsWith("oci://")
        ? { depType: "helm-chart", datasource: "docker", depName: `${pin.repository.slice("oci://".length)}/${pin.chart}`, currentValue: pin.version }
        : { depType: "helm-chart", datasource: "helm", depName: pin.chart, registryUrl: pin.repository, currentValue: pin.version },
    );
    expect(extract("versions.ts", "helm-chart").sort(byName)).toEqual(expected.sort(byName));
  });

  it("finds every image pin with its repository and tag", () => {
    const expected: Found[] = Object.values(images).map((pin) => ({
      depType: "image",
      datasource: "docker",
      depName: pin.repository,
      currentValue: pin.tag,
    }));
    expect(extract("versions.ts", "image").sort(byName)).toEqual(expected.sort(byName));
  });

  it("finds every Go-built tool with its module and version, and no tool as a chart", () => {
    const expected: Found[] = Object.values(toolchain)
      .filter((pin) => !("moduleVersion" in pin))
      .map((pin) => ({ depType: "toolchain", datasource: "go", depName: pin.module, currentValue: pin.version }));
    expect(expected.length).toBeGreaterThan(0);
    expect(extract("versions.ts", "toolchain").sort(byName)).toEqual(expected.sort(byName));
    const modules = new Set<string>(Object.values(toolchain).map((pin) => pin.module));
    expect(extract("versions.ts", "helm-chart").filter((f) => modules.has(f.depName!))).toEqual([]);
  });
});

describe("stack files", () => {
  it.each(["home", "lab"] as const)("finds the Talos and Kubernetes releases Pulumi.%s.yaml pins, and nothing else", (stack) => {
    const cluster = stackConfig(stack)["home-platform:cluster"];
    const expected: Found[] = [];
    if (cluster.talosVersion) {
      expected.push({ depType: "talos", datasource: "github-releases", depName: "siderolabs/talos", currentValue: cluster.talosVersion });
    }
    if (cluster.kubernetesVersion) {
      expected.push({ depType: "kubernetes", datasource: "github-releases", depName: "kubernetes/kubernetes", currentValue: String(cluster.kubernetesVersion) });
    }
    expect(extract(`Pulumi.${stack}.yaml`).sort(byName)).toEqual(expected.sort(byName));
  });

  it("reads the home stack's pins at all (the test above is not vacuous)", () => {
    expect(extract("Pulumi.home.yaml")).toHaveLength(2);
  });
});

describe("workflows", () => {
  it.each(workflowNames)("%s: finds every action with its digest and tag, and the tool versions", (name) => {
    const relative = path.relative(repoRoot, workflowPath(name));
    const workflow = loadWorkflow(name);
    const lines = workflow.text.split("\n");
    const expectedActions = steps(workflow)
      .filter((s) => s.uses)
      .map((s) => {
        const [, registryUrl, depName, digest] = /^(https:\/\/[^/]+)\/(.+)@([0-9a-f]{40})$/.exec(s.uses!)!;
        // The tag lives only in the comment, which YAML drops; take it from the same line of text.
        const tag = /# (v[\d.]+)$/.exec(lines.find((l) => l.includes(s.uses!))!)![1];
        return { depType: "action", datasource: "forgejo-tags", registryUrl, depName, currentDigest: digest, currentValue: tag };
      });
    expect(expectedActions.length).toBeGreaterThan(0);
    expect(extract(relative, "action").sort(byName)).toEqual(expectedActions.sort(byName));

    const env = workflow.doc.env as Record<string, string>;
    expect(extract(relative, "pulumi-cli")).toEqual([
      { depType: "pulumi-cli", datasource: "github-releases", depName: "pulumi/pulumi", currentValue: env.PULUMI_VERSION },
    ]);
    const talos = env.TALOSCTL_VERSION ? [{ depType: "talos", datasource: "github-releases", depName: "siderolabs/talos", currentValue: env.TALOSCTL_VERSION }] : [];
    expect(extract(relative, "talos")).toEqual(talos);
  });
});

describe("file patterns", () => {
  it("select no file they are not meant for", () => {
    for (const file of ["package.json", "index.ts", "stacks/runners/values.ts", "Pulumi.yaml", ".github/dependabot.yml"]) {
      expect([file, managersFor(file).map((m) => m.description)]).toEqual([file, []]);
    }
  });
});

describe("grouping", () => {
  it("puts every dependency the custom managers find into a group", () => {
    const files = ["versions.ts", "Pulumi.home.yaml", "Pulumi.lab.yaml", ...workflowNames.map((n) => path.relative(repoRoot, workflowPath(n)))];
    const found = files.flatMap((file) => extract(file));
    expect(new Set(found.map((f) => f.depType))).toEqual(new Set(config.customManagers.map((m) => m.depTypeTemplate)));
    for (const dep of found) {
      const grouped = config.packageRules.some(
        (r) => r.groupName && (r.matchDepTypes?.includes(dep.depType!) || r.matchDepNames?.includes(dep.depName!)),
      );
      expect([dep.depName, grouped]).toEqual([dep.depName, true]);
    }
  });

  it("groups npm minor and patch updates, and never automerges Talos or Kubernetes", () => {
    expect(config.packageRules).toContainEqual(
      expect.objectContaining({ matchManagers: ["npm"], matchUpdateTypes: ["minor", "patch"], groupName: expect.any(String) }),
    );
    const platform = config.packageRules.filter((r) => r.matchDepTypes?.some((t) => t === "talos" || t === "kubernetes"));
    expect(platform.length).toBeGreaterThan(0);
    for (const rule of platform) expect(rule.automerge).toBe(false);
  });
});

describe("held-back versions", () => {
  // npm's highest @pulumi/command, 4.5.0, is a mis-numbered publish of upstream v0.5.0 (issue 9);
  // tools/pulumi-releases.ts checks the lock file, this keeps Renovate from proposing it.
  it("Renovate never proposes @pulumi/command 4.5.0, and still proposes real releases", () => {
    const rule = config.packageRules.find((r) => r.matchPackageNames?.includes("@pulumi/command") && r.allowedVersions);
    // Renovate reads "!/regex/" in allowedVersions as "versions the regex does not match".
    const negated = /^!\/(.*)\/$/.exec(rule?.allowedVersions ?? "");
    expect(negated).not.toBeNull();
    const disallowed = new RegExp(negated![1]);
    expect(["4.5.0", "v4.5.0"].map((v) => disallowed.test(v))).toEqual([true, true]);
    expect(["1.2.1", "1.3.0", "2.0.0", "4.5.1", "14.5.0"].map((v) => disallowed.test(v))).toEqual([false, false, false, false, false]);
  });
});
