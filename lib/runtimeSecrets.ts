import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Jobs that need an administrator credential read it from Secrets Manager at run time, through
 * their own IRSA role, into a memory-backed emptyDir that dies with the pod: no Kubernetes Secret
 * holds it (and Velero's daily copies of every namespace never see it).
 */

/** The official AWS CLI v2 image on ECR Public, pinned. https://docs.aws.amazon.com/cli/latest/userguide/getting-started-docker.html */
export const AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.22.0";
/** curl on Alpine (uid 100), pinned. */
export const CURL_IMAGE = "curlimages/curl:8.11.1";
/**
 * RDS's CA bundle for every region. Not vendored (the repository builds offline): an init
 * container fetches it at run time over HTTPS, the download itself verified by the image's system
 * CAs, and PostgreSQL clients then verify the server with `sslmode=verify-full` against it.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html#UsingWithRDS.SSL.CertificatesAllRegions
 */
export const RDS_CA_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";

/** Where the fetched credential lands (memory-backed emptyDir `runtime-secret`). */
export const RUNTIME_SECRET_DIR = "/run/secret";
export const RUNTIME_SECRET_FILE = `${RUNTIME_SECRET_DIR}/secret.json`;
export const RUNTIME_SECRET_VOLUME: k8s.types.input.core.v1.Volume = { name: "runtime-secret", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } };
const CLI_HOME: k8s.types.input.core.v1.Volume = { name: "cli-home", emptyDir: { sizeLimit: "16Mi" } };

const RESTRICTED = { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };

/** Init container writing the secret's SecretString to RUNTIME_SECRET_FILE (mode 0400), as `uid`. */
export function fetchSecretInitContainer(secretArn: pulumi.Input<string>, region: string, uid: number): k8s.types.input.core.v1.Container {
  return {
    name: "fetch-secret",
    image: AWS_CLI_IMAGE,
    command: ["/bin/sh", "-c", `umask 077 && aws secretsmanager get-secret-value --region "$REGION" --secret-id "$SECRET_ARN" --query SecretString --output text > ${RUNTIME_SECRET_FILE}`],
    env: [
      { name: "SECRET_ARN", value: secretArn },
      { name: "REGION", value: region },
      { name: "HOME", value: "/home/cli" },
    ],
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    securityContext: { ...RESTRICTED, runAsUser: uid, runAsGroup: uid },
    volumeMounts: [
      { name: RUNTIME_SECRET_VOLUME.name, mountPath: RUNTIME_SECRET_DIR },
      { name: CLI_HOME.name, mountPath: "/home/cli" },
    ],
  };
}

/** Init container downloading RDS's CA bundle into `${dir}/rds-ca.pem` (volume `rds-ca`). */
export function rdsCaInitContainer(dir: string): k8s.types.input.core.v1.Container {
  return {
    name: "rds-ca",
    image: CURL_IMAGE,
    command: ["curl", "--fail", "--silent", "--show-error", "--retry", "5", "--proto", "=https", "-o", `${dir}/rds-ca.pem`, RDS_CA_BUNDLE_URL],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
    securityContext: { ...RESTRICTED, runAsUser: 100, runAsGroup: 100 },
    volumeMounts: [{ name: "rds-ca", mountPath: dir }],
  };
}

/** The volumes the init containers above use. */
export const RUNTIME_SECRET_VOLUMES: k8s.types.input.core.v1.Volume[] = [RUNTIME_SECRET_VOLUME, CLI_HOME];
export const RDS_CA_VOLUME: k8s.types.input.core.v1.Volume = { name: "rds-ca", emptyDir: { sizeLimit: "4Mi" } };

/** Read one secret, decrypting through Secrets Manager only. */
export function readSecretPolicy(secretArn: pulumi.Input<string>, keyArn: pulumi.Input<string>): pulumi.Output<aws.iam.PolicyDocument> {
  return pulumi.all([secretArn, keyArn]).apply(([secret, key]): aws.iam.PolicyDocument => ({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadOneSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secret },
      { Sid: "DecryptThroughSecretsManager", Effect: "Allow", Action: ["kms:Decrypt"], Resource: key, Condition: { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } } },
    ],
  }));
}
