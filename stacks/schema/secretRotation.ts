import { z } from "zod";
import type { RedisAuthRotation } from "../../components/data/redis";
import { ConfigProblem } from "./problems";

/** The secrets the platform generates and can rotate, by their `secrets.<name>` key (docs/secret-rotation.md). */
export const ROTATABLE_SECRETS = ["postgresMaster", "redisAuth", "brokerUsers", "timeseriesConsumers", "grafanaAdmin", "filebeat"] as const;
export type RotatableSecret = (typeof ROTATABLE_SECRETS)[number];

const generation = z.number().int().min(1).max(1_000_000);

/**
 * `entasis:secretRotation` (optional): rotation generations of the generated secrets. A secret's
 * generation is `generation + secrets.<name>` (each counted as 0 when unset); it is rotated by the
 * next `pulumi up` whenever that number changes, and never while neither is set (no keepers are
 * passed at all, so a stack without this key sees no diff). Only ever raise the numbers: removing
 * the key or lowering a number changes the generation too, which rotates again.
 * The broker's administrator is not here: Amazon MQ cannot change a RabbitMQ user's password
 * after the broker exists (docs/secret-rotation.md).
 */
export const secretRotationSchema = z
  .strictObject({
    /** Generation of every generated secret; raise it by one to rotate them all. Default none. */
    generation: generation.optional(),
    /** Extra generation per secret, added to `generation`: raise one to rotate that secret alone. Default none. */
    secrets: z
      .strictObject({
        /** RDS master password (Secrets Manager `<prefix>/postgres/master`). */
        postgresMaster: generation.optional(),
        /** ElastiCache AUTH token (`<prefix>/redis/auth`): ROTATE, then `redisRevokePrevious`. */
        redisAuth: generation.optional(),
        /** Every application's RabbitMQ user (`<prefix>/rabbitmq/<app>`); the provisioner Job runs again. */
        brokerUsers: generation.optional(),
        /** TimescaleDB consumer roles (CNPG managed roles, `<prefix>/timeseries/<consumer>`). */
        timeseriesConsumers: generation.optional(),
        /** Grafana's admin (Kubernetes Secret `grafana-admin`); Grafana restarts. */
        grafanaAdmin: generation.optional(),
        /** Filebeat's two Elasticsearch file-realm users (writer and setup). */
        filebeat: generation.optional(),
      } satisfies Record<RotatableSecret, z.ZodOptional<typeof generation>>)
      .optional(),
    /**
     * The Redis token generation whose predecessor is now revoked: ElastiCache's SET strategy,
     * which leaves only the current token valid. Must equal the Redis token's current generation
     * (set it after the applications restarted on the new token). Default none: ROTATE, old and
     * new token both valid.
     */
    redisRevokePrevious: generation.optional(),
  })
  .optional();
export type SecretRotationConfig = z.infer<typeof secretRotationSchema>;

/** Generation of each generated secret; a secret without one is never rotated (no keepers). */
export type SecretGenerations = { readonly [K in RotatableSecret]?: number };

/** What the composition passes on: each secret's generation, and the Redis token's update. */
export interface SecretRotationPlan {
  readonly generations: SecretGenerations;
  /** Absent without a Redis generation: no `authTokenUpdateStrategy` input at all. */
  readonly redis?: RedisAuthRotation;
}

/** `generation + secrets.<name>`, or undefined when neither is set. */
export function generationOf(config: SecretRotationConfig, secret: RotatableSecret): number | undefined {
  const all = config?.generation;
  const own = config?.secrets?.[secret];
  return all === undefined && own === undefined ? undefined : (all ?? 0) + (own ?? 0);
}

/** The plan of a validated config (pure). */
export function secretRotationPlan(config: SecretRotationConfig): SecretRotationPlan {
  const generations: Partial<Record<RotatableSecret, number>> = {};
  for (const s of ROTATABLE_SECRETS) {
    const g = generationOf(config, s);
    if (g !== undefined) generations[s] = g;
  }
  const redis = generations.redisAuth;
  return {
    generations,
    ...(redis !== undefined ? { redis: { generation: redis, strategy: config?.redisRevokePrevious === redis ? "SET" : "ROTATE" } satisfies RedisAuthRotation } : {}),
  };
}

/**
 * Cross-field checks. `redisRevokePrevious` must name the Redis token's current generation: left
 * over from an earlier rotation, it would SET a brand-new token at once and every client holding
 * the old one would be refused (no window with both tokens valid).
 */
export function validateSecretRotation(config: SecretRotationConfig, areaKey = "entasis:secretRotation"): ConfigProblem[] {
  const revoke = config?.redisRevokePrevious;
  if (revoke === undefined) return [];
  const redis = generationOf(config, "redisAuth");
  if (redis === undefined) {
    return [{ key: `${areaKey}.redisRevokePrevious`, value: revoke, problem: "is set, but the Redis token has no rotation generation (neither generation nor secrets.redisAuth is set): there is no previous token to revoke", fix: `remove ${areaKey}.redisRevokePrevious` }];
  }
  if (revoke !== redis) {
    return [
      {
        key: `${areaKey}.redisRevokePrevious`,
        value: revoke,
        problem: `is not the Redis token's current generation ${redis}: it would SET the ${revoke < redis ? "new" : "current"} token as the only one at once, and every client still using the other would be refused`,
        fix: revoke < redis
          ? `remove it for this rotation (pulumi up rotates with ROTATE, both tokens valid), restart the Redis clients, then set it to ${redis}`
          : `set it to ${redis}, the generation the clients already use, or remove it`,
      },
    ];
  }
  return [];
}
