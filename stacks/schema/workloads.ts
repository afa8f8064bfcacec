import { registryHost } from "../../lib/image";
import { z } from "zod";
import { ConfigProblem, issue } from "./problems";
import type { TradingApiSettings } from "../../components/workloads/workloadSettings";

/**
 * Container image reference as the distribution spec defines it, with a tag or a digest required
 * (an implicit `latest` makes rollouts unrepeatable).
 * https://github.com/distribution/reference/blob/main/regexp.go
 */
export const IMAGE_REF_RE =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127}(?:@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$/;

/** Kubernetes resource quantities we accept: CPU in cores or millicores, memory in binary units. */
export const CPU_RE = /^(\d+(\.\d+)?|\d+m)$/;
export const MEMORY_RE = /^\d+(Ki|Mi|Gi|Ti)$/;

/** Kubernetes namespace / object name (RFC 1123 label). */
const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const cpu = z.string().regex(CPU_RE, { message: issue("is not a CPU quantity", 'use cores ("1", "0.5") or millicores ("500m")') });
const memory = z.string().regex(MEMORY_RE, { message: issue("is not a memory quantity", 'use binary units, e.g. "2Gi" or "512Mi"') });
const port = z.number().int().min(1).max(65535);

export const workloadsSchema = z.strictObject({
  /** Namespace of trading-api. Default trading-api. */
  namespace: z.string().regex(DNS_LABEL_RE, { message: issue("is not a Kubernetes namespace name", "use lowercase letters, digits and '-', e.g. trading-api") }),
  /** Image to run, with a tag or digest; required unless `build` is set. Default none. */
  image: z.string().regex(IMAGE_REF_RE, { message: issue("is not a container image reference with a tag or digest", "use e.g. 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0") }).optional(),
  /** Build the image from this context and push it to an ECR repository of this stack. Default off. */
  build: z
    .strictObject({
      /** Docker build context, relative to the project directory. */
      context: z.string().min(1),
      /** Dockerfile relative to the context. Default Dockerfile. */
      dockerfile: z.string().min(1).default("Dockerfile"),
      /** Tag to push. Default 1.0.0 (the spec's version). */
      tag: z.string().regex(/^[\w][\w.-]{0,127}$/, { message: issue("is not an image tag", "use e.g. 1.0.0") }).default("1.0.0"),
    })
    .optional(),
  /** Initial replicas (the HPA takes over from there). */
  replicas: z.number().int().min(1).max(1000),
  /** Container ports. Default http 8080, metrics 9090. */
  ports: z.strictObject({ http: port, metrics: port }),
  resources: z.strictObject({
    requests: z.strictObject({ cpu, memory }),
    limits: z.strictObject({ cpu, memory }),
  }),
  /** CPU-based horizontal autoscaling. */
  hpa: z.strictObject({ minReplicas: z.number().int().min(1), maxReplicas: z.number().int().min(1), cpuUtilization: z.number().int().min(1).max(100) }),
  /** Memory right-sizing (VPA never touches CPU, which the HPA scales on). Default Auto, 1Gi..8Gi. */
  vpa: z.strictObject({ updateMode: z.enum(["Off", "Initial", "Recreate", "InPlaceOrRecreate", "Auto"]), minMemory: memory, maxMemory: memory }),
  /** PodDisruptionBudget minAvailable. Default 2. */
  pdbMinAvailable: z.number().int().min(1),
  /** What one pod serves and holds, for the plan's capacity and the connection budget. */
  capacity: z.strictObject({
    /** Orders per second one pod serves. Default 2653 (002: one backend). */
    ordersPerSecondPerPod: z.number().positive(),
    /** Database connections one pod may hold (all its workers' pools, overflow included). Default 30 (2 workers x SQLAlchemy's 5 + 10). */
    dbPoolSize: z.number().int().min(1),
  }),
});
export type WorkloadsConfig = z.infer<typeof workloadsSchema>;

// The component owns its settings' type; the validated config satisfies it.
workloadsSchema satisfies z.ZodType<TradingApiSettings>;

/** Millicores of a CPU quantity. */
export function cpuMillis(q: string): number {
  return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

const UNITS: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
/** Bytes of a memory quantity. */
export function memoryBytes(q: string): number {
  return Number(q.slice(0, -2)) * UNITS[q.slice(-2)];
}

export { registryHost };

export function validateWorkloads(w: WorkloadsConfig, areaKey: string, deploying = false): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // Previews may run with the spec's bare name; `pulumi up` must not: nodes would pull it from
  // Docker Hub, where it does not exist, and the Deployment would wait until its timeout.
  if (deploying && w.build === undefined && w.image !== undefined && registryHost(w.image) === undefined) {
    problems.push({
      key: `${areaKey}.image`,
      value: w.image,
      problem: `names no registry, so nodes would pull docker.io/${w.image.includes("/") ? "" : "library/"}${w.image} from Docker Hub, where it does not exist, and \`pulumi up\` would wait on the Deployment until it times out`,
      fix: `run: pulumi config set --path '${areaKey}.image' <account>.dkr.ecr.<region>.amazonaws.com/${w.image} (an image you pushed), or set ${areaKey}.build to build and push it to this stack's ECR repository`,
    });
  }
  if (w.image === undefined && w.build === undefined) {
    problems.push({ key: `${areaKey}.image`, value: undefined, problem: "is required when no build is configured", fix: `set ${areaKey}.image (e.g. <account>.dkr.ecr.<region>.amazonaws.com/trading-api:1.0.0) or ${areaKey}.build.context` });
  }
  if (w.image !== undefined && w.build !== undefined) {
    problems.push({ key: `${areaKey}.image`, value: w.image, problem: "is set together with build", fix: "set one of them: build pushes its own image" });
  }
  if (w.ports.http === w.ports.metrics) {
    problems.push({ key: `${areaKey}.ports.metrics`, value: w.ports.metrics, problem: "is the same port as ports.http", fix: "use separate ports (the spec: http 8080, metrics 9090)" });
  }
  const { hpa } = w;
  if (hpa.minReplicas > hpa.maxReplicas) {
    problems.push({ key: `${areaKey}.hpa.minReplicas`, value: hpa.minReplicas, problem: `is above hpa.maxReplicas ${hpa.maxReplicas}`, fix: "make minReplicas <= maxReplicas" });
  } else if (w.replicas < hpa.minReplicas || w.replicas > hpa.maxReplicas) {
    problems.push({ key: `${areaKey}.replicas`, value: w.replicas, problem: `is outside the HPA bounds ${hpa.minReplicas}..${hpa.maxReplicas}`, fix: "start within the bounds the HPA scales between" });
  }
  if (w.pdbMinAvailable >= hpa.minReplicas) {
    problems.push({ key: `${areaKey}.pdbMinAvailable`, value: w.pdbMinAvailable, problem: `is not below hpa.minReplicas ${hpa.minReplicas}, so no pod could ever be evicted (node drains would block)`, fix: `use at most ${hpa.minReplicas - 1}` });
  }
  const { requests, limits } = w.resources;
  if (CPU_RE.test(requests.cpu) && CPU_RE.test(limits.cpu) && cpuMillis(requests.cpu) > cpuMillis(limits.cpu)) {
    problems.push({ key: `${areaKey}.resources.requests.cpu`, value: requests.cpu, problem: `is above the limit ${limits.cpu}`, fix: "make the request <= the limit" });
  }
  if (memoryBytes(requests.memory) > memoryBytes(limits.memory)) {
    problems.push({ key: `${areaKey}.resources.requests.memory`, value: requests.memory, problem: `is above the limit ${limits.memory}`, fix: "make the request <= the limit" });
  }
  if (memoryBytes(w.vpa.minMemory) > memoryBytes(w.vpa.maxMemory)) {
    problems.push({ key: `${areaKey}.vpa.minMemory`, value: w.vpa.minMemory, problem: `is above vpa.maxMemory ${w.vpa.maxMemory}`, fix: "make minMemory <= maxMemory" });
  }
  return problems;
}
