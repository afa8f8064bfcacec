import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RoleSpec, contentHash, roleBootstrapSql } from "./roleSql";
import { ipBlockWithoutMetadata } from "../../lib/networkPolicy";

/**
 * psql client image from ECR Public's mirror of the Docker official image (no Docker Hub pull
 * limits, no Docker Hub dependency), pinned; its major matches the engine's (17).
 * https://gallery.ecr.aws/docker/library/postgres
 */
export const ROLE_BOOTSTRAP_IMAGE = "public.ecr.aws/docker/library/postgres:17.11-alpine";
/** uid/gid of `postgres` in the Alpine variant of the official image. */
const POSTGRES_UID = 70;

export interface DatabaseRolesArgs {
  readonly provider: k8s.Provider;
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
    /** Secret Output; it only ever lands in a Kubernetes Secret (envelope-encrypted by EKS with KMS). */
    readonly masterPassword: pulumi.Output<string>;
  };
  /** psql image. Default ROLE_BOOTSTRAP_IMAGE. */
  readonly image?: string;
  /** Node labels of the pool the Job runs on. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Database subnets' CIDRs: the only egress besides DNS. */
  readonly databaseCidrs: readonly string[];
  /** What a pod of the Job needs first: its pool's node group and CoreDNS (cluster.scheduledOn). */
  readonly scheduledOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Creates each consumer's PostgreSQL role with `rds_iam` and its grants before any workload
 * connects: a Kubernetes Job inside the VPC (the database is never public) that runs generated,
 * idempotent SQL with the master user over TLS to the primary. The RDS Proxy authenticates with
 * IAM end to end, so the master's password cannot go through it.
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

    this.namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns, "pod-security.kubernetes.io/enforce": "restricted" } } },
      k8sOpts,
    );
    const inNs = { ...k8sOpts, dependsOn: [this.namespace] };

    const tcp = (port: number): { protocol: string; port: number } => ({ protocol: "TCP", port });
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
            egress: [
              { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, tcp(53)] },
              { to: args.databaseCidrs.map((cidr) => ({ ipBlock: ipBlockWithoutMetadata(cidr) })), ports: [tcp(5432)] },
            ],
          },
        },
        inNs,
      ),
    ];

    const script = new k8s.core.v1.ConfigMap(`${name}-sql`, { metadata: { name: "db-roles-sql", namespace: ns, labels }, data: { "roles.sql": this.sql } }, inNs);
    const master = new k8s.core.v1.Secret(
      `${name}-master`,
      { metadata: { name: "postgres-master", namespace: ns, labels }, type: "Opaque", stringData: { password: pulumi.secret(args.database.masterPassword) } },
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
              automountServiceAccountToken: false,
              nodeSelector: { ...args.nodeSelector },
              securityContext: { runAsNonRoot: true, runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "psql",
                  image,
                  command: ["psql", "-v", "ON_ERROR_STOP=1", "--single-transaction", "--no-psqlrc", "-f", "/sql/roles.sql"],
                  env: [
                    { name: "PGHOST", value: args.database.host },
                    { name: "PGPORT", value: pulumi.output(args.database.port).apply(String) },
                    { name: "PGDATABASE", value: args.database.name },
                    { name: "PGUSER", value: args.database.masterUsername },
                    { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "postgres-master", key: "password" } } },
                    // TLS is forced server-side (rds.force_ssl). `require` encrypts without checking
                    // the server certificate: the image has no RDS CA bundle, and the traffic stays
                    // inside the VPC, pod to database subnet.
                    { name: "PGSSLMODE", value: "require" },
                    { name: "PGCONNECT_TIMEOUT", value: "10" },
                    { name: "PGAPPNAME", value: "entasis-db-roles" },
                  ],
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                  securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [
                    { name: "sql", mountPath: "/sql", readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
              ],
              volumes: [
                { name: "sql", configMap: { name: "db-roles-sql" } },
                { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
              ],
            },
          },
        },
      },
      { ...k8sOpts, dependsOn: [this.namespace, script, master, ...policies, ...args.scheduledOn] },
    );

    this.registerOutputs({ jobName: this.job.metadata.name });
  }
}
