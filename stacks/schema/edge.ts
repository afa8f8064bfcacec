import type { EdgeSettings } from "../../components/edge/loadBalancer";
import { z } from "zod";
import { parseCidr } from "../../lib/cidr";
import { ALB_IDLE_TIMEOUT_SECONDS, TARGET_GROUP_DEREGISTRATION_SECONDS } from "../../lib/awsLimits";
import { ConfigProblem, issue } from "./problems";

/** ACM certificate ARN (the HTTPS listener's default certificate). */
export const ACM_CERTIFICATE_ARN_RE = /^arn:aws(-[a-z]+)*:acm:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/;
/** Regional WAFv2 web ACL ARN (an ALB takes only REGIONAL ACLs, never CLOUDFRONT ones). */
export const WAFV2_REGIONAL_ACL_ARN_RE = /^arn:aws(-[a-z]+)*:wafv2:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:regional\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/;

/**
 * Target-group health-check limits for HTTP checks.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
export const HEALTH_CHECK_LIMITS = { interval: [5, 300], timeout: [2, 120], threshold: [2, 10] } as const;

const between = (range: readonly [number, number]) => z.number().int().min(range[0]).max(range[1]);

export const edgeSchema = z.strictObject({
  /** ACM certificate for the HTTPS listener; without one (dev) the ALB serves plain HTTP only. Default none. */
  certificateArn: z.string().regex(ACM_CERTIFICATE_ARN_RE, { message: issue("is not an ACM certificate ARN", "use arn:aws:acm:<region>:<account>:certificate/<uuid> of a certificate in the stack's region") }).optional(),
  /**
   * Where the ALB lives: `internet-facing` (public subnets) or `internal` (private subnets, reached
   * from the VPC and its peers only). Default internet-facing.
   */
  scheme: z.enum(["internet-facing", "internal"]),
  /**
   * IPv4 CIDRs the frontend security group admits on the listener ports (the ALB is IPv4-only: the
   * VPC has no IPv6 block). Never 0.0.0.0/0 without a certificate. Default ["0.0.0.0/0"].
   */
  allowedCidrs: z.array(z.string()).min(1),
  /** ALB deletion protection. Default false (dev) / true (prod). */
  deletionProtection: z.boolean(),
  /** Seconds a connection (HTTP keep-alive or WebSocket) may carry no data before the ALB closes it (1..4000). Default 600: market-data streams of quiet symbols stay open while clients ping. */
  idleTimeoutSeconds: z.number().int().min(ALB_IDLE_TIMEOUT_SECONDS.min).max(ALB_IDLE_TIMEOUT_SECONDS.max),
  /** Seconds a deregistering target keeps draining in-flight requests (0..3600). Default 30 (dev) / 60 (prod). */
  deregistrationDelaySeconds: z.number().int().min(TARGET_GROUP_DEREGISTRATION_SECONDS.min).max(TARGET_GROUP_DEREGISTRATION_SECONDS.max),
  /** trading-api's WebSocket API through the same ALB: its own listener rule and target group. */
  websocket: z.strictObject({
    /** Path prefix routed to the WebSocket target group (the prefix itself and everything under it). Default /ws. */
    path: z.string().regex(/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/, { message: issue("is not a URL path prefix", "use e.g. /ws (no trailing slash, no wildcards)") }),
    /** Seconds open streams keep flowing from a deregistering pod before the ALB closes them and clients reconnect elsewhere (0..3600). Default 30 (dev) / 120 (prod). */
    deregistrationDelaySeconds: z.number().int().min(TARGET_GROUP_DEREGISTRATION_SECONDS.min).max(TARGET_GROUP_DEREGISTRATION_SECONDS.max),
  }),
  /** Target health check on `/health`. Default interval 15, timeout 5, healthy 3, unhealthy 2 (prod) / 3 (dev). */
  healthCheck: z.strictObject({
    intervalSeconds: between(HEALTH_CHECK_LIMITS.interval),
    timeoutSeconds: between(HEALTH_CHECK_LIMITS.timeout),
    healthyThreshold: between(HEALTH_CHECK_LIMITS.threshold),
    unhealthyThreshold: between(HEALTH_CHECK_LIMITS.threshold),
  }),
  /** Regional WAFv2 web ACL to associate with the ALB. Default none. */
  wafWebAclArn: z.string().regex(WAFV2_REGIONAL_ACL_ARN_RE, { message: issue("is not a regional WAFv2 web ACL ARN", "use arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>") }).optional(),
  /** Create the platform's own web ACL (AWS managed rule groups) for an internet-facing ALB, unless wafWebAclArn names one. Default false (dev) / true (prod). */
  managedWaf: z.boolean(),
  /** The spec's internal L4 load balancer (NLB on the private subnets). Default off. */
  internalNlb: z.strictObject({ enabled: z.boolean() }),
  /** AWS Load Balancer Controller replicas (it registers pod IPs in the target group). Default 1 (dev) / 2 (prod). */
  lbControllerReplicas: z.number().int().min(1).max(5),
  /** Let the load balancer controller reconcile Services of type LoadBalancer (full AWS policy). Default false: TargetGroupBindings only, scoped policy. */
  lbServiceController: z.boolean(),
});
export type EdgeConfig = z.infer<typeof edgeSchema>;
// The component owns its settings' type; the validated config satisfies it.
edgeSchema satisfies z.ZodType<EdgeSettings>;

/** Cross-field rules AWS enforces at apply time; caught here instead. */
/** The all-zero certificate ID Pulumi.prod.yaml carries until the operator sets the real one. */
export const PLACEHOLDER_CERTIFICATE_RE = /:certificate\/0{8}-0{4}-0{4}-0{4}-0{12}$/;

export function validateEdge(edge: EdgeConfig, region: string, environment: string | undefined, areaKey: string, deploying = false): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // Previews (pull requests, the offline plan) may run with the placeholder; `pulumi up` must not,
  // or it would create everything else and then fail at the HTTPS listener.
  if (deploying && edge.certificateArn !== undefined && PLACEHOLDER_CERTIFICATE_RE.test(edge.certificateArn)) {
    problems.push({
      key: `${areaKey}.certificateArn`,
      value: edge.certificateArn,
      problem: "is the placeholder from the repository, and `pulumi up` would fail at the HTTPS listener",
      fix: "run: pulumi config set --path 'entasis:edge.certificateArn' <ARN of your ACM certificate in the stack's region>",
    });
  }
  // Plain HTTP is for dev only; the policy pack's alb-http-redirects-to-https is mandatory in prod.
  if (environment === "prod" && edge.certificateArn === undefined) {
    problems.push({ key: `${areaKey}.certificateArn`, value: undefined, problem: "is required in prod (the ALB must serve HTTPS and redirect HTTP)", fix: "request or import a certificate in ACM in the stack's region and set its ARN" });
  }
  edge.allowedCidrs.forEach((c, i) => {
    const key = `${areaKey}.allowedCidrs[${i}]`;
    const block = parseCidr(c);
    if (c.includes(":")) {
      problems.push({ key, value: c, problem: "is an IPv6 range, but the ALB is IPv4-only (the VPC has no IPv6 block), so the rule would admit nothing", fix: "list IPv4 CIDRs only" });
    } else if (!block) {
      problems.push({ key, value: c, problem: "is not a valid IPv4 CIDR (a.b.c.d/n with no host bits set)", fix: "use e.g. 203.0.113.0/24" });
    } else if (block.prefix === 0 && edge.certificateArn === undefined) {
      // Without a certificate the only listener is plain HTTP: admitting the world would serve the
      // API, tokens and orders in clear text to anyone, whatever the scheme.
      problems.push({
        key,
        value: c,
        problem: "admits the whole internet while there is no certificateArn, so the API would be served in plain HTTP to anyone",
        fix: `list your office/VPN CIDRs (or the VPC's, with scheme: internal), or set ${areaKey}.certificateArn`,
      });
    }
  });
  const hc = edge.healthCheck;
  if (hc.timeoutSeconds >= hc.intervalSeconds) {
    problems.push({ key: `${areaKey}.healthCheck.timeoutSeconds`, value: hc.timeoutSeconds, problem: `is not below intervalSeconds ${hc.intervalSeconds}, which Elastic Load Balancing rejects`, fix: "make the timeout shorter than the interval" });
  }
  // An ALB can only use certificates and web ACLs of its own region.
  for (const [field, arn] of [["certificateArn", edge.certificateArn], ["wafWebAclArn", edge.wafWebAclArn]] as const) {
    if (arn !== undefined && arn.split(":")[3] !== region) {
      problems.push({ key: `${areaKey}.${field}`, value: arn, problem: `is in another region than the stack (${region})`, fix: `use one created in ${region}` });
    }
  }
  return problems;
}
