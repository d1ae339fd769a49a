// An in-memory Docker Engine API of a swarm manager, only as much of it as the providers call
// (services, tasks, networks, configs, secrets). It behaves like the real one where the
// providers depend on it: the engine adds its defaults to a spec and turns network names into
// ids, an update must name the current version, and only a changed task template (ForceUpdate
// included) replaces a service's task. Tests reach into `services` to edit behind Pulumi's back.
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
export type ObjectKind = "config" | "secret" | "network";
export interface FakeService { ID: string; Version: { Index: number }; Spec: Json; task: { ID: string; State: string; Err?: string } }
interface FakeObject { ID: string; Version: { Index: number }; Spec: Json }

export class FakeEngine {
  readonly services = new Map<string, FakeService>();
  readonly objects: Record<ObjectKind, Map<string, FakeObject>> = { config: new Map(), secret: new Map(), network: new Map() };
  private index = 10;
  private server?: Server;

  constructor() {
    // Every swarm has a host network with an id of its own; services name it by that id.
    this.objects.network.set("netHost", { ID: "netHost", Version: { Index: 1 }, Spec: { Name: "host", Driver: "host" } });
  }

  service(nameOrId: string): FakeService | undefined {
    return this.services.get(nameOrId) ?? [...this.services.values()].find((s) => s.Spec.Name === nameOrId);
  }

  object(kind: ObjectKind, nameOrId: string): FakeObject | undefined {
    return this.objects[kind].get(nameOrId) ?? [...this.objects[kind].values()].find((o) => o.Spec.Name === nameOrId);
  }

  /** Edits a service as `docker service update` by hand would: a new version and a new task. */
  edit(name: string, change: (spec: Json) => void): FakeService {
    const svc = this.service(name);
    if (!svc) throw new Error(`fake engine: no service ${name} to edit`);
    change(svc.Spec);
    Object.assign(svc, { Version: { Index: ++this.index }, task: { ID: this.nextId("task"), State: "running" } });
    return svc;
  }

  /** Removes an object as `docker config rm` (etc.) by hand would. */
  remove(kind: ObjectKind | "service", nameOrId: string): void {
    const found = kind === "service" ? this.service(nameOrId) : this.object(kind, nameOrId);
    if (!found) throw new Error(`fake engine: no ${kind} ${nameOrId} to remove`);
    (kind === "service" ? this.services : this.objects[kind]).delete(found.ID);
  }

  listen(): Promise<number> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d)).on("end", () => {
        try {
          const [code, out] = this.route(req, body ? JSON.parse(body) : {});
          res.writeHead(code, { "Content-Type": "application/json" }).end(out === undefined ? "" : JSON.stringify(out));
        } catch (err) {
          res.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ message: String(err) }));
        }
      });
    });
    return new Promise((resolve) => this.server!.listen(0, "127.0.0.1", () => resolve((this.server!.address() as AddressInfo).port)));
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private nextId(prefix: string): string {
    return `${prefix}${++this.index}`;
  }

  /** The spec as the engine stores it: its defaults added, network names turned into ids. */
  private stored(spec: Json): Json {
    const { version: _ignored, ...s } = spec;
    const task = s.TaskTemplate ?? {};
    const networks = task.Networks?.map((n: Json) => ({ ...n, Target: this.object("network", n.Target)?.ID ?? n.Target }));
    return {
      Labels: {}, Mode: { Replicated: { Replicas: 1 } }, ...s,
      TaskTemplate: {
        ForceUpdate: 0, Runtime: "container", ...task, ContainerSpec: { Isolation: "default", ...task.ContainerSpec },
        ...(networks ? { Networks: networks } : {}),
      },
      EndpointSpec: { Mode: "vip", ...s.EndpointSpec },
    };
  }

  private route(req: IncomingMessage, body: Json): [number, unknown] {
    const url = new URL(req.url ?? "/", "http://docker");
    const parts = url.pathname.replace(/^\/v[\d.]+\//, "/").split("/").filter(Boolean).map(decodeURIComponent);
    const [top, id, verb] = parts;
    const method = req.method ?? "GET";
    const missing = (what: string): [number, unknown] => [404, { message: `${what} ${id} not found` }];
    if (top === "services") {
      if (method === "POST" && id === "create") {
        if (this.service(body.Name)) return [409, { message: `service ${body.Name} already exists` }];
        const svc = { ID: this.nextId("svc"), Version: { Index: ++this.index }, Spec: this.stored(body), task: { ID: this.nextId("task"), State: "running" } };
        this.services.set(svc.ID, svc);
        return [201, { ID: svc.ID }];
      }
      const svc = this.service(id ?? "");
      if (!svc) return missing("service");
      if (method === "GET") return [200, { ID: svc.ID, Version: svc.Version, Spec: svc.Spec }];
      if (method === "DELETE") return [200, this.services.delete(svc.ID) && undefined];
      if (method === "POST" && verb === "update") {
        if (Number(url.searchParams.get("version")) !== svc.Version.Index) return [500, { message: "update out of sequence" }];
        const spec = this.stored(body);
        if (JSON.stringify(spec.TaskTemplate) !== JSON.stringify(svc.Spec.TaskTemplate)) svc.task = { ID: this.nextId("task"), State: "running" };
        Object.assign(svc, { Spec: spec, Version: { Index: ++this.index } });
        return [200, { Warnings: [] }];
      }
    }
    if (top === "tasks" && method === "GET") {
      const f = JSON.parse(url.searchParams.get("filters") ?? "{}") as { service?: string[]; "desired-state"?: string[] };
      const picked = [...this.services.values()].filter((s) => !f.service || f.service.includes(s.ID) || f.service.includes(s.Spec.Name));
      const wanted = !f["desired-state"] || f["desired-state"].includes("running");
      // State "none": the swarm has no task for the service yet (a board's engine just restarted).
      const status = (s: FakeService) => ({ State: s.task.State, ...(s.task.Err ? { Err: s.task.Err } : {}) });
      const listed = picked.filter((s) => s.task.State !== "none");
      return [200, wanted ? listed.map((s) => ({ ID: s.task.ID, ServiceID: s.ID, DesiredState: "running", Status: status(s) })) : []];
    }
    const kind = ({ configs: "config", secrets: "secret", networks: "network" } as Record<string, ObjectKind>)[top ?? ""];
    if (kind) return this.routeObject(kind, method, id, body);
    return [500, { message: `fake engine: ${method} ${url.pathname} is not implemented` }];
  }

  private routeObject(kind: ObjectKind, method: string, id: string | undefined, body: Json): [number, unknown] {
    const all = this.objects[kind];
    const shown = (o: FakeObject) => (kind === "network" ? { Id: o.ID, Scope: "swarm", ...o.Spec } : { ID: o.ID, Version: o.Version, Spec: o.Spec });
    if (method === "GET" && id === undefined) return [200, [...all.values()].map(shown)];
    if (method === "POST" && id === "create") {
      if (this.object(kind, body.Name)) return [409, { message: `${kind} ${body.Name} already exists` }];
      const o = { ID: this.nextId(kind), Version: { Index: ++this.index }, Spec: body };
      all.set(o.ID, o);
      return [201, kind === "network" ? { Id: o.ID } : { ID: o.ID }];
    }
    const o = this.object(kind, id ?? "");
    if (!o) return [404, { message: `${kind} ${id} not found` }];
    if (method === "GET") return [200, shown(o)];
    if (method === "DELETE") return [204, all.delete(o.ID) && undefined];
    return [500, { message: `fake engine: ${method} ${kind}s/${id} is not implemented` }];
  }
}
