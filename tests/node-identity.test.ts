import { RecordedResource } from "../tools/offline/harness";
import { cidrContains, INSTANCE_METADATA_CIDR } from "../lib/networkPolicy";
import { named, ofType } from "./support/query";
import { recordedRuns } from "./support/runs";

// Pods must not take the node's identity: IMDSv2 tokens stop at the node (hop limit 1) and no
// NetworkPolicy path admits a pod to 169.254.169.254.

const runs = recordedRuns(["dev", "prod"]);

const METADATA_IP = INSTANCE_METADATA_CIDR.split("/")[0];

interface Block {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/** Every ipBlock of a NetworkPolicy's ingress and egress rules. */
function ipBlocks(np: RecordedResource): Block[] {
  const spec = np.inputs.spec as { ingress?: { from?: { ipBlock?: Block }[] }[]; egress?: { to?: { ipBlock?: Block }[] }[] };
  const peers = [...(spec.egress ?? []).flatMap((r) => r.to ?? []), ...(spec.ingress ?? []).flatMap((r) => r.from ?? [])];
  return peers.flatMap((p) => (p.ipBlock ? [p.ipBlock] : []));
}

describe.each(["dev", "prod"])("%s: node identity out of pods' reach", (stack) => {
  test("every launch template requires IMDSv2 with hop limit 1", () => {
    const lts = ofType(runs[stack], "aws:ec2/launchTemplate:LaunchTemplate");
    // general, ai-inference, data-processing
    expect(lts).toHaveLength(3);
    for (const lt of lts) {
      expect(lt.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    }
  });

  test("the controllers that used to read IMDS get region and VPC from config", () => {
    const run = runs[stack];
    const autoscaler = named(run, "cluster-system-cluster-autoscaler", "kubernetes:helm.sh/v3:Release");
    expect((autoscaler.inputs.values as Record<string, unknown>).awsRegion).toBe(run.config["aws:region"]);
    const lb = named(run, "lb-controller-release", "kubernetes:helm.sh/v3:Release");
    const values = lb.inputs.values as Record<string, unknown>;
    expect(values.region).toBe(run.config["aws:region"]);
    expect(values.vpcId).toBe(`${named(run, "network-vpc", "aws:ec2/vpc:Vpc").name}-id`);
  });

  test("no NetworkPolicy CIDR admits the instance metadata service", () => {
    const policies = ofType(runs[stack], "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    const blocks = policies.flatMap(ipBlocks);
    expect(blocks.length).toBeGreaterThan(10);
    const containing = blocks.filter((b) => cidrContains(b.cidr, METADATA_IP));
    // 0.0.0.0/0 for HTTPS out in several namespaces
    expect(containing.length).toBeGreaterThan(3);
    for (const b of containing) expect(b.except).toContain(INSTANCE_METADATA_CIDR);
  });

  test("no egress rule without a destination (every address, 169.254.169.254 included) opens IMDS' port 80 or every port", () => {
    type Port = { port?: number | string; endPort?: number };
    const rules = ofType(runs[stack], "kubernetes:networking.k8s.io/v1:NetworkPolicy").flatMap((np) =>
      ((np.inputs.spec as { egress?: { to?: unknown[]; ports?: Port[] }[] }).egress ?? []).map((r) => ({ name: np.name, ...r })),
    );
    const anywhere = rules.filter((r) => (r.to ?? []).length === 0);
    // istiod's way to the Kubernetes API (443), at least.
    expect(anywhere.length).toBeGreaterThan(0);
    for (const r of anywhere) {
      const ports = r.ports ?? [];
      const opensImds = ports.length === 0 || ports.some((p) => p.port === 80 || (typeof p.port === "number" && p.endPort !== undefined && p.port <= 80 && 80 <= p.endPort));
      expect([r.name, opensImds]).toEqual([r.name, false]);
    }
  });
});

test("cidrContains tells inside from outside", () => {
  expect(cidrContains("0.0.0.0/0", METADATA_IP)).toBe(true);
  expect(cidrContains("169.254.0.0/16", METADATA_IP)).toBe(true);
  expect(cidrContains("10.10.0.0/16", METADATA_IP)).toBe(false);
  expect(cidrContains("169.254.169.254/32", METADATA_IP)).toBe(true);
  expect(cidrContains("169.254.169.255/32", METADATA_IP)).toBe(false);
});
