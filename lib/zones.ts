/**
 * A pool total split over zones: `total / zones` each, the remainder one each to the first zones
 * in the configured order, so the per-zone node groups add up to exactly the configured total.
 */
export function splitTotal(total: number, zones: readonly string[]): Record<string, number> {
  const base = Math.floor(total / zones.length);
  const rest = total % zones.length;
  return Object.fromEntries(zones.map((z, i) => [z, base + (i < rest ? 1 : 0)]));
}

/** `ap-northeast-2a` -> `a`: the zone's letter, short enough for a node group name prefix. */
export function zoneSuffix(az: string): string {
  return az.replace(/^.*\d/, "");
}
