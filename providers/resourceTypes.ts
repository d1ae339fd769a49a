// The engine type of every resource deskcluster's provider plugin serves, and the type the same
// resource had while it was a dynamic resource (0.1.x). A resource registers under its new type
// with the old one as an alias, so a desk converged by 0.1.x upgrades in place: same URN
// lineage, an update that drops the stored provider code, never a replacement.
import type { CustomResourceOptions } from "@pulumi/pulumi";

export const resourceTypes = {
  remoteCommand: "deskcluster:remote:Command",
  swarmService: "deskcluster:swarm:Service",
  swarmConfig: "deskcluster:swarm:Config",
  swarmSecret: "deskcluster:swarm:Secret",
  swarmNetwork: "deskcluster:swarm:Network",
  cassandraRoll: "deskcluster:roll:CassandraRoll",
  kafkaRoll: "deskcluster:roll:KafkaRoll",
  clusterId: "deskcluster:kafka:ClusterId",
  kafkaIdentity: "deskcluster:kafka:Identity",
} as const;

export type ResourceKind = keyof typeof resourceTypes;
export type ResourceType = (typeof resourceTypes)[ResourceKind];

const legacyNames: Record<ResourceKind, string> = {
  remoteCommand: "RemoteCommand", swarmService: "SwarmService", swarmConfig: "SwarmConfig", swarmSecret: "SwarmSecret",
  swarmNetwork: "SwarmNetwork", cassandraRoll: "CassandraRoll", kafkaRoll: "KafkaRoll", clusterId: "ClusterId", kafkaIdentity: "KafkaIdentity",
};

/** The dynamic-provider type of 0.1.x, for aliases. */
export const legacyType = (kind: ResourceKind): string => `pulumi-nodejs:dynamic/deskcluster:${legacyNames[kind]}`;

/** A resource's options with its 0.1.x type added to its aliases: how every deskcluster resource registers. */
export function withLegacyAlias(kind: ResourceKind, opts: CustomResourceOptions | undefined, secretOutputs: string[] = []): CustomResourceOptions {
  return {
    ...opts, aliases: [...(opts?.aliases ?? []), { type: legacyType(kind) }],
    ...(secretOutputs.length > 0 ? { additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretOutputs] } : {}),
  };
}

/** Where a 0.1.x dynamic resource kept its provider's serialized code, in inputs and outputs. */
export const legacyProviderKey = "__provider";

/** The resource type named by a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}
