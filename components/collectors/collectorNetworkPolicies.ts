import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlainIngressPolicy, networkPolicyIngress } from "../mesh/mirror";
import { CollectorNames } from "./names";
import { ANYWHERE_BUT_METADATA } from "../../lib/networkPolicy";
import { AMQPS_PORT } from "../messaging/broker";

/** AWS APIs (STS for IRSA, SSM, Secrets Manager) are reached over HTTPS, whatever the feed's ports. */
export const HTTPS_PORT = 443;
export const POSTGRES_PORT = 5432;

export interface CollectorNetworkPoliciesArgs {
  readonly provider: k8s.Provider;
  /** Namespace (an Output of the Namespace). */
  readonly namespace: pulumi.Input<string>;
  /** Each collector's names, metrics port and target ports, keyed by feed. */
  readonly collectors: Readonly<Record<string, { readonly names: CollectorNames; readonly metricsPort: number; readonly targetPorts: readonly number[] }>>;
  /** Database subnets: Amazon MQ's brokers live there (AMQPS 5671). */
  readonly databaseCidrs: readonly string[];
  /** The time-series pooler: namespace and pod labels (PgBouncer on 5432). */
  readonly pooler: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** Namespace and pod labels of Prometheus. */
  readonly prometheus: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

const tcp = (port: number): { protocol: string; port: number } => ({ protocol: "TCP", port });
const inNamespace = (namespace: string, podLabels: Readonly<Record<string, string>>) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
  podSelector: { matchLabels: { ...podLabels } },
});

/**
 * Network policies of the collectors namespace (the VPC CNI enforces them): deny everything, then
 * per collector only its own pods (selected by `app: collector-<feed>`) get DNS, the internet on
 * 443 and its feed's ports (never the instance metadata service), the broker on 5671 in the
 * database subnets, and the time-series pooler on 5432; Prometheus may scrape its metrics port.
 * Nothing else calls a collector.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class CollectorNetworkPolicies extends pulumi.ComponentResource {
  public readonly policies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;
  /** The ingress policies as plain data, for the mesh's mirrored AuthorizationPolicies. */
  public readonly ingressPolicies: readonly PlainIngressPolicy[];

  constructor(name: string, args: CollectorNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:collectors:CollectorNetworkPolicies", name, {}, opts);
    const policy = (key: string, policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec): k8s.networking.v1.NetworkPolicy =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: { name: policyName, namespace: args.namespace }, spec }, { parent: this, provider: args.provider });

    const ingressPolicies: PlainIngressPolicy[] = [{ name: "default-deny", podSelector: { matchLabels: {} }, ingress: [] }];
    const policies: Record<string, k8s.networking.v1.NetworkPolicy> = {
      defaultDeny: policy("default-deny", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    };
    for (const [feed, c] of Object.entries(args.collectors)) {
      const own = { matchLabels: { app: c.names.app } };
      const internetPorts = [...new Set([HTTPS_PORT, ...c.targetPorts])].sort((a, b) => a - b);
      policies[`${feed}-egress`] = policy(`${feed}-egress`, `${c.names.app}-egress`, {
        podSelector: own,
        policyTypes: ["Egress"],
        egress: [
          { to: [inNamespace("kube-system", { "k8s-app": "kube-dns" })], ports: [{ protocol: "UDP", port: 53 }, tcp(53)] },
          // The exchange or feed, and AWS APIs; the metadata service stays out of reach.
          // Never the instance metadata service: a collector's credentials come from IRSA.
          { to: [{ ipBlock: { cidr: ANYWHERE_BUT_METADATA.cidr, except: [...(ANYWHERE_BUT_METADATA.except ?? [])] } }], ports: internetPorts.map(tcp) },
          { to: args.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(AMQPS_PORT)] },
          { to: [inNamespace(args.pooler.namespace, args.pooler.podLabels)], ports: [tcp(POSTGRES_PORT)] },
        ],
      });
      const metrics: PlainIngressPolicy = {
        name: `${c.names.app}-metrics-from-prometheus`,
        podSelector: own,
        ingress: [{ from: [inNamespace(args.prometheus.namespace, args.prometheus.podLabels)], ports: [tcp(c.metricsPort)] }],
      };
      ingressPolicies.push(metrics);
      policies[`${feed}-metrics`] = policy(`${feed}-metrics`, metrics.name, {
        podSelector: { matchLabels: { ...metrics.podSelector.matchLabels } },
        policyTypes: ["Ingress"],
        ingress: networkPolicyIngress(metrics),
      });
    }
    this.policies = policies;
    this.ingressPolicies = ingressPolicies;
    this.registerOutputs({});
  }
}
