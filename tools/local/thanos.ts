import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { sharedDir } from "../shared-path";
import { charts } from "../../versions";
import { mergeChartValues } from "../../stacks/observability/logging/chart-args";
import { freePort, httpOk, startServer, type LocalServer } from "./process";

/**
 * Thanos Query and Store Gateway on loopback with the arguments the pinned stevehipwell `thanos`
 * chart (1.24.1) renders from our values: templates/query/deployment.yaml and
 * templates/store-gateway/statefulset.yaml `args`. Locally, addresses are 127.0.0.1 with free
 * ports, and Query's in-cluster DNS SRV endpoints (the chart's own store gateway and our
 * sidecar discovery Service) become the local store gateway's gRPC address. Query, Store Gateway
 * and Compact are transcribed (the components our values enable).
 */

type Values = Record<string, any>;

export function thanosChartValues(ours: Values): Values {
  const pin = charts.thanos;
  const file = sharedDir("reference", "charts", `${pin.chart}-${pin.version}`, "values.yaml");
  return mergeChartValues(YAML.parse(fs.readFileSync(file, "utf8")) as Values, ours);
}

function gomemlimitArgs(values: Values): string[] {
  if (!values.autoGomemlimit?.enabled) return [];
  return ["--enable-auto-gomemlimit", ...(values.autoGomemlimit.ratio ? [`--auto-gomemlimit.ratio=${values.autoGomemlimit.ratio}`] : [])];
}

/** Query's args; `endpoints` replaces every endpoint the chart would render (DNS SRV names in the cluster). */
export function queryArgs(values: Values, local: { grpc: number; http: number; endpoints: readonly string[] }): string[] {
  const replicaLabels = [
    ...values.additionalReplicaLabels,
    ...values.query.replicaLabels,
    ...(values.rule.enabled ? ["rule_replica"] : []),
    ...(values.receive.enabled ? ["receive_replica"] : []),
  ];
  return [
    "query",
    `--log.level=${values.logLevel}`,
    `--log.format=${values.logFormat}`,
    `--grpc-address=127.0.0.1:${local.grpc}`,
    `--http-address=127.0.0.1:${local.http}`,
    ...gomemlimitArgs(values),
    ...[...new Set(replicaLabels)].map((label) => `--query.replica-label=${label}`),
    ...local.endpoints.map((endpoint) => `--endpoint=${endpoint}`),
    ...(values.query.extraArgs ?? []),
  ];
}

export function storeArgs(values: Values, local: { grpc: number; http: number; dataDir: string; objstoreFile: string }): string[] {
  return [
    "store",
    `--log.level=${values.logLevel}`,
    `--log.format=${values.logFormat}`,
    `--grpc-address=127.0.0.1:${local.grpc}`,
    `--http-address=127.0.0.1:${local.http}`,
    `--data-dir=${local.dataDir}`,
    `--objstore.config-file=${local.objstoreFile}`,
    ...gomemlimitArgs(values),
    ...(values.storeGateway.extraArgs ?? []),
  ];
}

/**
 * The compactor's args (templates/compact/statefulset.yaml). `--wait` (run forever) is left out
 * locally so one pass runs and exits; everything else, our retention flags included, is kept.
 */
export function compactArgs(values: Values, local: { http: number; dataDir: string; objstoreFile: string }): string[] {
  const dedup = values.compact.deduplication ?? {};
  const replicaLabels = [
    ...values.additionalReplicaLabels,
    ...(values.rule.enabled ? ["rule_replica"] : []),
    ...(values.receive.enabled ? ["receive_replica"] : []),
  ];
  return [
    "compact",
    `--log.level=${values.logLevel}`,
    `--log.format=${values.logFormat}`,
    `--http-address=127.0.0.1:${local.http}`,
    `--data-dir=${local.dataDir}`,
    `--objstore.config-file=${local.objstoreFile}`,
    ...gomemlimitArgs(values),
    ...(dedup.enabled
      ? [
          "--compact.enable-vertical-compaction",
          ...[...new Set(replicaLabels)].map((label) => `--deduplication.replica-label=${label}`),
          ...(dedup.func ? [`--deduplication.func=${dedup.func}`] : values.compact.replicaDeduplication ? ["--deduplication.func=penalty"] : []),
        ]
      : []),
    ...(values.compact.extraArgs ?? []),
  ];
}

export interface LocalThanos {
  readonly store: LocalServer;
  readonly query: LocalServer;
  /** Query's HTTP API, http://127.0.0.1:<port> */
  readonly queryUrl: string;
  stop(): Promise<void>;
}

/** Store gateway (reading the bucket through `objstoreFile`) and Query in front of it. */
export async function startThanos(options: {
  binary: string;
  values: Values;
  objstoreFile: string;
  workDir: string;
  lifetimeSeconds: number;
}): Promise<LocalThanos> {
  const values = thanosChartValues(options.values);
  const [storeGrpc, storeHttp, queryGrpc, queryHttp] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const store = await startServer({
    name: "thanos store",
    binary: options.binary,
    args: storeArgs(values, { grpc: storeGrpc, http: storeHttp, dataDir: path.join(options.workDir, "store"), objstoreFile: options.objstoreFile }),
    lifetimeSeconds: options.lifetimeSeconds,
    ready: () => httpOk(`http://127.0.0.1:${storeHttp}/-/ready`),
    readyTimeoutMs: 120_000,
  });
  const queryUrl = `http://127.0.0.1:${queryHttp}`;
  let query: LocalServer;
  try {
    query = await startServer({
      name: "thanos query",
      binary: options.binary,
      args: queryArgs(values, { grpc: queryGrpc, http: queryHttp, endpoints: [`127.0.0.1:${storeGrpc}`] }),
      lifetimeSeconds: options.lifetimeSeconds,
      ready: () => httpOk(`${queryUrl}/-/ready`),
    });
  } catch (err) {
    await store.stop();
    throw err;
  }
  return {
    store,
    query,
    queryUrl,
    stop: async () => {
      await query.stop();
      await store.stop();
    },
  };
}
