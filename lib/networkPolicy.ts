import * as k8s from "@pulumi/kubernetes";

/**
 * The instance metadata service. Node launch templates already keep IMDSv2 tokens from reaching
 * pods (hop limit 1, components/cluster/nodePool.ts); every NetworkPolicy CIDR that would contain
 * this address excepts it as well, so no policy path admits a pod to the node's identity.
 * https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_restrict_access_to_the_instance_profile_assigned_to_the_worker_node
 */
export const INSTANCE_METADATA_CIDR = "169.254.169.254/32";

/** A NetworkPolicy ipBlock: the CIDR, minus the instance metadata address when the CIDR contains it. */
export interface IpBlock {
  cidr: string;
  except?: string[];
}

function toInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** Whether an IPv4 CIDR contains an address. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split("/");
  const prefix = Number(bits ?? "32");
  const size = 2 ** (32 - prefix);
  const start = Math.floor(toInt(base) / size) * size;
  const addr = toInt(ip);
  return addr >= start && addr < start + size;
}

/** `ipBlock` for a NetworkPolicy peer that never admits 169.254.169.254. */
export function ipBlockWithoutMetadata(cidr: string): IpBlock {
  return cidrContains(cidr, INSTANCE_METADATA_CIDR.split("/")[0]) ? { cidr, except: [INSTANCE_METADATA_CIDR] } : { cidr };
}

/** Every IPv4 address but the instance metadata service. */
export const ANYWHERE_BUT_METADATA: IpBlock = ipBlockWithoutMetadata("0.0.0.0/0");

/** The CIDR of every IPv4 address; peers built from it always except the instance metadata service. */
export const ANY_IPV4 = "0.0.0.0/0";

/**
 * Egress to CoreDNS (the kube-dns pods in kube-system) on UDP and TCP 53: the first allow of every
 * closed namespace. One definition for NamespaceGuard, the mesh's istiod and the secret-reading Jobs.
 */
export function dnsEgress(): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
  return {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
  };
}
