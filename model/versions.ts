// Which Cassandra lines each Stargate line can coordinate (from Stargate's release notes).
export const stargateSupports: Record<string, readonly string[]> = {
  "v1.0": ["3.11", "4.0"],
  "v2.0": ["3.11", "4.0"],
  "v2.1": ["3.11", "4.0", "4.1"],
};

export const majorMinor = (version: string): string => version.replace(/^v/, "").split(".").slice(0, 2).join(".");

export function stargateLine(version: string): string {
  return `v${majorMinor(version)}`;
}

/** The Cassandra line an official coordinator image is built for ("stargateio/coordinator-4_0:v2.0.31" -> "4.0"); undefined if it says none. */
export function coordinatorCassandraLine(image: string): string | undefined {
  const m = /coordinator-(\d+)_(\d+)(?::|@|$)/.exec(image);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** The CLUSTER_VERSION a coordinator must announce: the Cassandra major.minor it joins. */
export function stargateClusterVersion(cassandraVersion: string): string {
  return majorMinor(cassandraVersion);
}
