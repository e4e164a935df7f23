import { clusterNode } from "../../../config/schema/cluster";

/** config/schema/cluster.ts: one message per wrong sizing value, naming the floor. */

const node = { name: "n1", vmId: 100, role: "worker", host: "pve01", ip: "192.0.2.10", cores: 2, memoryMiB: 4096, diskGiB: 32 };
const problems = (edit: Record<string, unknown>) => {
  const result = clusterNode.safeParse({ ...node, ...edit });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

test("the base node is valid", () => {
  expect(problems({})).toEqual([]);
});

test.each([
  [{ memoryMiB: -5 }, ["memoryMiB: must be at least 2048 (Talos needs 2 GiB)"]],
  [{ memoryMiB: 0 }, ["memoryMiB: must be at least 2048 (Talos needs 2 GiB)"]],
  [{ memoryMiB: 1024 }, ["memoryMiB: must be at least 2048 (Talos needs 2 GiB)"]],
  [{ memoryMiB: -1.5 }, ["memoryMiB: must be a whole number"]],
  [{ diskGiB: -1 }, ["diskGiB: must be at least 10 (GiB)"]],
  [{ diskGiB: 9 }, ["diskGiB: must be at least 10 (GiB)"]],
  [{ diskGiB: 10.5 }, ["diskGiB: must be a whole number"]],
])("%j gives exactly %j", (edit, expected) => {
  expect(problems(edit)).toEqual(expected);
});

test("the floors themselves are accepted", () => {
  expect(problems({ memoryMiB: 2048, diskGiB: 10 })).toEqual([]);
});
