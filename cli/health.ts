// `npm run health`: the latest vitals of every board, read through the GraphQL gateway
// (Stargate's API over the table the health sink fills). Default: the local lab. A real desk:
// --inventory and --password-file. --watch redraws the table every second (Ctrl-C to stop).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { vitalsTable } from "../health/latestVitals";
import { graphqlSession, latestVitalsOverGraphql } from "../health/vitalsGraphql";
import { healthOf, healthTable } from "../model/healthConfig";
import { Inventory } from "../model/inventory";
import { labStack } from "../model/labStack";
import { boardsWithRole } from "../model/placement";
import { validateInventoryFile } from "../model/validateInventory";
import { formatViolation } from "../model/violation";

function target(values: { inventory?: string; "password-file"?: string }): { inventory: Inventory; password: string } {
  if (!values.inventory) {
    const lab = labStack(join(__dirname, ".."));
    return { inventory: lab.inventory, password: lab.password };
  }
  const { inventory, violations } = validateInventoryFile(values.inventory);
  if (!inventory) throw new Error(violations.map(formatViolation).join("\n"));
  if (!values["password-file"]) throw new Error("--password-file is needed with --inventory (the Cassandra superuser password)");
  return { inventory, password: readFileSync(values["password-file"], "utf8").trim() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    inventory: { type: "string" }, "password-file": { type: "string" }, watch: { type: "boolean", default: false },
  } });
  const { inventory, password } = target(values);
  const h = healthOf(inventory);
  // One token for the whole watch: the gateway refreshes its TTL on every use.
  const session = await graphqlSession(inventory, password);
  const boards = boardsWithRole(inventory, "health-agent").map((b) => b.name).sort();
  const url = `${session.endpoint.graphql}/${h.keyspace}`;
  do {
    const table = vitalsTable(await latestVitalsOverGraphql(session, h.keyspace, healthTable, boards));
    if (values.watch) process.stdout.write("\x1b[2J\x1b[H");
    console.log(`${inventory.cluster.name}: latest vitals (${h.keyspace}.${healthTable}), read through GraphQL at ${url}\n${table}`);
    if (values.watch) await new Promise((r) => setTimeout(r, 1000));
  } while (values.watch);
}

main().catch((err) => { console.error(`health: ${(err as Error).message}`); process.exitCode = 1; });
