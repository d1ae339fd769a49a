// ClusterId: a KRaft CLUSTER_ID made once (16 random bytes, base64url as
// `kafka-storage random-uuid` prints it) and then never changed: it has no inputs, so no
// diff can replace it, and components protect it. Stored as a secret.
import * as pulumi from "@pulumi/pulumi";
import { resourceTypes, withLegacyAlias } from "./resourceTypes";

export const clusterIdProvider: pulumi.dynamic.ResourceProvider = {
  async create() {
    const { randomBytes } = require("node:crypto") as typeof import("node:crypto");
    // As Kafka's own Uuid.randomUuid: an id that starts with "-" reads as an option to kafka-storage.
    let clusterId = randomBytes(16).toString("base64url");
    while (clusterId.startsWith("-")) clusterId = randomBytes(16).toString("base64url");
    // The id is unrelated to the secret so that it can show in plans.
    return { id: randomBytes(4).toString("hex"), outs: { clusterId } };
  },
  async diff() {
    return { changes: false };
  },
};

export class ClusterId extends pulumi.CustomResource {
  declare public readonly clusterId: pulumi.Output<string>;
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(resourceTypes.clusterId, name, { clusterId: undefined }, withLegacyAlias("clusterId", opts, ["clusterId"]));
  }
}
