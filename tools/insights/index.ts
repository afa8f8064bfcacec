import * as fs from "fs";
import * as path from "path";
import { RunResult, StackRunResult } from "../offline/harness";
import { PROJECT_ROOT } from "../offline/stackFile";
import { CostReport, estimateCost } from "./cost";
import { FailureDomainReport, analyseFailureDomains } from "./failureDomains";
import { ResourceIndex } from "./model";
import { PreflightReport, analysePreflight, configOfRun } from "./preflight";
import { PRICES_AP_NORTHEAST_2, PriceTable } from "./prices-ap-northeast-2";
import { QUOTAS_AP_NORTHEAST_2, QuotaTable } from "./quotas-ap-northeast-2";
import { QUOTAS_AP_NORTHEAST_1 } from "./quotas-ap-northeast-1";
import { TimelineReport, analyseTimeline } from "./timeline";
import { CapacityReport, analyseCapacity } from "./capacity";
import { PodRequestsReport, analysePodRequests } from "./podRequests";

/** Areas whose pods' requests the plan shows per pool (what they reserve and cost of the nodes). */
export const POD_REQUEST_AREAS = ["collectors", "mesh"] as const;
import { ZonalCapacityReport, analyseZonalCapacity } from "./zonalCapacity";
import { Leftover, destroyLeftovers } from "./teardown";
import { SleepReport, analyseSleep } from "./sleep";
import { ModeReport, modeOfRun } from "./modes";
import { FailoverSide, analyseFailover } from "./failover";

/** Price tables by region; a stack in another region gets no cost section until one is added. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = { "ap-northeast-2": PRICES_AP_NORTHEAST_2 };
/** Default-quota tables by region; a stack in another region gets prerequisites but no quota rows. */
export const QUOTA_TABLES: Readonly<Record<string, QuotaTable>> = { "ap-northeast-2": QUOTAS_AP_NORTHEAST_2, "ap-northeast-1": QUOTAS_AP_NORTHEAST_1 };

export interface Insights {
  readonly cost?: CostReport;
  /** Why there is no cost section, when there is none. */
  readonly costUnavailable?: string;
  readonly timeline: TimelineReport;
  /** Requests of the collectors' and the mesh's pods per pool, and the node cost they hold. */
  readonly podRequests: PodRequestsReport;
  readonly failureDomains: FailureDomainReport;
  /** At the pools' minimum: every pod bound to a zone has a node group (and a node) in its zone. */
  readonly zonalCapacity: ZonalCapacityReport;
  /** What a `pulumi destroy` of the stack would leave behind, and why. */
  readonly destroyLeftovers: readonly Leftover[];
  /** Quotas and missing prerequisites before a real deploy; absent only if the run's config does not validate. */
  readonly preflight?: PreflightReport;
  /** Orders/s at maximum and with a zone lost, connection budgets, Redis memory; absent if the config does not validate. */
  readonly capacity?: CapacityReport;
  /** The stack priced with and without its sleep schedule; absent without one (entasis:sleep). */
  readonly sleep?: SleepReport;
  /** Which deployment mode the stack runs and which keys of its file override it; absent if the config does not validate. */
  readonly mode?: ModeReport;
  /** This stack's side of a multi-region failover pair; absent without failover records. */
  readonly failover?: FailoverSide;
}

/** Files of this repository (the build context of `workloads.build`). */
const repoFileExists = (relative: string): boolean => fs.existsSync(path.join(PROJECT_ROOT, relative));

function isStackRun(run: RunResult): run is StackRunResult {
  return "config" in run && "secretsSet" in run;
}

/** `run` from attemptStack/runStack carries its config, which the preflight needs; other runs get none. */
export function insightsOf(run: RunResult, region: string, fileExists: (relativePath: string) => boolean = repoFileExists): Insights {
  const idx = new ResourceIndex(run.resources);
  const table = PRICE_TABLES[region];
  const config = isStackRun(run) ? configOfRun(run) : undefined;
  const cost = table ? estimateCost(idx, table) : undefined;
  return {
    cost,
    costUnavailable: table ? undefined : `no price table for region ${region} (tools/insights/prices-*.ts)`,
    timeline: analyseTimeline(idx),
    podRequests: analysePodRequests(idx, table, POD_REQUEST_AREAS),
    failureDomains: analyseFailureDomains(idx, run.stack, region),
    zonalCapacity: analyseZonalCapacity(idx),
    destroyLeftovers: destroyLeftovers(idx),
    preflight: config && isStackRun(run) ? analysePreflight(config, { stack: run.stack, index: idx, secretsSet: run.secretsSet, fileExists }, QUOTA_TABLES[region]) : undefined,
    capacity: config ? analyseCapacity(config) : undefined,
    sleep: cost && table ? analyseSleep(idx, cost, table) : undefined,
    mode: config && isStackRun(run) ? modeOfRun(config, run.config) : undefined,
    failover: analyseFailover(idx, run.stack, region, PRICE_TABLES, QUOTA_TABLES),
  };
}

export interface CostComparison {
  readonly stacks: readonly { readonly stack: string; readonly monthlyMin: number; readonly monthlyMax: number }[];
  /** dev / prod, at the node pools' minimum and at their maximum. */
  readonly devToProd?: { readonly atMin: number; readonly atMax: number };
}

export function compareCosts(costs: Readonly<Record<string, CostReport>>): CostComparison {
  const stacks = Object.entries(costs)
    .map(([stack, c]) => ({ stack, monthlyMin: c.monthlyMin, monthlyMax: c.monthlyMax }))
    .sort((a, b) => a.stack.localeCompare(b.stack));
  const dev = costs.dev;
  const prod = costs.prod;
  return { stacks, devToProd: dev && prod && prod.monthlyMin > 0 && prod.monthlyMax > 0 ? { atMin: dev.monthlyMin / prod.monthlyMin, atMax: dev.monthlyMax / prod.monthlyMax } : undefined };
}
