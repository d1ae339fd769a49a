// Service versions that work together: Stargate speaks only some Cassandra lines; KRaft needs 3.3+.
import { Inventory } from "../inventory";
import { boardsWithRole } from "../placement";
import { majorMinor, stargateLine, stargateSupports } from "../versions";
import { Violation } from "../violation";

const rule = "versions";

export function checkVersions(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  const { cassandra, kafka, stargate } = inv.services;
  const onBoard = (role: "kafka-broker" | "kafka-controller" | "stargate") => boardsWithRole(inv, role)[0]?.name;
  const [kMajor, kMinor] = kafka.version.split(".").map(Number);
  if (kMajor < 3 || (kMajor === 3 && kMinor < 3)) {
    out.push({ rule, board: onBoard("kafka-controller") ?? onBoard("kafka-broker"), field: "services.kafka.version", message: `Kafka ${kafka.version} predates production KRaft (3.3); ZooKeeper is not deployed` });
  }
  if (stargate) {
    const line = stargateLine(stargate.version);
    const supported = stargateSupports[line];
    if (!supported) {
      out.push({ rule, board: onBoard("stargate"), field: "services.stargate.version", message: `unknown Stargate line ${line} (known: ${Object.keys(stargateSupports).join(", ")})` });
    } else if (!supported.includes(majorMinor(cassandra.version))) {
      out.push({ rule, board: onBoard("stargate"), field: "services.cassandra.version", message: `Cassandra ${cassandra.version} is not supported by Stargate ${stargate.version} (supports ${supported.join(", ")})` });
    }
  }
  return out;
}
