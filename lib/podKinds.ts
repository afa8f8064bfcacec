/**
 * Built-in Kubernetes kinds whose objects make pods, as Pulumi types them: what the policy pack's
 * workload rules inspect and what the plan counts as scheduled on a pool. One list for both.
 * https://kubernetes.io/docs/concepts/workloads/controllers/
 */
export const POD_MAKING_KINDS: readonly string[] = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
  "kubernetes:core/v1:Pod",
];
