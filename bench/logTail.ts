// Stamps each event-log line with the time it appeared: the engine writes every event with one
// write as it happens, but records only whole seconds, too coarse for steps of a few seconds.
import { closeSync, existsSync, openSync, readSync } from "node:fs";

export interface LogTail {
  /** Stops polling and returns arrival time (epoch ms) per event sequence number. */
  stop(): Map<number, number>;
}

export function tailEventLog(file: string, everyMs = 100): LogTail {
  const arrival = new Map<number, number>();
  let fd: number | undefined;
  let offset = 0;
  let partial = "";
  const buf = Buffer.alloc(1 << 20);
  const poll = () => {
    if (fd === undefined) {
      if (!existsSync(file)) return;
      fd = openSync(file, "r");
    }
    const now = Date.now();
    for (let n; (n = readSync(fd, buf, 0, buf.length, offset)) > 0; offset += n) {
      const lines = (partial + buf.toString("utf8", 0, n)).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const seq = /^\{"sequence":(\d+)/.exec(line)?.[1];
        if (seq !== undefined && !arrival.has(Number(seq))) arrival.set(Number(seq), now);
      }
    }
  };
  const timer = setInterval(poll, everyMs);
  return {
    stop() {
      clearInterval(timer);
      if (fd !== undefined) closeSync(fd);
      return arrival;
    },
  };
}
