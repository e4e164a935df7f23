import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { findResource, type CapturedResource } from ".";

/**
 * A parent like ObservabilityStack: a component carrying the kubernetes provider its children
 * inherit. Create it inside `withMocks`; `testParentUrns` then names it and its provider in what
 * was recorded, so a test can check every resource hangs below it and uses that provider.
 */
export function testParent(name: string): pulumi.ComponentResource {
  const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: "mocked" });
  return new pulumi.ComponentResource("test:index:Parent", name, {}, { providers: { kubernetes: provider } });
}

export function testParentUrns(resources: readonly CapturedResource[], name: string): { parent: string; provider: string } {
  return {
    parent: findResource(resources, "test:index:Parent", name).urn,
    provider: findResource(resources, "pulumi:providers:kubernetes", `${name}-k8s`).urn,
  };
}
