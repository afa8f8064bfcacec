import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { CHARTS, ChartPin } from "../lib/helmCharts";
import { ALL_PINS, CHART_CACHE_DIR, DEFAULT_MIRROR_DIR, cacheProblem, fillCache, fromMirror, missingPins } from "../tools/charts/cache";
import { crdDocuments, readCrdIndex } from "../tools/charts/crdIndex";
import { extractChart, foldersOf } from "../tools/charts/extract";
import { Fetch, parseBearerChallenge } from "../tools/charts/repository";
import { TarEntry, readTar, writeTarGz } from "../tools/charts/tar";

const file = (p: string, text: string): TarEntry => ({ path: p, data: Buffer.from(text) });
const sha = (b: Buffer): string => crypto.createHash("sha256").update(b).digest("hex");

/** A packaged chart as `helm package` lays it out, with a dependency packaged as an archive. */
function packageOf(pin: ChartPin): Buffer {
  const sub = writeTarGz([file("grafana/Chart.yaml", "name: grafana\nversion: 12.11.1\n"), file("grafana/values.yaml", "adminUser: admin\n")]);
  return writeTarGz([
    file(`${pin.chart}/Chart.yaml`, `name: ${pin.chart}\nversion: ${pin.version}\n`),
    file(`${pin.chart}/values.yaml`, "replicaCount: 1\n"),
    file(`${pin.chart}/templates/deployment.yaml`, "kind: Deployment\n"),
    file(`${pin.chart}/crds/things.yaml`, "kind: CustomResourceDefinition\n"),
    file(`${pin.chart}/charts/crds/crds/crd-a.yaml`, "kind: CustomResourceDefinition\n"),
    { path: `${pin.chart}/charts/grafana-12.11.1.tgz`, data: sub },
  ]);
}

/** A local Helm repository and OCI registry on 127.0.0.1 serving one package each, as the real ones answer. */
async function withServers(pkg: Buffer, run: (port: number, requests: string[]) => Promise<void>, tamper = false): Promise<void> {
  const requests: string[] = [];
  const digest = `sha256:${sha(pkg)}`;
  const server = http.createServer((req, res) => {
    const url = req.url ?? "";
    requests.push(`${url} ${req.headers.authorization ?? ""}`.trim());
    const served = tamper ? Buffer.concat([pkg, Buffer.from("x")]) : pkg;
    if (url === "/repo/index.yaml") return void res.end(`apiVersion: v1\nentries:\n  demo:\n    - version: 1.2.3\n      urls: [charts/demo-1.2.3.tgz]\n      digest: ${sha(pkg)}\n    - version: 1.0.0\n      urls: [charts/demo-1.0.0.tgz]\n`);
    if (url === "/repo/charts/demo-1.2.3.tgz") return void res.end(served);
    if (url.startsWith("/token?")) return void res.end(JSON.stringify({ token: "t0k" }));
    if (req.headers.authorization !== "Bearer t0k") {
      res.writeHead(401, { "www-authenticate": `Bearer realm="https://registry.test/token",service="registry.test",scope="repository:org/charts/demo:pull"` });
      return void res.end();
    }
    if (url === "/v2/org/charts/demo/manifests/1.2.3") return void res.end(JSON.stringify({ layers: [{ mediaType: "application/vnd.cncf.helm.chart.provenance.v1.prov", digest: "sha256:00" }, { mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", digest }] }));
    if (url === `/v2/org/charts/demo/blobs/${digest}`) return void res.end(served);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await run((server.address() as AddressInfo).port, requests);
  } finally {
    // fetch keeps connections alive; close them so nothing outlives the test.
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

/** Sends https://repo.test and https://registry.test to the local server (the code under test builds the real URLs). */
const localFetch = (port: number): Fetch => (url, init) => fetch(url.replace(/^https:\/\/(repo|registry)\.test/, `http://127.0.0.1:${port}`), init);

const demo = (repo: string): ChartPin => ({ chart: "demo", version: "1.2.3", appVersion: "1", repo, install: { seconds: 1, range: "", source: "" }, files: { crds: ["crds/*", "charts/crds/crds/*"], subcharts: ["grafana"] } });

describe("npm run charts: the pinned charts' files into the cache", () => {
  const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "entasis-charts-"));

  it("from a classic Helm repository: index.yaml's URL, relative to the repository, checked against its digest", async () => {
    const pin = demo("https://repo.test/repo");
    await withServers(packageOf(pin), async (port, requests) => {
      const cacheDir = tmp();
      const done = await fillCache({ cacheDir, pins: [pin], fetchImpl: localFetch(port), mirror: tmp() });
      expect(done).toEqual([{ chart: "demo", version: "1.2.3", folders: ["demo"], source: "https://repo.test/repo" }]);
      expect(requests).toEqual(["/repo/index.yaml", "/repo/charts/demo-1.2.3.tgz"]);
      const files = fs.readdirSync(path.join(cacheDir, "demo"), { recursive: true }).map(String).sort();
      expect(files).toEqual(["Chart.yaml", "crds", "crds/crd-a.yaml", "crds/crd-a.yaml.json", "crds/things.yaml", "crds/things.yaml.json", "subcharts", "subcharts/grafana", "subcharts/grafana/Chart.yaml", "subcharts/grafana/values.yaml", "values.yaml"]);
      // Both CRD documents lack a spec, so the index (what the tests look CRDs up in) is empty but present.
      expect(JSON.parse(fs.readFileSync(path.join(cacheDir, "crd-index.json"), "utf8"))).toEqual([]);
      expect(missingPins(cacheDir, [pin])).toEqual([]);
    });
  });

  it("from an OCI registry: anonymous Bearer token, the manifest's Helm content layer, fetched by digest", async () => {
    const pin = demo("oci://registry.test/org/charts");
    await withServers(packageOf(pin), async (port, requests) => {
      const cacheDir = tmp();
      await fillCache({ cacheDir, pins: [pin], fetchImpl: localFetch(port), mirror: tmp() });
      expect(requests.map((r) => r.replace(/\?.*/, "?"))).toEqual(["/v2/org/charts/demo/manifests/1.2.3", "/token?", "/v2/org/charts/demo/manifests/1.2.3 Bearer t0k", expect.stringMatching(/^\/v2\/org\/charts\/demo\/blobs\/sha256:[0-9a-f]{64} Bearer t0k$/)]);
      expect(requests[1]).toContain("scope=repository%3Aorg%2Fcharts%2Fdemo%3Apull");
      expect(fs.readFileSync(path.join(cacheDir, "demo", "values.yaml"), "utf8")).toBe("replicaCount: 1\n");
    });
  });

  it("refuses a package whose bytes are not the published digest, and names the chart", async () => {
    for (const repo of ["https://repo.test/repo", "oci://registry.test/org/charts"]) {
      const pin = demo(repo);
      await withServers(packageOf(pin), async (port) => {
        await expect(fillCache({ cacheDir: tmp(), pins: [pin], fetchImpl: localFetch(port), mirror: tmp() })).rejects.toThrow(/could not fetch 1 chart\(s\):\n {2}demo 1\.2\.3 .*sha256/);
      }, true);
    }
  });

  it("refuses a package whose Chart.yaml is another version than the pin", () => {
    const pin = demo("https://repo.test/repo");
    expect(() => extractChart({ ...pin, version: "9.9.9" }, readTar(packageOf(pin)))).toThrow("demo: the package's Chart.yaml says version 1.2.3, the pin says 9.9.9");
  });

  it("reads a mirror only where it holds the pinned version, and never downloads with --offline", async () => {
    const mirror = tmp();
    fs.mkdirSync(path.join(mirror, "demo", "crds"), { recursive: true });
    fs.writeFileSync(path.join(mirror, "demo", "Chart.yaml"), "name: demo\nversion: 1.2.2\n");
    fs.writeFileSync(path.join(mirror, "demo", "values.yaml"), "a: 1\n");
    const pin = demo("https://repo.test/repo");
    expect(fromMirror(pin, mirror)).toBeUndefined();
    await expect(fillCache({ cacheDir: tmp(), pins: [pin], mirror, offline: true })).rejects.toThrow(/demo 1\.2\.3 .*not in the mirror .* at 1\.2\.3, and downloads are off/);
    fs.writeFileSync(path.join(mirror, "demo", "Chart.yaml"), "name: demo\nversion: 1.2.3\n");
    fs.writeFileSync(path.join(mirror, "demo", "README.md"), "not read\n");
    expect(fromMirror(pin, mirror)?.map((f) => f.path).sort()).toEqual(["demo/Chart.yaml", "demo/values.yaml"]);
  });

  it("says in one line, naming the command, what an empty or stale cache lacks", () => {
    const cacheDir = tmp();
    expect(cacheProblem(cacheDir, ALL_PINS)).toMatch(new RegExp(`^chart cache .* lacks cluster-autoscaler 9\\.59\\.0, .* and ${ALL_PINS.length + 1 - 3} more: run \`npm run charts\``));
    expect(cacheProblem(cacheDir, ALL_PINS)).not.toContain("\n");
  });
});

describe("the chart cache the tests read", () => {
  it("holds every pin of lib/helmCharts.ts at its version, each folder with its Chart.yaml", () => {
    expect(missingPins(CHART_CACHE_DIR)).toEqual([]);
    expect(ALL_PINS.length).toBe(Object.keys(CHARTS).length);
    for (const pin of ALL_PINS) for (const folder of foldersOf(pin)) expect({ folder, ok: fs.existsSync(path.join(CHART_CACHE_DIR, folder, "Chart.yaml")) }).toEqual({ folder, ok: true });
  });

  it("has the files the tests need from the charts whose package lays them out differently", () => {
    const has = (p: string): boolean => fs.existsSync(path.join(CHART_CACHE_DIR, p));
    expect(["kube-prometheus-stack/subcharts/kube-state-metrics/values.yaml", "kube-prometheus-stack/crds/crd-prometheusrules.yaml", "eck-operator-crds/crds/all-crds.yaml", "argo-workflows/crds/full/argoproj.io_workflowtemplates.yaml", "cloudnative-pg/crds/crds.yaml"].filter((p) => !has(p))).toEqual([]);
  });

  it("indexes every CRD it holds once per file, with the parsed documents beside it", () => {
    const index = readCrdIndex();
    const keys = index.map((e) => `${e.folder} ${e.group}/${e.kind}${e.minimal ? " (minimal)" : ""}`);
    expect(keys).toEqual(expect.arrayContaining(["kube-prometheus-stack monitoring.coreos.com/PrometheusRule", "argo-workflows argoproj.io/WorkflowTemplate", "argo-workflows argoproj.io/WorkflowTemplate (minimal)", "eck-operator-crds elasticsearch.k8s.elastic.co/Elasticsearch", "cloudnative-pg postgresql.cnpg.io/Cluster"]));
    expect(new Set(keys).size).toBe(keys.length);
    const rule = index.find((e) => e.kind === "PrometheusRule");
    expect(rule && (crdDocuments(rule.file) as { spec: { names: { kind: string } } }[]).map((d) => d.spec.names.kind)).toEqual(["PrometheusRule"]);
  });

  it("maps every extra package path of the pins onto the layout of the mirror it can be filled from", () => {
    if (!fs.existsSync(DEFAULT_MIRROR_DIR)) return;
    for (const pin of ALL_PINS) expect({ chart: pin.chart, inMirror: fromMirror(pin, DEFAULT_MIRROR_DIR) !== undefined }).toEqual({ chart: pin.chart, inMirror: true });
  });
});

describe("the tar reader", () => {
  it("reads regular files, takes a PAX header's long path for the next entry, and skips directories", () => {
    const long = `chart/${"x".repeat(120)}.yaml`;
    const record = ` path=${long}\n`;
    const pax = `${record.length + String(record.length + 3).length} ${record.slice(1)}`;
    const entries = readTar(writeTarGz([file("a/b.txt", "one"), { path: "a/", data: Buffer.alloc(0), type: "5" }, { path: "PaxHeaders/x", data: Buffer.from(pax), type: "x" }, file("cut-short-name", "two")]));
    expect(entries.map((e) => [e.path, e.data.toString()])).toEqual([["a/b.txt", "one"], [long, "two"]]);
    expect(parseBearerChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:x/y:pull"')).toEqual({ realm: "https://ghcr.io/token", service: "ghcr.io", scope: "repository:x/y:pull" });
  });
});
