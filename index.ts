import { program } from "./stacks/program";

// Wiring only (see stacks/program.ts): config -> composition -> stack outputs.
export = program();
