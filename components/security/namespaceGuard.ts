import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ANYWHERE_BUT_METADATA, dnsEgress, ipBlockWithoutMetadata } from "../../lib/networkPolicy";

/**
 * Who traffic comes from or goes to: pods of a namespace (this one when `namespace` is unset), pods
 * of every namespace, or CIDRs (169.254.169.254 always excepted).
 */
export type GuardPeer =
  | { readonly namespace?: string; readonly podLabels?: Readonly<Record<string, string>> }
  | { readonly anyNamespace: true; readonly podLabels?: Readonly<Record<string, string>> }
  | { readonly cidrs: readonly string[] };

/** A port; TCP unless stated. */
export type GuardPort = number | { readonly port: number; readonly protocol: "TCP" | "UDP" };

/** One allowed flow into or out of some pods of the namespace. */
export interface GuardFlow {
  /** Pods of the guarded namespace it applies to; default every pod. */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly peers: readonly GuardPeer[];
  /** Ports; default every port. */
  readonly ports?: readonly GuardPort[];
  /** Why the flow exists (the policy's `entasis.io/why` annotation). */
  readonly why: string;
}

export interface NamespaceGuardArgs {
  readonly provider: k8s.Provider;
  /** The namespace's name, plain so tests and checks can read it. */
  readonly namespace: string;
  /** The Namespace resource the policies wait for. */
  readonly namespaceResource: pulumi.Resource;
  /** Ingress allowed, keyed by a stable name (the policy is `allow-<key>`). Default none. */
  readonly ingress?: Readonly<Record<string, GuardFlow>>;
  /** Egress allowed beyond DNS (and HTTPS when `httpsOut`), keyed by a stable name. Default none. */
  readonly egress?: Readonly<Record<string, GuardFlow>>;
  /** Every pod may open HTTPS (443) to anything but the instance metadata service: the Kubernetes API, STS for IRSA, AWS APIs. Default true. */
  readonly httpsOut?: boolean;
}

/** Prometheus of kube-prometheus-stack (namespace `monitoring`, components/observability/monitoring.ts): the one scraper metrics ports admit. */
export const PROMETHEUS_PODS: GuardPeer = { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } };

function portsOf(ports: readonly GuardPort[] | undefined): k8s.types.input.networking.v1.NetworkPolicyPort[] | undefined {
  return ports?.map((p) => (typeof p === "number" ? { protocol: "TCP", port: p } : { protocol: p.protocol, port: p.port }));
}

function peersOf(peers: readonly GuardPeer[]): k8s.types.input.networking.v1.NetworkPolicyPeer[] {
  return peers.flatMap((p): k8s.types.input.networking.v1.NetworkPolicyPeer[] => {
    if ("cidrs" in p) return p.cidrs.map((cidr) => ({ ipBlock: ipBlockWithoutMetadata(cidr) }));
    const pods = { podSelector: { matchLabels: { ...(p.podLabels ?? {}) } } };
    if ("anyNamespace" in p) return [{ namespaceSelector: {}, ...pods }];
    return p.namespace === undefined ? [pods] : [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } }, ...pods }];
  });
}

const selectorOf = (labels?: Readonly<Record<string, string>>) => ({ matchLabels: { ...(labels ?? {}) } });

/**
 * The NetworkPolicies (name and spec) that allow each flow: `allow-<key>` for ingress,
 * `allow-<key>-out` for egress. NamespaceGuard and NamespaceFlows both build them here, so a
 * namespace's policies look the same whoever adds them.
 */
export function flowPolicies(
  ingress: Readonly<Record<string, GuardFlow>>,
  egress: Readonly<Record<string, GuardFlow>>,
): { readonly name: string; readonly spec: k8s.types.input.networking.v1.NetworkPolicySpec; readonly why: string }[] {
  return [
    ...Object.entries(ingress).map(([key, flow]) => ({
      name: `allow-${key}`,
      spec: { podSelector: selectorOf(flow.podLabels), policyTypes: ["Ingress"], ingress: [{ from: peersOf(flow.peers), ports: portsOf(flow.ports) }] },
      why: flow.why,
    })),
    ...Object.entries(egress).map(([key, flow]) => ({
      name: `allow-${key}-out`,
      spec: { podSelector: selectorOf(flow.podLabels), policyTypes: ["Egress"], egress: [{ to: peersOf(flow.peers), ports: portsOf(flow.ports) }] },
      why: flow.why,
    })),
  ];
}

/**
 * A namespace closed by default: a default-deny NetworkPolicy for ingress and egress, DNS to
 * CoreDNS, HTTPS out (never to 169.254.169.254), and only the listed flows. The VPC CNI enforces
 * them (the cluster sets `enableNetworkPolicy`); kubelet probes and hostNetwork pods are not
 * subject to them. https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
 */
export class NamespaceGuard extends pulumi.ComponentResource {
  public readonly policies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;

  constructor(name: string, args: NamespaceGuardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:security:NamespaceGuard", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider, dependsOn: [args.namespaceResource] };
    const policy = (key: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec, why: string): k8s.networking.v1.NetworkPolicy =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: { name: key, namespace: args.namespace, annotations: { "entasis.io/why": why } }, spec }, k8sOpts);

    const egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = [dnsEgress()];
    if (args.httpsOut ?? true) egress.push({ to: [{ ipBlock: ANYWHERE_BUT_METADATA }], ports: [{ protocol: "TCP", port: 443 }] });
    const policies: Record<string, k8s.networking.v1.NetworkPolicy> = {
      "default-deny": policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, "nothing in or out unless a policy below allows it"),
      "dns-and-https": policy("dns-and-https", { podSelector: {}, policyTypes: ["Egress"], egress }, "DNS; HTTPS to the Kubernetes API, STS (IRSA) and AWS APIs, never to instance metadata"),
    };
    for (const p of flowPolicies(args.ingress ?? {}, args.egress ?? {})) policies[p.name] = policy(p.name, p.spec, p.why);
    this.policies = policies;
    this.registerOutputs({});
  }
}
