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

/**
 * The sslmode a stored PostgreSQL connection gives its clients: the `sslmode` key of a JSON secret,
 * or the `sslmode` parameter of a `postgres://` / `postgresql://` URL. `undefined` when the value
 * names no sslmode and is no URL (a credential record such as RDS's master secret, which its Jobs
 * pair with PGSSLMODE); `null` for a URL without one (libpq's default, `prefer`, would apply).
 */
export function postgresSslmode(value: unknown): string | null | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^postgres(ql)?:\/\//i.test(text)) {
    const query = text.includes("?") ? text.slice(text.indexOf("?") + 1) : "";
    return new URLSearchParams(query).get("sslmode");
  }
  if (!text.startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || !("sslmode" in parsed)) return undefined;
  const mode = (parsed as Record<string, unknown>).sslmode;
  return typeof mode === "string" ? mode : null;
}

/** Inputs that may hold a PostgreSQL connection a client reads. */
const CONNECTION_INPUTS: Readonly<Record<string, string>> = {
  "aws:secretsmanager/secretVersion:SecretVersion": "secretString",
  "aws:ssm/parameter:Parameter": "value",
};

export const secretRules: readonly (StackRule | ResourceRule)[] = [
  resourceRule({
    name: "postgres-connection-verify-full",
    control: C.PG_VERIFY_FULL,
    severity: "high",
    description:
      "A PostgreSQL connection the platform hands to clients (the `sslmode` of a Secrets Manager JSON secret, or a postgres:// URL in SSM) says sslmode=verify-full: disable, allow, prefer and require do not verify the server's certificate, verify-ca not its name, and a URL without sslmode means libpq's prefer.",
    validateResource: (args, report) => {
      const prop = CONNECTION_INPUTS[args.type];
      if (prop === undefined) return args.notApplicable("not a stored connection");
      // `in` first: a value built from a generated password is unknown in a first preview.
      if (!(prop in args.props)) return;
      const mode = postgresSslmode(args.props[prop]);
      if (mode === undefined || mode === "verify-full") return;
      report(`${args.name}: ${prop} gives a PostgreSQL client sslmode ${mode ?? "(none: libpq's prefer)"}; use verify-full with the server's CA (sslrootcert), or the client cannot tell the database from an impostor.`);
    },
  }),
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
