import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { base64, type CertificateAuthority, privateKey, talosKeyPem } from "./secrets";
import { secretYaml } from "./serialize";

/**
 * Admin credentials built in the program from the cluster CAs, not fetched with talosctl: they
 * exist before any node does (so previews show them), and they never touch the disk.
 */

/** A year, like Talos's own admin credentials; renewed a month before expiry by `pulumi up`. */
const clientValidityHours = 8_760;
const clientEarlyRenewalHours = 720;

interface ClientCertificate {
  readonly certPem: pulumi.Output<string>;
  readonly keyPem: pulumi.Output<string>;
}

/** A client certificate for `organization` (the group RBAC checks), signed by `ca`. */
function clientCertificate(name: string, ca: CertificateAuthority, organization: string, opts: pulumi.CustomResourceOptions): ClientCertificate {
  const key = privateKey(`${name}-key`, ca.algorithm, opts);
  const request = new tls.CertRequest(
    `${name}-csr`,
    { privateKeyPem: key.privateKeyPem, subject: { organization, commonName: "admin" } },
    opts,
  );
  const cert = new tls.LocallySignedCert(
    name,
    {
      certRequestPem: request.certRequestPem,
      caCertPem: ca.certPem,
      caPrivateKeyPem: ca.keyPem,
      validityPeriodHours: clientValidityHours,
      earlyRenewalHours: clientEarlyRenewalHours,
      allowedUses: ["digital_signature", "client_auth"],
    },
    opts,
  );
  return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem) };
}

export interface KubeconfigInput {
  readonly clusterName: string;
  /** `https://<endpoint>:6443`. */
  readonly server: string;
  readonly caCertPem: pulumi.Input<string>;
  readonly clientCertPem: pulumi.Input<string>;
  readonly clientKeyPem: pulumi.Input<string>;
}

/** A kubeconfig with one cluster, user and context, named like `talosctl kubeconfig` names them. */
export function kubeconfigDocument(input: KubeconfigInput) {
  const user = `admin@${input.clusterName}`;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: input.clusterName,
        cluster: { server: input.server, "certificate-authority-data": pulumi.output(input.caCertPem).apply(base64) },
      },
    ],
    users: [
      {
        name: user,
        user: {
          "client-certificate-data": pulumi.output(input.clientCertPem).apply(base64),
          "client-key-data": pulumi.secret(pulumi.output(input.clientKeyPem).apply(base64)),
        },
      },
    ],
    contexts: [{ name: user, context: { cluster: input.clusterName, user, namespace: "default" } }],
    "current-context": user,
  };
}

export interface TalosconfigInput {
  readonly context: string;
  /** Control-plane addresses; never the VIP, which depends on the health of etcd. */
  readonly endpoints: readonly string[];
  /** Default targets when `--nodes` is not given. */
  readonly nodes: readonly string[];
  readonly caCertPem: pulumi.Input<string>;
  readonly clientCertPem: pulumi.Input<string>;
  readonly clientKeyPem: pulumi.Input<string>;
  readonly keyAlgorithm: CertificateAuthority["algorithm"];
}

export function talosconfigDocument(input: TalosconfigInput) {
  return {
    context: input.context,
    contexts: {
      [input.context]: {
        endpoints: [...input.endpoints],
        nodes: [...input.nodes],
        ca: pulumi.output(input.caCertPem).apply(base64),
        crt: pulumi.output(input.clientCertPem).apply(base64),
        key: pulumi.secret(pulumi.output(input.clientKeyPem).apply((pem) => base64(talosKeyPem(pem, input.keyAlgorithm)))),
      },
    },
  };
}

export interface AdminCredentialsArgs {
  readonly clusterName: string;
  readonly server: string;
  readonly endpoints: readonly string[];
  readonly nodes: readonly string[];
  readonly osCa: CertificateAuthority;
  readonly kubernetesCa: CertificateAuthority;
}

export interface AdminCredentials {
  readonly kubeconfig: pulumi.Output<string>;
  readonly talosconfig: pulumi.Output<string>;
}

export function createAdminCredentials(name: string, args: AdminCredentialsArgs, parent: pulumi.Resource): AdminCredentials {
  const opts = { parent };
  // Kubernetes grants system:masters full access; Talos grants os:admin full API access.
  const kubernetesAdmin = clientCertificate(`${name}-kubernetes-admin`, args.kubernetesCa, "system:masters", opts);
  const talosAdmin = clientCertificate(`${name}-talos-admin`, args.osCa, "os:admin", opts);
  const kubeconfig = kubeconfigDocument({
    clusterName: args.clusterName,
    server: args.server,
    caCertPem: args.kubernetesCa.certPem,
    clientCertPem: kubernetesAdmin.certPem,
    clientKeyPem: kubernetesAdmin.keyPem,
  });
  const talosconfig = talosconfigDocument({
    context: args.clusterName,
    endpoints: args.endpoints,
    nodes: args.nodes,
    caCertPem: args.osCa.certPem,
    clientCertPem: talosAdmin.certPem,
    clientKeyPem: talosAdmin.keyPem,
    keyAlgorithm: args.osCa.algorithm,
  });
  return { kubeconfig: secretYaml([kubeconfig]), talosconfig: secretYaml([talosconfig]) };
}

/**
 * The Kubernetes provider's `clusterIdentifier`: the cluster's identity is its CA, so the
 * identifier is the SHA-256 of the Kubernetes CA certificate (public; no secret in it).
 *
 * Why it exists (pulumi-kubernetes provider/pkg/provider/provider.go `DiffConfig`): without it, the
 * provider is replaced whenever `kubeconfig` is unknown in a preview, or when the kubeconfig's
 * active cluster entry (server, CA data) differs; a replaced provider replaces every resource on
 * it. With an identifier that is known and unchanged, DiffConfig clears every replacement (an
 * update only); only a changed identifier replaces the provider. The admin client certificate is
 * renewed every eleven months (earlyRenewalHours), which makes the kubeconfig unknown in that
 * preview; the CA lives ten years and is protected, so the identifier stays known and equal.
 */
export function kubernetesClusterIdentifier(kubernetesCaCertPem: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(kubernetesCaCertPem).apply((pem) => `kubernetes-ca-sha256:${createHash("sha256").update(pem.trim()).digest("hex")}`);
}
