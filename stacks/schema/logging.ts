import type { ContainerResources as ContainerResourcesSettings, LoggingSettings } from "../../components/observability/loggingSettings";
import { z } from "zod";
import type { AreaContext } from "./context";
import { ConfigProblem, issue } from "./problems";

/** Elastic Stack majors ECK 3.x runs (6.x support was removed in ECK 3.0; 7.x is end of life).
 * https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-supported.html */
export const STACK_MAJORS = ["8", "9"] as const;

/** Heap above ~31 GiB loses compressed object pointers.
 * https://www.elastic.co/guide/en/elasticsearch/reference/current/advanced-configuration.html#set-jvm-heap-size */
export const MAX_HEAP_MIB = 31744;

/** Requests of one container; the memory request is also its limit (no overcommit for the JVM). */
const resourcesSchema = z.strictObject({
  /** CPU request in millicores. */
  cpuMillis: z.number().int().min(10).max(64000),
  /** Memory request and limit in MiB. */
  memoryMiB: z.number().int().min(64).max(262144),
});
export type ContainerResources = z.infer<typeof resourcesSchema>;

export const loggingSchema = z.strictObject({
  /** Elastic Stack version of Elasticsearch, Kibana and Filebeat (one version for all three). */
  stackVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { message: issue("is not an Elastic Stack version", 'use e.g. "9.5.4" (quoted)') }),
  /** Days a log document is kept (ILM delete phase after rollover). Default 7 (dev) / 30 (prod). */
  retentionDays: z.number().int().min(1).max(3650),
  elasticsearch: z.strictObject({
    /** master+data nodes. Default 1 (dev) / 3 (prod, one per zone). */
    nodes: z.number().int().min(1).max(30),
    /** gp3 volume per node. Default 20 (dev) / 200 (prod). */
    storageGiB: z.number().int().min(10).max(16384),
    /** JVM heap (-Xms = -Xmx). Default 512 (dev) / 4096 (prod). */
    heapMiB: z.number().int().min(256).max(MAX_HEAP_MIB),
    /** Default 250m/1536Mi (dev) / 1000m/8192Mi (prod). */
    resources: resourcesSchema,
    /** Reclaim policy of the data volumes' StorageClass. Default Delete (dev) / Retain (prod). */
    reclaimPolicy: z.enum(["Delete", "Retain"]),
  }),
  kibana: z.strictObject({
    /** Default 1 (dev) / 2 (prod). */
    replicas: z.number().int().min(1).max(10),
    /** Default 100m/1024Mi (dev) / 500m/2048Mi (prod). */
    resources: resourcesSchema,
  }),
  filebeat: z.strictObject({
    /** Per node. Default 50m/200Mi (dev) / 100m/400Mi (prod). */
    resources: resourcesSchema,
  }),
});
export type LoggingConfig = z.infer<typeof loggingSchema>;
// The components own their settings' types; the validated config satisfies them.
loggingSchema satisfies z.ZodType<LoggingSettings>;
resourcesSchema satisfies z.ZodType<ContainerResourcesSettings>;

/** Availability rules and JVM sizing across fields. */
export function validateLogging(logging: LoggingConfig, ctx: AreaContext, areaKey = "entasis:logging"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const es = logging.elasticsearch;
  const major = logging.stackVersion.split(".")[0];
  if (!(STACK_MAJORS as readonly string[]).includes(major)) {
    problems.push({ key: `${areaKey}.stackVersion`, value: logging.stackVersion, problem: `is not an Elastic Stack major ECK 3.5 supports here (${STACK_MAJORS.join(", ")})`, fix: 'use e.g. "9.5.4"' });
  }
  // Two master-eligible nodes cannot lose one and keep a quorum: it is 1, or 3 and more.
  // https://www.elastic.co/guide/en/elasticsearch/reference/current/high-availability-cluster-small-clusters.html
  if (es.nodes === 2) {
    problems.push({ key: `${areaKey}.elasticsearch.nodes`, value: 2, problem: "cannot keep a master quorum when one node is lost", fix: "use 1 (dev) or 3 or more" });
  }
  if (ctx.environment === "prod" && es.nodes < 3) {
    problems.push({ key: `${areaKey}.elasticsearch.nodes`, value: es.nodes, problem: "is not highly available in prod (one node holds every shard)", fix: "use 3 or more, spread over the zones" });
  }
  // The JVM heap is at most half the container memory: the rest is the filesystem cache Lucene relies on.
  if (es.heapMiB * 2 > es.resources.memoryMiB) {
    problems.push({
      key: `${areaKey}.elasticsearch.heapMiB`,
      value: es.heapMiB,
      problem: `is more than half of elasticsearch.resources.memoryMiB ${es.resources.memoryMiB}`,
      fix: `use at most ${Math.floor(es.resources.memoryMiB / 2)}, or raise memoryMiB to ${es.heapMiB * 2}`,
    });
  }
  if (ctx.environment === "prod" && es.reclaimPolicy === "Delete") {
    problems.push({ key: `${areaKey}.elasticsearch.reclaimPolicy`, value: "Delete", problem: "deletes the log volumes with their claims in prod", fix: "use Retain in prod" });
  }
  return problems;
}
