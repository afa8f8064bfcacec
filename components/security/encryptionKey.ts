import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

export interface EncryptionKeyArgs {
  /** What the key protects; shown in the KMS console. */
  readonly description: string;
  /** Alias without the `alias/` prefix, e.g. `entasis-dev-logs`. */
  readonly alias: string;
  /** Account that owns the key; its IAM policies may then grant use of the key. */
  readonly accountId: pulumi.Input<string>;
  /** ARN partition. Default `aws`. */
  readonly partition?: pulumi.Input<string>;
  /** Extra key-policy statements, e.g. for a service principal such as CloudWatch Logs. Default none. */
  readonly statements?: readonly pulumi.Input<aws.iam.PolicyStatement>[];
  /** Waiting period before deletion, 7..30 days. Default 30. */
  readonly deletionWindowInDays?: number;
  readonly tags: Tags;
}

/**
 * Customer-managed symmetric KMS key with yearly automatic rotation (FSBP KMS.4) and an alias.
 * The root-account statement is the AWS default that lets IAM policies grant access; without it
 * the key becomes unmanageable. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export class EncryptionKey extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly alias: aws.kms.Alias;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:security:EncryptionKey", name, {}, opts);
    const partition = args.partition ?? "aws";
    const deletionWindowInDays = args.deletionWindowInDays ?? 30;

    const policy: aws.iam.PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministration",
          Effect: "Allow",
          Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${args.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        ...(args.statements ?? []),
      ],
    };

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: args.description,
        enableKeyRotation: true,
        deletionWindowInDays,
        policy: pulumi.jsonStringify(policy),
        tags: named(args.tags, args.alias),
      },
      { parent: this },
    );
    this.alias = new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.alias}`, targetKeyId: this.key.keyId }, { parent: this });
    this.arn = this.key.arn;
    this.registerOutputs({ arn: this.arn, alias: this.alias.name });
  }
}
