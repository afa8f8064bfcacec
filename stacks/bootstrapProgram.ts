import { loadBootstrapConfig } from "./config";
import { BootstrapOutputs, buildBootstrap } from "./bootstrap";

/** The bootstrap program (`bootstrap/index.ts`): config -> runners -> outputs the platform reads. */
export function bootstrapProgram(): BootstrapOutputs {
  return buildBootstrap(loadBootstrapConfig());
}
