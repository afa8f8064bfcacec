import { RecordedResource } from "../offline/harness";

/** Typed reads of recorded inputs (they arrive as plain JSON values). */
export function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}
export function strOf(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === "string" ? v : undefined;
}
export function numOf(value: unknown, key: string): number | undefined {
  const v = field(value, key);
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
export function boolOf(value: unknown, key: string): boolean | undefined {
  const v = field(value, key);
  return typeof v === "boolean" ? v : undefined;
}
export function listOf(value: unknown, key: string): unknown[] {
  const v = field(value, key);
  return Array.isArray(v) ? v : [];
}
export function strListOf(value: unknown, key: string): string[] {
  return listOf(value, key).filter((x): x is string => typeof x === "string");
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The registered resources with the lookups every insight needs: by URN, the top-level component a
 * resource sits under, and which resource an input value (an ID, ARN or identifier) refers to.
 */
export class ResourceIndex {
  private readonly byUrn = new Map<string, RecordedResource>();
  private readonly byRef = new Map<string, RecordedResource[]>();
  private readonly children = new Map<string, RecordedResource[]>();

  constructor(public readonly resources: readonly RecordedResource[]) {
    for (const r of resources) {
      this.byUrn.set(r.urn, r);
      if (r.parent) this.children.set(r.parent, [...(this.children.get(r.parent) ?? []), r]);
      if (!r.custom) continue;
      // The offline cloud answers `<name>-id` for every ID (tools/offline/mocks.ts); ARNs,
      // identifiers and key IDs are what other resources pass instead of an ID.
      // Two resources of different types may share a Pulumi name (an EIP and its NAT gateway),
      // so a reference can match several: callers say which type they expect.
      for (const ref of new Set([strOf(r.state, "id") ?? `${r.name}-id`, strOf(r.state, "arn"), strOf(r.state, "identifier"), strOf(r.state, "keyId")])) {
        if (ref !== undefined) this.byRef.set(ref, [...(this.byRef.get(ref) ?? []), r]);
      }
    }
  }

  get(urn: string | undefined): RecordedResource | undefined {
    return urn === undefined ? undefined : this.byUrn.get(urn);
  }

  /**
   * The resource an input value names (by ID, ARN, identifier or key ID), if it is ours and of one
   * of the given types.
   */
  resolve(value: unknown, ...types: string[]): RecordedResource | undefined {
    if (typeof value !== "string") return undefined;
    return (this.byRef.get(value) ?? []).find((r) => types.length === 0 || types.includes(r.type));
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  childrenOf(urn: string): readonly RecordedResource[] {
    return this.children.get(urn) ?? [];
  }

  /** Every custom resource below a component (a dependency on a component waits for all of them). */
  customDescendants(urn: string): RecordedResource[] {
    return this.childrenOf(urn).flatMap((c) => (c.custom ? [c, ...this.customDescendants(c.urn)] : this.customDescendants(c.urn)));
  }

  /** The component directly under the stack that this resource belongs to (itself if it is one). */
  topLevel(r: RecordedResource): RecordedResource | undefined {
    let cur: RecordedResource | undefined = r;
    while (cur) {
      const parent = this.get(cur.parent);
      if (!parent || parent.type === STACK_TYPE) return cur.type === STACK_TYPE ? undefined : cur;
      cur = parent;
    }
    return undefined;
  }

  /** `<type> <name>` of the top-level component, or "(stack)" for resources registered at the top. */
  componentLabel(r: RecordedResource): string {
    const top = this.topLevel(r);
    return top && !top.custom ? top.name : "(stack)";
  }

  /**
   * The area a resource belongs to: the `<area>` of its top-level component's `entasis:<area>:X`
   * type token; resources outside any component belong to "stack".
   */
  area(r: RecordedResource): string {
    const top = this.topLevel(r);
    if (!top || top.custom) return "stack";
    const parts = top.type.split(":");
    return parts.length === 3 ? parts[1] : top.type;
  }

  /** The provider resource a resource uses (`urn::id` reference), when it is one of ours. */
  providerOf(r: RecordedResource): RecordedResource | undefined {
    if (!r.provider) return undefined;
    const urn = r.provider.split("::").slice(0, -1).join("::");
    return this.get(urn);
  }
}

/** `aws:ec2/natGateway:NatGateway` -> `NatGateway`. */
export function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}

/**
 * Resources a provider creates in the cloud: custom resources other than the providers themselves.
 * The one count behind the plan's "cloud resources" and README's generated figures (tools/figures.ts).
 */
export function cloudResourceCount(resources: readonly RecordedResource[]): number {
  return resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length;
}
