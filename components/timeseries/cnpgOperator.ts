import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, helmWaitOptions } from "../../lib/helmCharts";

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
}

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

  constructor(name: string, args: CnpgOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:timeseries:CnpgOperator", name, {}, opts);
    const chart = CHARTS.cloudnativePg;
    this.namespace = CNPG_NAMESPACE;
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        name: CNPG_RELEASE_NAME,
        namespace: CNPG_NAMESPACE,
        createNamespace: true,
        cleanupOnFail: true,
        // Image pull and the webhook Deployment becoming ready.
        ...helmWaitOptions(chart),
        values: {
          crds: { create: true },
          replicaCount: args.replicas ?? 1,
          nodeSelector: { ...args.nodeSelector },
          resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
          // The operator's own metrics (reconcile errors, webhook latency).
          monitoring: { podMonitorEnabled: true, podMonitorAdditionalLabels: { release: args.prometheusReleaseLabel } },
        },
      },
      { parent: this, provider: args.provider, dependsOn: [...args.scheduledAfter, args.monitoringRelease] },
    );
    this.registerOutputs({ namespace: this.namespace });
  }
}
