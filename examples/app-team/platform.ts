import * as pulumi from "@pulumi/pulumi";
// Vendored copy of the platform's output types (generated; copy it with this file into your repository).
import type { PlatformOutputName } from "./platform-outputs";

/** Names of the platform's outputs: the compiler rejects a name the platform does not export. */
export type { PlatformOutputName };

/** The time-series database's CA as the platform publishes it (`timeseries.tls`). */
export interface TimeseriesTlsInfo {
  readonly issuer: string;
  readonly caSecret: string;
  readonly caKey: string;
  readonly sslrootcert: string;
}

export interface NodePoolInfo {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
}

function fail(stack: string, name: string, expected: string, got: unknown): never {
  throw new Error(`platform stack ${stack}: output ${name} should be ${expected}, got ${JSON.stringify(got)?.slice(0, 80)}; is the platform deployed at a version with this output?`);
}

const isString = (v: unknown): boolean => typeof v === "string";
const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");
const isTimeseries = (v: unknown): boolean =>
  typeof v === "object" && v !== null && "poolerEndpoint" in v && "consumerSecretArns" in v && typeof (v as { consumerSecretArns: unknown }).consumerSecretArns === "object";
const isConfigStore = (v: unknown): boolean =>
  typeof v === "object" && v !== null && "prefixes" in v && typeof v.prefixes === "object" && v.prefixes !== null && Object.values(v.prefixes).every((x) => typeof x === "string");
const isNodePools = (v: unknown): boolean =>
  typeof v === "object" && v !== null && Object.values(v).every((p) => typeof p === "object" && p !== null && "labels" in p && "taints" in p);

/** The shape of each output this helper can read, as docs/outputs.md describes it. */
const SHAPES: Partial<Record<PlatformOutputName, { readonly check: (v: unknown) => boolean; readonly expected: string }>> = {
  kubeconfig: { check: isString, expected: "a string" },
  clusterName: { check: isString, expected: "a string" },
  clusterEndpoint: { check: isString, expected: "a string" },
  oidcProviderArn: { check: isString, expected: "a string" },
  vpcId: { check: isString, expected: "a string" },
  privateSubnetIds: { check: isStringList, expected: "a list of strings" },
  nodePools: { check: isNodePools, expected: "node pools with labels and taints" },
  timeseries: { check: isTimeseries, expected: "the time-series store (poolerEndpoint, consumerSecretArns)" },
  configStore: { check: isConfigStore, expected: "the configuration store's prefixes by application" },
};

/**
 * Typed access to the Entasis platform's stack outputs (docs/outputs.md). Every read checks the
 * value's shape at run time, so a renamed or changed output fails the app's `pulumi preview` with
 * a clear message instead of deploying something half-wired.
 */
export class PlatformReference {
  private readonly ref: pulumi.StackReference;

  constructor(private readonly stack: string, opts?: pulumi.CustomResourceOptions) {
    this.ref = new pulumi.StackReference(stack, { name: stack }, opts);
  }

  /**
   * Checks, before anything is created, that the platform exports every output this app needs in
   * the expected shape; reports all that is missing or wrong at once.
   */
  async verify(names: readonly PlatformOutputName[]): Promise<void> {
    const problems: string[] = [];
    for (const name of names) {
      const details = await this.ref.getOutputDetails(name);
      const value: unknown = details.value ?? details.secretValue;
      const shape = SHAPES[name];
      if (value === undefined || value === null) problems.push(`output ${name} does not exist`);
      else if (shape && !shape.check(value)) problems.push(`output ${name} should be ${shape.expected}, got ${JSON.stringify(value).slice(0, 80)}`);
    }
    if (problems.length > 0) {
      throw new Error(`platform stack ${this.stack} does not provide what this app needs (see the platform's docs/outputs.md):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
  }

  string(name: PlatformOutputName): pulumi.Output<string> {
    return this.ref.requireOutput(name).apply((v: unknown) => (typeof v === "string" ? v : fail(this.stack, name, "a string", v)));
  }

  strings(name: PlatformOutputName): pulumi.Output<string[]> {
    return this.ref.requireOutput(name).apply((v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? v : fail(this.stack, name, "a list of strings", v)));
  }

  /** The kubeconfig stays secret: requireOutput keeps the platform's secretness. */
  get kubeconfig(): pulumi.Output<string> {
    return this.string("kubeconfig");
  }

  get clusterName(): pulumi.Output<string> {
    return this.string("clusterName");
  }

  /** ARN of the Secrets Manager secret with `consumer`'s TimescaleDB connection (host, dbname, username, password). */
  timeseriesSecretArn(consumer: string): pulumi.Output<string> {
    return this.ref.requireOutput("timeseries" satisfies PlatformOutputName).apply((v: unknown) => {
      const arns = typeof v === "object" && v !== null ? (v as { consumerSecretArns?: Record<string, unknown> }).consumerSecretArns : undefined;
      const arn = arns?.[consumer];
      return typeof arn === "string" ? arn : fail(this.stack, `timeseries.consumerSecretArns.${consumer}`, "a secret ARN", arn);
    });
  }

  /**
   * How the app verifies the time-series database (`timeseries.tls`): the platform's ClusterIssuer,
   * the CA-bundle Secret (name and key) to create in the app's namespace, and where the connection
   * secret's `sslrootcert` expects the CA mounted.
   */
  timeseriesTls(): pulumi.Output<TimeseriesTlsInfo> {
    return this.ref.requireOutput("timeseries" satisfies PlatformOutputName).apply((v: unknown) => {
      const tls = typeof v === "object" && v !== null ? (v as { tls?: Record<string, unknown> }).tls : undefined;
      const fields = ["issuer", "caSecret", "caKey", "sslrootcert"] as const;
      if (!tls || !fields.every((f) => typeof tls[f] === "string")) return fail(this.stack, "timeseries.tls", "the CA's issuer, caSecret, caKey and sslrootcert", tls);
      return { issuer: String(tls.issuer), caSecret: String(tls.caSecret), caKey: String(tls.caKey), sslrootcert: String(tls.sslrootcert) };
    });
  }

  nodePool(pool: string): pulumi.Output<NodePoolInfo> {
    return this.ref.requireOutput("nodePools" satisfies PlatformOutputName).apply((v: unknown) => {
      const p = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[pool] : undefined;
      if (typeof p !== "object" || p === null || !("labels" in p)) return fail(this.stack, `nodePools.${pool}`, "a node pool", p);
      return p as NodePoolInfo;
    });
  }

  /** The application's `/config/` root in SSM Parameter Store (the spec's etcd keys under it). */
  configPrefix(app: string): pulumi.Output<string> {
    return this.ref.requireOutput("configStore" satisfies PlatformOutputName).apply((v: unknown) => {
      const prefixes = typeof v === "object" && v !== null && "prefixes" in v ? (v.prefixes as Record<string, unknown>) : undefined;
      const prefix = prefixes?.[app];
      return typeof prefix === "string" ? prefix : fail(this.stack, `configStore.prefixes.${app}`, "a parameter path", prefix);
    });
  }
}
