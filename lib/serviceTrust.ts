import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Trust policy letting an AWS service assume a role only on behalf of this account
 * (`aws:SourceAccount`, the cross-service confused-deputy guard).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 *
 * `ifExists` (StringEqualsIfExists): for services whose documentation does not say they send
 * `aws:SourceAccount` when they assume the role (EC2 instance profiles, the EKS cluster role,
 * AWS Backup's service role). A request that carries another account's value is refused; one
 * that carries none still works, so the role cannot break on a service that never sends the key.
 * Where the service documents the key (VPC flow logs, RDS, S3 replication, CodeBuild), the
 * platform uses plain StringEquals. IRSA roles are web-identity trusts of the cluster's OIDC
 * provider, not service trusts: their `sub`/`aud` conditions bind them to one service account.
 */
export function serviceTrust(service: string, accountId: pulumi.Input<string>, opts: { readonly ifExists?: boolean } = {}): aws.iam.PolicyDocument {
  const operator = opts.ifExists ? "StringEqualsIfExists" : "StringEquals";
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: { [operator]: { "aws:SourceAccount": accountId } } }],
  };
}
