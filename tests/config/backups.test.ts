import * as path from "node:path";
import { isConfigError } from "../../config/errors";
import { loadSecrets, missingSecrets } from "../../config/load";
import { parseStackConfig } from "../../config/parse";
import { readStackConfigFile } from "../../config/stack-file";

/** `home-platform:backups`: defaults, the stack files' choices, and one clear line per mistake. */

const root = path.resolve(__dirname, "../..");
const recipient = "age1vn4rxt5lzjva2wxxw07j98lguu97ggtv5gv83zg8p98xg645t4hq70t5p3";

function parseWith(backups: unknown, stack = "home") {
  const raw = readStackConfigFile(path.join(root, `Pulumi.${stack}.yaml`));
  if (backups === undefined) delete raw["home-platform:backups"];
  else raw["home-platform:backups"] = JSON.stringify(backups);
  return parseStackConfig("home-platform", raw);
}

function problems(backups: unknown): string[] {
  try {
    parseWith(backups);
    return [];
  } catch (err) {
    if (isConfigError(err)) return [...err.problems];
    throw err;
  }
}

describe("backups config", () => {
  it("home: daily at 02:00 kept 7 days, etcd every 6 hours to the configured recipient", () => {
    const { backups, timezone } = parseStackConfig("home-platform", readStackConfigFile(path.join(root, "Pulumi.home.yaml")));
    expect(timezone).toBe("America/New_York");
    expect(backups).toMatchObject({
      enabled: true,
      namespace: "velero",
      prefix: "velero",
      schedules: [{ name: "daily", schedule: "0 2 * * *", retention: "7d" }],
      etcd: { enabled: true, namespace: "etcd-backup", prefix: "etcd", schedule: "0 */6 * * *", ageRecipient: recipient },
    });
  });

  it("lab is smaller: 3 days kept, one etcd snapshot a day, smaller pods", () => {
    const { backups } = parseStackConfig("home-platform", readStackConfigFile(path.join(root, "Pulumi.lab.yaml")));
    expect(backups.schedules).toEqual([{ name: "nightly", schedule: "0 3 * * *", retention: "3d" }]);
    expect(backups.etcd.schedule).toBe("30 3 * * *");
    expect(backups.velero.nodeAgentResources.requests).toEqual({ cpu: "50m", memory: "128Mi" });
  });

  it("is off when the section is absent, and `{}` with a recipient gives the defaults", () => {
    expect(parseWith(undefined).backups.enabled).toBe(false);
    expect(parseWith({ etcd: { ageRecipient: recipient } }).backups).toMatchObject({
      enabled: true,
      schedules: [{ name: "daily", schedule: "0 2 * * *", retention: "7d" }],
      s3Cidrs: [],
    });
  });

  it("reports each mistake at its key", () => {
    expect(
      problems({
        prefix: "/velero/",
        schedules: [
          { name: "daily", schedule: "CRON_TZ=UTC 0 2 * * *", retention: "7 days" },
          { name: "weekly", schedule: "0 3 * * 0" },
        ],
        etcd: { ageRecipient: "age1notakey" },
      }).sort(),
    ).toEqual(
      [
        "config error: home-platform:backups.prefix: must be a key prefix like velero or backups/etcd (no leading or trailing '/')",
        'config error: home-platform:backups.schedules[0].schedule: must be a five-field cron expression like "0 2 * * *" (read in home-platform:timezone; no CRON_TZ= prefix)',
        "config error: home-platform:backups.schedules[0].retention: must be a retention like 7d, 36h or 2w",
        "config error: home-platform:backups.etcd.ageRecipient: must be an age X25519 recipient (age1... as age-keygen -y prints it)",
      ].sort(),
    );
  });

  it("rejects duplicate schedules, a missing recipient, overlapping prefixes and a shared namespace", () => {
    expect(
      problems({
        prefix: "backups",
        schedules: [{ name: "daily" }, { name: "daily" }],
        etcd: { prefix: "backups/etcd", namespace: "velero" },
      }).sort(),
    ).toEqual(
      [
        "config error: home-platform:backups.schedules[1].name: duplicates schedules[0].name (daily)",
        "config error: home-platform:backups.etcd.ageRecipient: is required when etcd.enabled (snapshots are never stored unencrypted)",
        'config error: home-platform:backups.etcd.prefix: "backups/etcd" overlaps backups.prefix "backups"; give each its own prefix',
        'config error: home-platform:backups.etcd.namespace: "velero" is already backups.namespace; Velero\'s is privileged, the snapshot job\'s restricted and the only one Talos lets hold os:etcd:backup',
      ].sort(),
    );
  });

  it("rejects a backup namespace another stack already uses", () => {
    expect(problems({ namespace: "monitoring", etcd: { ageRecipient: recipient } })).toEqual([
      'config error: home-platform:backups.namespace: "monitoring" is already observability.namespace; each namespace has one purpose (pod security level, NetworkPolicies), so pick another name',
    ]);
  });

  it("needs no recipient when etcd snapshots are off", () => {
    expect(problems({ etcd: { enabled: false } })).toEqual([]);
  });
});

describe("backup secrets", () => {
  const enabled = { backups: parseWith({ etcd: { ageRecipient: recipient } }).backups, secrets: { file: "secrets/home.sops.yaml" } };
  it("are required in the SOPS file when backups are on", () => {
    expect(missingSecrets("home-platform", enabled, {})).toEqual([
      "config error: home-platform:secrets.file: secrets/home.sops.yaml: backups.accessKey and backups.secretKey are required when home-platform:backups.enabled (the backup workloads' own MinIO user)",
    ]);
  });
  it("are optional when backups are off, and present in both stacks' files", async () => {
    expect(missingSecrets("home-platform", { ...enabled, backups: { ...enabled.backups, enabled: false } }, {})).toEqual([]);
    for (const stack of ["home", "lab"]) {
      const secrets = await loadSecrets("home-platform", { file: `secrets/${stack}.sops.yaml`, ageKeyFile: "secrets/demo-age.key" }, { root, env: {} });
      expect(missingSecrets("home-platform", enabled, secrets)).toEqual([]);
    }
  });
});
