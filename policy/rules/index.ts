import { aiRules } from "./ai";
import { backupRules } from "./backup";
import { collectorRules } from "./collectors";
import { meshRules } from "./mesh";
import { Rule } from "./common";
import { dataRules } from "./data";
import { detectionRules } from "./detection";
import { eksRules } from "./eks";
import { kubernetesRules } from "./kubernetes";
import { messagingRules } from "./messaging";
import { networkRules } from "./network";
import { processingRules } from "./processing";
import { s3CompanionRules } from "./s3Companions";
import { secretRules } from "./secrets";
import { securityRules } from "./security";
import { storageRules } from "./storage";
import { taggingRules } from "./tagging";
import { timeseriesRules } from "./timeseries";

export type { Rule, ResourceRule, StackRule, RuleMeta } from "./common";
export { controlLabel } from "./common";

/**
 * Every rule of the pack. This module never constructs a PolicyPack (that starts a gRPC server),
 * so tests import it freely; `policy/index.ts` serves it to the Pulumi CLI.
 */
export const RULES: readonly Rule[] = [...dataRules, ...messagingRules, ...storageRules, ...s3CompanionRules, ...networkRules, ...eksRules, ...kubernetesRules, ...timeseriesRules, ...processingRules, ...collectorRules, ...meshRules, ...aiRules, ...secretRules, ...securityRules, ...detectionRules, ...backupRules, ...taggingRules];

/** Rules dev runs as advisory, with the reason (policy/config/dev.json must match; a test checks). */
export const DEV_ADVISORY: ReadonlyMap<string, string> = new Map(RULES.flatMap((r) => (r.devAdvisory ? [[r.name, r.devAdvisory] as const] : [])));
