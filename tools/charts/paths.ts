import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
/** Git-ignored cache of the pinned charts' values, schemas and CRDs; what the tests read. */
export const CHART_CACHE_DIR = path.join(ROOT, ".charts");
/** A local copy of the charts' files laid out like the cache (this workplace's `../shared/charts`). */
export const DEFAULT_MIRROR_DIR = path.resolve(ROOT, "..", "shared", "charts");
/** What fills the cache. */
export const FETCH_COMMAND = "npm run charts";
export const PROJECT_DIR = ROOT;
