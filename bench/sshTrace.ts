// SSH connections per run from the providers' trace (DESKCLUSTER_SSH_TRACE=FILE: one line
// "<epoch-ms> <board> <host>" per connection opened). Target: one per board, plus one per
// manager for the Docker API.
import { existsSync, readFileSync } from "node:fs";

export interface SshConnections {
  readonly total: number;
  readonly boards: number;
  readonly maxPerBoard: number;
  readonly perBoard: Record<string, number>;
}

export function sshConnections(text: string): SshConnections {
  const perBoard: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const board = line.trim().split(/\s+/)[1];
    if (board) perBoard[board] = (perBoard[board] ?? 0) + 1;
  }
  const counts = Object.values(perBoard);
  return { total: counts.reduce((a, b) => a + b, 0), boards: counts.length, maxPerBoard: Math.max(0, ...counts), perBoard };
}

/**
 * undefined ("n/a") while the providers do not write the trace; a provider that does but
 * opened nothing leaves no file, which counts as zero.
 */
export function readSshTrace(file: string, providersTrace: boolean): SshConnections | undefined {
  if (existsSync(file)) return sshConnections(readFileSync(file, "utf8"));
  return providersTrace ? sshConnections("") : undefined;
}
