import { ResourceRule, resourceRule } from "./common";
import { C } from "./controls";
import { TAGGABLE_AWS_TYPES } from "./taggableTypes";

/** The keys cost reports and incident routing group by (the program sets them in `stacks/schema/stack.ts`). */
export const REQUIRED_TAGS: readonly string[] = ["Environment", "Owner", "CostCenter"];

export const taggingRules: readonly ResourceRule[] = [
  resourceRule({
    name: "aws-required-tags",
    control: C.TAGS,
    severity: "low",
    description: `Every taggable AWS resource (a type whose SDK Args declare tags; ${TAGGABLE_AWS_TYPES.size} types in @pulumi/aws 7.47) carries non-empty ${REQUIRED_TAGS.join(", ")} tags. Provider defaultTags are not counted: the program tags each resource explicitly.`,
    validateResource: (args, report) => {
      if (!TAGGABLE_AWS_TYPES.has(args.type)) return args.notApplicable("the type takes no tags");
      const tags: unknown = args.props.tags;
      const present = (k: string): boolean => typeof tags === "object" && tags !== null && k in tags && typeof Reflect.get(tags, k) === "string" && Reflect.get(tags, k) !== "";
      const missing = REQUIRED_TAGS.filter((k) => !present(k));
      if (missing.length > 0) report(`missing tags: ${missing.join(", ")}.`);
    },
  }),
];
