/**
 * What prometheus-operator v0.93 does with Alertmanager configuration, written down from its
 * source so tests can hold our objects to it without a cluster.
 *
 * 1. `unknownOperatorKeys(config)`: the operator loads a raw Alertmanager config (the chart's
 *    config Secret) with `yaml.UnmarshalStrict` into its own structs (pkg/alertmanager/types.go,
 *    amcfg.go alertmanagerConfigFromBytes), so any key those structs lack rejects the whole
 *    config. This is the field set of those structs, as far as a config can reach them; a key
 *    leading into a struct not written down here is reported as "not modelled" rather than passed.
 *
 * 2. `generatedConfig(amc, global, secrets)`: how the operator turns the *global*
 *    AlertmanagerConfig (alertmanagerSpec.alertmanagerConfiguration) into the Alertmanager config
 *    it writes (amcfg.go initializeFromAlertmanagerConfig, convertRoute, convertReceiver,
 *    convertDiscordConfig, convertInhibitRule, convertMatchersV2; v1alpha1 Matcher.String):
 *    receiver names become `<namespace>/<name>/<receiver>`, matchers `name<op>"value"`, no
 *    namespace matcher is added, Discord's `apiURL` Secret key becomes `webhook_url`.
 *
 * 3. `operatorRejections(amc)`: the semantic checks the operator runs on an AlertmanagerConfig
 *    before using it (validation/v1alpha1 ValidateAlertmanagerConfig: unique receivers, every
 *    route's receiver defined, no duplicate groupBy; amcfg.go checkAlertmanagerConfigRootRoute:
 *    the root route has a receiver and no matchers or continue).
 */

type Fields = Readonly<Record<string, string | null>>;

const proxy: Fields = { proxy_url: null, no_proxy: null, proxy_from_environment: null, proxy_connect_header: null };
const tls: Fields = { ca_file: null, cert_file: null, key_file: null, server_name: null, insecure_skip_verify: null, min_version: null, max_version: null };

/** struct name -> yaml key -> struct of the value (lists of structs included), null for a leaf. */
const structs: Readonly<Record<string, Fields>> = {
  alertmanagerConfig: {
    global: "globalConfig",
    route: "route",
    inhibit_rules: "inhibitRule",
    receivers: "receiver",
    mute_time_intervals: "timeInterval",
    time_intervals: "timeInterval",
    templates: null,
  },
  globalConfig: {
    http_config: "httpClientConfig",
    smtp_tls_config: "tlsConfig",
    ...Object.fromEntries(
    [
      "resolve_timeout", "smtp_from", "smtp_hello", "smtp_smarthost", "smtp_auth_username", "smtp_auth_password",
      "smtp_auth_password_file", "smtp_auth_secret", "smtp_auth_secret_file", "smtp_auth_identity", "smtp_require_tls",
      "smtp_force_implicit_tls", "slack_api_url", "slack_api_url_file", "pagerduty_url", "hipchat_api_url",
      "hipchat_auth_token", "opsgenie_api_url", "opsgenie_api_key", "opsgenie_api_key_file", "wechat_api_url",
      "wechat_api_secret", "wechat_api_corp_id", "victorops_api_url", "victorops_api_key", "victorops_api_key_file",
      "telegram_api_url", "telegram_bot_token", "telegram_bot_token_file", "webex_api_url", "jira_api_url",
      "rocketchat_api_url", "rocketchat_token", "rocketchat_token_file", "rocketchat_token_id", "rocketchat_token_id_file",
      "slack_app_token", "slack_app_token_file", "slack_app_url", "wechat_api_secret_file", "mattermost_webhook_url",
      "mattermost_webhook_url_file",
    ].map((key): [string, string | null] => [key, null]),
    ),
  },
  route: {
    receiver: null, group_by: null, match: null, match_re: null, matchers: null, continue: null, routes: "route",
    group_wait: null, group_interval: null, repeat_interval: null, mute_time_intervals: null, active_time_intervals: null,
  },
  inhibitRule: { target_match: null, target_match_re: null, target_matchers: null, source_match: null, source_match_re: null, source_matchers: null, equal: null },
  receiver: {
    name: null,
    // Only Discord is written down field by field; the others lead to "not modelled".
    discord_configs: "discordConfig",
    ...Object.fromEntries(
      ["opsgenie", "pagerduty", "slack", "webhook", "wechat", "email", "pushover", "victorops", "sns", "telegram", "webex", "msteams", "msteamsv2", "jira", "rocketchat", "mattermost", "incidentio"].map(
        (kind) => [`${kind}_configs`, `${kind}Config`],
      ),
    ),
  },
  // No webhook_url_file: the operator's struct has no such field (Alertmanager itself does, since 0.27).
  discordConfig: { send_resolved: null, http_config: "httpClientConfig", webhook_url: null, title: null, message: null, content: null, username: null, avatar_url: null },
  httpClientConfig: {
    authorization: "authorization", basic_auth: "basicAuth", oauth2: "oauth2", bearer_token: null, bearer_token_file: null,
    tls_config: "tlsConfig", follow_redirects: null, enable_http2: null, http_headers: null, ...proxy,
  },
  tlsConfig: tls,
  authorization: { type: null, credentials: null, credentials_file: null },
  basicAuth: { username: null, password: null, password_file: null },
  oauth2: { client_id: null, client_secret: null, client_secret_file: null, scopes: null, token_url: null, endpoint_params: null, ...proxy, tls_config: "tlsConfig" },
};

/** Paths of keys the operator's structs do not have (or that lead into structs not modelled here). */
export function unknownOperatorKeys(config: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, struct: string, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, struct, `${path}[${i}]`));
      return;
    }
    const fields = structs[struct];
    if (!fields) {
      found.push(`${path} (${struct}: not modelled)`);
      return;
    }
    if (typeof node !== "object" || node === null) {
      found.push(`${path}: expected a mapping for ${struct}`);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      const child = path ? `${path}.${key}` : key;
      if (!(key in fields)) found.push(child);
      else if (fields[key] !== null && value !== null && value !== undefined) walk(value, fields[key] as string, child);
    }
  };
  walk(config, "alertmanagerConfig", "");
  return found;
}

interface Matcher {
  readonly name: string;
  readonly value?: string;
  readonly matchType?: string;
}
interface CrRoute {
  readonly receiver?: string;
  readonly groupBy?: readonly string[];
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
  readonly matchers?: readonly Matcher[];
  readonly continue?: boolean;
  readonly routes?: readonly CrRoute[];
}
interface CrReceiver {
  readonly name: string;
  readonly discordConfigs?: readonly { readonly apiURL: { readonly name: string; readonly key: string }; readonly sendResolved?: boolean }[];
}
interface Amc {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: {
    readonly route?: CrRoute;
    readonly receivers?: readonly CrReceiver[];
    readonly inhibitRules?: readonly { readonly sourceMatch?: readonly Matcher[]; readonly targetMatch?: readonly Matcher[]; readonly equal?: readonly string[] }[];
  };
}

/** Matcher.String(): name, operator, value in double quotes (all our matchers carry a matchType). */
function matcherString(m: Matcher): string {
  if (!m.matchType) throw new Error(`matcher ${m.name} has no matchType: the operator would use the deprecated regex/equality form`);
  return `${m.name}${m.matchType}"${(m.value ?? "").replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;
}

/** Secret contents by `<secret>/<key>`, as the operator's store would read them. */
export type SecretStore = Readonly<Record<string, string>>;

/** The Alertmanager config the operator generates from the global AlertmanagerConfig. */
export function generatedConfig(amc: Amc, global: { resolveTimeout?: string }, secrets: SecretStore): Record<string, unknown> {
  const prefix = (name: string | undefined) => (name ? `${amc.metadata.namespace}/${amc.metadata.name}/${name}` : undefined);
  const route = (r: CrRoute): Record<string, unknown> =>
    compact({
      receiver: prefix(r.receiver),
      group_by: r.groupBy,
      matchers: r.matchers?.map(matcherString),
      continue: r.continue || undefined,
      routes: r.routes?.map(route),
      group_wait: r.groupWait,
      group_interval: r.groupInterval,
      repeat_interval: r.repeatInterval,
    });
  const receiver = (r: CrReceiver): Record<string, unknown> => {
    const others = Object.keys(r).filter((key) => key !== "name" && key !== "discordConfigs");
    if (others.length > 0) throw new Error(`receiver ${r.name}: ${others.join(", ")} not modelled`);
    return compact({
      name: prefix(r.name),
      discord_configs: r.discordConfigs?.map((d) => {
        const url = secrets[`${d.apiURL.name}/${d.apiURL.key}`];
        if (url === undefined) throw new Error(`Secret ${d.apiURL.name} key ${d.apiURL.key} not found: the operator rejects the config`);
        return compact({ send_resolved: d.sendResolved, webhook_url: url });
      }),
    });
  };
  return compact({
    global: global.resolveTimeout ? { resolve_timeout: global.resolveTimeout } : undefined,
    route: amc.spec.route ? route(amc.spec.route) : undefined,
    inhibit_rules: amc.spec.inhibitRules?.map((rule) =>
      compact({ source_matchers: rule.sourceMatch?.map(matcherString), target_matchers: rule.targetMatch?.map(matcherString), equal: rule.equal }),
    ),
    receivers: amc.spec.receivers?.map(receiver),
    templates: [],
  });
}

/** Why the operator would refuse this AlertmanagerConfig as its global config; [] when it would not. */
export function operatorRejections(amc: Amc): string[] {
  const problems: string[] = [];
  const names = (amc.spec.receivers ?? []).map((r) => r.name);
  for (const name of new Set(names)) if (names.filter((n) => n === name).length > 1) problems.push(`"${name}" receiver is not unique`);
  const root = amc.spec.route;
  if (!root) return [...problems, "root route must exist"];
  if (!root.receiver) problems.push("root route must define a receiver");
  if ((root.matchers ?? []).length > 0) problems.push("'matchers' not permitted on root route");
  if (root.continue) problems.push("cannot have continue in root route");
  const visit = (r: CrRoute, path: string): void => {
    if (r.receiver && !names.includes(r.receiver)) problems.push(`${path}: receiver "${r.receiver}" not found`);
    if (r.groupBy && new Set(r.groupBy).size !== r.groupBy.length) problems.push(`${path}: duplicate values in groupBy`);
    r.routes?.forEach((child, i) => visit(child, `${path}.routes[${i}]`));
  };
  visit(root, "route");
  return problems;
}

function compact(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
