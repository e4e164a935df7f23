import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { toolPath, toolVersion } from "../../../tools/toolchain/paths";

/**
 * A real Kubernetes control plane on loopback for the live suite: etcd, kube-apiserver (RBAC, Pod
 * Security admission, audit log) and kube-controller-manager, at the pinned versions, with a
 * throwaway PKI in a temporary directory. No scheduler, kubelet or nodes: Pods the controllers
 * create stay Pending, which is all the suite asserts on (admission, not execution).
 *
 *   const cp = await startControlPlane({ podSecurity, auditPolicy });
 *   try { cp.kubectl(["apply", "--server-side", "-f", file]); } finally { await cp.stop(); }
 *
 * Every process runs under coreutils `timeout`, so it stops itself even if Jest dies; ports are
 * free ones chosen at start. A component that does not come up throws ONE line naming it, its
 * version and the last line of its log (the whole log stays in `dir` until stop()).
 */

export interface ControlPlaneOptions {
  /** PodSecurity admission configuration (Talos `cluster.apiServer.admissionControl[].configuration`). */
  readonly podSecurity?: object;
  /** Audit policy (Talos `cluster.apiServer.auditPolicy`); Metadata level is needed for Pod Security audit annotations. */
  readonly auditPolicy?: object;
  /** Each process stops itself after this long, whatever happens to the test process. */
  readonly lifetimeSeconds?: number;
}

export interface KubectlResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One line of the API server's JSON audit log (the fields the suite reads). */
export interface AuditEvent {
  readonly verb: string;
  readonly stage: string;
  readonly objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
  readonly user?: { username?: string };
  readonly responseStatus?: { code?: number; message?: string };
  readonly annotations?: Record<string, string>;
}

export interface ControlPlane {
  /** Scratch directory: PKI, logs, kubeconfigs. Removed by stop(). */
  readonly dir: string;
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** kubeconfig of a system:masters user. */
  readonly kubeconfig: string;
  readonly caFile: string;
  /** Client certificate and key of the system:masters user (for components that take files, not a kubeconfig). */
  readonly adminCert: string;
  readonly adminKey: string;
  /** kubectl against this cluster as system:masters; never throws on a non-zero exit. */
  kubectl(args: readonly string[], input?: string): KubectlResult;
  /** kubectl that must succeed; returns stdout, throws with stderr otherwise. */
  kubectlOk(args: readonly string[], input?: string): string;
  /** The audit log so far (empty without an audit policy). */
  auditEvents(): AuditEvent[];
  stop(): Promise<void>;
}

const serviceCidr = "10.96.0.0/12";

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const bins = {
    etcd: toolPath("etcd", "etcd"),
    apiserver: toolPath("kubernetes", "kube-apiserver"),
    controllerManager: toolPath("kubernetes", "kube-controller-manager"),
    kubectl: toolPath("kubernetes", "kubectl"),
  };
  const lifetime = options.lifetimeSeconds ?? 30 * 60;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "home-platform-cp-"));
  const processes: Running[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const pki = makePki(dir);
    const [etcdClient, etcdPeer, apiPort, kcmPort] = await freePorts(4);
    const server = `https://127.0.0.1:${apiPort}`;

    const etcd = launch(dir, "etcd", `etcd ${toolVersion("etcd")}`, bins.etcd, lifetime, [
      `--data-dir=${path.join(dir, "etcd-data")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      // Test data: no fsync (as controller-runtime's envtest), and no metrics listener of its own.
      "--unsafe-no-fsync=true",
      "--log-level=warn",
    ]);
    processes.push(etcd);
    await etcd.waitFor(30, async () => (await httpGet(`http://127.0.0.1:${etcdClient}/health`)).includes('"health":"true"'));

    const apiserverArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--secure-port=${apiPort}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--cert-dir=${path.join(dir, "apiserver-certs")}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.ca}`,
      // As Talos configures it: Node and RBAC; every request the suite makes as a ServiceAccount goes through RBAC.
      "--authorization-mode=Node,RBAC",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki.saKey}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      `--service-cluster-ip-range=${serviceCidr}`,
      "--allow-privileged=true",
      "--profiling=false",
      // No kubelets: nothing to reconcile endpoints for the kubernetes Service against.
      "--endpoint-reconciler-type=none",
    ];
    if (options.podSecurity) {
      const admission = path.join(dir, "admission.yaml");
      const config = {
        apiVersion: "apiserver.config.k8s.io/v1",
        kind: "AdmissionConfiguration",
        plugins: [{ name: "PodSecurity", configuration: options.podSecurity }],
      };
      fs.writeFileSync(admission, YAML.stringify(config));
      apiserverArgs.push(`--admission-control-config-file=${admission}`);
    }
    if (options.auditPolicy) {
      const policy = path.join(dir, "audit-policy.yaml");
      fs.writeFileSync(policy, YAML.stringify(options.auditPolicy));
      apiserverArgs.push(`--audit-policy-file=${policy}`, `--audit-log-path=${path.join(dir, "audit.log")}`, "--audit-log-format=json");
    }
    const apiserver = launch(dir, "kube-apiserver", `kube-apiserver ${toolVersion("kubernetes")}`, bins.apiserver, lifetime, apiserverArgs);
    processes.push(apiserver);
    const tls = { ca: fs.readFileSync(pki.ca), cert: fs.readFileSync(pki.adminCert), key: fs.readFileSync(pki.adminKey) };
    await apiserver.waitFor(180, async () => (await httpsGet(`${server}/readyz`, tls)) === "ok");

    const kubeconfig = writeKubeconfig(dir, "admin", server, pki.ca, pki.adminCert, pki.adminKey);
    const kcmKubeconfig = writeKubeconfig(dir, "kube-controller-manager", server, pki.ca, pki.kcmCert, pki.kcmKey);
    const kcm = launch(dir, "kube-controller-manager", `kube-controller-manager ${toolVersion("kubernetes")}`, bins.controllerManager, lifetime, [
      `--kubeconfig=${kcmKubeconfig}`,
      `--authentication-kubeconfig=${kcmKubeconfig}`,
      `--authorization-kubeconfig=${kcmKubeconfig}`,
      `--secure-port=${kcmPort}`,
      "--bind-address=127.0.0.1",
      `--service-account-private-key-file=${pki.saKey}`,
      `--root-ca-file=${pki.ca}`,
      // Each controller with its own ServiceAccount, as kubeadm and Talos run it.
      "--use-service-account-credentials=true",
      `--service-cluster-ip-range=${serviceCidr}`,
      "--leader-elect=false",
      "--controllers=*",
    ]);
    processes.push(kcm);
    // The serviceaccount controller creating `default` shows the controllers are running (the
    // ServiceAccount admission plugin rejects Pods until their ServiceAccount exists).
    await kcm.waitFor(120, async () => (await httpsGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, tls)).includes('"name":"default"'));

    const kubectl = (args: readonly string[], input?: string): KubectlResult => {
      const result = spawnSync(bins.kubectl, ["--kubeconfig", kubeconfig, ...args], {
        input,
        encoding: "utf8",
        timeout: 120_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      if (result.error) throw result.error;
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    return {
      dir,
      server,
      kubeconfig,
      caFile: pki.ca,
      adminCert: pki.adminCert,
      adminKey: pki.adminKey,
      kubectl,
      kubectlOk(args, input) {
        const result = kubectl(args, input);
        if (result.status !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${result.stderr.trim()}`);
        return result.stdout;
      },
      auditEvents() {
        const file = path.join(dir, "audit.log");
        if (!fs.existsSync(file)) return [];
        return fs
          .readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map((line) => JSON.parse(line) as AuditEvent);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface Running {
  /** PID of the `timeout` wrapper (its only child is the tool). */
  readonly pid: number | undefined;
  /** Everything the process logged so far. */
  log(): string;
  /** Polls `ready` every 500 ms for up to `seconds`; throws one line if the process exits or time runs out. */
  waitFor(seconds: number, ready: () => Promise<boolean>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `binary` under coreutils `timeout` (so it stops itself after `lifetime` seconds whatever
 * happens to Jest), logging to DIR/NAME.log. `label` (tool and version) names it in errors.
 */
export function launch(dir: string, name: string, label: string, binary: string, lifetime: number, args: string[], env?: NodeJS.ProcessEnv): Running {
  const logFile = path.join(dir, `${name}.log`);
  const log = fs.openSync(logFile, "a");
  // `timeout` bounds the process's life on its own and forwards our SIGTERM to it.
  const child: ChildProcess = spawn("timeout", ["--kill-after=10", String(lifetime), binary, ...args], {
    stdio: ["ignore", log, log],
    env: env ?? process.env,
  });
  fs.closeSync(log);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => child.once("exit", (code, signal) => {
    exited = code ?? (signal ? 128 : null);
    resolve();
  }));
  const lastLine = () => {
    const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n").filter((l) => l.trim() !== "") : [];
    return lines.length > 0 ? lines[lines.length - 1].trim().slice(0, 400) : "(no output)";
  };
  return {
    pid: child.pid,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : ""),
    async waitFor(seconds, ready) {
      const deadline = Date.now() + seconds * 1000;
      while (Date.now() < deadline) {
        if (exited !== undefined) throw new Error(`control plane: ${label} exited with ${exited} at start: ${lastLine()}`);
        if (await ready().catch(() => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      throw new Error(`control plane: ${label} not ready within ${seconds}s: ${lastLine()}`);
    },
    async stop() {
      if (exited !== undefined) return;
      child.kill("SIGTERM");
      const killed = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(killed);
    },
  };
}

interface Pki {
  ca: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  kcmCert: string;
  kcmKey: string;
  saKey: string;
}

/** A CA valid for one day, the API server's serving certificate, two client certificates and the ServiceAccount signing key. */
function makePki(dir: string): Pki {
  const pki = path.join(dir, "pki");
  fs.mkdirSync(pki);
  const file = (name: string) => path.join(pki, name);
  const openssl = (...args: string[]) => {
    const result = spawnSync("openssl", args, { encoding: "utf8", timeout: 30_000 });
    if (result.status !== 0) throw new Error(`control plane: openssl ${args[0]} failed: ${(result.stderr ?? "").trim().split("\n").pop()}`);
  };
  const ecKey = (name: string) => openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file(name));
  ecKey("ca.key");
  openssl("req", "-x509", "-new", "-key", file("ca.key"), "-subj", "/CN=home-platform-live-ca", "-days", "1", "-out", file("ca.crt"),
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  const issue = (name: string, subject: string, extensions: string) => {
    ecKey(`${name}.key`);
    openssl("req", "-new", "-key", file(`${name}.key`), "-subj", subject, "-out", file(`${name}.csr`));
    fs.writeFileSync(file(`${name}.ext`), extensions);
    openssl("x509", "-req", "-in", file(`${name}.csr`), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial",
      "-days", "1", "-extfile", file(`${name}.ext`), "-out", file(`${name}.crt`));
  };
  issue("server", "/CN=kube-apiserver",
    "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n");
  issue("admin", "/O=system:masters/CN=admin", "keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
  issue("kcm", "/CN=system:kube-controller-manager", "keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
  openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file("sa.key"));
  return {
    ca: file("ca.crt"),
    serverCert: file("server.crt"),
    serverKey: file("server.key"),
    adminCert: file("admin.crt"),
    adminKey: file("admin.key"),
    kcmCert: file("kcm.crt"),
    kcmKey: file("kcm.key"),
    saKey: file("sa.key"),
  };
}

function writeKubeconfig(dir: string, user: string, server: string, ca: string, cert: string, key: string): string {
  const file = path.join(dir, `${user}.kubeconfig`);
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "live", cluster: { server, "certificate-authority": ca } }],
    users: [{ name: user, user: { "client-certificate": cert, "client-key": key } }],
    contexts: [{ name: "live", context: { cluster: "live", user } }],
    "current-context": "live",
  };
  fs.writeFileSync(file, YAML.stringify(config));
  return file;
}

/** `count` distinct loopback ports that were free a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: 2000 }, (response) => collect(response, resolve));
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
  });
}

function httpsGet(url: string, tls: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ...tls, timeout: 5000 }, (response) => collect(response, resolve));
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
  });
}

function collect(response: http.IncomingMessage, resolve: (body: string) => void): void {
  let body = "";
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => (body += chunk));
  response.on("end", () => resolve(response.statusCode === 200 ? body : `HTTP ${response.statusCode}: ${body}`));
}

/** Calls `probe` once a second until it returns a value or `seconds` pass; then one last try. */
export async function poll<T>(seconds: number, probe: () => T | undefined): Promise<T | undefined> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return probe();
}
