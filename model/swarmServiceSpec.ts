// configgen for swarm services: the Docker Engine API ServiceSpec of a service pinned to one
// board (placement constraint, memory limit from the budget, restart and update policy).
// Pure, so the policy pack and tests read the same limits the engine gets.

export interface ServiceMount { readonly source: string; readonly target: string }
export interface ServiceConfigFile { readonly configName: string; readonly fileName: string }
export interface ServicePort { readonly target: number; readonly published: number; readonly mode: "ingress" | "host" }

export interface PinnedServiceSpecArgs {
  readonly name: string;
  readonly board: string;
  readonly image: string;
  readonly env: Record<string, string>;
  readonly memoryMb: number;
  /** "host" gives stable per-board addresses for gossip and listeners. */
  readonly network: string;
  readonly endpointMode: "vip" | "dnsrr";
  readonly mounts?: readonly ServiceMount[];
  readonly configs?: readonly ServiceConfigFile[];
  readonly ports?: readonly ServicePort[];
  readonly labels?: Record<string, string>;
}

export interface ServiceSpec extends Record<string, unknown> {
  readonly Name: string;
}

export const mib = (mb: number): number => mb * 1024 * 1024;
const seconds = (s: number): number => s * 1e9;

export function pinnedServiceSpec(a: PinnedServiceSpecArgs): ServiceSpec {
  return {
    Name: a.name,
    Labels: { "deskcluster.board": a.board, ...a.labels },
    TaskTemplate: {
      ContainerSpec: {
        Image: a.image,
        Env: Object.entries(a.env).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => `${k}=${v}`),
        Mounts: (a.mounts ?? []).map((m) => ({ Type: "bind", Source: m.source, Target: m.target })),
        Configs: (a.configs ?? []).map((c) => ({ ConfigName: c.configName, File: { Name: c.fileName, UID: "0", GID: "0", Mode: 0o444 } })),
        StopGracePeriod: seconds(60),
      },
      Networks: [{ Target: a.network }],
      Placement: { Constraints: [`node.hostname==${a.board}`] },
      Resources: { Limits: { MemoryBytes: mib(a.memoryMb) } },
      RestartPolicy: { Condition: "any", Delay: seconds(10) },
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: {
      Mode: a.endpointMode,
      Ports: (a.ports ?? []).map((p) => ({ Protocol: "tcp", TargetPort: p.target, PublishedPort: p.published, PublishMode: p.mode })),
    },
    UpdateConfig: { Order: "stop-first", FailureAction: "pause" },
  };
}

/** The memory limit a spec asks for, in MB; what the policy pack compares with the budget. */
export function specMemoryMb(spec: Record<string, unknown>): number | undefined {
  const bytes = (spec as { TaskTemplate?: { Resources?: { Limits?: { MemoryBytes?: number } } } }).TaskTemplate?.Resources?.Limits?.MemoryBytes;
  return bytes === undefined ? undefined : bytes / (1024 * 1024);
}
