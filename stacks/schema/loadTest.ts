import { z } from "zod";
import { SHAPE_NAMES } from "../../components/loadtest/shapes";
import { podRoomOnSmallest } from "../../lib/instanceTypes";
import type { ClusterConfig } from "./cluster";
import { ConfigProblem, issue } from "./problems";

const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** CPU a Locust worker requests (one gevent loop uses one core) and what the master requests, millicores. */
export const WORKER_CPU_MILLIS = 1000;
export const MASTER_CPU_MILLIS = 500;

/** `entasis:loadTest`: Locust against trading-api through the ALB. */
export const loadTestSchema = z.strictObject({
  /** Deploy the load-testing capability. Default true (dev) / false (prod). */
  enabled: z.boolean(),
  /** Namespace of master and workers. Default loadtest. */
  namespace: z.string().regex(DNS_LABEL_RE, { message: issue("is not a Kubernetes namespace name", "use e.g. loadtest") }),
  /** Node pool of master and workers; never trading-api's pool. Default data-processing. */
  pool: z.string().min(1),
  /** The spec's shape the master runs (stages | stress | soak | spike). Default stages. */
  shape: z.enum(SHAPE_NAMES),
  /** Locust workers, one CPU each. Default 5 (dev) / 10 (prod). */
  workers: z.number().int().min(1).max(200),
  /** Host name the users target, with TLS verified. Default: the ALB's DNS name, which is not on the certificate, so with HTTPS the users do not verify it. */
  targetHost: z.string().regex(HOST_RE, { message: issue("is not a DNS host name", "use e.g. api.example.com") }).optional(),
  /** Days run summaries are kept in S3. Default 90. */
  summaryRetentionDays: z.number().int().min(1).max(3650),
});
export type LoadTestConfig = z.infer<typeof loadTestSchema>;

/**
 * Checks against the cluster and the edge: the pool exists and is not the one trading-api runs on
 * (the chart has no priorityClassName, so sharing a pool would let the load generators take CPU
 * from the pods they measure), and the workers fit the pool at its maximum.
 */
export function validateLoadTest(lt: LoadTestConfig, cluster: ClusterConfig, areaKey: string, tradingApiRole = "general"): ConfigProblem[] {
  if (!lt.enabled) return [];
  const problems: ConfigProblem[] = [];
  const pool = cluster.nodePools[lt.pool];
  if (!pool) {
    problems.push({ key: `${areaKey}.pool`, value: lt.pool, problem: `is not a node pool (known: ${Object.keys(cluster.nodePools).join(", ")})`, fix: "use data-processing" });
    return problems;
  }
  if ((pool.labels.role ?? lt.pool) === tradingApiRole) {
    problems.push({ key: `${areaKey}.pool`, value: lt.pool, problem: "is the pool trading-api runs on, so 10,000 simulated users would compete with the pods under test for CPU", fix: "use data-processing (tainted, tolerated by the load test only)" });
  }
  const room = podRoomOnSmallest(pool.instanceTypes);
  if (room) {
    const perNode = Math.floor(room.cpuMillis / WORKER_CPU_MILLIS);
    const capacity = perNode * pool.maxSize;
    const needed = lt.workers + Math.ceil(MASTER_CPU_MILLIS / WORKER_CPU_MILLIS);
    if (needed > capacity) {
      problems.push({ key: `${areaKey}.workers`, value: lt.workers, problem: `with the master needs ${needed} one-CPU slots, but pool ${lt.pool} offers ${capacity} at its maximum (${perNode} per node x maxSize ${pool.maxSize})`, fix: `use at most ${Math.max(capacity - 1, 0)} workers or raise entasis:cluster.nodePools.${lt.pool}.maxSize` });
    }
  }
  return problems;
}
