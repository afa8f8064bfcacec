import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

/** Issuer host of GitHub Actions' OIDC tokens; also the IAM provider's URL and condition-key prefix. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/**
 * Claims the repository's OIDC subject is built from (`PUT /repos/{owner}/{repo}/actions/oidc/customization/sub`,
 * docs/deploy.md step 4). `context` is `environment:<name>` for a job with an environment, `pull_request`
 * for a pull request, `ref:<ref>` otherwise; `job_workflow_ref` is `<owner>/<repo>/<workflow path>@<ref>`,
 * so the subject names the environment, the workflow file and the ref it was read from. AWS offers
 * only `aud`, `sub` (and `amr`, `azp`, `email`, `oaud`) as condition keys of a web identity, not
 * GitHub's other claims, so the ref must travel inside `sub`.
 * https://docs.github.com/en/actions/reference/security/oidc#customizing-the-subject-claims-for-an-organization-or-repository
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 */
export const GITHUB_SUB_CLAIM_KEYS = ["repo", "context", "job_workflow_ref"] as const;

/** The only subject the deploy role of one environment accepts: that environment's job of the named workflow file read from the named branch. */
export function githubDeploySubject(repository: string, environment: string, workflowFile: string, branch: string): string {
  return `repo:${repository}:environment:${environment}:job_workflow_ref:${repository}/.github/workflows/${workflowFile}@refs/heads/${branch}`;
}

/** What the deploy role may never do, whatever the program asks (explicit denies win over AdministratorAccess). */
export interface DeployGuardrails {
  /**
   * Deny deleting backup vaults, their recovery points and vault locks, and shortening recovery point
   * lifecycles. Default true; dev sets false, since its teardown (`destroy-dev`) deletes its vault.
   * The Pulumi state lives in Pulumi Cloud, outside the account: no AWS deny can guard it (its token can).
   */
  readonly protectBackups?: boolean;
  /**
   * ARNs (wildcards allowed) of the trails the program itself manages (components/security/auditTrail.ts):
   * `pulumi up` sets their event selectors when it creates them (CreateTrail takes none, the
   * provider calls PutEventSelectors next) and updates them when the data buckets change, so only
   * these are exempt from the UpdateTrail and PutEventSelectors deny. Stopping or deleting any
   * trail stays denied. Default none: no trail may be changed.
   */
  readonly ownTrailArns?: readonly pulumi.Input<string>[];
  /**
   * ARN of the break-glass role (lib/breakGlass.ts), the only principal the vault and key policies
   * let erase backups or delete keys. They match it by ARN, so whoever can create that role, or
   * change its trust or permissions, holds that power: the deploy role may not. Default none.
   */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
}

export interface DeployRoleArgs {
  /** IAM role name, e.g. `entasis-prod-deploy` (stable: the workflows' `DEPLOY_ROLE_ARN` environment secret names it). */
  readonly roleName: string;
  /** `owner/name` of the GitHub repository whose jobs may assume the role. */
  readonly githubRepository: string;
  /** GitHub environment whose jobs may assume it (its deployment-branch rule and reviewers gate the job). */
  readonly githubEnvironment: string;
  /** Workflow file under .github/workflows that deploys, e.g. `deploy.yml`. */
  readonly workflowFile: string;
  /** Branch the workflow file must be read from. Default `main`. */
  readonly branch?: string;
  /** Create the account's GitHub OIDC provider (one per account: false for the second environment of a shared account). Default true. */
  readonly createOidcProvider?: boolean;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly guardrails?: DeployGuardrails;
  /** Default 43200 (12 h): `pulumi up` must outlast the workflow's session (role-duration-seconds). */
  readonly maxSessionSeconds?: number;
  readonly tags: Tags;
}

/**
 * The role `pulumi up` runs as: trusted by GitHub's OIDC provider for exactly one subject (the
 * environment's job of the deploy workflow read from main), so a job of any other branch, pull
 * request, workflow file or environment is refused by STS, whatever runner it lands on. The CodeBuild
 * runner's own role can do nothing but run the build; the job exchanges its OIDC token for this role
 * (aws-actions/configure-aws-credentials).
 * https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
 */
export class DeployRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly oidcProviderArn: pulumi.Output<string>;

  constructor(name: string, args: DeployRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:deploy:DeployRole", name, {}, opts);
    const branch = args.branch ?? "main";
    const providerArn = pulumi.interpolate`arn:${args.partition}:iam::${args.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
    // IAM verifies GitHub's certificate through its own trusted CAs: no thumbprint to pin.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html
    const provider =
      args.createOidcProvider === false
        ? undefined
        : new aws.iam.OpenIdConnectProvider(`${name}-github-oidc`, { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: ["sts.amazonaws.com"], tags: named(args.tags, GITHUB_OIDC_HOST) }, { parent: this });
    this.oidcProviderArn = provider ? provider.arn : providerArn;

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.roleName,
        description: `pulumi up from ${args.githubRepository} ${args.workflowFile}@${branch}, environment ${args.githubEnvironment}`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "GitHubDeployJobOnly",
              Effect: "Allow",
              Principal: { Federated: this.oidcProviderArn },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: {
                StringEquals: {
                  [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
                  [`${GITHUB_OIDC_HOST}:sub`]: githubDeploySubject(args.githubRepository, args.githubEnvironment, args.workflowFile, branch),
                },
              },
            },
          ],
        }),
        maxSessionDuration: args.maxSessionSeconds ?? 43200,
        tags: named(args.tags, args.roleName),
      },
      { parent: this, dependsOn: provider ? [provider] : [] },
    );
    // `pulumi up` creates IAM roles and policies, KMS keys, EKS, RDS, networks and more across some
    // twenty services, and can create and pass roles, so a service-scoped allow list would cost
    // upkeep without closing the escalation path; the explicit denies below remove what the program
    // never needs and what an attacker would want most.
    new aws.iam.RolePolicyAttachment(`${name}-admin`, { role: this.role.name, policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/AdministratorAccess` }, { parent: this });
    new aws.iam.RolePolicy(`${name}-guardrails`, { role: this.role.id, policy: pulumi.jsonStringify(deployGuardrailPolicy(args, this.role.arn, this.oidcProviderArn)) }, { parent: this });
    this.registerOutputs({ roleArn: this.role.arn });
  }
}

/** The deny-only policy of the deploy role (tests evaluate it together with AdministratorAccess). */
export function deployGuardrailPolicy(args: Pick<DeployRoleArgs, "guardrails" | "partition">, roleArn: pulumi.Input<string>, oidcProviderArn: pulumi.Input<string>): Record<string, unknown> {
  const g = args.guardrails ?? {};
  const statements: Record<string, unknown>[] = [
    // Long-lived credentials: the program creates no IAM user and no access key.
    { Sid: "NoIamUsersOrKeys", Effect: "Deny", Action: ["iam:CreateUser", "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:AddUserToGroup", "iam:CreateServiceSpecificCredential"], Resource: "*" },
    // Audit trails: none may be stopped or deleted, and none but the program's own may be changed or
    // narrowed (it must set its own trail's selectors: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html).
    ...((g.ownTrailArns ?? []).length === 0
      ? [{ Sid: "NoCloudTrailTampering", Effect: "Deny", Action: ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors", "cloudtrail:DeleteEventDataStore"], Resource: "*" }]
      : [
          { Sid: "NoCloudTrailTampering", Effect: "Deny", Action: ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:DeleteEventDataStore"], Resource: "*" },
          { Sid: "NoOtherTrailChange", Effect: "Deny", Action: ["cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"], NotResource: [...(g.ownTrailArns ?? [])] },
        ]),
    // Its own trust: a deploy may not widen who can assume it, nor loosen the OIDC provider.
    {
      Sid: "NoSelfTrustChange",
      Effect: "Deny",
      Action: ["iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:UpdateRole"],
      Resource: roleArn,
    },
    { Sid: "NoOidcProviderChange", Effect: "Deny", Action: ["iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider"], Resource: oidcProviderArn },
  ];
  if (g.breakGlassRoleArn !== undefined) {
    statements.push({
      Sid: "NoBreakGlassRoleChange",
      Effect: "Deny",
      Action: ["iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRole", "iam:UpdateRole", "sts:AssumeRole"],
      Resource: g.breakGlassRoleArn,
    });
  }
  if (g.protectBackups !== false) {
    // Recovery points expire by their lifecycle (the service, not this role); nothing here deletes them early.
    statements.push({
      Sid: "NoBackupDeletion",
      Effect: "Deny",
      Action: ["backup:DeleteBackupVault", "backup:DeleteRecoveryPoint", "backup:DeleteBackupVaultLockConfiguration", "backup:UpdateRecoveryPointLifecycle", "backup:DeleteBackupVaultAccessPolicy", "backup:DisassociateRecoveryPoint"],
      Resource: "*",
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
