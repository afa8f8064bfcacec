import { z } from "zod";
import { toRawStackConfig } from "../stacks/config";
import { renderProblem } from "../stacks/schema/problems";
import { validateStackConfig } from "../stacks/schema/stack";
import { knownKeysAt, levenshtein, nearestKey } from "../stacks/schema/suggest";
import { loadStackFile } from "../tools/offline/stackFile";

/** Validation messages of a stack file with some `ns:key` values edited (objects edited as parsed JSON). */
function messages(stack: string, edit: (config: Record<string, string>) => void): string[] {
  const config = { ...loadStackFile(stack).config };
  edit(config);
  const r = validateStackConfig(toRawStackConfig(stack, config, { slackWebhookUrl: true }));
  return r.ok ? [] : r.problems.map(renderProblem);
}

function editJson(config: Record<string, string>, key: string, change: (v: Record<string, unknown>) => void): void {
  const value = JSON.parse(config[key] ?? "{}") as Record<string, unknown>;
  change(value);
  config[key] = JSON.stringify(value);
}

describe("messages for a misspelt key", () => {
  it("show the value the user wrote, the nearest known key and the real stack file (nested key, prod)", () => {
    const found = messages("prod", (c) => editJson(c, "entasis:cluster", (v) => (v.nodePools = { general: { maxSzie: 12 } })));
    expect(found).toEqual([
      "entasis:cluster.nodePools.general.maxSzie 12 is not a known setting; did you mean entasis:cluster.nodePools.general.maxSize? Rename it in Pulumi.prod.yaml " +
        "(known here: instanceTypes, capacityType, amiType, minSize, desiredSize, maxSize, diskSizeGiB, labels, taints)",
    ]);
  });

  it("suggest the nearest top-level key, with the value as written", () => {
    expect(messages("dev", (c) => (c["entasis:monitorng"] = '{"retentionDays":7}'))).toEqual([
      expect.stringMatching(/^entasis:monitorng \{"retentionDays":7\} is not a known setting; did you mean entasis:monitoring\? Rename it in Pulumi\.dev\.yaml \(known here: environment, tags, network, /),
    ]);
  });

  it("offer no guess when nothing is close, but list the keys of that level", () => {
    expect(messages("dev", (c) => editJson(c, "entasis:network", (v) => (v.vpcName = "main")))).toEqual([
      'entasis:network.vpcName "main" is not a known setting; remove it from Pulumi.dev.yaml or fix its spelling (known here: cidr, availabilityZones, natStrategy, subnetPrefixes, subnets, flowLogs, bastion, peering)',
    ]);
  });

  it("name the real stack file for a required key", () => {
    expect(messages("dev", (c) => delete c["entasis:tags"])).toEqual(["entasis:tags (unset) is required (object); set entasis:tags in Pulumi.dev.yaml"]);
  });
});

describe("the suggestion helpers", () => {
  it("measure edit distance", () => {
    expect(levenshtein("natStratgy", "natStrategy")).toBe(1);
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("same", "same")).toBe(0);
  });

  it("pick the nearest key only when it is close enough", () => {
    expect(nearestKey("publicAcess", ["publicAccess", "publicAccessCidrs"])).toBe("publicAccess");
    expect(nearestKey("MAXSIZE", ["minSize", "maxSize"])).toBe("maxSize");
    expect(nearestKey("vpcName", ["cidr", "subnets", "peering"])).toBeUndefined();
    expect(nearestKey("x", [])).toBeUndefined();
  });

  it("find the keys of an object schema through defaults, pipes, records, arrays and unions", () => {
    const schema = z.strictObject({
      pools: z.record(z.string(), z.strictObject({ minSize: z.number(), maxSize: z.number() })).default({}),
      rules: z.array(z.strictObject({ port: z.number() })),
      target: z.union([z.strictObject({ a: z.string() }), z.strictObject({ b: z.string() })]).optional(),
      nested: z.strictObject({ deep: z.strictObject({ leaf: z.string() }) }).transform((x) => x),
    });
    expect(knownKeysAt(schema, [])).toEqual(["pools", "rules", "target", "nested"]);
    expect(knownKeysAt(schema, ["pools", "general"])).toEqual(["minSize", "maxSize"]);
    expect(knownKeysAt(schema, ["rules", 0])).toEqual(["port"]);
    expect(knownKeysAt(schema, ["target"])).toEqual(["a", "b"]);
    expect(knownKeysAt(schema, ["nested", "deep"])).toEqual(["leaf"]);
    expect(knownKeysAt(schema, ["missing"])).toEqual([]);
  });
});
