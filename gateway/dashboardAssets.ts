// The dashboard's files, served by the gateway itself (nothing is loaded from outside the desk):
// the page and its script from gateway/dashboard, uPlot from its npm package, and the settings
// the page needs (boards, keyspace, alert thresholds) as config.json.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface DashboardConfig {
  readonly keyspace: string;
  readonly table: string;
  readonly boards: readonly string[];
  readonly tempAlertC: number;
  readonly silentSeconds: number;
  readonly memLowPercent: number;
  readonly windowMinutes: number;
  readonly refreshSeconds: number;
}

export interface Asset { readonly type: string; readonly body: Buffer }
export interface DashboardAssets { get(name: string): Asset | undefined }

const types: Record<string, string> = {
  html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", json: "application/json",
};

/** Where the page lives: beside the compiled code in the image, in the source tree under ts-node. */
function pageDir(): string {
  const candidates = [process.env.GATEWAY_DASHBOARD_DIR, join(__dirname, "dashboard"), join(__dirname, "..", "..", "gateway", "dashboard")];
  const found = candidates.find((d) => d && existsSync(join(d, "index.html")));
  if (!found) throw new Error(`dashboard files not found (looked in ${candidates.filter(Boolean).join(", ")})`);
  return found;
}

export function dashboardAssets(config: DashboardConfig): DashboardAssets {
  const dir = pageDir();
  const uplot = dirname(require.resolve("uplot/dist/uPlot.iife.min.js"));
  const files: Record<string, string> = {
    "index.html": join(dir, "index.html"), "dashboard.js": join(dir, "dashboard.js"), "dashboard.css": join(dir, "dashboard.css"),
    "uPlot.iife.min.js": join(uplot, "uPlot.iife.min.js"), "uPlot.min.css": join(uplot, "uPlot.min.css"),
  };
  const cache = new Map<string, Asset>(Object.entries(files).map(([name, path]) => [name, { type: types[name.split(".").pop()!], body: readFileSync(path) }]));
  cache.set("config.json", { type: types.json, body: Buffer.from(JSON.stringify(config)) });
  return { get: (name) => cache.get(name) };
}
