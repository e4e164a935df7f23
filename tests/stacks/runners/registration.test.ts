import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { registrationJobSpec, registrationRoleRules } from "../../../stacks/runners/registration";
import { images } from "../../../versions";
import { runnersConfig } from "./config";

/**
 * Runs the Job's two steps for real, with stand-ins for forgejo-runner and kubectl that record how
 * they were called, and the pod's paths (/data, /current, /tmp) moved into a temp dir. The register
 * step runs through sh as in its image; the store step is exec'd as a plain argv, as the kubelet
 * does, with `$(VAR)` expanded from the container's env the way the kubelet expands it.
 */

const config = runnersConfig("home");
const spec = registrationJobSpec(config) as any;
const pod = spec.template.spec;
const register = pod.initContainers[0];
const store = pod.containers[0];
const token = "registration-token-for-tests-7f3a9c";
const identity = '{"id": 7, "uuid": "0b6f…", "token": "runner-identity-secret", "address": "https://codeberg.org"}';

interface Sandbox {
  readonly root: string;
  readonly calls: (tool: string) => string[][];
  run(container: any): { status: number | null; output: string };
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function sandbox(existingIdentity?: string): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "runner-registration-"));
  roots.push(root);
  for (const dir of ["bin", "data", "current", "tmp", "log"]) fs.mkdirSync(path.join(root, dir));
  if (existingIdentity) fs.writeFileSync(path.join(root, "current", ".runner"), existingIdentity);
  // Each stand-in logs its argv (one line per argument, a blank line per call) and acts like the tool.
  const stub = (name: string, action: string) =>
    fs.writeFileSync(
      path.join(root, "bin", name),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> "${root}/log/${name}"\necho >> "${root}/log/${name}"\n${action}\n`,
      { mode: 0o755 },
    );
  stub("forgejo-runner", `printf '%s' '${identity}' > .runner`);
  stub("kubectl", `prev=; for a in "$@"; do [ "$prev" = --patch-file ] && cp "$a" "${root}/log/patch.json"; prev=$a; done`);
  const env = (container: any): NodeJS.ProcessEnv =>
    Object.fromEntries(
      container.env.map((e: any) => [
        e.name,
        e.value ?? (e.valueFrom.secretKeyRef ? token : e.valueFrom.fieldRef ? "forgejo-runners" : ""),
      ]),
    );
  return {
    root,
    calls: (tool) =>
      fs.existsSync(path.join(root, "log", tool))
        ? fs.readFileSync(path.join(root, "log", tool), "utf8").split("\n\n").filter(Boolean).map((call) => call.split("\n"))
        : [],
    run(container) {
      const vars = env(container);
      const argv = (container.command as string[]).map((arg) =>
        arg.replace(/\$\((\w+)\)/g, (_, name) => vars[name] ?? "").replace(/\/(data|current|tmp)\b/g, `${root}/$1`),
      );
      // No PATH lookup through a shell: the stand-in is addressed directly, like an exec in the pod.
      const [program, ...args] = argv[0] === "sh" ? argv : [path.join(root, "bin", argv[0]), ...argv.slice(1)];
      const result = spawnSync(program, args, { env: { ...vars, PATH: `${root}/bin:/usr/bin:/bin` }, encoding: "utf8" });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    },
  };
}

describe("first registration", () => {
  const box = sandbox();
  const registered = box.run(register);
  const stored = box.run(store);

  it("registers with the configured forge, name and labels, taking the token from the environment", () => {
    expect(registered.status).toBe(0);
    const [args] = box.calls("forgejo-runner");
    expect(args.slice(0, 2)).toEqual(["register", "--no-interactive"]);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag("--instance")).toBe(config.instanceUrl);
    expect(flag("--name")).toBe(config.name);
    expect(flag("--labels")).toBe(config.labels.join(","));
    expect(flag("--token")).toBe(token);
  });

  it("stores the identity as a merge patch read from a file, never on kubectl's command line", () => {
    expect(stored.status).toBe(0);
    const [args] = box.calls("kubectl");
    expect(args).toEqual([
      "--namespace",
      "forgejo-runners",
      "patch",
      "secret",
      "forgejo-runner-credentials",
      "--type",
      "merge",
      "--patch-file",
      path.join(box.root, "data", "patch.json"),
    ]);
    expect(args.join(" ")).not.toContain("runner-identity-secret");
    expect(args.join(" ")).not.toContain(Buffer.from(identity).toString("base64"));
    const patch = JSON.parse(fs.readFileSync(path.join(box.root, "log", "patch.json"), "utf8"));
    expect(Buffer.from(patch.data[".runner"], "base64").toString()).toBe(identity);
  });

  it("prints neither the token nor the identity", () => {
    for (const output of [registered.output, stored.output]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain("runner-identity-secret");
    }
  });
});

describe("a re-run after registration", () => {
  const box = sandbox(identity);
  const registered = box.run(register);
  const stored = box.run(store);

  it("keeps the existing identity: no new registration, and an empty patch that changes nothing", () => {
    expect([registered.status, stored.status]).toEqual([0, 0]);
    expect(box.calls("forgejo-runner")).toEqual([]);
    expect(box.calls("kubectl")).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(box.root, "log", "patch.json"), "utf8"))).toEqual({});
  });
});

describe("a failed registration", () => {
  it("fails the step when no identity was written", () => {
    const box = sandbox();
    fs.writeFileSync(path.join(box.root, "bin", "forgejo-runner"), "#!/bin/sh\necho 'Error: token invalid' >&2\nexit 0\n", { mode: 0o755 });
    const result = box.run(register);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("registration wrote no .runner file");
  });
});

describe("the kubectl container", () => {
  // registry.k8s.io/kubectl is distroless: a shell command there fails with "executable not found".
  const shells = /^(\/(usr\/)?bin\/)?(sh|bash|ash|dash)$/;
  const kubectlContainers = [...pod.initContainers, ...pod.containers].filter((c: any) =>
    c.image.startsWith(`${images.kubectl.repository}:`),
  );

  it("is the store step", () => {
    expect(kubectlContainers.map((c: any) => c.name)).toEqual(["store"]);
  });

  it.each(kubectlContainers.map((c: any) => [c.name, c]))("%s runs kubectl itself, with no shell", (_, container: any) => {
    const argv = [...(container.command ?? []), ...(container.args ?? [])];
    expect(argv[0]).toBe("kubectl");
    expect(argv.filter((arg: string) => shells.test(arg) || arg === "-c")).toEqual([]);
  });
});

describe("the Role", () => {
  it("names the Secret the store step patches, and nothing else", () => {
    const secret = store.command[store.command.indexOf("secret") + 1];
    expect(secret).toBe("forgejo-runner-credentials");
    expect(registrationRoleRules().map((rule) => rule.resourceNames)).toEqual([[secret]]);
  });
});
