import * as fs from "fs";
import * as path from "path";
import { DEV_ADVISORY, RULES } from "../policy/rules";
import { installedAwsVersion, renderTaggableTypes, scanTaggableTypes, GENERATED_FILE } from "../tools/policy/taggableTypes";
import { POLICY_DIR, levelOf, loadPolicyConfig } from "./support/policy";

describe("the policy pack's shape", () => {
  it("has at least 30 uniquely named rules, each tied to a control in its description", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.name).toMatch(/^[a-z0-9-]+$/);
      expect(r.name).not.toBe("all");
      expect(r.description.startsWith(`[${r.control}: `)).toBe(true);
      expect(r.framework?.reference).toBeTruthy();
      expect(r.enforcementLevel).toBe("mandatory");
    }
  });

  it("says in the description of every rule dev relaxes why it does", () => {
    for (const r of RULES) {
      if (r.devAdvisory) expect(r.description).toContain(`advisory in dev because ${r.devAdvisory}`);
      else expect(r.description).toContain("Mandatory in every stack.");
    }
  });

  it("makes every rule mandatory under the prod config", () => {
    const prod = loadPolicyConfig("prod");
    for (const r of RULES) expect({ rule: r.name, level: levelOf(r, prod) }).toEqual({ rule: r.name, level: "mandatory" });
  });

  it("makes exactly the rules that say so advisory under the dev config, and nothing else", () => {
    const dev = loadPolicyConfig("dev");
    for (const r of RULES) expect({ rule: r.name, level: levelOf(r, dev) }).toEqual({ rule: r.name, level: DEV_ADVISORY.has(r.name) ? "advisory" : "mandatory" });
    expect([...DEV_ADVISORY.keys()].sort()).toEqual(["alb-http-redirects-to-https", "backup-vault-locked", "cnpg-cluster-ha", "dr-bucket-object-lock", "dr-cross-region-copy", "elasticache-automatic-failover", "kms-key-deletion-guarded", "mesh-namespace-strict", "mq-rabbitmq-cluster-deployment", "rds-deletion-protection", "rds-multi-az"]);
  });

  it("gives each stack config only real rules and settings their schema declares", () => {
    const names = new Set(RULES.map((r) => r.name));
    for (const stack of ["dev", "prod"]) {
      for (const [key, value] of Object.entries(loadPolicyConfig(stack))) {
        if (key === "all") continue;
        expect({ stack, key, known: names.has(key) }).toEqual({ stack, key, known: true });
        const rule = RULES.find((r) => r.name === key);
        if (typeof value !== "object" || !rule) continue;
        for (const [setting, v] of Object.entries(value)) {
          if (setting === "enforcementLevel") continue;
          const schema = rule.configSchema?.properties[setting];
          expect({ stack, key, setting, declared: schema !== undefined }).toEqual({ stack, key, setting, declared: true });
          if (typeof schema === "object" && schema.minimum !== undefined) expect(Number(v)).toBeGreaterThanOrEqual(schema.minimum);
        }
      }
    }
  });

  it("ships the taggable-type list generated from the installed @pulumi/aws", () => {
    expect(fs.readFileSync(GENERATED_FILE, "utf8")).toBe(renderTaggableTypes(scanTaggableTypes(), installedAwsVersion()));
  });

  it("is a standalone pack: PulumiPolicy.yaml, pinned package.json, an index that serves RULES", () => {
    expect(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    const pkg: unknown = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
    expect(pkg).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      dependencies: { "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.248.0", "@pulumi/aws": "7.47.0", "@pulumi/kubernetes": "4.34.2" },
    });
    const index = fs.readFileSync(path.join(POLICY_DIR, "index.ts"), "utf8");
    expect(index).toMatch(/new PolicyPack\("entasis-guardrails"/);
    expect(index).toMatch(/policies: \[\.\.\.RULES\]/);
  });

  it("lists every rule in the README with its control and its level in dev and prod", () => {
    const readme = fs.readFileSync(path.join(POLICY_DIR, "..", "README.md"), "utf8");
    const rows = new Map(
      readme
        .split("\n")
        .filter((l) => l.startsWith("| `") && l.includes("|"))
        .map((l) => l.split("|").map((c) => c.trim()))
        .map((cells) => [cells[1].replace(/`/g, ""), cells] as const),
    );
    for (const r of RULES) {
      const row = rows.get(r.name);
      expect({ rule: r.name, row: row?.slice(2, 5) }).toEqual({ rule: r.name, row: [r.control, DEV_ADVISORY.has(r.name) ? "advisory" : "mandatory", "mandatory"] });
    }
  });

  it("gives the README's overview the pack's real number of rules", () => {
    const readme = fs.readFileSync(path.join(POLICY_DIR, "..", "README.md"), "utf8");
    expect(readme.match(/\| (\d+) security and reliability guardrails/)?.[1]).toBe(String(RULES.length));
  });
});
