import { LOAD_SHAPES, SHAPE_NAMES, SPEC_TARGET_USERS, durationSeconds, peakUsers } from "../components/loadtest/shapes";
import { LOAD_TEST_SLO, LOCUST_METRICS } from "../components/loadtest/slo";
import { CHARTS } from "../lib/helmCharts";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { validateWith, withField } from "./support/config";
import { manifestOf, schemaErrors } from "./support/k8sSchema";
import { jsonInput, named, ofType, str } from "./support/query";
import { checkPoolWaits } from "../tools/insights/ordering";
import { ResourceIndex } from "../tools/insights/model";
import { WaitGraph } from "../tools/insights/waits";
import { recordedRuns } from "./support/runs";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const runs = recordedRuns(["dev", "prod"]);

function dig(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string | number, unknown>)[k] : undefined), value);
}
const dev = (): RunResult => runs.dev;
const release = (): RecordedResource => named(dev(), "load-test-locust", RELEASE);
const values = (...path: (string | number)[]): unknown => dig(release().inputs.values, ...path);
const dataOf = (name: string): Record<string, string> => dig(named(dev(), name, CONFIG_MAP).inputs, "data") as Record<string, string>;

interface Stage {
  readonly untilSeconds: number;
  readonly users: number;
  readonly spawnRate: number;
}
interface Shape {
  readonly className: string;
  readonly stages: Stage[];
  readonly stopWhen?: { errorRatio: number; p95Seconds: number };
}
/** The shapes as Locust reads them: the lib ConfigMap's shapes.json in the recorded dev run. */
const plannedShapes = (): Record<string, Shape> => JSON.parse(dataOf("load-test-lib")["shapes.json"]) as Record<string, Shape>;
/** Seconds a shape holds at least `users` users (stages whose target is at least that). */
function secondsAtLeast(shape: Shape, users: number): number {
  return shape.stages.reduce((acc, s, i) => acc + (s.users >= users ? s.untilSeconds - (i === 0 ? 0 : shape.stages[i - 1].untilSeconds) : 0), 0);
}

describe("dev plans distributed Locust against trading-api", () => {
  it("pins the deliveryhero chart 0.35.0 and places master and workers on the tainted data-processing pool, never trading-api's", () => {
    const r = release();
    expect({ chart: r.inputs.chart, version: r.inputs.version, repo: dig(r.inputs, "repositoryOpts", "repo") }).toEqual({ chart: "locust", version: CHARTS.locust.version, repo: CHARTS.locust.repo });
    expect(values("nodeSelector")).toEqual({ role: "data-processing" });
    expect(values("tolerations")).toEqual([{ key: "workload", operator: "Equal", value: "data-processing", effect: "NoSchedule" }]);
    expect(values("worker", "replicas")).toBe(5);
    expect(values("worker", "resources")).toEqual({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } });
    // trading-api's Deployment selects the general pool: the load generators never share its nodes.
    expect(dig(named(dev(), "trading-api-deployment").inputs, "spec", "template", "spec", "nodeSelector")).toEqual({ role: "general" });
  });

  it("waits for the data-processing node group and CoreDNS, not for the general pool", () => {
    const deps = release().dependencies;
    // Both pools are a node group per zone (tests/zone-aware-capacity.test.ts).
    const groups = (pool: string): string[] => dev().resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name.startsWith(`cluster-${pool}-ng-`)).map((r) => r.urn);
    expect(groups("data-processing").length).toBeGreaterThanOrEqual(2);
    expect(deps).toEqual(expect.arrayContaining([...groups("data-processing"), named(dev(), "cluster-coredns").urn, named(dev(), "load-test-locustfile", CONFIG_MAP).urn]));
    for (const g of groups("general")) expect(deps).not.toContain(g);
    // The ordering rule: its pool and CoreDNS (which runs on the system pool), never the GPU pool.
    const graph = (rs: readonly RecordedResource[]): WaitGraph => new WaitGraph(new ResourceIndex(rs));
    const violations = (rs: readonly RecordedResource[]): string[] => checkPoolWaits(graph(rs)).filter((x) => x.name === "load-test-locust").map((x) => x.problem);
    expect(violations(dev().resources)).toEqual([]);
    const gpu = named(dev(), "cluster-ai-inference-ng").urn;
    const doctored = dev().resources.map((r) => (r.name === "load-test-locust" && r.type === RELEASE ? { ...r, dependencies: [...r.dependencies, gpu] } : r));
    expect(violations(doctored)).toEqual(["waits for node group cluster-ai-inference-ng of pool ai-inference, which it does not need (selects role data-processing)"]);
  });

  it("aims the users at the ALB's DNS name over the listener dev serves (plain HTTP, internal ALB)", () => {
    const dns = String(named(dev(), "edge-alb", "aws:lb/loadBalancer:LoadBalancer").state.dnsName);
    expect(dns).not.toBe("undefined");
    expect(values("loadtest", "locust_host")).toBe(`http://${dns}`);
    expect(values("loadtest", "locust_locustfile_configmap")).toBe("locust-locustfile");
    expect(values("loadtest", "locust_lib_configmap")).toBe("locust-lib");
    expect(values("loadtest", "environment", "ENTASIS_SHAPE")).toBe("stages");
    // Plain HTTP in dev: nothing to verify; with HTTPS only a targetHost on the certificate turns verification on.
    expect(values("loadtest", "environment", "ENTASIS_VERIFY_TLS")).toBe("false");
    expect(dataOf("load-test-locustfile")["main.py"]).toContain('insecure = os.environ.get("ENTASIS_VERIFY_TLS") != "true"');
  });

  it("runs restricted: namespace label, non-root, no privilege escalation, every capability dropped", () => {
    const ns = named(dev(), "load-test-namespace", "kubernetes:core/v1:Namespace");
    expect(dig(ns.inputs, "metadata", "labels", "pod-security.kubernetes.io/enforce")).toBe("restricted");
    expect(values("podSecurityContext")).toEqual(expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }));
    expect(values("securityContext")).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  });

  it("denies by default and allows only DNS, the ALB's listener, workers to master, Prometheus in, and HTTPS out of the master", () => {
    const policies = ofType(dev(), NETPOL).filter((p) => dig(p.inputs, "metadata", "namespace") === "loadtest");
    expect(policies.map((p) => String(dig(p.inputs, "metadata", "name"))).sort()).toEqual(["default-deny", "dns", "master-from-prometheus", "master-from-workers", "master-https", "to-target", "workers-to-master"]);
    const spec = (n: string): unknown => dig(policies.find((p) => dig(p.inputs, "metadata", "name") === n)?.inputs, "spec");
    expect(spec("default-deny")).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    // dev's ALB is internal: its listener is in the private subnets.
    const privateCidrs = ofType(dev(), "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-")).map((s) => str(s, "cidrBlock"));
    expect(privateCidrs.length).toBe(2);
    expect(dig(spec("to-target"), "egress", 0)).toEqual({ to: privateCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 80 }] });
    expect(dig(spec("master-https"), "podSelector")).toEqual({ matchLabels: { component: "master" } });
    expect(dig(spec("master-from-prometheus"), "ingress", 0, "ports")).toEqual([{ protocol: "TCP", port: 8089 }]);
  });

  it("is off in prod by default: no release, namespace or bucket", () => {
    expect(ofType(runs.prod, RELEASE).filter((r) => r.inputs.chart === "locust")).toEqual([]);
    expect(runs.prod.resources.filter((r) => r.type.startsWith("entasis:loadtest:"))).toEqual([]);
  });
});

describe("the spec's four shapes, as Locust runs them", () => {
  it("are the four of 001, each a LoadTestShape class of the locustfile over the same stage data", () => {
    const shapes = plannedShapes();
    expect(Object.keys(shapes).sort()).toEqual([...SHAPE_NAMES].sort());
    expect(shapes).toEqual(JSON.parse(JSON.stringify(LOAD_SHAPES)));
    const main = dataOf("load-test-locustfile")["main.py"];
    for (const name of SHAPE_NAMES) {
      expect(main).toContain(`class ${shapes[name].className}(_StagedShape):`);
      expect(main).toContain(`abstract = SELECTED != "${name}"`);
    }
    expect(main).toContain('os.path.join(LIB, "shapes.json")');
  });

  it("stages ramps to the spec's 10,000 users and holds there at least 10 minutes", () => {
    const s = plannedShapes().stages;
    expect(Math.max(...s.stages.map((x) => x.users))).toBe(SPEC_TARGET_USERS);
    expect(secondsAtLeast(s, SPEC_TARGET_USERS)).toBeGreaterThanOrEqual(600);
    // A ramp: targets never fall before the peak.
    const peakAt = s.stages.findIndex((x) => x.users === SPEC_TARGET_USERS);
    for (let i = 1; i <= peakAt; i++) expect(s.stages[i].users).toBeGreaterThanOrEqual(s.stages[i - 1].users);
  });

  it("stress goes past the target and stops at the breaking point", () => {
    const s = plannedShapes().stress;
    expect(peakUsers(LOAD_SHAPES.stress)).toBeGreaterThan(SPEC_TARGET_USERS);
    expect(Math.max(...s.stages.map((x) => x.users))).toBeGreaterThanOrEqual(2 * SPEC_TARGET_USERS);
    expect(s.stopWhen?.errorRatio).toBeGreaterThan(LOAD_TEST_SLO.errorRatio);
    expect(s.stopWhen?.p95Seconds).toBeGreaterThanOrEqual(LOAD_TEST_SLO.p95Seconds);
  });

  it("soak holds steady load for hours; spike jumps to the target within a minute, twice", () => {
    const soak = plannedShapes().soak;
    expect(durationSeconds(LOAD_SHAPES.soak)).toBeGreaterThanOrEqual(4 * 3600);
    expect(secondsAtLeast(soak, Math.max(...soak.stages.map((x) => x.users)))).toBeGreaterThanOrEqual(4 * 3600);
    const spike = plannedShapes().spike;
    const bursts = spike.stages.filter((x, i) => i > 0 && x.users === SPEC_TARGET_USERS && spike.stages[i - 1].users < SPEC_TARGET_USERS);
    expect(bursts.length).toBe(2);
    for (const b of bursts) expect((SPEC_TARGET_USERS - spike.stages[0].users) / b.spawnRate).toBeLessThanOrEqual(60);
  });
});

describe("results: metrics, SLO alerts, dashboard, run summaries", () => {
  it("alerts on the spec's thresholds: errors above 1%, p50 2 s, p95 5 s, p99 10 s, under 1,000 req/s at 10,000 users", () => {
    const rule = named(dev(), "load-test-slo-rules");
    expect(schemaErrors(manifestOf(rule))).toEqual([]);
    expect(dig(rule.inputs, "metadata", "labels")).toEqual({ release: "kube-prometheus-stack" });
    const rules = dig(rule.inputs, "spec", "groups", 0, "rules") as { alert: string; expr: string }[];
    const expr = (alert: string): string => rules.find((r) => r.alert === alert)?.expr ?? "";
    expect(rules.length).toBe(5);
    expect(expr("LoadTestErrorRateAboveSlo")).toMatch(/sum\(rate\(locust_failures_total\[1m\]\)\) \/ sum\(rate\(locust_requests_total\[1m\]\)\) > 0\.01 /);
    expect(expr("LoadTestP50AboveSlo")).toMatch(/quantile="0\.5"\}\) > 2 /);
    expect(expr("LoadTestP95AboveSlo")).toMatch(/quantile="0\.95"\}\) > 5 /);
    expect(expr("LoadTestP99AboveSlo")).toMatch(/quantile="0\.99"\}\) > 10 /);
    expect(expr("LoadTestThroughputBelowSlo")).toBe("sum(rate(locust_requests_total[1m])) < 1000 and on() max(locust_users) >= 10000");
  });

  it("names only metrics the locustfile's /metrics endpoint emits, scraped from the master by a PodMonitor", () => {
    const main = dataOf("load-test-locustfile")["main.py"];
    for (const metric of Object.values(LOCUST_METRICS)) expect({ metric, emitted: main.includes(`# TYPE ${metric} `) }).toEqual({ metric, emitted: true });
    const rulesText = JSON.stringify(dig(named(dev(), "load-test-slo-rules").inputs, "spec"));
    const used = [...rulesText.matchAll(/locust_[a-z_]+/g)].map((x) => x[0]);
    expect(used.length).toBeGreaterThan(0);
    for (const metric of used) expect(Object.values(LOCUST_METRICS)).toContain(metric);
    const pm = named(dev(), "load-test-metrics");
    expect(schemaErrors(manifestOf(pm))).toEqual([]);
    expect(dig(pm.inputs, "spec", "podMetricsEndpoints", 0)).toEqual({ portNumber: 8089, path: "/metrics", interval: "15s" });
    expect(pm.dependencies).toContain(named(dev(), "monitoring-kube-prometheus-stack").urn);
  });

  it("provisions a Grafana dashboard for the sidecar with the SLO lines", () => {
    const cm = named(dev(), "load-test-dashboard", CONFIG_MAP);
    expect(dig(cm.inputs, "metadata", "labels")).toEqual({ grafana_dashboard: "1" });
    const d = JSON.parse(dataOf("load-test-dashboard")["entasis-load-test.json"]) as { panels: { title: string }[] };
    expect(d.panels.length).toBe(6);
    expect(JSON.stringify(d)).toContain("vector(1000)");
  });

  it("writes run summaries to a KMS-encrypted bucket through the master's IRSA role, runs/ only", () => {
    const bucket = named(dev(), "load-test-runs", "aws:s3/bucket:Bucket");
    expect(str(bucket, "bucket")).toMatch(/^entasis-dev-load-test-runs-\d{12}-ap-northeast-2$/);
    const sse = ofType(dev(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find((r) => r.name === "load-test-runs");
    expect(dig(sse?.inputs, "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm")).toBe("aws:kms");
    const trust = jsonInput(named(dev(), "load-test-master-role", "aws:iam/role:Role"), "assumeRolePolicy");
    expect(JSON.stringify(trust)).toContain('"system:serviceaccount:loadtest:locust-master"');
    const policy = jsonInput(named(dev(), "load-test-master-run-summaries", "aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: { Action: string[]; Resource: string }[] };
    expect(policy.Statement[0]).toEqual(expect.objectContaining({ Action: ["s3:PutObject"], Resource: expect.stringMatching(/\/runs\/\*$/) }));
    expect(values("master", "serviceAccountAnnotations", "eks.amazonaws.com/role-arn")).toBe(named(dev(), "load-test-master-role", "aws:iam/role:Role").state.arn);
    expect(values("worker", "serviceAccountAnnotations")).toBeUndefined();
  });
});

describe("entasis:loadTest validation", () => {
  const lt = (stack: string): unknown => ({ ...(JSON.parse(loadStackFile(stack).config["entasis:loadTest"] ?? "{}") as object) });
  it("accepts both stack files", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });
  it("rejects trading-api's pool, naming the key", () => {
    expect(validateWith("dev", (a) => ({ ...a, loadTest: withField(lt("dev"), ["pool"], "general") })).messages).toEqual([
      expect.stringMatching(/^entasis:loadTest\.pool "general" is the pool trading-api runs on.*; use data-processing/),
    ]);
  });
  it("rejects more workers than the pool holds at its maximum", () => {
    expect(validateWith("dev", (a) => ({ ...a, loadTest: withField(lt("dev"), ["workers"], 40) })).messages).toEqual([
      expect.stringMatching(/^entasis:loadTest\.workers 40 with the master needs 41 one-CPU slots, but pool data-processing offers 9 at its maximum \(3 per node x maxSize 3\); use at most 8 workers/),
    ]);
  });
  it("accepts prod turned on, with or without a host name on its certificate, and rejects a malformed one", () => {
    expect(validateWith("prod", (a) => ({ ...a, loadTest: withField(lt("prod"), ["enabled"], true) }))).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod", (a) => ({ ...a, loadTest: { ...withField(lt("prod"), ["enabled"], true), targetHost: "api.example.com" } }))).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod", (a) => ({ ...a, loadTest: { ...withField(lt("prod"), ["enabled"], true), targetHost: "https://api" } })).messages).toEqual([expect.stringMatching(/^entasis:loadTest\.targetHost "https:\/\/api" is not a DNS host name/)]);
  });
});
