import { elasticsearchSpec, kibanaSpec } from "../components/observability/loggingStack";
import { loggingSchema } from "../stacks/schema/logging";
import { ENVIRONMENT_DEFAULTS } from "../stacks/schema/defaults";
import { validateWith, withField } from "./support/config";

const edit = (stack: string, path: string[], value: unknown): { ok: boolean; messages: string[] } => validateWith(stack, (a) => ({ ...a, logging: withField(a.logging, path, value) }));

describe("entasis:logging validation", () => {
  it("accepts both stack files", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("elasticsearch-quorum: rejects two nodes anywhere", () => {
    expect(edit("dev", ["elasticsearch", "nodes"], 2).messages).toEqual(['entasis:logging.elasticsearch.nodes 2 cannot keep a master quorum when one node is lost; use 1 (dev) or 3 or more']);
  });

  it("elasticsearch-ha-in-prod: rejects a single node in prod", () => {
    expect(edit("prod", ["elasticsearch", "nodes"], 1).messages).toEqual(['entasis:logging.elasticsearch.nodes 1 is not highly available in prod (one node holds every shard); use 3 or more, spread over the zones']);
  });

  it("jvm-heap-half-of-memory: rejects a heap above half the container memory", () => {
    expect(edit("dev", ["elasticsearch", "heapMiB"], 1024).messages).toEqual(['entasis:logging.elasticsearch.heapMiB 1024 is more than half of elasticsearch.resources.memoryMiB 1536; use at most 768, or raise memoryMiB to 2048']);
  });

  it("stack-version: rejects a malformed version and an unsupported major", () => {
    expect(edit("dev", ["stackVersion"], "9.5").messages).toEqual(['entasis:logging.stackVersion "9.5" is not an Elastic Stack version; use e.g. "9.5.4" (quoted)']);
    expect(edit("dev", ["stackVersion"], "7.17.29").messages).toEqual(['entasis:logging.stackVersion "7.17.29" is not an Elastic Stack major ECK 3.5 supports here (8, 9); use e.g. "9.5.4"']);
  });

  it("retain-volumes-in-prod: rejects Delete as the prod reclaim policy", () => {
    expect(edit("prod", ["elasticsearch", "reclaimPolicy"], "Delete").messages).toEqual(['entasis:logging.elasticsearch.reclaimPolicy "Delete" deletes the log volumes with their claims in prod; use Retain in prod']);
  });

  it("retention-days: rejects zero and unknown keys", () => {
    expect(edit("dev", ["retentionDays"], 0).messages).toEqual(["entasis:logging.retentionDays 0 is below the minimum 1; use at least 1"]);
    expect(edit("dev", ["retentionDay"], 5).ok).toBe(false);
  });
});

/**
 * NOT the official ECK schema: the ECK CRDs are not in the chart cache (.charts/) (the eck-operator-crds
 * subchart is not copied there), so this is a hand-written structural check of exactly the fields
 * this program sets, with the types and required fields the ECK API reference gives.
 * https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-api-elasticsearch-k8s-elastic-co-v1.html
 */
describe("ECK custom resources, hand-written structural check (not the official CRD schema)", () => {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const cfg = (env: "dev" | "prod") => loggingSchema.parse({ ...(ENVIRONMENT_DEFAULTS[env].logging as object), stackVersion: "9.5.4" });
  const pool = { role: "general" };

  it.each(["dev", "prod"] as const)("Elasticsearch (%s) uses only known spec fields with the right types", (env) => {
    const es = elasticsearchSpec(cfg(env), pool);
    expect(Object.keys(es.spec).sort()).toEqual(["auth", "http", "nodeSets", "version"]);
    // http.tls.certificate: a Secret with tls.crt, tls.key and ca.crt (cert-manager's, components/observability/loggingTls.ts).
    expect(es.spec.http).toEqual({ tls: { certificate: { secretName: "logs-es-http-tls" } } });
    const nodeSets = es.spec.nodeSets as Record<string, unknown>[];
    expect(nodeSets.length).toBeGreaterThan(0);
    for (const ns of nodeSets) {
      // name (required, <= 23 chars per ECK's validation) and count are required.
      expect(typeof ns.name === "string" && /^[a-z0-9-]{1,23}$/.test(ns.name)).toBe(true);
      expect(Number.isInteger(ns.count)).toBe(true);
      for (const k of Object.keys(ns)) expect(["name", "count", "config", "podTemplate", "volumeClaimTemplates"]).toContain(k);
      expect(isObj(ns.config) && isObj(ns.podTemplate)).toBe(true);
      const containers = (ns.podTemplate as { spec: { containers: { name: string }[] } }).spec.containers;
      // ECK merges podTemplate containers into its own by name.
      expect(containers.map((c) => c.name)).toEqual(["elasticsearch"]);
    }
  });

  it.each(["dev", "prod"] as const)("Kibana (%s) uses only known spec fields with the right types", (env) => {
    const kb = kibanaSpec(cfg(env), pool);
    expect(Object.keys(kb.spec).sort()).toEqual(["count", "elasticsearchRef", "podTemplate", "version"]);
    expect(kb.spec.elasticsearchRef).toEqual({ name: "logs" });
    expect((kb.spec.podTemplate as { spec: { containers: { name: string }[] } }).spec.containers.map((c) => c.name)).toEqual(["kibana"]);
  });
});
