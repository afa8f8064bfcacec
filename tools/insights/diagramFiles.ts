import * as fs from "fs";
import * as path from "path";
import { RunResult, runStack } from "../offline/harness";
import { PROJECT_ROOT } from "../offline/stackFile";
import { diagramMarkdown } from "./diagram";
import { ResourceIndex } from "./model";

export const DOCS_DIR = path.join(PROJECT_ROOT, "docs");

export function diagramFile(stack: string, dir = DOCS_DIR): string {
  return path.join(dir, `architecture-${stack}.md`);
}

export function diagramOf(run: RunResult): string {
  return diagramMarkdown(run.stack, new ResourceIndex(run.resources));
}

/** Runs the program for a stack offline (placeholder secrets, as `npm run plan` does) and renders its page. */
export async function generateDiagram(stack: string): Promise<string> {
  return diagramOf(await runStack({ stack, placeholderSecrets: true }));
}

export function writeDiagram(stack: string, markdown: string, dir = DOCS_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = diagramFile(stack, dir);
  fs.writeFileSync(file, markdown);
  return file;
}
