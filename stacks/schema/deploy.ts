import { z } from "zod";
import { ConfigProblem, issue } from "./problems";

/** `org/project/stack`, as `pulumi stack ls --all` prints it. */
const STACK_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Where `pulumi up` and `pulumi preview` of this stack run: the in-VPC GitHub Actions runner that
 * the bootstrap project (`bootstrap/`) provisions. The platform peers with the runner's VPC and
 * admits it to the private Kubernetes API endpoint.
 */
export const deploySchema = z.strictObject({
  /**
   * Fully qualified name of this environment's bootstrap stack, e.g. `entasis/entasis-bootstrap/prod`.
   * Required while the API endpoint is private. Default none.
   */
  bootstrapStack: z
    .string()
    .regex(STACK_NAME_RE, { message: issue("is not a fully qualified stack name", "use <org>/entasis-bootstrap/<env>, as `pulumi stack ls --all` prints it") })
    .optional(),
});
export type DeployConfig = z.infer<typeof deploySchema>;

/** Checks that need another area: something must be able to reach the Kubernetes API. */
export function validateDeploy(deploy: DeployConfig, endpointPublic: boolean, areaKey = "entasis:deploy"): ConfigProblem[] {
  if (deploy.bootstrapStack !== undefined || endpointPublic) return [];
  return [
    {
      key: `${areaKey}.bootstrapStack`,
      value: undefined,
      problem: "is required while entasis:cluster.endpoint.publicAccess is false: nothing outside the VPC can reach the private API endpoint, so every Helm release and Kubernetes object would fail",
      fix: "deploy bootstrap/ for this environment (docs/deploy.md) and set it to <org>/entasis-bootstrap/<env>",
    },
  ];
}
