import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ANYWHERE_BUT_METADATA } from "../../lib/networkPolicy";

export interface TimeseriesNetworkPoliciesArgs {
  readonly provider: k8s.Provider;
  /** Namespace of the database (an Output of the Namespace). */
  readonly namespace: pulumi.Input<string>;
  readonly clusterName: string;
  readonly poolerName: string;
  /** Namespace and pod labels of the CloudNativePG operator. */
  readonly operator: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** Namespace and pod labels of Prometheus. */
  readonly prometheus: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** Namespaces whose pods may connect on 5432. */
  readonly clientNamespaces: readonly string[];
  /** The database namespace's name, for selectors in other namespaces. */
  readonly namespaceName: string;
  /**
   * Client workloads of this platform whose own policies restrict egress (trading-api): each gets
   * an egress policy in its namespace to the database on 5432, keyed by workload. Default none.
   */
  readonly clientEgress?: readonly { readonly key: string; readonly namespace: pulumi.Input<string>; readonly podLabels: Readonly<Record<string, string>> }[];
}

/** PostgreSQL, the instance manager's status endpoint, and the two exporters. */
export const PORTS = { postgres: 5432, status: 8000, instanceMetrics: 9187, poolerMetrics: 9127 } as const;

const tcp = (port: number): { protocol: string; port: number } => ({ protocol: "TCP", port });
const inNamespace = (namespace: string, podLabels: Readonly<Record<string, string>>) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
  podSelector: { matchLabels: { ...podLabels } },
});

/**
 * Network policies of the time-series namespace (enforced by the VPC CNI): deny everything, then
 * allow the operator to reach the instances (status 8000, PostgreSQL 5432), instances and their
 * join/initdb jobs to reach each other (replication), PgBouncer to reach the instances, application
 * namespaces to reach PgBouncer and the instances on 5432, Prometheus to scrape both exporters,
 * and egress to DNS and to 443 (S3 for WAL and backups, STS for IRSA, the Kubernetes API the
 * instance manager and PgBouncer watch).
 * https://cloudnative-pg.io/documentation/current/networking/
 */
export class TimeseriesNetworkPolicies extends pulumi.ComponentResource {
  public readonly policies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;

  constructor(name: string, args: TimeseriesNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:timeseries:TimeseriesNetworkPolicies", name, {}, opts);
    const ns = args.namespace;
    const policy = (key: string, policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec): k8s.networking.v1.NetworkPolicy =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: { name: policyName, namespace: ns }, spec }, { parent: this, provider: args.provider });
    // Every CNPG cluster of the namespace (the program's, and a restore drill's side cluster).
    const clusterPods = { matchExpressions: [{ key: "cnpg.io/cluster", operator: "Exists" }] };
    const instances = { matchLabels: { "cnpg.io/podRole": "instance" } };
    const pooler = { matchLabels: { "cnpg.io/poolerName": args.poolerName } };
    const clients = args.clientNamespaces.length > 0 ? [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...args.clientNamespaces] }] } }] : [];
    const dns = {
      to: [inNamespace("kube-system", { "k8s-app": "kube-dns" })],
      ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
    };
    const https = { to: [{ ipBlock: ANYWHERE_BUT_METADATA }], ports: [tcp(443)] };

    this.policies = {
      defaultDeny: policy("default-deny", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      instancesIngress: policy("instances-ingress", `${args.clusterName}-instances-ingress`, {
        podSelector: instances,
        policyTypes: ["Ingress"],
        ingress: [
          { from: [inNamespace(args.operator.namespace, args.operator.podLabels)], ports: [tcp(PORTS.status), tcp(PORTS.postgres)] },
          { from: [{ podSelector: clusterPods }], ports: [tcp(PORTS.postgres), tcp(PORTS.status)] },
          { from: [{ podSelector: pooler }], ports: [tcp(PORTS.postgres)] },
          { from: [inNamespace(args.prometheus.namespace, args.prometheus.podLabels)], ports: [tcp(PORTS.instanceMetrics)] },
          ...(clients.length > 0 ? [{ from: clients, ports: [tcp(PORTS.postgres)] }] : []),
        ],
      }),
      clusterEgress: policy("cluster-egress", `${args.clusterName}-egress`, {
        podSelector: clusterPods,
        policyTypes: ["Egress"],
        egress: [dns, { to: [{ podSelector: clusterPods }], ports: [tcp(PORTS.postgres), tcp(PORTS.status)] }, https],
      }),
      poolerIngress: policy("pooler-ingress", `${args.poolerName}-ingress`, {
        podSelector: pooler,
        policyTypes: ["Ingress"],
        ingress: [
          ...(clients.length > 0 ? [{ from: clients, ports: [tcp(PORTS.postgres)] }] : []),
          { from: [inNamespace(args.prometheus.namespace, args.prometheus.podLabels)], ports: [tcp(PORTS.poolerMetrics)] },
        ],
      }),
      poolerEgress: policy("pooler-egress", `${args.poolerName}-egress`, {
        podSelector: pooler,
        policyTypes: ["Egress"],
        egress: [dns, { to: [{ podSelector: instances }], ports: [tcp(PORTS.postgres)] }, https],
      }),
      ...Object.fromEntries(
        (args.clientEgress ?? []).map((c) => [
          `egress-${c.key}`,
          new k8s.networking.v1.NetworkPolicy(
            `${name}-egress-${c.key}`,
            {
              metadata: { name: `${c.key}-to-timeseries`, namespace: c.namespace },
              spec: {
                podSelector: { matchLabels: { ...c.podLabels } },
                policyTypes: ["Egress"],
                egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.namespaceName } } }], ports: [tcp(PORTS.postgres)] }],
              },
            },
            { parent: this, provider: args.provider },
          ),
        ]),
      ),
    };
    this.registerOutputs({});
  }
}
