// `npm run bootstrap -- stacks/<stack>.yaml`: first contact, before the first `pulumi up`. Logs in as each
// card's first user, makes the deploy user (model/bootstrap.ts) and records the host key it was shown, so
// `pulumi up` only ever connects to pinned keys with a key of its own. A second run changes nothing.
// The work per board is cli/bootstrapBoards.ts; this file is the command: flags, the password, the output.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { validateInventoryFile } from "../model/validateInventory";
import { formatViolation } from "../model/violation";
import { bootstrapBoards } from "./bootstrapBoards";
import { memoryStackConfig, pulumiStackConfig } from "./stackConfig";

const usage = `usage: npm run bootstrap -- <inventory.yaml> --stack NAME [options]
  --config-file FILE         the stack's Pulumi config file, if not Pulumi.<stack>.yaml
  --identity FILE            the first user's private key (default ~/.ssh/id_ed25519)
  --password-file FILE       the first user's password (else secret deskcluster:firstUserPassword, else a prompt)
  --deploy-key FILE          the deploy user's private key (else deskcluster:sshPrivateKey, else a new one saved there)
  --board NAME               only this board (repeatable)
  --fingerprint B=SHA256:..  board B's host key, as read on its console (repeatable)
  --accept-new               trust a board's host key on first use
  --reflashed NAME           the board's card was reflashed: its new key replaces the recorded one (repeatable)
  --no-save                  change nothing in the stack config; print the host keys as JSON (or --host-keys-out FILE)
  --timeout SECONDS          per connection (default 15)`;

class UsageError extends Error {}

function promptLine(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => rl.question(question, (a) => { rl.close(); resolve(a); }));
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = "";
    const onData = (d: Buffer) => {
      for (const ch of d.toString("utf8")) {
        if (ch === "\u0003") process.exit(130);
        if (ch === "\r" || ch === "\n") {
          stdin.off("data", onData).setRawMode(false).pause();
          process.stderr.write("\n");
          return resolve(typed);
        }
        typed = ch === "\u007f" ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function main(argv: string[]): Promise<number> {
  const list = { type: "string", multiple: true } as const;
  const { values: v, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {
    help: { type: "boolean" }, stack: { type: "string" }, "config-file": { type: "string" }, identity: { type: "string" },
    "password-file": { type: "string" }, "deploy-key": { type: "string" }, board: list, fingerprint: list, "accept-new": { type: "boolean" },
    reflashed: list, "no-save": { type: "boolean" }, "host-keys-out": { type: "string" }, timeout: { type: "string", default: "15" },
  } });
  if (v.help) { console.log(usage); return 0; }
  if (positionals.length !== 1) throw new UsageError("one inventory file is needed");
  if (!v.stack && !v["no-save"]) throw new UsageError("--stack is needed (or --no-save)");
  const timeout = Number(v.timeout);
  if (!(timeout > 0)) throw new UsageError(`--timeout ${v.timeout}: not a number of seconds`);
  const fingerprints: Record<string, string> = {};
  for (const f of v.fingerprint ?? []) {
    const m = /^([a-z][a-z0-9-]*)=(SHA256:[A-Za-z0-9+/]{43})$/.exec(f);
    if (!m) throw new UsageError(`--fingerprint ${f}: expected BOARD=SHA256:... (as ssh-keygen -lf prints it)`);
    fingerprints[m[1]] = m[2];
  }
  const { inventory, violations } = validateInventoryFile(positionals[0]);
  if (!inventory) { console.error(violations.map(formatViolation).join("\n")); return 1; }
  const config = v.stack ? pulumiStackConfig({ stack: v.stack, configFile: v["config-file"] }) : memoryStackConfig();
  const defaultIdentity = join(homedir(), ".ssh", "id_ed25519");
  const identity = v.identity ?? (existsSync(defaultIdentity) ? defaultIdentity : undefined);
  let asked: Promise<string | undefined> | undefined;
  const password = () => (asked ??= (async () => {
    if (v["password-file"]) return readFileSync(v["password-file"], "utf8").split("\n")[0];
    const secret = v.stack ? config.get("deskcluster:firstUserPassword") : undefined;
    if (secret !== undefined) return secret;
    return process.stdin.isTTY ? promptHidden("password of the boards' first user: ") : undefined;
  })());
  // A terminal: each key not recorded yet is shown and confirmed by the user, as ssh does on first contact.
  const confirm = process.stdin.isTTY ? async (board: { name: string }, fingerprint: string) => {
    const answer = await promptLine(`board ${board.name}: host key ${fingerprint}; is this the fingerprint its console shows `
      + "(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)? [y/N] ");
    return /^y(es)?$/i.test(answer.trim());
  } : undefined;
  const result = await bootstrapBoards(inventory, {
    confirm,
    boards: v.board, identity: identity && readFileSync(identity, "utf8"), password,
    deployKey: v["deploy-key"] && readFileSync(v["deploy-key"], "utf8"), fingerprints, acceptNew: v["accept-new"],
    reflashed: v.reflashed, save: !v["no-save"], timeoutMs: timeout * 1000,
  }, config, { out: (l) => console.log(l), err: (l) => console.error(l) });
  if (v["no-save"]) {
    const json = JSON.stringify(result.hostKeys, null, 2);
    if (v["host-keys-out"]) writeFileSync(v["host-keys-out"], `${json}\n`, { mode: 0o600 });
    else console.log(json);
  }
  return result.failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: Error & { code?: string }) => {
    const usageError = err instanceof UsageError || err.code?.startsWith("ERR_PARSE_ARGS");
    console.error(`bootstrap: ${err.message}${usageError ? `\n${usage}` : ""}`);
    process.exitCode = usageError ? 2 : 1;
  });
}
