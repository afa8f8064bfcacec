import { flinkPlacementConfig, placementCel, placementOn } from "../components/processing/placement";
import { INSTANCE_SIZES, allocatableOf, podRoomOnSmallest } from "../lib/instanceTypes";
import { sparkPodMemoryMiB } from "../stacks/schema/processing";
import { effectiveConfig, validateWith } from "./support/config";

const STACKS = ["dev", "prod"] as const;

describe("sizing is validated against the data-processing pool, naming the key", () => {
  interface ProcessingFile {
    readonly spark: { readonly quota: Record<string, number> };
    readonly flink: { readonly quota: Record<string, number> };
  }
  // The quotas come from the stack's mode (stacks/schema/modes.ts), merged under its file.
  const processing = (stack: string): ProcessingFile => effectiveConfig(stack).processing;

  it("accepts both stack files", () => {
    for (const stack of STACKS) expect(validateWith(stack)).toEqual({ ok: true, messages: [] });
  });

  it("rejects a quota larger than maxSize x a node's allocatable", () => {
    const p = processing("prod");
    const r = validateWith("prod", (a) => ({ ...a, processing: { ...p, spark: { quota: { ...p.spark.quota, cpu: 61, memoryGiB: 500 } } } }));
    expect(r.messages).toEqual([
      expect.stringMatching(/^entasis:processing\.spark\.quota\.cpu 61 is more than the pool can ever run \(data-processing at maxSize 8 x 7\.51 vCPU .* = 60\.08 vCPU\); lower it, or raise entasis:cluster\.nodePools\.data-processing\.maxSize$/),
      expect.stringMatching(/^entasis:processing\.spark\.quota\.memoryGiB 500 is more than the pool can ever hold/),
    ]);
  });

  it("rejects quotas that fit alone but not together on the shared pool", () => {
    const p = processing("dev");
    const r = validateWith("dev", (a) => ({ ...a, processing: { ...p, flink: { quota: { ...p.flink.quota, cpu: 6 } } } }));
    expect(r.messages).toEqual([expect.stringMatching(/^entasis:processing\.flink\.quota\.cpu 6 plus spark\.quota\.cpu 6 is 12 vCPU, more than the shared pool can run/)]);
  });

  it("rejects a quota that a smaller pool can no longer hold, naming the processing key and the pool's maxSize", () => {
    const r = validateWith("prod", (a) => {
      // The pool (3..8) comes from mode ha-scaled; the file overrides its maximum only.
      return { ...a, cluster: { ...(a.cluster as object), nodePools: { "data-processing": { maxSize: 4 } } } };
    });
    expect(r.messages.some((m) => m.startsWith("entasis:processing.spark.quota.cpu 40 is more than the pool can ever run (data-processing at maxSize 4"))).toBe(true);
  });

  it("rejects a job default no node of the pool can fit (Spark memory counts its overhead)", () => {
    const p = processing("dev");
    const r = validateWith("dev", (a) => ({ ...a, processing: { ...p, spark: { quota: p.spark.quota, driver: { cores: 1, memoryMiB: 30000 } }, flink: { quota: p.flink.quota, taskManager: { cpu: 8, memoryMiB: 4096, slots: 2 } } } }));
    expect(r.messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^entasis:processing\.spark\.driver\.memoryMiB 30000 needs 32\.2 GiB with Spark's memory overhead, which does not fit on one data-processing node/),
        expect.stringMatching(/^entasis:processing\.flink\.taskManager\.cpu 8 does not fit on one data-processing node \(3\.52 vCPU/),
      ]),
    );
  });

  it("rejects a default job larger than its own quota, a pool that does not exist and a type without a size", () => {
    const p = processing("dev");
    expect(validateWith("dev", (a) => ({ ...a, processing: { ...p, spark: { quota: p.spark.quota, executor: { cores: 2, memoryMiB: 8192, instances: 10 } } } })).messages).toEqual([
      expect.stringMatching(/^entasis:processing\.spark\.executor\.instances 10 makes the default job .* larger than entasis:processing\.spark\.quota/),
    ]);
    expect(validateWith("dev", (a) => ({ ...a, processing: { ...p, pool: "batch" } })).messages).toEqual([expect.stringMatching(/^entasis:processing\.pool "batch" is not a node pool of the cluster/)]);
    const unknownType = validateWith("dev", (a) => {
      return { ...a, cluster: { ...(a.cluster as object), nodePools: { "data-processing": { instanceTypes: ["r5.xlarge", "x2iedn.xlarge"] } } } };
    });
    expect(unknownType.messages).toEqual([expect.stringMatching(/^entasis:cluster\.nodePools\.data-processing\.instanceTypes\[1\] "x2iedn\.xlarge" has no vCPU\/memory entry in lib\/instanceTypes\.ts/)]);
  });

  it("rejects a processing namespace the platform already uses, or one used twice, and unknown keys", () => {
    const p = processing("dev");
    const r = validateWith("dev", (a) => ({ ...a, processing: { ...p, spark: { quota: p.spark.quota, jobNamespace: "monitoring" }, flink: { quota: p.flink.quota, jobNamespace: "spark-operator" }, examples: { sparkBackfil: true } } }));
    expect(r.messages).toEqual(
      expect.arrayContaining([
        "entasis:processing.examples.sparkBackfil true is not a known setting; did you mean entasis:processing.examples.sparkBackfill? Rename it in Pulumi.dev.yaml (known here: sparkBackfill, flinkCandles)",
      ]),
    );
    const r2 = validateWith("dev", (a) => ({ ...a, processing: { ...p, spark: { quota: p.spark.quota, jobNamespace: "monitoring" }, flink: { quota: p.flink.quota, jobNamespace: "spark-operator" } } }));
    expect(r2.messages).toEqual([
      expect.stringMatching(/^entasis:processing\.spark\.jobNamespace "monitoring" is a namespace the platform or Kubernetes already uses/),
      expect.stringMatching(/^entasis:processing\.flink\.jobNamespace "spark-operator" is also entasis:processing\.spark\.operatorNamespace/),
    ]);
  });
});

describe("node sizes behind the checks", () => {
  it("computes allocatable as the EKS AMI reserves it (kube-reserved CPU steps, 11 MiB per pod + 255 MiB, 100 MiB eviction)", () => {
    // r5.2xlarge: 8 vCPU -> 60 + 10 + 2 x 5 + 4 x 2.5 = 90m reserved; 58 pods -> 638 + 255 + 100 MiB.
    expect(allocatableOf(INSTANCE_SIZES["r5.2xlarge"])).toEqual({ cpuMillis: 7910, memoryMiB: 65536 - 993 });
    // r5.large: 2 vCPU -> 60 + 10; 29 pods -> 319 + 255 + 100 MiB.
    expect(allocatableOf(INSTANCE_SIZES["r5.large"])).toEqual({ cpuMillis: 1930, memoryMiB: 16384 - 674 });
  });

  it("takes a mixed pool's smallest type, minus the DaemonSets", () => {
    expect(podRoomOnSmallest(["r5.2xlarge", "r5.xlarge"])).toEqual({ cpuMillis: 3920 - 400, memoryMiB: 32768 - 993 - 1024 });
    expect(podRoomOnSmallest(["r5.xlarge", "z1d.xlarge"])).toBeUndefined();
  });

  it("counts Spark's memory overhead: 10%, at least 384 MiB", () => {
    expect(sparkPodMemoryMiB(2048)).toBe(2048 + 384);
    expect(sparkPodMemoryMiB(16384)).toBe(16384 + 1639);
  });
});

describe("placement derived from the pool's taints", () => {
  const pool = { name: "batch", labels: { role: "batch" }, taints: [{ key: "workload", value: "batch", effect: "NoSchedule" as const }, { key: "dedicated", effect: "NoExecute" as const }] };

  it("tolerates a valued taint with Equal and a bare one with Exists, for Spark pods, Flink config and the admission policy alike", () => {
    const p = placementOn(pool);
    expect(p).toEqual({
      nodeSelector: { role: "batch" },
      tolerations: [
        { key: "workload", operator: "Equal", value: "batch", effect: "NoSchedule" },
        { key: "dedicated", operator: "Exists", effect: "NoExecute" },
      ],
    });
    expect(flinkPlacementConfig(p)).toEqual({
      "kubernetes.jobmanager.node-selector": "role:batch",
      "kubernetes.jobmanager.tolerations": "key:workload,operator:Equal,value:batch,effect:NoSchedule;key:dedicated,operator:Exists,effect:NoExecute",
      "kubernetes.taskmanager.node-selector": "role:batch",
      "kubernetes.taskmanager.tolerations": "key:workload,operator:Equal,value:batch,effect:NoSchedule;key:dedicated,operator:Exists,effect:NoExecute",
    });
    const cel = placementCel(p);
    expect(cel.map((c) => c.what)).toEqual(["nodeSelector role: batch", "a toleration of workload=batch:NoSchedule", "a toleration of dedicated:NoExecute"]);
    expect(cel[2].expression).toContain("t.operator == 'Exists'");
  });
});
