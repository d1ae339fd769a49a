// The lab part: brings a lab up from bare boards with lab/up.sh, measures the converge and its
// critical path, the state, a no-op `pulumi up --refresh` and the SSH connections of each run,
// then takes the lab down again with lab/down.sh. It refuses to touch a lab that is already up.
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { criticalPath, resourceName, StateResource } from "./criticalPath";
import { readLines, stepTimings } from "./eventLog";
import { tailEventLog } from "./logTail";
import { sampleTree, TreePeak } from "./processTree";
import { readSshTrace, SshConnections } from "./sshTrace";
import { Exported, stateSize, StateSize } from "./stateSize";
import { validateInventoryFile } from "../model/validateInventory";

export interface LabFigures {
  readonly boards: number;
  readonly labUpSeconds: number;
  readonly convergeSeconds: number;
  readonly criticalPathSeconds: number;
  readonly convergeOverCriticalPath: number;
  readonly timingResolution: string;
  readonly criticalPath: { resource: string; seconds: number }[];
  readonly failedSteps: string[];
  readonly noop: { seconds: number; ok: boolean; peak: TreePeak; ops: Record<string, number> };
  readonly state: StateSize;
  readonly ssh: { converge?: SshConnections; noop?: SshConnections };
}

// lab/up.sh runs `pulumi up` itself; an exported function in front of the binary adds the event
// log and clocks that one command without changing the script (bash prefers a function to PATH).
// Pulumi 3.64 accepts --event-log only with PULUMI_DEBUG_COMMANDS set. The SSH trace is set for
// that command alone: the script's no-op preview and health checks are not the converge's.
const upWrapper = `() {
  if [ "\${1:-}" = up ] && [ -n "\${DESKCLUSTER_BENCH_UP_DIR:-}" ]; then
    local rc=0
    date +%s%3N >"$DESKCLUSTER_BENCH_UP_DIR/up.start"
    PULUMI_DEBUG_COMMANDS=true DESKCLUSTER_SSH_TRACE="$DESKCLUSTER_BENCH_UP_DIR/converge.ssh" \
      command pulumi "$@" --event-log "$DESKCLUSTER_BENCH_UP_DIR/converge.events.jsonl" || rc=$?
    date +%s%3N >"$DESKCLUSTER_BENCH_UP_DIR/up.end"
    return $rc
  fi
  command pulumi "$@"
}`;

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; log: string }): Promise<number> {
  return new Promise((done) => {
    const log = createWriteStream(opts.log, { flags: "a" });
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    for (const s of [child.stdout, child.stderr]) s.on("data", (d: Buffer) => { log.write(d); process.stderr.write(d); });
    child.on("exit", (c) => log.end(() => done(c ?? 1)));
  });
}

/** The providers' trace exists once their source reads the variable; until then the count is n/a. */
function providersTrace(root: string): boolean {
  const dir = join(root, "providers");
  return readdirSync(dir).some((f) => f.endsWith(".ts") && readFileSync(join(dir, f), "utf8").includes("DESKCLUSTER_SSH_TRACE"));
}

export async function labBench(root: string, work: string, toolEnv: NodeJS.ProcessEnv, keepLab: boolean): Promise<LabFigures> {
  const lab = process.env.DESKCLUSTER_LAB ?? "deskcluster-lab";
  const labDir = join(toolEnv.DESKCLUSTER_CACHE ?? join(process.env.HOME ?? "/root", ".cache/deskcluster"), "lab", lab);
  const env = { ...toolEnv, DESKCLUSTER_LAB: lab, PULUMI_CONFIG_PASSPHRASE: "deskcluster-lab" };
  try {
    execFileSync("bash", [join(root, "lab/boards.sh"), "env", "--name", lab], { stdio: "ignore" });
    throw new Error(`lab ${lab} is already up: a converge from bare boards needs it down (npm run lab:down); `
      + "the bench never takes down a lab it did not bring up");
  } catch (e) {
    if ((e as Error).message.startsWith("lab ")) throw e;
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const log = join(work, "lab.log");
  const trace = (name: string) => join(work, `${name}.ssh`);
  const boards = validateInventoryFile(join(root, "stacks/lab.yaml")).inventory?.boards.length ?? 0;
  try {
    const tail = tailEventLog(join(work, "converge.events.jsonl"));
    const t0 = Date.now();
    const upCode = await run("bash", [join(root, "lab/up.sh")], {
      cwd: root, log,
      env: { ...env, "BASH_FUNC_pulumi%%": upWrapper, DESKCLUSTER_BENCH_UP_DIR: work },
    });
    const labUpSeconds = (Date.now() - t0) / 1000;
    const arrival = tail.stop();
    if (upCode !== 0) throw new Error(`lab/up.sh failed (exit ${upCode}); see ${log}`);
    if (!existsSync(join(work, "up.end"))) throw new Error("lab/up.sh ran no `pulumi up` from bash: the bench saw no converge to measure");
    const clock = (f: string) => Number(readFileSync(join(work, f), "utf8"));
    const convergeSeconds = (clock("up.end") - clock("up.start")) / 1000;

    const exportText = execFileSync("pulumi", ["stack", "export", "--stack", "lab"], { cwd: root, env, encoding: "utf8", maxBuffer: 1 << 30 });
    writeFileSync(join(work, "state.json"), exportText);
    const resources = ((JSON.parse(exportText) as Exported).deployment?.resources ?? []) as StateResource[];
    const timings = stepTimings(await readLines(join(work, "converge.events.jsonl")), arrival);
    const path = criticalPath(resources, timings.steps);

    const noopEvents = join(work, "noop.events.jsonl");
    const n0 = Date.now();
    const noop = spawn("pulumi", [
      "up", "--stack", "lab", "--config-file", join(labDir, "Pulumi.lab.yaml"), "--policy-pack", join(root, "policies"),
      "--refresh", "--yes", "--skip-preview", "--expect-no-changes", "--non-interactive", "--suppress-outputs", "--event-log", noopEvents,
    ], { cwd: root, env: { ...env, PULUMI_DEBUG_COMMANDS: "true", DESKCLUSTER_SSH_TRACE: trace("noop") }, stdio: ["ignore", "inherit", "inherit"] });
    const sampler = sampleTree(noop.pid!);
    const noopCode = await new Promise<number>((done) => noop.on("exit", (c) => done(c ?? 1)));
    const noopSeconds = (Date.now() - n0) / 1000;
    const ops: Record<string, number> = {};
    for (const line of existsSync(noopEvents) ? await readLines(noopEvents) : []) {
      if (!line.includes("resourcePreEvent")) continue;
      const op = (JSON.parse(line) as { resourcePreEvent?: { metadata: { op: string } } }).resourcePreEvent?.metadata.op;
      if (op) ops[op] = (ops[op] ?? 0) + 1;
    }

    const traced = providersTrace(root);
    const criticalPathSeconds = path.totalMs / 1000;
    return {
      boards, labUpSeconds, convergeSeconds, criticalPathSeconds,
      convergeOverCriticalPath: criticalPathSeconds > 0 ? Math.round((convergeSeconds / criticalPathSeconds) * 100) / 100 : 0,
      timingResolution: timings.resolution,
      criticalPath: path.steps.map((s) => ({ resource: resourceName(s.urn), seconds: s.durationMs / 1000 })),
      failedSteps: timings.failed.map(resourceName),
      noop: { seconds: noopSeconds, ok: noopCode === 0, peak: sampler.stop(), ops },
      state: stateSize(exportText, boards),
      ssh: { converge: readSshTrace(trace("converge"), traced), noop: readSshTrace(trace("noop"), traced) },
    };
  } finally {
    if (!keepLab) await run("bash", [join(root, "lab/down.sh")], { cwd: root, env, log });
  }
}
