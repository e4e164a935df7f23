import type { ClusterSecretsBundle } from "../../../../components/talos-cluster/machine-config";

/**
 * A secrets bundle of recognisable plain strings, for the pure machine-config tests: each value
 * names itself, so a test can tell which secret ended up where (and which did not).
 */
export function fakeSecretsBundle(): ClusterSecretsBundle {
  const pair = (name: string) => ({ crt: `${name}-crt`, key: `${name}-key` });
  return {
    clusterId: "cluster-id",
    clusterSecret: "cluster-secret",
    bootstrapToken: "abcdef.0123456789abcdef",
    trustdToken: "ghijkl.0123456789ghijkl",
    secretboxKey: "secretbox-key",
    osCa: pair("os-ca"),
    kubernetesCa: pair("kubernetes-ca"),
    aggregatorCa: pair("aggregator-ca"),
    etcdCa: pair("etcd-ca"),
    serviceAccountKey: "service-account-key",
  };
}

