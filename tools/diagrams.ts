import * as path from "path";
import { generateDiagram, writeDiagram } from "./insights/diagramFiles";
import { PROJECT_ROOT, listStacks } from "./offline/stackFile";

/** `npm run diagrams`: regenerates docs/architecture-<stack>.md for every stack. */
async function main(): Promise<void> {
  // Sequential: the Pulumi runtime is process-global.
  for (const stack of listStacks()) {
    const file = writeDiagram(stack, await generateDiagram(stack));
    console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
