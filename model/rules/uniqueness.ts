// Names, addresses and Kafka node ids are identities: each must be unique and explicit.
// Ledger entries of retired boards stay, so their ids are never handed out again.
import { Inventory } from "../inventory";
import { addressOwners } from "../network";
import { kafkaProcessRoles } from "../placement";
import { Violation } from "../violation";

const rule = "identity";

export function checkUniqueness(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const b of inv.boards) {
    if (seen.has(b.name) || b.name === inv.admin.name) {
      out.push({ rule, board: b.name, field: "name", message: `board name ${b.name} is used more than once` });
    }
    seen.add(b.name);
  }
  for (const [address, owners] of addressOwners(inv)) {
    const all = address === inv.admin.address ? [...owners.map((o) => o.board), inv.admin.name] : owners.map((o) => o.board);
    if (all.length > 1) {
      for (const o of owners) {
        out.push({
          rule, board: o.board, field: `interfaces.${o.iface.name}.address`,
          message: `address ${address} is also used by ${all.filter((n) => n !== o.board).join(", ") || "another interface"}`,
        });
      }
    }
  }
  return [...out, ...checkKafkaLedger(inv)];
}

export function checkKafkaLedger(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  const byId = new Map<number, string[]>();
  for (const [board, id] of Object.entries(inv.identity.kafka)) byId.set(id, [...(byId.get(id) ?? []), board]);
  for (const [id, boards] of byId) {
    if (boards.length > 1) {
      for (const board of boards) {
        out.push({
          rule, board, field: `identity.kafka.${board}`,
          message: `Kafka node id ${id} is also given to ${boards.filter((b) => b !== board).join(", ")}`,
        });
      }
    }
  }
  for (const b of inv.boards) {
    if (kafkaProcessRoles(b).length > 0 && inv.identity.kafka[b.name] === undefined) {
      out.push({
        rule, board: b.name, field: `identity.kafka.${b.name}`,
        message: "runs Kafka but has no node id in the identity ledger (ids are never derived from list order)",
      });
    }
  }
  return out;
}
