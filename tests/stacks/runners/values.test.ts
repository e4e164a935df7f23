import { chartDefaults, chartDirFor, undeclaredValueKeys } from "../../helpers/chart-values";
import { chartImage, labelNames, runnerValues } from "../../../stacks/runners/values";
import { charts, images } from "../../../versions";
import { runnersConfig } from "./config";

// The pinned chart's own values.yaml, from the shared reference folder.
const defaults = chartDefaults(chartDirFor(charts.forgejoRunner)) as Record<string, any>;

const configs = {
  home: runnersConfig("home"),
  lab: runnersConfig("lab"),
  "with a storage class": runnersConfig("home", { dind: { storageClass: "fast-ssd" } }),
};

describe.each(Object.entries(configs))("values for %s", (_name, config) => {
  const values = runnerValues(config) as Record<string, any>;

  it("uses only keys the pinned chart declares", () => {
    expect(undeclaredValueKeys(values, defaults)).toEqual([]);
  });

  it("removes exactly the sample variables the chart injects into every job", () => {
    const sample = defaults.runner.config.file.runner.envs;
    expect(Object.keys(sample).length).toBeGreaterThan(0);
    expect(values.runner.config.file.runner.envs).toEqual(Object.fromEntries(Object.keys(sample).map((k) => [k, null])));
  });
});

// Issue 9 item 6: keys the chart reads only on paths these values switch off (0.4.38 templates:
// jobs.yaml renders the kubectl Job only without existingSecret; serviceaccount.yaml reads
// `automount` only with create: true).
describe("no key that does nothing", () => {
  const values = runnerValues(configs.home) as Record<string, any>;

  it("sets no kubectl image: the chart's registration Job that uses it is never rendered", () => {
    expect(values.runner.config.create).toBe(false);
    expect(values.runner.config.existingSecret).not.toBe("");
    expect(values).not.toHaveProperty("kubectl");
  });

  it("sets no serviceAccount.automount: the chart creates no account to apply it to", () => {
    expect(values.serviceAccount).toEqual({ create: false, name: "forgejo-runner" });
  });
});

describe("the key checker on this chart", () => {
  it("flags a misspelt key, so the test above can fail", () => {
    const values = runnerValues(configs.home) as Record<string, any>;
    const misspelt = { ...values, dind: { ...values.dind, resource: values.dind.resources } };
    expect(undeclaredValueKeys(misspelt, defaults)).toEqual(["dind.resource"]);
  });
});

describe("images", () => {
  const values = runnerValues(configs.home) as Record<string, any>;
  const set = { image: [values.image, images.forgejoRunner], "dind.image": [values.dind.image, images.dind] };

  it.each(Object.entries(set))("%s has the chart's registry/repository/tag shape and names the pin", (key, [image, pin]) => {
    const chartShape = key.split(".").reduce((node: any, k) => node[k], defaults);
    for (const field of Object.keys(image)) expect(Object.keys(chartShape)).toContain(field);
    expect(`${image.registry}/${image.repository}`).toBe(pin.repository);
    expect(image.tag).toBe(pin.tag);
  });

  it("refuses an image without a registry, which the chart would prefix with nothing", () => {
    expect(() => chartImage({ repository: "library/docker", tag: "28-dind" })).toThrow(/must name its registry/);
    expect(chartImage({ repository: "localhost/tools/kubectl", tag: "1" })).toEqual({ registry: "localhost", repository: "tools/kubectl", tag: "1" });
  });
});

describe("labelNames", () => {
  it("keeps the part `runs-on` matches", () => {
    expect(labelNames(["docker:docker://node:20-bookworm", "lxc:host", "plain"])).toEqual(["docker", "lxc", "plain"]);
  });
});
