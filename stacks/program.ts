import { loadStackConfig } from "./config";
import { PlatformOutputs, platformOutputs } from "./outputs";
import { buildPlatform } from "./platform";
import { readRunner } from "./runner";
import { readReplicationSources } from "./failover";

/**
 * The whole program: config -> composition -> outputs. `index.ts` exports its result. Async only
 * to read the bootstrap stack's outputs as plain values before anything is composed.
 */
export async function program(): Promise<PlatformOutputs> {
  const config = loadStackConfig();
  const runner = config.deploy.bootstrapStack ? await readRunner(config.deploy.bootstrapStack) : undefined;
  // A failover standby reads its replication sources from the primary's Pulumi state.
  const primaryStack = config.failover?.role === "standby" ? config.failover.primaryStack : undefined;
  const sources = primaryStack !== undefined ? await readReplicationSources(primaryStack) : undefined;
  return platformOutputs(buildPlatform(config, runner, sources));
}
