import { RecordedResource, RunResult } from "../tools/offline/harness";
import { ResourceIndex } from "../tools/insights/model";
import { OrderingViolation, checkCrdReleases, checkHelmTimeouts, checkPoolWaits, checkSystemAddons, checkWebhooks, customKind } from "../tools/insights/ordering";
import { makesPods } from "../tools/insights/pools";
import { WaitGraph } from "../tools/insights/waits";
import { crdOwners } from "../tools/offline/sharedCharts";
import { named } from "./support/query";
import { stackRun } from "./support/stackRuns";

const STACKS = ["dev", "prod"] as const;
const RELEASE = "kubernetes:helm.sh/v3:Release";
const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await stackRun(stack);
});

const graphOf = (resources: readonly RecordedResource[], inheritFromParents = true): WaitGraph => new WaitGraph(new ResourceIndex(resources), { inheritFromParents });
const ownersOf = (resources: readonly RecordedResource[]): Map<string, string[]> => crdOwners(resources.filter((r) => r.type === RELEASE).map((r) => String(r.inputs.chart)));
const summary = (vs: readonly OrderingViolation[]): string[] => vs.map((x) => `${x.name}: ${x.problem}`);

/** A copy of the record with one resource changed: the checks must catch what the change breaks. */
function doctor(resources: readonly RecordedResource[], name: string, change: (r: RecordedResource) => RecordedResource): RecordedResource[] {
  const target = resources.filter((r) => r.name === name && r.custom);
  if (target.length !== 1) throw new Error(`expected one custom resource named ${name}, found ${target.length}`);
  return resources.map((r) => (r === target[0] ? change(r) : r));
}
const withoutDeps = (urns: readonly string[]) => (r: RecordedResource): RecordedResource => ({
  ...r,
  dependencies: r.dependencies.filter((d) => !urns.includes(d)),
  propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, ds]) => [k, ds.filter((d) => !urns.includes(d))])),
});
const withDeps = (urns: readonly string[]) => (r: RecordedResource): RecordedResource => ({ ...r, dependencies: [...r.dependencies, ...urns] });
const withInputs = (inputs: Record<string, unknown>) => (r: RecordedResource): RecordedResource => ({ ...r, inputs: { ...r.inputs, ...inputs } });

describe.each(STACKS)("first deploy ordering of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const urn = (name: string, type?: string): string => named(run(), name, type).urn;

  it("has every release and pod-making object under the rules (nine charts, trading-api, the database role Job, Elasticsearch, Kibana, Filebeat)", () => {
    // The platform's own; the areas of issues 14-16 add theirs (operators, Jobs, history server), checked by the same rules below.
    expect(run().resources.filter(makesPods).map((r) => r.name).sort()).toEqual(expect.arrayContaining([
      "cert-manager-release",
      "cluster-backup-velero",
      "cluster-system-cluster-autoscaler",
      "cluster-system-metrics-server",
      "cluster-system-nvidia-device-plugin",
      "database-roles-job",
      "lb-controller-release",
      "logging-eck-operator",
      "logging-elasticsearch",
      "logging-filebeat-daemonset",
      "logging-kibana",
      "monitoring-kube-prometheus-stack",
      "trading-api-deployment",
      "vpa-release",
      "cnpg-operator-release",
      "spark-operator",
      "flink-operator",
      "ai-serving-controller",
      "ai-gpu-monitoring-dcgm-exporter",
    ]));
  });

  it("makes every Helm release and workload wait for its pool's node group and CoreDNS, and for no other pool", () => {
    expect(summary(checkPoolWaits(graphOf(run().resources)))).toEqual([]);
    const g = graphOf(run().resources);
    for (const name of ["monitoring-kube-prometheus-stack", "trading-api-deployment", "logging-elasticsearch", "cluster-system-nvidia-device-plugin"]) {
      expect(g.waitsFor(urn(name), urn("cluster-general-ng-ap-northeast-2a"))).toBe(true);
      expect(g.waitsFor(urn(name), urn("cluster-coredns"))).toBe(true);
      expect(g.waitsFor(urn(name), urn("cluster-ai-inference-ng"))).toBe(false);
      expect(g.waitsFor(urn(name), urn("cluster-data-processing-ng-ap-northeast-2a"))).toBe(false);
    }
  });

  it("does not rely on a component parent's dependsOn: each release and workload names its own waits", () => {
    expect(summary(checkPoolWaits(graphOf(run().resources, false)))).toEqual([]);
  });

  it("lets CoreDNS, the EBS CSI driver and the Kubernetes provider wait for no GPU or data-processing node group", () => {
    expect(summary(checkSystemAddons(graphOf(run().resources)))).toEqual([]);
    const g = graphOf(run().resources);
    expect(g.waitsFor(urn("cluster-coredns", "aws:eks/addon:Addon"), urn("cluster-general-ng-ap-northeast-2a"))).toBe(true);
    expect(g.waitsFor(urn("cluster-aws-ebs-csi-driver", "aws:eks/addon:Addon"), urn("cluster-general-ng-ap-northeast-2a"))).toBe(true);
  });

  it("makes every custom resource wait for the release that installs its CRD", () => {
    const crs = run().resources.filter((r) => customKind(r) !== undefined);
    expect(crs.map((r) => customKind(r)).sort()).toEqual(expect.arrayContaining([
      "autoscaling.k8s.io/VerticalPodAutoscaler",
      "cert-manager.io/ClusterIssuer",
      "elasticsearch.k8s.elastic.co/Elasticsearch",
      "elbv2.k8s.aws/TargetGroupBinding",
      "kibana.k8s.elastic.co/Kibana",
      "monitoring.coreos.com/PrometheusRule",
      "postgresql.cnpg.io/Cluster",
      "barmancloud.cnpg.io/ObjectStore",
      "serving.kserve.io/ServingRuntime",
    ]));
    expect(summary(checkCrdReleases(graphOf(run().resources), ownersOf(run().resources)))).toEqual([]);
  });

  it("lets nothing race an admission webhook: the Service mutator is off, and trading-api's pods and bindings wait for the controller", () => {
    const lbc = named(run(), "lb-controller-release", RELEASE);
    expect(lbc.inputs.values).toMatchObject({ enableServiceMutatorWebhook: false, webhookConfig: { disableIngressValidation: true } });
    expect(summary(checkWebhooks(graphOf(run().resources)))).toEqual([]);
    const g = graphOf(run().resources);
    expect(g.waitsFor(urn("trading-api-deployment"), lbc.urn)).toBe(true);
    for (const tgb of run().resources.filter((r) => r.type === "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")) expect(g.waitsFor(tgb.urn, lbc.urn)).toBe(true);
  });

  it("gives every release a timeout above 300 s covering its install and one new node, and waitForJobs where the chart runs Jobs", () => {
    expect(summary(checkHelmTimeouts(new ResourceIndex(run().resources)))).toEqual([]);
    const timeouts = Object.fromEntries(run().resources.filter((r) => r.type === RELEASE).map((r) => [String(r.inputs.chart), [r.inputs.timeout, r.inputs.waitForJobs ?? false]]));
    expect(timeouts).toMatchObject({
      "aws-load-balancer-controller": [600, false],
      "cert-manager": [660, true],
      "cluster-autoscaler": [600, false],
      "eck-operator": [600, false],
      "kube-prometheus-stack": [960, true],
      "metrics-server": [600, false],
      "nvidia-device-plugin": [540, false],
      velero: [660, true],
      vpa: [660, true],
    });
  });
});

describe("the ordering checks catch a broken graph (doctored copies of prod's record)", () => {
  const prod = (): readonly RecordedResource[] => runs.prod.resources;
  const urn = (name: string, type?: string): string => named(runs.prod, name, type).urn;
  const poolWaits = (rs: readonly RecordedResource[], inherit = true): string[] => summary(checkPoolWaits(graphOf(rs, inherit)));

  // Velero owns no volume: the volume owners also wait for the system nodes through the EBS CSI add-on.
  it("flags a release that no longer waits for its nodes and CoreDNS", () => {
    const rs = doctor(prod(), "cluster-backup-velero", withoutDeps([urn("cluster-general-ng-ap-northeast-2a"), urn("cluster-coredns")]));
    expect(poolWaits(rs)).toEqual([
      "cluster-backup-velero: does not wait for node group cluster-general-ng-ap-northeast-2a (selects role general)",
      "cluster-backup-velero: does not wait for CoreDNS (cluster-coredns)",
    ]);
  });

  it("flags a workload that waits for a pool it does not run on, and a device plugin held by its GPU pool", () => {
    const gpu = urn("cluster-ai-inference-ng");
    expect(poolWaits(doctor(prod(), "trading-api-deployment", withDeps([gpu])))).toEqual([
      "trading-api-deployment: waits for node group cluster-ai-inference-ng of pool ai-inference, which it does not need (selects role general)",
    ]);
    expect(poolWaits(doctor(prod(), "cluster-system-nvidia-device-plugin", withDeps([gpu])))).toEqual([
      "cluster-system-nvidia-device-plugin: waits for node group cluster-ai-inference-ng of pool ai-inference, which it does not need (per-node agent for ai-inference: its install needs none of those nodes)",
    ]);
  });

  it("follows a component parent's dependsOn as the SDK does, and tells it from the resource's own", () => {
    // The waits move from the release to its component: the SDK still orders it (the child registers
    // after its parent, which registers after its dependencies), but the release no longer names them.
    const waits = [urn("cluster-general-ng-ap-northeast-2a"), urn("cluster-coredns")];
    const component = urn("cluster-backup", "entasis:backup:ClusterBackup");
    const rs = doctor(prod(), "cluster-backup-velero", withoutDeps(waits)).map((r) => (r.urn === component ? { ...r, dependencies: [...r.dependencies, ...waits] } : r));
    expect(poolWaits(rs)).toEqual([]);
    expect(poolWaits(rs, false)).toHaveLength(2);
  });

  it("flags CoreDNS waiting for the GPU pool", () => {
    const rs = doctor(prod(), "cluster-coredns", withDeps([urn("cluster-ai-inference-ng")]));
    expect(summary(checkSystemAddons(graphOf(rs)))).toEqual([
      "cluster-coredns: waits for node group cluster-ai-inference-ng of pool ai-inference; only the system pool general may hold it",
    ]);
  });

  it("flags a custom resource created before its CRD's release", () => {
    const rs = doctor(prod(), "trading-api-vpa", withoutDeps([urn("vpa-release")]));
    expect(summary(checkCrdReleases(graphOf(rs), ownersOf(rs)))).toEqual(["trading-api-vpa: does not wait for vpa-release, which installs the CRD of autoscaling.k8s.io/VerticalPodAutoscaler"]);
    expect(summary(checkCrdReleases(graphOf(prod()), new Map())).length).toBe(prod().filter((r) => customKind(r) !== undefined).length);
  });

  it("flags every Service racing the controller once its Service mutator is back on", () => {
    const rs = doctor(prod(), "lb-controller-release", (r) => withInputs({ values: { ...(r.inputs.values as object), enableServiceMutatorWebhook: true } })(r));
    const found = checkWebhooks(graphOf(rs)).map((x) => x.name);
    expect(found).toEqual(expect.arrayContaining(["trading-api-service", "monitoring-kube-prometheus-stack", "logging-eck-operator", "cluster-system-metrics-server", "vpa-release"]));
  });

  it("flags trading-api's pods racing the readiness-gate webhook when the namespace asks for it", () => {
    const ns = prod().find((r) => r.type === "kubernetes:core/v1:Namespace" && r.name === "trading-api-ns");
    if (!ns) throw new Error("no trading-api namespace");
    const meta = ns.inputs.metadata as { labels: Record<string, string> };
    const labelled = doctor(prod(), "trading-api-ns", withInputs({ metadata: { ...meta, labels: { ...meta.labels, "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } } }));
    expect(summary(checkWebhooks(graphOf(labelled)))).toEqual([]);
    // Its bindings wait for the controller too, so both edges go.
    const bindings = runs.prod.resources.filter((r) => r.type === "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding").map((r) => r.urn);
    const racing = doctor(labelled, "trading-api-deployment", withoutDeps([urn("lb-controller-release"), ...bindings]));
    expect(summary(checkWebhooks(graphOf(racing)))).toEqual([
      "trading-api-deployment: its Pod is admitted by mpod.elbv2.k8s.aws (lb-controller-release, failurePolicy Ignore) but it does not wait for that release",
    ]);
    // A pod no bound Service selects loses nothing when the fail-open webhook is down (a Job, say)...
    const deployment = named(runs.prod, "trading-api-deployment");
    const job: RecordedResource = {
      ...deployment,
      urn: deployment.urn.replace("apps/v1:Deployment", "batch/v1:Job").replace("trading-api-deployment", "trading-api-job"),
      type: "kubernetes:batch/v1:Job",
      name: "trading-api-job",
      inputs: { metadata: deployment.inputs.metadata, spec: { template: { metadata: { labels: { app: "db-bootstrap" } }, spec: {} } } },
      dependencies: [urn("cluster-general-ng-ap-northeast-2a"), urn("cluster-coredns")],
      propertyDependencies: {},
    };
    expect(summary(checkWebhooks(graphOf([...labelled, job])))).toEqual([]);
    // ...but is rejected when the webhook fails closed.
    const closed = doctor(labelled, "lb-controller-release", (r) => withInputs({ values: { ...(r.inputs.values as object), podMutatorWebhookConfig: { failurePolicy: "Fail" } } })(r));
    expect(summary(checkWebhooks(graphOf([...closed, job])))).toEqual([
      "trading-api-job: its Pod is admitted by mpod.elbv2.k8s.aws (lb-controller-release, failurePolicy Fail) but it does not wait for that release",
    ]);
  });

  it("flags Helm's default timeout and a chart with Jobs that does not wait for them", () => {
    const rs = doctor(doctor(prod(), "logging-eck-operator", withInputs({ timeout: 300 })), "vpa-release", withInputs({ waitForJobs: false }));
    expect(summary(checkHelmTimeouts(new ResourceIndex(rs)))).toEqual([
      "logging-eck-operator: timeout 300 is not above Helm's 300 s default",
      "vpa-release: runs Jobs but does not set waitForJobs",
    ]);
    const short = doctor(prod(), "monitoring-kube-prometheus-stack", withInputs({ timeout: 400 }));
    expect(summary(checkHelmTimeouts(new ResourceIndex(short)))).toEqual(["monitoring-kube-prometheus-stack: timeout 400 s does not cover a typical install (240 s) plus one new node (240 s)"]);
  });
});
