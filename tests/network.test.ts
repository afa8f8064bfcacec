import { RunResult } from "../tools/offline/harness";
import { SPEC_RULES, TIER_RULES, frontendIngressRules } from "../components/network/securityGroups";
import { componentOf, jsonInput, named, ofType, str, tagsOf } from "./support/query";
import { stackRun } from "./support/stackRuns";

const EXPECTED = {
  dev: { azs: ["ap-northeast-2a", "ap-northeast-2c"], nat: 1, cidr: "10.10.0.0/16" },
  prod: { azs: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"], nat: 3, cidr: "10.20.0.0/16" },
} as const;

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  // Sequential: the Pulumi runtime is process-global.
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
});

describe.each(["dev", "prod"] as const)("network tier of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const exp = EXPECTED[stack];

  it("creates one VPC with DNS support and the configured CIDR", () => {
    const [vpc] = ofType(run(), "aws:ec2/vpc:Vpc");
    expect(ofType(run(), "aws:ec2/vpc:Vpc")).toHaveLength(1);
    expect(vpc.inputs).toMatchObject({ cidrBlock: exp.cidr, enableDnsHostnames: true, enableDnsSupport: true });
    expect(tagsOf(vpc).Name).toBe(`entasis-${stack}-vpc`);
  });

  it("has a public, private and database subnet in every AZ, keyed by AZ, inside the VPC", () => {
    const subnets = ofType(run(), "aws:ec2/subnet:Subnet");
    expect(subnets).toHaveLength(3 * exp.azs.length);
    for (const tier of ["public", "private", "database"]) {
      const tierSubnets = subnets.filter((s) => tagsOf(s).Tier === tier);
      expect(tierSubnets.map((s) => s.inputs.availabilityZone).sort()).toEqual([...exp.azs]);
      for (const s of tierSubnets) {
        expect(s.name).toBe(`network-${tier}-${String(s.inputs.availabilityZone)}`);
        expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
        expect(str(s, "cidrBlock").startsWith(exp.cidr.split(".").slice(0, 2).join("."))).toBe(true);
      }
    }
    expect(new Set(subnets.map((s) => s.inputs.cidrBlock)).size).toBe(subnets.length);
  });

  it("tags subnets for load-balancer discovery", () => {
    const subnets = ofType(run(), "aws:ec2/subnet:Subnet");
    const tier = (t: string): typeof subnets => subnets.filter((x) => tagsOf(x).Tier === t);
    // One subnet per tier and AZ, and no subnet outside the three tiers.
    expect([tier("public").length, tier("private").length, tier("database").length, subnets.length]).toEqual([exp.azs.length, exp.azs.length, exp.azs.length, 3 * exp.azs.length]);
    for (const s of tier("public")) expect(tagsOf(s)["kubernetes.io/role/elb"]).toBe("1");
    for (const s of tier("private")) expect(tagsOf(s)["kubernetes.io/role/internal-elb"]).toBe("1");
    for (const s of tier("database")) {
      expect(Object.keys(tagsOf(s)).filter((k) => k.startsWith("kubernetes.io/"))).toEqual([]);
    }
  });

  it(`has ${exp.nat} NAT gateway(s), each with an EIP in a public subnet`, () => {
    const nats = ofType(run(), "aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(exp.nat);
    expect(ofType(run(), "aws:ec2/eip:Eip")).toHaveLength(exp.nat);
    for (const n of nats) {
      const az = n.name.replace("network-nat-", "");
      expect(n.inputs.subnetId).toBe(`network-public-${az}-id`);
      expect(n.inputs.allocationId).toBe(`network-nat-${az}-id`);
    }
  });

  it("routes each private subnet to the internet through a NAT (its own AZ's when there is one per AZ)", () => {
    const routes = ofType(run(), "aws:ec2/route:Route").filter((r) => r.name.startsWith("network-private-default-"));
    expect(routes).toHaveLength(exp.azs.length);
    for (const r of routes) {
      const az = r.name.replace("network-private-default-", "");
      expect(r.inputs.destinationCidrBlock).toBe("0.0.0.0/0");
      expect(r.inputs.natGatewayId).toBe(stack === "prod" ? `network-nat-${az}-id` : `network-nat-${exp.azs[0]}-id`);
    }
  });

  it("routes public subnets to the internet gateway and gives database subnets no default route", () => {
    const pub = named(run(), "network-public-default", "aws:ec2/route:Route");
    expect(pub.inputs).toMatchObject({ destinationCidrBlock: "0.0.0.0/0", gatewayId: "network-igw-id", routeTableId: "network-public-rt-id" });
    const dbRoutes = ofType(run(), "aws:ec2/route:Route").filter((r) => r.inputs.routeTableId === "network-database-rt-id");
    expect(dbRoutes).toEqual([]);
    const dbAssoc = ofType(run(), "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.name.startsWith("network-database-"));
    expect(dbAssoc.map((a) => a.inputs.routeTableId)).toEqual(exp.azs.map(() => "network-database-rt-id"));
  });

  it("puts the RDS and ElastiCache subnet groups on the database subnets only", () => {
    const dbIds = exp.azs.map((az) => `network-database-${az}-id`);
    expect(named(run(), "network-db", "aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(dbIds);
    expect(named(run(), "network-cache", "aws:elasticache/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(dbIds);
  });

  it("has an S3 gateway endpoint on the private and database route tables", () => {
    const ep = named(run(), "network-s3", "aws:ec2/vpcEndpoint:VpcEndpoint");
    expect(ep.inputs).toMatchObject({ serviceName: "com.amazonaws.ap-northeast-2.s3", vpcEndpointType: "Gateway" });
    expect(ep.inputs.routeTableIds).toEqual([...exp.azs.map((az) => `network-private-rt-${az}-id`), "network-database-rt-id"]);
  });

  it("sends VPC flow logs to a KMS-encrypted log group with bounded retention through a scoped role", () => {
    const fl = named(run(), "network-flow-log", "aws:ec2/flowLog:FlowLog");
    expect(fl.inputs).toMatchObject({ vpcId: "network-vpc-id", trafficType: "ALL", logDestinationType: "cloud-watch-logs", iamRoleArn: expect.stringContaining(":role/") });
    const lg = named(run(), "network-flow-logs", "aws:cloudwatch/logGroup:LogGroup");
    expect(lg.inputs.retentionInDays).toBe(stack === "prod" ? 365 : 30);
    expect(lg.inputs.kmsKeyId).toBe("arn:aws:kms:ap-northeast-2:123456789012:key/network-logs-key-key-id");
    const trust = jsonInput(named(run(), "network-flow-logs", "aws:iam/role:Role"), "assumeRolePolicy");
    expect(trust).toMatchObject({ Statement: [{ Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }] });
    const key = named(run(), "network-logs-key", "aws:kms/key:Key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const keyPolicy = jsonInput(key, "policy") as { Statement: { Effect: string; Principal: unknown }[] };
    // Administration and use by the account (tests/key-policies.test.ts), use by CloudWatch Logs.
    const root = { AWS: "arn:aws:iam::123456789012:root" };
    expect(keyPolicy.Statement.filter((s) => s.Effect === "Allow").map((s) => s.Principal)).toEqual([root, root, { Service: "logs.ap-northeast-2.amazonaws.com" }]);
  });

  it("creates exactly the spec's security-group rules, every tier-to-tier rule by group reference, the frontend's from the configured sources only", () => {
    const ingress = ofType(run(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => componentOf(run(), r) === "entasis:network:SecurityGroups");
    const egress = ofType(run(), "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => componentOf(run(), r) === "entasis:network:SecurityGroups");
    const describe = (r: (typeof ingress)[number]): string =>
      `${String(r.inputs.securityGroupId).replace("security-groups-", "").replace("-id", "")} ${String(r.inputs.fromPort ?? "all")} from ${String(r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6).replace("security-groups-", "").replace("-id", "")}`;
    // prod: HTTPS with a redirect on 80, from anywhere over IPv4 (the ALB is IPv4-only, so no ::/0);
    // dev: no certificate, so plain 80 from the VPC only.
    const frontend = stack === "prod" ? ["frontend 80 from 0.0.0.0/0", "frontend 443 from 0.0.0.0/0"] : ["frontend 80 from 10.10.0.0/16"];
    expect(ingress.map(describe).sort()).toEqual([...frontend, "application 8080 from frontend", "application 9000 from monitoring", "database 5432 from application", "database 6379 from application"].sort());
    expect(egress.map(describe).sort()).toEqual(["application all from 0.0.0.0/0", "frontend 8080 from application", "monitoring 9000 from application"]);
    expect(ingress.length + egress.length).toBe(frontend.length + TIER_RULES.length);
    expect(ingress.filter((r) => r.inputs.cidrIpv6 !== undefined)).toEqual([]);
  });

  it("describes each frontend rule as what it really does (redirect only with TLS, plain HTTP from named sources without)", () => {
    const frontend = ofType(run(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === "security-groups-frontend-id");
    const descriptions = frontend.map((r) => `${String(r.inputs.fromPort)}: ${String(r.inputs.description)}`).sort();
    expect(descriptions).toEqual(
      stack === "prod"
        ? ["443: HTTPS from the internet", "80: HTTP from the internet, answered only with a redirect to HTTPS"]
        : ["80: Internal ALB listener (health checks by operators) (from the bastion)", "80: Plain HTTP (no TLS) from 10.10.0.0/16 only"],
    );
  });

  it("opens nothing to 0.0.0.0/0 or ::/0 except the frontend on 80 and 443", () => {
    const open = ofType(run(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");
    expect(open.every((r) => r.inputs.securityGroupId === "security-groups-frontend-id" && [80, 443].includes(Number(r.inputs.fromPort)) && r.inputs.fromPort === r.inputs.toPort)).toBe(true);
    expect(ofType(run(), "aws:ec2/securityGroup:SecurityGroup").every((sg) => sg.inputs.ingress === undefined && sg.inputs.egress === undefined)).toBe(true);
  });

  it("leaves the VPC's default security group without any rule", () => {
    const def = named(run(), "network-default-sg", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
    expect(def.inputs.ingress).toBeUndefined();
    expect(def.inputs.egress).toBeUndefined();
  });

  it("runs an SSM-only bastion: private subnet, no public IP, no key, no inbound rule, IMDSv2, encrypted disk; it reaches an internal ALB's listener", () => {
    const host = named(run(), "bastion-host", "aws:ec2/instance:Instance");
    expect(host.inputs).toMatchObject({
      subnetId: `network-private-${exp.azs[0]}-id`,
      associatePublicIpAddress: false,
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      rootBlockDevice: { encrypted: true, volumeType: "gp3" },
      ami: "ami-0a1b2c3d4e5f67890",
    });
    expect(host.inputs.keyName).toBeUndefined();
    expect(host.ignoreChanges).toEqual(["ami"]);
    const bastionRules = run().resources.filter((r) => r.type.startsWith("aws:vpc/securityGroup") && componentOf(run(), r) === "entasis:network:Bastion");
    // Its own group: egress only (443 out; the internal ALB's listener in dev). The ingress rule of the
    // bastion component sits on the ALB's group, admitting the bastion (tests/incident-access.test.ts).
    expect(bastionRules.map((r) => [r.type, r.inputs.fromPort, r.inputs.securityGroupId === "bastion-sg-id"]).sort()).toEqual([
      ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", 443, true],
      ...(stack === "dev"
        ? [
            ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", 80, true],
            ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", 80, false],
          ]
        : []),
    ].sort());
    expect(named(run(), "bastion-ssm").inputs.policyArn).toBe("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
  });

  it("tags every taggable AWS resource with environment, owner and cost centre", () => {
    const taggable = run().resources.filter((r) => r.custom && r.type.startsWith("aws:") && !UNTAGGABLE.has(r.type));
    expect(taggable.length).toBeGreaterThan(40);
    for (const r of taggable) {
      expect({ urn: r.urn, tags: tagsOf(r) }).toMatchObject({ urn: r.urn, tags: { Environment: stack, Owner: "platform-engineering", CostCenter: `entasis-${stack}`, ManagedBy: "pulumi" } });
    }
  });

  it("parents every resource under a component and registers no array-indexed names", () => {
    const all = run().resources;
    expect(all.filter((x) => x.type === "pulumi:pulumi:Stack")).toHaveLength(1);
    const others = all.filter((x) => x.type !== "pulumi:pulumi:Stack");
    expect(others.length).toBe(all.length - 1);
    expect(others.filter((r) => r.parent === undefined).map((r) => r.urn)).toEqual([]);
    // A trailing single digit is the mark of an index-keyed child (`subnet-0`, `nat-1`).
    expect(others.filter((r) => /-\d$/.test(r.name)).map((r) => r.name)).toEqual([]);
  });
});

/** AWS resource types that have no tags argument (association and rule-less glue resources). */
const UNTAGGABLE = new Set([
  // EventBridge Scheduler schedules take no tags (their schedule group carries them).
  "aws:scheduler/schedule:Schedule",
  // Route 53 records carry no tags (the hosted zone and health checks do).
  "aws:route53/record:Record",
  // Associations take no tags (the web ACL carries them).
  "aws:wafv2/webAclRuleGroupAssociation:WebAclRuleGroupAssociation",
  "aws:wafv2/webAclAssociation:WebAclAssociation",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  "aws:guardduty/detectorFeature:DetectorFeature",
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:backup/vaultPolicy:VaultPolicy",
  "aws:backup/regionSettings:RegionSettings",
  "aws:backup/selection:Selection",
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  "aws:backup/vaultPolicy:VaultPolicy",
  "aws:guardduty/detectorFeature:DetectorFeature",
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:kms/alias:Alias",
  "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
  "aws:rds/proxyTarget:ProxyTarget",
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:secretsmanager/secretVersion:SecretVersion",
]);

describe("outputs of the network tier", () => {
  it("exports subnet IDs per tier in AZ order and the security groups by role", () => {
    expect(runs.prod.outputs).toMatchObject({
      environment: "prod",
      region: "ap-northeast-2",
      vpcId: "network-vpc-id",
      privateSubnetIds: EXPECTED.prod.azs.map((az) => `network-private-${az}-id`),
      publicSubnetIds: EXPECTED.prod.azs.map((az) => `network-public-${az}-id`),
      databaseSubnetIds: EXPECTED.prod.azs.map((az) => `network-database-${az}-id`),
      securityGroupIds: { frontend: "security-groups-frontend-id", application: "security-groups-application-id", database: "security-groups-database-id", monitoring: "security-groups-monitoring-id" },
    });
  });
});

describe("frontend ingress rules", () => {
  const peers = (rules: ReturnType<typeof frontendIngressRules>): string[] => rules.map((r) => `${String(r.port)} ${"cidrIpv4" in r.peer ? r.peer.cidrIpv4 : "cidrIpv6" in r.peer ? r.peer.cidrIpv6 : r.peer.group}`).sort();

  it("admit ::/0 only when the ALB is dual-stack, and only next to 0.0.0.0/0", () => {
    expect(peers(frontendIngressRules({ tls: true, sourceCidrs: ["0.0.0.0/0"], dualStack: false }))).toEqual(["443 0.0.0.0/0", "80 0.0.0.0/0"]);
    expect(peers(frontendIngressRules({ tls: true, sourceCidrs: ["0.0.0.0/0"], dualStack: true }))).toEqual(["443 0.0.0.0/0", "443 ::/0", "80 0.0.0.0/0", "80 ::/0"]);
    expect(peers(frontendIngressRules({ tls: true, sourceCidrs: ["203.0.113.0/24"], dualStack: true }))).toEqual(["443 203.0.113.0/24", "80 203.0.113.0/24"]);
  });

  it("open only 80 without TLS (there is no HTTPS listener to admit)", () => {
    expect(peers(frontendIngressRules({ tls: false, sourceCidrs: ["203.0.113.0/24", "198.51.100.7/32"], dualStack: false }))).toEqual(["80 198.51.100.7/32", "80 203.0.113.0/24"]);
  });

  it("keep the spec's default (TLS from anywhere) as SPEC_RULES, tier rules unchanged", () => {
    expect(SPEC_RULES.filter((r) => r.group === "frontend" && r.direction === "ingress").map((r) => r.port)).toEqual([80, 443]);
    expect(SPEC_RULES.slice(2)).toEqual(TIER_RULES);
  });
});
