import { appTeamProgram } from "./program";

export = appTeamProgram();
