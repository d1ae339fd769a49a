// configgen for swarm services: the Docker Engine API ServiceSpec of a service pinned to one
// board (placement constraint, memory limit from the budget, restart and update policy).
// Pure, so the policy pack and tests read the same limits the engine gets.

export interface ServiceMount { readonly source: string; readonly target: string }
export interface ServiceConfigFile { readonly configName: string; readonly fileName: string }
/** A swarm secret as a file under /run/secrets, readable only by the container's user. */
export interface ServiceSecretFile { readonly secretName: string; readonly fileName: string; readonly uid: string }
export interface ServicePort { readonly target: number; readonly published: number; readonly mode: "ingress" | "host" }

interface ServiceSpecArgs {
  readonly name: string;
  readonly image: string;
  readonly env: Record<string, string>;
  readonly memoryMb: number;
  /** "host" gives stable per-board addresses for gossip and listeners. */
  readonly network: string;
  readonly endpointMode: "vip" | "dnsrr";
  readonly mounts?: readonly (ServiceMount & { readonly readOnly?: boolean })[];
  readonly configs?: readonly ServiceConfigFile[];
  readonly secrets?: readonly ServiceSecretFile[];
  readonly ports?: readonly ServicePort[];
  readonly labels?: Record<string, string>;
  /** Time between SIGTERM and SIGKILL: long enough for Kafka's controlled shutdown, Cassandra's drain. */
  readonly stopGraceSeconds?: number;
}

export interface PinnedServiceSpecArgs extends ServiceSpecArgs {
  readonly board: string;
}

/** One task on every node carrying a role label (the health agent). */
export interface GlobalServiceSpecArgs extends ServiceSpecArgs {
  readonly role: string;
}

export interface ServiceSpec extends Record<string, unknown> {
  readonly Name: string;
}

export const mib = (mb: number): number => mb * 1024 * 1024;
const seconds = (s: number): number => s * 1e9;

function serviceSpec(a: ServiceSpecArgs, labels: Record<string, string>, constraint: string, mode: Record<string, unknown>): ServiceSpec {
  return {
    Name: a.name,
    Labels: { ...labels, ...a.labels },
    TaskTemplate: {
      ContainerSpec: {
        Image: a.image,
        Env: Object.entries(a.env).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => `${k}=${v}`),
        Mounts: (a.mounts ?? []).map((m) => ({ Type: "bind", Source: m.source, Target: m.target, ...(m.readOnly ? { ReadOnly: true } : {}) })),
        Configs: (a.configs ?? []).map((c) => ({ ConfigName: c.configName, File: { Name: c.fileName, UID: "0", GID: "0", Mode: 0o444 } })),
        ...(a.secrets
          ? { Secrets: a.secrets.map((c) => ({ SecretName: c.secretName, File: { Name: c.fileName, UID: c.uid, GID: c.uid, Mode: 0o400 } })) }
          : {}),
        StopGracePeriod: seconds(a.stopGraceSeconds ?? 60),
      },
      Networks: [{ Target: a.network }],
      Placement: { Constraints: [constraint] },
      Resources: { Limits: { MemoryBytes: mib(a.memoryMb) } },
      RestartPolicy: { Condition: "any", Delay: seconds(10) },
    },
    Mode: mode,
    EndpointSpec: {
      Mode: a.endpointMode,
      Ports: (a.ports ?? []).map((p) => ({ Protocol: "tcp", TargetPort: p.target, PublishedPort: p.published, PublishMode: p.mode })),
    },
    UpdateConfig: { Order: "stop-first", FailureAction: "pause" },
  };
}

export function pinnedServiceSpec(a: PinnedServiceSpecArgs): ServiceSpec {
  return serviceSpec(a, { "deskcluster.board": a.board }, `node.hostname==${a.board}`, { Replicated: { Replicas: 1 } });
}

export const roleConstraint = (role: string): string => `node.labels.deskcluster.role.${role}==true`;

export function globalServiceSpec(a: GlobalServiceSpecArgs): ServiceSpec {
  return serviceSpec(a, { "deskcluster.role": a.role }, roleConstraint(a.role), { Global: {} });
}

/** The memory limit a spec asks for, in MB; what the policy pack compares with the budget. */
export function specMemoryMb(spec: Record<string, unknown>): number | undefined {
  const bytes = (spec as { TaskTemplate?: { Resources?: { Limits?: { MemoryBytes?: number } } } }).TaskTemplate?.Resources?.Limits?.MemoryBytes;
  return bytes === undefined ? undefined : bytes / (1024 * 1024);
}
