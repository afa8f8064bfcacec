import { CostReport, estimateCost } from "./cost";
import { DURATIONS, Duration } from "./durations";
import { ResourceIndex, field, listOf, numOf, strOf } from "./model";
import { PRICES_AP_NORTHEAST_2, PriceTable } from "./prices-ap-northeast-2";
import { QuotaReport, analyseQuotas } from "./quotas";
import { QUOTAS_AP_NORTHEAST_2, QuotaTable } from "./quotas-ap-northeast-2";

/**
 * The multi-region pair as the plan sees it: what each side's recorded run says about how fast a
 * failover can go (health check, TTL, WAL archive timeout, what gets promoted), the standby's cost
 * and the DR region's quotas. Pure: computed from the recorded resources only.
 */
export interface FailoverSide {
  readonly stack: string;
  readonly region: string;
  readonly role: "primary" | "standby";
  /** Route 53 failover records: TTL (both sides). */
  readonly ttlSeconds?: number;
  /** The primary's Route 53 health check. */
  readonly healthCheck?: { readonly intervalSeconds: number; readonly failureThreshold: number };
  /** The primary's TimescaleDB `archive_timeout`, seconds (CNPG's default 300 when unset). */
  readonly archiveTimeoutSeconds?: number;
  /** The standby's: what the switch promotes. */
  readonly promotes?: { readonly postgresReplica: boolean; readonly timeseriesReplica: boolean };
  /** The standby's monthly cost at its pools' minimum and maximum, and the table it was priced with. */
  readonly cost?: { readonly monthlyMin: number; readonly monthlyMax: number; readonly pricedWith: string };
  /** The standby's region quotas. */
  readonly quotas?: QuotaReport;
}

const RECORD = "aws:route53/record:Record";
const HEALTH = "aws:route53/healthCheck:HealthCheck";
const RDS = "aws:rds/instance:Instance";
const CNPG_CLUSTER = "kubernetes:postgresql.cnpg.io/v1:Cluster";
/** CloudNativePG's `archive_timeout` when the cluster does not set one. https://cloudnative-pg.io/documentation/current/wal_archiving/ */
export const CNPG_DEFAULT_ARCHIVE_TIMEOUT_SECONDS = 300;

/**
 * Figures the failover model needs besides creation times. Estimates, with their sources, in the
 * form of tools/insights/durations.ts.
 */
export const FAILOVER_FIGURES: Readonly<Record<string, Duration>> = {
  // The switch is the deploy workflow's failover dispatch (.github/workflows/deploy.yml): its test
  // job runs first, then the standby's job sets up on the DR runner.
  workflowTest: { seconds: 180, range: "2-4 min", source: "estimate: the deploy workflow's test job on a GitHub-hosted runner (npm ci 23 s, npm run charts 2 s and npm test about 60 s measured on 2 cores here, plus runner setup)" },
  jobSetup: { seconds: 45, range: "30-90 s", source: "estimate: checkout, npm ci and npm ci --prefix policy on the DR runner before `pulumi up` (npm ci 23 s measured here)" },
  runnerStart: { seconds: 90, range: "1-2 min", source: "estimate: CodeBuild provisions the DR region's runner and starts the job (https://docs.aws.amazon.com/codebuild/latest/userguide/view-build-details.html, PROVISIONING phase)" },
  pulumiStart: { seconds: 120, range: "1-3 min", source: "estimate: `pulumi up` loads plugins and diffs the standby's ~600 resources before the first update starts" },
  rdsPromotion: DURATIONS["aws:rds/instance:Instance (promote read replica)"],
  cnpgPromotion: DURATIONS["postgresql.cnpg.io/v1:Cluster (promote replica cluster)"],
  rdsCrossRegionLag: { seconds: 30, range: "seconds, more under heavy writes", source: "estimate: asynchronous replication over the inter-region link; watch ReplicaLag (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html)" },
  s3ReplicationLag: { seconds: 15, range: "seconds typically; no bound without S3 RTC (15 min for 99.99%)", source: "estimate: https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html" },
};

/** Seoul's quota table as Tokyo's defaults: AWS's default quotas are per region with the same values for these codes; the check commands target the DR region. */
export const QUOTAS_AP_NORTHEAST_1: QuotaTable = { ...QUOTAS_AP_NORTHEAST_2, region: "ap-northeast-1" };

function roleOf(idx: ResourceIndex): "primary" | "standby" | undefined {
  const records = idx.resources.filter((r) => r.type === RECORD);
  const sides = new Set(records.flatMap((r) => listOf(r.inputs, "failoverRoutingPolicies").map((p) => strOf(p, "type"))));
  if (sides.has("PRIMARY")) return "primary";
  if (sides.has("SECONDARY")) return "standby";
  return undefined;
}

/** This stack's side of a failover pair, or undefined for a stack without failover records. */
export function analyseFailover(idx: ResourceIndex, stack: string, region: string, prices: Readonly<Record<string, PriceTable>>, quotas: Readonly<Record<string, QuotaTable>>): FailoverSide | undefined {
  const role = roleOf(idx);
  if (!role) return undefined;
  const ttl = idx.resources.filter((r) => r.type === RECORD).map((r) => numOf(r.inputs, "ttl") ?? 0);
  const base = { stack, region, role, ttlSeconds: ttl.length > 0 ? Math.max(...ttl) : undefined };
  const cluster = idx.resources.find((r) => r.type === CNPG_CLUSTER);
  const spec = field(cluster?.inputs, "spec");
  if (role === "primary") {
    const hc = idx.resources.find((r) => r.type === HEALTH);
    const timeout = strOf(field(field(spec, "postgresql"), "parameters"), "archive_timeout");
    return {
      ...base,
      healthCheck: hc ? { intervalSeconds: numOf(hc.inputs, "requestInterval") ?? 30, failureThreshold: numOf(hc.inputs, "failureThreshold") ?? 3 } : undefined,
      archiveTimeoutSeconds: timeout !== undefined ? seconds(timeout) : CNPG_DEFAULT_ARCHIVE_TIMEOUT_SECONDS,
    };
  }
  const table = prices[region];
  const pricing = table ?? PRICES_AP_NORTHEAST_2;
  const cost: CostReport = estimateCost(idx, pricing);
  return {
    ...base,
    promotes: {
      postgresReplica: idx.resources.some((r) => r.type === RDS && strOf(r.inputs, "replicateSourceDb") !== undefined),
      timeseriesReplica: field(field(spec, "replica"), "enabled") === true,
    },
    cost: { monthlyMin: cost.monthlyMin, monthlyMax: cost.monthlyMax, pricedWith: table ? region : `${pricing.region} rates (no ${region} table in tools/insights; Tokyo's list prices are close to Seoul's, verify before quoting)` },
    quotas: analyseQuotas(idx, quotas[region] ?? (region === QUOTAS_AP_NORTHEAST_1.region ? QUOTAS_AP_NORTHEAST_1 : { ...QUOTAS_AP_NORTHEAST_2, region })),
  };
}

/** `30s`, `5min`, `1h` -> seconds. */
function seconds(text: string): number {
  const m = /^(\d+)\s*(ms|s|min|h)?$/.exec(text.trim());
  if (!m) return CNPG_DEFAULT_ARCHIVE_TIMEOUT_SECONDS;
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "min" ? n * 60 : m[2] === "h" ? n * 3600 : n;
}

export interface StoreRecovery {
  readonly store: string;
  readonly rtoSeconds: number;
  readonly rpoSeconds: number | undefined;
  /** How the figures add up. */
  readonly rto: string;
  readonly rpo: string;
}

export interface FailoverPlan {
  readonly primary: string;
  readonly standby: string;
  readonly stores: readonly StoreRecovery[];
  /** Route 53: health-check interval x failure threshold, then the records' TTL. */
  readonly dnsSeconds: number;
  /** Until the standby runs at full size (fullSize): node groups scale out, then the scaled workloads roll out. */
  readonly fullSizeSeconds: number;
  readonly fullSize: string;
  readonly standbyMonthlyMin?: number;
  readonly standbyMonthlyMax?: number;
  readonly primaryMonthlyMin?: number;
  /** standby / primary at the pools' minimum. */
  readonly costRatioAtMin?: number;
  readonly pricedWith?: string;
  readonly quotas?: QuotaReport;
}

/**
 * RTO and RPO per data store of a primary/standby pair, from the duration model. The clock starts
 * when the primary's region fails; an operator's decision to flip the switch is not modelled (add
 * it). Route 53 stops answering with the primary after interval x threshold, resolvers follow
 * within the TTL; in parallel the switch runs: the DR runner starts, `pulumi up` diffs, then the
 * replicas are promoted (RDS and CNPG in parallel). A store is recovered when it accepts writes
 * and clients resolve the standby.
 */
export function planFailover(primary: FailoverSide, standby: FailoverSide, primaryCost?: CostReport): FailoverPlan {
  const hc = primary.healthCheck ?? { intervalSeconds: 30, failureThreshold: 3 };
  const detect = hc.intervalSeconds * hc.failureThreshold;
  const ttl = Math.max(primary.ttlSeconds ?? 0, standby.ttlSeconds ?? 0);
  const f = FAILOVER_FIGURES;
  const switchStart = f.workflowTest.seconds + f.runnerStart.seconds + f.jobSetup.seconds + f.pulumiStart.seconds;
  const switchText = `tests ${f.workflowTest.seconds}s + runner ${f.runnerStart.seconds}s + setup ${f.jobSetup.seconds}s + pulumi ${f.pulumiStart.seconds}s`;
  const dns = detect + ttl;
  const recovery = (store: string, promotion: number, promotionName: string, rpoSeconds: number | undefined, rpo: string): StoreRecovery => {
    const path = switchStart + promotion;
    const rto = detect + Math.max(ttl, path);
    return {
      store,
      rtoSeconds: rto,
      rpoSeconds,
      rto: `detect ${detect}s (${hc.intervalSeconds}s x ${hc.failureThreshold}) + max(TTL ${ttl}s, ${switchText} + ${promotionName} ${promotion}s)`,
      rpo,
    };
  };
  const archive = primary.archiveTimeoutSeconds ?? CNPG_DEFAULT_ARCHIVE_TIMEOUT_SECONDS;
  const stores: StoreRecovery[] = [
    recovery("PostgreSQL (RDS)", standby.promotes?.postgresReplica ? f.rdsPromotion.seconds : Number.NaN, "promote read replica", f.rdsCrossRegionLag.seconds, `replica lag ~${f.rdsCrossRegionLag.seconds}s (${f.rdsCrossRegionLag.range})`),
    recovery("TimescaleDB (CNPG)", standby.promotes?.timeseriesReplica ? f.cnpgPromotion.seconds : Number.NaN, "promote replica cluster", archive + f.s3ReplicationLag.seconds, `archive_timeout ${archive}s + S3 replication ~${f.s3ReplicationLag.seconds}s (${f.s3ReplicationLag.range})`),
    recovery("Object storage (S3)", 0, "nothing to promote", f.s3ReplicationLag.seconds, `S3 replication ~${f.s3ReplicationLag.seconds}s (${f.s3ReplicationLag.range})`),
    { ...recovery("Redis (ElastiCache)", 0, "standing by", undefined, ""), rpo: "everything: a cache, rebuilt from the databases on the standby's own (empty) Redis" },
    { ...recovery("Broker (Amazon MQ)", 0, "standing by", undefined, ""), rpo: "messages not yet consumed: producers resend; the standby's own broker starts empty" },
  ];
  const nodes = DURATIONS["aws:eks/nodeGroup:NodeGroup"].seconds;
  const rollout = DURATIONS["kubernetes:apps/v1:Deployment"].seconds;
  const fullSizeSeconds = detect + switchStart + nodes + rollout;
  const min = standby.cost?.monthlyMin;
  const pMin = primaryCost?.monthlyMin;
  return {
    primary: primary.stack,
    standby: standby.stack,
    stores,
    dnsSeconds: dns,
    fullSizeSeconds,
    fullSize: `detect ${detect}s + ${switchText} + node groups scale out ${nodes}s + workloads roll out ${rollout}s (new TimescaleDB standbys then clone from the promoted primary; the store serves meanwhile)`,
    standbyMonthlyMin: min,
    standbyMonthlyMax: standby.cost?.monthlyMax,
    primaryMonthlyMin: pMin,
    costRatioAtMin: min !== undefined && pMin !== undefined && pMin > 0 ? min / pMin : undefined,
    pricedWith: standby.cost?.pricedWith,
    quotas: standby.quotas,
  };
}
