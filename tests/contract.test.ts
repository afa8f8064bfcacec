import * as fs from "fs";
import { OUTPUT_DOCS } from "../stacks/outputDocs";
import { renderOutputsDoc } from "../tools/contract/docs";
import { OUTPUTS_DOC, OUTPUTS_FILE, OUTPUT_PATHS_FILE, RecordedOutputPaths, RecordedOutputs, RecordedUrns, URNS_FILE, readJson } from "../tools/contract/files";
import { outputPaths, stackOutputPaths } from "../tools/contract/paths";
import { lostStatefulUrns, statefulUrns } from "../tools/contract/stateful";
import { RecordedResource } from "../tools/offline/harness";
import { recordedRuns } from "./support/runs";

const UPDATE_HINT = "if the change is intended, run `npm run contract:update` and commit the diff";
const runs = recordedRuns(["dev", "prod"]);

describe.each(["dev", "prod"])("the outputs contract of %s", (stack) => {
  const recorded = readJson<RecordedOutputs>(OUTPUTS_FILE);

  it("still exports every recorded output (none removed or renamed)", () => {
    const missing = Object.keys(recorded).filter((name) => !(name in runs[stack].outputs));
    expect({ missing, hint: UPDATE_HINT }).toEqual({ missing: [], hint: UPDATE_HINT });
  });

  it("exports nothing that is not recorded (additions are deliberate too)", () => {
    const unrecorded = Object.keys(runs[stack].outputs).filter((name) => !(name in recorded));
    expect({ unrecorded, hint: UPDATE_HINT }).toEqual({ unrecorded: [], hint: UPDATE_HINT });
  });

  it("keeps every recorded nested key path (app teams read websocket.idleTimeoutSeconds, not just websocket) and adds none unrecorded", () => {
    const recordedPaths = readJson<RecordedOutputPaths>(OUTPUT_PATHS_FILE)[stack];
    const now = stackOutputPaths(runs[stack].outputs);
    expect(recordedPaths.length).toBeGreaterThan(Object.keys(recorded).length);
    expect(recordedPaths).toContain("websocket.idleTimeoutSeconds");
    const missing = recordedPaths.filter((p) => !now.includes(p));
    const unrecorded = now.filter((p) => !recordedPaths.includes(p));
    expect({ missing, unrecorded, hint: UPDATE_HINT }).toEqual({ missing: [], unrecorded: [], hint: UPDATE_HINT });
  });

  it("marks exactly the recorded secret outputs as secret", () => {
    const secretNames = Object.entries(recorded).filter(([, o]) => o.secret).map(([n]) => n).sort();
    const topLevelSecret = [...new Set(runs[stack].secretOutputs.map((p) => p.split(".")[0]))].sort();
    expect(topLevelSecret).toEqual(secretNames);
  });
});

describe("docs/outputs.md", () => {
  it("lists every output of OUTPUT_DOCS with its type and secretness (regenerate with npm run contract:update)", () => {
    expect(fs.readFileSync(OUTPUTS_DOC, "utf8")).toBe(renderOutputsDoc());
    expect(Object.keys(readJson<RecordedOutputs>(OUTPUTS_FILE))).toEqual(Object.keys(OUTPUT_DOCS));
  });
});

describe("stateful resources keep their URNs", () => {
  const recorded = readJson<RecordedUrns>(URNS_FILE);

  it.each(["dev", "prod"])("%s: no recorded stateful URN disappears without an alias", (stack) => {
    const lost = lostStatefulUrns(recorded[stack], runs[stack].resources);
    expect({ lost, hint: `each would be DELETED and recreated; add an alias, or ${UPDATE_HINT}` }).toEqual({ lost: [], hint: expect.any(String) });
  });

  it.each(["dev", "prod"])("%s: every stateful resource of the program is recorded", (stack) => {
    const unrecorded = statefulUrns(runs[stack].resources).filter((u) => !recorded[stack].includes(u));
    expect({ unrecorded, hint: UPDATE_HINT }).toEqual({ unrecorded: [], hint: UPDATE_HINT });
  });
});

describe("the key-path walk itself", () => {
  it("lists nested keys, array elements under [] and leaves, sorted", () => {
    expect(outputPaths({ websocket: { path: "/ws", idleTimeoutSeconds: 60 }, egressIps: ["1.2.3.4"], pools: [{ name: "a" }, { name: "b", max: 3 }], ai: null })).toEqual([
      "ai",
      "egressIps",
      "pools",
      "pools[].max",
      "pools[].name",
      "websocket",
      "websocket.idleTimeoutSeconds",
      "websocket.path",
    ]);
  });
  it("sees a renamed nested key", () => {
    const before = outputPaths({ websocket: { idleTimeoutSeconds: 60 } });
    const after = outputPaths({ websocket: { idleTimeout: 60 } });
    expect(before.filter((p) => !after.includes(p))).toEqual(["websocket.idleTimeoutSeconds"]);
  });
});

describe("the URN guard itself", () => {
  const urn = "urn:pulumi:prod::entasis-infra::entasis:network:Network$aws:ec2/vpc:Vpc::network-vpc";
  const resource = (name: string, aliases: RecordedResource["aliases"] = []): RecordedResource => ({
    urn: `urn:pulumi:prod::entasis-infra::entasis:network:Network$aws:ec2/vpc:Vpc::${name}`,
    type: "aws:ec2/vpc:Vpc",
    name,
    custom: true,
    inputs: {},
    secretPaths: [],
    state: {},
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    ignoreChanges: [],
    retainOnDelete: false,
    deleteBeforeReplace: false,
    replaceOnChanges: [],
    aliases,
  });

  it("flags a renamed stateful resource without an alias", () => {
    expect(lostStatefulUrns([urn], [resource("network-main-vpc")])).toEqual([urn]);
  });
  it("accepts a rename that carries an alias by name or by URN", () => {
    expect(lostStatefulUrns([urn], [resource("network-main-vpc", [{ name: "network-vpc" }])])).toEqual([]);
    expect(lostStatefulUrns([urn], [resource("network-main-vpc", [{ urn }])])).toEqual([]);
  });
  it("accepts an unchanged resource", () => {
    expect(lostStatefulUrns([urn], [resource("network-vpc")])).toEqual([]);
  });
});
