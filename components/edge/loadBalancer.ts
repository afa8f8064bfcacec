import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";
import { EdgeWebAcl } from "./webAcl";

/**
 * TLS 1.3 with TLS 1.2 fallback and forward-secret ciphers only; the policy pack requires it or newer.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/**
 * The ALB's address family. IPv4 only: the VPC has no IPv6 block, and a dual-stack ALB needs IPv6
 * subnets. The frontend group admits ::/0 only when this is `dualstack` (frontendIngressRules).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#ip-address-type
 */
export const ALB_IP_ADDRESS_TYPE: "ipv4" | "dualstack" = "ipv4";
/** Priority of the WebSocket rule; lower numbers are evaluated first, the default action last. */
export const WS_RULE_PRIORITY = 10;
/** Path the target group probes; trading-api answers 200 while the process is alive. */
export const HEALTH_CHECK_PATH = "/health";

/** The edge's settings (`entasis:edge`, validated by stacks/schema/edge.ts, whose output satisfies this). */
export interface EdgeSettings {
  /** ACM certificate for the HTTPS listener; without one the ALB serves plain HTTP. Default none. */
  readonly certificateArn?: string;
  /** `internet-facing` (public subnets) or `internal` (private subnets). Default internet-facing. */
  readonly scheme: "internet-facing" | "internal";
  /** IPv4 CIDRs admitted on the listener ports. Default ["0.0.0.0/0"]. */
  readonly allowedCidrs: readonly string[];
  /** ALB deletion protection. Default false (dev) / true (prod). */
  readonly deletionProtection: boolean;
  /** Seconds a connection may carry no data before the ALB closes it. Default 600. */
  readonly idleTimeoutSeconds: number;
  /** Seconds a deregistering target keeps draining. Default 30 (dev) / 60 (prod). */
  readonly deregistrationDelaySeconds: number;
  /** The WebSocket path and its target group's drain. Default /ws, 30 (dev) / 120 (prod). */
  readonly websocket: { readonly path: string; readonly deregistrationDelaySeconds: number };
  /** Target health check on `/health`. Default 15 / 5 / 3 / 2 (prod) or 3 (dev). */
  readonly healthCheck: { readonly intervalSeconds: number; readonly timeoutSeconds: number; readonly healthyThreshold: number; readonly unhealthyThreshold: number };
  /** Regional WAFv2 web ACL to associate (one the organization manages). Default none. */
  readonly wafWebAclArn?: string;
  /** Create and associate the platform's own web ACL (AWS managed rule groups) when no wafWebAclArn is given and the ALB is internet-facing. Default false (dev) / true (prod). */
  readonly managedWaf: boolean;
  /** The spec's internal NLB. Default off. */
  readonly internalNlb: { readonly enabled: boolean };
}

export interface EdgeLoadBalancerArgs {
  readonly namePrefix: string;
  /** Validated `entasis:edge` config. */
  readonly config: EdgeSettings;
  readonly vpcId: pulumi.Input<string>;
  /** Public subnets, one per AZ: the ALB's nodes when it is internet-facing. */
  readonly publicSubnetIds: pulumi.Input<string>[];
  /** Private subnets, one per AZ: the ALB's nodes when it is internal, and the internal NLB. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** The spec's frontend security group (listener ports from the allowed sources, 8080 to the application tier). */
  readonly frontendSecurityGroupId: pulumi.Input<string>;
  /** Port trading-api serves on; the target group registers pod IPs on it. */
  readonly targetPort: number;
  /** Access-log bucket (the data tier's) and the key prefix its bucket policy lets ELB write under. */
  readonly accessLogs: { readonly bucket: pulumi.Input<string>; readonly prefix: string };
  /** Resources that must exist before the ALB writes logs (the bucket policy). Default none. */
  readonly accessLogsReady?: pulumi.Input<pulumi.Resource>[];
  readonly tags: Tags;
}

/**
 * The spec's "internet -> load balancer" hop: an internet-facing ALB owned by this program (its
 * DNS name is a stack output) with an IP target group that the AWS Load Balancer Controller fills
 * with trading-api pod IPs through a TargetGroupBinding. Health checks take a failed pod out and
 * the remaining ones carry on; least-outstanding-requests sends new requests to the least busy pod.
 */
export class EdgeLoadBalancer extends pulumi.ComponentResource {
  public readonly alb: aws.lb.LoadBalancer;
  public readonly targetGroup: aws.lb.TargetGroup;
  /** trading-api's WebSocket API (`/ws`): same pods and port, its own algorithm and draining. */
  public readonly wsTargetGroup: aws.lb.TargetGroup;
  /** Listener rule sending `/ws` and `/ws/*` to wsTargetGroup on the listener that forwards. */
  public readonly wsRule: aws.lb.ListenerRule;
  public readonly httpListener: aws.lb.Listener;
  /** Absent without a certificate (dev). */
  public readonly httpsListener?: aws.lb.Listener;
  public readonly nlb?: aws.lb.LoadBalancer;
  /** The internal NLB's IP target group, bound to the same Service. */
  public readonly nlbTargetGroup?: aws.lb.TargetGroup;
  public readonly dnsName: pulumi.Output<string>;

  constructor(name: string, args: EdgeLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:edge:EdgeLoadBalancer", name, {}, opts);
    const cfg = args.config;
    const p = args.namePrefix;
    const hc = cfg.healthCheck;
    // One health check for every target group of trading-api (ALB and the optional NLB): the same
    // endpoint decides whether a pod takes traffic, whatever the layer.
    const healthCheck = {
      enabled: true,
      path: HEALTH_CHECK_PATH,
      port: "traffic-port",
      protocol: "HTTP",
      matcher: "200",
      interval: hc.intervalSeconds,
      timeout: hc.timeoutSeconds,
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
    };

    // Names are autonamed (logical name + random suffix, within the 32-character limit) so that a
    // replacement can be created before the old one is deleted.
    this.alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        // Internal keeps the API off the internet (dev without a certificate); its DNS name then
        // resolves to private addresses reached from the VPC and its peers.
        internal: cfg.scheme === "internal",
        ipAddressType: ALB_IP_ADDRESS_TYPE,
        securityGroups: [args.frontendSecurityGroupId],
        subnets: cfg.scheme === "internal" ? args.privateSubnetIds : args.publicSubnetIds,
        // Requests with header names that are not valid HTTP tokens are dropped, not forwarded
        // (request smuggling). FSBP ELB.4.
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        enableHttp2: true,
        idleTimeout: cfg.idleTimeoutSeconds,
        enableDeletionProtection: cfg.deletionProtection,
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
        accessLogs: { bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix, enabled: true },
        tags: named(args.tags, `${p}-alb`),
      },
      { parent: this, dependsOn: args.accessLogsReady },
    );

    // IP targets: pod IPs from the VPC CNI, registered by the controller (no NodePort hop).
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html
    this.targetGroup = new aws.lb.TargetGroup(
      `${name}-api`,
      {
        targetType: "ip",
        port: args.targetPort,
        protocol: "HTTP",
        protocolVersion: "HTTP1",
        vpcId: args.vpcId,
        loadBalancingAlgorithmType: "least_outstanding_requests",
        deregistrationDelay: cfg.deregistrationDelaySeconds,
        healthCheck,
        tags: named(args.tags, `${p}-trading-api`),
      },
      { parent: this },
    );
    const forward = [{ type: "forward", targetGroupArn: this.targetGroup.arn }];

    // WebSockets work over the ALB's HTTP/HTTPS listeners as an HTTP/1.1 upgrade; a stream counts
    // as one outstanding request for its whole life, so least-outstanding-requests would pile new
    // streams on whichever pod restarted last: round robin spreads them. Its own draining lets
    // open streams run for a while on a terminating pod before the ALB closes them and clients
    // reconnect to another pod. Same health check as REST: one endpoint decides.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#listener-configuration
    this.wsTargetGroup = new aws.lb.TargetGroup(
      `${name}-ws`,
      {
        targetType: "ip",
        port: args.targetPort,
        protocol: "HTTP",
        protocolVersion: "HTTP1",
        vpcId: args.vpcId,
        loadBalancingAlgorithmType: "round_robin",
        deregistrationDelay: cfg.websocket.deregistrationDelaySeconds,
        healthCheck,
        tags: named(args.tags, `${p}-trading-api-ws`),
      },
      { parent: this },
    );

    if (cfg.certificateArn !== undefined) {
      this.httpsListener = new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: this.alb.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: ALB_SSL_POLICY,
          certificateArn: cfg.certificateArn,
          defaultActions: forward,
          tags: named(args.tags, `${p}-alb-https`),
        },
        { parent: this },
      );
      this.httpListener = new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: this.alb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
          tags: named(args.tags, `${p}-alb-http`),
        },
        { parent: this },
      );
    } else {
      pulumi.log.warn(
        `${p}: no entasis:edge.certificateArn, so the ${cfg.scheme} load balancer serves plain HTTP on port 80 without TLS, to ${cfg.allowedCidrs.join(", ")} only. Set an ACM certificate before real traffic.`,
        this,
      );
      this.httpListener = new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: this.alb.arn, port: 80, protocol: "HTTP", defaultActions: forward, tags: named(args.tags, `${p}-alb-http`) },
        { parent: this },
      );
    }

    // On the listener that forwards (HTTPS, or plain HTTP without a certificate); HTTP -> HTTPS
    // redirects apply to /ws like to everything else.
    this.wsRule = new aws.lb.ListenerRule(
      `${name}-ws`,
      {
        listenerArn: (this.httpsListener ?? this.httpListener).arn,
        priority: WS_RULE_PRIORITY,
        conditions: [{ pathPattern: { values: [cfg.websocket.path, `${cfg.websocket.path}/*`] } }],
        actions: [{ type: "forward", targetGroupArn: this.wsTargetGroup.arn }],
        tags: named(args.tags, `${p}-alb-ws`),
      },
      { parent: this },
    );

    // An internet-facing ALB in front of orders: AWS's managed baseline, known bad inputs and IP
    // reputation rules, unless the organization's own ACL is named.
    const ownAcl = cfg.wafWebAclArn === undefined && cfg.managedWaf && cfg.scheme === "internet-facing" ? new EdgeWebAcl(`${name}-waf-acl`, { namePrefix: p, tags: args.tags }, { parent: this }) : undefined;
    const aclArn = cfg.wafWebAclArn ?? ownAcl?.acl.arn;
    if (aclArn !== undefined) {
      new aws.wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: this.alb.arn, webAclArn: aclArn }, { parent: this });
    }

    if (cfg.internalNlb.enabled) {
      // The spec's internal L4 path for in-VPC clients. With IP targets over TCP the NLB does not
      // preserve client IPs, so pods see the NLB's private addresses (allowed by the workload's
      // network policy). https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation
      this.nlb = new aws.lb.LoadBalancer(
        `${name}-nlb`,
        {
          loadBalancerType: "network",
          internal: true,
          securityGroups: [args.frontendSecurityGroupId],
          subnets: args.privateSubnetIds,
          enableCrossZoneLoadBalancing: true,
          enableDeletionProtection: cfg.deletionProtection,
          tags: named(args.tags, `${p}-nlb`),
        },
        { parent: this },
      );
      this.nlbTargetGroup = new aws.lb.TargetGroup(
        `${name}-nlb-api`,
        {
          targetType: "ip",
          port: args.targetPort,
          protocol: "TCP",
          vpcId: args.vpcId,
          preserveClientIp: "false",
          deregistrationDelay: cfg.deregistrationDelaySeconds,
          healthCheck,
          tags: named(args.tags, `${p}-trading-api-l4`),
        },
        { parent: this },
      );
      new aws.lb.Listener(
        `${name}-nlb-tcp`,
        { loadBalancerArn: this.nlb.arn, port: 80, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: this.nlbTargetGroup.arn }], tags: named(args.tags, `${p}-nlb-tcp`) },
        { parent: this },
      );
    }

    this.dnsName = this.alb.dnsName;
    this.registerOutputs({ dnsName: this.dnsName, targetGroupArn: this.targetGroup.arn, wsTargetGroupArn: this.wsTargetGroup.arn, nlbDnsName: this.nlb?.dnsName });
  }
}
