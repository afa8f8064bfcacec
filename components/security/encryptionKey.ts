import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";
import { keyGuardStatements } from "../../lib/breakGlass";

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
  /**
   * ARN of the break-glass role, the only principal that may schedule deletion of or disable the
   * key (and that may not use it). Default none: no such deny (dev, which destroys its keys).
   */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  /** Waiting period before deletion, 7..30 days. Default 30. */
  readonly deletionWindowInDays?: number;
  readonly tags: Tags;
}

/**
 * Key administration (AWS's "key administrators" actions, no cryptographic use) and key use (the
 * "key users" actions) as separate statements, both delegated to the account's IAM policies: the
 * account must keep kms:PutKeyPolicy or the key becomes unmanageable (and KMS's lockout safety
 * check refuses a policy that takes it from the caller).
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-users
 */
export const KEY_ADMIN_ACTIONS: readonly string[] = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];
export const KEY_USE_ACTIONS: readonly string[] = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * Customer-managed symmetric KMS key with yearly automatic rotation (FSBP KMS.4) and an alias.
 * Its policy gives the account (through IAM policies) administration and use in separate
 * statements; with a break-glass role, only that role may schedule deletion of or disable the key,
 * and that role may not use it. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export class EncryptionKey extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly alias: aws.kms.Alias;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:security:EncryptionKey", name, {}, opts);
    const partition = args.partition ?? "aws";
    const deletionWindowInDays = args.deletionWindowInDays ?? 30;

    const root = pulumi.interpolate`arn:${partition}:iam::${args.accountId}:root`;
    const policy: aws.iam.PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountAdministration", Effect: "Allow", Principal: { AWS: root }, Action: [...KEY_ADMIN_ACTIONS], Resource: "*" },
        { Sid: "AccountUse", Effect: "Allow", Principal: { AWS: root }, Action: [...KEY_USE_ACTIONS], Resource: "*" },
        ...(args.statements ?? []),
        // The break-glass role may still describe the key (what it is about to delete), never use it.
        ...(args.breakGlassRoleArn !== undefined ? keyGuardStatements(args.breakGlassRoleArn, KEY_USE_ACTIONS.filter((a) => a !== "kms:DescribeKey")) : []),
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
