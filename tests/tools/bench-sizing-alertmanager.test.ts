import { alertmanagerRequestMiB, lastMeasuredPeakMiB } from "../../tools/bench/alertmanager";

/** The Alertmanager sizing default stays above what `npm run bench` measured (issue 11, "Sizing from measurement"). */
test("Alertmanager's default memory request is above its measured peak", () => {
  expect(alertmanagerRequestMiB()).toBeGreaterThan(lastMeasuredPeakMiB);
});
