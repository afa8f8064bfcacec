import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

export interface RunnerPeeringArgs {
  /** Prefix of AWS `Name` tags, e.g. `entasis-prod`. */
  readonly namePrefix: string;
  /** The platform VPC and its CIDR. */
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: string;
  /** Platform private route tables keyed by AZ (the EKS control-plane ENIs live in the private subnets). */
  readonly privateRouteTableIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** The runner VPC (same account and region), its CIDR and private route tables keyed by AZ. */
  readonly runnerVpcId: string;
  readonly runnerCidr: string;
  readonly runnerRouteTableIds: Readonly<Record<string, string>>;
  readonly tags: Tags;
}

/**
 * The network path from the deploy/preview runners to the cluster's private API endpoint: a VPC
 * peering with the bootstrap stack's runner VPC and routes both ways. EKS publishes the private
 * endpoint's addresses under its public DNS name, so a peered VPC resolves and reaches it; the
 * cluster security group then admits the runner CIDR on 443 (components/cluster/cluster.ts).
 * https://repost.aws/knowledge-center/eks-private-cluster-endpoint-vpc
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html#private-access
 */
export class RunnerPeering extends pulumi.ComponentResource {
  public readonly peering: aws.ec2.VpcPeeringConnection;
  /** Everything a client in the runner VPC needs before it can open a connection to the VPC. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: RunnerPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:deploy:RunnerPeering", name, {}, opts);
    const p = args.namePrefix;
    // Same account and region, so the requester accepts it itself.
    // https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html
    this.peering = new aws.ec2.VpcPeeringConnection(
      `${name}-peering`,
      { vpcId: args.vpcId, peerVpcId: args.runnerVpcId, autoAccept: true, tags: named(args.tags, `${p}-runner-peering`) },
      { parent: this },
    );
    const toRunner = Object.entries(args.privateRouteTableIds).map(
      ([az, rt]) => new aws.ec2.Route(`${name}-to-runner-${az}`, { routeTableId: rt, destinationCidrBlock: args.runnerCidr, vpcPeeringConnectionId: this.peering.id }, { parent: this }),
    );
    const fromRunner = Object.entries(args.runnerRouteTableIds).map(
      ([az, rt]) => new aws.ec2.Route(`${name}-from-runner-${az}`, { routeTableId: rt, destinationCidrBlock: args.vpcCidr, vpcPeeringConnectionId: this.peering.id }, { parent: this }),
    );
    this.ready = [this.peering, ...toRunner, ...fromRunner];
    this.registerOutputs({ peeringId: this.peering.id });
  }
}
