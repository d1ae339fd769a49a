// Drives headless Chromium over the DevTools protocol for the dashboard test (run by
// gateway.test.ts as a child: `node --experimental-websocket`, since Node 20's WebSocket is
// behind that flag). Settings arrive as one JSON line on stdin (the token never on a command
// line); the probe answers with JSON lines on stdout:
//   {"step":"ready",...}   every board's charts have data, screenshot saved
//   (parent stops one board's agent and writes "stopped\n")
//   {"step":"silent",...}  that board's silence alert is shown, screenshot saved
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

interface ProbeInput { chromium: string; url: string; token: string; boards: string[]; silentBoard: string; shots: string; timeoutMs: number }

const lines = createInterface({ input: process.stdin });
const nextLine = (): Promise<string> => new Promise((resolve) => lines.once("line", resolve));
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  const p = JSON.parse(await nextLine()) as ProbeInput;
  const profile = mkdtempSync(join(tmpdir(), "deskcluster-chromium-"));
  const browser = spawn(p.chromium, [
    "--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run", "--disable-extensions",
    "--disable-component-update", "--disable-sync", "--metrics-recording-only", "--window-size=1400,1000",
    `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  try {
    const wsUrl = await new Promise<string>((resolve, reject) => {
      let err = "";
      browser.stderr!.on("data", (d: Buffer) => {
        err += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]);
      });
      browser.once("exit", (c) => reject(new Error(`chromium exited ${c}: ${err.slice(-500)}`)));
      setTimeout(() => reject(new Error(`chromium did not start: ${err.slice(-500)}`)), 30_000);
    });
    const port = new URL(wsUrl).port;
    const pages = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const ws = new WebSocket(pages.find((t) => t.type === "page")!.webSocketDebuggerUrl);
    await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
    let id = 0;
    const waiting = new Map<number, (m: { result?: any; error?: { message: string } }) => void>();
    ws.onmessage = (ev) => { const m = JSON.parse(String(ev.data)); waiting.get(m.id)?.(m); waiting.delete(m.id); };
    const cdp = (method: string, params: object = {}): Promise<any> => new Promise((resolve, reject) => {
      const n = ++id;
      waiting.set(n, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      ws.send(JSON.stringify({ id: n, method, params }));
    });
    const js = async (expr: string) => (await cdp("Runtime.evaluate", { expression: expr, returnByValue: true, awaitPromise: true })).result.value;
    const shot = async (file: string) => writeFileSync(file, Buffer.from((await cdp("Page.captureScreenshot", { format: "png" })).data, "base64"));
    const until = async (what: string, expr: string) => {
      const end = Date.now() + p.timeoutMs;
      for (;;) {
        const v = await js(expr);
        if (v) return v;
        if (Date.now() > end) throw new Error(`dashboard: ${what} not seen within ${p.timeoutMs} ms: ${JSON.stringify(await js(cardsExpr))}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    const cardsExpr = `[...document.querySelectorAll("[data-board]")]` +
      `.map((e) => ({ board: e.dataset.board, points: Number(e.dataset.points), alerts: e.dataset.alerts ?? "" }))`;
    await cdp("Page.enable");
    // The page keeps its token in sessionStorage, as after a sign-in: set it on the origin first.
    await cdp("Page.navigate", { url: new URL("/dashboard/config.json", p.url).href });
    await new Promise((r) => setTimeout(r, 1000));
    await js(`sessionStorage.setItem("deskcluster.token", ${JSON.stringify(p.token)})`);
    await cdp("Page.navigate", { url: p.url });
    await until("every board with data", `document.body.dataset.ready === "true"`);
    await new Promise((r) => setTimeout(r, 4000)); // one more redraw, so the picture shows lines
    await shot(join(p.shots, "dashboard.png"));
    say({ step: "ready", cards: await js(cardsExpr), screenshot: join(p.shots, "dashboard.png") });
    if ((await nextLine()) !== "stopped") return;
    await until(`the silence alert of ${p.silentBoard}`, `document.querySelector('[data-board="${p.silentBoard}"] [data-alert="silent"]') !== null`);
    await shot(join(p.shots, "dashboard-silent.png"));
    say({ step: "silent", cards: await js(cardsExpr), screenshot: join(p.shots, "dashboard-silent.png") });
    ws.close();
  } finally {
    browser.kill();
    await new Promise((r) => setTimeout(r, 500));
    rmSync(profile, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e: Error) => { say({ step: "error", message: e.message }); process.exit(1); });
