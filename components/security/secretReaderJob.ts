import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ANYWHERE_BUT_METADATA, dnsEgress, ipBlockWithoutMetadata } from "../../lib/networkPolicy";
import { readSecretPolicy } from "../../lib/runtimeSecrets";
import { IrsaRole } from "../cluster/irsaRole";
import { WorkloadIdentityArgs, workloadRole } from "./workloadIdentity";

/**
 * What a bootstrap Job needs that signs in to a data service (PostgreSQL, RabbitMQ) with an
 * administrator credential it reads from Secrets Manager at run time through its own IRSA role
 * (lib/runtimeSecrets.ts), from a namespace of its own: DatabaseRoles and BrokerUserProvisioner.
 */
export interface SecretReaderJobArgs extends WorkloadIdentityArgs {
  /** KMS key of the administrator's secret (in `region`). No default. */
  readonly secretsKeyArn: pulumi.Input<string>;
  /** Database subnets' CIDRs, where the service's endpoint lives: the Job's only egress besides DNS and 443. No default. */
  readonly databaseCidrs: readonly string[];
  /** Node labels of the pool the Job runs on. No default. */
  readonly nodeSelector: Readonly<Record<string, string>>;
}

/** The Job's namespace, `${name}-ns`: Pod Security `restricted` enforced. */
export function jobNamespace(name: string, ns: string, opts: pulumi.CustomResourceOptions): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns, "pod-security.kubernetes.io/enforce": "restricted" } } }, opts);
}

/** The Job's egress: DNS, the service on `port` in the database subnets, and 443 (STS for IRSA, Secrets Manager, downloads), never instance metadata. */
export function jobEgress(databaseCidrs: readonly string[], port: number): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
  const tcp = (p: number): { protocol: string; port: number } => ({ protocol: "TCP", port: p });
  return [
    dnsEgress(),
    { to: databaseCidrs.map((cidr) => ({ ipBlock: ipBlockWithoutMetadata(cidr) })), ports: [tcp(port)] },
    { to: [{ ipBlock: ANYWHERE_BUT_METADATA }], ports: [tcp(443)] },
  ];
}

/** The Job's identity: an IRSA role (`${name}-irsa`) that may read only the administrator's secret, and its ServiceAccount (`${name}-service-account`). */
export function secretReaderIdentity(
  name: string,
  args: SecretReaderJobArgs,
  identity: {
    readonly namespace: string;
    readonly serviceAccountName: string;
    readonly labels: Readonly<Record<string, string>>;
    /** What the role is for, after the name prefix (IAM description). */
    readonly purpose: string;
    /** Name of the inline policy. */
    readonly policyName: string;
    readonly secretArn: pulumi.Input<string>;
  },
  parent: pulumi.Resource,
  inNs: pulumi.CustomResourceOptions,
): { readonly role: IrsaRole; readonly serviceAccount: k8s.core.v1.ServiceAccount } {
  const role = workloadRole(
    `${name}-irsa`,
    args,
    { namespace: identity.namespace, serviceAccount: identity.serviceAccountName, purpose: identity.purpose, inlinePolicies: { [identity.policyName]: readSecretPolicy(identity.secretArn, args.secretsKeyArn) } },
    parent,
  );
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    `${name}-service-account`,
    { metadata: { name: identity.serviceAccountName, namespace: identity.namespace, labels: identity.labels, annotations: { "eks.amazonaws.com/role-arn": role.arn } }, automountServiceAccountToken: false },
    inNs,
  );
  return { role, serviceAccount };
}
