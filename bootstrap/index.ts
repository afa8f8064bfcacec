import { bootstrapProgram } from "../stacks/bootstrapProgram";

// Wiring only (see stacks/bootstrapProgram.ts): config -> runners -> stack outputs.
export = bootstrapProgram();
