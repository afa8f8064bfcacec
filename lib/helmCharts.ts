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
  /** KServe CRDs (templates, so installed and upgraded with the release); OCI only.
   * https://kserve.github.io/website/docs/admin-guide/kubernetes-deployment */
  kserveCrd: { chart: "kserve-crd", version: "v0.20.0", appVersion: "v0.20.0", repo: "oci://ghcr.io/kserve/charts" },
  /** KServe controller and webhook; ships no serving runtime (those are in kserve-runtime-configs). */
  kserveResources: { chart: "kserve-resources", version: "v0.20.0", appVersion: "v0.20.0", repo: "oci://ghcr.io/kserve/charts" },
  /** NVIDIA DCGM exporter (DCGM 4.5.3). https://github.com/NVIDIA/dcgm-exporter */
  dcgmExporter: { chart: "dcgm-exporter", version: "4.8.2", appVersion: "4.8.2", repo: "https://nvidia.github.io/dcgm-exporter/helm-charts" },
  /** Argo Workflows v4.0.6. https://github.com/argoproj/argo-helm/tree/main/charts/argo-workflows */
  argoWorkflows: { chart: "argo-workflows", version: "1.0.18", appVersion: "v4.0.6", repo: "https://argoproj.github.io/argo-helm" },
} as const satisfies Record<string, ChartPin>;

/**
 * How a Helm Release names its chart: `oci://<registry>/<chart>` for OCI registries (Release pulls
 * those itself, no repositoryOpts), the chart name plus its repository otherwise.
 */
export function chartSource(pin: ChartPin): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  return pin.repo.startsWith("oci://") ? { chart: `${pin.repo}/${pin.chart}`, version: pin.version } : { chart: pin.chart, version: pin.version, repositoryOpts: { repo: pin.repo } };
}

/** `1.35.0` -> `1.35`. */
export function minorOf(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/**
 * Velero's AWS plugin (init container image); plugin 1.14.x is the line for Velero 1.18.x.
 * https://github.com/vmware-tanzu/velero-plugin-for-aws#compatibility
 */
export const VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.2";
