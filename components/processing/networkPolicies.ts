import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ANYWHERE_BUT_METADATA, ipBlockWithoutMetadata } from "../../lib/networkPolicy";

/** Where allowed traffic comes from or goes to. */
export type Peer =
  | { readonly namespace: string; readonly podLabels?: Readonly<Record<string, string>> }
  | { readonly cidrs: readonly string[] };

/** One allowed flow into (or out of) the selected pods, on TCP ports. */
export interface Flow {
  /** Pods of this namespace it applies to; default every pod. */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly peer: Peer;
  readonly ports: readonly number[];
  /** Why this flow exists (a comment in the policy's annotation). */
  readonly why: string;
}

export interface NamespaceNetworkPoliciesArgs {
  readonly provider: k8s.Provider;
  /** Namespace name, plain so that policies and checks can read it before the namespace exists. */
  readonly namespace: string;
  /** The Namespace resource the policies wait for. */
  readonly namespaceResource: pulumi.Resource;
  /** Pods of the namespace may talk to each other on any port (Spark driver <-> executors, Flink JobManager <-> TaskManagers). Default false. */
  readonly intraNamespace?: boolean;
  /** Ingress allowed beyond the intra-namespace rule, keyed by a stable name. */
  readonly ingress: Readonly<Record<string, Flow>>;
  /** Egress allowed beyond DNS and HTTPS, keyed by a stable name. Default none. */
  readonly egress?: Readonly<Record<string, Flow>>;
}

/** Prometheus pods of kube-prometheus-stack, the scraper every metrics rule admits. */
export const PROMETHEUS_PEER: Peer = { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } };

const tcp = (ports: readonly number[]): { protocol: string; port: number }[] => ports.map((port) => ({ protocol: "TCP", port }));

function peerOf(p: Peer): k8s.types.input.networking.v1.NetworkPolicyPeer[] {
  if ("cidrs" in p) return p.cidrs.map((cidr) => ({ ipBlock: ipBlockWithoutMetadata(cidr) }));
  return [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } }, ...(p.podLabels ? { podSelector: { matchLabels: { ...p.podLabels } } } : {}) }];
}

/**
 * Default deny in both directions for a processing namespace, then only what its engine needs:
 * DNS to CoreDNS, HTTPS out (the EKS API server, STS for IRSA, S3 through the gateway endpoint,
 * Maven Central for Spark packages), and the listed flows. The VPC CNI enforces them (the cluster
 * enables `enableNetworkPolicy`); kubelet probes are not subject to them.
 * https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
 */
export class NamespaceNetworkPolicies extends pulumi.ComponentResource {
  public readonly policies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;

  constructor(name: string, args: NamespaceNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:processing:NamespaceNetworkPolicies", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider, dependsOn: [args.namespaceResource] };
    const policy = (key: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec, why: string): k8s.networking.v1.NetworkPolicy =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: { name: key, namespace: args.namespace, annotations: { "entasis.io/why": why } }, spec }, k8sOpts);

    const policies: Record<string, k8s.networking.v1.NetworkPolicy> = {
      "default-deny": policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, "nothing in or out unless a policy below allows it"),
      "dns-and-https": policy(
        "dns-and-https",
        {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
              ports: [{ protocol: "UDP", port: 53 }, ...tcp([53])],
            },
            { to: [{ ipBlock: ANYWHERE_BUT_METADATA }], ports: tcp([443]) },
          ],
        },
        "DNS, and HTTPS to the Kubernetes API, STS (IRSA), S3 and package repositories",
      ),
    };
    if (args.intraNamespace) {
      policies["same-namespace"] = policy(
        "same-namespace",
        { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
        "the engine's own pods talk on ports it picks (RPC, block manager, shuffle)",
      );
    }
    for (const [key, flow] of Object.entries(args.ingress)) {
      policies[`allow-${key}`] = policy(
        `allow-${key}`,
        { podSelector: flow.podLabels ? { matchLabels: { ...flow.podLabels } } : {}, policyTypes: ["Ingress"], ingress: [{ from: peerOf(flow.peer), ports: tcp(flow.ports) }] },
        flow.why,
      );
    }
    for (const [key, flow] of Object.entries(args.egress ?? {})) {
      policies[`allow-${key}`] = policy(
        `allow-${key}`,
        { podSelector: flow.podLabels ? { matchLabels: { ...flow.podLabels } } : {}, policyTypes: ["Egress"], egress: [{ to: peerOf(flow.peer), ports: tcp(flow.ports) }] },
        flow.why,
      );
    }
    this.policies = policies;
    this.registerOutputs({});
  }
}
