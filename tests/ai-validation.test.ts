import { GPUS_PER_INSTANCE, gpusPerNode, poolMaxGpus } from "../lib/gpuInstances";
import { validateWith, withField } from "./support/config";

const ai = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, ai: withField(a.ai, path, value) }));
const gpuPool = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, cluster: withField(a.cluster, ["nodePools", "ai-inference", ...path], value) }));

describe("entasis:ai validation", () => {
  it("accepts both stack files with the environment defaults", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("rejects serving replicas whose GPUs exceed the GPU pool at maxSize, naming the key and the pool", () => {
    // prod: 5 x g4dn.xlarge = 5 T4 GPUs.
    expect(ai("prod", ["serving", "maxReplicas"], 6).messages).toEqual([
      "entasis:ai.serving.maxReplicas 6 needs 6 GPUs (x 1 per replica), more than the ai-inference pool (5 x g4dn.xlarge, 1 GPU per node, 5 at maxSize); use at most 5, or raise nodePools.ai-inference.maxSize",
    ]);
    expect(ai("prod", ["serving", "maxReplicas"], 5).ok).toBe(true);
    // dev: 2 x g4dn.xlarge.
    expect(ai("dev", ["serving", "maxReplicas"], 3).messages[0]).toMatch(/^entasis:ai\.serving\.maxReplicas 3 needs 3 GPUs .* 2 at maxSize\)/);
  });

  it("rejects a shrunk GPU pool that no longer holds the serving ceiling", () => {
    expect(gpuPool("prod", ["maxSize"], 3).messages).toEqual([expect.stringMatching(/^entasis:ai\.serving\.maxReplicas 4 needs 4 GPUs .*3 at maxSize\)/)]);
  });

  it("rejects GPU requests one node cannot hold, for serving and for training", () => {
    expect(ai("prod", ["serving", "gpusPerReplica"], 2).messages).toEqual([
      "entasis:ai.serving.gpusPerReplica 2 exceeds the 1 GPU(s) of one node of the ai-inference pool (5 x g4dn.xlarge, 1 GPU per node, 5 at maxSize); use at most 1, or a larger instance type",
      "entasis:ai.serving.maxReplicas 4 needs 8 GPUs (x 2 per replica), more than the ai-inference pool (5 x g4dn.xlarge, 1 GPU per node, 5 at maxSize); use at most 2, or raise nodePools.ai-inference.maxSize",
    ]);
    expect(ai("dev", ["pipelines", "trainingGpus"], 4).messages).toEqual([
      "entasis:ai.pipelines.trainingGpus 4 exceeds the 1 GPU(s) of one node of the ai-inference pool (2 x g4dn.xlarge, 1 GPU per node, 2 at maxSize); use at most 1",
    ]);
  });

  it("sizes by the smallest instance type of a mixed pool and accepts a larger one", () => {
    const r = validateWith("prod", (a) => ({
      ...a,
      cluster: withField(a.cluster, ["nodePools", "ai-inference", "instanceTypes"], ["g4dn.12xlarge"]),
      ai: withField(withField(a.ai, ["serving", "gpusPerReplica"], 4), ["serving", "maxReplicas"], 5),
    }));
    expect(r).toEqual({ ok: true, messages: [] });
    expect(gpusPerNode(["g4dn.12xlarge", "g4dn.xlarge"])).toBe(1);
    expect(poolMaxGpus({ instanceTypes: ["g5.12xlarge"], maxSize: 3 })).toBe(12);
  });

  it("rejects a GPU instance type whose GPU count the platform does not know", () => {
    expect(gpuPool("prod", ["instanceTypes"], ["p4d.24xlarge"]).messages).toEqual([
      'entasis:cluster.nodePools.ai-inference.instanceTypes ["p4d.24xlarge"] has a type whose GPU count is unknown; use a type listed in lib/gpuInstances.ts, or add it there with its source',
    ]);
  });

  it("requires the GPU pool, unless the AI layer is off", () => {
    const r = validateWith("dev", (a) => ({ ...a, cluster: withField(a.cluster, ["nodePools", "ai-inference"], null) }));
    expect(r.messages).toContainEqual(expect.stringMatching(/^entasis:cluster\.nodePools .* has no ai-inference pool.*, or set entasis:ai\.enabled: false$/));
    const off = validateWith("dev", (a) => ({ ...a, cluster: withField(a.cluster, ["nodePools", "ai-inference"], null), ai: { enabled: false } }));
    expect(off.messages.filter((m) => m.includes("ai-inference pool"))).toEqual([]);
  });

  it("requires two inference replicas in prod, and min <= max", () => {
    expect(ai("prod", ["serving", "minReplicas"], 1).messages).toEqual([
      "entasis:ai.serving.minReplicas 1 is below 2 in prod, so one node or zone loss stops inference; use 2 or more (pods spread across zones)",
    ]);
    expect(ai("dev", ["serving", "minReplicas"], 1).ok).toBe(true);
    expect(ai("dev", ["serving", "minReplicas"], 3).messages).toContain("entasis:ai.serving.minReplicas 3 is above serving.maxReplicas 2; make minReplicas <= maxReplicas");
  });

  it("rejects namespaces other areas own, or one namespace for both engines", () => {
    expect(ai("dev", ["pipelines", "namespace"], "monitoring").messages[0]).toMatch(/^entasis:ai\.pipelines\.namespace "monitoring" is a namespace another area or chart owns/);
    expect(ai("dev", ["pipelines", "namespace"], "ai-serving").messages).toEqual([
      'entasis:ai.pipelines.namespace "ai-serving" equals serving.namespace; their network policies and service accounts would mix; use two namespaces, e.g. ai-serving and argo',
    ]);
  });

  it("rejects a bad alert duration and unknown keys", () => {
    expect(ai("dev", ["gpuAlerts", "idleFor"], "six hours").messages).toEqual(['entasis:ai.gpuAlerts.idleFor "six hours" is not an alert duration; use e.g. "6h"']);
    expect(ai("dev", ["examples", "notebook"], true).messages[0]).toMatch(/^entasis:ai\.examples\.notebook /);
  });

  it("turns examples on only when asked", () => {
    // A served model needs its GPU nodes at the pool's minimum; without one the pool idles at 0.
    expect(ai("prod", ["examples", "inferenceService"], true).messages).toEqual([
      "entasis:cluster.nodePools.ai-inference.minSize 0 is below the 2 GPU node(s) the served model's entasis:ai.serving.minReplicas needs; use at least 2",
    ]);
    expect(validateWith("prod", (a) => ({ ...a, ai: withField(a.ai, ["examples", "inferenceService"], true), cluster: withField(withField(a.cluster, ["nodePools", "ai-inference", "minSize"], 2), ["nodePools", "ai-inference", "desiredSize"], 2) })).messages).toEqual([]);
    expect(gpuPool("prod", ["minSize"], 2).messages).toContain(
      "entasis:cluster.nodePools.ai-inference.minSize 2 keeps idle GPU nodes: no model is served (entasis:ai.examples.inferenceService is off); use 0 (the autoscaler adds GPU nodes when a model is deployed)",
    );
    expect(ai("prod", ["examples", "workflowTemplate"], "yes").ok).toBe(false);
  });

  it("knows g4dn.xlarge as one T4", () => {
    expect(GPUS_PER_INSTANCE["g4dn.xlarge"]).toBe(1);
  });
});
