import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../security/encryptionKey";
import { Tags, named } from "../tags";

/** One configuration value: plain (`String`) or secret (`SecureString`, encrypted with the store's key). */
export interface ConfigValue {
  readonly value: pulumi.Input<string>;
  readonly secure: boolean;
  readonly description: string;
}

export interface ConfigStoreArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  /** Break-glass role ARN: only it may delete or disable this component's keys. Default none (no such deny). */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  /** `dev` or `prod`: the second level of every parameter name. */
  readonly environment: string;
  /** Values keyed by application, then by the spec's etcd key without `/config/` (e.g. `redis/enabled`). */
  readonly apps: Readonly<Record<string, Readonly<Record<string, ConfigValue>>>>;
  readonly tags: Tags;
}

/**
 * The spec's etcd configuration (`/config/...`) in SSM Parameter Store, one hierarchy per
 * application: `/entasis/<env>/config/<app>/<key>`. An application reads its whole tree with
 * GetParametersByPath (recursive, with decryption) and strips the prefix to get the spec's keys.
 *
 * Standard tier (free, values up to 4 KB); SecureString values are encrypted with this store's
 * own customer-managed key, which only SSM may use on the readers' behalf (kms:ViaService).
 * No watch: Parameter Store has none; the keys here change rarely and apps re-read them on a
 * timer (or on EventBridge "Parameter Store Change" events), which replaces etcd's watch.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html
 */
export class ConfigStore extends pulumi.ComponentResource {
  public readonly key: EncryptionKey;
  /** Parameters keyed by `<app>/<key>`. */
  public readonly parameters: Readonly<Record<string, aws.ssm.Parameter>>;
  /** `/entasis/<env>/config/<app>` per application (no trailing slash). */
  public readonly prefixes: Readonly<Record<string, string>>;
  /** A managed policy per application: read its own tree and decrypt it through SSM. App teams attach it to their IRSA role. */
  public readonly readPolicies: Readonly<Record<string, aws.iam.Policy>>;

  constructor(name: string, args: ConfigStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:config:ConfigStore", name, {}, opts);
    const p = args.namePrefix;

    this.key = new EncryptionKey(
      `${name}-key`,
      { description: `${p} configuration store (SSM SecureString)`, alias: `${p}-config`, accountId: args.accountId, partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn, tags: args.tags },
      { parent: this },
    );

    const parameters: Record<string, aws.ssm.Parameter> = {};
    const prefixes: Record<string, string> = {};
    const readPolicies: Record<string, aws.iam.Policy> = {};
    for (const [app, values] of Object.entries(args.apps)) {
      const prefix = configPrefix(args.environment, app);
      prefixes[app] = prefix;
      for (const [key, v] of Object.entries(values)) {
        const resourceKey = `${app}/${key}`;
        parameters[resourceKey] = new aws.ssm.Parameter(
          `${name}-${app}-${key.replace(/\//g, "-")}`,
          {
            name: `${prefix}/${key}`,
            description: v.description,
            type: v.secure ? "SecureString" : "String",
            keyId: v.secure ? this.key.arn : undefined,
            value: v.secure ? pulumi.secret(v.value) : v.value,
            tier: "Standard",
            dataType: "text",
            tags: named(args.tags, `${prefix}/${key}`, { App: app }),
          },
          { parent: this },
        );
      }
      readPolicies[app] = new aws.iam.Policy(
        `${name}-${app}-read`,
        {
          description: `${p} read ${prefix}/* (configuration of ${app})`,
          policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: this.readStatements(app, args) }),
          tags: named(args.tags, `${p}-config-${app}-read`),
        },
        { parent: this },
      );
    }
    this.parameters = parameters;
    this.prefixes = prefixes;
    this.readPolicies = readPolicies;

    this.registerOutputs({ prefixes: this.prefixes, keyArn: this.key.arn });
  }

  /** IAM statements that let one application read (and decrypt) its own tree and nothing else. */
  public readStatements(app: string, args: Pick<ConfigStoreArgs, "environment" | "region" | "accountId" | "partition">): aws.iam.PolicyStatement[] {
    const prefix = configPrefix(args.environment, app);
    const arn = (path: string): pulumi.Output<string> => pulumi.interpolate`arn:${args.partition}:ssm:${args.region}:${args.accountId}:parameter${path}`;
    return [
      { Sid: "ReadOwnConfig", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], Resource: [arn(prefix), arn(`${prefix}/*`)] },
      // SecureString values: decrypt only through SSM, on this store's key.
      { Sid: "DecryptOwnConfig", Effect: "Allow", Action: "kms:Decrypt", Resource: this.key.arn, Condition: { StringEquals: { "kms:ViaService": `ssm.${args.region}.amazonaws.com` } } },
    ];
  }
}

/** `/entasis/<env>/config/<app>`: the application's `/config/` root. */
export function configPrefix(environment: string, app: string): string {
  return `/entasis/${environment}/config/${app}`;
}
