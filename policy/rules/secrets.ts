import { PolicyResource } from "@pulumi/policy";
import { StackRule, eachResource, stackRule } from "./common";
import { C } from "./controls";

/**
 * Credential inputs that AWS stores and the Pulumi state keeps: the value must be generated or
 * held in a secret store, never typed into code or a stack file.
 */
export const CREDENTIAL_INPUTS: Readonly<Record<string, readonly string[]>> = {
  "aws:rds/instance:Instance": ["password"],
  "aws:rds/cluster:Cluster": ["masterPassword"],
  "aws:elasticache/replicationGroup:ReplicationGroup": ["authToken"],
  "aws:elasticache/user:User": ["passwords"],
  "aws:docdb/cluster:Cluster": ["masterPassword"],
  "aws:mq/broker:Broker": ["users"],
};

/**
 * Inputs that hold operator-supplied secrets (a Slack webhook set with `pulumi config set --secret`
 * may land here legitimately). CrossGuard sees secret values as plain text and config secrets carry
 * no dependency, so the pack cannot judge these; the offline tests assert each one is a Pulumi
 * secret instead (tests/policy-stacks.test.ts).
 */
export const STORED_SECRET_INPUTS: Readonly<Record<string, readonly string[]>> = {
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretString", "secretBinary"],
  "kubernetes:core/v1:Secret": ["data", "stringData"],
};

/** Resources whose outputs are generated secrets or read from a secret store. */
export const SECRET_SOURCES: ReadonlySet<string> = new Set([
  "random:index/randomPassword:RandomPassword",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "tls:index/privateKey:PrivateKey",
]);

function fromSecretSource(r: PolicyResource, prop: string): boolean {
  return (r.propertyDependencies[prop] ?? []).some((d) => SECRET_SOURCES.has(d.type));
}

export const secretRules: readonly StackRule[] = [
  stackRule({
    name: "no-plaintext-credentials",
    control: C.SECRETS,
    severity: "critical",
    description:
      "Database and cache credentials (RDS password, cluster masterPassword, ElastiCache authToken and user passwords) come from a generated password (random.RandomPassword) or Secrets Manager, read from the input's dependencies; RDS instances may instead set manageMasterUserPassword. A literal or a plain config value fails. Limitation: CrossGuard shows secret values unwrapped, so the rule judges provenance, not secretness; the offline tests check secretness.",
    validateStack: eachResource((r) =>
      (CREDENTIAL_INPUTS[r.type] ?? []).map(
        // Provenance first: a generated password is unknown in a first preview, and reading an
        // unknown would turn the rule into "can't run". A literal or config value is known.
        (prop) => prop in r.props && !fromSecretSource(r, prop) && r.props[prop] !== undefined && r.props[prop] !== null && `${r.type} ${r.name}: ${prop} does not come from a generated password or Secrets Manager; use random.RandomPassword (and store it in Secrets Manager) or manageMasterUserPassword.`,
      ),
    ),
  }),
];
