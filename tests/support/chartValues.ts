/**
 * The values a chart accepts at the top level, as tests/helm-values.test.ts checks them.
 *
 * Istio's charts (base, istiod, cni, ztunnel) keep every default under one key,
 * `_internal_defaults_do_not_set`, and users set the keys inside it at the top level (see
 * ../shared/charts/README.md). Their `templates/zzz_profile.yaml` merges, in order, those
 * defaults, the profile named by the top-level `profile` value (files/profile-<name>.yaml) and the
 * user's values, so `profile` is accepted at the top level too. The charts' README, "Profiles":
 * "These can be set with `--set profile=<profile>`" and "you should not include this [key]".
 * https://github.com/istio/istio/blob/1.30.3/manifests/charts/istiod/README.md
 */
export const ISTIO_DEFAULTS_KEY = "_internal_defaults_do_not_set";

export function acceptedValues(values: Record<string, unknown>): Record<string, unknown> {
  const inner = values[ISTIO_DEFAULTS_KEY];
  if (typeof inner !== "object" || inner === null || Array.isArray(inner) || Object.keys(values).length !== 1) return values;
  // An empty string default is a scalar placeholder: any profile name is accepted there.
  return { ...(inner as Record<string, unknown>), profile: "" };
}
