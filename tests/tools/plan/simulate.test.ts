import { call, newResource } from "../../../tools/plan/simulate";

const vmArgs = {
  type: "proxmoxve:index/vmLegacy:VmLegacy",
  name: "cp-1",
  custom: true,
  inputs: { vmId: 201, initialization: { ipConfigs: [{ ipv4: { address: "10.0.0.11/24", gateway: "10.0.0.1" } }] } },
};

test("a VM reports the static IP from its cloud-init config, without the prefix", () => {
  const { id, state } = newResource(vmArgs);
  expect(state.ipv4Addresses).toEqual([["127.0.0.1"], ["10.0.0.11"]]);
  expect(state.vmId).toBe(201);
  expect(id).toBe("201");
  expect(state.macAddresses).toEqual([expect.stringMatching(/^BC:24:11(:[0-9A-F]{2}){3}$/)]);
});

test("outputs depend on the name only: same name, same values; other name, other values", () => {
  const password = (name: string) => newResource({ type: "random:index/randomPassword:RandomPassword", name, custom: true, inputs: { length: 20 } });
  expect(password("a").state.result).toBe(password("a").state.result);
  expect(password("a").state.result).not.toBe(password("b").state.result);
  expect(password("a").state.result).toHaveLength(20);
});

test("keys are PEM-armoured and obviously fake", () => {
  const { state } = newResource({ type: "tls:index/privateKey:PrivateKey", name: "ssh", custom: true, inputs: { algorithm: "ED25519" } });
  expect(state.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PRIVATE KEY-----\n$/);
  const body = String(state.privateKeyPem).split("\n").slice(1, -2).join("");
  expect(Buffer.from(body, "base64").toString()).toContain("PLAN-FAKE");
  expect(state.publicKeyOpenssh).toMatch(/^ssh-ed25519 /);
});

describe("tls.PrivateKey outputs have the formats terraform-provider-tls writes", () => {
  // internal/provider/resource_private_key.go: PKCS#1 for RSA, SEC 1 ("EC PRIVATE KEY", from
  // x509.MarshalECPrivateKey) for ECDSA, PKCS#8 for Ed25519; PKCS#8 output always PKCS#8;
  // OpenSSH encodings empty for P-224, which x/crypto/ssh cannot encode (the provider's default curve).
  const key = (inputs: Record<string, unknown>) => newResource({ type: "tls:index/privateKey:PrivateKey", name: "k", custom: true, inputs }).state;
  const label = (pemText: unknown) => /^-----BEGIN ([A-Z ]+)-----\n/.exec(String(pemText))?.[1];

  test.each([
    [{ algorithm: "RSA", rsaBits: 4096 }, "RSA PRIVATE KEY", /^ssh-rsa [A-Za-z0-9+/=]+\n$/],
    [{ algorithm: "ECDSA", ecdsaCurve: "P256" }, "EC PRIVATE KEY", /^ecdsa-sha2-nistp256 [A-Za-z0-9+/=]+\n$/],
    [{ algorithm: "ECDSA", ecdsaCurve: "P384" }, "EC PRIVATE KEY", /^ecdsa-sha2-nistp384 [A-Za-z0-9+/=]+\n$/],
    [{ algorithm: "ED25519" }, "PRIVATE KEY", /^ssh-ed25519 [A-Za-z0-9+/=]+\n$/],
  ])("%j: private_key_pem is %s", (inputs, pemLabel, openssh) => {
    const state = key(inputs);
    expect(label(state.privateKeyPem)).toBe(pemLabel);
    expect(label(state.privateKeyPemPkcs8)).toBe("PRIVATE KEY");
    expect(label(state.privateKeyOpenssh)).toBe("OPENSSH PRIVATE KEY");
    expect(state.publicKeyOpenssh).toMatch(openssh);
    expect(label(state.publicKeyPem)).toBe("PUBLIC KEY");
  });

  test("ECDSA on the provider's default curve (P-224) has no OpenSSH encodings", () => {
    const state = key({ algorithm: "ECDSA" });
    expect(label(state.privateKeyPem)).toBe("EC PRIVATE KEY");
    expect([state.privateKeyOpenssh, state.publicKeyOpenssh, state.publicKeyFingerprintSha256, state.publicKeyFingerprintMd5]).toEqual(["", "", "", ""]);
  });
});

test("a downloaded file's id is datastore:content/file", () => {
  const { id } = newResource({
    type: "proxmoxve:download/file:File",
    name: "iso",
    custom: true,
    inputs: { datastoreId: "local", contentType: "iso", url: "https://example.test/talos/nocloud-amd64.iso" },
  });
  expect(id).toBe("local:iso/nocloud-amd64.iso");
});

test("a helm release reports deployed status from its inputs", () => {
  const { state } = newResource({ type: "kubernetes:helm.sh/v3:Release", name: "r", custom: true, inputs: { name: "grafana", chart: "grafana", version: "8.5.1", namespace: "o11y" } });
  expect(state.status).toEqual({ name: "grafana", namespace: "o11y", version: "8.5.1", chart: "grafana", revision: 1, status: "deployed" });
});

test("unknown types echo their inputs; components get no id", () => {
  expect(newResource({ type: "x:y:Z", name: "n", custom: true, inputs: { a: 1 } }).state).toEqual({ a: 1 });
  expect(newResource({ type: "x:y:Z", name: "n", custom: false, inputs: {} }).id).toBeUndefined();
});

test("an invoke without a simulated result fails loudly", () => {
  expect(() => call({ token: "proxmoxve:index/getNodes:getNodes", inputs: {} })).toThrow(
    "plan: no simulated result for invoke proxmoxve:index/getNodes:getNodes",
  );
});
