import { Dashboard } from "../observability/monitoringDashboards";
import { RuleGroup } from "../observability/monitoringRules";
import { TRADING_API } from "../workloads/names";
import { SPEC_TARGET_USERS } from "./shapes";

/**
 * The spec's targets at 10,000 concurrent users (001 "Performance Benchmarks"): error rate < 1%,
 * p50 < 2 s, p95 < 5 s, p99 < 10 s, more than 1,000 requests per second.
 */
export const LOAD_TEST_SLO = {
  errorRatio: 0.01,
  p50Seconds: 2,
  p95Seconds: 5,
  p99Seconds: 10,
  minRequestsPerSecond: 1_000,
  atUsers: SPEC_TARGET_USERS,
} as const;

/**
 * Metrics the locust master serves on its web port at /metrics (the locustfile renders them from
 * the master's aggregated stats; the chart offers no exporter sidecar, so no extra image runs).
 * Rules and the dashboard only name these; tests check that the locustfile emits each one.
 */
export const LOCUST_METRICS = {
  users: "locust_users",
  workers: "locust_workers",
  running: "locust_running",
  requests: "locust_requests_total",
  failures: "locust_failures_total",
  currentRps: "locust_current_rps",
  responseTime: "locust_response_time_seconds",
} as const;

const m = LOCUST_METRICS;
const errorRatio = `sum(rate(${m.failures}[1m])) / sum(rate(${m.requests}[1m]))`;
const quantile = (q: string): string => `max(${m.responseTime}{quantile="${q}"})`;
/** Only while a test runs: the exporter keeps serving the last values between runs. */
const whileRunning = `and on() max(${m.running}) == 1`;

/**
 * Alert rules with the spec's thresholds, severity warning and only while a test runs. They carry no
 * label of their own and take Alertmanager's one route like every alert (components/observability/monitoringValues.ts:
 * Slack in prod), which is where an announced run's operators watch.
 */
export function loadTestRuleGroups(): RuleGroup[] {
  const labels = { severity: "warning" as const };
  return [
    {
      name: "load-test-slo",
      rules: [
        {
          alert: "LoadTestErrorRateAboveSlo",
          expr: `${errorRatio} > ${LOAD_TEST_SLO.errorRatio} ${whileRunning}`,
          for: "1m",
          labels,
          annotations: { summary: `Load test error rate above ${LOAD_TEST_SLO.errorRatio * 100}%`, description: "{{ $value | humanizePercentage }} of load-test requests failed over the last minute (spec: < 1%)." },
        },
        {
          alert: "LoadTestP50AboveSlo",
          expr: `${quantile("0.5")} > ${LOAD_TEST_SLO.p50Seconds} ${whileRunning}`,
          for: "1m",
          labels,
          annotations: { summary: `Load test p50 above ${LOAD_TEST_SLO.p50Seconds}s`, description: "Median response time is {{ $value }}s (spec: < 2 s)." },
        },
        {
          alert: "LoadTestP95AboveSlo",
          expr: `${quantile("0.95")} > ${LOAD_TEST_SLO.p95Seconds} ${whileRunning}`,
          for: "1m",
          labels,
          annotations: { summary: `Load test p95 above ${LOAD_TEST_SLO.p95Seconds}s`, description: "p95 response time is {{ $value }}s (spec: < 5 s)." },
        },
        {
          alert: "LoadTestP99AboveSlo",
          expr: `${quantile("0.99")} > ${LOAD_TEST_SLO.p99Seconds} ${whileRunning}`,
          for: "1m",
          labels,
          annotations: { summary: `Load test p99 above ${LOAD_TEST_SLO.p99Seconds}s`, description: "p99 response time is {{ $value }}s (spec: < 10 s)." },
        },
        {
          alert: "LoadTestThroughputBelowSlo",
          expr: `sum(rate(${m.requests}[1m])) < ${LOAD_TEST_SLO.minRequestsPerSecond} and on() max(${m.users}) >= ${LOAD_TEST_SLO.atUsers}`,
          for: "2m",
          labels,
          annotations: { summary: `Load test below ${LOAD_TEST_SLO.minRequestsPerSecond} req/s at ${LOAD_TEST_SLO.atUsers} users`, description: "{{ $value }} req/s with the spec's 10,000 users running (spec: > 1,000)." },
        },
      ],
    },
  ];
}

/** What Grafana shows during a run: load, throughput, errors and latency against the SLO, and trading-api scaling. */
export function loadTestDashboard(tradingApiNamespace: string): Dashboard {
  return {
    uid: "entasis-load-test",
    title: "Entasis / Load test",
    tags: ["entasis", "load-test"],
    panels: [
      { title: "Users and workers", unit: "short", targets: [{ expr: `max(${m.users})`, legendFormat: "users" }, { expr: `max(${m.workers})`, legendFormat: "workers" }] },
      {
        title: `Requests per second (SLO > ${LOAD_TEST_SLO.minRequestsPerSecond})`,
        unit: "reqps",
        targets: [{ expr: `sum(rate(${m.requests}[1m]))`, legendFormat: "requests" }, { expr: `sum(rate(${m.failures}[1m]))`, legendFormat: "failures" }, { expr: `vector(${LOAD_TEST_SLO.minRequestsPerSecond})`, legendFormat: "SLO" }],
      },
      { title: `Error ratio (SLO < ${LOAD_TEST_SLO.errorRatio * 100}%)`, unit: "percentunit", targets: [{ expr: errorRatio, legendFormat: "errors" }, { expr: `vector(${LOAD_TEST_SLO.errorRatio})`, legendFormat: "SLO" }] },
      {
        title: "Response time p50 / p95 / p99 (SLO 2 / 5 / 10 s)",
        unit: "s",
        targets: [
          { expr: quantile("0.5"), legendFormat: "p50" },
          { expr: quantile("0.95"), legendFormat: "p95" },
          { expr: quantile("0.99"), legendFormat: "p99" },
        ],
      },
      {
        title: "trading-api replicas during the run",
        unit: "short",
        targets: [{ expr: `kube_deployment_status_replicas_available{namespace="${tradingApiNamespace}",deployment="${TRADING_API}"}`, legendFormat: "available" }],
      },
      {
        title: "trading-api CPU (cores)",
        unit: "short",
        targets: [{ expr: `sum(rate(container_cpu_usage_seconds_total{namespace="${tradingApiNamespace}",container="${TRADING_API}"}[1m]))`, legendFormat: "cpu" }],
      },
    ],
  };
}
