// The Docker Engine API of a swarm manager, reached through `docker system dial-stdio` over
// the same pinned-host-key SSH session as every other board operation (dockerode speaks
// the API; we only supply the transport).
import type Dockerode from "dockerode";
import { openSession } from "./sshSession";
import type { SshTarget } from "./sshTarget";

export async function withDocker<T>(t: SshTarget, fn: (docker: Dockerode) => Promise<T>): Promise<T> {
  const http = require("node:http") as typeof import("node:http");
  const DockerCtor = require("dockerode") as typeof Dockerode;
  const session = await openSession(t);
  const agent = new http.Agent({ keepAlive: false });
  (agent as unknown as { createConnection: unknown }).createConnection = (_opts: unknown, cb: (e: Error | null, s?: unknown) => void) => {
    session.exec("docker system dial-stdio", (err, stream) => (err ? cb(err) : cb(null, stream)));
  };
  try {
    return await fn(new DockerCtor({ protocol: "http", host: "docker", port: 80, agent } as never));
  } catch (err) {
    throw new Error(`board ${t.board}: Docker API: ${(err as Error).message}`);
  } finally {
    agent.destroy();
    session.end();
  }
}

export const isNotFound = (err: unknown): boolean => /\b404\b|not found|no such/i.test(String((err as Error)?.message ?? err));
