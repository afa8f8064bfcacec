import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, pinnedRelease } from "../../lib/helmCharts";
import { podSecurityLabels } from "../../lib/podSecurity";
import { NamespaceGuard, PROMETHEUS_PODS } from "../security/namespaceGuard";

export interface CnpgOperatorArgs {
  readonly provider: k8s.Provider;
  /** Node labels of the pool it runs on (the system pool). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The system pool's node group and CoreDNS (`cluster.scheduledOn(pool)`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** The kube-prometheus-stack release: it owns the PodMonitor CRD the operator's own monitor needs. */
  readonly monitoringRelease: pulumi.Resource;
  /** `release` label value kube-prometheus-stack's Prometheus selects PodMonitors by. */
  readonly prometheusReleaseLabel: string;
  /** Operator replicas (leader election; 2+ survives a node loss). Default 1. */
  readonly replicas?: number;
  /** Where the API server calls webhooks from: the private subnets holding the EKS control plane's ENIs. No default. */
  readonly webhookSourceCidrs: readonly string[];
  /** Namespaces of the PostgreSQL clusters the operator manages (it reaches their instances on 8000 and 5432). No default. */
  readonly clusterNamespaces: readonly string[];
}

/** CNPG's webhook server port (chart `webhook.port`), the operator's metrics port and the plugin's gRPC port (plugin chart `service.port`). */
const WEBHOOK_PORT = 9443;
const OPERATOR_METRICS_PORT = 8080;
const PLUGIN_GRPC_PORT = 9090;

/** Namespace of the operator; the Barman Cloud plugin must run in the same one. */
export const CNPG_NAMESPACE = "cnpg-system";
/** Helm release name; the chart's fullname (and so its pod labels) derive from it. */
export const CNPG_RELEASE_NAME = "cnpg";
/** Pod labels of the operator (the chart's selector labels), for network policies. */
export const CNPG_OPERATOR_POD_LABELS = { "app.kubernetes.io/name": "cloudnative-pg", "app.kubernetes.io/instance": CNPG_RELEASE_NAME } as const;

/**
 * The CloudNativePG operator (chart cloudnative-pg 0.29.0 = CNPG 1.30) on the system pool. The
 * chart installs its CRDs as templates (`crds.create`, annotated keep), and its mutating and
 * validating webhooks fail closed, so every Cluster, Pooler, Database and backup object waits for
 * this release (Helm waits for the webhook Deployment to be ready).
 * https://cloudnative-pg.io/documentation/current/installation_upgrade/
 */
export class CnpgOperator extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: string;
  /** The namespace resource (the Barman Cloud plugin's release shares it). */
  public readonly namespaceResource: k8s.core.v1.Namespace;

  constructor(name: string, args: CnpgOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:timeseries:CnpgOperator", name, {}, opts);
    const chart = CHARTS.cloudnativePg;
    this.namespace = CNPG_NAMESPACE;
    // Created here, not by Helm, so it carries a Pod Security level and NetworkPolicies. The
    // operator and the Barman Cloud plugin run non-root with RuntimeDefault seccomp and no
    // capabilities (chart defaults): `restricted`.
    this.namespaceResource = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: CNPG_NAMESPACE, labels: podSecurityLabels("restricted") } }, { parent: this, provider: args.provider });
    new NamespaceGuard(
      `${name}-guard`,
      {
        provider: args.provider,
        namespace: CNPG_NAMESPACE,
        namespaceResource: this.namespaceResource,
        ingress: {
          webhook: { podLabels: CNPG_OPERATOR_POD_LABELS, peers: [{ cidrs: args.webhookSourceCidrs }], ports: [WEBHOOK_PORT], why: "the API server calls the operator's admission webhooks" },
          metrics: { podLabels: CNPG_OPERATOR_POD_LABELS, peers: [PROMETHEUS_PODS], ports: [OPERATOR_METRICS_PORT], why: "Prometheus scrapes the operator (PodMonitor)" },
          plugin: { peers: [{ podLabels: CNPG_OPERATOR_POD_LABELS }], ports: [PLUGIN_GRPC_PORT], why: "the operator calls the Barman Cloud plugin (CNPG-I over mTLS)" },
        },
        egress: {
          plugin: { podLabels: CNPG_OPERATOR_POD_LABELS, peers: [{}], ports: [PLUGIN_GRPC_PORT], why: "the operator calls the Barman Cloud plugin (CNPG-I over mTLS)" },
          instances: {
            podLabels: CNPG_OPERATOR_POD_LABELS,
            peers: args.clusterNamespaces.map((namespace) => ({ namespace, podLabels: { "cnpg.io/podRole": "instance" } })),
            ports: [8000, 5432],
            why: "the operator reaches the instance managers (status 8000) and PostgreSQL",
          },
        },
      },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        // Waits for the image pull and the webhook Deployment becoming ready.
        ...pinnedRelease(chart, CNPG_RELEASE_NAME, CNPG_NAMESPACE),
        createNamespace: false,
        values: {
          crds: { create: true },
          replicaCount: args.replicas ?? 1,
          nodeSelector: { ...args.nodeSelector },
          resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
          // The operator's own metrics (reconcile errors, webhook latency).
          monitoring: { podMonitorEnabled: true, podMonitorAdditionalLabels: { release: args.prometheusReleaseLabel } },
        },
      },
      { parent: this, provider: args.provider, dependsOn: [this.namespaceResource, ...args.scheduledAfter, args.monitoringRelease] },
    );
    this.registerOutputs({ namespace: this.namespace });
  }
}
