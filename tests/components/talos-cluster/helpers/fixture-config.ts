import * as path from "node:path";
import { parseStackConfig } from "../../../../config/parse";
import type { PlatformConfig } from "../../../../config/schema";
import { readStackConfigFile } from "../../../../config/stack-file";
import { project, rawStackConfig, type RawConfig } from "../../../helpers/stack-config";

/**
 * A fixture under ./fixtures holds only the proxmox and cluster keys it is about; every other
 * section comes from the home stack, so fixtures don't break when other stacks' config changes.
 */
export function rawFixtureConfig(fixture: string): RawConfig {
  return { ...rawStackConfig("home"), ...readStackConfigFile(path.join(__dirname, "..", "fixtures", `${fixture}.yaml`)) };
}

export function fixtureConfig(fixture: string): PlatformConfig {
  return parseStackConfig(project, rawFixtureConfig(fixture));
}
