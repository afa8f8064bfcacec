import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "../tags";
import { storeSecret } from "./secret";

export interface ConnectionSecretsArgs {
  readonly namePrefix: string;
  /** Applications keyed by name, each with its own database user. */
  readonly consumers: Readonly<Record<string, { readonly username: string }>>;
  readonly postgres: {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly dbname: string;
    /** A read replica for reports and status queries (the primary when there is none). */
    readonly readerHost: pulumi.Input<string>;
    /** The RDS Proxy endpoint, when there is one: writes should go through it. */
    readonly proxyHost?: pulumi.Input<string>;
  };
  readonly redis: { readonly host: pulumi.Input<string>; readonly readerHost: pulumi.Input<string>; readonly port: pulumi.Input<number>; readonly authSecretArn: pulumi.Input<string> };
  readonly secretsKeyArn: pulumi.Input<string>;
  readonly recoveryWindowInDays: number;
  readonly protect: boolean;
  readonly tags: Tags;
}

/**
 * One Secrets Manager secret per application with what it needs to connect: endpoints, port,
 * database and its own user. No password: applications authenticate with IAM database tokens
 * (directly or through the proxy), and the Redis AUTH token stays in its own secret, referenced by ARN.
 *
 * The database users themselves are not created here (no PostgreSQL provider offline): a schema
 * bootstrap run with the master secret must `CREATE ROLE <user> LOGIN; GRANT rds_iam TO <user>;`
 * and grant privileges, and each application's IAM role needs `rds-db:connect` on its user.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.DBAccounts.html
 */
export class ConnectionSecrets extends pulumi.ComponentResource {
  /** Secrets keyed by consumer name. */
  public readonly secrets: Readonly<Record<string, aws.secretsmanager.Secret>>;
  public readonly arns: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: ConnectionSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:data:ConnectionSecrets", name, {}, opts);
    const secrets: Record<string, aws.secretsmanager.Secret> = {};
    for (const [consumer, { username }] of Object.entries(args.consumers)) {
      secrets[consumer] = storeSecret(this, `${name}-${consumer}`, {
        secretName: `${args.namePrefix}/postgres/${consumer}`,
        description: `${args.namePrefix} connection details for ${consumer} (IAM authentication, TLS verify-full)`,
        kmsKeyId: args.secretsKeyArn,
        recoveryWindowInDays: args.recoveryWindowInDays,
        value: pulumi.jsonStringify({
          engine: "postgres",
          host: args.postgres.host,
          port: args.postgres.port,
          dbname: args.postgres.dbname,
          username,
          readerHost: args.postgres.readerHost,
          proxyHost: args.postgres.proxyHost,
          auth: "iam",
          sslmode: "verify-full",
          redisHost: args.redis.host,
          redisReaderHost: args.redis.readerHost,
          redisPort: args.redis.port,
          redisAuthSecretArn: args.redis.authSecretArn,
        }),
        protect: args.protect,
        tags: args.tags,
      }).secret;
    }
    this.secrets = secrets;
    this.arns = Object.fromEntries(Object.entries(secrets).map(([k, s]) => [k, s.arn]));
    this.registerOutputs({ arns: this.arns });
  }
}
