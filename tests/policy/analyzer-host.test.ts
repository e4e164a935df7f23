/**
 * The policy pack started exactly as `pulumi preview --policy-pack policy` starts it, then asked
 * over gRPC what the engine asks.
 *
 * Upstream behaviour reproduced here (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go,
 * RunPlugin with kind "analyzer", CLI 3.2xx; pkg/resource/plugin/analyzer_plugin.go passes the engine
 * address as the only argument): the language host resolves `@pulumi/pulumi/cmd/run-policy-pack`
 * from the pack's directory, runs `node <that script> <nodeargs...> <engine address> <pack dir>`
 * with the pack's directory as working directory, adds PULUMI_NODEJS_TYPESCRIPT=true unless the
 * runtime option `typescript` is false, PULUMI_NODEJS_TSCONFIG_PATH for `tsconfig`, and the stack's
 * PULUMI_NODEJS_ORGANIZATION/PROJECT/STACK/DRY_RUN and PULUMI_CONFIG, and reads the gRPC port from
 * the first line of stdout. run-policy-pack then registers its vendored ts-node 7 (type-checking,
 * default options) before it requires the pack, whatever the options say.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzerResourceOptions, type AnalyzeResponse, type AnalyzerInfo } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as YAML from "yaml";
import { rules } from "../../policy/rules";
import { container, deployment, fullResources } from "./resources";

const packDir = path.resolve(__dirname, "../../policy");

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly stderr: () => string;
}

/** The command line and environment RunPlugin builds for this pack, from its PulumiPolicy.yaml. */
function analyzerHostLaunch(extraEnv: NodeJS.ProcessEnv = {}): { command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv } {
  const project = YAML.parse(fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8")) as { runtime: string | { name: string; options?: Record<string, unknown> } };
  const runtime = typeof project.runtime === "string" ? { name: project.runtime, options: {} } : { options: {}, ...project.runtime };
  expect(runtime.name).toBe("nodejs");
  const options = runtime.options as { typescript?: boolean; tsconfig?: string; nodeargs?: string };
  const nodeargs = (options.nodeargs ?? "").split(/\s+/).filter(Boolean);
  // The host splits nodeargs with shlex; plain words split alike, quotes would not.
  for (const arg of nodeargs) expect(arg).not.toMatch(/["'\\]/);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...extraEnv,
    ...(options.typescript !== false ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
    ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
    PULUMI_NODEJS_ORGANIZATION: "organization",
    PULUMI_NODEJS_PROJECT: "home-platform",
    PULUMI_NODEJS_STACK: "home",
    PULUMI_NODEJS_DRY_RUN: "true",
    PULUMI_CONFIG: JSON.stringify({ "home-platform:timezone": "UTC" }),
  };
  // locateModule: `require.resolve` in a node started in the pack's directory.
  const runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  // Nothing listens at the engine address: the pack only needs it to be present.
  return { command: process.execPath, args: [runPath, ...nodeargs, "127.0.0.1:1", packDir], cwd: packDir, env };
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

function start(extraEnv?: NodeJS.ProcessEnv): Promise<Started> {
  const launch = analyzerHostLaunch(extraEnv);
  const child = spawn(launch.command, launch.args, { cwd: launch.cwd, env: launch.env, stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the pack printed no port within 60 s; stderr:\n${stderr}`)), 60_000);
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const line = /^(\d+)\n/.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve({ child, port: Number(line[1]), stderr: () => stderr });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the pack exited (${code}) before printing its port; stdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

function call<Response>(invoke: (done: (error: grpc.ServiceError | null, response: Response) => void) => void): Promise<Response> {
  return new Promise((resolve, reject) => invoke((error, response) => (error ? reject(error) : resolve(response))));
}

/** GetAnalyzerInfo and one Analyze call, as the engine makes them during a preview. */
async function ask(port: number): Promise<{ info: AnalyzerInfo; analyzed: AnalyzeResponse }> {
  const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const info = await call<AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
    const floating = deployment("web", [container("web", "nginx:latest", fullResources)]);
    const request = new AnalyzeRequest()
      .setType(floating.type)
      .setName(floating.name)
      .setUrn(floating.urn ?? `urn:pulumi:home::home-platform::${floating.type}::${floating.name}`)
      .setProperties(Struct.fromJavaScript(floating.inputs as never))
      .setOptions(new AnalyzerResourceOptions().setProtect(false));
    const analyzed = await call<AnalyzeResponse>((done) => client.analyze(request, done));
    return { info, analyzed };
  } finally {
    client.close();
  }
}

async function expectLoadsAndAnswers(extraEnv?: NodeJS.ProcessEnv): Promise<void> {
  const { port, stderr } = await start(extraEnv);
  const { info, analyzed } = await ask(port);
  expect(info.getName()).toBe("home-platform");
  expect(info.getPoliciesList().map((policy) => policy.getName()).sort()).toEqual(rules.map((rule) => rule.name).sort());
  const diagnostics = analyzed.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), message: d.getMessage() }));
  expect(diagnostics).toEqual([{ policy: "no-floating-images", message: expect.stringContaining("nginx:latest") }]);
  expect(stderr()).not.toMatch(/TSError|Unable to compile TypeScript/);
}

describe("the policy pack under the language host's RunPlugin", () => {
  test("loads, lists every rule and reports a violation", async () => {
    await expectLoadsAndAnswers();
  });

  test("loads without type-checking: the same with the host's ts-node on its vendored TypeScript 3.8", async () => {
    // tsutils.typeScriptRequireStrings() falls back to the vendored TypeScript 3.8.3 when
    // `require("typescript")` fails inside @pulumi/pulumi (a production install, another layout).
    // Reproduce exactly that fallback; a pack that ts-node compiles fails to parse under it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-typescript-for-pulumi-"));
    const preload = path.join(dir, "hide-typescript.js");
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    fs.writeFileSync(
      preload,
      `const Module = require("module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === "typescript" && parent && parent.filename && parent.filename.startsWith(${JSON.stringify(pulumiDir + path.sep)})) {
    const error = new Error("Cannot find module 'typescript'");
    error.code = "MODULE_NOT_FOUND";
    throw error;
  }
  return resolve.call(this, request, parent, ...rest);
};
`,
    );
    try {
      await expectLoadsAndAnswers({ NODE_OPTIONS: `--require ${preload}` });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
