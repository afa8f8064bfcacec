import * as aws from "@pulumi/aws";
import { StackRule, stackRule } from "./common";
import { C } from "./controls";
import { ALB_LOG_BUCKET_ROLE } from "../../lib/awsLimits";

const RDS_BACKUP_REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";
const S3_REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";

/** A plan rule as far as this rule reads it (never the copy's vault ARN, unknown in a first preview). */
interface PlanRule {
  readonly ruleName?: unknown;
  readonly enableContinuousBackup?: unknown;
  readonly copyActions?: unknown;
  readonly lifecycle?: { readonly deleteAfter?: number };
}

export const backupRules: readonly StackRule[] = [
  stackRule({
    name: "dr-cross-region-copy",
    control: C.CP_6_1,
    severity: "high",
    description:
      "Every stateful store has a copy in another region: each RDS primary replicates its automated backups (an InstanceAutomatedBackupsReplication whose sourceDbInstanceArn comes from it; read replicas are rebuilt from the primary); each S3 bucket has a replication configuration, unless it is itself a replication destination, the ALB access-log bucket (diagnostics, Pulumi name ending `-access-logs`), or selected by tag into a backup plan that copies to another region (RPO 24 h); each AWS Backup plan with snapshot rules kept longer than a day copies at least one rule elsewhere (copyActions). ElastiCache is a cache and is not required.",
    devAdvisory: "dev may leave entasis:backup.drRegion unset and keep its backups in one region to save the copies' storage and transfer (the plan's failure-domain view says what that gives up).",
    validateStack: (args, report) => {
      // Tags selected into a backup plan that copies to another region: a bucket carrying one has
      // its daily, weekly and monthly points there (RPO 24 h), which counts as its copy.
      const copyingPlans = new Set(
        args.resources
          .filter((r) => r.isType(aws.backup.Plan))
          .filter((r) => {
            const rules: unknown = r.props["rules"];
            return Array.isArray(rules) && rules.some((x: unknown) => typeof x === "object" && x !== null && Array.isArray((x as PlanRule).copyActions) && ((x as PlanRule).copyActions as unknown[]).length > 0);
          })
          .map((r) => r.urn),
      );
      // Each selection as the tag sets that select a resource: any one of its selectionTags (ORed),
      // or all of its aws:ResourceTag conditions together (ANDed).
      const copiedTagSets: { key: string; value: string }[][] = [];
      for (const r of args.resources) {
        if (!r.isType(aws.backup.Selection) || !(r.propertyDependencies["planId"] ?? []).some((d) => copyingPlans.has(d.urn))) continue;
        const tags: unknown = r.props["selectionTags"];
        if (Array.isArray(tags)) for (const t of tags) if (typeof t === "object" && t !== null && typeof t.key === "string" && typeof t.value === "string") copiedTagSets.push([{ key: t.key, value: t.value }]);
        const conditions: unknown = r.props["conditions"];
        const all: { key: string; value: string }[] = [];
        if (Array.isArray(conditions)) {
          for (const c of conditions) {
            const eq: unknown = typeof c === "object" && c !== null ? (c as Record<string, unknown>)["stringEquals"] : undefined;
            if (Array.isArray(eq)) for (const e of eq) if (typeof e === "object" && e !== null && typeof e.key === "string" && typeof e.value === "string") all.push({ key: e.key.replace(/^aws:ResourceTag\//, ""), value: e.value });
          }
        }
        if (all.length > 0) copiedTagSets.push(all);
      }
      const inCopiedBackups = (props: Record<string, unknown>): boolean => {
        const tags = props["tags"];
        return typeof tags === "object" && tags !== null && copiedTagSets.some((set) => set.every((t) => (tags as Record<string, unknown>)[t.key] === t.value));
      };
      const replicatedDbs = new Set<string>();
      const replicatedBuckets = new Set<string>();
      const destinations = new Set<string>();
      for (const r of args.resources) {
        if (r.type === RDS_BACKUP_REPLICATION) for (const d of r.propertyDependencies["sourceDbInstanceArn"] ?? []) replicatedDbs.add(d.urn);
        if (r.type === S3_REPLICATION) {
          for (const d of r.propertyDependencies["bucket"] ?? []) replicatedBuckets.add(d.urn);
          for (const d of r.propertyDependencies["rules"] ?? []) destinations.add(d.urn);
        }
      }
      for (const r of args.resources) {
        if (r.isType(aws.rds.Instance)) {
          // Presence only: the source's identifier is unknown in a first preview.
          if ("replicateSourceDb" in r.props) continue;
          if (!replicatedDbs.has(r.urn)) report(`RDS instance ${r.name} has no cross-region automated backup replication (aws.rds.InstanceAutomatedBackupsReplication).`, r.urn);
        } else if (r.isType(aws.s3.Bucket)) {
          if (r.name.endsWith(`-${ALB_LOG_BUCKET_ROLE}`) || destinations.has(r.urn) || inCopiedBackups(r.props)) continue;
          if (!replicatedBuckets.has(r.urn)) report(`bucket ${r.name} has no replication to another region (aws.s3.BucketReplicationConfig).`, r.urn);
        } else if (r.isType(aws.backup.Plan)) {
          const rules: unknown = r.props["rules"];
          const list: PlanRule[] = Array.isArray(rules) ? rules.filter((x): x is PlanRule => typeof x === "object" && x !== null) : [];
          // Points kept one day or less (the hourly tier) serve recent local mistakes only.
          const snapshots = list.filter((x) => x.enableContinuousBackup !== true && !((x.lifecycle?.deleteAfter ?? Infinity) <= 1));
          if (snapshots.length > 0 && !snapshots.some((x) => Array.isArray(x.copyActions) && x.copyActions.length > 0)) {
            report(`backup plan ${r.name} keeps every recovery point in one region: give its longer-lived rules copyActions to a vault in the DR region.`, r.urn);
          }
        }
      }
    },
  }),
];
