import * as fs from "fs";
import { OUTPUT_DOCS } from "../../stacks/outputDocs";
import { runStack } from "../offline/harness";
import { listStacks } from "../offline/stackFile";
import { VENDORED_TYPES, renderVendoredTypes } from "./appTypes";
import { renderOutputsDoc } from "./docs";
import { IDENTITIES_FILE, OUTPUTS_DOC, OUTPUTS_FILE, OUTPUT_PATHS_FILE, RecordedOutputPaths, RecordedUrns, URNS_FILE, writeJson } from "./files";
import { RecordedIdentities, statefulIdentities } from "./identity";
import { stackOutputPaths } from "./paths";
import { statefulUrns } from "./stateful";

/**
 * The deliberate step after an intended change of the contract: records the outputs and the
 * stateful URNs of every stack and regenerates docs/outputs.md. Review the diff it makes.
 */
async function main(): Promise<void> {
  const urns: RecordedUrns = {};
  const paths: RecordedOutputPaths = {};
  const identities: RecordedIdentities = {};
  for (const stack of listStacks()) {
    const run = await runStack({ stack, placeholderSecrets: true });
    urns[stack] = statefulUrns(run.resources);
    identities[stack] = statefulIdentities(run.resources);
    paths[stack] = stackOutputPaths(run.outputs);
  }
  writeJson(URNS_FILE, urns);
  writeJson(IDENTITIES_FILE, identities);
  writeJson(OUTPUT_PATHS_FILE, paths);
  writeJson(OUTPUTS_FILE, Object.fromEntries(Object.entries(OUTPUT_DOCS).map(([k, d]) => [k, { secret: d.secret }])));
  fs.writeFileSync(OUTPUTS_DOC, renderOutputsDoc());
  fs.writeFileSync(VENDORED_TYPES, renderVendoredTypes());
  console.log(`recorded ${Object.keys(OUTPUT_DOCS).length} outputs (${Object.values(paths).flat().length} key paths) and ${Object.values(urns).flat().length} stateful URNs; review: git diff contract/ docs/outputs.md examples/app-team/platform-outputs.ts`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
