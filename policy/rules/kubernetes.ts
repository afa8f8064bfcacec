import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { ResourceRule, StackRule, resourceRule, stackRule } from "./common";
import { C } from "./controls";
import { POD_MAKING_KINDS } from "../../lib/podKinds";
import { NODE_AGENTS_NAMESPACE } from "../../lib/podSecurity";

type PodSpec = pulumi.Unwrap<k8s.types.input.core.v1.PodSpec>;
type Container = pulumi.Unwrap<k8s.types.input.core.v1.Container>;

/** A workload's pod spec, and whether it runs continuously (probes make sense) or to completion. */
interface Workload {
  readonly kind: string;
  readonly pod: PodSpec;
  readonly longRunning: boolean;
}

/**
 * The pod template of every workload kind this platform could declare. Helm releases
 * (`kubernetes:helm.sh/v3:Release`) are opaque to CrossGuard: their manifests are rendered by
 * the provider and never registered, so chart workloads are checked by the chart values, not here.
 */
function workloadOf(args: ResourceValidationArgs): Workload | undefined {
  const deployment = args.asType(k8s.apps.v1.Deployment);
  if (deployment) return deployment.spec.template.spec ? { kind: "Deployment", pod: deployment.spec.template.spec, longRunning: true } : undefined;
  const sts = args.asType(k8s.apps.v1.StatefulSet);
  if (sts) return sts.spec.template.spec ? { kind: "StatefulSet", pod: sts.spec.template.spec, longRunning: true } : undefined;
  const ds = args.asType(k8s.apps.v1.DaemonSet);
  if (ds) return ds.spec.template.spec ? { kind: "DaemonSet", pod: ds.spec.template.spec, longRunning: true } : undefined;
  const rs = args.asType(k8s.apps.v1.ReplicaSet);
  if (rs) return rs.spec?.template?.spec ? { kind: "ReplicaSet", pod: rs.spec.template.spec, longRunning: true } : undefined;
  const job = args.asType(k8s.batch.v1.Job);
  if (job) return job.spec?.template.spec ? { kind: "Job", pod: job.spec.template.spec, longRunning: false } : undefined;
  const cron = args.asType(k8s.batch.v1.CronJob);
  if (cron) return cron.spec?.jobTemplate.spec?.template.spec ? { kind: "CronJob", pod: cron.spec.jobTemplate.spec.template.spec, longRunning: false } : undefined;
  const pod = args.asType(k8s.core.v1.Pod);
  if (pod) return pod.spec ? { kind: "Pod", pod: pod.spec, longRunning: true } : undefined;
  return undefined;
}

/**
 * Workloads that must run as root, each with the reason. Only DaemonSets that read node files
 * qualify, identified by namespace and name, and only while every container drops all
 * capabilities, cannot escalate, and mounts its hostPath volumes under /var/log read-only.
 */
export const ROOT_EXEMPTIONS: readonly { readonly namespace: string; readonly name: string; readonly reason: string }[] = [
  {
    namespace: NODE_AGENTS_NAMESPACE,
    name: "filebeat",
    // https://docs.aws.amazon.com/eks/latest/userguide/eks-optimized-ami.html (AL2023; kubelet writes pod logs 0640 root)
    reason: "reads /var/log/pods/*, which the kubelet writes root:root 0640 on EKS AL2023 nodes: only uid 0 can read them",
  },
];

function isExemptRootWorkload(args: ResourceValidationArgs, w: Workload): boolean {
  const ds = args.asType(k8s.apps.v1.DaemonSet);
  if (!ds || w.kind !== "DaemonSet") return false;
  const exemption = ROOT_EXEMPTIONS.find((e) => e.namespace === ds.metadata?.namespace && e.name === ds.metadata?.name);
  if (!exemption) return false;
  const hostPathVolumes = new Map((w.pod.volumes ?? []).filter((v) => v.hostPath).map((v) => [v.name, v.hostPath?.path ?? ""]));
  return allContainers(w.pod).every(
    (c) =>
      c.securityContext?.allowPrivilegeEscalation === false &&
      (c.securityContext.capabilities?.drop ?? []).includes("ALL") &&
      (c.securityContext.capabilities?.add ?? []).length === 0 &&
      (c.volumeMounts ?? []).every((m) => !(hostPathVolumes.get(m.name) ?? "").startsWith("/var/log") || m.readOnly === true),
  );
}

export const WORKLOAD_TYPES: readonly string[] = POD_MAKING_KINDS;

function allContainers(pod: PodSpec): readonly Container[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

/** Runs `check` on every workload kind, and is not applicable to anything else. */
function onWorkloads(check: (w: Workload, report: (message: string) => void) => void): ResourceValidation {
  return (args, report) => {
    const w = workloadOf(args);
    if (!w) return args.notApplicable("not a Kubernetes workload with a pod template");
    check(w, report);
  };
}

function hasQuantity(q: { [key: string]: string } | undefined, key: string): boolean {
  return q !== undefined && typeof q[key] === "string" && q[key] !== "";
}

export const kubernetesRules: readonly (ResourceRule | StackRule)[] = [
  resourceRule({
    name: "k8s-namespace-pod-security",
    control: C.CIS_EKS_4_2_1,
    severity: "high",
    description:
      `Every Namespace the program creates enforces a Pod Security level (label pod-security.kubernetes.io/enforce: restricted, baseline or privileged); the built-in admission controller then refuses pods above it. Only the node agents' namespace (${NODE_AGENTS_NAMESPACE}) may be privileged: a second one would admit host access next to ordinary workloads. https://kubernetes.io/docs/concepts/security/pod-security-admission/`,
    validateResource: (args, report) => {
      if (args.type !== "kubernetes:core/v1:Namespace") return;
      const metadata: unknown = args.props["metadata"];
      const labels: unknown = typeof metadata === "object" && metadata !== null ? Reflect.get(metadata, "labels") : undefined;
      const level: unknown = typeof labels === "object" && labels !== null ? Reflect.get(labels, "pod-security.kubernetes.io/enforce") : undefined;
      if (level !== "restricted" && level !== "baseline" && level !== "privileged") report("Namespace has no pod-security.kubernetes.io/enforce label (restricted, baseline or privileged).");
      const name: unknown = typeof metadata === "object" && metadata !== null ? Reflect.get(metadata, "name") : undefined;
      if (level === "privileged" && name !== NODE_AGENTS_NAMESPACE) report(`Namespace ${String(name)} is privileged; only ${NODE_AGENTS_NAMESPACE} may be. Move its node agents there, or enforce baseline.`);
    },
  }),
  stackRule({
    name: "k8s-namespace-default-deny",
    control: C.NIST_SC_7_5,
    severity: "high",
    description:
      "Every Namespace the program creates is closed by default: NetworkPolicies in it that select every pod (podSelector {}) with no rules deny both Ingress and Egress (one policy or one per direction); the allows it needs are separate policies. https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies",
    validateStack: (args, report) => {
      const metaField = (r: { props: Record<string, unknown> }, key: string): unknown => {
        const m: unknown = r.props["metadata"];
        return typeof m === "object" && m !== null ? Reflect.get(m, key) : undefined;
      };
      const namespaces = args.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace");
      if (namespaces.length === 0) return args.notApplicable("no Namespace");
      for (const n of namespaces) {
        const ns = metaField(n, "name");
        const denied = new Set<string>();
        for (const p of args.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && metaField(r, "namespace") === ns)) {
          const spec: unknown = p.props["spec"];
          if (typeof spec !== "object" || spec === null) continue;
          const selector: unknown = Reflect.get(spec, "podSelector");
          if (typeof selector !== "object" || selector === null || Object.keys(selector).length > 0) continue;
          const types: unknown = Reflect.get(spec, "policyTypes");
          for (const t of Array.isArray(types) ? types : []) {
            if (t === "Ingress" && Reflect.get(spec, "ingress") === undefined) denied.add("Ingress");
            if (t === "Egress" && Reflect.get(spec, "egress") === undefined) denied.add("Egress");
          }
        }
        const open = ["Ingress", "Egress"].filter((t) => !denied.has(t));
        if (open.length > 0) report(`namespace ${String(ns)} has no default-deny NetworkPolicy for ${open.join(" and ")} (podSelector {}, that policy type, no rules).`, n.urn);
      }
    },
  }),
  resourceRule({
    name: "k8s-resource-requests-limits",
    control: C.EKS_BP_RESOURCES,
    severity: "medium",
    description: "Every container and init container of a workload requests cpu and memory and limits memory, so the scheduler can place it and a leak cannot starve its node.",
    validateResource: onWorkloads((w, report) => {
      for (const c of allContainers(w.pod)) {
        const missing = [
          hasQuantity(c.resources?.requests, "cpu") ? undefined : "requests.cpu",
          hasQuantity(c.resources?.requests, "memory") ? undefined : "requests.memory",
          hasQuantity(c.resources?.limits, "memory") ? undefined : "limits.memory",
        ].filter((m): m is string => m !== undefined);
        if (missing.length > 0) report(`${w.kind} container ${c.name} lacks resources.${missing.join(", resources.")}.`);
      }
    }),
  }),
  resourceRule({
    name: "k8s-no-privileged-containers",
    control: C.CIS_EKS_4_2_1,
    severity: "critical",
    description: "No container sets securityContext.privileged: true.",
    validateResource: onWorkloads((w, report) => {
      for (const c of allContainers(w.pod)) if (c.securityContext?.privileged === true) report(`${w.kind} container ${c.name} is privileged.`);
    }),
  }),
  resourceRule({
    name: "k8s-no-host-namespaces",
    control: C.CIS_EKS_4_2_2_4,
    severity: "high",
    description: "Pods do not share the node's PID, IPC or network namespace (hostPID, hostIPC, hostNetwork).",
    validateResource: onWorkloads((w, report) => {
      const shared = (["hostPID", "hostIPC", "hostNetwork"] as const).filter((k) => w.pod[k] === true);
      if (shared.length > 0) report(`${w.kind} sets ${shared.join(", ")}.`);
    }),
  }),
  resourceRule({
    name: "k8s-run-as-non-root",
    control: C.CIS_EKS_4_2_6,
    severity: "high",
    description:
      "Every container runs as non-root: runAsNonRoot: true on the pod or on the container, and no runAsUser: 0. Exempt: the log-shipper DaemonSets of ROOT_EXEMPTIONS, while they drop every capability, cannot escalate and mount /var/log read-only.",
    validateResource: (args, report) => {
      const w = workloadOf(args);
      if (!w) return args.notApplicable("not a Kubernetes workload with a pod template");
      if (isExemptRootWorkload(args, w)) return;
      const podNonRoot = w.pod.securityContext?.runAsNonRoot === true;
      for (const c of allContainers(w.pod)) {
        const nonRoot = c.securityContext?.runAsNonRoot ?? podNonRoot;
        const uid = c.securityContext?.runAsUser ?? w.pod.securityContext?.runAsUser;
        if (nonRoot !== true) report(`${w.kind} container ${c.name} does not set runAsNonRoot: true (pod or container securityContext).`);
        else if (uid === 0) report(`${w.kind} container ${c.name} sets runAsUser: 0.`);
      }
    },
  }),
  resourceRule({
    name: "k8s-probes",
    control: C.EKS_BP_PROBES,
    severity: "medium",
    description: "Every container of a long-running workload has a readiness and a liveness probe (Jobs and CronJobs run to completion and are exempt).",
    validateResource: onWorkloads((w, report) => {
      if (!w.longRunning) return;
      for (const c of w.pod.containers) {
        const missing = [c.readinessProbe ? undefined : "readinessProbe", c.livenessProbe ? undefined : "livenessProbe"].filter((m): m is string => m !== undefined);
        if (missing.length > 0) report(`${w.kind} container ${c.name} lacks ${missing.join(" and ")}.`);
      }
    }),
  }),
];
