import { z } from "zod";
import { parseCidr } from "../../lib/cidr";
import { LOG_RETENTION_DAYS, REGION_RE } from "../../lib/awsLimits";
import { ENVIRONMENTS, Environment } from "./defaults";
import { ConfigProblem, issue, stackFileOf, unknownKeyProblem, zodProblems } from "./problems";
import { stackTags, tagsSchema } from "./tags";

/** Config namespace of the bootstrap project (the `name` in bootstrap/Pulumi.yaml). */
export const BOOTSTRAP_NAMESPACE = "entasis-bootstrap";

/**
 * The all-zero connection in the committed stack files. Previews and the offline plan run with
 * it; `pulumi up` refuses it, since CodeBuild could not fetch the repository through it.
 */
export const PLACEHOLDER_CONNECTION_RE = /connection\/0{8}-0{4}-0{4}-0{4}-0{12}$/;

/**
 * The repository in the committed stack files: names no real repository. Previews and the offline
 * plan run with it; `pulumi up` refuses it, since the deploy role would trust nobody's jobs.
 */
export const PLACEHOLDER_GITHUB_REPOSITORY = "your-github-org/entasis-infra";

/**
 * Compute types CodeBuild offers for Linux containers (x86, on-demand).
 * https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-compute-types.html
 */
export const CODEBUILD_COMPUTE_TYPES = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"] as const;

/**
 * Build timeout bounds in minutes; the default CodeBuild timeout (60) is shorter than a first
 * prod deploy. https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html
 */
export const CODEBUILD_TIMEOUT_MINUTES = { min: 5, max: 2160 } as const;

const cidr = z.string().refine((v) => parseCidr(v) !== undefined, { message: issue("is not a valid IPv4 CIDR (a.b.c.d/n with no host bits set)", "use e.g. 10.250.0.0/22") });

export const bootstrapRunnerSchema = z.strictObject({
  /** CIDR of the runner VPC (/22: six /26 private, /28 public and /28 spare slots); must not overlap the platform VPCs it peers with. */
  cidr: cidr.refine((v) => parseCidr(v)?.prefix === 22, { message: issue("must be a /22 (the runner VPC's subnets are carved from it)", "use e.g. 10.250.0.0/22") }),
  /** AZs of the runner's private subnets (2..3, in the region). */
  availabilityZones: z.array(z.string()).min(2).max(3),
  /**
   * GitHub repository whose workflows the runners serve and whose deploy jobs the deploy role trusts,
   * `owner/name`: the one place the repository is named. Default none.
   */
  githubRepository: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { message: issue("is not owner/name", "use e.g. entasis/entasis-infra") }),
  /**
   * Create the account's GitHub OIDC provider (token.actions.githubusercontent.com). An account holds
   * one: when dev and prod share an account, set false in the second bootstrap. Default true.
   */
  createGithubOidcProvider: z.boolean(),
  /** ARN of the AWS CodeConnections GitHub connection (created and authorised once in the console). */
  connectionArn: z.string().regex(/^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/, {
    message: issue("is not a CodeConnections connection ARN", "create the GitHub connection in the console (Developer Tools > Connections) and paste its ARN"),
  }),
  /**
   * IAM role name of the account's break-glass role: the only principal that may delete or disable
   * the runner's KMS key (lib/breakGlass.ts). Default entasis-prod-break-glass in prod, none in dev.
   */
  breakGlassRole: z.string().regex(/^[\w+=,.@-]{1,64}$/, { message: issue("is not an IAM role name", "use e.g. entasis-prod-break-glass") }).optional(),
  /** Runner size. Default BUILD_GENERAL1_MEDIUM (4 vCPU, 7 GB): `npm ci` and the Pulumi engine. */
  computeType: z.enum(CODEBUILD_COMPUTE_TYPES),
  /** Build timeout in minutes. Default 240, several times the longest `pulumi up` critical path. */
  buildTimeoutMinutes: z.number().int().min(CODEBUILD_TIMEOUT_MINUTES.min).max(CODEBUILD_TIMEOUT_MINUTES.max),
  /** Retention of the runners' build logs and flow logs. Default 30 (dev) / 365 (prod), the policy pack's minimums. */
  logRetentionDays: z
    .number()
    .int()
    .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), { message: issue(`is not a CloudWatch Logs retention (allowed: ${LOG_RETENTION_DAYS.join(", ")})`, "pick the nearest allowed value, e.g. 365") }),
});
export type BootstrapRunnerConfig = z.infer<typeof bootstrapRunnerSchema>;

const BOOTSTRAP_DEFAULTS: Readonly<Record<Environment, Readonly<Record<string, unknown>>>> = {
  dev: { computeType: "BUILD_GENERAL1_MEDIUM", buildTimeoutMinutes: 240, logRetentionDays: 30, createGithubOidcProvider: true },
  prod: { computeType: "BUILD_GENERAL1_MEDIUM", buildTimeoutMinutes: 240, logRetentionDays: 365, createGithubOidcProvider: true, breakGlassRole: "entasis-prod-break-glass" },
};

export interface BootstrapConfig {
  readonly stack: string;
  readonly region: string;
  readonly environment: Environment;
  readonly tags: Readonly<Record<string, string>>;
  readonly runner: BootstrapRunnerConfig;
}

export interface RawBootstrapConfig {
  readonly stack: string;
  readonly region: string | undefined;
  /** `entasis-bootstrap:<key>` values, structured ones JSON-parsed. */
  readonly values: Readonly<Record<string, unknown>>;
  /** True for `pulumi up`: the placeholder connection and repository are refused. Default false. */
  readonly deploying?: boolean;
}

const KNOWN = new Set(["environment", "tags", "runner"]);

/** Pure validation of the bootstrap stack's config; every problem at once. */
export function validateBootstrapConfig(raw: RawBootstrapConfig): { ok: true; config: BootstrapConfig } | { ok: false; problems: ConfigProblem[] } {
  const ns = BOOTSTRAP_NAMESPACE;
  const file = `bootstrap/${stackFileOf(raw.stack)}`;
  const problems: ConfigProblem[] = [];
  const region = raw.region ?? "";
  if (!REGION_RE.test(region)) problems.push({ key: "aws:region", value: raw.region, problem: "is not an AWS region", fix: "set aws:region, e.g. ap-northeast-2" });
  const environment = ENVIRONMENTS.find((e) => e === raw.values.environment);
  if (!environment) problems.push({ key: `${ns}:environment`, value: raw.values.environment, problem: `is not a known environment (allowed: ${ENVIRONMENTS.join(" | ")})`, fix: `set ${ns}:environment to one of them` });
  for (const key of Object.keys(raw.values)) {
    if (!KNOWN.has(key)) problems.push(unknownKeyProblem(`${ns}:${key}`, raw.values[key], [...KNOWN], file));
  }
  const tags = tagsSchema.safeParse(raw.values.tags, { reportInput: true });
  if (!tags.success) problems.push(...zodProblems(`${ns}:tags`, tags.error, { file, schema: tagsSchema }));
  const runnerRaw = typeof raw.values.runner === "object" && raw.values.runner !== null ? raw.values.runner : {};
  const runner = bootstrapRunnerSchema.safeParse({ ...BOOTSTRAP_DEFAULTS[environment ?? "prod"], ...runnerRaw }, { reportInput: true });
  if (!runner.success) problems.push(...zodProblems(`${ns}:runner`, runner.error, { file, schema: bootstrapRunnerSchema }));
  if (runner.success) {
    runner.data.availabilityZones.forEach((az, i) => {
      if (!az.startsWith(region) || !/^[a-z]$/.test(az.slice(region.length))) {
        problems.push({ key: `${ns}:runner.availabilityZones[${i}]`, value: az, problem: `is not an AZ of ${region || "the region"}`, fix: `use e.g. ${region || "ap-northeast-2"}a` });
      } else if (runner.data.availabilityZones.indexOf(az) !== i) {
        problems.push({ key: `${ns}:runner.availabilityZones[${i}]`, value: az, problem: "is listed twice", fix: "list each AZ once" });
      }
    });
    if (raw.deploying && PLACEHOLDER_CONNECTION_RE.test(runner.data.connectionArn)) {
      problems.push({
        key: `${ns}:runner.connectionArn`,
        value: runner.data.connectionArn,
        problem: "is the committed placeholder; CodeBuild could not fetch the repository with it",
        fix: "create and authorise the GitHub connection (docs/deploy.md step 2), then `pulumi config set --path entasis-bootstrap:runner.connectionArn <arn>` in bootstrap/",
      });
    }
    if (raw.deploying && runner.data.githubRepository === PLACEHOLDER_GITHUB_REPOSITORY) {
      problems.push({
        key: `${ns}:runner.githubRepository`,
        value: runner.data.githubRepository,
        problem: "is the committed placeholder; the runners would serve, and the deploy role trust, a repository that is not yours",
        fix: "`pulumi config set --path entasis-bootstrap:runner.githubRepository <owner>/<repo>` in bootstrap/ (docs/deploy.md step 3)",
      });
    }
  }
  if (problems.length > 0 || !environment || !tags.success || !runner.success) return { ok: false, problems };
  return {
    ok: true,
    config: {
      stack: raw.stack,
      region,
      environment,
      tags: stackTags(environment, tags.data, `bootstrap-${raw.stack}`),
      runner: runner.data,
    },
  };
}
