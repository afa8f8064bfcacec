import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputName, PlatformOutputs as VendoredOutputs } from "../examples/app-team/platform-outputs";
import type { PlatformOutputs } from "../stacks/outputs";
import type { OUTPUT_DOCS } from "../stacks/outputDocs";
import { OUTPUTS_SOURCE, VENDORED_TYPES, renderVendoredTypes } from "../tools/contract/appTypes";

/** What a StackReference resolves an output to: every Output<T> replaced by T, everything else kept. */
type Resolved<T> = T extends pulumi.Output<infer U>
  ? Resolved<U>
  : T extends (infer E)[]
    ? Resolved<E>[]
    : T extends readonly (infer E)[]
      ? readonly Resolved<E>[]
      : T extends object
        ? { [K in keyof T]: Resolved<T[K]> }
        : T;
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

// Checked by `tsc --noEmit` (npm test): the vendored types are exactly the real outputs, resolved.
const vendoredIsTheRealType: Equal<VendoredOutputs, Resolved<PlatformOutputs>> = true;
const namesAreTheDocumentedOutputs: Equal<PlatformOutputName, keyof typeof OUTPUT_DOCS> = true;

const EXAMPLE_DIR = path.dirname(VENDORED_TYPES);

describe("the app-team example's vendored output types", () => {
  it("are generated from stacks/outputs.ts (npm run contract:update) and match the real type", () => {
    expect(fs.readFileSync(VENDORED_TYPES, "utf8")).toBe(renderVendoredTypes());
    expect([vendoredIsTheRealType, namesAreTheDocumentedOutputs]).toEqual([true, true]);
  });

  it("change when a nested output is renamed (the generator follows the source)", () => {
    const source = fs.readFileSync(OUTPUTS_SOURCE, "utf8");
    const renamed = renderVendoredTypes(source.replace("readonly idleTimeoutSeconds: number", "readonly idleTimeout: number"));
    expect(renamed).not.toBe(renderVendoredTypes(source));
    expect(renamed).toContain("readonly idleTimeout: number");
    expect(renderVendoredTypes(source)).toContain("readonly websocket: { readonly path: string; readonly targetGroupArn: string; readonly idleTimeoutSeconds: number };");
  });

  it("leave the example importing nothing outside its own folder, so a team can copy it into its own repository", () => {
    const files = fs.readdirSync(EXAMPLE_DIR).filter((f) => f.endsWith(".ts"));
    expect(files.sort()).toEqual(["index.ts", "platform-outputs.ts", "platform.ts", "program.ts"]);
    const outside = files.flatMap((f) => [...fs.readFileSync(path.join(EXAMPLE_DIR, f), "utf8").matchAll(/from "(\.\.\/[^"]*)"/g)].map((m) => `${f}: ${m[1]}`));
    expect(outside).toEqual([]);
    expect(fs.readFileSync(VENDORED_TYPES, "utf8")).not.toMatch(/^import /m);
  });
});
