import { RecordedResource } from "../offline/harness";
import { ResourceIndex } from "./model";

/**
 * What a resource waits for before the engine creates it, as @pulumi/pulumi 3.x (Node SDK) and the
 * engine order a `pulumi up`:
 *
 * - declared: its `dependsOn` and every input's dependencies. A dependency on a component stands for
 *   the component's custom descendants (runtime/dependsOn.js, getAllTransitivelyReferencedResources).
 * - provider: the explicit provider resource.
 * - parent: a custom parent.
 * - inherited: what a component ancestor waits for. The SDK does not copy a parent's `dependsOn`
 *   into the child's own list (resource.js, Resource constructor: only providers, protect and
 *   transformations are inherited), but a child's RegisterResource is sent only once its parent's
 *   URN resolves (runtime/resource.js, prepareResource: `await parent.urn.promise()`), and a
 *   component's URN resolves only after its own registration, which first awaits the URNs of all
 *   of its dependencies, i.e. their creation (prepareResource: gatherExplicitDependencies and
 *   getAllTransitivelyReferencedResourceURNs). The engine's graph follows parents the same way
 *   (pkg/resource/graph/dependency_graph.go, TransitiveDependenciesOf marks the parent chain).
 */
export type WaitKind = "declared" | "provider" | "parent" | "inherited";

export interface Wait {
  readonly to: string;
  readonly kind: WaitKind;
}

export interface WaitOptions {
  /** Follow what component ancestors wait for (the SDK does). False shows what a resource's own registration declares. Default true. */
  readonly inheritFromParents?: boolean;
}

export class WaitGraph {
  private readonly directCache = new Map<string, readonly Wait[]>();
  private readonly componentCache = new Map<string, readonly string[]>();
  private readonly allCache = new Map<string, ReadonlySet<string>>();
  private readonly inherit: boolean;

  constructor(
    public readonly idx: ResourceIndex,
    opts: WaitOptions = {},
  ) {
    this.inherit = opts.inheritFromParents ?? true;
  }

  /** Custom resources (and providers) a resource's own registration names, components expanded. */
  private declared(r: RecordedResource): string[] {
    const urns = new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()]);
    return [...urns].flatMap((urn) => {
      const d = this.idx.get(urn);
      if (!d) return [];
      return d.custom ? [d.urn] : this.idx.customDescendants(d.urn).map((c) => c.urn);
    });
  }

  /** What every child of this component waits for (its declared waits and its own ancestors'). */
  private componentWaits(c: RecordedResource): readonly string[] {
    const cached = this.componentCache.get(c.urn);
    if (cached) return cached;
    const parent = this.idx.get(c.parent);
    const fromParent = !parent ? [] : parent.custom ? [parent.urn] : this.componentWaits(parent);
    const waits = [...new Set([...this.declared(c), ...fromParent])];
    this.componentCache.set(c.urn, waits);
    return waits;
  }

  /** Direct waits of a custom resource, each with the reason it waits. */
  direct(urn: string): readonly Wait[] {
    const cached = this.directCache.get(urn);
    if (cached) return cached;
    const r = this.idx.get(urn);
    const waits: Wait[] = [];
    if (r) {
      for (const to of this.declared(r)) waits.push({ to, kind: "declared" });
      const provider = this.idx.providerOf(r);
      if (provider) waits.push({ to: provider.urn, kind: "provider" });
      const parent = this.idx.get(r.parent);
      if (parent?.custom) waits.push({ to: parent.urn, kind: "parent" });
      else if (parent && this.inherit) for (const to of this.componentWaits(parent)) waits.push({ to, kind: "inherited" });
    }
    const unique = [...new Map(waits.filter((w) => w.to !== urn).map((w) => [w.to, w])).values()];
    this.directCache.set(urn, unique);
    return unique;
  }

  /** Everything a resource waits for, directly or through what those wait for. */
  all(urn: string): ReadonlySet<string> {
    const cached = this.allCache.get(urn);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...this.direct(urn).map((w) => w.to)];
    while (stack.length > 0) {
      const next = stack.pop();
      if (next === undefined || seen.has(next)) continue;
      seen.add(next);
      for (const w of this.direct(next)) if (!seen.has(w.to)) stack.push(w.to);
    }
    seen.delete(urn);
    this.allCache.set(urn, seen);
    return seen;
  }

  waitsFor(urn: string, target: string): boolean {
    return this.all(urn).has(target);
  }
}
