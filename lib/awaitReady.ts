/**
 * Pulumi waits until a custom resource reports its Ready condition before creating what depends
 * on it (pulumi-kubernetes 4.18+): a cert-manager Certificate's dependents start with its Secret
 * present instead of retrying until cert-manager catches up, and a Certificate that cannot be
 * issued fails the `pulumi up` that created it. https://www.pulumi.com/blog/improved-kubernetes-await-logic/
 */
export const WAIT_FOR_READY = { "pulumi.com/waitFor": "condition=Ready" } as const;
