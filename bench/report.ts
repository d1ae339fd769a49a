// The printed tables of a bench run; the JSON file holds the same figures and more.
import { LabFigures } from "./labBench";
import { Machine } from "./machine";
import { PreviewFigures } from "./previewBench";
import { SshConnections } from "./sshTrace";

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(width[i])).join("  ").trimEnd()).join("\n");
}

const s1 = (n: number) => n.toFixed(1);

export function machineLine(m: Machine): string {
  return `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, kernel ${m.kernel.split(" ")[0]}, ${m.arch}, node ${m.node}, `
    + `pulumi ${m.pulumi}, load ${m.loadAverage.join(" ")} at start, commit ${m.commit}`;
}

export function previewTable(previews: PreviewFigures[]): string {
  const rows = previews.map((p) => [
    p.boards, p.ok ? (p.retriedAfter ? "ok, rerun" : "ok") : "FAILED", s1(p.seconds), s1(p.load), p.peak.rssMb, p.peak.pssMb, p.peak.processes,
    p.plan?.resources ?? "-", p.plan?.edges ?? "-", p.plan ? s1(p.plan.jsonMb) : "-",
  ]);
  const main = table(["boards", "preview", "seconds", "load", "peak RSS MB", "peak PSS MB", "processes", "resources", "edges", "json MB"], rows);
  const names = [...new Set(previews.flatMap((p) => Object.keys(p.policyMs)))];
  const policies = names.length === 0 ? "policy times: none reported (no preview reached the policy pack)"
    : table(["policy ms", ...previews.map((p) => `${p.boards} boards`)], names.map((n) => [n, ...previews.map((p) => p.policyMs[n] ?? "-")]));
  const errors = previews.filter((p) => !p.ok).map((p) => `preview of ${p.boards} boards failed:\n${(p.error ?? "").trim().split("\n").slice(-12).join("\n")}`);
  return [main, policies, ...errors].join("\n\n");
}

const ssh = (c: SshConnections | undefined, boards: number) =>
  (c ? `${c.total} (${c.boards} boards, at most ${c.maxPerBoard} per board; ${boards} boards in the lab)`
    : "n/a (the providers do not write DESKCLUSTER_SSH_TRACE yet)");

export function labTable(l: LabFigures): string {
  const rows: string[][] = [
    ["lab up from nothing (lab/up.sh, images to health)", `${s1(l.labUpSeconds)} s`, ""],
    ["converge from bare boards (pulumi up)", `${s1(l.convergeSeconds)} s`, "<= 200 s"],
    ["critical path (engine step timings)", `${s1(l.criticalPathSeconds)} s (${l.timingResolution})`, ""],
    ["converge / critical path", l.convergeOverCriticalPath.toFixed(2), "<= 1.15"],
    ["no-op pulumi up --refresh", `${s1(l.noop.seconds)} s, ${l.noop.ok ? "no changes" : "FAILED or changed"}, peak RSS ${l.noop.peak.rssMb} MB`, "<= 15 s"],
    ["no-op steps", Object.entries(l.noop.ops).map(([op, n]) => `${op} ${n}`).join(", ") || "none", "a refresh of every resource"],
    ["state", `${l.state.bytes} bytes, ${l.state.resources} resources`, ""],
    ["state per resource", `${l.state.bytesPerResource} bytes`, "<= 3 KB"],
    ["state per board", `${l.state.bytesPerBoard} bytes`, ""],
    ["SSH connections, converge", ssh(l.ssh.converge, l.boards), "<= 1 per board (+1 per manager)"],
    ["SSH connections, no-op", ssh(l.ssh.noop, l.boards), "<= 1 per board (+1 per manager)"],
  ];
  const path = l.criticalPath.map((s) => `  ${s1(s.seconds).padStart(6)} s  ${s.resource}`).join("\n");
  const types = l.state.largestTypes.map((t) => `  ${t.type}: ${t.count} x ${t.meanBytes} bytes`
    + (t.largestProperties ?? []).map((p) => `\n      ${p.property}: ${p.meanBytes}`).join("")).join("\n");
  const failed = l.failedSteps.length ? `\nfailed steps: ${l.failedSteps.join(", ")}` : "";
  const byType = `state by type (largest; bytes as the state file writes them, mean per resource):\n${types}`;
  return `${table(["lab", "measured", "target"], rows)}\n\ncritical path:\n${path}\n\n${byType}${failed}`;
}
