
/**
 * Rotation of the secrets the platform generates (`@pulumi/random` RandomPassword): a password is
 * replaced when its `keepers` change (replace-on-change). A stack that never configured a rotation
 * passes no `keepers` at all, so merging rotation support changes no input of an existing stack;
 * the first configured generation (1) adds keepers and therefore rotates once, each later one again.
 * docs/secret-rotation.md.
 */

/** The `keepers` key that carries a secret's rotation generation. */
export const ROTATION_KEEPER = "rotation";

/**
 * Spread into a RandomPassword's args: `{ keepers: { rotation: "<n>" } }` for a configured
 * generation, nothing (not even an undefined `keepers`) without one.
 */
export function rotationKeepers(generation: number | undefined): { keepers?: Record<string, string> } {
  return generation === undefined ? {} : { keepers: { [ROTATION_KEEPER]: String(generation) } };
}

/** The pod-template annotation that makes a workload restart (or a Job re-run) when a password it uses rotates. */
export const ROTATION_ANNOTATION = "entasis.io/password-generation";

/** Spread into pod-template annotations: the generation when one is configured, nothing otherwise. */
export function rotationAnnotation(generation: number | undefined): Record<string, string> {
  return generation === undefined ? {} : { [ROTATION_ANNOTATION]: String(generation) };
}
