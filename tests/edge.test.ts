import { RunResult, runStack } from "../tools/offline/harness";
import { CHARTS } from "../lib/helmCharts";
import { LB_CONTROLLER_POLICY, LB_CONTROLLER_READ_ACTIONS } from "../lib/lbControllerPolicy";
import { ALB_SSL_POLICY } from "../components/edge/loadBalancer";
import { TEST_SECRETS, jsonInput, named, ofType, tagsOf } from "./support/query";
import { stackRun } from "./support/stackRuns";

// One run per case; the cert/WAF/NLB variant overrides prod's edge config.
const CERT = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0f5b2a1e-1c2d-4e5f-8a9b-0123456789ab";
const WAF = "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/entasis/0f5b2a1e-1c2d-4e5f-8a9b-0123456789ab";
const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
  runs.tls = await runStack({ stack: "prod", secrets: TEST_SECRETS, overrides: { "entasis:edge": { certificateArn: CERT, wafWebAclArn: WAF, internalNlb: { enabled: true } } } });
}, 300_000);

const LB = "aws:lb/loadBalancer:LoadBalancer";
const TG = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";

describe.each(["dev", "prod"])("the %s load balancer", (stack) => {
  it("is an IPv4 ALB with the frontend security group: internet-facing on the public subnets with TLS (prod), internal on the private subnets without (dev)", () => {
    const run = runs[stack];
    const alb = named(run, "edge-alb", LB);
    const internal = stack === "dev";
    expect(alb.inputs).toMatchObject({ loadBalancerType: "application", internal, ipAddressType: "ipv4", dropInvalidHeaderFields: true });
    const tier = internal ? "private" : "public";
    const subnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith(`network-${tier}-`)).map((s) => s.state.id ?? `${s.name}-id`);
    expect([...(alb.inputs.subnets as string[])].sort()).toEqual(subnets.sort());
    expect(alb.inputs.securityGroups).toEqual(["security-groups-frontend-id"]);
    expect(tagsOf(alb).Name).toBe(`entasis-${stack}-alb`);
  });

  it("writes access logs to the data tier's log bucket under the prefix its bucket policy allows", () => {
    const run = runs[stack];
    const bucket = named(run, "object-storage-access-logs", "aws:s3/bucket:Bucket");
    const policy = jsonInput(named(run, "object-storage-access-logs", "aws:s3/bucketPolicy:BucketPolicy"), "policy") as { Statement: { Sid?: string; Resource: string }[] };
    const allowed = policy.Statement.find((s) => s.Sid === "AlbLogDelivery")?.Resource;
    const alb = named(run, "edge-alb", LB);
    // ELB checks the bucket policy when logging is enabled, so the ALB waits for it.
    expect(alb.dependencies).toContain(named(run, "object-storage-access-logs", "aws:s3/bucketPolicy:BucketPolicy").urn);
    const logs = alb.inputs.accessLogs as { bucket: string; prefix: string; enabled: boolean };
    expect(logs.enabled).toBe(true);
    expect(logs.bucket).toBe(bucket.state.bucket);
    expect(allowed?.startsWith(`arn:aws:s3:::${logs.bucket}/${logs.prefix}/AWSLogs/`)).toBe(true);
  });

  it("has an IP target group on 8080 with least-outstanding-requests and a /health check", () => {
    const tg = named(runs[stack], "edge-api", TG);
    expect(tg.inputs).toMatchObject({ targetType: "ip", port: 8080, protocol: "HTTP", loadBalancingAlgorithmType: "least_outstanding_requests" });
    expect(tg.inputs.healthCheck).toMatchObject({ enabled: true, path: "/health", port: "traffic-port", protocol: "HTTP", matcher: "200" });
  });

  it("names stay within AWS's 32-character limit", () => {
    for (const r of [...ofType(runs[stack], LB), ...ofType(runs[stack], TG)]) expect(String(r.state.name).length).toBeLessThanOrEqual(32);
  });
});

describe("dev and prod differ as configured", () => {
  it("turns deletion protection on in prod only", () => {
    expect(named(runs.dev, "edge-alb", LB).inputs.enableDeletionProtection).toBe(false);
    expect(named(runs.prod, "edge-alb", LB).inputs.enableDeletionProtection).toBe(true);
  });

  it("takes thresholds and deregistration delay from config (prod fails over faster and drains longer)", () => {
    expect(named(runs.dev, "edge-api", TG).inputs).toMatchObject({ deregistrationDelay: 30, healthCheck: { interval: 15, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3 } });
    expect(named(runs.prod, "edge-api", TG).inputs).toMatchObject({ deregistrationDelay: 60, healthCheck: { interval: 15, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 2 } });
  });
});

describe("no plain HTTP to the internet", () => {
  it("holds in both stacks: no stack admits 0.0.0.0/0 or ::/0 to a load balancer that has no HTTPS listener", () => {
    for (const run of [runs.dev, runs.prod]) {
      const https = ofType(run, LISTENER).some((l) => l.inputs.protocol === "HTTPS");
      const world = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");
      if (!https) expect(world).toEqual([]);
      // With TLS, port 80 from the world only redirects.
      for (const l of ofType(run, LISTENER).filter((x) => x.inputs.port === 80 && world.length > 0 && x.name === "edge-http")) {
        expect(l.inputs.defaultActions).toEqual([{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }]);
      }
    }
    expect(ofType(runs.prod, LISTENER).some((l) => l.inputs.protocol === "HTTPS")).toBe(true);
    expect(ofType(runs.dev, LISTENER).some((l) => l.inputs.protocol === "HTTPS")).toBe(false);
  });

  it("lets trading-api's network policy admit the ALB's own subnets (private when internal)", () => {
    const policy = ofType(runs.dev, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => JSON.stringify(p.inputs));
    expect(policy.some((p) => p.includes("10.10.0.0/19") && p.includes("10.10.64.0/19") && !p.includes("10.10.192.0/24"))).toBe(true);
  });
});

describe("the plain-HTTP warning", () => {
  it("is logged exactly once in dev (no certificate) and never in prod", () => {
    const plainHttp = (run: RunResult): string[] => run.warnings.filter((w) => w.includes("serves plain HTTP"));
    expect(plainHttp(runs.dev)).toEqual(["entasis-dev: no entasis:edge.certificateArn, so the internal load balancer serves plain HTTP on port 80 without TLS, to 10.10.0.0/16 only. Set an ACM certificate before real traffic."]);
    expect(plainHttp(runs.prod)).toEqual([]);
  });
});

describe("listener chain", () => {
  it("without a certificate (dev) serves HTTP only, forwarding to the target group", () => {
    const listeners = ofType(runs.dev, LISTENER);
    expect(listeners.map((l) => l.name)).toEqual(["edge-http"]);
    expect(listeners[0].inputs).toMatchObject({ port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: named(runs.dev, "edge-api", TG).state.arn }] });
  });

  it("prod as configured has the HTTPS listener and the redirect", () => {
    expect(ofType(runs.prod, LISTENER).map((l) => l.name).sort()).toEqual(["edge-http", "edge-https"]);
    expect(named(runs.prod, "edge-http", LISTENER).inputs.defaultActions).toEqual([{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }]);
  });

  it("with a certificate redirects HTTP to HTTPS with a 301 and terminates TLS 1.2+ on 443", () => {
    const http = named(runs.tls, "edge-http", LISTENER);
    expect(http.inputs).toMatchObject({ port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }] });
    const https = named(runs.tls, "edge-https", LISTENER);
    expect(https.inputs).toMatchObject({ port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: CERT });
    expect(ALB_SSL_POLICY).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
    expect(https.inputs.defaultActions).toEqual([{ type: "forward", targetGroupArn: named(runs.tls, "edge-api", TG).state.arn }]);
  });

  it("associates the configured WAF web ACL with the ALB, and creates none of its own then", () => {
    const assoc = named(runs.tls, "edge-waf", "aws:wafv2/webAclAssociation:WebAclAssociation");
    expect(assoc.inputs).toEqual({ resourceArn: named(runs.tls, "edge-alb", LB).state.arn, webAclArn: WAF });
    expect(ofType(runs.tls, "aws:wafv2/webAcl:WebAcl")).toHaveLength(0);
    // dev's ALB is internal and dev has no managed WAF.
    expect(ofType(runs.dev, "aws:wafv2/webAclAssociation:WebAclAssociation")).toHaveLength(0);
  });

  it("puts prod's internet-facing ALB behind its own web ACL: AWS managed rule groups, no User-Agent counted not blocked", () => {
    const acl = named(runs.prod, "edge-waf-acl", "aws:wafv2/webAcl:WebAcl");
    expect(acl.inputs).toMatchObject({ scope: "REGIONAL", defaultAction: { allow: {} }, visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true } });
    // The rule groups are their own resources, so the ACL must not fight them over `rules`.
    expect(acl.ignoreChanges).toEqual(["rules"]);
    const assoc = named(runs.prod, "edge-waf", "aws:wafv2/webAclAssociation:WebAclAssociation");
    expect(assoc.propertyDependencies.webAclArn).toEqual([acl.urn]);
    expect(assoc.propertyDependencies.resourceArn).toEqual([named(runs.prod, "edge-alb", LB).urn]);
    const groups = ofType(runs.prod, "aws:wafv2/webAclRuleGroupAssociation:WebAclRuleGroupAssociation");
    expect(groups.map((g) => [g.inputs.ruleName, g.inputs.priority, g.inputs.overrideAction])).toEqual([
      ["AWSManagedRulesAmazonIpReputationList", 10, "none"],
      ["AWSManagedRulesKnownBadInputsRuleSet", 20, "none"],
      ["AWSManagedRulesCommonRuleSet", 30, "none"],
    ]);
    for (const g of groups) expect(g.propertyDependencies.webAclArn).toEqual([acl.urn]);
    // One UpdateWebACL at a time (each rewrites the ACL under its lock token): a chain in list order.
    for (let i = 1; i < groups.length; i++) expect(groups[i].dependencies).toContain(groups[i - 1].urn);
    expect(groups[1].dependencies).not.toContain(groups[2].urn);
    expect((groups[2].inputs.managedRuleGroup as { ruleActionOverrides: unknown }).ruleActionOverrides).toEqual([{ name: "NoUserAgent_HEADER", actionToUse: { count: {} } }]);
  });
});

describe("the optional internal NLB", () => {
  it("is off by default", () => {
    expect(ofType(runs.prod, LB)).toHaveLength(1);
    expect(ofType(runs.dev, LB)).toHaveLength(1);
  });

  it("when enabled is internal, on the private subnets, with its own IP target group bound to trading-api", () => {
    const nlb = named(runs.tls, "edge-nlb", LB);
    expect(nlb.inputs).toMatchObject({ loadBalancerType: "network", internal: true });
    const privateSubnets = ofType(runs.tls, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("network-private-")).map((s) => `${s.name}-id`);
    expect([...(nlb.inputs.subnets as string[])].sort()).toEqual(privateSubnets.sort());
    const tg = named(runs.tls, "edge-nlb-api", TG);
    expect(tg.inputs).toMatchObject({ targetType: "ip", port: 8080, protocol: "TCP", healthCheck: { path: "/health", protocol: "HTTP" } });
    const tgb = named(runs.tls, "trading-api-tgb-nlb", "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
    expect((tgb.inputs.spec as { targetGroupARN: string }).targetGroupARN).toBe(tg.state.arn);
  });
});

describe.each(["dev", "prod"])("the AWS Load Balancer Controller in %s", (stack) => {
  it("is the pinned chart with cluster name, region, VPC, the IRSA role and the general pool", () => {
    const run = runs[stack];
    const release = named(run, "lb-controller-release", "kubernetes:helm.sh/v3:Release");
    expect(release.inputs).toMatchObject({ chart: "aws-load-balancer-controller", version: CHARTS.awsLoadBalancerController.version, namespace: "kube-system" });
    const role = named(run, "lb-controller-irsa-role", "aws:iam/role:Role");
    expect(release.inputs.values).toMatchObject({
      clusterName: `entasis-${stack}`,
      region: "ap-northeast-2",
      vpcId: "network-vpc-id",
      replicaCount: stack === "prod" ? 2 : 1,
      serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations: { "eks.amazonaws.com/role-arn": role.state.arn } },
      nodeSelector: { role: "general" },
    });
    const trust = jsonInput(role, "assumeRolePolicy") as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
    expect(Object.values(trust.Statement[0].Condition.StringEquals)).toContain("system:serviceaccount:kube-system:aws-load-balancer-controller");
  });

  it("reads what AWS's published policy reads, and writes only targets of the platform's target groups", () => {
    const policy = jsonInput(named(runs[stack], "lb-controller-irsa-aws-load-balancer-controller", "aws:iam/rolePolicy:RolePolicy"), "policy");
    const published = (LB_CONTROLLER_POLICY.Statement as { Action: string[]; Resource: unknown; Condition?: unknown }[]).find((s) => s.Resource === "*" && !s.Condition && s.Action.includes("elasticloadbalancing:DescribeTargetHealth"));
    expect(published?.Action).toEqual([...LB_CONTROLLER_READ_ACTIONS]);
    const tgs = ofType(runs[stack], "aws:lb/targetGroup:TargetGroup").map((tg) => String(tg.state.arn)).sort();
    expect(tgs.length).toBeGreaterThanOrEqual(2);
    const [read, write] = policy.Statement as { Resource: string[] }[];
    expect(policy.Statement).toHaveLength(2);
    expect(read).toEqual({ Sid: "Read", Effect: "Allow", Action: [...LB_CONTROLLER_READ_ACTIONS], Resource: "*" });
    expect(write).toMatchObject({ Sid: "OwnTargetGroups", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"] });
    expect([...write.Resource].sort()).toEqual(tgs);
  });
});

describe("outputs", () => {
  it.each(["dev", "prod"])("%s exports the ALB DNS name and target group ARN", (stack) => {
    expect(runs[stack].outputs.albDnsName).toBe(named(runs[stack], "edge-alb", LB).state.dnsName);
    expect(runs[stack].outputs.targetGroupArn).toBe(named(runs[stack], "edge-api", TG).state.arn);
  });
});
