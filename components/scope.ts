import * as pulumi from "@pulumi/pulumi";

/**
 * Where a component's AWS resources live and how they are named: what most components' and
 * areas' Args start with. One declaration, extended by each Args that takes these fields.
 */
export interface AwsScope {
  /** Prefix of AWS `Name` tags and IAM names, e.g. `entasis-dev`. */
  readonly namePrefix: string;
  /** Region of the resources, e.g. `ap-northeast-2`. */
  readonly region: string;
  /** Account ID, for ARNs in IAM and key policies. */
  readonly accountId: pulumi.Input<string>;
  /** ARN partition, e.g. `aws`. */
  readonly partition: pulumi.Input<string>;
}

/** An AwsScope whose customer keys name a break-glass role (lib/breakGlass.ts). */
export interface GuardedAwsScope extends AwsScope {
  /** Break-glass role ARN: only it may delete or disable the keys. Default none (no such deny; dev). */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
}
