import { z } from "zod";
import { SSM_MAX_LEVELS, SSM_PARAMETER_PATH_RE, SSM_STANDARD_VALUE_MAX_BYTES } from "../../lib/awsLimits";
import { ConfigProblem } from "./problems";

/** Keys the platform writes itself from its own outputs; config may not set them. */
export const PLATFORM_CONFIG_KEYS = ["database/url", "redis/enabled", "rabbitmq/url"] as const;
/** Levels above an application's keys: /entasis/<env>/config/<app>/. */
const PREFIX_LEVELS = 4;
const APP_KEY_RE = /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/;
const REL_KEY_RE = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

export const configStoreSchema = z.strictObject({
  /** Write the configuration parameters. Default on. */
  enabled: z.boolean(),
  /** Per application (its `/config/` root), values by the spec's etcd key without `/config/`. Default trading-api with circuit_breakers/rabbitmq/timeout "30". */
  apps: z.record(
    z.string(),
    z.strictObject({
      /** Plain values (String parameters); secrets belong in Secrets Manager. Default none. */
      values: z.record(z.string(), z.string()),
    }),
  ),
});
export type ConfigStoreConfig = z.infer<typeof configStoreSchema>;

/** Parameter Store's naming and size limits, and the keys the platform owns. */
export function validateConfigStore(store: ConfigStoreConfig, areaKey: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [app, { values }] of Object.entries(store.apps)) {
    if (!APP_KEY_RE.test(app)) problems.push({ key: `${areaKey}.apps.${app}`, value: app, problem: "is not an application key", fix: "use a lowercase DNS label, e.g. trading-api" });
    for (const [key, value] of Object.entries(values)) {
      const at = `${areaKey}.apps.${app}.values.${key}`;
      if (!REL_KEY_RE.test(key) || !SSM_PARAMETER_PATH_RE.test(key)) {
        problems.push({ key: at, value, problem: "has a key Parameter Store does not accept", fix: "use letters, digits, '.', '-', '_' and '/' between levels, no leading or trailing '/', e.g. circuit_breakers/rabbitmq/timeout" });
        continue;
      }
      const levels = PREFIX_LEVELS + key.split("/").length;
      if (levels > SSM_MAX_LEVELS) {
        problems.push({ key: at, value, problem: `is ${levels} levels deep under /entasis/<env>/config/<app>, over Parameter Store's ${SSM_MAX_LEVELS}`, fix: `use at most ${SSM_MAX_LEVELS - PREFIX_LEVELS} levels` });
      }
      if ((PLATFORM_CONFIG_KEYS as readonly string[]).includes(key)) {
        problems.push({ key: at, value, problem: "is written by the platform from its own outputs", fix: "remove it (the platform keeps it current)" });
      }
      if (value.length === 0 || Buffer.byteLength(value, "utf8") > SSM_STANDARD_VALUE_MAX_BYTES) {
        problems.push({ key: at, value, problem: `is outside a standard parameter's 1..${SSM_STANDARD_VALUE_MAX_BYTES} bytes`, fix: "shorten it, or keep large documents in S3 and store their location here" });
      }
    }
  }
  return problems;
}
