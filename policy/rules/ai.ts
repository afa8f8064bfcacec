import { ResourceValidationArgs } from "@pulumi/policy";
import { ResourceRule, resourceRule } from "./common";
import { C } from "./controls";

/** The GPU pool's `role` label and the NVIDIA device plugin's extended resource. */
export const GPU_POOL_ROLE = "ai-inference";
const GPU = "nvidia.com/gpu";

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const get = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);

/** A pod-shaped part of a custom resource: where its placement is stated, and the containers it runs. */
interface GpuPod {
  readonly where: string;
  readonly nodeSelector: unknown;
  readonly tolerations: unknown;
  readonly containers: readonly Obj[];
}

const KSERVE = "kubernetes:serving.kserve.io/";
const ARGO = "kubernetes:argoproj.io/v1alpha1:";

/**
 * The pod specs of KServe and Argo custom resources. InferenceService: the predictor (its own
 * fields plus `model`, `containers`); ServingRuntime / ClusterServingRuntime: the runtime pod;
 * Argo: every template (container, script or containerSet), falling back to the spec-wide
 * nodeSelector and tolerations Argo applies to templates that set none.
 */
function podsOf(type: string, props: Obj): GpuPod[] | undefined {
  const spec = get(props, "spec");
  if (type === `${KSERVE}v1beta1:InferenceService`) {
    const p = get(spec, "predictor");
    const model = get(p, "model");
    return [{ where: "spec.predictor", nodeSelector: get(p, "nodeSelector"), tolerations: get(p, "tolerations"), containers: [...(isObj(model) ? [model] : []), ...objs(get(p, "containers"))] }];
  }
  if (type === `${KSERVE}v1alpha1:ServingRuntime` || type === `${KSERVE}v1alpha1:ClusterServingRuntime`) {
    return [{ where: "spec", nodeSelector: get(spec, "nodeSelector"), tolerations: get(spec, "tolerations"), containers: objs(get(spec, "containers")) }];
  }
  if (type.startsWith(ARGO) && ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"].some((k) => type === `${ARGO}${k}`)) {
    const wf = type === `${ARGO}CronWorkflow` ? get(spec, "workflowSpec") : spec;
    return objs(get(wf, "templates")).map((t) => ({
      where: `template ${String(t.name)}`,
      nodeSelector: t.nodeSelector ?? get(wf, "nodeSelector"),
      tolerations: t.tolerations ?? get(wf, "tolerations"),
      containers: [...[t.container, t.script].filter(isObj), ...objs(get(t, "containerSet", "containers"))],
    }));
  }
  return undefined;
}

function gpuQuantity(c: Obj, kind: "requests" | "limits"): string | undefined {
  const q = get(c, "resources", kind, GPU);
  return q === undefined ? undefined : String(q);
}

function checkGpuPlacement(args: ResourceValidationArgs, report: (message: string) => void): void {
  const pods = podsOf(args.type, args.props);
  if (!pods) return args.notApplicable("not a KServe or Argo Workflows resource with pods");
  for (const pod of pods) {
    const gpuContainers = pod.containers.filter((c) => gpuQuantity(c, "requests") !== undefined || gpuQuantity(c, "limits") !== undefined);
    if (gpuContainers.length === 0) continue;
    if (get(pod.nodeSelector, "role") !== GPU_POOL_ROLE) report(`${pod.where} requests ${GPU} but its nodeSelector does not pin role: ${GPU_POOL_ROLE}.`);
    if (!objs(pod.tolerations).some((t) => t.key === GPU && (t.effect === "NoSchedule" || t.effect === undefined))) report(`${pod.where} requests ${GPU} but does not tolerate the GPU pool's ${GPU} NoSchedule taint.`);
    for (const c of gpuContainers) {
      const limit = gpuQuantity(c, "limits");
      const request = gpuQuantity(c, "requests");
      if (limit === undefined) report(`${pod.where} container ${String(c.name ?? "model")} sets no ${GPU} limit (extended resources are taken from limits).`);
      else if (request !== undefined && request !== limit) report(`${pod.where} container ${String(c.name ?? "model")} requests ${request} ${GPU} but limits ${limit}; they must be equal.`);
    }
  }
}

/** Dev settings a stack's policy config may lower; prod uses the default. */
export interface InferenceReplicasConfig {
  readonly minReplicas?: number;
}

export const aiRules: readonly ResourceRule[] = [
  resourceRule({
    name: "gpu-workloads-on-gpu-pool",
    control: C.EKS_BP_GPU_NODES,
    severity: "high",
    description: `Pods of KServe InferenceServices and ServingRuntimes and of Argo workflow templates that request ${GPU} run on the GPU pool only: nodeSelector role: ${GPU_POOL_ROLE}, a toleration for the ${GPU} taint, and a ${GPU} limit (equal to any request). A GPU request elsewhere never schedules, or lands on a node whose GPU another pod holds.`,
    validateResource: checkGpuPlacement,
  }),
  resourceRule({
    name: "inference-service-ha",
    control: C.EKS_BP_HA_REPLICAS,
    severity: "medium",
    configSchema: { properties: { minReplicas: { type: "integer", minimum: 1 } } },
    description:
      "InferenceServices keep at least minReplicas predictor pods (default 2; dev's policy config lowers it to 1) and, with two or more, spread them across zones (a topologySpreadConstraint on topology.kubernetes.io/zone), so one node or zone loss does not stop inference.",
    validateResource: (args, report) => {
      if (args.type !== `${KSERVE}v1beta1:InferenceService`) return args.notApplicable("not an InferenceService");
      const min = args.getConfig<InferenceReplicasConfig>().minReplicas ?? 2;
      const predictor = get(args.props, "spec", "predictor");
      const replicas = get(predictor, "minReplicas");
      const n = typeof replicas === "number" ? replicas : 1;
      if (n < min) report(`spec.predictor.minReplicas is ${n}; keep at least ${min}.`);
      if (n >= 2 && !objs(get(predictor, "topologySpreadConstraints")).some((t) => t.topologyKey === "topology.kubernetes.io/zone")) {
        report("spec.predictor has several replicas but no topologySpreadConstraint on topology.kubernetes.io/zone; they may all land in one zone.");
      }
    },
  }),
];
