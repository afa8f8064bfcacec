import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { SleepSchedule, SleepingNodeGroup } from "../components/schedule/sleepSchedule";
import { Tags } from "../components/tags";
import { SleepWindow } from "../lib/sleepWindow";
import { zoneSuffix } from "../lib/zones";
import { DataTier } from "./data";
import { StackConfig } from "./config";

/**
 * `entasis:sleep` (mode single only, validated): every node group of every pool and the
 * PostgreSQL primary sleep outside working hours. Absent when the key is unset.
 */
export function buildSleep(config: StackConfig, env: { readonly namePrefix: string; readonly accountId: pulumi.Input<string>; readonly partition: pulumi.Input<string>; readonly cluster: Cluster; readonly data: DataTier; readonly tags: Tags }): SleepSchedule | undefined {
  if (config.sleep === undefined) return undefined;
  const window = config.sleep satisfies SleepWindow;
  const nodeGroups: Record<string, SleepingNodeGroup> = {};
  for (const pool of Object.values(env.cluster.nodePools)) {
    for (const [key, group] of Object.entries(pool.nodeGroups)) {
      const sizes = pool.scaling[key];
      nodeGroups[key === "all" ? pool.poolName : `${pool.poolName}-${zoneSuffix(key)}`] = {
        clusterName: group.clusterName,
        nodeGroupName: group.nodeGroupName,
        arn: group.arn,
        minSize: sizes.minSize,
        desiredSize: sizes.desiredSize,
      };
    }
  }
  const primary = env.data.postgres.primary;
  return new SleepSchedule("sleep", {
    namePrefix: env.namePrefix,
    accountId: env.accountId,
    partition: env.partition,
    window,
    nodeGroups,
    database: { identifier: primary.identifier, arn: primary.arn },
    tags: env.tags,
  });
}
