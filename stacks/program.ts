import { loadStackConfig } from "./config";
import { PlatformOutputs, platformOutputs } from "./outputs";
import { buildPlatform } from "./platform";
import { readRunner } from "./runner";

/**
 * The whole program: config -> composition -> outputs. `index.ts` exports its result. Async only
 * to read the bootstrap stack's outputs as plain values before anything is composed.
 */
export async function program(): Promise<PlatformOutputs> {
  const config = loadStackConfig();
  const runner = config.deploy.bootstrapStack ? await readRunner(config.deploy.bootstrapStack) : undefined;
  return platformOutputs(buildPlatform(config, runner));
}
