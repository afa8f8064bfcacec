import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole, IrsaRoleArgs, OidcIssuer, serviceAccountRole } from "../cluster/irsaRole";
import { Tags } from "../tags";

/**
 * What every component needs that runs pods on the cluster with IAM roles of their own (IRSA):
 * the cluster's provider and OIDC identity, and how its AWS resources are named and tagged.
 * KServe, Argo Workflows, the collectors and the secret-reading bootstrap Jobs extend it.
 * https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
 */
export interface WorkloadIdentityArgs extends OidcIssuer {
  /** Prefix of AWS `Name` tags and IAM descriptions, e.g. `entasis-dev`. No default. */
  readonly namePrefix: string;
  /** Region of the AWS resources the pods call (S3, Secrets Manager, SSM endpoints). No default. */
  readonly region: string;
  /** The cluster's Kubernetes provider. No default. */
  readonly provider: k8s.Provider;
  /** Base tags of AWS resources. No default. */
  readonly tags: Tags;
}

/** The identity part of a component's arguments, handed down to the child components that create roles. */
export function workloadIdentity(args: WorkloadIdentityArgs): WorkloadIdentityArgs {
  return { namePrefix: args.namePrefix, region: args.region, provider: args.provider, oidcProviderArn: args.oidcProviderArn, issuerHostPath: args.issuerHostPath, tags: args.tags };
}

/** The IRSA role of one service account of a workload: only that account may assume it; `purpose` follows the name prefix in its description. */
export function workloadRole(
  name: string,
  identity: WorkloadIdentityArgs,
  role: { readonly namespace: string; readonly serviceAccount: string; readonly purpose: string; readonly inlinePolicies: NonNullable<IrsaRoleArgs["inlinePolicies"]> },
  parent: pulumi.Resource,
): IrsaRole {
  return serviceAccountRole(parent, name, identity, {
    namespace: role.namespace,
    serviceAccount: role.serviceAccount,
    description: `${identity.namePrefix} ${role.purpose}`,
    inlinePolicies: role.inlinePolicies,
  });
}
