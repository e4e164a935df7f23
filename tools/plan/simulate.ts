/**
 * What the providers would return, simulated offline: state = inputs plus the outputs the program
 * reads (VM IPs, key PEMs, random strings, release status...). Every value is derived from the
 * resource name and inputs, never random, so two plans of the same config are byte-identical and
 * diffs between plans show only real changes.
 *
 * Secretness is not decided here: the recorder re-applies secret inputs and the SDK classes'
 * `additionalSecretOutputs` to the returned state, as the engine would.
 */

export interface SimulateArgs {
  readonly type: string;
  readonly name: string;
  /** Plain inputs, secrets already unwrapped. */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly custom: boolean;
  /** Import id, when the program imports an existing resource. */
  readonly id?: string;
}

export interface SimulateResult {
  readonly id: string | undefined;
  readonly state: Record<string, unknown>;
}

type Outputs = (args: SimulateArgs) => { id?: string; outputs: Record<string, unknown> };

export function newResource(args: SimulateArgs): SimulateResult {
  if (!args.custom) return { id: undefined, state: { ...args.inputs } };
  const simulate = byType[args.type] ?? (args.type.startsWith("pulumi:providers:") ? provider : inputsOnly);
  const { id, outputs } = simulate(args);
  return { id: args.id || id || `${args.name}-${hex(args.type + args.name, 4)}`, state: { ...args.inputs, ...outputs } };
}

/** Invokes the program may make, keyed by token. Unknown tokens fail the plan loudly. */
const invokes: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {};

export function call(args: { readonly token: string; readonly inputs: Record<string, unknown> }): Record<string, unknown> {
  const invoke = invokes[args.token];
  if (!invoke) throw new Error(`plan: no simulated result for invoke ${args.token}`);
  return invoke(args.inputs);
}

const inputsOnly: Outputs = () => ({ outputs: {} });

const provider: Outputs = (args) => ({ id: uuid(`provider:${args.name}`), outputs: {} });

const byType: Record<string, Outputs> = {
  "proxmoxve:index/vmLegacy:VmLegacy": vm,
  "proxmoxve:download/file:File": downloadFile,
  "tls:index/privateKey:PrivateKey": privateKey,
  "tls:index/selfSignedCert:SelfSignedCert": (a) => ({ outputs: { certPem: pem("CERTIFICATE", `cert ${a.name}`), ...validity } }),
  "tls:index/locallySignedCert:LocallySignedCert": (a) => ({ outputs: { certPem: pem("CERTIFICATE", `cert ${a.name}`), ...validity } }),
  "tls:index/certRequest:CertRequest": (a) => ({ outputs: { certRequestPem: pem("CERTIFICATE REQUEST", `csr ${a.name}`) } }),
  "random:index/randomPassword:RandomPassword": (a) => {
    const result = chars(`password:${a.name}`, num(a.inputs.length, 16));
    return { outputs: { result, bcryptHash: `$2a$10$${chars(`bcrypt:${a.name}`, 53)}` } };
  },
  "random:index/randomString:RandomString": (a) => ({ outputs: { result: chars(`string:${a.name}`, num(a.inputs.length, 16)) } }),
  "random:index/randomBytes:RandomBytes": (a) => {
    const bytes = seeded(`bytes:${a.name}`, num(a.inputs.length, 32));
    return { outputs: { hex: bytes.toString("hex"), base64: bytes.toString("base64") } };
  },
  "random:index/randomId:RandomId": (a) => {
    const bytes = seeded(`id:${a.name}`, num(a.inputs.byteLength, 8));
    const b64Url = bytes.toString("base64url");
    return { id: b64Url, outputs: { hex: bytes.toString("hex"), b64Std: bytes.toString("base64"), b64Url, dec: BigInt(`0x${bytes.toString("hex")}`).toString() } };
  },
  "random:index/randomUuid:RandomUuid": (a) => ({ outputs: { result: uuid(`uuid:${a.name}`) } }),
  "command:local:Command": () => ({ outputs: { stdout: "", stderr: "" } }),
  "kubernetes:helm.sh/v3:Release": release,
  "aws:s3/bucket:Bucket": bucket,
  "aws:s3/bucketV2:BucketV2": bucket,
};

function vm(args: SimulateArgs): { id: string; outputs: Record<string, unknown> } {
  const vmId = num(args.inputs.vmId, 100 + (seeded(`vmid:${args.name}`, 2).readUInt16BE() % 900));
  const ipConfigs = path(args.inputs, ["initialization", "ipConfigs"]);
  const first = Array.isArray(ipConfigs) ? path(ipConfigs[0], ["ipv4", "address"]) : undefined;
  const ip = typeof first === "string" && first !== "dhcp" ? first.split("/")[0] : fakeIp(args.name);
  const devices = Array.isArray(args.inputs.networkDevices) && args.inputs.networkDevices.length > 0 ? args.inputs.networkDevices : [{}];
  const macAddresses = devices.map((device, i) => {
    const given = path(device, ["macAddress"]);
    return typeof given === "string" ? given : mac(`${args.name}:${i}`);
  });
  return { id: String(vmId), outputs: { vmId, ipv4Addresses: [["127.0.0.1"], [ip]], ipv6Addresses: [["::1"], []], macAddresses } };
}

function downloadFile(args: SimulateArgs): { id: string; outputs: Record<string, unknown> } {
  const url = typeof args.inputs.url === "string" ? args.inputs.url : "";
  const fileName = str(args.inputs.fileName, url.split("/").pop() || args.name);
  const id = `${str(args.inputs.datastoreId, "local")}:${str(args.inputs.contentType, "iso")}/${fileName}`;
  return { id, outputs: { fileName, size: 100 * 1024 * 1024 + seeded(`size:${args.name}`, 3).readUIntBE(0, 3) } };
}

/**
 * `tls.PrivateKey` outputs in the formats terraform-provider-tls writes them
 * (internal/provider/resource_private_key.go Create, common_key.go setPublicKeyAttributes):
 * - `privateKeyPem`: RSA → PKCS#1 "RSA PRIVATE KEY"; ECDSA → SEC 1 "EC PRIVATE KEY"
 *   (x509.MarshalECPrivateKey); ED25519 → PKCS#8 "PRIVATE KEY".
 * - `privateKeyPemPkcs8`: PKCS#8 "PRIVATE KEY" for every algorithm.
 * - `privateKeyOpenssh`, `publicKeyOpenssh` and the SSH fingerprints: empty for ECDSA P-224
 *   (x/crypto/ssh cannot encode that curve); the public key line is `<type> <base64>\n`
 *   (ssh.MarshalAuthorizedKey: no comment).
 * - Defaults: `rsaBits` 2048, `ecdsaCurve` P224.
 */
function privateKey(args: SimulateArgs): { outputs: Record<string, unknown> } {
  const algorithm = str(args.inputs.algorithm, "RSA");
  const curve = str(args.inputs.ecdsaCurve, "P224");
  const what = `private key ${args.name}`;
  const pemLabel = algorithm === "RSA" ? "RSA PRIVATE KEY" : algorithm === "ECDSA" ? "EC PRIVATE KEY" : "PRIVATE KEY";
  const sshKeyType =
    algorithm === "ED25519" ? "ssh-ed25519" : algorithm === "RSA" ? "ssh-rsa" : curve === "P224" ? undefined : `ecdsa-sha2-nistp${curve.slice(1)}`;
  const publicBody = seeded(`pub:${args.name}`, 48).toString("base64");
  return {
    outputs: {
      algorithm,
      ...(algorithm === "ECDSA" ? { ecdsaCurve: curve } : {}),
      ...(algorithm === "RSA" ? { rsaBits: num(args.inputs.rsaBits, 2048) } : {}),
      privateKeyPem: pem(pemLabel, what),
      privateKeyPemPkcs8: pem("PRIVATE KEY", what),
      privateKeyOpenssh: sshKeyType ? pem("OPENSSH PRIVATE KEY", what) : "",
      publicKeyPem: pem("PUBLIC KEY", `public key ${args.name}`),
      publicKeyOpenssh: sshKeyType ? `${sshKeyType} ${publicBody}\n` : "",
      publicKeyFingerprintSha256: sshKeyType ? `SHA256:${seeded(`fp256:${args.name}`, 32).toString("base64").replace(/=+$/, "")}` : "",
      publicKeyFingerprintMd5: sshKeyType ? [...seeded(`fpmd5:${args.name}`, 16)].map((b) => b.toString(16).padStart(2, "0")).join(":") : "",
    },
  };
}

function release(args: SimulateArgs): { outputs: Record<string, unknown> } {
  const name = str(args.inputs.name, args.name);
  const namespace = str(args.inputs.namespace, "default");
  const version = str(args.inputs.version, "0.0.0");
  const chart = str(args.inputs.chart, name);
  return { outputs: { name, namespace, status: { name, namespace, version, chart, revision: 1, status: "deployed" } } };
}

function bucket(args: SimulateArgs): { id: string; outputs: Record<string, unknown> } {
  // Mirrors Pulumi auto-naming (name + random suffix) with a hash suffix, so names stay stable.
  const name = str(args.inputs.bucket, `${args.name}-${hex(`bucket:${args.name}`, 4)}`);
  return { id: name, outputs: { bucket: name, arn: `arn:aws:s3:::${name}`, bucketDomainName: `${name}.s3.amazonaws.com` } };
}

const validity = { validityStartTime: "2026-01-01T00:00:00Z", validityEndTime: "2036-01-01T00:00:00Z", readyForRenewal: false };

/** Deterministic bytes from a seed: FNV-1a for the seed, xorshift32 for the stream. */
function seeded(seed: string, length: number): Buffer {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}

function hex(seed: string, bytes: number): string {
  return seeded(seed, bytes).toString("hex");
}

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function chars(seed: string, length: number): string {
  return [...seeded(seed, length)].map((b) => alphabet[b % alphabet.length]).join("");
}

function uuid(seed: string): string {
  const h = hex(seed, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function mac(seed: string): string {
  // BC:24:11 is the prefix Proxmox VE assigns to generated NICs.
  return ["BC", "24", "11", ...[...seeded(seed, 3)].map((b) => b.toString(16).padStart(2, "0").toUpperCase())].join(":");
}

function fakeIp(seed: string): string {
  const [a, b] = seeded(`ip:${seed}`, 2);
  return `10.255.${a}.${Math.max(1, b % 255)}`;
}

/** PEM armour around an obviously fake body, so nothing downstream mistakes it for a real key. */
function pem(label: string, what: string): string {
  const body = Buffer.from(`PLAN-FAKE ${what} -- not a real ${label.toLowerCase()}`).toString("base64");
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function num(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function str(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function path(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
