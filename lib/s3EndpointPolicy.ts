import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * AWS-owned buckets the nodes and the bastion read through the S3 gateway endpoint, per region:
 * ECR image layers (every image pulled from ECR, EKS add-ons and GuardDuty's agent included),
 * Amazon Linux 2023 package repositories, and the SSM agent's buckets (Session Manager, agent
 * updates), and registry.k8s.io's regional layer bucket (it redirects pulls from AWS to a bucket
 * in the caller's region; an endpoint policy without it fails those pulls with 403:
 * https://github.com/kubernetes/k8s.io/issues/4214). Read-only: nothing is written to a bucket
 * of another account. A registry whose layers live in another region's S3 goes through NAT and
 * is unaffected; one serving from this region's S3 must be added here.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-minimum-s3-permissions.html
 * https://docs.aws.amazon.com/linux/al2023/ug/managing-repos-os-updates.html (al2023-repos-<region>-de612dc2)
 */
export function awsBucketsNodesRead(region: string): string[] {
  return [
    `prod-${region}-starport-layer-bucket`,
    `al2023-repos-${region}-de612dc2`,
    `amazon-ssm-${region}`,
    `amazon-ssm-packages-${region}`,
    `${region}-birdwatcher-prod`,
    `aws-ssm-${region}`,
    `aws-ssm-document-attachments-${region}`,
    `patch-baseline-snapshot-${region}`,
    `prod-registry-k8s-io-${region}`,
  ];
}

/**
 * Policy of the S3 gateway endpoint: any S3 action on buckets of this account (aws:ResourceAccount),
 * and s3:GetObject on the AWS buckets above; nothing else. A compromised pod or node cannot copy
 * data to a bucket of another account through the endpoint (the NAT path stays, and is logged by
 * the flow logs). https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html#vpc-endpoints-policies-s3
 */
export function s3GatewayEndpointPolicy(region: string, accountId: pulumi.Input<string>, partition: pulumi.Input<string>): pulumi.Output<aws.iam.PolicyDocument> {
  return pulumi.all([accountId, partition]).apply(
    ([account, part]): aws.iam.PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountBuckets", Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "aws:ResourceAccount": account } } },
        { Sid: "AwsBucketsNodesRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: awsBucketsNodesRead(region).map((b) => `arn:${part}:s3:::${b}/*`) },
      ],
    }),
  );
}
