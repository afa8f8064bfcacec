import * as pulumi from "@pulumi/pulumi";

/**
 * IAM prefixes of the services the platform and its bootstrap manage or look up (`aws:<module>/...`
 * types of both programs; tests/preview-access.test.ts checks the list covers them). CloudWatch
 * spans cloudwatch, logs and events; the ALB is elasticloadbalancing.
 */
export const PREVIEW_READ_SERVICES = [
  "acm", "backup", "cloudtrail", "cloudwatch", "codebuild", "ec2", "ecr", "eks", "elasticache", "elasticloadbalancing", "events", "guardduty", "iam", "kms", "logs", "mq", "rds", "route53", "s3", "scheduler", "secretsmanager", "ssm", "tag", "wafv2",
] as const;

/**
 * Reads that return data rather than configuration, denied outright (an explicit deny beats every
 * allow, the runner's basics included): object contents, secret values, parameter values (SecureString
 * or not: parameters of this account; AWS's public parameters such as the AMI id stay readable),
 * anything KMS would decrypt, log contents and instance console output.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html
 */
export const PREVIEW_DENIED_DATA_READS = [
  "s3:GetObject*",
  "secretsmanager:GetSecretValue",
  "secretsmanager:BatchGetSecretValue",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:GetLogRecord",
  "logs:StartQuery",
  "logs:GetQueryResults",
  "logs:StartLiveTail",
  "rds:DownloadDBLogFilePortion",
  "rds:DownloadCompleteDBLogFile",
  "ec2:GetPasswordData",
  "ec2:GetConsoleOutput",
  "ec2:GetConsoleScreenshot",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchGetImage",
  // GuardDuty's findings describe the account's threats and incidents, not configuration.
  "guardduty:GetFindings",
  "guardduty:GetFindingsStatistics",
] as const;

/** Parameter Store reads that return values; denied on this account's parameters. */
export const PREVIEW_DENIED_PARAMETER_READS = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"] as const;

/**
 * The preview runner's policy: configuration reads (`Describe*`, `List*`, `Get*`) of the services
 * above, minus every data read. `pulumi preview` (no refresh) needs only the program's look-ups (AWS
 * public parameters, EKS add-on versions, caller identity); a refresh would also read live resources,
 * and fails on an SSM parameter or a secret version, whose values it cannot read: previews never refresh.
 */
export function previewReadPolicy(partition: pulumi.Input<string>, accountId: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadConfiguration", Effect: "Allow", Action: [...PREVIEW_READ_SERVICES.flatMap((s) => [`${s}:Describe*`, `${s}:List*`, `${s}:Get*`]), "codebuild:BatchGet*"], Resource: "*" },
      { Sid: "NoDataReads", Effect: "Deny", Action: [...PREVIEW_DENIED_DATA_READS], Resource: "*" },
      { Sid: "NoParameterValues", Effect: "Deny", Action: [...PREVIEW_DENIED_PARAMETER_READS], Resource: pulumi.interpolate`arn:${partition}:ssm:*:${accountId}:parameter/*` },
    ],
  });
}
