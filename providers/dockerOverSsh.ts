// The Docker Engine API of a swarm manager, reached through `docker system dial-stdio` over
// the board's one shared, pinned-host-key SSH connection (dockerode speaks the API; we only
// supply the transport). Keep-alive HTTP: one dial-stdio channel serves many requests.
import type Dockerode from "dockerode";
import { sharedSession } from "./sshSession";
import type { SshTarget } from "./sshTarget";

type Agents = Map<string, unknown>;

export async function withDocker<T>(t: SshTarget, fn: (docker: Dockerode) => Promise<T>): Promise<T> {
  const http = require("node:http") as typeof import("node:http");
  const DockerCtor = require("dockerode") as typeof Dockerode;
  const session = await sharedSession(t);
  const g = globalThis as unknown as { __deskclusterDockerAgents?: Agents };
  // (no `??=`: Pulumi's closure serializer cannot parse it)
  if (!g.__deskclusterDockerAgents) g.__deskclusterDockerAgents = new Map();
  const agents = g.__deskclusterDockerAgents;
  let agent = agents.get(`${t.host}:${t.port}`) as import("node:http").Agent | undefined;
  if (!agent || (agent as unknown as { session?: unknown }).session !== session) {
    agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    (agent as unknown as { session: unknown }).session = session;
    (agent as unknown as { createConnection: unknown }).createConnection = (_opts: unknown, cb: (e: Error | null, s?: unknown) => void) => {
      session.exec("docker system dial-stdio", (err, stream) => {
        if (err) return cb(err);
        // An SSH channel is a plain duplex stream: give it the socket calls a keep-alive agent makes.
        const noop = () => stream;
        Object.assign(stream, { setKeepAlive: noop, setNoDelay: noop, setTimeout: noop, ref: noop, unref: noop });
        cb(null, stream);
      });
    };
    agents.set(`${t.host}:${t.port}`, agent);
  }
  try {
    return await fn(new DockerCtor({ protocol: "http", host: "docker", port: 80, agent } as never));
  } catch (err) {
    throw new Error(`board ${t.board}: Docker API: ${(err as Error).message}`);
  }
}

export const isNotFound = (err: unknown): boolean => /\b404\b|not found|no such/i.test(String((err as Error)?.message ?? err));
