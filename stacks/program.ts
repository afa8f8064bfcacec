import { loadStackConfig } from "./config";
import { PlatformOutputs, platformOutputs } from "./outputs";
import { buildPlatform } from "./platform";

/** The whole program: config -> composition -> outputs. `index.ts` exports its result. */
export function program(): PlatformOutputs {
  return platformOutputs(buildPlatform(loadStackConfig()));
}
