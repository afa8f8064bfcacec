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

/**
 * What every data-tier store that generates its own credential shares (PostgreSQL, Redis, the
 * message broker): where the credential secret is kept, how long it stays restorable, and whether
 * the store is protected. Each store's Args extend it.
 */
export interface CredentialedStoreArgs {
  /** Prefix of the store's AWS names, secret names and `Name` tags, e.g. `entasis-prod`. No default. */
  readonly namePrefix: string;
  /** Customer-managed key of the store's credential secrets (the data tier's secrets key). No default. */
  readonly secretsKeyArn: pulumi.Input<string>;
  /** Days a deleted credential secret stays restorable (7..30), or 0 (dev). No default. */
  readonly secretRecoveryDays: number;
  /** Pulumi `protect` on the store and its secrets (and whatever the store adds: a final snapshot, deletion protection). No default. */
  readonly protect: boolean;
  /** Base tags of the store's resources. No default. */
  readonly tags: Tags;
}

/** A store's credential secret: storeSecret with the store's key, recovery window, protection and tags. */
export function storeCredential(
  parent: pulumi.Resource,
  name: string,
  store: CredentialedStoreArgs,
  secret: Pick<StoredSecretArgs, "secretName" | "description" | "value">,
): { secret: aws.secretsmanager.Secret; version: aws.secretsmanager.SecretVersion } {
  return storeSecret(parent, name, { ...secret, kmsKeyId: store.secretsKeyArn, recoveryWindowInDays: store.secretRecoveryDays, protect: store.protect, tags: store.tags });
}
