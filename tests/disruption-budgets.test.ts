import { RecordedResource, StackRunResult } from "../tools/offline/harness";
import { allowedEvictions, analyseDisruptionBudgets, blocking } from "../tools/insights/disruptionBudgets";
import { ResourceIndex } from "../tools/insights/model";
import { sharedCharts } from "../tools/offline/sharedCharts";
import { named } from "./support/query";
import { stackRun } from "./support/stackRuns";

const STACKS = ["dev", "prod"] as const;
const runs: Record<string, StackRunResult> = {};
const defaults: Record<string, unknown> = Object.fromEntries(sharedCharts().map((c) => [c.name, c.values]));
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await stackRun(stack);
});

const budgets = (resources: readonly RecordedResource[]) => analyseDisruptionBudgets(new ResourceIndex(resources), defaults);

describe("every PodDisruptionBudget admits an eviction at pool minimum (node group updates finish)", () => {
  it("dev: trading-api's, ECK's single-node default and the autoscaler chart's; no CloudNativePG budget for the single instance", () => {
    const b = budgets(runs.dev.resources);
    expect(b.map((x) => [x.name, x.source, x.pods, x.rule, x.allowed])).toEqual([
      ["cluster-system-cluster-autoscaler:podDisruptionBudget", "Helm values", 1, "maxUnavailable 1", 1],
      ["collectors-data-feed-pdb", "PodDisruptionBudget", 2, "maxUnavailable 1", 1],
      ["collectors-exchange-api-pdb", "PodDisruptionBudget", 2, "maxUnavailable 1", 1],
      ["logging-elasticsearch", "ECK", 1, "ECK default (single node: always disruptible)", 1],
      // istiod's chart budget with dev's single replica (components/mesh/mesh.ts sets minAvailable 0 there).
      ["mesh-istiod:pdb", "Helm values", 1, "minAvailable 0", 1],
      ["trading-api-pdb", "PodDisruptionBudget", 3, "minAvailable 2", 1],
    ]);
    expect(blocking(b)).toEqual([]);
    expect((named(runs.dev, "timeseries-cluster").inputs.spec as { enablePDB: boolean }).enablePDB).toBe(false);
  });

  it("prod: 17 budgets, each admits one eviction; CloudNativePG's primary moves by switchover", () => {
    const b = budgets(runs.prod.resources);
    expect(b.map((x) => x.name)).toEqual([
      "ai-pipelines-argo-workflows:controller.pdb",
      "ai-pipelines-argo-workflows:server.pdb",
      "cert-manager-release:cainjector.podDisruptionBudget",
      "cert-manager-release:podDisruptionBudget",
      "cert-manager-release:webhook.podDisruptionBudget",
      "cluster-system-cluster-autoscaler:podDisruptionBudget",
      "cluster-system-metrics-server:podDisruptionBudget",
      "collectors-data-feed-pdb",
      "collectors-exchange-api-pdb",
      "lb-controller-release:podDisruptionBudget",
      "logging-elasticsearch",
      "mesh-istiod:pdb",
      "spark-operator:controller.podDisruptionBudget",
      "spark-operator:webhook.podDisruptionBudget",
      "timeseries-cluster:primary",
      "timeseries-cluster:replicas",
      "trading-api-pdb",
    ]);
    for (const x of b) expect({ name: x.name, ok: x.allowed >= 1 || x.handoff !== undefined }).toEqual({ name: x.name, ok: true });
    expect(blocking(b)).toEqual([]);
    expect(b.filter((x) => x.allowed === 0).map((x) => [x.name, x.handoff])).toEqual([["timeseries-cluster:primary", "CloudNativePG switches over to a standby when the primary's node is drained"]]);
    expect(b.find((x) => x.name === "logging-elasticsearch")).toMatchObject({ pods: 3, allowed: 1 });
    expect(b.find((x) => x.name === "timeseries-cluster:replicas")).toMatchObject({ pods: 2, allowed: 1 });
    expect((named(runs.prod, "timeseries-cluster").inputs.spec as { enablePDB: boolean }).enablePDB).toBe(true);
  });

  it("flags what used to block: dev's single instance with CNPG's default primary budget, and a trading-api budget equal to its minimum", () => {
    const rs = runs.dev.resources.map((r) => {
      if (r.name === "timeseries-cluster") return { ...r, inputs: { ...r.inputs, spec: { ...(r.inputs.spec as object), enablePDB: true } } };
      if (r.name === "trading-api-pdb") return { ...r, inputs: { ...r.inputs, spec: { ...(r.inputs.spec as object), minAvailable: 3 } } };
      return r;
    });
    expect(blocking(budgets(rs)).map((x) => [x.name, x.allowed])).toEqual([
      ["timeseries-cluster:primary", 0],
      ["trading-api-pdb", 0],
    ]);
  });

  it("computes Kubernetes' rounding of percentages", () => {
    expect(allowedEvictions(3, "50%", undefined)).toEqual({ allowed: 1, rule: "minAvailable 50%" });
    expect(allowedEvictions(3, undefined, "34%")).toEqual({ allowed: 2, rule: "maxUnavailable 34%" });
    expect(allowedEvictions(1, 1, undefined).allowed).toBe(0);
  });
});
