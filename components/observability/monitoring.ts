import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CHARTS, pinnedRelease } from "../../lib/helmCharts";
import { rotationKeepers } from "../../lib/secretRotation";
import { NODE_AGENTS_NAMESPACE, podSecurityLabels } from "../../lib/podSecurity";
import { NamespaceGuard, PROMETHEUS_PODS } from "../security/namespaceGuard";
import { monitoringEgress, monitoringIngress } from "./monitoringNetwork";
import { MonitoringSettings } from "./monitoringSettings";
import { PoolDescription } from "../cluster/nodePool";
import { CLUSTER_DASHBOARD, Dashboard, dashboardJson, tradingApiDashboard } from "./monitoringDashboards";
import { TradingApiLocation } from "../workloads/names";
import { WatchedPool, platformRuleGroups } from "./monitoringRules";
import { alertmanagerConfig, scrapeConfigs } from "./monitoringValues";

export const MONITORING_NAMESPACE = "monitoring";
/** Helm release name: the chart's rule/monitor selectors match `release: <this>`. */
export const RELEASE_NAME = "kube-prometheus-stack";
/** EBS CSI gp3 class (EKS creates no default StorageClass for the EBS CSI driver). */
export const GP3_STORAGE_CLASS = "gp3";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
/** Secret holding the Slack webhook; the chart mounts it at /etc/alertmanager/secrets/<name>/. */
export const SLACK_SECRET = "alertmanager-slack";
export const SLACK_SECRET_KEY = "webhook-url";

export interface MonitoringArgs {
  readonly provider: k8s.Provider;
  /**
   * What provisions and deletes the volumes (the EBS CSI add-on). The StorageClasses depend on it,
   * so everything that owns a volume does too, and a destroy deletes those objects (and their
   * volumes) before the driver and the node pools. Default none.
   */
  readonly volumeDriver?: readonly pulumi.Resource[];
  /**
   * Customer key of the volumes the class provisions (the platform's EBS volume key): snapshots under
   * the AWS managed aws/ebs key cannot be shared with another account. No default.
   */
  readonly volumeKeyArn: pulumi.Input<string>;
  /**
   * Delete Prometheus' and Alertmanager's volume claims with their StatefulSets (dev: a destroy
   * leaves no EBS volume); kept otherwise. Default false.
   * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
   */
  readonly deleteClaimsWithStatefulSets?: boolean;
  /** Validated `entasis:monitoring` config. */
  readonly config: MonitoringSettings;
  /** Untainted pool every monitoring pod but node-exporter runs on. */
  readonly generalPool: PoolDescription;
  /** Where trading-api runs (scrape target, alert and dashboard selectors). */
  readonly tradingApi: TradingApiLocation;
  /** Pools watched by the near-max alert (role label and maxSize). */
  readonly watchedPools: readonly WatchedPool[];
  /** Slack incoming webhook (secret). Without it (dev), alerts go to the `null` receiver. */
  readonly slackWebhookUrl?: pulumi.Output<string>;
  /** What the release waits for: the general pool's node group and CoreDNS (`cluster.scheduledOn`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** Where the API server calls webhooks from: the private subnets holding the EKS control plane's ENIs. No default. */
  readonly webhookSourceCidrs: readonly string[];
  /**
   * Rotation generation of Grafana's admin password: a change generates a new one into the
   * `grafana-admin` Secret; Grafana reads it at start (restart it: docs/secret-rotation.md).
   * Default none: never rotated, no keepers.
   */
  readonly grafanaAdminGeneration?: number;
}

/**
 * Prometheus, Alertmanager and Grafana from kube-prometheus-stack, with the spec's scrape jobs and
 * Slack routing, the platform's alert rules and dashboards.
 *
 * CRDs: the Release owns them (`crds.enabled`, Helm's default skipCrds=false). Helm creates the
 * chart's `crds/` files itself, without kubectl's last-applied annotation, so the 262144-byte
 * annotation limit that `helm.v3.Chart`/client-side apply hit on prometheuses.monitoring.coreos.com
 * never applies (https://github.com/bitnami/charts/issues/11008,
 * https://github.com/prometheus-community/helm-charts/issues/1500). Helm never upgrades CRDs: on a
 * chart bump, apply the new ones with `kubectl apply --server-side` first (chart README, "Upgrading Chart").
 */
export class Monitoring extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  /** The `privileged` namespace of the node agents (node exporter here, the GPU exporter of the AI area). */
  public readonly nodeAgentsNamespace: k8s.core.v1.Namespace;
  public readonly storageClass: k8s.storage.v1.StorageClass;
  public readonly release: k8s.helm.v3.Release;
  public readonly grafanaPassword: random.RandomPassword;
  public readonly grafanaAdminSecret: k8s.core.v1.Secret;
  public readonly slackSecret?: k8s.core.v1.Secret;
  public readonly rules: k8s.apiextensions.CustomResource;
  public readonly dashboards: Readonly<Record<string, k8s.core.v1.ConfigMap>>;
  /** In-cluster URL of Grafana (reach it with `kubectl port-forward`). */
  public readonly grafanaUrl: string;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:observability:Monitoring", name, {}, opts);
    const cfg = args.config;
    const k8sOpts = { parent: this, provider: args.provider };
    const nodeSelector = { role: args.generalPool.labels.role };

    // `baseline`: nothing here needs the host once the node exporter lives in the agents' namespace.
    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: MONITORING_NAMESPACE, labels: podSecurityLabels("baseline") } }, k8sOpts);
    const ns = this.namespace.metadata.name;
    new NamespaceGuard(
      `${name}-guard`,
      { provider: args.provider, namespace: MONITORING_NAMESPACE, namespaceResource: this.namespace, ingress: monitoringIngress(args.webhookSourceCidrs), egress: monitoringEgress() },
      { parent: this },
    );
    // Node agents that need the host (hostNetwork, hostPID, hostPath, root) share one namespace,
    // the only `privileged` one besides logging (Filebeat, docs/security.md). Only Prometheus
    // reaches them; they need nothing out (the node exporter runs on the host network, where
    // NetworkPolicies do not apply).
    this.nodeAgentsNamespace = new k8s.core.v1.Namespace(`${name}-node-agents-namespace`, { metadata: { name: NODE_AGENTS_NAMESPACE, labels: podSecurityLabels("privileged") } }, k8sOpts);
    new NamespaceGuard(
      `${name}-node-agents-guard`,
      {
        provider: args.provider,
        namespace: NODE_AGENTS_NAMESPACE,
        namespaceResource: this.nodeAgentsNamespace,
        httpsOut: false,
        ingress: { metrics: { peers: [PROMETHEUS_PODS], why: "Prometheus scrapes the node and GPU exporters" } },
      },
      { parent: this },
    );

    // https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md
    // WaitForFirstConsumer: the volume is created in the AZ the pod lands in (EBS is zonal).
    const claimRetention = args.deleteClaimsWithStatefulSets === true ? { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" } } : {};
    this.storageClass = new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: { name: GP3_STORAGE_CLASS },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", kmsKeyId: args.volumeKeyArn, "csi.storage.k8s.io/fstype": "ext4" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
      },
      { ...k8sOpts, dependsOn: [...(args.volumeDriver ?? [])] },
    );

    // Alphanumeric only: the password also lands in grafana.ini-style env and URLs untouched.
    this.grafanaPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false, ...rotationKeepers(args.grafanaAdminGeneration) }, { parent: this });
    this.grafanaAdminSecret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: GRAFANA_ADMIN_SECRET, namespace: ns },
        type: "Opaque",
        stringData: { "admin-user": "admin", "admin-password": this.grafanaPassword.result },
      },
      k8sOpts,
    );

    // The webhook never enters Helm values (stored in the release state); Alertmanager reads it
    // from the mounted Secret through `api_url_file`.
    this.slackSecret = args.slackWebhookUrl
      ? new k8s.core.v1.Secret(
          `${name}-alertmanager-slack`,
          { metadata: { name: SLACK_SECRET, namespace: ns }, type: "Opaque", stringData: { [SLACK_SECRET_KEY]: pulumi.secret(args.slackWebhookUrl) } },
          k8sOpts,
        )
      : undefined;

    const pvc = (storageGiB: number) => ({
      volumeClaimTemplate: { spec: { storageClassName: GP3_STORAGE_CLASS, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${storageGiB}Gi` } } } },
    });

    this.release = new k8s.helm.v3.Release(
      `${name}-kube-prometheus-stack`,
      {
        // Its admission webhooks (PrometheusRule only) fail open while the certificate Jobs run
        // (patch.enabled: failurePolicy Ignore); the Jobs are hooks Helm must see complete.
        ...pinnedRelease(CHARTS.kubePrometheusStack, RELEASE_NAME, ns),
        skipCrds: false,
        values: {
          crds: { enabled: true },
          // EKS runs the control plane: there is no etcd, scheduler or controller-manager to
          // scrape, and kube-proxy binds its metrics to 127.0.0.1. Their targets would only page.
          kubeEtcd: { enabled: false },
          kubeScheduler: { enabled: false },
          kubeControllerManager: { enabled: false },
          kubeProxy: { enabled: false },
          prometheusOperator: {
            nodeSelector,
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
            admissionWebhooks: { patch: { nodeSelector } },
          },
          prometheus: {
            prometheusSpec: {
              replicas: cfg.prometheus.replicas,
              retention: cfg.prometheus.retention,
              storageSpec: pvc(cfg.prometheus.storageGiB),
              ...claimRetention,
              nodeSelector,
              resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "8Gi" } },
              additionalScrapeConfigs: scrapeConfigs(args.tradingApi),
            },
          },
          alertmanager: {
            config: alertmanagerConfig(cfg.slackChannel, this.slackSecret ? { secret: SLACK_SECRET, key: SLACK_SECRET_KEY } : undefined),
            alertmanagerSpec: {
              replicas: cfg.alertmanager.replicas,
              storage: pvc(cfg.alertmanager.storageGiB),
              ...claimRetention,
              nodeSelector,
              secrets: this.slackSecret ? [SLACK_SECRET] : [],
              resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            },
          },
          grafana: {
            replicas: cfg.grafana.replicas,
            nodeSelector,
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
          },
          // role on kube_node_labels for the node-pool alerts; kube-state-metrics 2.x exports
          // no node labels unless allowlisted.
          "kube-state-metrics": { nodeSelector, metricLabelsAllowlist: ["nodes=[role]"] },
          // A DaemonSet for every node: tolerate every taint (GPU and data-processing pools).
          // It needs the host: it lives in the node agents' privileged namespace.
          "prometheus-node-exporter": { tolerations: [{ operator: "Exists" }], namespaceOverride: NODE_AGENTS_NAMESPACE },
        },
      },
      { ...k8sOpts, dependsOn: [this.nodeAgentsNamespace, this.storageClass, this.grafanaAdminSecret, ...(this.slackSecret ? [this.slackSecret] : []), ...args.scheduledAfter] },
    );

    // PrometheusRule needs the CRD the release installs.
    this.rules = new k8s.apiextensions.CustomResource(
      `${name}-platform-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "entasis-platform", namespace: ns, labels: { release: RELEASE_NAME } },
        spec: { groups: platformRuleGroups(cfg.alerts, args.watchedPools, args.tradingApi) },
      },
      { ...k8sOpts, dependsOn: [this.release] },
    );

    const dashboards: Record<string, Dashboard> = { cluster: CLUSTER_DASHBOARD, "trading-api": tradingApiDashboard(args.tradingApi) };
    this.dashboards = Object.fromEntries(
      Object.entries(dashboards).map(([key, d]) => [
        key,
        new k8s.core.v1.ConfigMap(
          `${name}-dashboard-${key}`,
          { metadata: { name: `grafana-dashboard-${key}`, namespace: ns, labels: { grafana_dashboard: "1" } }, data: { [`${d.uid}.json`]: dashboardJson(d) } },
          k8sOpts,
        ),
      ]),
    );

    // Grafana's Service is <release>-grafana (the subchart's fullname), port 80.
    this.grafanaUrl = `http://${RELEASE_NAME}-grafana.${MONITORING_NAMESPACE}.svc.cluster.local`;
    this.registerOutputs({ grafanaUrl: this.grafanaUrl, grafanaAdminSecret: GRAFANA_ADMIN_SECRET });
  }
}
