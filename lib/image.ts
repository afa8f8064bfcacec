/**
 * The registry host of a container image reference, or undefined when it names none. Without
 * one, the kubelet (like `docker pull`) resolves the name on Docker Hub: `trading-api:1.0.0`
 * means `docker.io/library/trading-api:1.0.0`, which is not where our image lives.
 *
 * Same rule as the reference implementation every runtime uses: the part before the first `/` is a
 * registry host when it contains `.` or `:`, is `localhost`, or has an uppercase letter (repository
 * paths are lowercase); otherwise the whole name is a Docker Hub repository.
 * https://github.com/distribution/reference/blob/main/normalize.go (splitDockerDomain)
 */
export function registryHost(image: string): string | undefined {
  const slash = image.indexOf("/");
  if (slash === -1) return undefined;
  const first = image.slice(0, slash);
  return /[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first ? first : undefined;
}

/** Whether an image reference names its registry host (see registryHost). */
export function imageHasRegistry(image: string): boolean {
  return registryHost(image) !== undefined;
}
