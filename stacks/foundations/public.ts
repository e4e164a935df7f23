/**
 * The foundations layer's public surface: what the program and other stacks may rely on. The
 * FoundationsStack (index.ts) hands out the StorageClass name and this Gateway description;
 * everything else under stacks/foundations/ is internal.
 */
import type { gatewayListeners } from "../../config/foundations-names";

export { envoyGatewayNamespace, gatewayListeners, openebsNamespace } from "../../config/foundations-names";

/** The Gateway other stacks attach routes to. */
export interface FoundationsGateway {
  readonly name: string;
  readonly namespace: string;
  /** Where its proxy pods run (the senders a backend's NetworkPolicy must admit). */
  readonly proxyNamespace: string;
  readonly address: string;
  /** Listener names (route sectionNames). */
  readonly listeners: typeof gatewayListeners;
  /** Hostname of the HTTP(S) listeners, if any. */
  readonly hostname?: string;
  /** True when an HTTPS listener exists (URLs are https://). */
  readonly https: boolean;
}
