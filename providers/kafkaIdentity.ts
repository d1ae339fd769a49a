// KafkaIdentity: records a node's id and rack in state. Its provider's check compares the
// recorded identity with the new one, so `pulumi preview` refuses an in-place change.
import * as pulumi from "@pulumi/pulumi";
import { resourceTypes, withLegacyAlias } from "./resourceTypes";
import { identityChangeFailures, NodeIdentity } from "../model/identityChange";

export const kafkaIdentityProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Partial<NodeIdentity>, news: NodeIdentity) {
    return { inputs: news, failures: identityChangeFailures(olds, news) };
  },
  async create(inputs: NodeIdentity) {
    return { id: `${inputs.board}-${inputs.nodeId}`, outs: inputs };
  },
  async diff(_id: string, olds: NodeIdentity, news: NodeIdentity) {
    const changed = olds.nodeId !== news.nodeId || olds.rack !== news.rack || olds.board !== news.board;
    return { changes: changed, replaces: changed ? ["nodeId"] : [] };
  },
};

export class KafkaIdentity extends pulumi.CustomResource {
  declare public readonly nodeId: pulumi.Output<number>;
  declare public readonly rack: pulumi.Output<string>;
  constructor(name: string, args: NodeIdentity, opts?: pulumi.CustomResourceOptions) {
    super(resourceTypes.kafkaIdentity, name, { ...args, nodeId: args.nodeId, rack: args.rack }, withLegacyAlias("kafkaIdentity", opts));
  }
}
