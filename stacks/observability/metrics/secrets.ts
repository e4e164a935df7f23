import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { objstoreYaml } from "./objstore";
import { secretKeys, secretNames } from "./names";

/**
 * The Kubernetes Secrets read by name: by the charts (`existingSecret`) and by the operator (the
 * AlertmanagerConfig's Discord `apiURL`).
 * Every value comes from a secret Output and is set as `stringData`, so it never appears in Helm
 * values, ConfigMaps, the plan or logs in plain text.
 */

export interface MetricsSecretsArgs {
  readonly namespace: pulumi.Input<string>;
  readonly thanosBucket: {
    readonly endpoint: string;
    readonly region: string;
    readonly bucket: pulumi.Input<string>;
    readonly accessKey: pulumi.Input<string>;
    readonly secretKey: pulumi.Input<string>;
  };
  readonly discordWebhookUrl: pulumi.Input<string>;
  readonly grafanaAdmin: { readonly user: pulumi.Input<string>; readonly password: pulumi.Input<string> };
}

export function createMetricsSecrets(name: string, args: MetricsSecretsArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret[] {
  const { endpoint, region } = args.thanosBucket;
  // The YAML holds both keys, so it is built inside the secret Outputs and stays one itself.
  const objstore = pulumi
    .all([args.thanosBucket.bucket, args.thanosBucket.accessKey, args.thanosBucket.secretKey])
    .apply(([bucket, accessKey, secretKey]) => objstoreYaml({ endpoint, region, bucket, accessKey, secretKey }));

  const secret = (role: string, secretName: string, stringData: Record<string, pulumi.Input<string>>) =>
    new k8s.core.v1.Secret(
      `${name}-${role}`,
      {
        metadata: { name: secretName, namespace: args.namespace },
        type: "Opaque",
        stringData: Object.fromEntries(Object.entries(stringData).map(([key, value]) => [key, pulumi.secret(value)])),
      },
      opts,
    );

  return [
    secret("thanos-objstore", secretNames.objstore, { [secretKeys.objstore]: objstore }),
    secret("grafana-admin", secretNames.grafanaAdmin, {
      [secretKeys.grafanaUser]: args.grafanaAdmin.user,
      [secretKeys.grafanaPassword]: args.grafanaAdmin.password,
    }),
    secret("alertmanager-discord", secretNames.discord, { [secretKeys.discordWebhookUrl]: args.discordWebhookUrl }),
  ];
}
