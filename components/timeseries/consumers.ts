import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { storeSecret } from "../data/secret";
import { Tags } from "../tags";
import { rotationKeepers } from "../../lib/secretRotation";

/** One application of the time-series database: its own role and database. */
export interface TimeseriesConsumer {
  readonly username: string;
  readonly database: string;
  /**
   * When set, the role gets no database of its own but this schema, owned by it, in `database`
   * (another consumer's): it can create and write tables there and nowhere else (it owns nothing
   * else and is granted nothing). The collectors write market data this way. Default none.
   */
  readonly schema?: string;
}

/** In-cluster addresses applications connect to. */
export interface TimeseriesEndpoints {
  /** PgBouncer (rw, transaction pooling): the default for applications. */
  readonly poolerHost: string;
  /** The primary directly (sessions that need session state, migrations). */
  readonly rwHost: string;
  /** Hot standbys (read-only queries). */
  readonly roHost: string;
  readonly port: number;
}

export interface TimeseriesConsumersArgs {
  readonly namePrefix: string;
  readonly provider: k8s.Provider;
  /** Namespace of the CNPG Cluster (an Output of the Namespace, so Secrets wait for it). */
  readonly namespace: pulumi.Input<string>;
  /** Applications keyed by name. */
  readonly consumers: Readonly<Record<string, TimeseriesConsumer>>;
  readonly endpoints: TimeseriesEndpoints;
  /** KMS key of the data tier's secrets (apps already hold a decrypt grant through Secrets Manager). */
  readonly secretsKeyArn: pulumi.Input<string>;
  readonly recoveryWindowInDays: number;
  readonly protect: boolean;
  readonly tags: Tags;
  /**
   * Rotation generation of every consumer's password: a change generates new ones; CNPG sets each
   * role's password from its reloaded Secret and the connection secrets get a new version.
   * Default none: never rotated, no keepers (docs/secret-rotation.md).
   */
  readonly passwordGeneration?: number;
  /**
   * Where a client finds the CA that signed the server certificate: the Secret in its own namespace
   * (key `ca.crt`) and the path it mounts it at (libpq's `sslrootcert`). No default.
   */
  readonly tls: { readonly caSecret: string; readonly rootCert: string };
}

/** Kubernetes Secret CNPG reads a consumer's password from (`.spec.managed.roles[].passwordSecret`). */
export function roleSecretName(consumer: string): string {
  return `timeseries-role-${consumer}`;
}

/**
 * Credentials of each application: a generated password (@pulumi/random, secret in state), the
 * `kubernetes.io/basic-auth` Secret CNPG sets the role's password from, and a Secrets Manager
 * secret with everything the application needs to connect (as for the RDS consumers, the stack
 * outputs carry only its ARN).
 */
export class TimeseriesConsumers extends pulumi.ComponentResource {
  /** Kubernetes Secrets keyed by consumer: the Cluster's managed roles read them. */
  public readonly roleSecrets: Readonly<Record<string, k8s.core.v1.Secret>>;
  public readonly secrets: Readonly<Record<string, aws.secretsmanager.Secret>>;
  public readonly arns: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: TimeseriesConsumersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:timeseries:TimeseriesConsumers", name, {}, opts);
    const roleSecrets: Record<string, k8s.core.v1.Secret> = {};
    const secrets: Record<string, aws.secretsmanager.Secret> = {};
    for (const [consumer, c] of Object.entries(args.consumers)) {
      // Alphanumeric: the password also goes into connection URLs untouched.
      const password = new random.RandomPassword(`${name}-${consumer}`, { length: 32, special: false, ...rotationKeepers(args.passwordGeneration) }, { parent: this });
      roleSecrets[consumer] = new k8s.core.v1.Secret(
        `${name}-${consumer}`,
        {
          // cnpg.io/reload: CNPG reconciles the role when the Secret changes (password rotation).
          metadata: { name: roleSecretName(consumer), namespace: args.namespace, labels: { "cnpg.io/reload": "true" } },
          type: "kubernetes.io/basic-auth",
          stringData: { username: c.username, password: password.result },
        },
        { parent: this, provider: args.provider },
      );
      const e = args.endpoints;
      secrets[consumer] = storeSecret(this, `${name}-${consumer}`, {
        secretName: `${args.namePrefix}/timeseries/${consumer}`,
        description: `${args.namePrefix} TimescaleDB connection for ${consumer} (password, TLS verify-full)`,
        kmsKeyId: args.secretsKeyArn,
        recoveryWindowInDays: args.recoveryWindowInDays,
        value: pulumi.jsonStringify({
          engine: "postgres",
          host: e.poolerHost,
          port: e.port,
          dbname: c.database,
          ...(c.schema !== undefined ? { schema: c.schema } : {}),
          username: c.username,
          password: password.result,
          rwHost: e.rwHost,
          roHost: e.roHost,
          // The server certificate names host, rwHost and roHost (timeseriesTls.ts); clients verify
          // it against ca.crt of the `sslrootcertSecret` Secret in their namespace, mounted at sslrootcert.
          sslmode: "verify-full",
          sslrootcert: args.tls.rootCert,
          sslrootcertSecret: args.tls.caSecret,
        }),
        protect: args.protect,
        tags: args.tags,
      }).secret;
    }
    this.roleSecrets = roleSecrets;
    this.secrets = secrets;
    this.arns = Object.fromEntries(Object.entries(secrets).map(([k, s]) => [k, s.arn]));
    this.registerOutputs({ arns: this.arns });
  }
}
