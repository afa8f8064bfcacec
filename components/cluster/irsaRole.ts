import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

/** The cluster's IAM OIDC provider: what an IRSA role's trust policy names. Args of components that make IRSA roles extend it. */
export interface OidcIssuer {
  /** ARN of the cluster's IAM OIDC provider. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** Issuer without `https://`, e.g. `oidc.eks.ap-northeast-2.amazonaws.com/id/ABC`; the prefix of the condition keys. */
  readonly issuerHostPath: pulumi.Input<string>;
}

export interface IrsaRoleArgs extends OidcIssuer {
  /** Prefix of AWS `Name` tags, e.g. `entasis-dev`. */
  readonly namePrefix: string;
  /** Kubernetes namespace of the service account. */
  readonly namespace: string;
  /** Kubernetes service account that may assume the role. */
  readonly serviceAccount: string;
  /** What the role is for; shown in IAM. */
  readonly description: string;
  /** AWS managed or customer policy ARNs, keyed by a stable name. Default none. */
  readonly managedPolicyArns?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Inline policies keyed by name. Default none. */
  readonly inlinePolicies?: Readonly<Record<string, pulumi.Input<aws.iam.PolicyDocument>>>;
  readonly tags: Tags;
}

/**
 * IAM role for a Kubernetes service account (IRSA): only the named service account, with a token
 * minted for STS, can assume it. Both `sub` and `aud` are pinned, as AWS recommends.
 * https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 */
export class IrsaRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;
  /** `system:serviceaccount:<ns>:<sa>`, the `sub` the trust policy requires. */
  public readonly subject: string;

  constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:cluster:IrsaRole", name, {}, opts);
    this.subject = `system:serviceaccount:${args.namespace}:${args.serviceAccount}`;
    const subject = this.subject;

    // Condition keys embed the issuer, so the document is built once the issuer is known.
    const assumeRolePolicy = pulumi.all([args.oidcProviderArn, args.issuerHostPath]).apply(([providerArn, issuer]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${issuer}:sub`]: subject, [`${issuer}:aud`]: "sts.amazonaws.com" } },
          },
        ],
      }),
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      { description: args.description, assumeRolePolicy, tags: named(args.tags, `${args.namePrefix}-${name}`) },
      { parent: this },
    );
    for (const [key, policyArn] of Object.entries(args.managedPolicyArns ?? {})) {
      new aws.iam.RolePolicyAttachment(`${name}-${key}`, { role: this.role.name, policyArn }, { parent: this });
    }
    for (const [key, doc] of Object.entries(args.inlinePolicies ?? {})) {
      new aws.iam.RolePolicy(`${name}-${key}`, { role: this.role.id, policy: pulumi.jsonStringify(doc) }, { parent: this });
    }
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn, subject: this.subject });
  }
}

/** What a service account's role takes from its area: how AWS names are made and tagged, and the cluster's issuer. */
export interface ServiceAccountRoleScope extends OidcIssuer {
  /** Prefix of AWS `Name` tags, e.g. `entasis-dev`. No default. */
  readonly namePrefix: string;
  /** Base tags of the role. No default. */
  readonly tags: Tags;
}

/** The one service account a role is for, and what it may do. */
export interface ServiceAccountRoleArgs {
  /** Kubernetes namespace of the service account. No default. */
  readonly namespace: string;
  /** Service account that may assume the role. No default. */
  readonly serviceAccount: string;
  /** What the role is for; shown in IAM. No default. */
  readonly description: string;
  /** Inline policies keyed by name. No default. */
  readonly inlinePolicies: NonNullable<IrsaRoleArgs["inlinePolicies"]>;
}

/**
 * The IRSA role of one service account, child of `parent` named `name`: the one call behind the
 * encrypted stores' roles (components/storage) and the workloads' roles (components/security/workloadIdentity.ts).
 */
export function serviceAccountRole(parent: pulumi.Resource, name: string, scope: ServiceAccountRoleScope, role: ServiceAccountRoleArgs): IrsaRole {
  return new IrsaRole(
    name,
    {
      namePrefix: scope.namePrefix,
      oidcProviderArn: scope.oidcProviderArn,
      issuerHostPath: scope.issuerHostPath,
      namespace: role.namespace,
      serviceAccount: role.serviceAccount,
      description: role.description,
      inlinePolicies: role.inlinePolicies,
      tags: scope.tags,
    },
    { parent },
  );
}
