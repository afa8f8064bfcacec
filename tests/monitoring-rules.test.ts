import { IPrometheusRule, PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { CLUSTER_DASHBOARD, tradingApiDashboard } from "../components/observability/monitoringDashboards";
import { RULE_METRICS, RuleGroup, nearMaxNodes, platformRuleGroups } from "../components/observability/monitoringRules";
import { ENVIRONMENT_DEFAULTS } from "../stacks/schema/defaults";
import { MonitoringConfig, monitoringSchema } from "../stacks/schema/monitoring";

const API = { namespace: "trading-api", service: "trading-api", metricsPort: 9090 } as const;

const prodAlerts = monitoringSchema.parse(ENVIRONMENT_DEFAULTS.prod.monitoring).alerts;
const POOLS = [
  { role: "general", maxSize: 10 },
  { role: "ai-inference", maxSize: 5 },
  { role: "data-processing", maxSize: 8 },
];
const exprs = (groups: RuleGroup[]): string[] => groups.flatMap((g) => g.rules.map((r) => r.expr));
const rule = (groups: RuleGroup[], alert: string) => groups.flatMap((g) => g.rules).filter((r) => r.alert === alert);

/** PromQL functions, aggregations and keywords the rules and dashboards may use. */
const PROMQL_WORDS = new Set(["sum", "count", "max", "avg", "by", "on", "rate", "increase", "max_over_time", "histogram_quantile", "and", "or", "unless"]);
/** Metrics the dashboards read from node-exporter (installed by the chart) beyond the rules' own. */
const NODE_EXPORTER = ["node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes"];
const KSM_DASHBOARD = ["kube_pod_status_phase", "kube_deployment_status_replicas_available"];

/**
 * A structural check of a PromQL expression (no PromQL parser is installed): brackets balance
 * and nest, strings close, and every identifier outside `{...}` and `by/on (...)` lists is a
 * known function/keyword or a known metric. Returns what is wrong, empty when fine.
 */
function promqlProblems(expr: string, metrics: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  let inString = false;
  let outside = "";
  let labelList = false;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"') inString = !inString;
    if (inString || c === '"') continue;
    if (c === "(" || c === "[" || c === "{") {
      // `by (...)` / `on (...)` hold label names, not metrics.
      if (c === "(" && /\b(by|on)\s*$/.test(outside)) labelList = true;
      stack.push(c);
    } else if (c in pairs) {
      if (stack.pop() !== pairs[c]) problems.push(`unbalanced ${c} at ${i}`);
      if (c === ")") labelList = false;
      outside += " ";
      continue;
    }
    const inSelector = stack.includes("{") || stack[stack.length - 1] === "[";
    outside += inSelector || labelList ? " " : c;
  }
  if (inString) problems.push("unclosed string");
  if (stack.length > 0) problems.push(`unclosed ${stack.join("")}`);
  for (const word of outside.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []) {
    if (!PROMQL_WORDS.has(word) && !metrics.has(word)) problems.push(`unknown identifier ${word}`);
  }
  return problems;
}

/** The rule groups as they reach Kubernetes: plain JSON (the model's types want mutable arrays). */
function asRecorded(groups: RuleGroup[]): IPrometheusRule["spec"]["groups"] {
  return JSON.parse(JSON.stringify(groups)) as IPrometheusRule["spec"]["groups"];
}

const RULE_METRIC_SET = new Set(Object.values(RULE_METRICS).flat());

describe("PromQL structural check (the check itself)", () => {
  it("accepts a well-formed expression over known metrics", () => {
    expect(promqlProblems('sum by (le) (rate(http_request_duration_seconds_bucket{job="x"}[5m])) > 0.5', RULE_METRIC_SET)).toEqual([]);
  });
  it("names unbalanced brackets, unclosed strings and unknown metrics", () => {
    expect(promqlProblems("sum(rate(up[5m])", RULE_METRIC_SET)).toEqual(["unclosed ("]);
    expect(promqlProblems('up{job="x} == 0', RULE_METRIC_SET)).toEqual(["unclosed string", "unclosed {"]);
    expect(promqlProblems("pg_up == 0", RULE_METRIC_SET)).toEqual(["unknown identifier pg_up"]);
  });
});

describe("platform alert rules", () => {
  const groups = platformRuleGroups(prodAlerts, POOLS, API);

  it("cover trading-api error rate and p99 latency, restarts, crash loops, HPA at max and node pools near max", () => {
    expect(groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual([
      "TradingApiHighErrorRate",
      "TradingApiHighLatencyP99",
      "TradingApiMetricsDown",
      "PodRestartingOften",
      "PodCrashLooping",
      "HpaAtMaxReplicas",
      "NodePoolNearMax",
      "NodePoolNearMax",
      "NodePoolNearMax",
    ]);
  });

  it("are well-formed PromQL over metrics of installed exporters only (no pg_*/redis_*: no such exporter exists here)", () => {
    for (const e of exprs(groups)) expect({ expr: e, problems: promqlProblems(e, RULE_METRIC_SET) }).toEqual({ expr: e, problems: [] });
    expect(exprs(groups).join(" ")).not.toMatch(/\b(pg|redis|aws_rds|aws_elasticache)_/);
  });

  it("take their thresholds from config", () => {
    const alerts: MonitoringConfig["alerts"] = { errorRatePercent: 2.5, p99LatencySeconds: 0.25, podRestartsPerHour: 7, nodePoolUsagePercent: 50, for: "10m" };
    const g = platformRuleGroups(alerts, [{ role: "general", maxSize: 10 }], API);
    expect(rule(g, "TradingApiHighErrorRate")[0].expr).toBe(
      'sum(rate(http_requests_total{job="trading-metrics",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="trading-metrics"}[5m])) > 0.025',
    );
    expect(rule(g, "TradingApiHighErrorRate")[0].for).toBe("10m");
    expect(rule(g, "TradingApiHighLatencyP99")[0].expr).toBe('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="trading-metrics"}[5m]))) > 0.25');
    expect(rule(g, "PodRestartingOften")[0].expr).toBe("increase(kube_pod_container_status_restarts_total[1h]) > 7");
    expect(rule(g, "NodePoolNearMax")[0].expr).toBe('count(kube_node_labels{label_role="general"}) >= 5');
  });

  it("warn per node pool at the configured share of its max size, rounded up", () => {
    expect(rule(groups, "NodePoolNearMax").map((r) => r.expr)).toEqual([
      'count(kube_node_labels{label_role="general"}) >= 8',
      'count(kube_node_labels{label_role="ai-inference"}) >= 4',
      'count(kube_node_labels{label_role="data-processing"}) >= 7',
    ]);
    expect([nearMaxNodes(10, 80), nearMaxNodes(5, 80), nearMaxNodes(1, 10), nearMaxNodes(3, 100)]).toEqual([8, 4, 1, 3]);
  });

  it("validate as a PrometheusRule (monitoring.coreos.com/v1 schema)", () => {
    const obj = new PrometheusRule({ metadata: { name: "x", labels: { release: "kube-prometheus-stack" } }, spec: { groups: asRecorded(groups) } });
    expect(() => obj.validate()).not.toThrow();
    // The validator is real: a rule without expr is rejected.
    const broken = { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", spec: { groups: [{ name: "g", rules: [{ alert: "A" }] }] } };
    expect(() => new PrometheusRule(broken as unknown as ConstructorParameters<typeof PrometheusRule>[0]).validate()).toThrow();
  });
});

describe("dashboards", () => {
  const known = new Set([...RULE_METRIC_SET, ...NODE_EXPORTER, ...KSM_DASHBOARD]);
  it.each([CLUSTER_DASHBOARD, tradingApiDashboard(API)])("$title queries well-formed PromQL over installed exporters' metrics", (d) => {
    for (const p of d.panels) for (const t of p.targets) expect({ expr: t.expr, problems: promqlProblems(t.expr, known) }).toEqual({ expr: t.expr, problems: [] });
  });
});
