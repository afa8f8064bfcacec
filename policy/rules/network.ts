import * as aws from "@pulumi/aws";
import { PolicyResource, ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { ResourceRule, StackRule, WORLD_V4, WORLD_V6, isSet, isWorld, resourceRule, stackRule, typeRule } from "./common";
import { C } from "./controls";

/** The only ports the internet may reach, and only on the load balancer. */
export const WEB_PORTS: readonly number[] = [80, 443];

function checkWorldIngress(
  report: ReportViolation,
  what: string,
  cidrs: readonly (string | undefined)[],
  protocol: string | undefined,
  fromPort: number | undefined,
  toPort: number | undefined,
): void {
  const world = cidrs.filter(isWorld);
  if (world.length === 0) return;
  const web = protocol === "tcp" || protocol === "6";
  if (!web || fromPort === undefined || fromPort !== toPort || !WEB_PORTS.includes(fromPort)) {
    report(`${what} opens ${protocol ?? "?"} ${fromPort ?? "all"}-${toPort ?? "all"} to ${world.join(", ")}; only tcp 80 or 443 may be open to the internet.`);
  }
}

const sgIngressWebOnly = resourceRule({
  name: "sg-world-ingress-web-ports-only",
  control: C.EC2_18,
  severity: "critical",
  description: `Ingress from ${WORLD_V4} or ${WORLD_V6} is allowed only for tcp 80 and 443, one port per rule; every other ingress names a security group or a private range.`,
  validateResource: [
    validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (r, _args, report) => {
      checkWorldIngress(report, "ingress rule", [r.cidrIpv4, r.cidrIpv6], r.ipProtocol, r.fromPort, r.toPort);
    }),
    validateResourceOfType(aws.ec2.SecurityGroupRule, (r, _args, report) => {
      if (r.type !== "ingress") return;
      checkWorldIngress(report, "ingress rule", [...(r.cidrBlocks ?? []), ...(r.ipv6CidrBlocks ?? [])], r.protocol, r.fromPort, r.toPort);
    }),
    validateResourceOfType(aws.ec2.SecurityGroup, (sg, _args, report) => {
      for (const r of sg.ingress ?? []) checkWorldIngress(report, "inline ingress", [...(r.cidrBlocks ?? []), ...(r.ipv6CidrBlocks ?? [])], r.protocol, r.fromPort, r.toPort);
    }),
  ],
});

/** Resources that merely describe a group's rules; they do not put the group on anything. */
const RULE_TYPES = new Set(["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"]);

function isApplicationLoadBalancer(r: PolicyResource): boolean {
  const lb = r.asType(aws.lb.LoadBalancer) ?? r.asType(aws.alb.LoadBalancer);
  return lb !== undefined && (lb.loadBalancerType === undefined || lb.loadBalancerType === "application");
}

function worldIngressOf(r: PolicyResource): boolean {
  const v = r.asType(aws.vpc.SecurityGroupIngressRule);
  if (v) return isWorld(v.cidrIpv4) || isWorld(v.cidrIpv6);
  const l = r.asType(aws.ec2.SecurityGroupRule);
  if (l) return l.type === "ingress" && [...(l.cidrBlocks ?? []), ...(l.ipv6CidrBlocks ?? [])].some(isWorld);
  return false;
}

const sgWorldIngressAlbOnly = stackRule({
  name: "sg-world-ingress-alb-only",
  control: C.EC2_18,
  severity: "critical",
  description:
    "A security group with ingress from the internet is attached to nothing but application load balancers (a group attached to nothing exposes nothing). Attachment is read from dependencies: any resource other than a rule or an ALB that takes the group as an input attaches it.",
  validateStack: (args, report) => {
    const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
    const open = new Set<string>();
    for (const r of args.resources) {
      if (!worldIngressOf(r)) continue;
      for (const dep of r.propertyDependencies["securityGroupId"] ?? []) open.add(dep.urn);
    }
    for (const r of args.resources) {
      if (RULE_TYPES.has(r.type) || isApplicationLoadBalancer(r)) continue;
      for (const [prop, deps] of Object.entries(r.propertyDependencies)) {
        for (const dep of deps) {
          if (open.has(dep.urn)) report(`${r.type} ${r.name} attaches internet-facing security group ${byUrn.get(dep.urn)?.name ?? dep.urn} through ${prop}; only application load balancers may carry it.`, r.urn);
        }
      }
    }
  },
});

const instanceImdsV2 = typeRule({
  name: "ec2-instance-imdsv2",
  control: C.EC2_8,
  severity: "high",
  description: 'EC2 instances set metadataOptions.httpTokens: "required" (IMDSv2 only).',
  type: aws.ec2.Instance,
  check: (inst) => [(inst.metadataOptions?.httpTokens !== "required") && 'metadataOptions.httpTokens must be "required".'],
});

const launchTemplateImdsV2 = resourceRule({
  name: "launch-template-imdsv2",
  control: C.EC2_170,
  severity: "high",
  description: 'Launch templates (EKS node groups included) set metadataOptions.httpTokens: "required" and httpPutResponseHopLimit: 1.',
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (lt, _args, report) => {
    if (lt.metadataOptions?.httpTokens !== "required") report('metadataOptions.httpTokens must be "required".');
    // Hop limit 1 keeps IMDSv2 tokens, and so the node role's credentials, out of pods.
    // https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_restrict_access_to_the_instance_profile_assigned_to_the_worker_node
    if (lt.metadataOptions?.httpPutResponseHopLimit !== 1) report("metadataOptions.httpPutResponseHopLimit must be 1 (a pod behind one more hop must not obtain an IMDSv2 token).");
  }),
});

const instanceNoPublicIp = typeRule({
  name: "ec2-instance-no-public-ip",
  control: C.EC2_9,
  severity: "high",
  description: "EC2 instances set associatePublicIpAddress: false and live in private subnets; SSM Session Manager replaces inbound access.",
  type: aws.ec2.Instance,
  check: (inst) => [inst.associatePublicIpAddress !== false && "associatePublicIpAddress must be false (unset inherits the subnet's auto-assign setting)."],
});

const launchTemplateNoPublicIp = typeRule({
  name: "launch-template-no-public-ip",
  control: C.EC2_25,
  severity: "high",
  description: 'Launch templates never set a network interface\'s associatePublicIpAddress to "true".',
  type: aws.ec2.LaunchTemplate,
  check: (lt) => (lt.networkInterfaces ?? []).map((ni) => ni.associatePublicIpAddress === "true" && `networkInterfaces[${ni.deviceIndex ?? 0}].associatePublicIpAddress must not be "true".`),
});

const albHttpRedirect = typeRule({
  name: "alb-http-redirects-to-https",
  control: C.ELB_1,
  severity: "high",
  description: "An HTTP listener does nothing but redirect to HTTPS (every default action is a redirect with protocol HTTPS).",
  devAdvisory: "dev may run without an ACM certificate (entasis:edge.certificateArn unset); its ALB then serves plain HTTP for testing and the program warns on every run",
  type: aws.lb.Listener,
  // Only an HTTP listener's actions are read (another's may be unknown in a preview).
  check: (l) => [
    (l.protocol ?? "HTTP") === "HTTP" &&
      !(l.defaultActions.length > 0 && l.defaultActions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS")) &&
      'an HTTP listener must redirect to HTTPS (defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]).',
  ],
});

/** TLS 1.2+ policies AWS recommends: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html */
export const RECOMMENDED_SSL_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

const albTlsPolicy = typeRule({
  name: "lb-tls-listener-policy",
  control: C.ELB_17,
  severity: "high",
  description: `HTTPS and TLS listeners name a certificate and a TLS 1.2+ security policy (${RECOMMENDED_SSL_POLICY.source}); the default ELBSecurityPolicy-2016-08 still accepts TLS 1.0.`,
  type: aws.lb.Listener,
  check: (l) =>
    l.protocol !== "HTTPS" && l.protocol !== "TLS"
      ? []
      : [
          !isSet(l, "certificateArn") && "certificateArn must name an ACM certificate.",
          (l.sslPolicy === undefined || !RECOMMENDED_SSL_POLICY.test(l.sslPolicy)) && `sslPolicy is ${l.sslPolicy ?? "unset (ELBSecurityPolicy-2016-08)"}; use ELBSecurityPolicy-TLS13-1-2-2021-06 or stricter.`,
        ],
});

const albDropInvalidHeaders = typeRule({
  name: "alb-drop-invalid-headers",
  control: C.ELB_4,
  severity: "medium",
  description: "Application load balancers set dropInvalidHeaderFields: true (HTTP desync and header smuggling).",
  type: aws.lb.LoadBalancer,
  check: (lb) => [((lb.loadBalancerType ?? "application") === "application" && lb.dropInvalidHeaderFields !== true) && "dropInvalidHeaderFields must be true."],
});

const vpcFlowLogs = stackRule({
  name: "vpc-flow-logs",
  control: C.EC2_6,
  severity: "medium",
  description: "Every VPC has a flow log (an aws.ec2.FlowLog whose vpcId comes from the VPC).",
  validateStack: (args, report) => {
    const logged = new Set<string>();
    for (const r of args.resources) {
      if (r.type !== "aws:ec2/flowLog:FlowLog") continue;
      for (const dep of r.propertyDependencies["vpcId"] ?? []) logged.add(dep.urn);
    }
    for (const r of args.resources) {
      if (r.isType(aws.ec2.Vpc) && !logged.has(r.urn)) report(`VPC ${r.name} has no flow log.`, r.urn);
    }
  },
});

export const networkRules: readonly (ResourceRule | StackRule)[] = [
  sgIngressWebOnly,
  sgWorldIngressAlbOnly,
  instanceImdsV2,
  launchTemplateImdsV2,
  instanceNoPublicIp,
  launchTemplateNoPublicIp,
  albHttpRedirect,
  albTlsPolicy,
  albDropInvalidHeaders,
  vpcFlowLogs,
];
