// The keyspaces as system_schema describes them now: reloaded on a short interval and on demand
// (a request naming a keyspace or table not seen yet), so a new table is queryable without a
// restart. A keyspace's GraphQL schema is rebuilt only when its description changed.
import { GraphQLSchema } from "graphql";
import { buildDmlSchema } from "./dmlSchema";
import { KeyspaceModel, keyspaceFingerprint, keyspaceModels, SchemaRows } from "./keyspaceModel";

export interface DmlEntry { readonly schema: GraphQLSchema; readonly warnings: string[]; readonly fingerprint: string }

export class SchemaCache {
  private models = new Map<string, KeyspaceModel>();
  private readonly built = new Map<string, DmlEntry>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly load: () => Promise<SchemaRows>, private readonly now: () => number = Date.now) {}

  get ready(): boolean { return this.loadedAt > 0; }

  keyspaces(): ReadonlyMap<string, KeyspaceModel> { return this.models; }

  dml(keyspace: string): DmlEntry | undefined {
    const m = this.models.get(keyspace);
    if (!m) return undefined;
    const fp = keyspaceFingerprint(m);
    const have = this.built.get(keyspace);
    if (have?.fingerprint === fp) return have;
    const entry = { ...buildDmlSchema(m), fingerprint: fp };
    this.built.set(keyspace, entry);
    return entry;
  }

  /** One reload at a time; concurrent callers share it. */
  refresh(): Promise<void> {
    this.loading ??= this.load().then((rows) => {
      this.models = keyspaceModels(rows);
      for (const k of [...this.built.keys()]) if (!this.models.has(k)) this.built.delete(k);
      this.loadedAt = this.now();
    }).finally(() => { this.loading = undefined; });
    return this.loading;
  }

  /** Reloads unless the last load is younger than minAgeMs: bounds what unknown names can cost. */
  async refreshIfOlder(minAgeMs: number): Promise<boolean> {
    if (this.now() - this.loadedAt < minAgeMs) return false;
    await this.refresh();
    return true;
  }

  start(intervalMs: number, onError: (e: unknown) => void): void {
    this.timer = setInterval(() => this.refresh().catch(onError), intervalMs);
    this.timer.unref();
  }

  stop(): void { if (this.timer) clearInterval(this.timer); }
}
