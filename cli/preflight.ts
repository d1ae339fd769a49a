// `npm run preflight -- stacks/<stack>.yaml`: reads every board over SSH, changes nothing, and says
// per board what `pulumi up` will change and what only the user can fix. Public-key auth only: a
// preflight never sends a password. Exit 0: no problem; 1: a problem (or no inventory); 2: usage.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Board, Inventory, sshUserOf } from "../model/inventory";
import { hostAddress } from "../model/network";
import { osOf } from "../model/operatingSystems";
import { Finding, preflightFindings } from "../model/preflightFindings";
import { parseFacts, preflightScript } from "../model/preflightScript";
import { validateInventoryFile } from "../model/validateInventory";
import { formatViolation } from "../model/violation";
import { contact, ContactError, judgeHostKey } from "./firstContact";
import { pulumiStackConfig } from "./stackConfig";

const usage = `usage: npm run preflight -- <inventory.yaml> [options]
  --stack NAME             the stack whose deploy key (deskcluster:sshPrivateKey) and host keys (deskcluster:hostKeys) to use
  --config-file FILE       that stack's config file, when not Pulumi.<stack>.yaml
  --identity FILE          a private key file to log in with instead of the stack's key
  --first-contact          log in as each board's firstUser (cards as flashed, before bootstrap)
  --fingerprint B=SHA256:.. a host key confirmed on board B's console (repeatable)
  --accept-new             trust host keys not recorded yet
  --board NAME             only this board (repeatable)
  --timeout SECONDS        SSH connect timeout (default 15)
  --json                   print a JSON document
  --help                   this text`;

class UsageError extends Error {}

interface BoardReport {
  board: string; address: string; os: string; reachable: boolean; findings: Finding[]; facts: Record<string, string>;
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, strict: true, options: {
      json: { type: "boolean", default: false }, help: { type: "boolean", default: false },
      stack: { type: "string" }, "config-file": { type: "string" }, identity: { type: "string" },
      "first-contact": { type: "boolean", default: false }, "accept-new": { type: "boolean", default: false },
      fingerprint: { type: "string", multiple: true, default: [] }, board: { type: "string", multiple: true, default: [] },
      timeout: { type: "string", default: "15" },
    } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true as const };
  if (positionals.length !== 1) throw new UsageError("give exactly one inventory file");
  const timeout = Number(values.timeout);
  if (!(timeout > 0)) throw new UsageError(`--timeout ${values.timeout}: not a positive number of seconds`);
  const fingerprints = new Map<string, string>();
  for (const f of values.fingerprint) {
    const m = /^([^=]+)=(SHA256:[A-Za-z0-9+/]+)$/.exec(f);
    if (!m) throw new UsageError(`--fingerprint ${f}: expected BOARD=SHA256:...`);
    fingerprints.set(m[1], m[2]);
  }
  if (!values.identity && !values.stack) throw new UsageError("give --stack NAME (its deploy key) or --identity FILE");
  if (values["config-file"] && !values.stack) throw new UsageError("--config-file needs --stack");
  return { help: false as const, path: positionals[0], values, timeoutMs: timeout * 1000, fingerprints };
}

type Options = Exclude<ReturnType<typeof options>, { help: true }>;

function readKey(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`--identity ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function credentials(o: Options): { privateKey: string; hostKeys: Record<string, string> } {
  const config = o.values.stack ? pulumiStackConfig({ stack: o.values.stack, configFile: o.values["config-file"] }) : undefined;
  const privateKey = o.values.identity ? readKey(o.values.identity) : config?.get("deskcluster:sshPrivateKey");
  if (!privateKey) throw new Error(`${config?.describe}: deskcluster:sshPrivateKey is not set; give --identity FILE`);
  const recorded = config?.get("deskcluster:hostKeys");
  let hostKeys: Record<string, string> = {};
  if (recorded) {
    try {
      hostKeys = JSON.parse(recorded) as Record<string, string>;
    } catch {
      throw new Error(`${config?.describe}: deskcluster:hostKeys is not a JSON map of board to host key`);
    }
  }
  return { privateKey, hostKeys };
}

async function check(board: Board, inv: Inventory, o: Options, cred: { privateKey: string; hostKeys: Record<string, string> }) {
  const address = hostAddress(board);
  const report: BoardReport = { board: board.name, address, os: osOf(board), reachable: false, findings: [], facts: {} };
  const sshProblem = (message: string) => report.findings.push({ board: board.name, field: "ssh", severity: "problem", fix: "you", message });
  // A board without firstUser came with the deploy user itself (as bootstrap assumes too).
  const user = o.values["first-contact"] ? board.firstUser ?? sshUserOf(inv, board) : sshUserOf(inv, board);
  const recorded = cred.hostKeys[board.name];
  const judge = judgeHostKey(board.name, { recorded, confirmed: o.fingerprints.get(board.name), acceptNew: o.values["accept-new"] });
  try {
    const c = await contact({ board: board.name, host: address, port: inv.ssh.port, user, privateKey: cred.privateKey }, judge, o.timeoutMs);
    report.reachable = true;
    try {
      if (!recorded) {
        report.findings.push({ board: board.name, field: "ssh", severity: "note", fix: "you",
          message: `host key ${c.hostKey.fingerprint} is not recorded in deskcluster:hostKeys yet (bootstrap records it)` });
      }
      const peers = [inv.admin.address, ...inv.boards.filter((b) => b !== board).map(hostAddress)];
      // A stuck command (a hung Docker daemon) must not hold the whole preflight.
      const run = c.exec("bash -s", preflightScript(board, inv, peers));
      const limit = new Promise<never>((_, reject) => setTimeout(() => reject(new ContactError("the preflight script did not finish "
        + `within ${(o.timeoutMs * 4) / 1000} s`)), o.timeoutMs * 4).unref());
      const r = await Promise.race([run, limit]);
      report.facts = parseFacts(r.stdout);
      if (report.facts["preflight.done"] !== "yes") {
        sshProblem(`the preflight script stopped (exit ${r.code}): ${r.stderr.trim().split("\n").pop() ?? ""}`);
      } else report.findings.push(...preflightFindings(board, inv, report.facts));
    } finally {
      c.close();
    }
  } catch (e) {
    sshProblem(e instanceof ContactError ? e.message : `board ${board.name}: ${(e as Error).message}`);
  }
  return report;
}

function human(reports: BoardReport[]): string {
  return reports.map((r) => [
    `board ${r.board} (${r.address}, ${r.os})`,
    ...(r.findings.length === 0 ? ["  ok: nothing to change"] : []),
    ...[...r.findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "problem" ? -1 : 1))
      .map((f) => `  ${f.severity} ${f.field}: ${f.message} [${f.fix}]`),
  ].join("\n")).join("\n");
}

async function main(): Promise<number> {
  const started = process.hrtime.bigint();
  let o: ReturnType<typeof options>;
  try {
    o = options();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`preflight: ${e.message}\n${usage}`);
    return 2;
  }
  if (o.help) {
    console.log(usage);
    return 0;
  }
  const { inventory, violations } = validateInventoryFile(o.path);
  if (!inventory || violations.length > 0) {
    console.error(`${o.path}: ${violations.length} violation(s)`);
    for (const v of violations) console.error(`  ${formatViolation(v)}`);
    return 1;
  }
  const unknown = o.values.board.filter((n) => !inventory.boards.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(`preflight: --board ${unknown.join(", ")}: not in ${o.path}\n${usage}`);
    return 2;
  }
  const boards = inventory.boards.filter((b) => o.values.board.length === 0 || o.values.board.includes(b.name));
  const cred = credentials(o);
  const reports = await Promise.all(boards.map((b) => check(b, inventory, o, cred)));
  const problems = reports.reduce((n, r) => n + r.findings.filter((f) => f.severity === "problem").length, 0);
  const seconds = Math.round(Number(process.hrtime.bigint() - started) / 1e8) / 10;
  if (o.values.json) console.log(JSON.stringify({ boards: reports, problems, seconds }, null, 2));
  else {
    console.log(human(reports));
    console.log(`preflight: ${reports.length} board${reports.length === 1 ? "" : "s"} in ${seconds} s, `
      + `${problems} problem${problems === 1 ? "" : "s"}`);
  }
  return problems > 0 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(`preflight: ${(err as Error).message}`);
  process.exitCode = 1;
});
