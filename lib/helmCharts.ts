/**
 * Helm charts this platform installs, pinned. Values set on them must be keys of the chart's own
 * values.yaml at that version (copies in /work/shared/charts, see its README).
 */
export interface ChartPin {
  readonly chart: string;
  readonly version: string;
  /** Application version the chart ships; some must match the cluster (cluster-autoscaler). */
  readonly appVersion: string;
  readonly repo: string;
}

export const CHARTS = {
  /** Autoscaler minor must equal the cluster's Kubernetes minor.
   * https://github.com/kubernetes/autoscaler/tree/master/cluster-autoscaler#releases */
  clusterAutoscaler: { chart: "cluster-autoscaler", version: "9.59.0", appVersion: "1.35.0", repo: "https://kubernetes.github.io/autoscaler" },
  metricsServer: { chart: "metrics-server", version: "3.13.1", appVersion: "0.8.1", repo: "https://kubernetes-sigs.github.io/metrics-server/" },
  /** ECK operator; its CRDs come with the chart's eck-operator-crds subchart (installCRDs).
   * https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-install-helm.html */
  eckOperator: { chart: "eck-operator", version: "3.5.0", appVersion: "3.5.0", repo: "https://helm.elastic.co" },
  /** Prometheus Operator, Prometheus, Alertmanager, Grafana (subchart grafana 12.11.1 from
   * https://grafana-community.github.io/helm-charts), kube-state-metrics, node-exporter. */
  kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", appVersion: "v0.93.1", repo: "https://prometheus-community.github.io/helm-charts" },
  nvidiaDevicePlugin: { chart: "nvidia-device-plugin", version: "0.20.0", appVersion: "0.20.0", repo: "https://nvidia.github.io/k8s-device-plugin" },
  velero: { chart: "velero", version: "12.1.0", appVersion: "1.18.1", repo: "https://vmware-tanzu.github.io/helm-charts" },
  /** Controller v3.5.0; its IAM policy in lib/lbControllerPolicy.ts is the one published for that version. */
  awsLoadBalancerController: { chart: "aws-load-balancer-controller", version: "3.5.0", appVersion: "v3.5.0", repo: "https://aws.github.io/eks-charts" },
  /** Fairwinds' packaging of the Kubernetes Vertical Pod Autoscaler (recommender, updater, admission controller). */
  vpa: { chart: "vpa", version: "5.0.0", appVersion: "1.7.1", repo: "https://charts.fairwinds.com/stable" },
  /** Issues webhook certificates for later operators; CRDs as chart templates (crds.enabled).
   * https://cert-manager.io/docs/installation/helm/ */
  certManager: { chart: "cert-manager", version: "v1.21.1", appVersion: "v1.21.1", repo: "https://charts.jetstack.io" },
  /** CloudNativePG operator 1.30; CRDs are chart templates (`crds.create`), so custom resources wait for this release.
   * https://cloudnative-pg.io/charts/ */
  cloudnativePg: { chart: "cloudnative-pg", version: "0.29.0", appVersion: "1.30.0", repo: "https://cloudnative-pg.github.io/charts" },
  /** Barman Cloud CNPG-I plugin (WAL archiving and base backups to S3); needs CNPG >= 1.26 and cert-manager,
   * installed in the operator's namespace. https://cloudnative-pg.io/plugin-barman-cloud/docs/installation/ */
  barmanCloud: { chart: "plugin-barman-cloud", version: "0.7.0", appVersion: "v0.13.0", repo: "https://cloudnative-pg.github.io/charts" },
} as const satisfies Record<string, ChartPin>;

/** `1.35.0` -> `1.35`. */
export function minorOf(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/**
 * Velero's AWS plugin (init container image); plugin 1.14.x is the line for Velero 1.18.x.
 * https://github.com/vmware-tanzu/velero-plugin-for-aws#compatibility
 */
export const VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.2";
