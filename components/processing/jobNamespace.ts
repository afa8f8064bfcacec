import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PROCESSING_LABEL } from "../../lib/processingNames";
import { Placement, placementCel } from "./placement";

export interface JobNamespaceArgs {
  readonly provider: k8s.Provider;
  /** Namespace name (validated: not a platform namespace). */
  readonly namespace: string;
  /** Engine whose jobs run here (`spark`, `flink`); a label of the namespace. */
  readonly engine: string;
  /** Where every pod of the namespace must run: the data-processing pool. */
  readonly placement: Placement;
  /** What to tell a job whose pods lack the placement (which CR fields set it). */
  readonly placementHint: string;
  /** ResourceQuota: CPU in cores, memory in GiB, pods. */
  readonly quota: { readonly cpu: number; readonly memoryGiB: number; readonly pods: number };
  /** LimitRange default request (and memory limit) of a container that states none. */
  readonly containerDefault: { readonly cpuMillis: number; readonly memoryMiB: number };
  /** LimitRange max per container: what one node of the pool offers pods. */
  readonly containerMax: { readonly cpuMillis: number; readonly memoryMiB: number };
}


/**
 * A namespace where one engine runs jobs: its ResourceQuota and LimitRange, and a
 * ValidatingAdmissionPolicy that rejects any pod created there without the data pool's node
 * selector and tolerations. The pool's taint keeps other pods off the pool; this keeps job pods
 * on it, whoever writes the job. ValidatingAdmissionPolicy is GA since Kubernetes 1.30 and runs
 * after mutating webhooks (the Spark operator's), so it sees the final pod.
 * https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 */
export class JobNamespace extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly name: pulumi.Output<string>;
  public readonly quota: k8s.core.v1.ResourceQuota;
  public readonly limitRange: k8s.core.v1.LimitRange;
  public readonly placementPolicy: k8s.admissionregistration.v1.ValidatingAdmissionPolicy;
  public readonly placementBinding: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding;

  constructor(name: string, args: JobNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:processing:JobNamespace", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const ns = args.namespace;

    // baseline enforced (no privileged or host access); restricted only warns: Spark and Flink
    // build their pods themselves and do not set every field the restricted profile requires.
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: ns,
          labels: {
            [PROCESSING_LABEL]: args.engine,
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      },
      k8sOpts,
    );
    this.name = this.namespace.metadata.name;
    const inNamespace = { ...k8sOpts, dependsOn: [this.namespace] };

    // Quota on requests and memory limits only: a CPU-limit quota would force a CPU limit on every
    // Spark executor, which Spark leaves unset by default.
    this.quota = new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      {
        metadata: { name: "processing-quota", namespace: ns },
        spec: {
          hard: {
            "requests.cpu": `${args.quota.cpu}`,
            "requests.memory": `${args.quota.memoryGiB}Gi`,
            "limits.memory": `${args.quota.memoryGiB}Gi`,
            pods: `${args.quota.pods}`,
          },
        },
      },
      inNamespace,
    );

    this.limitRange = new k8s.core.v1.LimitRange(
      `${name}-limits`,
      {
        metadata: { name: "processing-limits", namespace: ns },
        spec: {
          limits: [
            {
              type: "Container",
              defaultRequest: { cpu: `${args.containerDefault.cpuMillis}m`, memory: `${args.containerDefault.memoryMiB}Mi` },
              default: { memory: `${args.containerDefault.memoryMiB}Mi` },
              // Larger than one node's room can never schedule: reject it at admission instead.
              max: { cpu: `${args.containerMax.cpuMillis}m`, memory: `${args.containerMax.memoryMiB}Mi` },
            },
          ],
        },
      },
      inNamespace,
    );

    const policyName = `${ns}-data-pool-placement`;
    this.placementPolicy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      `${name}-placement`,
      {
        metadata: { name: policyName },
        spec: {
          failurePolicy: "Fail",
          matchConstraints: {
            resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }],
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
          },
          validations: placementCel(args.placement).map((c) => ({
            expression: c.expression,
            message: `pods in ${ns} run on the data-processing pool only and must carry ${c.what}; ${args.placementHint}`,
            reason: "Forbidden",
          })),
        },
      },
      k8sOpts,
    );
    this.placementBinding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      `${name}-placement`,
      {
        metadata: { name: policyName },
        spec: {
          policyName,
          validationActions: ["Deny"],
          matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } },
        },
      },
      { ...k8sOpts, dependsOn: [this.placementPolicy] },
    );

    this.registerOutputs({ name: this.name });
  }
}
