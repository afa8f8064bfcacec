import { imageHasRegistry } from "../../lib/image";
import { BOOTSTRAP_NAMESPACE, PLACEHOLDER_CONNECTION_RE, PLACEHOLDER_GITHUB_REPOSITORY } from "../../stacks/schema/bootstrap";
import { loadBootstrapStackFile } from "../offline/stackFile";
import { PLACEHOLDER_CERTIFICATE_RE } from "../../stacks/schema/edge";
import { PLACEHOLDER_ADMIN_PRINCIPAL } from "../../stacks/schema/cluster";
import { PLACEHOLDER_TRAIL_RE } from "../../stacks/schema/audit";
import { PLACEHOLDER_HOSTED_ZONE_ID } from "../../stacks/schema/failover";
import { NAMESPACE, SECRET_KEYS, ValidatedStackConfig } from "../../stacks/schema/stack";
import { ResourceIndex } from "./model";

/** What a prerequisite check may look at besides the validated config. */
export interface PreflightRun {
  readonly stack: string;
  readonly index: ResourceIndex;
  /** Secret keys (without the namespace) that hold a real value (StackRunResult.secretsSet). */
  readonly secretsSet: readonly string[];
  /** Whether a file exists, relative to the project directory. The plan passes the file system. */
  readonly fileExists: (relativePath: string) => boolean;
}

/**
 * One thing a real `pulumi up` needs that the offline plan cannot provide by itself. Add a check by
 * appending to PREREQUISITES; `applies` keeps it out of stacks it does not concern.
 */
export interface PrerequisiteCheck {
  readonly id: string;
  readonly applies: (config: ValidatedStackConfig, run: PreflightRun) => boolean;
  readonly missing: (config: ValidatedStackConfig, run: PreflightRun) => boolean;
  /** The command(s) that fix it; a function because commands name the stack (`-s <stack>`). */
  readonly fix: (config: ValidatedStackConfig, run: PreflightRun) => string;
  /** What fails without it. */
  readonly why: string;
}

export interface PrerequisiteResult {
  readonly id: string;
  readonly missing: boolean;
  readonly why: string;
  readonly fix: string;
}

/** One check per secret key that the stack's environment requires (stacks/schema/stack.ts SECRET_KEYS). */
const secretChecks: PrerequisiteCheck[] = Object.entries(SECRET_KEYS).map(([name, spec]) => ({
  id: `secret:${name}`,
  applies: (config) => spec.requiredIn.includes(config.environment),
  missing: (_config, run) => !run.secretsSet.includes(name),
  fix: (config) => `pulumi config set --secret ${NAMESPACE}:${name} ${spec.example} -s ${config.stack}`,
  why: `${spec.purpose}; \`pulumi up\` refuses the stack without it (config validation); the offline plan fills a placeholder`,
}));

/** The tag or digest part of an image reference (`trading-api:1.0.0` -> `:1.0.0`). */
function tagOf(image: string): string {
  const at = image.indexOf("@");
  if (at !== -1) return image.slice(at);
  const colon = image.lastIndexOf(":");
  return colon > image.lastIndexOf("/") ? image.slice(colon) : "";
}

function repositoryOf(image: string): string {
  const bare = image.slice(0, image.length - tagOf(image).length);
  return bare.slice(bare.lastIndexOf("/") + 1);
}

/** The runner settings in the bootstrap stack file that `entasis:deploy.bootstrapStack` names. */
function bootstrapRunner(config: ValidatedStackConfig): { connectionArn?: string; githubRepository?: string } {
  if (!config.deploy.bootstrapStack) return {};
  try {
    return JSON.parse(loadBootstrapStackFile(config.deploy.bootstrapStack).config[`${BOOTSTRAP_NAMESPACE}:runner`] ?? "{}") as { connectionArn?: string; githubRepository?: string };
  } catch {
    return {};
  }
}

function bootstrapConnectionArn(config: ValidatedStackConfig): string | undefined {
  return bootstrapRunner(config).connectionArn;
}

export const PREREQUISITES: readonly PrerequisiteCheck[] = [
  ...secretChecks,
  {
    id: "deploy:runner-connection",
    applies: (config) => config.deploy.bootstrapStack !== undefined,
    missing: (config) => PLACEHOLDER_CONNECTION_RE.test(bootstrapConnectionArn(config) ?? "connection/00000000-0000-0000-0000-000000000000"),
    fix: (config) =>
      `aws codeconnections create-connection --provider-type GitHub --connection-name entasis-github --region ${config.region}  # then authorise it in the console (Developer Tools > Settings > Connections > Update pending connection); and: cd bootstrap && pulumi config set --path '${BOOTSTRAP_NAMESPACE}:runner.connectionArn' <connection ARN> -s ${config.deploy.bootstrapStack ?? ""} && pulumi up -s ${config.deploy.bootstrapStack ?? ""}`,
    why: "the deploy and preview runners (bootstrap/) fetch the repository through a CodeConnections GitHub connection; the bootstrap stack file holds the all-zero placeholder, which its `pulumi up` refuses, so no runner exists to deploy this stack from inside the VPC (docs/deploy.md, step 2)",
  },
  {
    id: "deploy:github-repository",
    applies: (config) => config.deploy.bootstrapStack !== undefined,
    missing: (config) => (bootstrapRunner(config).githubRepository ?? PLACEHOLDER_GITHUB_REPOSITORY) === PLACEHOLDER_GITHUB_REPOSITORY,
    fix: (config) =>
      `cd bootstrap && pulumi config set --path '${BOOTSTRAP_NAMESPACE}:runner.githubRepository' <owner>/<repo> -s ${config.deploy.bootstrapStack ?? ""}  # the one place the repository is named; then the repository settings of docs/deploy.md step 4`,
    why: "entasis-bootstrap:runner.githubRepository is the committed placeholder: the runners would serve, and the deploy role would trust the deploy jobs of, a repository that is not yours; the bootstrap's `pulumi up` refuses it (docs/deploy.md, step 3)",
  },
  {
    id: "cluster:admin-principals",
    applies: () => true,
    missing: (config) => config.cluster.adminPrincipalArns.length === 0 || config.cluster.adminPrincipalArns.includes(PLACEHOLDER_ADMIN_PRINCIPAL),
    fix: (config) => `pulumi config set --path '${NAMESPACE}:cluster.adminPrincipalArns[0]' arn:aws:iam::<account>:role/<your operators' role> -s ${config.stack}`,
    why: "entasis:cluster.adminPrincipalArns is empty or the committed placeholder: after the first deploy no person could reach the cluster in an incident (`pulumi up` refuses the placeholder, prod refuses an empty list)",
  },
  {
    // The organization's trail stands in for the one the platform would create: the plan cannot
    // read another account's trail, so it names it and the commands that confirm what it records.
    id: "audit:organization-trail",
    applies: (config) => config.audit.provider === "organization",
    missing: (config) => config.audit.organization === undefined || PLACEHOLDER_TRAIL_RE.test(config.audit.organization.trailArn),
    fix: (config) => {
      const trail = config.audit.organization?.trailArn ?? "<organization trail ARN>";
      return [
        `aws cloudtrail describe-trails --include-shadow-trails --region ${config.region}  # IsOrganizationTrail, IsMultiRegionTrail, LogFileValidationEnabled, KmsKeyId all set`,
        `aws cloudtrail get-trail-status --name ${trail} --region ${config.region}  # IsLogging true`,
        `aws cloudtrail get-event-selectors --trail-name ${trail} --region ${config.region}  # management events, and S3 data events of the stack's data buckets`,
        `pulumi config set --path '${NAMESPACE}:audit.organization.trailArn' ${trail} -s ${config.stack}`,
      ].join(" && ");
    },
    why: "entasis:audit.provider organization creates no trail: the organization's trail must record this account's management events (IAM, KMS) and the data buckets' S3 data events with log-file validation, or they live only in the 90-day event history; `pulumi up` refuses the stack until the trail is named",
  },
  {
    id: "audit:organization-guardduty",
    applies: (config) => config.audit.provider === "organization",
    missing: (config) => config.audit.organization === undefined,
    fix: (config) =>
      `aws guardduty get-detector --detector-id $(aws guardduty list-detectors --query 'DetectorIds[0]' --output text --region ${config.region}) --region ${config.region}  # EKS_AUDIT_LOGS and RUNTIME_MONITORING (EKS_ADDON_MANAGEMENT) ENABLED; and: pulumi config set --path '${NAMESPACE}:audit.organization.guardDutyAdministratorAccountId' <delegated administrator account> -s ${config.stack}`,
    why: "entasis:audit.provider organization creates no GuardDuty detector: the delegated administrator must enable EKS protection and managed runtime monitoring for this account; a preview reads the detector and fails without them (components/security/organizationAudit.ts)",
  },
  {
    id: "edge:certificate",
    applies: (config) => config.edge.certificateArn !== undefined,
    missing: (config) => PLACEHOLDER_CERTIFICATE_RE.test(config.edge.certificateArn ?? ""),
    fix: (config) =>
      `aws acm request-certificate --domain-name <your domain> --validation-method DNS --region ${config.region}  # then add the DNS record it asks for; and: pulumi config set --path '${NAMESPACE}:edge.certificateArn' <the certificate ARN> -s ${config.stack}`,
    why: "entasis:edge.certificateArn is the repository's all-zero placeholder: previews accept it, `pulumi up` refuses it in config validation (the HTTPS listener would fail after everything else was created)",
  },
  {
    id: "workloads:image-registry",
    applies: (config) => config.workloads.image !== undefined,
    missing: (config) => !imageHasRegistry(config.workloads.image ?? ""),
    fix: (config) => {
      const image = config.workloads.image ?? "";
      const registry = `<account>.dkr.ecr.${config.region}.amazonaws.com`;
      const target = `${registry}/${repositoryOf(image)}${tagOf(image)}`;
      return [
        `aws ecr create-repository --repository-name ${repositoryOf(image)} --image-tag-mutability IMMUTABLE --region ${config.region}`,
        `aws ecr get-login-password --region ${config.region} | docker login --username AWS --password-stdin ${registry}`,
        `docker tag ${image} ${target} && docker push ${target}`,
        `pulumi config set --path '${NAMESPACE}:workloads.image' ${target} -s ${config.stack}`,
      ].join(" && ");
    },
    why: "entasis:workloads.image names no registry host, so the kubelet pulls it from Docker Hub (docker.io/library/...), where trading-api is not published: pods stay in ImagePullBackOff and the Deployment's await times out",
  },
  {
    id: "failover:hosted-zone",
    applies: (config) => config.failover !== undefined,
    missing: (config) => config.failover?.dns.hostedZoneId === PLACEHOLDER_HOSTED_ZONE_ID,
    fix: (config) =>
      `aws route53 list-hosted-zones --query "HostedZones[?Config.PrivateZone==\`false\`].[Id,Name]"  # then, in both stacks of the pair: pulumi config set --path '${NAMESPACE}:failover.dns.hostedZoneId' <zone id> -s ${config.stack} (and zoneName, apiHost, websocketHost)`,
    why: "entasis:failover.dns.hostedZoneId is the committed placeholder: previews accept it, `pulumi up` refuses it (the failover records and the health check need your public hosted zone; docs/failover.md)",
  },
  {
    id: "workloads:build-context",
    applies: (config) => config.workloads.build !== undefined,
    missing: (config, run) => {
      const b = config.workloads.build;
      return b !== undefined && !run.fileExists(`${b.context}/${b.dockerfile}`);
    },
    fix: (config) => {
      const b = config.workloads.build;
      return `add ${b?.context}/${b?.dockerfile} to the repository, and run \`pulumi up\` where \`docker info\` answers (the build runs in the deploy job and pushes to the stack's ECR repository)`;
    },
    why: "entasis:workloads.build builds the image with Docker during `pulumi up`: it needs the Dockerfile in the repository and a Docker daemon on the machine that deploys",
  },
];

export function evaluatePrerequisites(config: ValidatedStackConfig, run: PreflightRun, checks: readonly PrerequisiteCheck[] = PREREQUISITES): PrerequisiteResult[] {
  return checks
    .filter((c) => c.applies(config, run))
    .map((c) => ({ id: c.id, missing: c.missing(config, run), why: c.why, fix: c.fix(config, run) }))
    .sort((a, b) => Number(b.missing) - Number(a.missing));
}
