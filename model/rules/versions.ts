// Service versions that work together: Stargate speaks only some Cassandra lines; KRaft needs 3.3+.
import { Inventory } from "../inventory";
import { boardsWithRole } from "../placement";
import { coordinatorCassandraLine, majorMinor, stargateLine, stargateSupports } from "../versions";
import { Violation } from "../violation";

const rule = "versions";

export function checkVersions(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  const { cassandra, kafka, stargate } = inv.services;
  const onBoard = (role: "kafka-broker" | "kafka-controller" | "stargate") => boardsWithRole(inv, role)[0]?.name;
  const [kMajor, kMinor] = kafka.version.split(".").map(Number);
  if (kMajor < 3 || (kMajor === 3 && kMinor < 3)) {
    out.push({
      rule, board: onBoard("kafka-controller") ?? onBoard("kafka-broker"), field: "services.kafka.version",
      message: `Kafka ${kafka.version} predates production KRaft (3.3); ZooKeeper is not deployed`,
    });
  }
  if (stargate) {
    const line = stargateLine(stargate.version);
    const supported = stargateSupports[line];
    if (!supported) {
      out.push({
        rule, board: onBoard("stargate"), field: "services.stargate.version",
        message: `unknown Stargate line ${line} (known: ${Object.keys(stargateSupports).join(", ")})`,
      });
    } else if (!supported.includes(majorMinor(cassandra.version))) {
      out.push({
        rule, board: onBoard("stargate"), field: "services.cassandra.version",
        message: `Cassandra ${cassandra.version} is not supported by Stargate ${stargate.version} (supports ${supported.join(", ")})`,
      });
    } else {
      // The official coordinator images are built per Cassandra line (coordinator-4_0, coordinator-3_11).
      const line = coordinatorCassandraLine(stargate.coordinator.image);
      if (line && line !== majorMinor(cassandra.version)) {
        out.push({
          rule, board: onBoard("stargate"), field: "services.stargate.coordinator.image",
          message: `coordinator image ${stargate.coordinator.image} speaks Cassandra ${line}, but the ring runs ${cassandra.version}`,
        });
      }
    }
  }
  return out;
}
