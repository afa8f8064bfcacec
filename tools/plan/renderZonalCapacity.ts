import { Leftover } from "../insights/teardown";
import { ZonalCapacityReport } from "../insights/zonalCapacity";
import { section, table } from "./format";

/** Part of the failure-domain view: pods bound to a zone, and whether a lost or replaced node in their zone comes back. */
export function renderZonalCapacity(z: ZonalCapacityReport): string[] {
  const out = ["", `Pods bound to a zone, at the pools' minimum (zones ${z.zones.join(", ")}):`];
  out.push(
    ...table(
      z.checks.map((c) => [
        c.name,
        c.pool,
        String(c.pods),
        [c.volume ? "EBS volume" : "", c.zoneRule ? "zone rule" : "", c.nodeEach ? "node each" : ""].filter((x) => x).join(", "),
        c.zonesWithGroup.join(", ") || "none",
        c.zonesWithNodeAtMin.join(", ") || "none",
        c.problems.length === 0 ? "ok" : c.problems.join("; "),
      ]),
      ["workload", "pool", "pods", "bound by", "node group in", "node at minimum in", "verdict"],
    ),
  );
  out.push(
    z.ok
      ? "Verdict: when one zone's nodes are lost or replaced, every such pod gets a node back in its own zone (a node group per zone; the autoscaler balances them)."
      : `Verdict: NOT OK: ${z.checks.filter((c) => c.problems.length > 0).length} workload(s) can strand in a zone.`,
  );
  return out;
}

/** What `pulumi destroy` of the stack would leave in the account (docs/deploy.md, "Tear down dev"). */
export function renderLeftovers(leftovers: readonly Leftover[], stack: string): string[] {
  return [...section(`What a destroy of ${stack} leaves behind`), ...table(leftovers.map((l) => [l.what, l.why]), ["left behind", "why"])];
}
