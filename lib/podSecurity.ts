/**
 * Pod Security Standards levels, enforced per namespace by the built-in admission controller.
 * https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/**
 * The labels of a namespace that enforces `level` and warns and audits at `restricted`, so a
 * chart upgrade that would pass `restricted` shows up before anyone raises the level.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
  };
}

/**
 * The one namespace whose node agents need the host (hostNetwork, hostPID, hostPath, root,
 * network-namespace capabilities): Prometheus' node exporter, NVIDIA's DCGM exporter, Filebeat,
 * and the mesh's CNI agent and ztunnel. The only namespace allowed to be `privileged` (policy rule
 * k8s-namespace-pod-security).
 */
export const NODE_AGENTS_NAMESPACE = "node-agents";
