import { ResourceValidationArgs } from "@pulumi/policy";
import { ResourceRule, StackRule, resourceRule, stackRule } from "./common";
import { C } from "./controls";
import { PROCESSING_LABEL, STATELESS_OPT_OUT } from "../../lib/processingNames";

/** Kubeflow Spark operator kinds whose pods the platform places (ScheduledSparkApplication nests the spec in `template`). */
export const SPARK_TYPES: Readonly<Record<string, "spec" | "template">> = {
  "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication": "spec",
  "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication": "template",
};
export const FLINK_DEPLOYMENT = "kubernetes:flink.apache.org/v1beta1:FlinkDeployment";

type Json = { readonly [key: string]: unknown };
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

interface PoolConfig {
  /** `role` label of the pool job pods must select. */
  readonly poolRole: string;
  /** Key and value of the pool's taint that job pods must tolerate. */
  readonly taintKey: string;
  readonly taintValue: string;
}
const POOL_DEFAULTS: PoolConfig = { poolRole: "data-processing", taintKey: "workload", taintValue: "data-processing" };

function sparkPlacement(args: ResourceValidationArgs, report: (m: string) => void): void {
  const where = SPARK_TYPES[args.type];
  if (!where) return args.notApplicable("not a Spark application");
  const cfg = { ...POOL_DEFAULTS, ...args.getConfig<Partial<PoolConfig>>() };
  const spec = where === "spec" ? obj(args.props.spec) : obj(obj(args.props.spec).template);
  for (const role of ["driver", "executor"]) {
    const pod = obj(spec[role]);
    if (text(obj(pod.nodeSelector).role) !== cfg.poolRole) report(`spec${where === "template" ? ".template" : ""}.${role}.nodeSelector must select role: ${cfg.poolRole}.`);
    const tolerated = list(pod.tolerations).some((t) => text(obj(t).key) === cfg.taintKey && (text(obj(t).operator) === "Exists" || text(obj(t).value) === cfg.taintValue));
    if (!tolerated) report(`spec${where === "template" ? ".template" : ""}.${role}.tolerations must tolerate ${cfg.taintKey}=${cfg.taintValue}.`);
  }
}

const poolSchema = {
  properties: {
    poolRole: { type: "string" as const, default: POOL_DEFAULTS.poolRole },
    taintKey: { type: "string" as const, default: POOL_DEFAULTS.taintKey },
    taintValue: { type: "string" as const, default: POOL_DEFAULTS.taintValue },
  },
};

export const processingRules: readonly (ResourceRule | StackRule)[] = [
  resourceRule({
    name: "spark-jobs-on-data-pool",
    control: C.EKS_BP_TENANT_NODES,
    severity: "medium",
    description:
      "SparkApplications and ScheduledSparkApplications put driver and executor on the data-processing pool: nodeSelector role: data-processing and a toleration of its workload=data-processing taint (the jobs namespace's admission policy rejects the pods otherwise, after the application was accepted).",
    configSchema: poolSchema,
    validateResource: sparkPlacement,
  }),
  resourceRule({
    name: "flink-savepoint-upgrades",
    control: C.NIST_CP_10,
    severity: "medium",
    description: `FlinkDeployments that run a job upgrade through a savepoint: spec.job.upgradeMode savepoint (or last-state), never the stateless default, unless annotated ${STATELESS_OPT_OUT}: "true".`,
    validateResource: (args, report) => {
      if (args.type !== FLINK_DEPLOYMENT) return args.notApplicable("not a FlinkDeployment");
      const job = obj(args.props.spec).job;
      if (job === undefined) return;
      if (text(obj(obj(args.props.metadata).annotations)[STATELESS_OPT_OUT]) === "true") return;
      const mode = text(obj(job).upgradeMode);
      if (mode !== "savepoint" && mode !== "last-state") report(`spec.job.upgradeMode is ${mode ?? "unset (stateless)"}; use savepoint so an upgrade keeps the job's state.`);
    },
  }),
  stackRule({
    name: "processing-namespace-guardrails",
    control: C.EKS_BP_TENANT_LIMITS,
    severity: "medium",
    description: `Every namespace labelled ${PROCESSING_LABEL} has a ResourceQuota, a LimitRange and a ValidatingAdmissionPolicyBinding scoped to it (the pool placement); its default-deny NetworkPolicy is k8s-namespace-default-deny's, as for every namespace.`,
    validateStack: (args, report) => {
      const namespaces = args.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace" && text(obj(obj(r.props.metadata).labels)[PROCESSING_LABEL]) !== undefined);
      if (namespaces.length === 0) return args.notApplicable("no processing namespace");
      const inNs = (type: string, ns: string) => args.resources.filter((r) => r.type === type && text(obj(r.props.metadata).namespace) === ns);
      for (const n of namespaces) {
        const ns = text(obj(n.props.metadata).name) ?? "";
        if (inNs("kubernetes:core/v1:ResourceQuota", ns).length === 0) report(`namespace ${ns} has no ResourceQuota.`, n.urn);
        if (inNs("kubernetes:core/v1:LimitRange", ns).length === 0) report(`namespace ${ns} has no LimitRange.`, n.urn);
        const bound = args.resources.some(
          (r) => r.type === "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding" && text(obj(obj(obj(obj(r.props.spec).matchResources).namespaceSelector).matchLabels)["kubernetes.io/metadata.name"]) === ns,
        );
        if (!bound) report(`namespace ${ns} has no ValidatingAdmissionPolicyBinding scoped to it (pool placement).`, n.urn);
      }
    },
  }),
];
