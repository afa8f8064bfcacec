import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ANYWHERE_BUT_METADATA, ipBlockWithoutMetadata } from "../../lib/networkPolicy";

/** Pod labels the locust chart puts on its pods (`component` plus the selector labels). */
export const MASTER_LABELS = { component: "master" } as const;
export const WORKER_LABELS = { component: "worker" } as const;
/** Locust master ports: web UI and /metrics, and the port workers connect to. */
export const MASTER_WEB_PORT = 8089;
export const MASTER_WORKER_PORT = 5557;

export interface LoadTestNetworkArgs {
  readonly provider: k8s.Provider;
  readonly namespace: string;
  readonly namespaceResource: pulumi.Resource;
  /** Where the target (the ALB) is reached: its subnets' CIDRs, or 0.0.0.0/0 for an internet-facing ALB (public addresses that change). */
  readonly targetCidrs: readonly string[];
  /** The listener port users take (443 with a certificate, 80 without). */
  readonly targetPort: number;
  /** Prometheus pods' namespace and labels (the scrape of the master's /metrics). */
  readonly prometheus: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

/**
 * The load-test namespace's policies: deny everything, then DNS, the users' path to the ALB,
 * workers to the master, Prometheus to the master's web port, and HTTPS out for the master alone
 * (STS for its IRSA credentials and S3 for the run summary; both are public endpoints, which a
 * NetworkPolicy cannot name). The VPC CNI enforces them. https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
 */
export function loadTestNetworkPolicies(parent: pulumi.Resource, name: string, args: LoadTestNetworkArgs): Record<string, k8s.networking.v1.NetworkPolicy> {
  const opts = { parent, provider: args.provider, dependsOn: [args.namespaceResource] };
  const policy = (key: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec, why: string): k8s.networking.v1.NetworkPolicy =>
    new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: { name: key, namespace: args.namespace, annotations: { "entasis.io/why": why } }, spec }, opts);
  const tcp = (port: number) => [{ protocol: "TCP", port }];
  return {
    "default-deny": policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, "nothing in or out unless a policy below allows it"),
    dns: policy(
      "dns",
      {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, ...tcp(53)] }],
      },
      "DNS: the ALB's name and the AWS endpoints",
    ),
    "to-target": policy(
      "to-target",
      { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: args.targetCidrs.map((cidr) => ({ ipBlock: ipBlockWithoutMetadata(cidr) })), ports: tcp(args.targetPort) }] },
      "the users' path: trading-api through the ALB's listener",
    ),
    "workers-to-master": policy(
      "workers-to-master",
      { podSelector: { matchLabels: { ...WORKER_LABELS } }, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { ...MASTER_LABELS } } }], ports: tcp(MASTER_WORKER_PORT) }] },
      "workers report to the master",
    ),
    "master-from-workers": policy(
      "master-from-workers",
      { podSelector: { matchLabels: { ...MASTER_LABELS } }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { ...WORKER_LABELS } } }], ports: tcp(MASTER_WORKER_PORT) }] },
      "the master accepts its workers",
    ),
    "master-from-prometheus": policy(
      "master-from-prometheus",
      {
        podSelector: { matchLabels: { ...MASTER_LABELS } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.prometheus.namespace } }, podSelector: { matchLabels: { ...args.prometheus.podLabels } } }], ports: tcp(MASTER_WEB_PORT) }],
      },
      "Prometheus scrapes the master's /metrics",
    ),
    "master-https": policy(
      "master-https",
      { podSelector: { matchLabels: { ...MASTER_LABELS } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: ANYWHERE_BUT_METADATA }], ports: tcp(443) }] },
      "the master only: STS (IRSA credentials) and S3 (run summary)",
    ),
  };
}
