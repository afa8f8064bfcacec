import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nodeVolumeKeyStatements } from "../components/cluster/nodePool";
import { RunnerPeering } from "../components/deploy/runnerPeering";
import { ALB_IP_ADDRESS_TYPE } from "../components/edge/loadBalancer";
import { Bastion } from "../components/network/bastion";
import { Network } from "../components/network/network";
import { SecurityGroups, TIER_RULES, frontendIngressRules } from "../components/network/securityGroups";
import { GuardedAwsScope } from "../components/scope";
import { EncryptionKey } from "../components/security/encryptionKey";
import { overlaps, parseCidr } from "../lib/cidr";
import { backupAccountKeyStatements, ebsViaEc2Statement } from "../lib/keyStatements";
import { SubnetPlan, carveSubnets } from "../lib/subnetPlan";
import { StackConfig } from "./config";
import { RunnerLink } from "./runner";

/** The network, its security groups, the instance-volume key, the bastion and the runners' peering. */
export interface Foundation {
  readonly subnetPlan: SubnetPlan;
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  /** Customer key of every EC2 volume: node pools, the bastion and the EBS CSI driver's gp3 classes. */
  readonly volumesKey: EncryptionKey;
  /** Statements that share the keys of backed-up data with the backup account; empty without one. */
  readonly copyKeyStatements: readonly pulumi.Input<aws.iam.PolicyStatement>[];
  readonly bastion?: Bastion;
  /** The in-VPC runners' peering; absent without a bootstrap stack. */
  readonly runnerPeering?: RunnerPeering;
}

export interface FoundationInputs extends GuardedAwsScope {
  /** The bootstrap stack's runners, when the program reads one. Default none. */
  readonly runner?: RunnerLink;
}

/** Composition of what every other area stands on (called first from buildPlatform). */
export function buildFoundation(config: StackConfig, env: FoundationInputs): Foundation {
  const { namePrefix, runner } = env;
  const tags = config.tags;
  const scope: GuardedAwsScope = { namePrefix, region: env.region, accountId: env.accountId, partition: env.partition, breakGlassRoleArn: env.breakGlassRoleArn };

  const subnetPlan = carveSubnets({
    vpcCidr: config.network.cidr,
    availabilityZones: config.network.availabilityZones,
    prefixes: config.network.subnetPrefixes,
    overrides: config.network.subnets,
  });
  if (!subnetPlan) throw new pulumi.RunError("subnet carving failed after validation passed; this is a bug in lib/subnetPlan.ts");

  const network = new Network("network", {
    ...scope,
    cidr: config.network.cidr,
    availabilityZones: config.network.availabilityZones,
    subnetPlan,
    natStrategy: config.network.natStrategy,
    flowLogs: config.network.flowLogs,
    peering: config.network.peering,
    // Egress addresses are registered with exchanges: as stateful as the data (protected in prod).
    protectEgressIps: config.data.protect,
    // Only the account's buckets and the AWS buckets nodes read (ECR layers, AL2023, SSM).
    restrictS3Endpoint: true,
    tags,
  });

  // The frontend admits only what the load balancer really serves: 80 (redirect) and 443 with a
  // certificate, plain 80 without one, from the configured sources (validated: never the whole
  // internet without TLS); ::/0 only if the ALB were dual-stack.
  const frontend = frontendIngressRules({ tls: config.edge.certificateArn !== undefined, sourceCidrs: config.edge.allowedCidrs, dualStack: ALB_IP_ADDRESS_TYPE === "dualstack" });
  const securityGroups = new SecurityGroups("security-groups", { namePrefix, vpcId: network.vpcId, rules: [...frontend, ...TIER_RULES], tags });

  // One customer key for instance disks (node pools and the bastion), as every other data store
  // has; its policy lets the services that launch node instances use it.
  // The EBS CSI driver's volumes (Prometheus, Alertmanager, Elasticsearch) use it too: snapshots
  // under the AWS managed aws/ebs key could never be copied to a backup account.
  // The keys of backed-up data that AWS Backup copies with their source key (RDS, EBS) are shared
  // with the backup account when there is one (entasis:backup.backupAccountVaultArn).
  const copyKeyStatements = backupAccountKeyStatements(config.backup.backupAccountVaultArn, env.partition);
  const volumesKey = new EncryptionKey("ebs-volumes", {
    description: `${namePrefix} EC2 instance volumes (EKS nodes, bastion) and the EBS CSI driver's`,
    alias: `${namePrefix}-ebs-volumes`,
    accountId: env.accountId,
    partition: env.partition,
    breakGlassRoleArn: env.breakGlassRoleArn,
    statements: [...nodeVolumeKeyStatements(env.accountId, env.partition), ebsViaEc2Statement(env.accountId, config.region), ...copyKeyStatements],
    tags,
  });

  const bastion = config.network.bastion.enabled
    ? new Bastion("bastion", {
        namePrefix,
        accountId: env.accountId,
        rootVolumeKeyArn: volumesKey.arn,
        vpcId: network.vpcId,
        subnetId: network.subnets.private[config.network.availabilityZones[0]].id,
        instanceType: config.network.bastion.instanceType,
        // An internal ALB is reachable only inside the VPC: the bastion reaches its listener, so an
        // operator can check /health (docs/deploy.md step 7). An internet-facing one answers on its
        // public name through the NAT, on 443 the bastion already has.
        reaches:
          config.edge.scheme === "internal"
            ? { alb: { securityGroupId: securityGroups.ids.frontend, port: config.edge.certificateArn !== undefined ? 443 : 80, description: "Internal ALB listener (health checks by operators)" } }
            : {},
        tags,
      })
    : undefined;

  // The deploy and preview runners reach the private API endpoint through a peering with their VPC.
  let runnerPeering: RunnerPeering | undefined;
  if (runner) {
    const a = parseCidr(runner.cidr);
    const b = parseCidr(config.network.cidr);
    if (!a || !b || overlaps(a, b)) {
      throw new pulumi.RunError(`runner VPC ${runner.cidr} of ${runner.stack} overlaps entasis:network.cidr ${config.network.cidr}; give the bootstrap stack a disjoint entasis-bootstrap:runner.cidr (AWS refuses to peer overlapping VPCs)`);
    }
    runnerPeering = new RunnerPeering("runner-peering", {
      namePrefix,
      vpcId: network.vpcId,
      vpcCidr: config.network.cidr,
      privateRouteTableIds: Object.fromEntries(Object.entries(network.privateRouteTables).map(([az, rt]) => [az, rt.id])),
      runnerVpcId: runner.vpcId,
      runnerCidr: runner.cidr,
      runnerRouteTableIds: runner.routeTableIds,
      tags,
    });
  }

  return { subnetPlan, network, securityGroups, volumesKey, copyKeyStatements, bastion, runnerPeering };
}
