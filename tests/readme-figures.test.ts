import * as fs from "fs";
import { BEGIN, END, README, figuresTable, withFigures } from "../tools/figures";
import { attemptBootstrap } from "../tools/offline/harness";
import { listStacks } from "../tools/offline/stackFile";
import { planRun } from "./support/stackRuns";

describe("README's generated figures", () => {
  it("are what the stack files plan today: resources, monthly cost at pool min .. max, critical path (run `npm run figures` after a change)", async () => {
    const runs = [];
    for (const stack of listStacks()) runs.push(await planRun(stack));
    expect(runs.map((r) => r.stack)).toEqual(["dev", "prod", "prod-standby"]);
    const table = figuresTable(runs, await attemptBootstrap({ stack: "prod" }));
    const readme = fs.readFileSync(README, "utf8");
    expect(readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END)).trim()).toBe(table);
  });

  it("replace only the marked block", () => {
    expect(withFigures(`a\n${BEGIN}\nold\n${END}\nb`, "new")).toBe(`a\n${BEGIN}\nnew\n${END}\nb`);
    expect(() => withFigures("no markers", "x")).toThrow("README.md has no");
  });
});
