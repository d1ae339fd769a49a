// The Docker Engine API of a swarm manager, reached through `docker system dial-stdio` over
// the board's one shared, pinned-host-key SSH connection (dockerode speaks the API; we only
// supply the transport). Each request is one channel, counted with the board's commands.
import type Dockerode from "dockerode";
import { openChannel } from "./sshSession";
import type { SshTarget } from "./sshTarget";

export async function withDocker<T>(t: SshTarget, fn: (docker: Dockerode) => Promise<T>): Promise<T> {
  const http = require("node:http") as typeof import("node:http");
  const DockerCtor = require("dockerode") as typeof Dockerode;
  // Keep-alive within one call: a read asks several questions in a row (inspect, networks, tasks), and each new
  // channel costs a `sudo docker` process on the board. The agent is destroyed when the call ends, so no idle
  // channel outlives it and holds one of the connection's slots.
  const agent = new http.Agent({ keepAlive: true });
  (agent as unknown as { createConnection: unknown }).createConnection = (_opts: unknown, cb: (e: Error | null, s?: unknown) => void) => {
    // Through sudo like every script: the shared login predates the docker group the Docker step grants.
    openChannel(t, "sudo -n docker system dial-stdio").then(({ stream, release }) => {
      stream.once("close", release);
      // An SSH channel is a plain duplex stream: give it the socket calls an HTTP agent makes.
      const noop = () => stream;
      Object.assign(stream, { setKeepAlive: noop, setNoDelay: noop, setTimeout: noop, ref: noop, unref: noop });
      cb(null, stream);
    }, (err: Error) => cb(err));
  };
  try {
    return await fn(new DockerCtor({ protocol: "http", host: "docker", port: 80, agent } as never));
  } catch (err) {
    throw new Error(`board ${t.board}: Docker API: ${(err as Error).message}`);
  } finally {
    agent.destroy();
  }
}

export const isNotFound = (err: unknown): boolean => /\b404\b|not found|no such/i.test(String((err as Error)?.message ?? err));
