import { Dashboard, comparePanel, panel } from "../observability/monitoringDashboards";
import { RuleGroup } from "../observability/monitoringRules";

/**
 * Metrics the GPU rules and dashboard use, by exporter. All DCGM fields are in dcgm-exporter's
 * default counter set (`/etc/dcgm-exporter/default-counters.csv`, chart default arguments).
 * https://github.com/NVIDIA/dcgm-exporter/blob/main/etc/default-counters.csv
 */
export const GPU_RULE_METRICS: Readonly<Record<string, readonly string[]>> = {
  "dcgm-exporter": ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_POWER_USAGE"],
  "kube-state-metrics": ["kube_node_labels"],
};

export interface GpuAlertArgs {
  /** `role` label of the GPU pool. */
  readonly poolRole: string;
  readonly poolMinSize: number;
  readonly idleUtilPercent: number;
  readonly idleFor: string;
  readonly memoryUsedPercent: number;
}

/** GPU errors, memory pressure, an idle pool that still costs money, and GPU nodes without metrics. */
export function gpuRuleGroups(a: GpuAlertArgs): RuleGroup[] {
  const gpuNodes = `count(kube_node_labels{label_role="${a.poolRole}"})`;
  const memUsedPercent = "100 * DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)";
  return [
    {
      name: "entasis-gpu",
      rules: [
        {
          alert: "GpuXidError",
          // The gauge holds the last XID code; any non-zero value is a driver-reported GPU error.
          // https://docs.nvidia.com/deploy/xid-errors/index.html
          expr: "max by (Hostname, gpu, UUID) (DCGM_FI_DEV_XID_ERRORS) > 0",
          for: "1m",
          labels: { severity: "critical" },
          annotations: {
            summary: "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported XID {{ $value }}",
            description: "The NVIDIA driver reported an XID error (see NVIDIA's XID catalogue). Cordon and replace the node if it repeats (48, 63, 64, 74, 79 mean a failing GPU).",
          },
        },
        {
          alert: "GpuMemoryPressure",
          expr: `${memUsedPercent} > ${a.memoryUsedPercent}`,
          for: "15m",
          labels: { severity: "warning" },
          annotations: {
            summary: "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} uses {{ $value | humanize }}% of its memory",
            description: `Framebuffer memory above ${a.memoryUsedPercent}% for 15 minutes: the next model load or batch may fail with out-of-memory. Spread models over more replicas or use a larger GPU.`,
          },
        },
        {
          alert: "GpuPoolIdle",
          expr: `(avg(DCGM_FI_DEV_GPU_UTIL) < ${a.idleUtilPercent}) and on() (${gpuNodes} > 0)`,
          for: a.idleFor,
          labels: { severity: "warning" },
          annotations: {
            summary: `The ${a.poolRole} pool's GPUs averaged under ${a.idleUtilPercent}% for ${a.idleFor}`,
            description: `GPU nodes are running (and billed) with almost no work. The pool's minSize is ${a.poolMinSize}: lower it, scale idle InferenceServices down, or check that the cluster autoscaler can remove the nodes.`,
          },
        },
        {
          alert: "GpuMetricsMissing",
          expr: `absent(DCGM_FI_DEV_GPU_UTIL) and on() (${gpuNodes} > 0)`,
          for: "15m",
          labels: { severity: "warning" },
          annotations: {
            summary: `GPU nodes of ${a.poolRole} run but no DCGM metrics arrive`,
            description: "dcgm-exporter is not scraped (DaemonSet pod not running, ServiceMonitor not selected, or the NVIDIA driver is missing), so GPU errors would go unnoticed.",
          },
        },
      ],
    },
  ];
}

export const GPU_DASHBOARD: Dashboard = {
  uid: "entasis-gpu",
  title: "Entasis / GPUs",
  tags: ["entasis", "gpu"],
  panels: [
    panel("GPU utilisation", "percent", "DCGM_FI_DEV_GPU_UTIL", "{{Hostname}} gpu{{gpu}}"),
    panel("GPU memory used", "percent", "100 * DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)", "{{Hostname}} gpu{{gpu}}"),
    comparePanel("GPU memory (MiB)", "decmbytes", "{{Hostname}} gpu{{gpu}}", [
      ["DCGM_FI_DEV_FB_USED", "used"],
      ["DCGM_FI_DEV_FB_FREE", "free"],
    ]),
    panel("GPU temperature", "celsius", "DCGM_FI_DEV_GPU_TEMP", "{{Hostname}} gpu{{gpu}}"),
    panel("Power draw", "watt", "DCGM_FI_DEV_POWER_USAGE", "{{Hostname}} gpu{{gpu}}"),
    panel("Last XID error", "short", "DCGM_FI_DEV_XID_ERRORS", "{{Hostname}} gpu{{gpu}}"),
    panel("GPU nodes", "short", 'count(kube_node_labels{label_role="ai-inference"})', "nodes"),
  ],
};
