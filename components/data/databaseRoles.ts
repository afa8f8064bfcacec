import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RoleSpec, contentHash, roleBootstrapSql } from "./roleSql";
import { RDS_CA_VOLUME, RUNTIME_SECRET_FILE, RUNTIME_SECRET_VOLUMES, fetchSecretInitContainer, rdsCaInitContainer } from "../../lib/runtimeSecrets";
import { SecretReaderJobArgs, jobEgress, jobNamespace, secretReaderIdentity } from "../security/secretReaderJob";

/**
 * psql client image from ECR Public's mirror of the Docker official image (no Docker Hub pull
 * limits, no Docker Hub dependency), pinned; its major matches the engine's (17).
 * https://gallery.ecr.aws/docker/library/postgres
 */
export const ROLE_BOOTSTRAP_IMAGE = "public.ecr.aws/docker/library/postgres:17.11-alpine";
/** uid/gid of `postgres` in the Alpine variant of the official image. */
const POSTGRES_UID = 70;

export interface DatabaseRolesArgs extends SecretReaderJobArgs {
  /** Namespace the Job runs in (Pod Security restricted). Default db-bootstrap. */
  readonly namespace?: string;
  /** Consumers keyed by application name (entasis:data.postgres.consumers). */
  readonly consumers: Readonly<Record<string, RoleSpec>>;
  /** The primary: roles are written there (replicas receive them by replication). */
  readonly database: {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly name: string;
    readonly masterUsername: string;
    /** Secrets Manager secret of the master credential (JSON with `password`; key: `secretsKeyArn`): the Job reads it at run time. */
    readonly masterSecretArn: pulumi.Input<string>;
    /**
     * The secret's version holding the password. Its value names the primary's host, so it is
     * written when the primary exists, as the Job is created: the Job waits for it rather than
     * racing it (GetSecretValue fails until a version exists). Default none.
     */
    readonly masterSecretVersion?: pulumi.Resource;
  };
  /** psql image. Default ROLE_BOOTSTRAP_IMAGE. */
  readonly image?: string;
  /** What a pod of the Job needs first: its pool's node group and CoreDNS (cluster.scheduledOn). */
  readonly scheduledOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Creates each consumer's PostgreSQL role with `rds_iam` and its grants before any workload
 * connects: a Kubernetes Job inside the VPC (the database is never public) that runs generated,
 * idempotent SQL with the master user over TLS to the primary. The RDS Proxy authenticates with
 * IAM end to end, so the master's password cannot go through it. The Job reads the password from
 * Secrets Manager at run time through its own IRSA role (lib/runtimeSecrets.ts): no Kubernetes
 * Secret holds it. It verifies the server (`verify-full`) against RDS's CA bundle.
 *
 * Jobs are immutable: the Job's name carries a hash of its SQL and image, so a change replaces it
 * and the new Job runs; pulumi-kubernetes waits for a Job to complete, so whatever depends on
 * `job` starts only once the roles exist.
 */
export class DatabaseRoles extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly job: k8s.batch.v1.Job;
  /** The SQL the Job runs (generated text). */
  public readonly sql: string;

  constructor(name: string, args: DatabaseRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:data:DatabaseRoles", name, {}, opts);
    const ns = args.namespace ?? "db-bootstrap";
    const image = args.image ?? ROLE_BOOTSTRAP_IMAGE;
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = { app: "db-roles" } as const;
    this.sql = roleBootstrapSql(args.database.name, args.consumers);
    const suffix = contentHash(this.sql, image);

    this.namespace = jobNamespace(name, ns, k8sOpts);
    const inNs = { ...k8sOpts, dependsOn: [this.namespace] };

    const policies = [
      // Nothing reaches the Job's pods, and they reach nothing but what the next policy allows.
      new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, { metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } }, inNs),
      new k8s.networking.v1.NetworkPolicy(
        `${name}-egress`,
        {
          metadata: { name: "db-roles-egress", namespace: ns },
          spec: {
            podSelector: { matchLabels: { ...labels } },
            policyTypes: ["Egress"],
            // PostgreSQL; 443 for STS (IRSA), Secrets Manager, and RDS's CA bundle download.
            egress: jobEgress(args.databaseCidrs, 5432),
          },
        },
        inNs,
      ),
    ];

    const script = new k8s.core.v1.ConfigMap(`${name}-sql`, { metadata: { name: "db-roles-sql", namespace: ns, labels }, data: { "roles.sql": this.sql } }, inNs);
    const serviceAccountName = "db-roles";
    const { role, serviceAccount } = secretReaderIdentity(
      name,
      args,
      { namespace: ns, serviceAccountName, labels, purpose: "database role bootstrap Job: reads the master credential (IRSA)", policyName: "read-master-secret", secretArn: args.database.masterSecretArn },
      this,
      inNs,
    );

    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      {
        metadata: { name: `db-roles-${suffix}`, namespace: ns, labels },
        spec: {
          backoffLimit: 6,
          // The primary is available before the Job starts (it depends on the host); this bounds retries.
          activeDeadlineSeconds: 900,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: "Never",
              // IRSA's token comes from the pod identity webhook's own projected volume, not the API token.
              serviceAccountName,
              automountServiceAccountToken: false,
              nodeSelector: { ...args.nodeSelector },
              securityContext: { runAsNonRoot: true, runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID, seccompProfile: { type: "RuntimeDefault" } },
              initContainers: [fetchSecretInitContainer(args.database.masterSecretArn, args.region, POSTGRES_UID), rdsCaInitContainer("/tls")],
              containers: [
                {
                  name: "psql",
                  image,
                  // The password leaves the memory-backed file only for psql's environment.
                  command: [
                    "/bin/sh",
                    "-c",
                    `PGPASSWORD="$(sed -n 's/.*"password":"\\([^"]*\\)".*/\\1/p' ${RUNTIME_SECRET_FILE})" && export PGPASSWORD && exec psql -v ON_ERROR_STOP=1 --single-transaction --no-psqlrc -f /sql/roles.sql`,
                  ],
                  env: [
                    { name: "PGHOST", value: args.database.host },
                    { name: "PGPORT", value: pulumi.output(args.database.port).apply(String) },
                    { name: "PGDATABASE", value: args.database.name },
                    { name: "PGUSER", value: args.database.masterUsername },
                    // TLS is forced server-side (rds.force_ssl); the client checks the server's
                    // certificate chain and host name against RDS's CA bundle.
                    // https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION
                    { name: "PGSSLMODE", value: "verify-full" },
                    { name: "PGSSLROOTCERT", value: "/tls/rds-ca.pem" },
                    { name: "PGCONNECT_TIMEOUT", value: "10" },
                    { name: "PGAPPNAME", value: "entasis-db-roles" },
                  ],
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                  securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [
                    { name: "sql", mountPath: "/sql", readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                    { name: RDS_CA_VOLUME.name, mountPath: "/tls", readOnly: true },
                    { name: "runtime-secret", mountPath: "/run/secret", readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: "sql", configMap: { name: "db-roles-sql" } },
                { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
                RDS_CA_VOLUME,
                ...RUNTIME_SECRET_VOLUMES,
              ],
            },
          },
        },
      },
      { ...k8sOpts, dependsOn: [this.namespace, script, serviceAccount, role, ...policies, ...(args.database.masterSecretVersion ? [args.database.masterSecretVersion] : []), ...args.scheduledOn] },
    );

    this.registerOutputs({ jobName: this.job.metadata.name });
  }
}
