// Loads this stack's inventory and secrets, refuses bad input before touching anything,
// and builds the desk cluster.
import * as pulumi from "@pulumi/pulumi";
import { DeskCluster } from "./components/deskCluster";
import { loadStackInputs } from "./components/stackInputs";

const inputs = loadStackInputs(new pulumi.Config("deskcluster"));
const cluster = new DeskCluster(inputs.inventory.cluster.name, inputs);

export const boards = Object.keys(cluster.boards);
export const cassandraContactPoints = cluster.cassandra.contactPoints;
export const kafkaBootstrapServers = cluster.kafka.bootstrapServers;
export const kafkaClusterId = cluster.kafka.clusterId;
export const graphqlUrls = cluster.stargate?.graphqlUrls ?? [];
export const healthTable = cluster.health?.table;
