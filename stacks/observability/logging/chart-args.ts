/**
 * The command line victoria-logs-single renders for the VictoriaLogs server from its values: the
 * one place that knows how values become flags. The live suite starts the real server with exactly
 * these flags (tests/live/victoria-logs), so a value the chart turns into a flag we did not expect
 * shows up there as the server refusing it or behaving differently.
 *
 * Transcribed from the chart at the pinned version (versions.ts `charts.victoriaLogsSingle`,
 * 0.13.9), from VictoriaMetrics/helm-charts:
 * - charts/victoria-logs-single/templates/_helpers.tpl `vlogs.args` (retention, storage path,
 *   extraArgs, and the http / syslog listener lists unless extraArgs names their addresses);
 * - charts/victoria-metrics-common (0.3.15, the chart's locked dependency) templates/_service.tpl
 *   `vm.http.args`, `vl.syslog.args`, `vm.args.positional` and templates/_pod.tpl `vm.args`,
 *   `vm.arg` (one `--key=value` per value, keys sorted, lists repeated, `true` as a bare flag).
 * The license flag (`vm.license.flag`) is left out: it is for the enterprise image, which we do not
 * run, and `victoriaLogsArgs` refuses values that set one. Re-read those templates on a chart bump.
 */

type Values = Record<string, unknown>;

/**
 * Helm's merge of a chart's defaults with user values (coalesce): maps merge key by key, anything
 * else (lists included) is replaced by the user's value, and a user `null` deletes the key.
 */
export function mergeChartValues(defaults: Values, overrides: Values): Values {
  const merged: Values = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(merged[key])) merged[key] = mergeChartValues(merged[key] as Values, value);
    else merged[key] = value;
  }
  return merged;
}

/** `--flag=value` arguments of the `vlogs` container, from the merged values (chart defaults + ours). */
export function victoriaLogsArgs(values: Values): string[] {
  if (licenseSet(values.license) || (isMap(values.global) && licenseSet(values.global.license))) {
    throw new Error("victoriaLogsArgs: license values are not transcribed (enterprise image only)");
  }
  const server = mapAt(values, "server");
  if (empty(server.retentionPeriod) && empty(server.retentionDiskSpaceUsage) && empty(server.retentionMaxDiskUsagePercent)) {
    // The chart's own `fail`, so a values change that drops all three fails here first.
    throw new Error("either server.retentionPeriod, server.retentionDiskSpaceUsage or server.retentionMaxDiskUsagePercent should be defined");
  }
  let args: Values = {};
  if (!empty(server.retentionPeriod)) args.retentionPeriod = server.retentionPeriod;
  if (!empty(server.retentionDiskSpaceUsage)) {
    // Sprig `int`: a whole number means GiB; anything else ("10GiB", "1TB") is passed as it is.
    const gib = typeof server.retentionDiskSpaceUsage === "number" ? Math.trunc(server.retentionDiskSpaceUsage) : 0;
    args["retention.maxDiskSpaceUsageBytes"] = gib !== 0 ? `${gib}GiB` : server.retentionDiskSpaceUsage;
  }
  if (!empty(server.retentionMaxDiskUsagePercent)) args["retention.maxDiskUsagePercent"] = server.retentionMaxDiskUsagePercent;
  args.storageDataPath = mapAt(server, "persistentVolume").mountPath;
  const extraArgs = isMap(server.extraArgs) ? server.extraArgs : {};
  args = { ...args, ...extraArgs };
  if (empty(extraArgs.httpListenAddr)) args = { ...args, ...httpArgs(listAt(server, "http")) };
  if (empty(extraArgs["syslog.listenAddr.tcp"]) && empty(extraArgs["syslog.listenAddr.udp"])) {
    args = { ...args, ...syslogArgs(mapAt(server, "syslog")) };
  }
  return renderArgs(args);
}

/** `vm.http.args`: the listener list as positional flags; one entry must be `primary`. */
function httpArgs(listeners: Values[]): Values {
  if (!listeners.some((listener) => truthy(listener.primary))) throw new Error("at least one item in `http` must have `primary: true`");
  return positional(
    listeners.map((listener, index) => {
      if (empty(listener.value)) throw new Error(`\`value\` is not set for \`http\` idx ${index}`);
      const { name: _name, primary: _primary, value, ...rest } = listener;
      return { ...rest, httpListenAddr: value };
    }),
  );
}

/** `vl.syslog.args`: per protocol (tcp, udp in key order), `value` is the listen address, `tls*` keys are shared, the rest get a `.<protocol>` suffix. */
function syslogArgs(syslog: Values): Values {
  let args: Values = {};
  for (const kind of Object.keys(syslog).sort()) {
    const items = (syslog[kind] as Values[] | undefined ?? []).map((listener, index) => {
      if (empty(listener.value)) throw new Error(`\`value\` is not set for \`syslog.${kind}\` idx ${index}`);
      const item: Values = {};
      for (const [key, value] of Object.entries(listener)) {
        if (key === "name") continue;
        if (key === "value") item[`syslog.listenAddr.${kind}`] = value;
        else if (key.startsWith("tls")) item[`syslog.${key}`] = value;
        else item[`syslog.${key}.${kind}`] = value;
      }
      return item;
    });
    args = { ...args, ...positional(items) };
  }
  return args;
}

/**
 * `vm.args.positional`: each key becomes a list with one slot per listener, so the Nth value of
 * every flag belongs to the Nth listener. Gaps before a set value are filled with "" (false for
 * boolean keys); boolean keys are padded to the listener count; keys with no truthy value vanish.
 */
function positional(items: Values[]): Values {
  const args: Record<string, unknown[]> = {};
  const boolKeys = new Set<string>();
  for (const [index, item] of items.entries()) {
    for (const key of Object.keys(item).sort()) {
      const value = item[key];
      if (typeof value === "boolean") boolKeys.add(key);
      if (!truthy(value) && typeof value !== "boolean") continue;
      const param = args[key] ?? [];
      const gapFill = boolKeys.has(key) ? false : "";
      while (param.length < index) param.push(gapFill);
      param.push(value);
      args[key] = param;
    }
  }
  for (const key of boolKeys) {
    const param = args[key] ?? [];
    while (param.length < items.length) param.push(false);
    args[key] = param;
  }
  for (const [key, param] of Object.entries(args)) if (!param.some(truthy)) delete args[key];
  return args;
}

/** `vm.args` + `vm.arg`: keys in sorted order (Go templates range over maps that way), lists repeated. */
function renderArgs(args: Values): string[] {
  const rendered: string[] = [];
  for (const key of Object.keys(args).sort()) {
    if (key === "") throw new Error("Empty key in command line args is not allowed");
    const value = args[key];
    if (Array.isArray(value)) for (const item of value) rendered.push(renderArg(key, item, true));
    else rendered.push(renderArg(key, value, false));
  }
  return rendered;
}

function renderArg(key: string, value: unknown, inList: boolean): string {
  const dashes = key.length === 1 ? "-" : "--";
  // An empty string outside a list renders the bare key (a positional argument), as the template does.
  if (value === "" && !inList) return key;
  if (String(value) === "true") return `${dashes}${key}`;
  const text = isMap(value) || Array.isArray(value) ? `'${JSON.stringify(value)}'` : String(value);
  return `${dashes}${key}=${text}`;
}

/** Go templates' truthiness (`if`, `with`, sprig `empty` negated). */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/** `vm.license.key` / `vm.license.secret.*`: a key, or a secret (or keyRef) name and key. */
function licenseSet(license: unknown): boolean {
  if (!isMap(license)) return false;
  const ref = (name: string) => (isMap(license[name]) ? (license[name] as Values) : {});
  return truthy(license.key) || [ref("secret"), ref("keyRef")].some((r) => truthy(r.name) || truthy(r.key));
}

function empty(value: unknown): boolean {
  return !truthy(value);
}

function isMap(value: unknown): value is Values {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mapAt(values: Values, key: string): Values {
  const value = values[key];
  if (!isMap(value)) throw new Error(`victoriaLogsArgs: values have no map at ${key}`);
  return value;
}

function listAt(values: Values, key: string): Values[] {
  const value = values[key];
  if (!Array.isArray(value)) throw new Error(`victoriaLogsArgs: values have no list at ${key}`);
  return value as Values[];
}
