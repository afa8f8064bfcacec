import * as crypto from "crypto";
import * as yaml from "js-yaml";
import { ChartPin } from "../../lib/helmCharts";

/** The fetch the download uses: the global one, or (in tests) one that points hosts elsewhere. */
export type Fetch = (url: string, init?: { readonly headers?: Record<string, string> }) => Promise<Response>;

async function ok(fetchImpl: Fetch, url: string, headers?: Record<string, string>): Promise<Response> {
  const res = await fetchImpl(url, headers ? { headers } : undefined);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res;
}

function sha256(data: Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

interface IndexEntry {
  readonly version?: unknown;
  readonly urls?: unknown;
  readonly digest?: unknown;
}

/**
 * A chart package from a classic Helm repository: `index.yaml` names the package's URL (absolute,
 * or relative to the repository) and its sha256 digest, which the download must match.
 * https://helm.sh/docs/topics/chart_repository/#the-index-file
 */
async function fromHttpRepository(pin: ChartPin, fetchImpl: Fetch): Promise<Buffer> {
  const repo = pin.repo.endsWith("/") ? pin.repo : `${pin.repo}/`;
  const index = yaml.load(await (await ok(fetchImpl, `${repo}index.yaml`)).text()) as { entries?: Record<string, IndexEntry[]> } | undefined;
  const entry = (index?.entries?.[pin.chart] ?? []).find((e) => String(e.version) === pin.version);
  if (!entry) throw new Error(`${repo}index.yaml has no ${pin.chart} ${pin.version}`);
  const urls = Array.isArray(entry.urls) ? entry.urls.map(String) : [];
  if (urls.length === 0) throw new Error(`${repo}index.yaml lists ${pin.chart} ${pin.version} without a URL`);
  const url = new URL(urls[0], repo).toString();
  const data = Buffer.from(await (await ok(fetchImpl, url)).arrayBuffer());
  if (typeof entry.digest === "string" && entry.digest !== sha256(data)) throw new Error(`${url}: sha256 ${sha256(data)} is not the index's ${entry.digest}`);
  return data;
}

/** `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:x:pull"` -> its fields. */
export function parseBearerChallenge(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^Bearer\s+/i, "").matchAll(/(\w+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

const HELM_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

/**
 * A chart package from an OCI registry (`oci://ghcr.io/kserve/charts` + `kserve-crd`, tag = the
 * version): the manifest's Helm content layer, fetched by digest and checked against it. Anonymous
 * pulls get a token from the registry's Bearer challenge.
 * https://helm.sh/docs/topics/registries/ , https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
 */
async function fromOciRegistry(pin: ChartPin, fetchImpl: Fetch): Promise<Buffer> {
  const [host, ...path] = pin.repo.replace(/^oci:\/\//, "").split("/");
  const repository = [...path, pin.chart].join("/");
  const manifestUrl = `https://${host}/v2/${repository}/manifests/${pin.version}`;
  const accept = { Accept: "application/vnd.oci.image.manifest.v1+json" };
  let auth: Record<string, string> = {};
  let res = await fetchImpl(manifestUrl, { headers: accept });
  if (res.status === 401) {
    const challenge = parseBearerChallenge(res.headers.get("www-authenticate") ?? "");
    if (!challenge.realm) throw new Error(`${manifestUrl}: 401 without a Bearer challenge`);
    const tokenUrl = new URL(challenge.realm);
    if (challenge.service) tokenUrl.searchParams.set("service", challenge.service);
    tokenUrl.searchParams.set("scope", challenge.scope ?? `repository:${repository}:pull`);
    const body = (await (await ok(fetchImpl, tokenUrl.toString())).json()) as { token?: string; access_token?: string };
    auth = { Authorization: `Bearer ${body.token ?? body.access_token ?? ""}` };
    res = await fetchImpl(manifestUrl, { headers: { ...accept, ...auth } });
  }
  if (!res.ok) throw new Error(`GET ${manifestUrl}: HTTP ${res.status}`);
  const manifest = (await res.json()) as { layers?: { mediaType?: string; digest?: string }[] };
  const layer = (manifest.layers ?? []).find((l) => l.mediaType === HELM_LAYER);
  if (!layer?.digest) throw new Error(`${manifestUrl}: no ${HELM_LAYER} layer`);
  const data = Buffer.from(await (await ok(fetchImpl, `https://${host}/v2/${repository}/blobs/${layer.digest}`, auth)).arrayBuffer());
  if (`sha256:${sha256(data)}` !== layer.digest) throw new Error(`${pin.repo}/${pin.chart}: blob sha256 ${sha256(data)} is not ${layer.digest}`);
  return data;
}

/** The pinned chart's package (.tgz) from its repository, HTTP or OCI. */
export function downloadChart(pin: ChartPin, fetchImpl: Fetch): Promise<Buffer> {
  return pin.repo.startsWith("oci://") ? fromOciRegistry(pin, fetchImpl) : fromHttpRepository(pin, fetchImpl);
}

/** Files a pin takes from the chart's source because the package leaves them out: cache path -> bytes. */
export async function downloadSources(pin: ChartPin, fetchImpl: Fetch): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const [file, url] of Object.entries(pin.files?.sources ?? {})) out.set(file, Buffer.from(await (await ok(fetchImpl, url)).arrayBuffer()));
  return out;
}
