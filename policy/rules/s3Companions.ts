import * as aws from "@pulumi/aws";
import { Control, StackRule, stackRule } from "./common";
import { C } from "./controls";

/**
 * With the v7 split S3 resources a bucket's protections are separate resources; a bucket that
 * lacks one is as exposed as a misconfigured one. The link is the companion's `bucket` input
 * depending on the bucket, which CrossGuard's stack analysis exposes as propertyDependencies.
 */
function companionRule(name: string, control: Control, companionType: string, what: string): StackRule {
  return stackRule({
    name,
    control,
    severity: "high",
    description: `Every S3 bucket has ${what} (an ${companionType.split(":")[2]} whose bucket input comes from the bucket).`,
    validateStack: (args, report) => {
      const covered = new Set<string>();
      for (const r of args.resources) {
        if (r.type !== companionType) continue;
        for (const dep of r.propertyDependencies["bucket"] ?? []) covered.add(dep.urn);
      }
      for (const r of args.resources) {
        if (r.isType(aws.s3.Bucket) && !covered.has(r.urn)) report(`bucket ${r.name} has no ${companionType.split(":")[2]}.`, r.urn);
      }
    },
  });
}

export const s3CompanionRules: readonly StackRule[] = [
  companionRule("s3-bucket-has-public-access-block", C.S3_8, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "a public access block"),
  companionRule("s3-bucket-has-kms-encryption", C.S3_17, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "a KMS default-encryption configuration"),
  companionRule("s3-bucket-has-tls-only-policy", C.S3_5, "aws:s3/bucketPolicy:BucketPolicy", "a bucket policy (which s3-tls-only-policy holds to TLS-only)"),
];
