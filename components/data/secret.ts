import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

export interface StoredSecretArgs {
  /** Secrets Manager name, e.g. `entasis-prod/postgres/master`. */
  readonly secretName: string;
  readonly description: string;
  /** Customer-managed key the secret is encrypted with. */
  readonly kmsKeyId: pulumi.Input<string>;
  /** Days a deleted secret stays restorable (7..30), or 0 to delete at once (dev: a rebuild can reuse the name). */
  readonly recoveryWindowInDays: number;
  /** The secret's JSON document. Pass secret Outputs for credentials: the value stays encrypted in state. */
  readonly value: pulumi.Input<string>;
  readonly protect: boolean;
  readonly tags: Tags;
}

/**
 * A Secrets Manager secret and its current version. Not a component: it is the same two resources
 * every time, children of the component that owns the value.
 */
export function storeSecret(parent: pulumi.Resource, name: string, args: StoredSecretArgs): { secret: aws.secretsmanager.Secret; version: aws.secretsmanager.SecretVersion } {
  const secret = new aws.secretsmanager.Secret(
    name,
    {
      name: args.secretName,
      description: args.description,
      kmsKeyId: args.kmsKeyId,
      recoveryWindowInDays: args.recoveryWindowInDays,
      tags: named(args.tags, args.secretName),
    },
    { parent, protect: args.protect },
  );
  const version = new aws.secretsmanager.SecretVersion(name, { secretId: secret.id, secretString: args.value }, { parent });
  return { secret, version };
}
