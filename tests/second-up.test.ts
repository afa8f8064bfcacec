import { InputsView, NORMALIZED_INPUTS } from "../lib/normalizedInputs";
import { RecordedResource, StackRunResult } from "../tools/offline/harness";
import { stackRun } from "./support/stackRuns";

const STACKS = ["dev", "prod"] as const;
const runs: Record<string, StackRunResult> = {};
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await stackRun(stack);
});

/** The resources a rule governs: every resource of its type (Deployments only when an HPA targets them). */
function governed(run: StackRunResult, type: string): RecordedResource[] {
  const all = run.resources.filter((r) => r.custom && r.type === type);
  if (type !== "kubernetes:apps/v1:Deployment") return all;
  const targets = run.resources
    .filter((r) => r.type.startsWith("kubernetes:autoscaling/") && r.type.endsWith(":HorizontalPodAutoscaler"))
    .map((r) => ((r.inputs.spec as { scaleTargetRef?: { name?: string } }).scaleTargetRef ?? {}).name);
  return all.filter((d) => targets.includes((d.inputs.metadata as { name?: string }).name));
}

describe("a second `pulumi up` changes nothing: every input the cloud normalizes matches or is ignored (lib/normalizedInputs.ts)", () => {
  it.each(STACKS)("%s: each listed type's resources pass their rule", (stack) => {
    const seen: Record<string, number> = {};
    for (const rule of NORMALIZED_INPUTS) {
      for (const r of governed(runs[stack], rule.type)) {
        expect({ name: r.name, field: rule.field, problem: rule.check(r) }).toEqual({ name: r.name, field: rule.field, problem: undefined });
        seen[`${rule.type} ${rule.field}`] = (seen[`${rule.type} ${rule.field}`] ?? 0) + 1;
      }
    }
    // Counted: 2 RDS instances in prod (primary + replica), 1 in dev; node groups 7 / 5; one HPA target; RegionSettings in prod only.
    expect(seen).toEqual({
      "aws:rds/instance:Instance engineVersion": stack === "prod" ? 2 : 1,
      "aws:rds/instance:Instance allocatedStorage": stack === "prod" ? 2 : 1,
      "aws:elasticache/replicationGroup:ReplicationGroup engineVersion": 1,
      "aws:mq/broker:Broker engineVersion": 1,
      "aws:eks/nodeGroup:NodeGroup scalingConfig.desiredSize": stack === "prod" ? 7 : 5,
      "kubernetes:apps/v1:Deployment spec.replicas": 1,
      "aws:ec2/instance:Instance ami": 1,
      ...(stack === "prod" ? { "aws:backup/regionSettings:RegionSettings resourceTypeOptInPreference": 1 } : {}),
    });
  });

  it("every rule names its source and governs a type the program creates", () => {
    for (const rule of NORMALIZED_INPUTS) {
      expect(rule.source).toMatch(/^https:\/\//);
      expect(STACKS.some((s) => governed(runs[s], rule.type).length > 0)).toBe(true);
    }
  });

  it("fails a resource of a listed type that neither matches nor ignores", () => {
    const rule = (type: string, field: string) => {
      const found = NORMALIZED_INPUTS.find((x) => x.type === type && x.field === field);
      if (!found) throw new Error(`no rule ${type} ${field}`);
      return found;
    };
    const view = (inputs: Record<string, unknown>, ignoreChanges: string[] = []): InputsView => ({ inputs, ignoreChanges });
    expect(rule("aws:rds/instance:Instance", "engineVersion").check(view({ engineVersion: "17.4", autoMinorVersionUpgrade: true }))).toContain("give the major only");
    expect(rule("aws:rds/instance:Instance", "engineVersion").check(view({ engineVersion: "17.4", autoMinorVersionUpgrade: true }, ["engineVersion"]))).toBeUndefined();
    expect(rule("aws:backup/regionSettings:RegionSettings", "resourceTypeOptInPreference").check(view({ resourceTypeOptInPreference: { RDS: true } }))).toBeDefined();
    expect(rule("aws:elasticache/replicationGroup:ReplicationGroup", "engineVersion").check(view({ engineVersion: "7.1.0" }))).toBeDefined();
    expect(rule("aws:eks/nodeGroup:NodeGroup", "scalingConfig.desiredSize").check(view({}))).toBeDefined();
  });
});
