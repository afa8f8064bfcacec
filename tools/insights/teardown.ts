import { ResourceIndex, boolOf, field, numOf, strOf } from "./model";

/** What a `pulumi destroy` of the stack leaves in the account, and why. */
export interface Leftover {
  readonly what: string;
  readonly why: string;
}

/**
 * Read from the record: anything the program protects or keeps on purpose, and what AWS services
 * create on their own that no resource of ours owns. Velero's EBS snapshots and running backup
 * jobs are handled by the destroy-dev workflow step before `pulumi destroy` (docs/deploy.md).
 */
export function destroyLeftovers(idx: ResourceIndex): Leftover[] {
  const out: Leftover[] = [];
  const protectedOnes = idx.resources.filter((r) => r.custom && r.protect === true);
  if (protectedOnes.length > 0) out.push({ what: `${protectedOnes.length} protected resource(s) (${protectedOnes.slice(0, 5).map((r) => r.name).join(", ")}${protectedOnes.length > 5 ? ", ..." : ""})`, why: "`protect`: a destroy refuses them by design" });
  const keys = idx.ofType("aws:kms/key:Key");
  if (keys.length > 0) {
    const days = Math.max(...keys.map((k) => numOf(k.inputs, "deletionWindowInDays") ?? 30));
    out.push({ what: `${keys.length} KMS keys pending deletion for up to ${days} days`, why: "KMS never deletes a key at once (7..30-day waiting period); each is billed pro rata until then, and can be cancelled to read old snapshots" });
  }
  for (const b of idx.ofType("aws:s3/bucket:Bucket").filter((x) => boolOf(x.inputs, "forceDestroy") !== true)) out.push({ what: `bucket ${b.name}`, why: "no forceDestroy: S3 refuses to delete a non-empty bucket" });
  for (const v of idx.ofType("aws:backup/vault:Vault").filter((x) => boolOf(x.inputs, "forceDestroy") !== true)) out.push({ what: `backup vault ${v.name} and its recovery points`, why: "no forceDestroy: AWS Backup refuses to delete a vault with recovery points" });
  for (const sc of idx.ofType("kubernetes:storage.k8s.io/v1:StorageClass").filter((x) => strOf(x.inputs, "reclaimPolicy") === "Retain")) out.push({ what: `EBS volumes of StorageClass ${strOf(field(sc.inputs, "metadata"), "name") ?? sc.name}`, why: "reclaimPolicy Retain keeps the volumes after their claims" });
  if (idx.ofType("aws:rds/instance:Instance").some((r) => (numOf(r.inputs, "monitoringInterval") ?? 0) > 0)) out.push({ what: "log group RDSOSMetrics", why: "RDS Enhanced Monitoring creates it once per account and region, shared by every instance (retention 30 days); no stack owns it" });
  if (idx.ofType("aws:mq/broker:Broker").some((b) => boolOf(field(b.inputs, "logs"), "general") === true)) out.push({ what: "log group /aws/amazonmq/broker/<id>/general", why: "Amazon MQ creates it with its service-linked role; delete it by hand or let its retention expire" });
  out.push({ what: "service-linked roles (EKS node groups, Auto Scaling, RDS, ElastiCache, Amazon MQ, Elastic Load Balancing, AWS Backup)", why: "created by AWS on first use, shared by the account, free" });
  out.push({ what: "the bootstrap stack (runner VPC, NAT gateway, CodeBuild runners)", why: "a separate project: `cd bootstrap && pulumi destroy` after the platform (docs/deploy.md)" });
  return out;
}
