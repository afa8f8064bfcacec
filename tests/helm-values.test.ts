import { FREE_FORM_VALUES, sharedCharts, unknownValueKeys } from "../tools/offline/sharedCharts";
import { acceptedValues } from "./support/chartValues";
import { ofType } from "./support/query";
import { recordedRuns } from "./support/runs";

const RELEASE = "kubernetes:helm.sh/v3:Release";
/** `oci://ghcr.io/kserve/charts/kserve-crd` -> `kserve-crd`; a plain chart name stays as it is. */
const chartName = (chart: unknown): string => String(chart).split("/").pop() ?? "";
const runs = recordedRuns(["dev", "prod"]);

describe.each(["dev", "prod"])("Helm releases of %s", (stack) => {
  const charts = sharedCharts();

  it("pin a chart and version that exist in the chart cache (.charts/), from the chart's own repository", () => {
    const releases = ofType(runs[stack], RELEASE);
    expect(releases.length).toBeGreaterThan(0);
    for (const r of releases) {
      const chart = charts.find((c) => c.name === chartName(r.inputs.chart));
      expect({ release: r.name, chart: r.inputs.chart, found: chart !== undefined }).toEqual({ release: r.name, chart: r.inputs.chart, found: true });
      expect({ release: r.name, version: r.inputs.version }).toEqual({ release: r.name, version: chart?.version });
      // An OCI reference names its registry itself; any other chart needs its repository.
      const oci = String(r.inputs.chart).startsWith("oci://");
      expect({ release: r.name, repo: oci ? "oci" : typeof (r.inputs.repositoryOpts as { repo?: unknown } | undefined)?.repo }).toEqual({ release: r.name, repo: oci ? "oci" : "string" });
    }
  });

  it("set only keys that exist in the pinned chart's values.yaml (subcharts are checked against their own charts)", () => {
    for (const r of ofType(runs[stack], RELEASE)) {
      const chart = charts.find((c) => c.name === chartName(r.inputs.chart));
      if (!chart) continue; // reported above
      expect({ release: r.name, unknown: unknownValueKeys(r.inputs.values, acceptedValues(chart.values), chart.subcharts, FREE_FORM_VALUES[chart.name] ?? []) }).toEqual({ release: r.name, unknown: [] });
    }
  });
});

describe("the values-key check itself", () => {
  const defaults = { replicaCount: 1, nodeSelector: {}, image: { repository: "x", tag: "" }, args: [], grafana: { enabled: true } };
  it("accepts known keys and anything under free-form maps", () => {
    expect(unknownValueKeys({ replicaCount: 2, nodeSelector: { role: "general" }, image: { tag: "v1" }, args: ["--x"] }, defaults)).toEqual([]);
  });
  it("names a misspelt key by its path", () => {
    expect(unknownValueKeys({ replicas: 2, image: { tags: "v1" } }, defaults)).toEqual(["replicas", "image.tags"]);
  });
  it("accepts any key under a map the chart's template ranges over", () => {
    expect(unknownValueKeys({ extraArgs: { expander: "least-waste" } }, { extraArgs: { v: 4 } }, [], ["extraArgs"])).toEqual([]);
    expect(unknownValueKeys({ extraArgs: { expander: "least-waste" } }, { extraArgs: { v: 4 } })).toEqual(["extraArgs.expander"]);
  });
  it("checks Istio's charts against the map under their internal defaults key, plus the profile their templates read", () => {
    const istio = { _internal_defaults_do_not_set: { replicaCount: 1, global: { hub: "", tag: "" } } };
    expect(unknownValueKeys({ profile: "ambient", replicaCount: 2, global: { hub: "docker.io/istio" } }, acceptedValues(istio))).toEqual([]);
    expect(unknownValueKeys({ pilot: { replicaCount: 2 } }, acceptedValues(istio))).toEqual(["pilot"]);
    expect(unknownValueKeys({ _internal_defaults_do_not_set: { replicaCount: 2 } }, acceptedValues(istio))).toEqual(["_internal_defaults_do_not_set"]);
  });
  it("leaves subchart keys to their own chart", () => {
    expect(unknownValueKeys({ grafana: { adminPassword: "x" } }, defaults, ["grafana"])).toEqual([]);
  });
});
