import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { breakGlassRoleArn } from "../lib/breakGlass";
import { DeployRole } from "../components/deploy/deployRole";
import { auditTrailName } from "../components/security/auditTrail";
import { GitHubRunner } from "../components/deploy/githubRunner";
import { previewReadPolicy } from "../components/deploy/previewReadPolicy";
import { Network } from "../components/network/network";
import { carveSubnets } from "../lib/subnetPlan";
import { BootstrapConfig } from "./schema/bootstrap";
import { Environment } from "./schema/defaults";

/** Runner prefix lengths inside the /22: six /26 private slots, /28 public and spare (database) slots. */
const RUNNER_PREFIXES = { private: 26, public: 28, database: 28 } as const;

/**
 * CodeBuild project names, one pair per bootstrap stack (dev, prod, and prod-dr: prod's runners in its
 * DR region). Named after the stack, not the environment: a second bootstrap of prod in another
 * region must not take the same names, or every `codebuild-entasis-prod-deploy-*` job label would
 * start a build in both regions' projects (each project's webhook matches its own name).
 * https://docs.aws.amazon.com/codebuild/latest/userguide/action-runner.html
 */
export function runnerProjectNames(stack: string): { readonly deploy: string; readonly preview: string } {
  return { deploy: `entasis-${stack}-deploy`, preview: `entasis-${stack}-preview` };
}

/**
 * The GitHub environment whose jobs deploy each stack (`environment:` of the jobs in
 * .github/workflows/deploy.yml). Its deployment-branch rule (main only) and, for production, its
 * required reviewers are repository settings (docs/deploy.md step 4); the deploy role's trust
 * names it too, so a job without it gets no credentials.
 */
export const GITHUB_DEPLOY_ENVIRONMENT: Readonly<Record<Environment, string>> = { dev: "dev", prod: "production" };

/**
 * The GitHub environment of a bootstrap stack's deploy jobs: the environment's own for its main
 * bootstrap (dev, production), suffixed for another one of the same environment (prod-dr:
 * production-dr), which holds that bootstrap's own DEPLOY_ROLE_ARN and the same protection rules.
 */
export function githubDeployEnvironment(stack: string, environment: Environment): string {
  const base = GITHUB_DEPLOY_ENVIRONMENT[environment];
  if (stack === environment) return base;
  return `${base}-${stack.startsWith(`${environment}-`) ? stack.slice(environment.length + 1) : stack}`;
}

/** The workflow file (under .github/workflows) and branch whose jobs may deploy. */
export const DEPLOY_WORKFLOW = { file: "deploy.yml", branch: "main" } as const;

/**
 * IAM role name of a bootstrap stack's deploy role (the workflows' `DEPLOY_ROLE_ARN` environment
 * secret names it). After the stack: IAM names are account-wide, and prod's DR-region bootstrap
 * lives in the same account as prod's.
 */
export function deployRoleName(stack: string): string {
  return `entasis-${stack}-deploy`;
}

/**
 * What the platform stack of the same environment reads from this stack (`stacks/runner.ts`).
 * Plain values only: the platform keys its routes by the runner's AZs.
 */
export interface BootstrapOutputs {
  readonly runnerVpcId: pulumi.Output<string>;
  readonly runnerCidr: string;
  /** Private route tables of the runner VPC keyed by AZ: the platform adds its routes there. */
  readonly runnerRouteTableIds: Record<string, pulumi.Output<string>>;
  readonly runnerEgressIps: pulumi.Output<string>[];
  readonly deployProject: string;
  /** The role `pulumi up` runs as, assumed with the deploy job's GitHub OIDC token. */
  readonly deployRoleArn: pulumi.Output<string>;
  readonly previewProject: string;
  readonly previewRoleArn: pulumi.Output<string>;
}

/**
 * The bootstrap of one environment, run once by hand before the platform (docs/deploy.md): a small
 * runner VPC (one NAT gateway) and two CodeBuild-hosted GitHub Actions runners in it, one that
 * deploys (`pulumi up`) and one that previews. The platform peers with this VPC and admits it to
 * the private EKS endpoint, so the runners reach the Kubernetes API on the first deploy and ever after.
 */
export function buildBootstrap(config: BootstrapConfig): BootstrapOutputs {
  // After the stack (dev, prod, prod-dr), so two bootstraps of one environment never share a name.
  const namePrefix = `entasis-bootstrap-${config.stack}`;
  const identity = aws.getCallerIdentityOutput();
  const partition = aws.getPartitionOutput().partition;
  const runner = config.runner;
  const subnetPlan = carveSubnets({ vpcCidr: runner.cidr, availabilityZones: runner.availabilityZones, prefixes: RUNNER_PREFIXES });
  if (!subnetPlan) throw new pulumi.RunError(`entasis-bootstrap:runner.cidr ${runner.cidr} cannot hold the runner subnets; this is a bug in stacks/schema/bootstrap.ts`);

  const network = new Network("runner-network", {
    namePrefix,
    region: config.region,
    accountId: identity.accountId,
    partition,
    breakGlassRoleArn: runner.breakGlassRole !== undefined ? breakGlassRoleArn(partition, identity.accountId, runner.breakGlassRole) : undefined,
    cidr: runner.cidr,
    availabilityZones: runner.availabilityZones,
    subnetPlan,
    natStrategy: "single",
    flowLogs: { enabled: true, retentionDays: runner.logRetentionDays, trafficType: "ALL" },
    tags: config.tags,
  });

  const projects = runnerProjectNames(config.stack);
  const common = {
    namePrefix,
    githubRepository: runner.githubRepository,
    connectionArn: runner.connectionArn,
    region: config.region,
    accountId: identity.accountId,
    partition,
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    logsKeyArn: network.logsKey.arn,
    logRetentionDays: runner.logRetentionDays,
    computeType: runner.computeType,
    buildTimeoutMinutes: runner.buildTimeoutMinutes,
    tags: config.tags,
  };
  // The deploy runner's own role only runs builds: a job named `deploy` from every branch can reach it
  // (the webhook cannot filter on the ref). `pulumi up` runs as the deploy role, which only the
  // environment's job of deploy.yml read from main can assume (components/deploy/deployRole.ts).
  new GitHubRunner("deploy-runner", { ...common, projectName: projects.deploy, workflowName: "deploy" });
  const deployRole = new DeployRole("deploy-role", {
    roleName: deployRoleName(config.stack),
    githubRepository: runner.githubRepository,
    githubEnvironment: githubDeployEnvironment(config.stack, config.environment),
    workflowFile: DEPLOY_WORKFLOW.file,
    branch: DEPLOY_WORKFLOW.branch,
    createOidcProvider: runner.createGithubOidcProvider,
    accountId: identity.accountId,
    partition,
    // Dev's teardown (deploy.yml destroy-dev) deletes its vault and recovery points; prod's never.
    // The stacks this role deploys (`entasis-<environment>`, `entasis-<environment>-standby`) may set
    // their own audit trail's selectors (components/security/auditTrail.ts), no other trail's.
    guardrails: {
      protectBackups: config.environment !== "dev",
      ownTrailArns: [pulumi.interpolate`arn:${partition}:cloudtrail:*:${identity.accountId}:trail/${auditTrailName(`entasis-${config.environment}*`)}`],
      // Whoever can make or change the break-glass role may erase backups: not a deploy.
      breakGlassRoleArn: runner.breakGlassRole !== undefined ? breakGlassRoleArn(partition, identity.accountId, runner.breakGlassRole) : undefined,
    },
    tags: config.tags,
  });
  // Previews read configuration, never data (components/deploy/previewReadPolicy.ts): pull-request
  // code runs with this role. In the cluster it gets read and dry-run rights only
  // (components/deploy/previewAccess.ts).
  const preview = new GitHubRunner("preview-runner", { ...common, projectName: projects.preview, workflowName: "preview", inlinePolicies: { read: previewReadPolicy(partition, identity.accountId) } });

  return {
    runnerVpcId: network.vpcId,
    runnerCidr: runner.cidr,
    runnerRouteTableIds: Object.fromEntries(runner.availabilityZones.map((az) => [az, network.privateRouteTables[az].id])),
    runnerEgressIps: Object.values(network.natGateways).map((nat) => nat.publicIp),
    deployProject: projects.deploy,
    deployRoleArn: deployRole.role.arn,
    previewProject: projects.preview,
    previewRoleArn: preview.role.arn,
  };
}
