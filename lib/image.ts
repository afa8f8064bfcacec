/**
 * Whether a container image reference names its registry host. Without one, the kubelet (like
 * `docker pull`) resolves the name on Docker Hub: `trading-api:1.0.0` means
 * `docker.io/library/trading-api:1.0.0`, which is not where our image lives.
 *
 * Same rule as the reference implementation every runtime uses: the part before the first `/` is a
 * registry host when it contains `.` or `:`, is `localhost`, or has an uppercase letter (repository
 * paths are lowercase); otherwise the whole name is a Docker Hub repository.
 * https://github.com/distribution/reference/blob/main/normalize.go (splitDockerDomain)
 */
export function imageHasRegistry(image: string): boolean {
  const slash = image.indexOf("/");
  if (slash === -1) return false;
  const first = image.slice(0, slash);
  return /[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first;
}
