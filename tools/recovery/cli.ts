import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../offline/stackFile";
import { recoveryConfig, recoveryConfigPath } from "./recoveryConfig";

// Writes docs/recovery/Pulumi.<stack>-dr.yaml for a source stack (default prod).
const source = process.argv[2] ?? "prod";
const out = recoveryConfigPath(source);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, recoveryConfig(source).text);
console.log(`wrote ${path.relative(PROJECT_ROOT, out)}`);
