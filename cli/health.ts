// `npm run health`: the latest vitals of every board, read from Cassandra (the table the
// health sink fills). Default: the local lab. A real desk: --inventory and --password-file.
// --watch redraws the table every second (Ctrl-C to stop).
import { auth, Client } from "cassandra-driver";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { latestPerBoard, vitalsTable } from "../health/latestVitals";
import { healthOf, healthTable } from "../model/healthConfig";
import { Inventory } from "../model/inventory";
import { labStack } from "../model/labStack";
import { hostAddress } from "../model/network";
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
  const client = new Client({
    contactPoints: boardsWithRole(inventory, "cassandra").map(hostAddress), localDataCenter: inventory.cluster.datacenter,
    authProvider: new auth.PlainTextAuthProvider("cassandra", password),
  });
  await client.connect();
  const boards = boardsWithRole(inventory, "health-agent").map((b) => b.name).sort();
  try {
    do {
      const table = vitalsTable(await latestPerBoard(client, h.keyspace, healthTable, boards));
      if (values.watch) process.stdout.write("\x1b[2J\x1b[H");
      console.log(`${inventory.cluster.name}: latest vitals (${h.keyspace}.${healthTable})\n${table}`);
      if (values.watch) await new Promise((r) => setTimeout(r, 1000));
    } while (values.watch);
  } finally {
    await client.shutdown();
  }
}

main().catch((err) => { console.error(`health: ${(err as Error).message}`); process.exitCode = 1; });
