import { charts } from "../../../versions";
import { chartDefaults, chartDirFor } from "../../helpers/chart-values";

/**
 * The Alertmanager and Prometheus custom resources and the Alertmanager config Secret that the
 * pinned kube-prometheus-stack chart renders from our values, replicated here because the offline
 * plan does not template charts. Each function follows one template of
 * prometheus-community/helm-charts at tag kube-prometheus-stack-88.5.3:
 *   templates/alertmanager/alertmanager.yaml, templates/alertmanager/secret.yaml,
 *   templates/prometheus/prometheus.yaml (the fields that decide what the operator generates).
 * Values are merged over the chart's values.yaml the way Helm does (maps merge, lists and scalars
 * replace, null removes). Keys the templates copy verbatim are listed in `passThrough`.
 */

type Values = Record<string, any>;

export interface KpsRelease {
  /** Helm release name (our Release resource's `name`). */
  readonly name: string;
  readonly namespace: string;
  /** The values we pass (helm/<release>.values.yaml of the plan). */
  readonly values: Values;
}

export function mergeHelmValues(defaults: unknown, overrides: unknown): any {
  if (!isMap(defaults) || !isMap(overrides)) return overrides === undefined ? defaults : overrides;
  const out: Values = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete out[key];
    else out[key] = mergeHelmValues(defaults[key], value);
  }
  return out;
}

function isMap(value: unknown): value is Values {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Helm truthiness: empty strings, maps, lists, false, 0 and null are false. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

function merged(release: KpsRelease): Values {
  return mergeHelmValues(chartDefaults(chartDirFor(charts.kubePrometheusStack)), release.values);
}

/** `kube-prometheus-stack.fullname` (_helpers.tpl): fullnameOverride, else release[-chart], cut to 26 characters. */
export function fullname(release: KpsRelease): string {
  const values = merged(release);
  const trim = (name: string) => name.slice(0, 26).replace(/-+$/, "");
  if (values.fullnameOverride) return trim(values.fullnameOverride);
  const chart = values.nameOverride || "kube-prometheus-stack";
  return trim(release.name.includes(chart) ? release.name : `${release.name}-${chart}`);
}

const labels = (release: KpsRelease, app: string) => ({ app: `kube-prometheus-stack-${app}`, release: release.name, "app.kubernetes.io/managed-by": "Helm" });

function image(spec: Values): string {
  const { registry, repository, tag, sha } = spec.image;
  return `${registry}/${repository}${tag ? `:${tag}` : ""}${sha ? `@sha256:${sha}` : ""}`;
}

function copy(from: Values, keys: readonly string[]): Values {
  return Object.fromEntries(keys.filter((key) => truthy(from[key])).map((key) => [key, from[key]]));
}

/** alertmanagerSpec keys the template copies as they are when set. */
const alertmanagerPassThrough = [
  "serviceName", "nodeSelector", "secrets", "configSecret", "configMaps", "web", "alertmanagerConfiguration",
  "alertmanagerConfigMatcherStrategy", "resources", "routePrefix", "securityContext", "dnsConfig", "dnsPolicy", "storage",
  "persistentVolumeClaimRetentionPolicy", "podMetadata", "tolerations", "topologySpreadConstraints", "containers",
  "initContainers", "priorityClassName", "additionalPeers", "volumes", "volumeMounts", "clusterAdvertiseAddress",
  "clusterGossipInterval", "clusterPeerTimeout", "clusterPushpullInterval", "clusterLabel", "forceEnableClusterMode",
  "minReadySeconds", "podManagementPolicy", "updateStrategy", "terminationGracePeriodSeconds", "schedulerName",
  "hostAliases", "limits", "clusterTLS", "additionalArgs",
] as const;

export function alertmanagerName(release: KpsRelease): string {
  return merged(release).cleanPrometheusOperatorObjectNames ? fullname(release) : `${fullname(release)}-alertmanager`;
}

/** templates/alertmanager/alertmanager.yaml */
export function alertmanagerResource(release: KpsRelease): Values {
  const values = merged(release);
  const am = values.alertmanager;
  const spec: Values = am.alertmanagerSpec;
  const name = alertmanagerName(release);
  const serviceAccount = am.serviceAccount.create ? am.serviceAccount.name || `${fullname(release)}-alertmanager` : am.serviceAccount.name || "default";
  const rendered: Values = {
    image: image(spec),
    imagePullPolicy: spec.image.pullPolicy,
    version: spec.version || spec.image.tag,
    replicas: spec.replicas,
    listenLocal: spec.listenLocal,
    serviceAccountName: serviceAccount,
    automountServiceAccountToken: spec.automountServiceAccountToken,
    externalUrl: spec.externalUrl || `http://${fullname(release)}-alertmanager.${release.namespace}:${am.service.port}`,
    paused: spec.paused,
    logFormat: spec.logFormat,
    logLevel: spec.logLevel,
    retention: spec.retention,
    ...(truthy(am.enableFeatures) ? { enableFeatures: am.enableFeatures } : {}),
    alertmanagerConfigSelector: truthy(spec.alertmanagerConfigSelector) ? spec.alertmanagerConfigSelector : {},
    alertmanagerConfigNamespaceSelector: spec.alertmanagerConfigNamespaceSelector ?? null,
    ...copy(spec, alertmanagerPassThrough),
    portName: spec.portName,
    hostNetwork: spec.hostNetwork,
    ...(typeof spec.hostUsers === "boolean" ? { hostUsers: spec.hostUsers } : {}),
    ...(typeof spec.enableServiceLinks === "boolean" ? { enableServiceLinks: spec.enableServiceLinks } : {}),
    ...(spec.additionalConfig ?? {}),
  };
  if (spec.podAntiAffinity === "soft" || spec.podAntiAffinity === "hard" || truthy(spec.affinity)) {
    const term = {
      topologyKey: spec.podAntiAffinityTopologyKey,
      labelSelector: { matchExpressions: [
        { key: "app.kubernetes.io/name", operator: "In", values: ["alertmanager"] },
        { key: "alertmanager", operator: "In", values: [name] },
      ] },
    };
    rendered.affinity = {
      ...(spec.affinity ?? {}),
      ...(spec.podAntiAffinity === "hard" ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } : {}),
      ...(spec.podAntiAffinity === "soft" ? { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } } : {}),
    };
  }
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "Alertmanager",
    metadata: { name, namespace: release.namespace, labels: labels(release, "alertmanager") },
    spec: rendered,
  };
}

/**
 * templates/alertmanager/secret.yaml: `alertmanager.config` copied verbatim (toYaml, no templating
 * unless tplConfig) into key alertmanager.yaml, plus templateFiles. Returned as stringData; the
 * chart base64-encodes the same text into data.
 */
export function alertmanagerConfigSecret(release: KpsRelease, toYaml: (value: unknown) => string): Values | undefined {
  const values = merged(release);
  const am = values.alertmanager;
  if (am.alertmanagerSpec.useExistingSecret) return undefined;
  if (am.tplConfig) throw new Error("alertmanager.tplConfig renders through Helm's tpl, which this replica does not do");
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `alertmanager-${alertmanagerName(release)}`, namespace: release.namespace, labels: labels(release, "alertmanager") },
    stringData: { "alertmanager.yaml": toYaml(am.config), ...(am.templateFiles ?? {}) },
  };
}

export function prometheusName(release: KpsRelease): string {
  return merged(release).cleanPrometheusOperatorObjectNames ? fullname(release) : `${fullname(release)}-prometheus`;
}

/** templates/prometheus/prometheus.yaml, the fields that decide the StatefulSet and the rule files. */
export function prometheusResource(release: KpsRelease): Values {
  const values = merged(release);
  const spec: Values = values.prometheus.prometheusSpec;
  const selector = (key: string): Values => {
    if (truthy(spec[`${key}Selector`])) return { [`${key}Selector`]: spec[`${key}Selector`] };
    if (spec[`${key}SelectorNilUsesHelmValues`]) return { [`${key}Selector`]: { matchLabels: { release: release.name } } };
    return spec[`${key}Selector`] === undefined || spec[`${key}Selector`] === null ? {} : { [`${key}Selector`]: {} };
  };
  const thanos = truthy(spec.thanos)
    ? {
      thanos: {
        ...(spec.thanos.image ? { image: spec.thanos.image } : {}),
        ...Object.fromEntries(Object.entries(spec.thanos).filter(([key]) => !["image", "objectStorageConfig", "secretProviderClass"].includes(key))),
        ...(spec.thanos.objectStorageConfig?.existingSecret ? { objectStorageConfig: spec.thanos.objectStorageConfig.existingSecret } : {}),
      },
    }
    : {};
  const serviceAccount = values.prometheus.serviceAccount.create ? values.prometheus.serviceAccount.name || `${fullname(release)}-prometheus` : values.prometheus.serviceAccount.name || "default";
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "Prometheus",
    metadata: { name: prometheusName(release), namespace: release.namespace, labels: labels(release, "prometheus") },
    spec: {
      image: image(spec),
      version: spec.version || spec.image.tag,
      replicas: spec.replicas,
      serviceAccountName: serviceAccount,
      ...copy(spec, ["retention", "retentionSize", "resources", "securityContext", "podMetadata"]),
      ...(truthy(spec.storageSpec) ? { storage: spec.storageSpec } : {}),
      ruleNamespaceSelector: truthy(spec.ruleNamespaceSelector) ? spec.ruleNamespaceSelector : {},
      ...selector("rule"),
      ...selector("serviceMonitor"),
      ...selector("podMonitor"),
      ...selector("probe"),
      ...selector("scrapeConfig"),
      ...thanos,
    },
  };
}

/**
 * templates/alertmanager/serviceaccount.yaml and templates/prometheus/serviceaccount.yaml: the
 * ServiceAccounts the generated StatefulSets name (without them the ServiceAccount admission
 * plugin refuses their Pods).
 */
export function serviceAccounts(release: KpsRelease): Values[] {
  const values = merged(release);
  return (["alertmanager", "prometheus"] as const)
    .filter((component) => values[component].enabled !== false && values[component].serviceAccount.create)
    .map((component) => ({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: values[component].serviceAccount.name || `${fullname(release)}-${component}`,
        namespace: release.namespace,
        labels: labels(release, component),
      },
      automountServiceAccountToken: values[component].serviceAccount.automountServiceAccountToken,
    }));
}
