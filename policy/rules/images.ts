import { helmReleaseTypes, isWorkload, workloadContainers } from "./kubernetes";
import { isRecord, type ResourceRule, type Violation } from "./types";

/**
 * `no-floating-images` (mandatory): every image we name is pinned. An unpinned image changes
 * under the same plan: `latest` (or no tag, which means latest) pulls whatever was pushed last.
 * A digest pins too. Checked: the containers of Kubernetes workloads we declare, and in Helm
 * values every `image` (or `*Image`) we set, as a string or a `{repository, tag, digest}` map.
 */

/** Why `reference` is not pinned, or undefined when it is. */
export function imageReferenceProblem(reference: string): string | undefined {
  if (reference.includes("@sha256:")) return undefined;
  const name = reference.slice(reference.lastIndexOf("/") + 1);
  const colon = name.indexOf(":");
  if (colon === -1) return `image "${reference}" has no tag, which means latest`;
  const tag = name.slice(colon + 1);
  if (tag === "" || tag === "latest") return `image "${reference}" uses the latest tag`;
  return undefined;
}

function helmImageProblem(path: string, image: unknown): string | undefined {
  if (typeof image === "string") {
    const problem = imageReferenceProblem(image);
    return problem && `${path}: ${problem}`;
  }
  if (!isRecord(image)) return undefined;
  const { repository, tag, digest, override } = image;
  if (typeof override === "string") {
    const problem = imageReferenceProblem(override);
    return problem && `${path}.override: ${problem}`;
  }
  if (typeof digest === "string" && digest !== "") return undefined;
  if (tag !== undefined && tag !== null) {
    const text = String(tag);
    return text === "" || text === "latest" ? `${path}.tag is "${text}": pin a version` : undefined;
  }
  if (typeof repository === "string" && imageReferenceProblem(repository) !== undefined) {
    // The chart's default tag belongs to the chart's own image, not to a repository we swapped in.
    return `${path}.repository is set without ${path}.tag: pin the tag of the image you chose`;
  }
  return undefined;
}

function walkHelmValues(value: unknown, path: string, found: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walkHelmValues(item, `${path}[${index}]`, found));
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (key === "image" || /Image$/.test(key)) {
      const problem = helmImageProblem(itemPath, item);
      if (problem) found.push(problem);
      if (!isRecord(item)) continue;
    }
    walkHelmValues(item, itemPath, found);
  }
}

export const noFloatingImages: ResourceRule = {
  kind: "resource",
  name: "no-floating-images",
  description: "Images in our workloads and Helm values are pinned to a tag other than latest, or a digest.",
  enforcement: "mandatory",
  check(resource): Violation[] {
    if (isWorkload(resource)) {
      return workloadContainers(resource).flatMap(({ where, spec }) => {
        const image = spec.image;
        if (typeof image !== "string") return [{ message: `${where} names no image` }];
        const problem = imageReferenceProblem(image);
        return problem ? [{ message: `${where}: ${problem}` }] : [];
      });
    }
    if (helmReleaseTypes.has(resource.type)) {
      const found: string[] = [];
      walkHelmValues(resource.inputs.values, "values", found);
      return found.map((message) => ({ message }));
    }
    return [];
  },
};
