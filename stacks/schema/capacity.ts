import { connectionBudget } from "../../lib/connectionBudget";
import type { DataConfig } from "./data";
import { ConfigProblem } from "./problems";
import type { WorkloadsConfig } from "./workloads";

/**
 * trading-api at its HPA maximum (plus the rollout surge) must fit its pools into the database:
 * through RDS Proxy into the proxy's share of `max_connections`, or directly into
 * `max_connections` minus the reserved slots (lib/connectionBudget.ts). A config that would
 * exhaust connections at peak is rejected here, before anything is deployed.
 */
export function validateConnectionBudget(workloads: WorkloadsConfig, data: DataConfig, workloadsKey: string, dataKey: string): ConfigProblem[] {
  const pg = data.postgres;
  const b = connectionBudget({
    hpaMaxReplicas: workloads.hpa.maxReplicas,
    poolSizePerPod: workloads.capacity.dbPoolSize,
    maxConnections: pg.maxConnections,
    proxyPercent: pg.proxy.enabled ? pg.proxy.maxConnectionsPercent : undefined,
  });
  if (b.ok) return [];
  const supply = b.proxyPercent !== undefined ? `the ${b.supply} connections RDS Proxy may open (${dataKey}.postgres.maxConnections ${b.maxConnections} x proxy.maxConnectionsPercent ${b.proxyPercent}%)` : `the ${b.supply} connections the database accepts (${dataKey}.postgres.maxConnections ${b.maxConnections} minus ${b.maxConnections - b.supply} reserved)`;
  return [
    {
      key: `${workloadsKey}.hpa.maxReplicas`,
      value: workloads.hpa.maxReplicas,
      problem: `would exhaust the database connection budget: ${b.peakPods} pods (with one of rolling-update surge) x capacity.dbPoolSize ${b.poolSizePerPod} = ${b.demand} connections, more than ${supply}`,
      fix: `use at most ${b.maxHpaReplicas}, lower ${workloadsKey}.capacity.dbPoolSize, or raise ${dataKey}.postgres.maxConnections`,
    },
  ];
}
