import * as age from "age-encryption";
test("age loads", async () => { const id = await age.generateIdentity(); expect(id.startsWith("AGE-SECRET-KEY-1")).toBe(true); });
