import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";

/**
 * YAML from typed objects, never from templates. `lineWidth: 0` keeps long values (base64 PEM,
 * CEL expressions) on one line, exactly as Talos and kubectl write them.
 */
export function toYamlDocuments(documents: readonly unknown[]): string {
  return documents.map((document) => new YAML.Document(document).toString({ lineWidth: 0 })).join("---\n");
}

/**
 * Serialises documents whose leaves may be Outputs. The result is always a secret: machine
 * configs, kubeconfigs and talosconfigs all carry keys, even when a caller forgot to mark one.
 */
export function secretYaml(documents: pulumi.Input<readonly unknown[]>): pulumi.Output<string> {
  return pulumi.secret(pulumi.output(documents).apply((resolved) => toYamlDocuments(resolved)));
}
