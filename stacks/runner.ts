import * as pulumi from "@pulumi/pulumi";

/** What the platform needs of its environment's bootstrap stack (`stacks/bootstrap.ts` exports it). */
export interface RunnerLink {
  /** Fully qualified name of the bootstrap stack it was read from. */
  readonly stack: string;
  readonly vpcId: string;
  readonly cidr: string;
  /** Runner private route tables keyed by AZ. */
  readonly routeTableIds: Readonly<Record<string, string>>;
  readonly deployProject: string;
  readonly deployRoleArn: string;
  readonly previewProject: string;
  readonly previewRoleArn: string;
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");
}

/**
 * Reads the bootstrap stack's outputs as plain values (the platform keys routes by the runner's
 * AZs, so they must be known while the program is composed). Every missing or mistyped output is
 * reported at once, before any resource of the platform exists.
 */
export async function readRunner(stackName: string): Promise<RunnerLink> {
  const ref = new pulumi.StackReference(`runner-${stackName.replace(/\//g, "-")}`, { name: stackName });
  const value = async (key: string): Promise<unknown> => {
    const details = await ref.getOutputDetails(key);
    return details.value ?? details.secretValue;
  };
  const keys = ["runnerVpcId", "runnerCidr", "runnerRouteTableIds", "deployProject", "deployRoleArn", "previewProject", "previewRoleArn"] as const;
  const got = Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await value(k)] as const))) as Record<(typeof keys)[number], unknown>;
  const problems = keys.filter((k) => (k === "runnerRouteTableIds" ? !isStringRecord(got[k]) || Object.keys(got[k] as object).length === 0 : typeof got[k] !== "string"));
  if (problems.length > 0) {
    throw new pulumi.RunError(`bootstrap stack ${stackName} lacks outputs ${problems.join(", ")}: deploy bootstrap/ for this environment first (docs/deploy.md, step 2), or fix entasis:deploy.bootstrapStack`);
  }
  const str = (k: (typeof keys)[number]): string => String(got[k]);
  return {
    stack: stackName,
    vpcId: str("runnerVpcId"),
    cidr: str("runnerCidr"),
    routeTableIds: got.runnerRouteTableIds as Record<string, string>,
    deployProject: str("deployProject"),
    deployRoleArn: str("deployRoleArn"),
    previewProject: str("previewProject"),
    previewRoleArn: str("previewRoleArn"),
  };
}
