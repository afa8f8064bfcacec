import { RunResult } from "../offline/harness";
import { CostReport, estimateCost } from "./cost";
import { FailureDomainReport, analyseFailureDomains } from "./failureDomains";
import { ResourceIndex } from "./model";
import { PRICES_AP_NORTHEAST_2, PriceTable } from "./prices-ap-northeast-2";
import { TimelineReport, analyseTimeline } from "./timeline";

/** Price tables by region; a stack in another region gets no cost section until one is added. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = { "ap-northeast-2": PRICES_AP_NORTHEAST_2 };

export interface Insights {
  readonly cost?: CostReport;
  /** Why there is no cost section, when there is none. */
  readonly costUnavailable?: string;
  readonly timeline: TimelineReport;
  readonly failureDomains: FailureDomainReport;
}

export function insightsOf(run: RunResult, region: string): Insights {
  const idx = new ResourceIndex(run.resources);
  const table = PRICE_TABLES[region];
  return {
    cost: table ? estimateCost(idx, table) : undefined,
    costUnavailable: table ? undefined : `no price table for region ${region} (tools/insights/prices-*.ts)`,
    timeline: analyseTimeline(idx),
    failureDomains: analyseFailureDomains(idx, run.stack, region),
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
