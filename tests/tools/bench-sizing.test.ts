import { lastMeasuredPeakMiB, sizingDefaults } from "../../tools/bench/data";

/** The sizing defaults stay above what `npm run bench` measured (issue 11, "Sizing from measurement"). */
describe("memory requests of the data components vs. the last bench", () => {
  test("VictoriaLogs' default request is above its measured peak", () => {
    expect(sizingDefaults().victoriaLogsMiB).toBeGreaterThan(lastMeasuredPeakMiB.victoriaLogs);
  });

  test("the Thanos default request (each of Query, Store Gateway, Compactor) is above both measured peaks", () => {
    expect(sizingDefaults().thanosMiB).toBeGreaterThan(Math.max(lastMeasuredPeakMiB.thanosQuery, lastMeasuredPeakMiB.thanosStoreGateway));
  });
});
