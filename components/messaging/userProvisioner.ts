import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BrokerUser, MANAGEMENT_PORT } from "./broker";
import { RUNTIME_SECRET_FILE, RUNTIME_SECRET_VOLUMES, fetchSecretInitContainer } from "../../lib/runtimeSecrets";
import { SecretReaderJobArgs, jobEgress, jobNamespace, secretReaderIdentity } from "../security/secretReaderJob";
import { rotationAnnotation } from "../../lib/secretRotation";

/** curl on Alpine, runs as uid 100 (curl_user); pinned so a re-run does the same thing. */
export const PROVISIONER_IMAGE = "curlimages/curl:8.11.1";
const PROVISIONER_UID = 100;

/**
 * Idempotent: PUT on a vhost, user or permission creates it or sets it to the same value, so a
 * re-run (a new user, a replaced Job) changes nothing else. Retries cover a broker still starting.
 * https://www.rabbitmq.com/docs/http-api-reference
 */
export const PROVISION_SCRIPT = `#!/bin/sh
set -eu
api="$MANAGEMENT_URL/api"
# The administrator's credential, fetched from Secrets Manager by the init container into memory.
admin_user=$(sed -n 's/.*"username":"\\([^"]*\\)".*/\\1/p' ${RUNTIME_SECRET_FILE})
admin_password=$(sed -n 's/.*"password":"\\([^"]*\\)".*/\\1/p' ${RUNTIME_SECRET_FILE})
umask 077
printf 'machine %s login %s password %s\\n' "$MANAGEMENT_HOST" "$admin_user" "$admin_password" > /run/work/netrc
put() {
  curl --fail --silent --show-error --retry 10 --retry-all-errors --retry-delay 15 \\
    --netrc-file /run/work/netrc -X PUT -H 'content-type: application/json' "$api/$1" --data "$2"
}
while IFS='	' read -r user vhost configure write read; do
  [ -n "$user" ] || continue
  vh=$(printf '%s' "$vhost" | sed 's|/|%2F|g')
  put "vhosts/$vh" '{}'
  put "users/$user" "{\\"password\\":\\"$(cat "/secrets/$user")\\",\\"tags\\":\\"\\"}"
  put "permissions/$vh/$user" "{\\"configure\\":\\"$configure\\",\\"write\\":\\"$write\\",\\"read\\":\\"$read\\"}"
  echo "user $user on vhost $vhost: ok"
done < /config/users.tsv
`;

export interface BrokerUserProvisionerArgs extends SecretReaderJobArgs {
  /** Namespace the Job runs in (created here, Pod Security `restricted`). Default mq-provisioner. */
  readonly namespace?: string;
  /** `https://<broker host>`. */
  readonly managementUrl: pulumi.Input<string>;
  readonly managementHost: pulumi.Input<string>;
  /** Secrets Manager secret of the administrator (JSON with `username`, `password`; key: `secretsKeyArn`): the Job reads it at run time. */
  readonly adminSecretArn: pulumi.Input<string>;
  /** Users keyed by application, with their passwords (secret Outputs). */
  readonly users: Readonly<Record<string, BrokerUser>>;
  readonly passwords: Readonly<Record<string, pulumi.Input<string>>>;
  /** What the Job waits for: the broker, and the node pool it runs on (`cluster.scheduledOn`). */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
  /**
   * Rotation generation of the users' passwords (RabbitMqBrokerArgs.userPasswordGeneration): in
   * the pod template, so a rotation replaces the Job and the new one PUTs the new passwords.
   * Default none: no annotation.
   */
  readonly passwordGeneration?: number;
}

/**
 * Creates the per-application RabbitMQ users once the broker exists: Amazon MQ's API creates only
 * the administrator for RabbitMQ, the rest goes through the RabbitMQ management API on 443. A
 * Kubernetes Job on the cluster (inside the VPC, where the private broker is reachable) PUTs each
 * vhost, user and permission with the administrator's credential, read from Secrets Manager at
 * run time through the Job's own IRSA role (no Kubernetes Secret holds it; lib/runtimeSecrets.ts).
 * The applications' own passwords come from a Kubernetes Secret. The Job's spec carries a digest of the user
 * list, so adding a user replaces the Job and the new one runs.
 */
export class BrokerUserProvisioner extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: BrokerUserProvisionerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:messaging:BrokerUserProvisioner", name, {}, opts);
    const ns = args.namespace ?? "mq-provisioner";
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = { app: "mq-provisioner" };

    this.namespace = jobNamespace(name, ns, k8sOpts);
    const inNs = { ...k8sOpts, dependsOn: [this.namespace] };

    const apps = Object.keys(args.users).sort();
    const tsv = apps.map((app) => {
      const u = args.users[app];
      return [u.username, u.vhost, u.permissions.configure, u.permissions.write, u.permissions.read].join("\t");
    });
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: "mq-provisioner", namespace: ns, labels }, data: { "users.tsv": `${tsv.join("\n")}\n`, "provision.sh": PROVISION_SCRIPT } },
      inNs,
    );

    const secretData: Record<string, pulumi.Input<string>> = {};
    for (const app of apps) secretData[args.users[app].username] = args.passwords[app];
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      { metadata: { name: "mq-provisioner", namespace: ns, labels }, type: "Opaque", stringData: pulumi.secret(pulumi.output(secretData)) },
      inNs,
    );

    // Nothing in or out by default (the namespace-wide rule every namespace has)...
    new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, { metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } }, inNs);
    // ...then only DNS and the broker's management API; nothing reaches the Job.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-netpol`,
      {
        metadata: { name: "mq-provisioner", namespace: ns },
        spec: {
          podSelector: {},
          policyTypes: ["Ingress", "Egress"],
          // The management API; 443 for STS (IRSA) and Secrets Manager.
          egress: jobEgress(args.databaseCidrs, MANAGEMENT_PORT),
        },
      },
      inNs,
    );

    const serviceAccountName = "mq-provisioner";
    const { role, serviceAccount } = secretReaderIdentity(
      name,
      args,
      { namespace: ns, serviceAccountName, labels, purpose: "RabbitMQ user provisioner Job: reads the administrator credential (IRSA)", policyName: "read-admin-secret", secretArn: args.adminSecretArn },
      this,
      inNs,
    );

    const usersDigest = tsv.join("\n");
    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      {
        metadata: { generateName: "mq-provisioner-", namespace: ns, labels },
        spec: {
          backoffLimit: 4,
          activeDeadlineSeconds: 1800,
          template: {
            metadata: { labels, annotations: { "entasis.io/users": usersDigest.replace(/\t/g, " ").replace(/\n/g, "; "), ...rotationAnnotation(args.passwordGeneration) } },
            spec: {
              restartPolicy: "Never",
              // IRSA's token comes from the pod identity webhook's own projected volume, not the API token.
              serviceAccountName,
              automountServiceAccountToken: false,
              nodeSelector: { ...args.nodeSelector },
              securityContext: { runAsNonRoot: true, runAsUser: PROVISIONER_UID, runAsGroup: PROVISIONER_UID, fsGroup: PROVISIONER_UID, seccompProfile: { type: "RuntimeDefault" } },
              initContainers: [fetchSecretInitContainer(args.adminSecretArn, args.region, PROVISIONER_UID)],
              containers: [
                {
                  name: "provision",
                  image: PROVISIONER_IMAGE,
                  command: ["/bin/sh", "/config/provision.sh"],
                  env: [
                    { name: "MANAGEMENT_URL", value: args.managementUrl },
                    { name: "MANAGEMENT_HOST", value: args.managementHost },
                  ],
                  resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                  securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [
                    { name: "config", mountPath: "/config", readOnly: true },
                    { name: "secrets", mountPath: "/secrets", readOnly: true },
                    { name: "runtime-secret", mountPath: "/run/secret", readOnly: true },
                    { name: "work", mountPath: "/run/work" },
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: "mq-provisioner" } },
                { name: "secrets", secret: { secretName: "mq-provisioner", defaultMode: 0o440 } },
                { name: "work", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                ...RUNTIME_SECRET_VOLUMES,
              ],
            },
          },
        },
      },
      // The broker takes ~20 minutes in cluster mode; the Job itself finishes in seconds once it answers.
      { ...inNs, dependsOn: [this.namespace, config, secret, serviceAccount, role, ...args.dependsOn], customTimeouts: { create: "30m", update: "30m" } },
    );

    this.registerOutputs({ namespace: this.namespace.metadata.name, job: this.job.metadata.name });
  }
}
