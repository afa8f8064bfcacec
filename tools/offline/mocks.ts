import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * The cloud's answers, and only those: IDs, ARNs, endpoints and the results of provider
 * functions. Nothing here decides anything the program decides.
 */
export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_AMI_ID = "ami-0a1b2c3d4e5f67890";

/** Deterministic stand-in for Pulumi's random auto-name suffix. */
export function physicalName(name: string): string {
  return `${name}-${crypto.createHash("sha256").update(name).digest("hex").slice(0, 7)}`;
}

function service(type: string): string {
  const mod = type.split(":")[1]?.split("/")[0] ?? "x";
  return mod === "index" ? "aws" : mod;
}

export type ComputedState = (args: pulumi.runtime.MockResourceArgs, region: string) => Record<string, unknown>;

/** Attributes AWS computes for the resource types this program creates. */
const COMPUTED: Record<string, ComputedState> = {
  "aws:kms/key:Key": (a, region) => ({ keyId: `${a.name}-key-id`, arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/${a.name}-key-id` }),
  "aws:iam/role:Role": (a) => {
    const name = typeof a.inputs.name === "string" ? a.inputs.name : physicalName(a.name);
    return { name, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${name}`, uniqueId: `AROA${a.name.length}` };
  },
  "aws:ec2/natGateway:NatGateway": () => ({ publicIp: "203.0.113.10" }),
  // A distinct documentation-range address per allocation, as AWS would hand out.
  "aws:ec2/eip:Eip": (a) => ({ publicIp: `203.0.113.${(parseInt(hash(a.name, 4), 16) % 250) + 1}`, allocationId: `eipalloc-${hash(a.name, 17)}` }),
  "aws:mq/broker:Broker": (a, region) => {
    const id = `b-${hash(a.name, 8)}-${hash(a.name + "1", 4)}-${hash(a.name + "2", 4)}-${hash(a.name + "3", 4)}-${hash(a.name + "4", 12)}`;
    const host = `${id}.mq.${region}.on.aws`;
    return { arn: `arn:aws:mq:${region}:${MOCK_ACCOUNT_ID}:broker:${String(a.inputs.brokerName)}:${id}`, instances: [{ consoleUrl: `https://${host}`, endpoints: [`amqps://${host}:5671`], ipAddress: "" }] };
  },
  "aws:ec2/instance:Instance": () => ({ privateIp: "10.0.0.10" }),
  "aws:rds/instance:Instance": (a, region) => {
    const identifier = typeof a.inputs.identifier === "string" ? a.inputs.identifier : physicalName(a.name);
    const address = `${identifier}.c0ffee123456.${region}.rds.amazonaws.com`;
    return {
      identifier,
      address,
      port: 5432,
      endpoint: `${address}:5432`,
      resourceId: `db-${hash(identifier, 26).toUpperCase()}`,
      arn: `arn:aws:rds:${region}:${MOCK_ACCOUNT_ID}:db:${identifier}`,
    };
  },
  "aws:rds/parameterGroup:ParameterGroup": (a) => ({ name: typeof a.inputs.name === "string" ? a.inputs.name : physicalName(a.name) }),
  "aws:rds/proxy:Proxy": (a, region) => ({ endpoint: `${String(a.inputs.name)}.proxy-c0ffee123456.${region}.rds.amazonaws.com`, arn: `arn:aws:rds:${region}:${MOCK_ACCOUNT_ID}:db-proxy:prx-${hash(a.name, 17)}` }),
  "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": () => ({ name: "default" }),
  "aws:elasticache/replicationGroup:ReplicationGroup": (a, region) => {
    const id = String(a.inputs.replicationGroupId);
    return {
      primaryEndpointAddress: `master.${id}.abc123.${shortRegion(region)}.cache.amazonaws.com`,
      readerEndpointAddress: `replica.${id}.abc123.${shortRegion(region)}.cache.amazonaws.com`,
      arn: `arn:aws:elasticache:${region}:${MOCK_ACCOUNT_ID}:replicationgroup:${id}`,
    };
  },
  "aws:s3/bucket:Bucket": (a, region) => {
    const bucket = typeof a.inputs.bucket === "string" ? a.inputs.bucket : physicalName(a.name);
    return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region };
  },
  "aws:secretsmanager/secret:Secret": (a, region) => ({ arn: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:${String(a.inputs.name)}-${hash(a.name, 6)}` }),
  // The random provider's answer: a string of the requested length from the requested alphabet.
  "random:index/randomPassword:RandomPassword": (a) => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + (a.inputs.special === false ? "" : typeof a.inputs.overrideSpecial === "string" ? a.inputs.overrideSpecial : "!@#$%&*()-_=+[]{}<>:?");
    // A changed `keepers` is a new password (the provider replaces it); without keepers, the name alone.
    const keepers = typeof a.inputs.keepers === "object" && a.inputs.keepers !== null ? `\u0000${JSON.stringify(a.inputs.keepers)}` : "";
    const bytes = crypto.createHash("sha512").update(`${a.name}${keepers}`).digest();
    const length = typeof a.inputs.length === "number" ? a.inputs.length : 16;
    return { result: Array.from({ length }, (_, i) => alphabet[bytes[i % bytes.length] % alphabet.length]).join("") };
  },
  "aws:eks/cluster:Cluster": (a, region) => {
    const oidcId = crypto.createHash("sha256").update(a.name).digest("hex").slice(0, 32).toUpperCase();
    const vpcConfig = typeof a.inputs.vpcConfig === "object" && a.inputs.vpcConfig !== null ? a.inputs.vpcConfig : {};
    return {
      arn: `arn:aws:eks:${region}:${MOCK_ACCOUNT_ID}:cluster/${String(a.inputs.name)}`,
      endpoint: `https://${oidcId}.gr7.${region}.eks.amazonaws.com`,
      certificateAuthority: { data: Buffer.from("-----BEGIN CERTIFICATE-----\nMOCK\n-----END CERTIFICATE-----\n").toString("base64") },
      identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${oidcId}` }] }],
      vpcConfig: { ...vpcConfig, clusterSecurityGroupId: `sg-eks${oidcId.slice(0, 13).toLowerCase()}`, vpcId: "vpc-mock" },
      platformVersion: "eks.1",
      status: "ACTIVE",
    };
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (a) => ({
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${String(a.inputs.url).replace(/^https:\/\//, "")}`,
  }),
  "aws:ec2/launchTemplate:LaunchTemplate": (a) => ({ latestVersion: 1, defaultVersion: 1, name: physicalName(a.name) }),
  "aws:lb/loadBalancer:LoadBalancer": (a, region) => {
    const name = typeof a.inputs.name === "string" ? a.inputs.name : physicalName(a.name);
    const kind = a.inputs.loadBalancerType === "network" ? "net" : "app";
    return { dnsName: `${a.inputs.internal === true ? "internal-" : ""}${name}-1234567890.${region}.elb.amazonaws.com`, arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT_ID}:loadbalancer/${kind}/${name}/50dc6c495c0c9188` };
  },
  "aws:lb/targetGroup:TargetGroup": (a, region) => {
    const name = typeof a.inputs.name === "string" ? a.inputs.name : physicalName(a.name);
    return { arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT_ID}:targetgroup/${name}/73e2d6bc24d8a067` };
  },
  "aws:ecr/repository:Repository": (a, region) => ({ registryId: MOCK_ACCOUNT_ID, repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${String(a.inputs.name)}` }),
  "docker:index/image:Image": (a) => ({ repoDigest: `${String(a.inputs.imageName).split(":").slice(0, -1).join(":")}@sha256:${"0".repeat(64)}` }),
  "aws:eks/nodeGroup:NodeGroup": (a, region) => {
    const name = `${String(a.inputs.nodeGroupNamePrefix ?? "")}${crypto.createHash("sha256").update(a.name).digest("hex").slice(0, 26)}`;
    return { nodeGroupName: name, arn: `arn:aws:eks:${region}:${MOCK_ACCOUNT_ID}:nodegroup/${String(a.inputs.clusterName)}/${name}/mock`, status: "ACTIVE" };
  },
};

/** ElastiCache's short region code in endpoint names: ap-northeast-2 -> apn2, us-east-1 -> use1. */
export function shortRegion(region: string): string {
  const [area, direction, n] = region.split("-");
  return `${area}${direction?.[0] ?? ""}${n ?? ""}`;
}

function hash(text: string, length: number): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

export interface MockOptions {
  readonly region: string;
  /** Stacks a `pulumi.StackReference` may read: fully qualified name -> outputs and which are secret. */
  readonly stackReferences?: Readonly<Record<string, { readonly outputs: Record<string, unknown>; readonly secretOutputNames: readonly string[] }>>;
  /** Extra computed-state functions by type token (for tests of a single component). */
  readonly computed?: Record<string, ComputedState>;
  /** Answers of provider functions by token, in place of the ones below (an account configured otherwise). */
  readonly callAnswers?: Readonly<Record<string, Record<string, unknown>>>;
}

export class CloudMocks implements pulumi.runtime.Mocks {
  public readonly calls: pulumi.runtime.MockCallArgs[] = [];
  private readonly computed: Record<string, ComputedState>;
  /** Region of each explicit AWS provider by its ID: resources it manages live (and have ARNs) there. */
  private readonly providerRegions = new Map<string, string>();

  constructor(private readonly opts: MockOptions) {
    this.computed = { ...COMPUTED, ...(opts.computed ?? {}) };
  }

  /** The region AWS would create the resource in: its explicit provider's, else the stack's. */
  private regionOf(args: pulumi.runtime.MockResourceArgs): string {
    const providerId = args.provider?.split("::").pop();
    return (providerId !== undefined ? this.providerRegions.get(providerId) : undefined) ?? this.opts.region;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    if (args.type === "pulumi:providers:aws") {
      const id = `${args.name}-id`;
      if (typeof args.inputs.region === "string") this.providerRegions.set(id, args.inputs.region);
      return { id, state: { ...args.inputs } };
    }
    if (args.type === "pulumi:pulumi:StackReference") {
      // The Pulumi service's answer for another stack: its outputs and the names of secret ones.
      const name = String(args.inputs.name);
      const ref = this.opts.stackReferences?.[name];
      if (!ref) throw new Error(`no stack ${name} in the offline stack references (known: ${Object.keys(this.opts.stackReferences ?? {}).join(", ") || "none"})`);
      return { id: name, state: { name, outputs: ref.outputs, secretOutputNames: [...ref.secretOutputNames] } };
    }
    const id = args.id && args.id !== "" ? args.id : `${args.name}-id`;
    const name = typeof args.inputs.name === "string" ? args.inputs.name : physicalName(args.name);
    const region = this.regionOf(args);
    const base: Record<string, unknown> = {
      ...args.inputs,
      name,
      arn: `arn:aws:${service(args.type)}:${region}:${MOCK_ACCOUNT_ID}:${name}`,
    };
    const extra = this.computed[args.type]?.(args, region) ?? {};
    return { id, state: { ...base, ...extra } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    this.calls.push(args);
    const region = this.opts.region;
    const answer = this.opts.callAnswers?.[args.token];
    if (answer) return answer;
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline`, userId: "AIDAOFFLINE", id: MOCK_ACCOUNT_ID };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
      case "aws:index/getRegion:getRegion":
        return { name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region, id: region };
      case "aws:index/getAvailabilityZones:getAvailabilityZones": {
        const letters = ["a", "b", "c", "d"];
        return { names: letters.map((l) => `${region}${l}`), zoneIds: letters.map((_, i) => `apne2-az${i + 1}`), id: region };
      }
      case "aws:elb/getServiceAccount:getServiceAccount": {
        // The regional Elastic Load Balancing accounts that write access logs (regions before August 2022).
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
        const accounts: Record<string, string> = { "ap-northeast-2": "600734575887", "ap-northeast-1": "582318560864", "us-east-1": "127311923021" };
        const account = accounts[region];
        if (account) return { arn: `arn:aws:iam::${account}:root`, id: account };
        break;
      }
      case "aws:eks/getAddonVersion:getAddonVersion":
        // EKS's default version for the add-on on that Kubernetes version; the value is a stand-in.
        return { addonName: args.inputs.addonName, kubernetesVersion: args.inputs.kubernetesVersion, version: `v0.0.0-eksbuild.mock-${String(args.inputs.addonName)}-${String(args.inputs.kubernetesVersion)}`, id: String(args.inputs.addonName) };
      case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
        return { authorizationToken: "QVdTOm1vY2s=", userName: "AWS", password: "mock-ecr-password", proxyEndpoint: `https://${MOCK_ACCOUNT_ID}.dkr.ecr.${this.opts.region}.amazonaws.com`, expiresAt: "2099-01-01T00:00:00Z", id: String(args.inputs.registryId ?? MOCK_ACCOUNT_ID) };
      case "aws:guardduty/getDetector:getDetector":
        // A member account's detector as an organization's delegated administrator leaves it with
        // EKS protection and managed runtime monitoring (docs/security.md); a real preview reads the account's.
        return {
          id: "12abc34d567e8fa901bc2d34e56789f0",
          arn: `arn:aws:guardduty:${region}:${MOCK_ACCOUNT_ID}:detector/12abc34d567e8fa901bc2d34e56789f0`,
          status: "ENABLED",
          findingPublishingFrequency: "SIX_HOURS",
          serviceRoleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
          region,
          tags: {},
          features: [
            { name: "EKS_AUDIT_LOGS", status: "ENABLED", additionalConfigurations: [] },
            { name: "RUNTIME_MONITORING", status: "ENABLED", additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }] },
          ],
        };
      case "aws:ssm/getParameter:getParameter":
        if (typeof args.inputs.name === "string" && args.inputs.name.startsWith("/aws/service/ami-amazon-linux-latest/")) {
          return { name: args.inputs.name, value: MOCK_AMI_ID, insecureValue: MOCK_AMI_ID, type: "String", version: 1, arn: `arn:aws:ssm:${region}::parameter${args.inputs.name}`, id: args.inputs.name };
        }
        break;
    }
    throw new Error(`unmocked provider function ${args.token}(${JSON.stringify(args.inputs)}): add its cloud answer to tools/offline/mocks.ts`);
  }
}
