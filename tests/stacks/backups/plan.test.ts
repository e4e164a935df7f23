import { isSecretAt, runStackPlan, type PlanResult } from "../../helpers";

/**
 * The acceptance check of the backups issue on the whole program: `npm run plan -- --stack home`
 * (and lab) shows the Velero release, the location, the schedules from config and the etcd
 * snapshot job, with the keys secret, and the capacity table counts them; lab is smaller.
 */

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of ["home", "lab"]) plans[stack] = await runStackPlan(stack);
}, 120_000);

const names = (plan: PlanResult, type: string) => plan.resources.filter((r) => r.type === type).map((r) => r.name);

describe.each(["home", "lab"])("the %s plan", (stack) => {
  it("shows Velero, its location, the configured schedules and the etcd snapshot job", () => {
    const plan = plans[stack];
    expect(names(plan, "kubernetes:helm.sh/v3:Release")).toContain("backups-velero");
    expect(names(plan, "kubernetes:velero.io/v1:BackupStorageLocation")).toEqual(["backups-storage-location"]);
    expect(names(plan, "kubernetes:velero.io/v1:Schedule")).toEqual([stack === "home" ? "backups-schedule-daily" : "backups-schedule-nightly"]);
    expect(names(plan, "kubernetes:batch/v1:CronJob")).toEqual(["backups-etcd-snapshot"]);
    expect(plan.outputs.backupSchedules).toEqual([stack === "home" ? "daily" : "nightly"]);
  });

  it("keeps the backup user's keys secret", () => {
    const secret = (name: string) => plans[stack].resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === name)!;
    expect(isSecretAt(secret("backups-velero-credentials").inputs, ["stringData", "cloud"])).toBe(true);
    expect(isSecretAt(secret("backups-etcd-credentials").inputs, ["stringData", "AWS_SECRET_ACCESS_KEY"])).toBe(true);
  });

  it("counts the backup workloads in the capacity table", () => {
    const backups = plans[stack].capacity?.stacks.find((entry) => entry.stack === "backups");
    expect(backups?.workloads.map((w) => w.workload)).toEqual(["velero", "velero-node-agent", "etcd-snapshot"]);
  });
});

it("lab keeps less for a shorter time than home, with smaller pods", () => {
  const spec = (stack: string) => plans[stack].resources.find((r) => r.type === "kubernetes:velero.io/v1:Schedule")!.inputs.spec as { template: { ttl: string } };
  expect(spec("home").template.ttl).toBe("168h0m0s");
  expect(spec("lab").template.ttl).toBe("72h0m0s");
  const cpu = (stack: string) => plans[stack].capacity!.stacks.find((entry) => entry.stack === "backups")!.cpuMillis;
  expect(cpu("lab")).toBeLessThan(cpu("home"));
});
