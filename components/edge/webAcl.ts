import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

/** An AWS managed rule group the platform's web ACL evaluates, in order. */
export interface ManagedRuleGroup {
  /** AWS's name of the group. */
  readonly name: string;
  /** Rules of the group counted instead of blocking, with why. */
  readonly countOnly?: Readonly<Record<string, string>>;
}

/**
 * The baseline every internet-facing API of the platform gets: AWS's core rule set (OWASP-style
 * injection and malformed requests), known bad inputs (Log4Shell, exploit paths) and Amazon's IP
 * reputation list. https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html
 */
export const MANAGED_RULE_GROUPS: readonly ManagedRuleGroup[] = [
  { name: "AWSManagedRulesAmazonIpReputationList" },
  { name: "AWSManagedRulesKnownBadInputsRuleSet" },
  {
    name: "AWSManagedRulesCommonRuleSet",
    // Exchange and trading clients (bots, SDKs) often send no User-Agent: counted, not blocked.
    countOnly: { NoUserAgent_HEADER: "API clients and SDKs often send no User-Agent" },
  },
];

export interface EdgeWebAclArgs {
  readonly namePrefix: string;
  /** Rule groups in evaluation order. Default MANAGED_RULE_GROUPS. */
  readonly ruleGroups?: readonly ManagedRuleGroup[];
  readonly tags: Tags;
}

/**
 * The platform's regional web ACL for the ALB: allow by default, AWS managed rule groups in front.
 * Each group is its own WebAclRuleGroupAssociation (the provider's advice over inline `rules`, whose
 * diffs are unreliable), so the ACL ignores changes to `rules` it does not manage itself.
 * https://www.pulumi.com/registry/packages/aws/api-docs/wafv2/webaclrulegroupassociation/
 */
export class EdgeWebAcl extends pulumi.ComponentResource {
  public readonly acl: aws.wafv2.WebAcl;

  constructor(name: string, args: EdgeWebAclArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:edge:EdgeWebAcl", name, {}, opts);
    const p = args.namePrefix;
    this.acl = new aws.wafv2.WebAcl(
      `${name}`,
      {
        name: `${p}-alb`,
        description: `${p} ALB: AWS managed rule groups`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: `${p}-alb`, sampledRequestsEnabled: true },
        tags: named(args.tags, `${p}-alb-waf`),
      },
      { parent: this, ignoreChanges: ["rules"] },
    );
    // Each association rewrites the whole web ACL (GetWebACL, then UpdateWebACL with its lock
    // token): two at once fail with WAFOptimisticLockException, so they go one after the other.
    // https://github.com/hashicorp/terraform-provider-aws/issues/45787
    // https://docs.aws.amazon.com/waf/latest/APIReference/API_UpdateWebACL.html
    let previous: pulumi.Resource | undefined;
    (args.ruleGroups ?? MANAGED_RULE_GROUPS).forEach((group) => {
      previous = new aws.wafv2.WebAclRuleGroupAssociation(
        `${name}-${group.name}`,
        {
          webAclArn: this.acl.arn,
          ruleName: group.name,
          // Priorities by the group's place in the list (10, 20, ...): room to insert one between.
          priority: 10 * (1 + (args.ruleGroups ?? MANAGED_RULE_GROUPS).indexOf(group)),
          overrideAction: "none",
          managedRuleGroup: {
            name: group.name,
            vendorName: "AWS",
            ruleActionOverrides: Object.keys(group.countOnly ?? {}).map((rule) => ({ name: rule, actionToUse: { count: {} } })),
          },
          visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: `${p}-${group.name}`, sampledRequestsEnabled: true },
        },
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
    });
    this.registerOutputs({ aclArn: this.acl.arn });
  }
}
