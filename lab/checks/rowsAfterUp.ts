// Run by lab/up.sh right after `pulumi up` returns: polls the vitals table until every
// health-agent board has 10 rows and records when, while that can still be measured (the
// no-op preview and the summary come after). The e2e test holds the pipeline to 30 s with it.
// Never fails the main command: a slow pipeline is a measurement the test judges.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rowsPerBoard } from "./health";
import { labContext } from "./labContext";

export const rowsWanted = 10;
export const rowsAfterUpFile = "health-rows-after-up.json";

/** What lab/up.sh records: ms is undefined when the rows did not come within the watch. */
export interface RowsAfterUp {
  readonly convergedAt: number;
  readonly ms?: number;
  readonly counts: Record<string, number>;
  readonly skipped?: string;
}

async function main(): Promise<void> {
  const ctx = labContext();
  const convergedAt = Number(readFileSync(join(ctx.dir, "converged-at"), "utf8"));
  const out = join(ctx.dir, rowsAfterUpFile);
  if (!ctx.inventory.services.health) {
    writeFileSync(out, JSON.stringify({ convergedAt, counts: {}, skipped: "this lab runs without the health pipeline" }));
    return;
  }
  const watchMs = 120_000; // past the 30 s budget, so a slow pipeline still gets a number
  let counts: Record<string, number> = {};
  for (;;) {
    try { counts = await rowsPerBoard(ctx); } catch (err) { console.log(`health rows: ${(err as Error).message}; retrying`); }
    const now = Date.now();
    const done = Object.keys(counts).length > 0 && Object.values(counts).every((n) => n >= rowsWanted);
    if (done || now - convergedAt > watchMs) {
      const ms = done ? now - convergedAt : undefined;
      writeFileSync(out, JSON.stringify({ convergedAt, ms, counts } satisfies RowsAfterUp));
      console.log(ms === undefined
        ? `health rows: not ${rowsWanted} on every board ${watchMs / 1000}s after pulumi up: ${JSON.stringify(counts)}`
        : `health rows: ${rowsWanted} on every board ${(ms / 1000).toFixed(1)}s after pulumi up: ${JSON.stringify(counts)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

if (require.main === module) main().catch((err) => { console.error(`health rows: ${(err as Error).message}`); });
