import { PolicyResource } from "@pulumi/policy";
import { ResourceRule, StackRule, eachResource, resourceRule, stackRule } from "./common";
import { C } from "./controls";
import { ROTATION_KEEPER } from "../../lib/secretRotation";

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

/**
 * What a RandomPassword's `keepers` may hold: nothing, or only `rotation` with a generation (a
 * positive whole number). Each list entry is one problem.
 */
export function keeperProblems(keepers: unknown): string[] {
  if (keepers === undefined || keepers === null) return [];
  if (typeof keepers !== "object" || Array.isArray(keepers)) return ["keepers must be a map"];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(keepers)) {
    if (key !== ROTATION_KEEPER) problems.push(`keeper ${key} replaces the password whenever its value changes`);
    else if (typeof value !== "string" || !/^[1-9][0-9]{0,6}$/.test(value)) problems.push(`keeper ${ROTATION_KEEPER} ${JSON.stringify(value)} is not a generation (a positive whole number)`);
  }
  return problems;
}

export const secretRules: readonly (StackRule | ResourceRule)[] = [
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
  resourceRule({
    name: "generated-credential-rotation",
    control: C.SECRETS_ROTATION,
    severity: "high",
    description:
      "Generated passwords (random.RandomPassword) carry no keepers, or only `rotation` with a generation (entasis:secretRotation). A keeper tied to any other value replaces the credential whenever that value changes, outside the rotation procedure (docs/secret-rotation.md): the broker's provisioner Job would not set the new password, Redis would skip its ROTATE-then-SET window, and clients would be cut off.",
    validateResource: (args, report) => {
      if (args.type !== "random:index/randomPassword:RandomPassword") return args.notApplicable("not a generated password");
      // `in` first: a keepers map that is not there is never read (an unknown would make the rule "can't run").
      if (!("keepers" in args.props)) return;
      for (const problem of keeperProblems(args.props.keepers)) report(`${args.name}: ${problem}; rotate generated credentials only with entasis:secretRotation (docs/secret-rotation.md).`);
    },
  }),
];
