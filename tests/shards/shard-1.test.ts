// Shard 1 of the test files (see tests/support/shards.ts).
import { loadShard } from "../support/shards";

loadShard(1);
