import type { Environment } from "./defaults";

/** What an area validator may look at besides its own values (stack.ts builds it; the area schemas read it). */
export interface AreaContext {
  readonly region: string;
  readonly environment: Environment;
  /** False when entasis:environment is unknown and `environment` is prod only as the strictest fallback. */
  readonly environmentKnown?: boolean;
  readonly stack: string;
  /** True for `pulumi up` (see RawStackConfig.deploying). */
  readonly deploying: boolean;
}
