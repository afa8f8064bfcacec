import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrust } from "../../lib/serviceTrust";
import { Tags, named } from "../tags";

/** Public SSM parameter with the latest Amazon Linux 2023 AMI; AWS keeps it current.
 * https://docs.aws.amazon.com/linux/al2023/ug/ec2.html#launch-from-ec2-console */
export const AL2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

export interface BastionArgs {
  readonly namePrefix: string;
  /** Account whose EC2 service may assume the instance role (`aws:SourceAccount`). */
  readonly accountId: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnet the host lives in (it needs no public address). */
  readonly subnetId: pulumi.Input<string>;
  /** Default t3.micro. */
  readonly instanceType?: string;
  /** Customer managed key of the root volume. */
  readonly rootVolumeKeyArn: pulumi.Input<string>;
  /**
   * Security groups the bastion reaches besides HTTPS out, keyed by a stable name (e.g. the internal
   * ALB's listener): an egress rule on the bastion's group and an ingress rule on the target's, both
   * naming the other group, for that one port. Default none.
   */
  readonly reaches?: Readonly<Record<string, { readonly securityGroupId: pulumi.Input<string>; readonly port: number; readonly description: string }>>;
  readonly tags: Tags;
}

/**
 * A bastion reachable only through SSM Session Manager: private subnet, no public IP, no key pair
 * and a security group without a single inbound rule. Sessions are authorised and logged by IAM
 * and CloudTrail instead of SSH keys. IMDSv2 is required (FSBP EC2.8).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html
 */
export class Bastion extends pulumi.ComponentResource {
  public readonly instance: aws.ec2.Instance;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  public readonly role: aws.iam.Role;

  constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:network:Bastion", name, {}, opts);
    const instanceType = args.instanceType ?? "t3.micro";
    const p = args.namePrefix;

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `${p} bastion (SSM Session Manager only)`,
        assumeRolePolicy: serviceTrust("ec2.amazonaws.com", args.accountId, { ifExists: true }),
        tags: named(args.tags, `${p}-bastion`),
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(`${name}-ssm`, { role: this.role.name, policyArn: aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore }, { parent: this });
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: this.role.name, tags: named(args.tags, `${p}-bastion`) }, { parent: this });

    // No ingress at all. Egress 443: the SSM agent dials out to the public SSM endpoints (there are no
    // interface endpoints in the VPC), and a port-forward session reaches the private API endpoint
    // (the cluster group admits this group on 443). Anything else only through `reaches`.
    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId: args.vpcId, description: `${p} bastion: no inbound, HTTPS out to SSM`, tags: named(args.tags, `${p}-bastion`) },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-out-443`,
      { securityGroupId: this.securityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "SSM agent to Systems Manager endpoints", tags: named(args.tags, `${p}-bastion-out-443`) },
      { parent: this },
    );

    for (const [key, target] of Object.entries(args.reaches ?? {})) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-to-${key}`,
        { securityGroupId: this.securityGroup.id, referencedSecurityGroupId: target.securityGroupId, ipProtocol: "tcp", fromPort: target.port, toPort: target.port, description: target.description, tags: named(args.tags, `${p}-bastion-to-${key}`) },
        { parent: this },
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-into-${key}`,
        { securityGroupId: target.securityGroupId, referencedSecurityGroupId: this.securityGroup.id, ipProtocol: "tcp", fromPort: target.port, toPort: target.port, description: `${target.description} (from the bastion)`, tags: named(args.tags, `${p}-bastion-into-${key}`) },
        { parent: this },
      );
    }

    const ami = aws.ssm.getParameterOutput({ name: AL2023_AMI_PARAMETER }, { parent: this });
    this.instance = new aws.ec2.Instance(
      `${name}-host`,
      {
        ami: ami.insecureValue,
        instanceType,
        subnetId: args.subnetId,
        vpcSecurityGroupIds: [this.securityGroup.id],
        iamInstanceProfile: profile.name,
        associatePublicIpAddress: false,
        monitoring: true,
        ebsOptimized: true,
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
        // The platform's volume key, not aws/ebs; Pulumi launches this instance itself, so no
        // service role needs the key.
        rootBlockDevice: { volumeType: "gp3", volumeSize: 30, encrypted: true, kmsKeyId: args.rootVolumeKeyArn, deleteOnTermination: true },
        tags: named(args.tags, `${p}-bastion`),
        volumeTags: named(args.tags, `${p}-bastion`),
      },
      // A newer AMI in the parameter must not replace a running host on every `pulumi up`;
      // patch it with SSM Patch Manager, or replace it deliberately.
      { parent: this, ignoreChanges: ["ami"] },
    );
    this.registerOutputs({ instanceId: this.instance.id });
  }
}
