// Per-resource step timings from the engine's event log (`pulumi up --event-log FILE`, one JSON
// event a line). The engine stamps events in whole seconds; the bench also tails the log while
// the run goes and stamps each line as it appears (within 100 ms), which it prefers.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { StepTiming } from "./criticalPath";

interface StepEvent { metadata: { urn: string; op: string; new?: { custom?: boolean }; old?: { custom?: boolean } }; planning?: boolean }
interface EngineEvent { sequence: number; timestamp: number; resourcePreEvent?: StepEvent; resOutputsEvent?: StepEvent; resOpFailedEvent?: StepEvent }

export interface EventLogTimings {
  readonly steps: StepTiming[];
  readonly failed: string[];
  /** "tail-100ms" when arrival stamps covered every step, else "engine-1s". */
  readonly resolution: "tail-100ms" | "engine-1s";
}

/** Steps of custom resources only: a component's events span its children and would count them twice. */
export function stepTimings(lines: Iterable<string>, arrivalMs: ReadonlyMap<number, number> = new Map()): EventLogTimings {
  const start = new Map<string, number>();
  const steps: StepTiming[] = [];
  const failed: string[] = [];
  let tailed = true;
  for (const line of lines) {
    if (!line.includes("resourcePreEvent") && !line.includes("resOutputsEvent") && !line.includes("resOpFailedEvent")) continue;
    const e = JSON.parse(line) as EngineEvent;
    const step = e.resourcePreEvent ?? e.resOutputsEvent ?? e.resOpFailedEvent;
    if (!step || step.planning) continue;
    const custom = (step.metadata.new ?? step.metadata.old)?.custom;
    if (!custom) continue;
    const arrived = arrivalMs.get(e.sequence);
    if (arrived === undefined) tailed = false;
    const ms = arrived ?? e.timestamp * 1000;
    const urn = step.metadata.urn;
    if (e.resourcePreEvent) start.set(urn, ms);
    else if (start.has(urn)) {
      steps.push({ urn, startMs: start.get(urn)!, endMs: ms });
      if (e.resOpFailedEvent) failed.push(urn);
      start.delete(urn);
    }
  }
  return { steps, failed, resolution: tailed && steps.length > 0 ? "tail-100ms" : "engine-1s" };
}

export async function readLines(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line) out.push(line);
  return out;
}
