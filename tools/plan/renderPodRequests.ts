import { PodRequestsReport } from "../insights/podRequests";
import { section, table } from "./format";

const usd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const range = (min: number, max: number, f: (n: number) => string): string => (min === max ? f(min) : `${f(min)}..${f(max)}`);

/** The collectors' and the mesh's pod requests per pool (tools/insights/podRequests.ts). */
export function renderPodRequests(r: PodRequestsReport): string[] {
  const out = section("Pod requests of the collectors and the mesh (on the pools priced above)");
  out.push(
    ...table(
      r.rows.map((x) => [
        x.area,
        x.pool,
        range(x.cpuMillis.min, x.cpuMillis.max, (n) => `${n}m`),
        range(x.memoryMiB.min, x.memoryMiB.max, (n) => `${Math.round(n)}Mi`),
        x.monthlyUsd ? range(x.monthlyUsd.min, x.monthlyUsd.max, usd) : "n/a",
        x.workloads.join(", "),
      ]),
      ["area", "pool", "cpu", "memory", "node cost held / month", "pods"],
    ),
  );
  out.push("", "Node cost held: the requests' share (CPU or memory, the larger) of the pool's node size at its hourly price; per-node agents from the pools' minimum to maximum size. Already inside the node pools' cost above, not added to it.");
  return out;
}
