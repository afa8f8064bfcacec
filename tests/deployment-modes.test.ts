import * as path from "path";
import { RecordedResource, StackRunResult, runStack } from "../tools/offline/harness";
import { PROJECT_ROOT, loadStackFile } from "../tools/offline/stackFile";
import { ENVIRONMENT_DEFAULTS } from "../stacks/schema/defaults";
import { MODES, MODE_PRESETS, SHAPE_PATHS, defaultsFor, overridesOf } from "../stacks/schema/modes";
import { estimateCost } from "../tools/insights/cost";
import { ResourceIndex } from "../tools/insights/model";
import { PRICES_AP_NORTHEAST_2 } from "../tools/insights/prices-ap-northeast-2";

/** The smallest stack file of a mode (examples/modes/), run once each as `npm run plan` runs a stack. */
const modeFile = (mode: string): string => path.join(PROJECT_ROOT, "examples", "modes", `Pulumi.${mode}.yaml`);
const runs: Record<string, StackRunResult> = {};
beforeAll(async () => {
  for (const mode of MODES) runs[mode] = await runStack({ stack: mode, stackFile: modeFile(mode), placeholderSecrets: true });
});

const ofType = (mode: string, type: string): RecordedResource[] => runs[mode].resources.filter((r) => r.type === type);
const one = (mode: string, type: string, name: string): RecordedResource => {
  const found = ofType(mode, type).filter((r) => r.name === name);
  expect(found.map((r) => r.name)).toEqual([name]);
  return found[0];
};
const scaling = (r: RecordedResource): { minSize: number; desiredSize: number; maxSize: number } => r.inputs.scalingConfig as { minSize: number; desiredSize: number; maxSize: number };
const NG = "aws:eks/nodeGroup:NodeGroup";
const RDS = "aws:rds/instance:Instance";
const REDIS = "aws:elasticache/replicationGroup:ReplicationGroup";
const MQ = "aws:mq/broker:Broker";
const NAT = "aws:ec2/natGateway:NatGateway";
const DR_COPY = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

describe("each deployment mode plans cleanly from a minimal stack file", () => {
  it.each(MODES)("%s: the real program runs its file under the harness, with no error and no warning but dev's plain-HTTP one", (mode) => {
    expect(runs[mode].error).toBeUndefined();
    expect(runs[mode].warnings.filter((w) => !w.includes("no entasis:edge.certificateArn, so the internal load balancer serves plain HTTP"))).toEqual([]);
    expect(loadStackFile(mode, modeFile(mode)).config["entasis:mode"]).toBe(mode);
    expect(runs[mode].resources.filter((r) => r.custom).length).toBeGreaterThan(400);
  });
});

describe("each mode's shape on AWS", () => {
  it("single: one NAT gateway, single-AZ PostgreSQL without replica or proxy, one Redis node, one broker, spot where it fits, no DR copy", () => {
    expect(ofType("single", NAT)).toHaveLength(1);
    expect(ofType("single", RDS).map((r) => [r.name, r.inputs.multiAz])).toEqual([["postgres-primary", false]]);
    expect(ofType("single", "aws:rds/proxy:Proxy")).toEqual([]);
    expect(one("single", REDIS, "redis-group").inputs).toMatchObject({ numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false });
    expect(one("single", MQ, "messaging-broker").inputs.deploymentMode).toBe("SINGLE_INSTANCE");
    const groups = ofType("single", NG);
    expect(groups.filter((g) => g.inputs.capacityType === "SPOT").map((g) => g.name).sort()).toEqual(["cluster-ai-inference-ng", "cluster-data-processing-ng-ap-northeast-2a", "cluster-data-processing-ng-ap-northeast-2c"]);
    expect(groups.filter((g) => g.name.includes("general")).every((g) => g.inputs.capacityType === "ON_DEMAND")).toBe(true);
    expect(ofType("single", DR_COPY)).toEqual([]);
    expect(ofType("single", "pulumi:providers:aws")).toEqual([]);
  });

  it("ha: a NAT gateway per zone, Multi-AZ PostgreSQL, Redis with failover over zones, a clustered broker, fixed-size pools, copies in ap-northeast-1, no proxy, replica or GPU pool", () => {
    expect(ofType("ha", NAT)).toHaveLength(3);
    expect(ofType("ha", RDS).map((r) => [r.name, r.inputs.multiAz])).toEqual([["postgres-primary", true]]);
    expect(ofType("ha", "aws:rds/proxy:Proxy")).toEqual([]);
    expect(one("ha", REDIS, "redis-group").inputs).toMatchObject({ numCacheClusters: 3, automaticFailoverEnabled: true, multiAzEnabled: true });
    expect(one("ha", MQ, "messaging-broker").inputs.deploymentMode).toBe("CLUSTER_MULTI_AZ");
    const groups = ofType("ha", NG);
    expect(groups).toHaveLength(6);
    for (const g of groups) expect(scaling(g)).toEqual({ minSize: 1, desiredSize: 1, maxSize: 1 });
    expect(groups.some((g) => g.name.includes("ai-inference"))).toBe(false);
    // Manual regional recovery: the primary's backups replicate to the DR region's provider.
    const copy = ofType("ha", DR_COPY);
    expect(copy).toHaveLength(1);
    expect(copy[0].dependencies).toContain(one("ha", RDS, "postgres-primary").urn);
    expect(ofType("ha", "pulumi:providers:aws").map((p) => p.inputs.region)).toEqual(["ap-northeast-1"]);
  });

  it("ha-scaled: ha plus autoscaled pools, a read replica of the primary, RDS Proxy and the GPU pool (today's prod)", () => {
    const primary = one("ha-scaled", RDS, "postgres-primary");
    const replica = one("ha-scaled", RDS, "postgres-replica-reporting");
    expect(primary.inputs.multiAz).toBe(true);
    expect(replica.inputs.replicateSourceDb).toBe(primary.state.identifier);
    expect(replica.dependencies).toContain(primary.urn);
    expect(ofType("ha-scaled", "aws:rds/proxy:Proxy")).toHaveLength(1);
    const groups = ofType("ha-scaled", NG);
    expect(groups).toHaveLength(7);
    for (const g of groups) expect(scaling(g).maxSize).toBeGreaterThan(scaling(g).minSize);
    expect(ofType("ha-scaled", DR_COPY)).toHaveLength(1);
  });

  it("multi-region: ha-scaled's preset plus the primary's side of DNS failover (entasis:failover; the standby is its own stack)", () => {
    expect(MODE_PRESETS["multi-region"]).toEqual(MODE_PRESETS["ha-scaled"]);
    const shape = (mode: string): string[] => runs[mode].resources.filter((r) => r.custom).map((r) => `${r.type} ${r.name}`).sort();
    const base = new Set(shape("ha-scaled"));
    expect(shape("multi-region").filter((r) => !base.has(r))).toEqual([
      "aws:route53/healthCheck:HealthCheck failover-dns-primary-health",
      "aws:route53/record:Record failover-dns-api",
      "aws:route53/record:Record failover-dns-websocket",
    ]);
    expect(shape("ha-scaled").filter((r) => !shape("multi-region").includes(r))).toEqual([]);
  });

  it("cost at pool minimum rises with the mode (figures of the README's modes table)", () => {
    const min = (mode: string): number => estimateCost(new ResourceIndex(runs[mode].resources), PRICES_AP_NORTHEAST_2).monthlyMin;
    expect(min("single")).toBeLessThan(min("ha"));
    expect(min("ha")).toBeLessThan(min("ha-scaled"));
    expect(min("multi-region")).toBeCloseTo(min("ha-scaled"), 2);
  });
});

describe("presets and stack files", () => {
  it("every shape key is in dev's and prod's tables, so single and ha-scaled set all of them (and environments none)", () => {
    const get = (o: unknown, p: string): unknown => p.split(".").reduce<unknown>((x, k) => (typeof x === "object" && x !== null ? (x as Record<string, unknown>)[k] : undefined), o);
    for (const p of SHAPE_PATHS) {
      expect({ p, dev: get(ENVIRONMENT_DEFAULTS.dev, p) !== undefined, prod: get(ENVIRONMENT_DEFAULTS.prod, p) !== undefined }).toEqual({ p, dev: true, prod: true });
      for (const mode of MODES) expect({ p, mode, set: get(MODE_PRESETS[mode], p) !== undefined }).toEqual({ p, mode, set: true });
    }
    expect(SHAPE_PATHS.length).toBe(36);
  });

  it.each([
    ["dev", "dev", "single"],
    ["prod", "prod", "multi-region"],
  ] as const)("Pulumi.%s.yaml states its mode and repeats none of its values", (stack, environment, mode) => {
    const config = loadStackFile(stack).config;
    expect(config["entasis:mode"]).toBe(mode);
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) if (k.startsWith("entasis:") && !["entasis:environment", "entasis:mode", "entasis:sleep"].includes(k)) values[k.slice("entasis:".length)] = JSON.parse(v.startsWith("{") || v.startsWith("[") ? v : JSON.stringify(v));
    const sorted = overridesOf(values, defaultsFor(environment, mode));
    expect(sorted.redundant).toEqual([]);
    // What they still override: the operators' role (a placeholder) and who may reach TimescaleDB; dev's ALB is
    // internal, and dev backs up in its working hours (entasis:sleep refuses a backup while asleep).
    expect(sorted.overrides.sort()).toEqual(
      stack === "dev" ? ["backup.schedule", "cluster.adminPrincipalArns", "edge.allowedCidrs", "edge.scheme", "timeseries.clientNamespaces"] : ["cluster.adminPrincipalArns", "timeseries.clientNamespaces"],
    );
  });
});
