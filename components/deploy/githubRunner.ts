import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";
import { AwsScope } from "../scope";

export interface GitHubRunnerArgs extends AwsScope {
  /** CodeBuild project name; workflows select the runner with `codebuild-<projectName>-<run id>-<attempt>`. */
  readonly projectName: string;
  /** Name of the only GitHub workflow whose jobs this project runs (`deploy` or `preview`). */
  readonly workflowName: string;
  /** `owner/name` of the repository. */
  readonly githubRepository: string;
  /** CodeConnections GitHub connection the project authenticates with. */
  readonly connectionArn: pulumi.Input<string>;
  /** VPC and private subnets the runner's network interfaces live in (egress through NAT). */
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: readonly pulumi.Input<string>[];
  /** AWS managed policies of the runner's role, keyed by a stable name. Default none. */
  readonly managedPolicyArns?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Inline policies (JSON documents) of the runner's role besides its basics, keyed by a stable name. Default none. */
  readonly inlinePolicies?: Readonly<Record<string, pulumi.Input<string>>>;
  /** KMS key of the build log group. */
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** Default BUILD_GENERAL1_MEDIUM. */
  readonly computeType?: string;
  /** Default 240. */
  readonly buildTimeoutMinutes?: number;
  readonly tags: Tags;
}

/**
 * A CodeBuild-hosted GitHub Actions runner inside a VPC: a project whose webhook starts a build
 * for every queued job of one workflow of one repository, running the job's steps with the
 * project's service role. Any job routed here holds that role, so it gets only what every job of
 * the workflow may have (previews: configuration reads); deploy rights come from a role the job
 * assumes with its GitHub OIDC token (components/deploy/deployRole.ts).
 * https://docs.aws.amazon.com/codebuild/latest/userguide/action-runner.html
 * https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html
 */
export class GitHubRunner extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly project: aws.codebuild.Project;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  /** The `runs-on` label prefix a workflow job uses for this runner. */
  public readonly runsOnPrefix: string;

  constructor(name: string, args: GitHubRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:deploy:GitHubRunner", name, {}, opts);
    const projectArn = pulumi.interpolate`arn:${args.partition}:codebuild:${args.region}:${args.accountId}:project/${args.projectName}`;
    this.runsOnPrefix = `codebuild-${args.projectName}-`;

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `${args.projectName}: GitHub Actions jobs of workflow ${args.workflowName}`,
        // Confused-deputy guard: only this project of this account may assume the role.
        // https://docs.aws.amazon.com/codebuild/latest/userguide/cross-service-confused-deputy-prevention.html
        assumeRolePolicy: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "codebuild.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": args.accountId }, ArnLike: { "aws:SourceArn": projectArn } },
            },
          ],
        },
        maxSessionDuration: 43200,
        tags: named(args.tags, args.projectName),
      },
      { parent: this },
    );
    for (const [key, arn] of Object.entries(args.managedPolicyArns ?? {})) {
      new aws.iam.RolePolicyAttachment(`${name}-${key}`, { role: this.role.name, policyArn: arn }, { parent: this });
    }
    for (const [key, policy] of Object.entries(args.inlinePolicies ?? {})) {
      new aws.iam.RolePolicy(`${name}-${key}`, { role: this.role.id, policy }, { parent: this });
    }

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/codebuild/${args.projectName}`, retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn, tags: named(args.tags, args.projectName) },
      { parent: this },
    );

    // What every VPC-attached CodeBuild project needs, whatever else its role may do: its
    // network interfaces, its log stream and the GitHub connection.
    // https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface
    // https://docs.aws.amazon.com/codebuild/latest/userguide/connections-github-app.html
    const basics = new aws.iam.RolePolicy(
      `${name}-basics`,
      {
        role: this.role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "VpcNetworkInterfaces",
              Effect: "Allow",
              Action: ["ec2:CreateNetworkInterface", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"],
              Resource: "*",
            },
            {
              Sid: "VpcNetworkInterfacePermission",
              Effect: "Allow",
              Action: "ec2:CreateNetworkInterfacePermission",
              Resource: pulumi.interpolate`arn:${args.partition}:ec2:${args.region}:${args.accountId}:network-interface/*`,
              Condition: { StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" } },
            },
            { Sid: "BuildLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
            { Sid: "GitHubConnection", Effect: "Allow", Action: ["codeconnections:GetConnectionToken", "codeconnections:GetConnection", "codestar-connections:GetConnectionToken", "codestar-connections:GetConnection"], Resource: args.connectionArn },
          ],
        }),
      },
      { parent: this },
    );

    // Egress only: HTTPS to GitHub, the npm registry, Pulumi Cloud and the AWS and Kubernetes APIs
    // (the EKS endpoint across the peering). DNS to the VPC resolver is not filtered by groups.
    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId: args.vpcId, description: `${args.projectName} GitHub Actions runner (egress only)`, tags: named(args.tags, `${args.projectName}-runner`) },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-https-out`,
      { securityGroupId: this.securityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS: GitHub, npm, Pulumi Cloud, AWS and Kubernetes APIs", tags: named(args.tags, `${args.projectName}-https-out`) },
      { parent: this },
    );

    this.project = new aws.codebuild.Project(
      `${name}-project`,
      {
        name: args.projectName,
        description: `GitHub Actions runner for workflow ${args.workflowName} of ${args.githubRepository}`,
        serviceRole: this.role.arn,
        artifacts: { type: "NO_ARTIFACTS" },
        // Amazon Linux standard 5.0: Node.js 20 and the AWS CLI v2 (`aws eks get-token`).
        // https://docs.aws.amazon.com/codebuild/latest/userguide/ec2-compute-images.html
        environment: { type: "LINUX_CONTAINER", computeType: args.computeType ?? "BUILD_GENERAL1_MEDIUM", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", imagePullCredentialsType: "CODEBUILD" },
        source: { type: "GITHUB", location: `https://github.com/${args.githubRepository}.git`, auth: { type: "CODECONNECTIONS", resource: args.connectionArn } },
        buildTimeout: args.buildTimeoutMinutes ?? 240,
        vpcConfig: { vpcId: args.vpcId, subnets: [...args.subnetIds], securityGroupIds: [this.securityGroup.id] },
        logsConfig: { cloudwatchLogs: { groupName: logGroup.name, status: "ENABLED" } },
        tags: named(args.tags, args.projectName),
      },
      { parent: this, dependsOn: [basics] },
    );

    // Builds start only for queued jobs of the named workflow of this repository. The name is set
    // by the workflow file, and CodeBuild's HEAD_REF/BASE_REF filters apply to push and pull-request
    // events, not to WORKFLOW_JOB_QUEUED, so this routes jobs but guards nothing: a branch can send
    // a job here. The runner's role therefore holds no deploy rights; the job must exchange its
    // GitHub OIDC token for the deploy role, whose trust names environment, workflow file and ref
    // (components/deploy/deployRole.ts).
    // https://docs.aws.amazon.com/codebuild/latest/userguide/github-webhook.html
    // https://docs.aws.amazon.com/codebuild/latest/APIReference/API_WebhookFilter.html
    new aws.codebuild.Webhook(
      `${name}-webhook`,
      {
        projectName: this.project.name,
        buildType: "BUILD",
        filterGroups: [
          {
            filters: [
              { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
              { type: "WORKFLOW_NAME", pattern: `^${args.workflowName}$` },
            ],
          },
        ],
      },
      { parent: this },
    );

    this.registerOutputs({ projectName: this.project.name, roleArn: this.role.arn });
  }
}
