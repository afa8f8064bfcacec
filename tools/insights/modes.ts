import { NAMESPACE, ValidatedStackConfig } from "../../stacks/schema/stack";
import { Mode, defaultsFor, overridesOf } from "../../stacks/schema/modes";

/** The deployment mode a stack runs, and how its stack file relates to the mode's preset. */
export interface ModeReport {
  readonly mode: Mode;
  /** False when the file does not set entasis:mode and the environment implies it. */
  readonly explicit: boolean;
  readonly environment: string;
  /** Keys with no default: what no mode can know (names, CIDRs, versions, images). */
  readonly own: readonly string[];
  /** Keys the file sets to another value than its mode's. */
  readonly overrides: readonly string[];
  /** Keys the file sets to its mode's value (could be left out). */
  readonly redundant: readonly string[];
}

function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** From the validated config and the `ns:key` text the program received. */
export function modeOfRun(config: ValidatedStackConfig, raw: Readonly<Record<string, string>>): ModeReport {
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const [ns, key] = k.split(":", 2);
    if (ns === NAMESPACE && key !== undefined && !["environment", "mode", "sleep", "tags"].includes(key) && v !== "[secret]") values[key] = decode(v);
  }
  const sorted = overridesOf(values, defaultsFor(config.environment, config.mode));
  return { mode: config.mode, explicit: config.modeExplicit, environment: config.environment, ...sorted };
}
