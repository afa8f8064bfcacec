/**
 * What GitHub Actions does with a workflow file under a trigger, modelled for tests: which jobs run,
 * whether the job's environment admits the ref, and the OIDC claims GitHub issues to the job.
 * https://docs.github.com/en/actions/reference/security/oidc (claims, subject templates)
 * https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows (GITHUB_REF per event)
 * https://docs.github.com/en/actions/reference/workflows-and-actions/deployments-and-environments#deployment-branches-and-tags
 */

export type WorkflowEvent = "push" | "pull_request" | "workflow_dispatch";

export interface Trigger {
  readonly label: string;
  readonly event: WorkflowEvent;
  /** GITHUB_REF of the run: the pushed branch, `refs/pull/<n>/merge` for a pull request, the chosen branch for a dispatch. */
  readonly ref: string;
  /** Base branch of a pull request (what `on.pull_request.branches` filters). */
  readonly baseBranch?: string;
}

/** The triggers the issue names: a push to a branch, a pull request, a push to main, manual dispatch (on main and on a branch). */
export const TRIGGERS: readonly Trigger[] = [
  { label: "push to a branch", event: "push", ref: "refs/heads/feature-x" },
  { label: "pull request into main", event: "pull_request", ref: "refs/pull/7/merge", baseBranch: "main" },
  { label: "push to main", event: "push", ref: "refs/heads/main" },
  { label: "manual dispatch on main", event: "workflow_dispatch", ref: "refs/heads/main" },
  { label: "manual dispatch on a branch", event: "workflow_dispatch", ref: "refs/heads/feature-x" },
];

export interface WorkflowJob {
  readonly environment?: string | { readonly name: string };
  readonly "runs-on"?: string | readonly string[];
}
export interface WorkflowFile {
  readonly name?: string;
  readonly on: WorkflowEvent | readonly WorkflowEvent[] | Readonly<Record<string, { readonly branches?: readonly string[] } | null>>;
  readonly jobs: Readonly<Record<string, WorkflowJob>>;
}

/** GitHub's branch filter globs (`*` within a path segment, `**` across). */
function branchGlob(pattern: string, branch: string): boolean {
  const re = pattern.split("**").map((part) => part.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")).join(".*");
  return new RegExp(`^${re}$`).test(branch);
}

/** Whether a run of the workflow starts for the trigger (event listed, branch filters pass). */
export function workflowRuns(wf: WorkflowFile, t: Trigger): boolean {
  const on = typeof wf.on === "string" ? { [wf.on]: null } : Array.isArray(wf.on) ? Object.fromEntries((wf.on as readonly string[]).map((e) => [e, null])) : (wf.on as Record<string, { branches?: readonly string[] } | null>);
  if (!(t.event in on)) return false;
  const branches = on[t.event]?.branches;
  if (!branches || t.event === "workflow_dispatch") return true;
  const branch = t.event === "pull_request" ? (t.baseBranch ?? "") : t.ref.replace(/^refs\/heads\//, "");
  return branches.some((b) => branchGlob(b, branch));
}

/** A repository's environment settings: the branches it may deploy from, and whether reviewers must approve. */
export interface EnvironmentRule {
  readonly deploymentBranches: readonly string[];
  readonly requiredReviewers: boolean;
}

export const environmentOf = (job: WorkflowJob): string | undefined => (typeof job.environment === "string" ? job.environment : job.environment?.name);

/**
 * Whether GitHub lets the job start: a job naming an environment whose deployment-branch rule does
 * not list the run's branch fails before any step (and before any token); an environment that does
 * not exist is created on the fly without rules.
 */
export function environmentAdmits(job: WorkflowJob, t: Trigger, rules: Readonly<Record<string, EnvironmentRule>>): boolean {
  const env = environmentOf(job);
  if (env === undefined) return true;
  const rule = rules[env];
  if (!rule) return true;
  if (!t.ref.startsWith("refs/heads/")) return false;
  return rule.deploymentBranches.some((b) => branchGlob(b, t.ref.replace(/^refs\/heads\//, "")));
}

export interface OidcClaims {
  readonly sub: string;
  readonly aud: string;
  readonly ref: string;
  readonly environment?: string;
  readonly job_workflow_ref: string;
}

/**
 * The claims of the job's OIDC token, with the repository's subject template (`include_claim_keys`;
 * undefined = GitHub's default `repo:<repo>:<context>`). `context` is `environment:<name>` when the job
 * has an environment, else `pull_request` for pull requests, else `ref:<ref>`.
 */
export function oidcClaims(repository: string, file: string, job: WorkflowJob, t: Trigger, subTemplate?: readonly string[], audience = "sts.amazonaws.com"): OidcClaims {
  const environment = environmentOf(job);
  const context = environment !== undefined ? `environment:${environment}` : t.event === "pull_request" ? "pull_request" : `ref:${t.ref}`;
  const jobWorkflowRef = `${repository}/.github/workflows/${file}@${t.ref}`;
  const values: Record<string, string> = { repo: `repo:${repository}`, context, ref: `ref:${t.ref}`, job_workflow_ref: `job_workflow_ref:${jobWorkflowRef}`, environment: `environment:${environment ?? ""}` };
  const keys = subTemplate ?? ["repo", "context"];
  const sub = keys.map((k) => {
    const v = values[k];
    if (v === undefined) throw new Error(`subject claim key ${k} is not modelled`);
    return v;
  }).join(":");
  return { sub, aud: audience, ref: t.ref, environment, job_workflow_ref: jobWorkflowRef };
}

/** IAM condition context of an AssumeRoleWithWebIdentity call with the token (only aud and sub reach IAM as keys). */
export function webIdentityContext(host: string, claims: OidcClaims): Record<string, string> {
  return { [`${host}:aud`]: claims.aud, [`${host}:sub`]: claims.sub };
}
