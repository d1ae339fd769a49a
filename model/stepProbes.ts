// configgen for reads: what each converge step owns on a board, as a probe script that prints
// the observed facts as one JSON object, and the facts expected when the step has converged.
// Pure: the same code gives the provider its probe and the tests their expectations.
import { createHash } from "node:crypto";
import { BoardStep } from "./clusterPlan";
import { osPreparationFacts } from "./osPreparation";

export interface Probe {
  readonly script: string;
  readonly expect: Record<string, string>;
}

/** The first 16 hex digits of sha256, the way the probes print a file's content. */
export const digest = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);
const shellDigest = (cmd: string) => `${cmd} | sha256sum | cut -c1-16`;

/** Each fact is a shell command printing its value; quotes, backslashes and newlines are stripped from it. */
export function probeScript(facts: Record<string, string>): string {
  const keys = Object.keys(facts);
  const lines = keys.map((k, i) => `v${i}=$( { ${facts[k]}; } 2>/dev/null | tr -d '"\\\\\\n')`);
  const format = `{${keys.map((k) => `"${k}":"%s"`).join(",")}}\\n`;
  return ["set -u", ...lines, `printf '${format}' ${keys.map((_, i) => `"$v${i}"`).join(" ")}`].join("\n");
}

/** A file written by the converge scripts' heredocs ends with exactly one newline. */
const asWritten = (content: string) => `${content.replace(/\n$/, "")}\n`;

export function baseProbe(plan: BoardStep): Probe {
  const dataDir = plan.board.storage.dataDir;
  const os = osPreparationFacts(plan);
  return {
    script: probeScript({
      hostname: "hostname",
      hostsBlock: shellDigest(`sed -n '/^# BEGIN deskcluster$/,/^# END deskcluster$/p' /etc/hosts`),
      dataDirs: `test -d ${dataDir}/cassandra && test -d ${dataDir}/kafka && echo present || echo missing`,
      ...os.facts,
    }),
    expect: { hostname: plan.name, hostsBlock: digest(asWritten(plan.files.hosts)), dataDirs: "present", ...os.expect },
  };
}

export function dockerProbe(plan: BoardStep): Probe {
  return {
    script: probeScript({
      active: "systemctl is-active docker || true",
      daemonJson: shellDigest("cat /etc/docker/daemon.json"),
      memoryCgroup: "sudo docker info --format '{{.MemoryLimit}}' || echo unknown",
    }),
    expect: { active: "active", daemonJson: digest(asWritten(plan.files.daemonJson)), memoryCgroup: "true" },
  };
}

const info = (format: string) => `sudo docker info --format '${format}' 2>/dev/null || echo unknown`;

/** Membership as the board sees it: in a swarm, knowing its managers, with the role it should have. */
export function swarmMemberProbe(role: "manager" | "worker"): Probe {
  return {
    script: probeScript({
      state: info("{{.Swarm.LocalNodeState}}"),
      managers: `n=$(${info("{{len .Swarm.RemoteManagers}}")}); [ "$n" -gt 0 ] 2>/dev/null && echo known || echo none`,
      controlAvailable: info("{{.Swarm.ControlAvailable}}"),
    }),
    expect: { state: "active", managers: "known", controlAvailable: role === "manager" ? "true" : "false" },
  };
}

/** The deskcluster.* labels in the form the probe prints them: k=v; in byte order of keys. */
export function labelLine(labels: Record<string, string>): string {
  return Object.keys(labels).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => `${k}=${labels[k]};`).join("");
}

/** A node as the managers see it: Ready, active, its role, its labels, no stale entry of its name. */
export function swarmNodeProbe(node: string, role: "manager" | "worker", labels: Record<string, string>): Probe {
  const ready = `sudo docker node ls --format '{{.ID}} {{.Hostname}} {{.Status}}' 2>/dev/null | awk '$2=="${node}" && $3=="Ready" {print $1; exit}'`;
  const inspect = (f: string) => `id=$(${ready}); [ -n "$id" ] && sudo docker node inspect "$id" --format '${f}' || echo absent`;
  return {
    script: probeScript({
      status: `id=$(${ready}); [ -n "$id" ] && echo ready || echo not-ready`,
      role: inspect("{{.Spec.Role}}"),
      availability: inspect("{{.Spec.Availability}}"),
      labels: `id=$(${ready}); [ -n "$id" ] && sudo docker node inspect "$id" --format `
        + `'{{range $k, $v := .Spec.Labels}}{{$k}}={{$v}};{{"\\n"}}{{end}}' | grep '^deskcluster\\.'`,
      staleEntries: `sudo docker node ls --format '{{.Hostname}} {{.Status}}' | awk '$1=="${node}" && $2!="Ready"' | wc -l`,
    }),
    expect: { status: "ready", role, availability: "active", labels: labelLine(labels), staleEntries: "0" },
  };
}

/** How many of the board's images its engine lacks (a pruned image is drift: the step pulls it again). */
export function imagesProbe(images: readonly string[]): Probe {
  const inspect = images.map((i) => `sudo docker image inspect '${i.replace(/'/g, "")}' >/dev/null 2>&1 || n=$((n + 1))`).join("; ");
  return { script: probeScript({ missing: `n=0; ${inspect}; echo $n` }), expect: { missing: "0" } };
}
