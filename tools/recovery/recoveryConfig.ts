import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { DR_REGIONS } from "../../lib/awsLimits";
import { bucketName } from "../../lib/dataNames";
import { PLACEHOLDER_AUTOMATED_BACKUPS_ID, PLACEHOLDER_KEY_ID } from "../../stacks/schema/restore";
import { PROJECT_ROOT } from "../offline/stackFile";

/**
 * The ha-mode recovery stack's config (docs/disaster-recovery.md): the source stack's file with
 * every value that names the source region replaced, so that `pulumi up` in the DR region touches
 * nothing in the region that is down. Generated rather than hand-copied so it follows the source
 * stack's pools, sizes and services; committed under docs/recovery/ so it is reviewed before it is
 * needed, and tests/recovery-stack.test.ts fails when the committed file and the source drift apart.
 */

/** Where the committed recovery configs live (not the repository root: that holds stacks that exist). */
export const RECOVERY_DIR = path.join(PROJECT_ROOT, "docs", "recovery");

/** The recovery stack of a source stack: `prod` -> `prod-dr` (name prefix `entasis-prod-dr`). */
export function recoveryStackName(source: string): string {
  return `${source}-dr`;
}

export function recoveryConfigPath(source: string): string {
  return path.join(RECOVERY_DIR, `Pulumi.${recoveryStackName(source)}.yaml`);
}

/** Zones of the DR regions the recovery stack may run in (three, like prod). */
export const RECOVERY_ZONES: Readonly<Record<string, readonly string[]>> = {
  "ap-northeast-1": ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
  "ap-northeast-2": ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"],
};

/** VPC of the recovery stack: apart from prod (10.20/16), the warm standby (10.30/16) and every runner (10.25x/22). */
export const RECOVERY_CIDR = "10.40.0.0/16";

/** Account of the repository's placeholders (the same as Pulumi.prod.yaml's). */
const PLACEHOLDER_ACCOUNT = "123456789012";

type Config = Record<string, unknown>;

function objectAt(config: Config, key: string): Record<string, unknown> {
  const v = config[key];
  return typeof v === "object" && v !== null && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {};
}

export interface RecoveryConfig {
  readonly stack: string;
  readonly sourceRegion: string;
  readonly region: string;
  /** The stack file's config section. */
  readonly config: Config;
  /** The stack file as committed. */
  readonly text: string;
}

/**
 * The values docs/disaster-recovery.md step 2 sets in the committed file with `pulumi config set`
 * (stack key, then the path inside it): the restore sources read in the DR region, the DR region's
 * certificate, and the Slack webhook encrypted with the recovery stack's own key (prod's ciphertext
 * is not decryptable there). Regenerating keeps them, so the file the `recover-prod` job deploys
 * (after the workflow's `test` job, which runs the drift test) can hold them.
 */
export const RUNBOOK_VALUES: readonly (readonly [string, ...string[]])[] = [
  ["entasis:data", "postgres", "restore"],
  ["entasis:timeseries", "restore"],
  ["entasis:edge", "certificateArn"],
  ["entasis:slackWebhookUrl"],
];

function valueAt(config: Config, keys: readonly string[]): unknown {
  let v: unknown = config;
  for (const k of keys) v = typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function withValueAt(config: Config, keys: readonly string[], value: unknown): Config {
  const [head, ...rest] = keys;
  return { ...config, [head]: rest.length === 0 ? value : withValueAt(objectAt(config, head), rest, value) };
}

/** The committed file's runbook values (RUNBOOK_VALUES) over the generated config; none when there is no file. */
export function keepRunbookValues(generated: Config, committedFile: string): Config {
  if (!fs.existsSync(committedFile)) return generated;
  const committed = (yaml.load(fs.readFileSync(committedFile, "utf8")) as { config?: Config } | undefined)?.config ?? {};
  let out = generated;
  for (const keys of RUNBOOK_VALUES) {
    const v = valueAt(committed, keys);
    if (v !== undefined) out = withValueAt(out, keys, v);
  }
  return out;
}

/**
 * Builds the recovery config of `source` (its Pulumi.<source>.yaml) for its entasis:backup.drRegion,
 * keeping the runbook values (RUNBOOK_VALUES) of the committed file `committedFile`.
 */
export function recoveryConfig(source: string, sourceFile = path.join(PROJECT_ROOT, `Pulumi.${source}.yaml`), committedFile = recoveryConfigPath(source)): RecoveryConfig {
  const doc = yaml.load(fs.readFileSync(sourceFile, "utf8")) as { config?: Config };
  const src: Config = { ...(doc.config ?? {}) };
  const sourceRegion = String(src["aws:region"]);
  const backup = objectAt(src, "entasis:backup");
  const region = typeof backup.drRegion === "string" ? backup.drRegion : undefined;
  if (region === undefined) throw new Error(`Pulumi.${source}.yaml sets no entasis:backup.drRegion: there are no copies to recover from`);
  const zones = RECOVERY_ZONES[region];
  if (!zones) throw new Error(`no zones for ${region} in RECOVERY_ZONES (tools/recovery/recoveryConfig.ts)`);
  // The recovery stack keeps copying, to a third region: its own DR region must not be the lost one.
  const nextDr = (DR_REGIONS[region] ?? []).find((r) => r !== sourceRegion);
  if (!nextDr) throw new Error(`no DR region for ${region} other than ${sourceRegion} in lib/awsLimits.ts DR_REGIONS`);
  const sourcePrefix = `entasis-${source}`;
  const stack = recoveryStackName(source);

  let config: Config = { ...src };
  // Not part of a multi-region failover pair (entasis:failover): the recovery stack stands alone,
  // with the source's service set (a multi-region source's mode without the standby: ha-scaled).
  delete config["entasis:failover"];
  if (config["entasis:mode"] === "multi-region") config["entasis:mode"] = "ha-scaled";
  config["aws:region"] = region;
  config["entasis:network"] = { ...objectAt(src, "entasis:network"), cidr: RECOVERY_CIDR, availabilityZones: [...zones] };
  // The DR-region bootstrap: a runner, connection and deploy role in the DR region (bootstrap/Pulumi.<source>-dr.yaml).
  config["entasis:deploy"] = { ...objectAt(src, "entasis:deploy"), bootstrapStack: `entasis/entasis-bootstrap/${source}-dr` };
  config["entasis:edge"] = { ...objectAt(src, "entasis:edge"), certificateArn: `arn:aws:acm:${region}:${PLACEHOLDER_ACCOUNT}:certificate/${PLACEHOLDER_KEY_ID}` };
  config["entasis:backup"] = { ...backup, drRegion: nextDr };

  const data = objectAt(src, "entasis:data");
  config["entasis:data"] = {
    ...data,
    postgres: {
      ...objectAt(data, "postgres"),
      restore: {
        sourceAutomatedBackupsArn: `arn:aws:rds:${region}:${PLACEHOLDER_ACCOUNT}:auto-backup:${PLACEHOLDER_AUTOMATED_BACKUPS_ID}`,
        kmsKeyArn: `arn:aws:kms:${region}:${PLACEHOLDER_ACCOUNT}:key/${PLACEHOLDER_KEY_ID}`,
      },
    },
  };
  config["entasis:timeseries"] = {
    ...objectAt(src, "entasis:timeseries"),
    restore: {
      bucket: bucketName(sourcePrefix, "timeseries-backups-dr", PLACEHOLDER_ACCOUNT, region),
      kmsKeyArn: `arn:aws:kms:${region}:${PLACEHOLDER_ACCOUNT}:key/${PLACEHOLDER_KEY_ID}`,
      serverName: "timeseries",
    },
  };

  config = keepRunbookValues(config, committedFile);

  const leftovers = Object.entries(config).filter(([, v]) => JSON.stringify(v).includes(sourceRegion));
  if (leftovers.length > 0) {
    throw new Error(`the recovery config still names ${sourceRegion} in ${leftovers.map(([k]) => k).join(", ")}: replace those values in tools/recovery/recoveryConfig.ts`);
  }

  const header = [
    `# GENERATED by \`npx ts-node --transpile-only tools/recovery/cli.ts ${source}\` from Pulumi.${source}.yaml: edit only the`,
    "# values of docs/disaster-recovery.md step 2 (pulumi config set), then regenerate: it keeps them (RUNBOOK_VALUES).",
    `# tests/recovery-stack.test.ts fails when this file and Pulumi.${source}.yaml drift apart.`,
    `# The ha-mode recovery stack \`${stack}\` in ${region} while ${sourceRegion} is down (docs/disaster-recovery.md).`,
    `# Used with \`pulumi --config-file docs/recovery/Pulumi.${stack}.yaml\`; nothing in it names ${sourceRegion}.`,
    "# PLACEHOLDERS (previews run with them, `pulumi up` refuses them): the replicated backups' ARN and key,",
    "# the time-series archive copy's account and key, the ACM certificate of the DR region.",
    "",
  ].join("\n");
  const text = header + yaml.dump({ config }, { lineWidth: 200, noRefs: true, sortKeys: false });
  return { stack, sourceRegion, region, config, text };
}
