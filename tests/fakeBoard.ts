// A board without hardware: an in-process ssh2 server with a pinned host key. `startBoard` runs
// what it is sent with /bin/sh (for RemoteCommand); `startFakeBoard` hands `docker system
// dial-stdio` to a FakeEngine, as the real CLI hands it to dockerd, and answers every other
// command from a responder the test supplies (health checks, drains), recording it.
import { spawn } from "node:child_process";
import { AddressInfo, connect } from "node:net";
import { Server, ServerChannel, utils } from "ssh2";
import { sharedSession } from "../providers/sshSession";
import { SshTarget } from "../providers/sshTarget";
import { FakeEngine } from "./fakeEngine";

export const hostKey = utils.generateKeyPairSync("ed25519");
export const userKey = utils.generateKeyPairSync("ed25519");

type Exec = (command: string, ch: ServerChannel) => void;

const withSh: Exec = (command, ch) => {
  const sh = spawn("sh", ["-c", command]);
  ch.pipe(sh.stdin);
  sh.stdout.pipe(ch, { end: false });
  sh.stderr.pipe(ch.stderr, { end: false });
  sh.on("close", (code) => { ch.exit(code ?? 1); ch.end(); });
};

/** A board that runs each command with `exec` (default: /bin/sh), recording every one in `ran`. */
export function startBoard(ran: string[], exec: Exec = withSh): Promise<{ server: Server; port: number }> {
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on("error", () => undefined);
    // Nagle against delayed ACKs costs ~90 ms per small HTTP exchange over loopback.
    (client as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true); // there at runtime, missing from @types/ssh2
    client.on("authentication", (ctx) => (ctx.method === "publickey" ? ctx.accept() : ctx.reject(["publickey"])));
    client.on("session", (accept) => accept().on("exec", (acc, _rej, info) => {
      ran.push(info.command);
      exec(info.command, acc());
    }));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

export const targetOf = (board: string, port: number): SshTarget => ({
  board, host: "127.0.0.1", port, user: "pi", privateKey: userKey.private, hostKey: hostKey.public.trim().split(" ").slice(0, 2).join(" "),
});

/**
 * Opens the providers' shared connection to a board with Nagle off on the client side too; only
 * latency changes (each small request otherwise waits ~40 ms for a delayed ACK). Call again after
 * closeSharedSessions().
 */
export async function dialFast(t: SshTarget): Promise<void> {
  (await sharedSession(t)).setNoDelay(true);
}

export interface Reply { code: number; stdout?: string; stderr?: string }
export type Responder = (command: string) => Reply;

export interface FakeBoard {
  readonly target: SshTarget;
  /** Every command but the Docker API's transport, in order. */
  readonly ran: string[];
  readonly engine?: FakeEngine;
  respond: Responder;
  close(): Promise<void>;
}

/** A board answering from `respond` (default: exit 0); with `engine`, a swarm manager too. */
export async function startFakeBoard(board: string, opts: { engine?: boolean; respond?: Responder } = {}): Promise<FakeBoard> {
  const engine = opts.engine ? new FakeEngine() : undefined;
  const enginePort = engine ? await engine.listen() : 0;
  const ran: string[] = [];
  const { server, port } = await startBoard([], (command, ch) => {
    if (engine && command.includes("docker system dial-stdio")) {
      const sock = connect(enginePort, "127.0.0.1").setNoDelay(true);
      ch.pipe(sock);
      sock.pipe(ch, { end: false });
      // The client ends the channel when its HTTP agent lets go of it: drop the engine's socket too.
      ch.on("close", () => sock.destroy());
      sock.on("close", () => { if (ch.writable) { ch.exit(0); ch.end(); } });
      sock.on("error", () => undefined);
      return;
    }
    ran.push(command);
    const r = fake.respond(command);
    ch.resume(); // the stdin a script is sent is ignored, but drained so the client can end it
    if (r.stdout) ch.write(r.stdout);
    if (r.stderr) ch.stderr.write(r.stderr);
    ch.exit(r.code);
    ch.end();
  });
  const fake: FakeBoard = {
    target: targetOf(board, port), ran, engine, respond: opts.respond ?? (() => ({ code: 0 })),
    close: async () => { server.close(); await engine?.close(); },
  };
  return fake;
}
