import { ConfigMap, Namespace, Secret } from "kubernetes-models/v1";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1";
import { alertmanagerConfig } from "../components/observability/monitoringValues";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { platformRuleGroups } from "../components/observability/monitoringRules";
import { CHARTS } from "../lib/helmCharts";
import { ENVIRONMENT_DEFAULTS } from "../stacks/schema/defaults";
import { monitoringSchema } from "../stacks/schema/monitoring";
import { effectiveConfig } from "./support/config";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { TEST_SECRETS, byUrn, named, ofType } from "./support/query";
import { Labels, RelabelRule, relabel, targetOf } from "./support/relabel";
import { recordedRuns } from "./support/runs";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const COMPONENT = "entasis:observability:Monitoring";
const runs = recordedRuns(["dev", "prod"]);

type Values = Record<string, Record<string, unknown>>;
const release = (run: RunResult): RecordedResource => named(run, "monitoring-kube-prometheus-stack", RELEASE);
const values = (run: RunResult): Values => release(run).inputs.values as Values;
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? (o as Record<string, unknown>)[k] : undefined), v);

/** Dotted paths of string leaves under `value` that contain `needle`. */
function pathsContaining(value: unknown, needle: string, prefix = ""): string[] {
  if (typeof value === "string") return value.includes(needle) ? [prefix] : [];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => pathsContaining(v, needle, prefix ? `${prefix}.${k}` : k));
}

/** Every place `secret` occurs in recorded inputs must be under a path Pulumi marked secret. */
function unmarkedOccurrences(run: RunResult, secret: string): string[] {
  return run.resources.flatMap((r) =>
    pathsContaining(r.inputs, secret)
      .filter((p) => !r.secretPaths.some((s) => p === s || p.startsWith(`${s}.`)))
      .map((p) => `${r.name}: ${p}`),
  );
}

const KUBERNETES_CHILDREN = [
  "monitoring-alertmanager-slack",
  "monitoring-dashboard-cluster",
  "monitoring-dashboard-trading-api",
  "monitoring-gp3",
  "monitoring-grafana-admin",
  "monitoring-kube-prometheus-stack",
  "monitoring-namespace",
  "monitoring-node-agents-namespace",
  "monitoring-platform-rules",
];

describe.each(["dev", "prod"])("monitoring in %s", (stack) => {
  it("installs kube-prometheus-stack pinned, from its own repository, into the monitoring namespace, under the Monitoring component", () => {
    const r = release(runs[stack]);
    expect({ chart: r.inputs.chart, version: r.inputs.version, repositoryOpts: r.inputs.repositoryOpts, name: r.inputs.name, namespace: r.inputs.namespace }).toEqual({
      chart: "kube-prometheus-stack",
      version: "88.5.3",
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      name: "kube-prometheus-stack",
      namespace: "monitoring",
    });
    expect(CHARTS.kubePrometheusStack.version).toBe("88.5.3");
    expect(byUrn(runs[stack], r.parent)?.type).toBe(COMPONENT);
    expect(named(runs[stack], "monitoring-namespace").inputs.metadata).toEqual({
      name: "monitoring",
      labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" },
    });
  });

  it("lets the release own the CRDs (Helm creates them: no last-applied annotation, no 256 KiB limit)", () => {
    expect(release(runs[stack]).inputs.skipCrds).toBe(false);
    expect(values(runs[stack]).crds).toEqual({ enabled: true });
    expect(ofType(runs[stack], "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")).toEqual([]);
  });

  type ScrapeJob = { job_name: string; kubernetes_sd_configs: { role: string; namespaces?: { names: string[] } }[]; relabel_configs: RelabelRule[]; static_configs?: unknown };
  const jobs = (): ScrapeJob[] => at(values(runs[stack]), "prometheus", "prometheusSpec", "additionalScrapeConfigs") as ScrapeJob[];
  const job = (name: string): ScrapeJob => {
    const found = jobs().find((j) => j.job_name === name);
    if (!found) throw new Error(`no scrape job ${name}`);
    return found;
  };
  /** What pod discovery yields for each declared container port of trading-api's pod template. */
  const tradingApiPodTargets = (): Labels[] => {
    const deployment = named(runs[stack], "trading-api-deployment", "kubernetes:apps/v1:Deployment");
    const template = at(deployment.inputs, "spec", "template") as { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { containers: { ports: { containerPort: number }[] }[] } };
    const ns = String(at(deployment.inputs, "metadata", "namespace"));
    const annotations = Object.fromEntries(Object.entries(template.metadata.annotations).map(([k, v]) => [`__meta_kubernetes_pod_annotation_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`, v]));
    const labels = Object.fromEntries(Object.entries(template.metadata.labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`, v]));
    return template.spec.containers[0].ports.map((p) => ({
      __address__: `10.0.1.23:${p.containerPort}`,
      __metrics_path__: "/metrics",
      __meta_kubernetes_namespace: ns,
      __meta_kubernetes_pod_name: "trading-api-6d4cf56db6-x7k2p",
      __meta_kubernetes_pod_phase: "Running",
      __meta_kubernetes_pod_container_port_number: String(p.containerPort),
      ...annotations,
      ...labels,
    }));
  };
  /** Ports the network policies let Prometheus reach on trading-api's pods. */
  const portsOpenToPrometheus = (): number[] => {
    const policy = named(runs[stack], "trading-api-netpol-prometheus", "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    return (at(policy.inputs, "spec", "ingress") as { ports: { port: number }[] }[]).flatMap((r) => r.ports.map((p) => p.port));
  };

  it("keeps the spec's two job names, both discovering pods (no static Service address)", () => {
    expect(jobs().map((j) => j.job_name)).toEqual(["kubernetes-pods", "trading-metrics"]);
    expect(jobs().every((j) => j.static_configs === undefined)).toBe(true);
    expect(job("kubernetes-pods").kubernetes_sd_configs).toEqual([{ role: "pod" }]);
    expect(job("trading-metrics").kubernetes_sd_configs).toEqual([{ role: "pod", namespaces: { names: ["trading-api"] } }]);
  });

  it("kubernetes-pods keeps annotated pods and takes port and path from prometheus.io/port and prometheus.io/path", () => {
    expect(job("kubernetes-pods").relabel_configs).toEqual([
      { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
      { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", regex: "(.+)", target_label: "__metrics_path__" },
      { source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"], action: "replace", regex: "([^:]+)(?::\\d+)?;(\\d+)", replacement: "$1:$2", target_label: "__address__" },
      { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
      { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
    ]);
  });

  it("kubernetes-pods scrapes trading-api's pod only on the annotated port, which the network policies open to Prometheus", () => {
    const rules = job("kubernetes-pods").relabel_configs;
    const targets = tradingApiPodTargets().map((t) => targetOf(relabel(t, rules)));
    expect(targets).toHaveLength(2); // one per declared port (http, metrics) before relabelling
    const distinct = [...new Set(targets.map((t) => JSON.stringify(t)))].map((t) => JSON.parse(t) as unknown);
    expect(distinct).toEqual([{ address: "10.0.1.23:9090", path: "/metrics", labels: { namespace: "trading-api", pod: "trading-api-6d4cf56db6-x7k2p" } }]);
    expect(portsOpenToPrometheus()).toEqual([9090]);
    // Control: a pod with a custom path and port, and an unannotated pod.
    const custom = relabel({ __address__: "10.0.2.7", __meta_kubernetes_pod_annotation_prometheus_io_scrape: "true", __meta_kubernetes_pod_annotation_prometheus_io_port: "8443", __meta_kubernetes_pod_annotation_prometheus_io_path: "/stats" }, rules);
    expect(targetOf(custom)).toMatchObject({ address: "10.0.2.7:8443", path: "/stats" });
    expect(relabel({ __address__: "10.0.2.8:80" }, rules)).toBeUndefined();
  });

  it("trading-metrics scrapes each trading-api pod on its metrics port, one target per pod, never the Service's virtual IP", () => {
    const rules = job("trading-metrics").relabel_configs;
    const targets = tradingApiPodTargets().map((t) => targetOf(relabel(t, rules))).filter((t) => t !== undefined);
    expect(targets).toEqual([{ address: "10.0.1.23:9090", path: "/metrics", labels: { namespace: "trading-api", pod: "trading-api-6d4cf56db6-x7k2p" } }]);
    expect(portsOpenToPrometheus()).toContain(9090);
    // Another app's pod in the namespace and a finished pod are not scraped.
    const base = tradingApiPodTargets()[1];
    expect(relabel({ ...base, __meta_kubernetes_pod_label_app: "other" }, rules)).toBeUndefined();
    expect(relabel({ ...base, __meta_kubernetes_pod_phase: "Succeeded" }, rules)).toBeUndefined();
  });

  it("routes every alert to the spec's slack receiver (Watchdog to null), reading the webhook from the mounted Secret", () => {
    const v = values(runs[stack]);
    expect(at(v, "alertmanager", "config")).toEqual({
      route: {
        receiver: "slack",
        group_by: ["namespace", "alertname"],
        group_wait: "30s",
        group_interval: "5m",
        repeat_interval: "4h",
        routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }],
      },
      receivers: [
        { name: "null" },
        { name: "slack", slack_configs: [{ channel: "#alerts", send_resolved: true, api_url_file: "/etc/alertmanager/secrets/alertmanager-slack/webhook-url" }] },
      ],
    });
    expect(at(v, "alertmanager", "alertmanagerSpec", "secrets")).toEqual(["alertmanager-slack"]);
    const secret = named(runs[stack], "monitoring-alertmanager-slack");
    expect(secret.inputs.metadata).toMatchObject({ name: "alertmanager-slack", namespace: "monitoring" });
    expect(secret.inputs.stringData).toEqual({ "webhook-url": TEST_SECRETS.slackWebhookUrl });
    expect(secret.secretPaths).toContain("stringData");
    expect(release(runs[stack]).dependencies).toContain(secret.urn);
  });

  it("never records the Slack webhook or the Grafana password unmarked, in any input or output", () => {
    const password = named(runs[stack], "monitoring-grafana-admin", "random:index/randomPassword:RandomPassword").state.result;
    expect(typeof password).toBe("string");
    for (const secret of [TEST_SECRETS.slackWebhookUrl, String(password)]) {
      expect(unmarkedOccurrences(runs[stack], secret)).toEqual([]);
      expect(JSON.stringify(runs[stack].outputs)).not.toContain(secret);
      expect(JSON.stringify(values(runs[stack]))).not.toContain(secret);
    }
    // Positive control: the secrets are really in the recorded inputs (so the check can fail).
    expect(pathsContaining(named(runs[stack], "monitoring-grafana-admin", "kubernetes:core/v1:Secret").inputs, String(password))).toEqual(["stringData.admin-password"]);
  });

  it("gives Grafana its admin password through an existing Secret filled from @pulumi/random", () => {
    const pw = named(runs[stack], "monitoring-grafana-admin", "random:index/randomPassword:RandomPassword");
    expect(pw.inputs).toMatchObject({ length: 32, special: false });
    const secret = named(runs[stack], "monitoring-grafana-admin", "kubernetes:core/v1:Secret");
    expect(secret.inputs.metadata).toMatchObject({ name: "grafana-admin", namespace: "monitoring" });
    expect(Object.keys(secret.inputs.stringData as object).sort()).toEqual(["admin-password", "admin-user"]);
    expect(secret.secretPaths).toContain("stringData");
    expect(at(values(runs[stack]), "grafana", "admin")).toEqual({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    expect(at(values(runs[stack]), "grafana", "adminPassword")).toBeUndefined();
    expect(runs[stack].outputs.grafanaAdminSecret).toBe("grafana-admin");
    expect(runs[stack].outputs.grafanaUrl).toBe("http://kube-prometheus-stack-grafana.monitoring.svc.cluster.local");
  });

  it("schedules every chart pod on the general pool; node-exporter tolerates every taint", () => {
    const v = values(runs[stack]);
    const general = { role: "general" };
    expect({
      prometheus: at(v, "prometheus", "prometheusSpec", "nodeSelector"),
      alertmanager: at(v, "alertmanager", "alertmanagerSpec", "nodeSelector"),
      operator: at(v, "prometheusOperator", "nodeSelector"),
      admissionPatch: at(v, "prometheusOperator", "admissionWebhooks", "patch", "nodeSelector"),
      grafana: at(v, "grafana", "nodeSelector"),
      kubeStateMetrics: at(v, "kube-state-metrics", "nodeSelector"),
    }).toEqual({ prometheus: general, alertmanager: general, operator: general, admissionPatch: general, grafana: general, kubeStateMetrics: general });
    expect(at(v, "prometheus-node-exporter", "tolerations")).toEqual([{ operator: "Exists" }]);
  });

  it("stores Prometheus and Alertmanager data on an encrypted gp3 StorageClass", () => {
    const sc = named(runs[stack], "monitoring-gp3");
    expect(sc.inputs).toMatchObject({
      metadata: { name: "gp3" },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
    expect(() => new StorageClass({ ...(sc.inputs as object), apiVersion: "storage.k8s.io/v1", kind: "StorageClass" } as unknown as ConstructorParameters<typeof StorageClass>[0]).validate()).not.toThrow();
    expect(at(values(runs[stack]), "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "storageClassName")).toBe("gp3");
    expect(at(values(runs[stack]), "alertmanager", "alertmanagerSpec", "storage", "volumeClaimTemplate", "spec", "storageClassName")).toBe("gp3");
    expect(release(runs[stack]).dependencies).toContain(sc.urn);
  });

  it("turns off scrape targets EKS does not expose (etcd, scheduler, controller-manager, kube-proxy)", () => {
    const v = values(runs[stack]);
    expect([v.kubeEtcd, v.kubeScheduler, v.kubeControllerManager, v.kubeProxy]).toEqual([{ enabled: false }, { enabled: false }, { enabled: false }, { enabled: false }]);
  });

  it("provisions the cluster and trading-api dashboards for Grafana's sidecar, on the chart's Prometheus datasource", () => {
    for (const key of ["cluster", "trading-api"]) {
      const cm = named(runs[stack], `monitoring-dashboard-${key}`);
      expect(cm.inputs.metadata).toEqual({ name: `grafana-dashboard-${key}`, namespace: "monitoring", labels: { grafana_dashboard: "1" } });
      expect(() => new ConfigMap({ ...(cm.inputs as object), apiVersion: "v1", kind: "ConfigMap" } as ConstructorParameters<typeof ConfigMap>[0]).validate()).not.toThrow();
      const [json] = Object.values(cm.inputs.data as Record<string, string>);
      const dash = JSON.parse(json) as { panels: { datasource: unknown }[] };
      expect(dash.panels.length).toBeGreaterThan(2);
      for (const p of dash.panels) expect(p.datasource).toEqual({ type: "prometheus", uid: "prometheus" });
    }
    // The chart's own Prometheus datasource (uid prometheus) stays on.
    expect(at(values(runs[stack]), "grafana", "sidecar")).toBeUndefined();
  });

  it("adds the platform's alert rules as a PrometheusRule the chart's ruleSelector picks up, after the CRDs exist", () => {
    const r = named(runs[stack], "monitoring-platform-rules");
    expect(r.type).toBe("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    expect(r.inputs.metadata).toEqual({ name: "entasis-platform", namespace: "monitoring", labels: { release: "kube-prometheus-stack" } });
    expect(() => new PrometheusRule(r.inputs as unknown as ConstructorParameters<typeof PrometheusRule>[0]).validate()).not.toThrow();
    expect(r.dependencies).toContain(release(runs[stack]).urn);
    const pools = effectiveConfig(stack).cluster.nodePools;
    const alerts = monitoringSchema.parse(ENVIRONMENT_DEFAULTS[stack === "dev" ? "dev" : "prod"].monitoring).alerts;
    expect(r.inputs.spec).toEqual({ groups: platformRuleGroups(alerts, Object.values(pools).map((p) => ({ role: p.labels.role, maxSize: p.maxSize })), { namespace: "trading-api", service: "trading-api", metricsPort: 9090 }) });
  });

  it("validates its core Kubernetes objects against the Kubernetes schemas", () => {
    const ns = named(runs[stack], "monitoring-namespace");
    expect(() => new Namespace({ ...(ns.inputs as object), apiVersion: "v1", kind: "Namespace" } as ConstructorParameters<typeof Namespace>[0]).validate()).not.toThrow();
    const secrets = ofType(runs[stack], "kubernetes:core/v1:Secret").filter((r) => byUrn(runs[stack], r.parent)?.type === COMPONENT);
    // The Grafana admin secret at least; the loop below must not pass on an empty list.
    expect(secrets.map((r) => r.name)).toContain("monitoring-grafana-admin");
    for (const s of secrets) {
      expect(() => new Secret({ ...(s.inputs as object), apiVersion: "v1", kind: "Secret" } as ConstructorParameters<typeof Secret>[0]).validate()).not.toThrow();
    }
  });

  it("gives every Kubernetes object of the component the cluster's provider", () => {
    const provider = ofType(runs[stack], "pulumi:providers:kubernetes")[0];
    const children = runs[stack].resources.filter((r) => byUrn(runs[stack], r.parent)?.type === COMPONENT && r.type.startsWith("kubernetes:"));
    expect(children.map((c) => c.name).sort()).toEqual(KUBERNETES_CHILDREN);
    for (const c of children) expect(c.provider?.startsWith(provider.urn)).toBe(true);
  });
});

describe("monitoring sizing per environment", () => {
  it("dev is small: one Prometheus (7d, 20Gi) and one Alertmanager", () => {
    const v = values(runs.dev);
    expect(at(v, "prometheus", "prometheusSpec", "replicas")).toBe(1);
    expect(at(v, "prometheus", "prometheusSpec", "retention")).toBe("7d");
    expect(at(v, "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "resources")).toEqual({ requests: { storage: "20Gi" } });
    expect(at(v, "alertmanager", "alertmanagerSpec", "replicas")).toBe(1);
  });

  it("prod is HA: two Prometheus replicas (15d, 100Gi each) and two Alertmanagers", () => {
    const v = values(runs.prod);
    expect(at(v, "prometheus", "prometheusSpec", "replicas")).toBe(2);
    expect(at(v, "prometheus", "prometheusSpec", "retention")).toBe("15d");
    expect(at(v, "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "resources")).toEqual({ requests: { storage: "100Gi" } });
    expect(at(v, "alertmanager", "alertmanagerSpec", "replicas")).toBe(2);
  });

  it("without a Slack webhook (allowed in dev), routes everything to the null receiver", () => {
    expect(alertmanagerConfig("#alerts", undefined)).toEqual({
      route: { receiver: "null", group_by: ["namespace", "alertname"], group_wait: "30s", group_interval: "5m", repeat_interval: "4h", routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }] },
      receivers: [{ name: "null" }],
    });
  });
});
