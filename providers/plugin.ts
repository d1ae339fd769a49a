// Entry point of pulumi-resource-deskcluster, the plugin Pulumi.yaml names under
// plugins.providers: the engine starts it once per run and speaks gRPC to it.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { main } from "@pulumi/pulumi/provider";
import { clusterIdProvider } from "./clusterId";
import { kafkaIdentityProvider } from "./kafkaIdentity";
import { pluginProvider, Served } from "./pluginProvider";
import { serveReadWithInputs } from "./readWithInputs";
import { remoteCommandProvider } from "./remoteCommand";
import { resourceTypes } from "./resourceTypes";
import { serviceRollProvider } from "./serviceRoll";
import { swarmObjectProvider } from "./swarmObject";

// The project's version is the plugin's: the program and the plugin always come from one checkout.
// (Found upward: this file runs from bin/providers, compiled.)
function projectVersion(): string {
  for (let d = __dirname; d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return (JSON.parse(readFileSync(join(d, "package.json"), "utf8")) as { version: string }).version;
  }
  throw new Error("deskcluster provider: no package.json above " + __dirname);
}

export const served: Served = {
  [resourceTypes.remoteCommand]: remoteCommandProvider,
  [resourceTypes.swarmService]: swarmObjectProvider,
  [resourceTypes.swarmConfig]: swarmObjectProvider,
  [resourceTypes.swarmSecret]: swarmObjectProvider,
  [resourceTypes.swarmNetwork]: swarmObjectProvider,
  [resourceTypes.cassandraRoll]: serviceRollProvider,
  [resourceTypes.kafkaRoll]: serviceRollProvider,
  [resourceTypes.clusterId]: clusterIdProvider,
  [resourceTypes.kafkaIdentity]: kafkaIdentityProvider,
};

if (require.main === module) {
  const provider = pluginProvider(served, projectVersion());
  const readServed = serveReadWithInputs(provider.read);
  main(provider, process.argv.slice(2)).then(() => {
    // Without it every refresh would read with outputs alone, which no longer carry the applied specs.
    if (!readServed()) throw new Error("the SDK's provider server was not found: read cannot get its inputs");
  }).catch((e: Error) => {
    console.error(`deskcluster provider: ${e.stack ?? e.message}`);
    process.exit(1);
  });
}
