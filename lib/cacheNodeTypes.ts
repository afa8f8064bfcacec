/**
 * Memory of the ElastiCache node types the stacks use or may use, GiB, as AWS lists them
 * (https://aws.amazon.com/elasticache/pricing/ , "Memory" column; node families at
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html).
 * The data set may use all but `reserved-memory-percent` of it (25% by default, kept for
 * snapshots and replication): https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/redis-memory-management.html
 */
export const CACHE_NODE_MEMORY_GIB: Readonly<Record<string, number>> = {
  "cache.t4g.micro": 0.5,
  "cache.t4g.small": 1.37,
  "cache.t4g.medium": 3.09,
  "cache.t3.micro": 0.5,
  "cache.t3.small": 1.37,
  "cache.t3.medium": 3.09,
  "cache.m6g.large": 6.38,
  "cache.m7g.large": 6.38,
  "cache.r6g.large": 13.07,
  "cache.r7g.large": 13.07,
  "cache.r7g.xlarge": 26.32,
};

/** ElastiCache's default `reserved-memory-percent`. */
export const RESERVED_MEMORY_PERCENT = 25;
