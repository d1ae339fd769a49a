// The Docker Engine API of a swarm manager, reached through `docker system dial-stdio` over
// the board's one shared, pinned-host-key SSH connection (dockerode speaks the API; we only
// supply the transport). A few keep-alive dial-stdio channels per board serve every request.
import type Dockerode from "dockerode";
import type { Client } from "ssh2";
import { sharedSession } from "./sshSession";
import type { SshTarget } from "./sshTarget";

/** At most this many dial-stdio channels per board, kept open and reused (sshd frees a closed one late). */
const dockerChannels = 2;

function agentFor(client: Client): import("node:http").Agent {
  const g = globalThis as unknown as { __deskclusterDockerAgents?: WeakMap<Client, import("node:http").Agent> };
  if (!g.__deskclusterDockerAgents) g.__deskclusterDockerAgents = new WeakMap();
  const found = g.__deskclusterDockerAgents.get(client);
  if (found) return found;
  const http = require("node:http") as typeof import("node:http");
  const agent = new http.Agent({ keepAlive: true, maxSockets: dockerChannels, maxFreeSockets: dockerChannels });
  (agent as unknown as { createConnection: unknown }).createConnection = (_opts: unknown, cb: (e: Error | null, s?: unknown) => void) => {
    // Through sudo like every script: the shared login predates the docker group the Docker step grants.
    client.exec("sudo -n docker system dial-stdio", (err, stream) => {
      if (err) return cb(err);
      // An SSH channel is a plain duplex stream: give it the socket calls an HTTP agent makes.
      const noop = () => stream;
      Object.assign(stream, { setKeepAlive: noop, setNoDelay: noop, setTimeout: noop, ref: noop, unref: noop });
      cb(null, stream);
    });
  };
  g.__deskclusterDockerAgents.set(client, agent);
  return agent;
}

export async function withDocker<T>(t: SshTarget, fn: (docker: Dockerode) => Promise<T>): Promise<T> {
  const DockerCtor = require("dockerode") as typeof Dockerode;
  const agent = agentFor(await sharedSession(t));
  try {
    return await fn(new DockerCtor({ protocol: "http", host: "docker", port: 80, agent } as never));
  } catch (err) {
    throw new Error(`board ${t.board}: Docker API: ${(err as Error).message}`);
  }
}

export const isNotFound = (err: unknown): boolean => /\b404\b|not found|no such/i.test(String((err as Error)?.message ?? err));
