import { ModeReport } from "../insights/modes";
import { section } from "./format";

/** Which deployment mode the stack runs, and which keys of its stack file override it. */
export function renderMode(m: ModeReport | undefined, stack: string): string[] {
  if (!m) return [];
  const out = section("Deployment mode");
  out.push(`${stack} runs mode ${m.mode}${m.explicit ? "" : ` (implied by environment ${m.environment}: entasis:mode is unset)`}, environment ${m.environment} (README "Deployment modes").`);
  out.push(m.overrides.length === 0 ? "Overrides of the mode: none." : `Overrides of the mode (${m.overrides.length}): ${m.overrides.map((k) => `entasis:${k}`).join(", ")}.`);
  if (m.redundant.length > 0) out.push(`Set to the mode's own value, could be left out (${m.redundant.length}): ${m.redundant.map((k) => `entasis:${k}`).join(", ")}.`);
  out.push(`Keys no mode sets (names, CIDRs, versions, images): ${m.own.length}.`);
  return out;
}
