import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ClusterSecretsBundle } from "../../../components/talos-cluster/machine-config";
import { talosKeyPem } from "../../../components/talos-cluster/secrets";

/**
 * A real cluster PKI made with openssl in exactly the PEM forms the tls provider emits for the
 * program's choices (components/talos-cluster/secrets.ts): ED25519 keys as PKCS#8 "PRIVATE KEY",
 * ECDSA P-256 keys as SEC 1 "EC PRIVATE KEY" (terraform-provider-tls private_key_pem), self-signed
 * CA certificates. It stands in for `pulumi up --target` of the random and tls resources, which
 * cannot run here: neither the nodejs language host nor the random/tls provider plugins can be
 * built from the Go module proxy (README, "Live suite").
 */

export interface Pem {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface RealPki {
  readonly bundle: ClusterSecretsBundle;
  readonly osCa: Pem;
  readonly kubernetesCa: Pem;
  /** Client certificates signed by the CAs, as createAdminCredentials makes them. */
  readonly talosAdmin: Pem;
  readonly kubernetesAdmin: Pem;
  /** Every secret string in plain text, for "never shown" checks. */
  readonly plaintexts: readonly string[];
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function key(dir: string, name: string, algorithm: "ED25519" | "ECDSA"): string {
  const file = `${name}.key`;
  if (algorithm === "ED25519") openssl(dir, ["genpkey", "-algorithm", "ed25519", "-out", file]);
  else openssl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file]);
  return file;
}

function ca(dir: string, name: string, algorithm: "ED25519" | "ECDSA", organization: string): Pem {
  const keyFile = key(dir, name, algorithm);
  openssl(dir, [
    "req", "-x509", "-new", "-key", keyFile, "-days", "3650", "-subj", `/O=${organization}`, "-out", `${name}.crt`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
  ]);
  return { certPem: fs.readFileSync(path.join(dir, `${name}.crt`), "utf8"), keyPem: fs.readFileSync(path.join(dir, keyFile), "utf8") };
}

function client(dir: string, name: string, algorithm: "ED25519" | "ECDSA", subject: string, issuer: string): Pem {
  const keyFile = key(dir, name, algorithm);
  openssl(dir, ["req", "-new", "-key", keyFile, "-subj", subject, "-out", `${name}.csr`]);
  fs.writeFileSync(path.join(dir, `${name}.ext`), "keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
  openssl(dir, [
    "x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.crt`, "-CAkey", `${issuer}.key`, "-CAcreateserial",
    "-days", "365", "-extfile", `${name}.ext`, "-out", `${name}.crt`,
  ]);
  return { certPem: fs.readFileSync(path.join(dir, `${name}.crt`), "utf8"), keyPem: fs.readFileSync(path.join(dir, keyFile), "utf8") };
}

/** `[a-z0-9]{6}.[a-z0-9]{16}`, as the program's token() shapes random.RandomPassword. */
function token(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const chars = Array.from(crypto.randomBytes(22), (byte) => alphabet[byte % alphabet.length]).join("");
  return `${chars.slice(0, 6)}.${chars.slice(6)}`;
}

export function makeRealPki(dir: string): RealPki {
  fs.mkdirSync(dir, { recursive: true });
  const osCa = ca(dir, "os-ca", "ED25519", "talos");
  const kubernetesCa = ca(dir, "kubernetes-ca", "ECDSA", "kubernetes");
  const aggregatorCa = ca(dir, "aggregator-ca", "ECDSA", "aggregator");
  const etcdCa = ca(dir, "etcd-ca", "ECDSA", "etcd");
  const serviceAccountKey = fs.readFileSync(path.join(dir, key(dir, "service-account", "ECDSA")), "utf8");
  const talosAdmin = client(dir, "talos-admin", "ED25519", "/O=os:admin/CN=admin", "os-ca");
  const kubernetesAdmin = client(dir, "kubernetes-admin", "ECDSA", "/O=system:masters/CN=admin", "kubernetes-ca");
  // As encodeForTalos does: base64 PEM, ED25519 keys relabelled the way Talos reads them.
  const encode = (pem: Pem, algorithm: "ED25519" | "ECDSA") => ({ crt: b64(pem.certPem), key: b64(talosKeyPem(pem.keyPem, algorithm)) });
  const bundle: ClusterSecretsBundle = {
    clusterId: crypto.randomBytes(32).toString("base64"),
    clusterSecret: crypto.randomBytes(32).toString("base64"),
    bootstrapToken: token(),
    trustdToken: token(),
    secretboxKey: crypto.randomBytes(32).toString("base64"),
    osCa: encode(osCa, "ED25519"),
    kubernetesCa: encode(kubernetesCa, "ECDSA"),
    aggregatorCa: encode(aggregatorCa, "ECDSA"),
    etcdCa: encode(etcdCa, "ECDSA"),
    serviceAccountKey: b64(serviceAccountKey),
  };
  const keyBodies = [osCa, kubernetesCa, aggregatorCa, etcdCa, talosAdmin, kubernetesAdmin]
    .map((p) => p.keyPem)
    .concat(serviceAccountKey)
    .map((pem) => pem.split("\n")[1]); // the first base64 line of each key: enough to spot a leak
  const plaintexts = [
    ...keyBodies,
    ...[bundle.clusterId, bundle.clusterSecret, bundle.bootstrapToken, bundle.trustdToken, bundle.secretboxKey].map(String),
  ];
  return { bundle, osCa, kubernetesCa, talosAdmin, kubernetesAdmin, plaintexts };
}
