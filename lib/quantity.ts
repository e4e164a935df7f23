/**
 * Kubernetes quantities and the durations Prometheus, Thanos and VictoriaLogs read, parsed in one
 * place. The config schemas validate with these, the capacity report adds up with them and the
 * PrometheusRule builder checks `for` with them, so "what counts as 512Mi" has one answer.
 * Every parser returns undefined for text that is not what it expects; callers say what they
 * expected in their own words (a config key, an alert name).
 */

const cpuPattern = /^(\d+(?:\.\d+)?)(m?)$/;
/** Binary and decimal suffixes the kubelet and charts accept for memory (`Ki`…`Ti`, `K`…`T`, bytes). */
const memoryPattern = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;
/** The subset config asks for: binary units only, so a size always reads the way the kubelet shows it. */
const binarySizePattern = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/;
const memoryFactorsToMiB: Record<string, number> = {
  "": 1 / (1024 * 1024),
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
  K: 1000 / (1024 * 1024),
  M: 1000 ** 2 / 1024 ** 2,
  G: 1000 ** 3 / 1024 ** 2,
  T: 1000 ** 4 / 1024 ** 2,
};

/** Kubernetes CPU quantity ("250m", "2", "0.5") in millicores; undefined when it is not one. */
export function cpuToMillis(quantity: string): number | undefined {
  const match = cpuPattern.exec(quantity.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2] === "m" ? value : value * 1000;
}

/** Kubernetes memory quantity ("512Mi", "2Gi", "1G") in MiB; undefined when it is not one. */
export function memoryToMiB(quantity: string): number | undefined {
  const match = memoryPattern.exec(quantity.trim());
  if (!match) return undefined;
  return Number(match[1]) * memoryFactorsToMiB[match[2] ?? ""];
}

/** A size in binary units exactly as written ("50Gi", no spaces, no decimal suffixes) in MiB; undefined otherwise. */
export function binarySizeToMiB(quantity: string): number | undefined {
  const match = binarySizePattern.exec(quantity);
  if (!match) return undefined;
  return Number(match[1]) * memoryFactorsToMiB[match[2]];
}

/** CPU exactly as written ("250m", "2", no spaces) in millicores; undefined otherwise. */
export function strictCpuToMillis(quantity: string): number | undefined {
  return cpuPattern.test(quantity) ? cpuToMillis(quantity) : undefined;
}

const hoursPerUnit: Record<string, number> = { s: 1 / 3600, m: 1 / 60, h: 1, d: 24, w: 168, y: 8760 };

/**
 * A retention period with one unit, as Prometheus, Thanos and VictoriaLogs all spell it ("14d",
 * "12h", "2y"), in hours; undefined when it is not one.
 */
export function retentionToHours(value: string): number | undefined {
  const match = /^(\d+)(s|m|h|d|w|y)$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * hoursPerUnit[match[2]];
}

/** Prometheus' duration syntax as the PrometheusRule CRD accepts it (units largest first, "0" alone). */
const prometheusDurationPattern = /^(0|(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?)$/;

/** True for a duration Prometheus accepts in a rule's `for` or `keep_firing_for` ("5m", "1h30m", "0"). */
export function isPrometheusDuration(value: string): boolean {
  return value !== "" && prometheusDurationPattern.test(value);
}
