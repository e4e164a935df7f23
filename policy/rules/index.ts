import { containerResources } from "./container-resources";
import { namespaceDefaultDeny } from "./default-deny";
import { loadBalancerAddressesInPools, routesAttachToListeners } from "./foundations";
import { noFloatingImages } from "./images";
import { defaultPrivilegedNamespaces, namespacePodSecurity, privilegedNamespaceAllowlist } from "./pod-security";
import { statefulResourcesProtected } from "./protect";
import { helmCredentialsSecret, secretDataFromSecrets } from "./secrets";
import type { Rule, RuleContext } from "./types";

export type { Enforcement, PolicyResource, Rule, RuleContext, Violation } from "./types";

/** Every rule of the pack, in the order violations are reported. */
export const rules: readonly Rule[] = [
  noFloatingImages,
  containerResources,
  namespacePodSecurity,
  privilegedNamespaceAllowlist,
  namespaceDefaultDeny,
  secretDataFromSecrets,
  helmCredentialsSecret,
  statefulResourcesProtected,
  routesAttachToListeners,
  loadBalancerAddressesInPools,
];

export const defaultRuleContext: RuleContext = { privilegedNamespaces: defaultPrivilegedNamespaces };
