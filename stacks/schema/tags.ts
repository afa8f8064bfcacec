import { z } from "zod";

/** `entasis:tags` (and the bootstrap project's `entasis-bootstrap:tags`). */
export const tagsSchema = z.strictObject({
  /** Team that owns the stack (tag `Owner`). */
  owner: z.string().min(1).max(256),
  /** Cost centre for billing (tag `CostCenter`). */
  costCenter: z.string().min(1).max(256),
});

/** The tags every AWS resource of a stack carries (the platform's and the bootstrap project's alike). */
export function stackTags(environment: string, tags: z.infer<typeof tagsSchema>, stack: string): Readonly<Record<string, string>> {
  return { Project: "entasis", Environment: environment, Owner: tags.owner, CostCenter: tags.costCenter, ManagedBy: "pulumi", Stack: stack };
}
