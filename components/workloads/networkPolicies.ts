import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ANYWHERE_BUT_METADATA, ipBlockWithoutMetadata } from "../../lib/networkPolicy";
import { PlainIngressPolicy, networkPolicyIngress } from "../mesh/mirror";

export interface ApiNetworkPoliciesArgs {
  readonly namespace: string;
  readonly httpPort: number;
  readonly metricsPort: number;
  /** Source CIDRs of the load balancers' ENIs (IP targets see these as client addresses). */
  readonly loadBalancerCidrs: readonly string[];
  /** Database subnets (PostgreSQL, RDS Proxy, Redis). */
  readonly databaseCidrs: readonly string[];
  /** Namespace and pod labels of Prometheus. Default namespace monitoring, kube-prometheus-stack's Prometheus pods. */
  readonly prometheus?: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  readonly provider: k8s.Provider;
}

const SELECTED = { app: "trading-api" } as const;
const DEFAULT_PROMETHEUS = { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } } as const;

/**
 * Network policies of the trading-api namespace. The VPC CNI enforces them (the cluster enables
 * `enableNetworkPolicy`). Policies are additive: a pod accepts what any policy selecting it allows.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class ApiNetworkPolicies extends pulumi.ComponentResource {
  public readonly policies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;
  /** The ingress policies as plain data, for the mesh's mirrored AuthorizationPolicies. */
  public readonly ingressPolicies: readonly PlainIngressPolicy[];

  constructor(name: string, args: ApiNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:workloads:ApiNetworkPolicies", name, {}, opts);
    const ns = args.namespace;
    const prom = args.prometheus ?? DEFAULT_PROMETHEUS;
    const k8sOpts = { parent: this, provider: args.provider };
    const policy = (key: string, policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec): k8s.networking.v1.NetworkPolicy =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: { name: policyName, namespace: ns }, spec }, k8sOpts);
    const tcp = (port: number): { protocol: string; port: number } => ({ protocol: "TCP", port });

    const selected = { matchLabels: { ...SELECTED } };
    // The ingress policies as plain data: the NetworkPolicies below and, when the namespace is in
    // the mesh, their mirrored AuthorizationPolicies are made from the same rules.
    const ingress = {
      defaultDeny: { name: "default-deny-ingress", podSelector: { matchLabels: {} }, ingress: [] },
      // The spec's policy, verbatim (004 "Network Policies").
      spec: { name: "api-network-policy", podSelector: selected, ingress: [{ from: [{ podSelector: { matchLabels: { role: "frontend" } } }], ports: [tcp(args.httpPort)] }] },
      // ALB/NLB IP targets: requests and health checks arrive from the load balancers' ENIs in
      // their subnets, not from pods, so the spec's pod selector alone would drop them.
      loadBalancers: { name: "trading-api-from-load-balancers", podSelector: selected, ingress: [{ from: args.loadBalancerCidrs.map((cidr) => ({ ipBlock: ipBlockWithoutMetadata(cidr) })), ports: [tcp(args.httpPort)] }] },
      prometheus: {
        name: "trading-api-metrics-from-prometheus",
        podSelector: selected,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": prom.namespace } }, podSelector: { matchLabels: { ...prom.podLabels } } }], ports: [tcp(args.metricsPort)] }],
      },
    } satisfies Record<string, PlainIngressPolicy>;
    this.ingressPolicies = Object.values(ingress);

    this.policies = {
      // Nothing reaches any pod of the namespace unless a policy below allows it.
      defaultDeny: policy("default-deny", ingress.defaultDeny.name, { podSelector: {}, policyTypes: ["Ingress"] }),
      // Nor does any pod reach anything: egress is closed too, then opened per flow below.
      defaultDenyEgress: policy("default-deny-egress", "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),

      // Listing Egress with no egress rules isolates the pods for egress: on its own it would deny
      // all egress (DNS, database, AWS APIs). The spec's object stays as written;
      // `trading-api-egress` adds what the app needs.
      spec: policy("api", ingress.spec.name, { podSelector: { matchLabels: { ...SELECTED } }, policyTypes: ["Ingress", "Egress"], ingress: networkPolicyIngress(ingress.spec) }),

      loadBalancers: policy("load-balancers", ingress.loadBalancers.name, { podSelector: { matchLabels: { ...SELECTED } }, policyTypes: ["Ingress"], ingress: networkPolicyIngress(ingress.loadBalancers) }),

      prometheus: policy("prometheus", ingress.prometheus.name, { podSelector: { matchLabels: { ...SELECTED } }, policyTypes: ["Ingress"], ingress: networkPolicyIngress(ingress.prometheus) }),

      egress: policy("egress", "trading-api-egress", {
        podSelector: { matchLabels: { ...SELECTED } },
        policyTypes: ["Egress"],
        egress: [
          // CoreDNS.
          {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
          },
          // PostgreSQL (instance or RDS Proxy), Redis and RabbitMQ (AMQPS) in the database subnets.
          { to: args.databaseCidrs.map((cidr) => ({ ipBlock: ipBlockWithoutMetadata(cidr) })), ports: [tcp(5432), tcp(6379), tcp(5671)] },
          // AWS APIs (STS for IRSA, Secrets Manager) and exchange APIs, all over TLS.
          { to: [{ ipBlock: ANYWHERE_BUT_METADATA }], ports: [tcp(443)] },
        ],
      }),
    };
    this.registerOutputs({});
  }
}
