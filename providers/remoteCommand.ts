// RemoteCommand: a script run on a board over SSH with create/update/delete steps, in the
// shape of @pulumi/command's remote.Command, whose provider plugin cannot be built offline
// here (see scripts/toolchain/README.md). The connection (key, host key) and stdin are
// stored as secrets; stdout is secret when asked.
import * as pulumi from "@pulumi/pulumi";
import { runOn } from "./sshSession";
import { SshTarget, sshTargetFailures } from "./sshTarget";

/** The engine type of every RemoteCommand (what the policy pack looks for). */
export const remoteCommandType = "pulumi-nodejs:dynamic/deskcluster:RemoteCommand";

export interface RemoteCommandInputs {
  connection: SshTarget;
  create: string;
  /** Run instead of create when create, update, stdin or triggers change; else replace. */
  update?: string;
  delete?: string;
  stdin?: string;
  triggers?: unknown[];
}

const scriptKeys = ["create", "update", "stdin", "triggers"] as const;
const sameTarget = (a: SshTarget, b: SshTarget) => a.host === b.host && a.port === b.port && a.user === b.user;

export const remoteCommandProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: RemoteCommandInputs, news: RemoteCommandInputs) {
    const failures = sshTargetFailures(news.connection);
    if (typeof news.create !== "string" || news.create.trim() === "") failures.push({ property: "create", reason: `board ${news.connection?.board}: field create: empty script` });
    return { inputs: news, failures };
  },
  async diff(_id: string, olds: RemoteCommandInputs, news: RemoteCommandInputs) {
    const changed = scriptKeys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
    const moved = !sameTarget(olds.connection, news.connection);
    const replaces = [...(moved ? ["connection"] : []), ...(news.update === undefined ? changed : [])];
    const rekeyed = olds.connection.privateKey !== news.connection.privateKey || olds.connection.hostKey !== news.connection.hostKey;
    return { changes: changed.length > 0 || moved || rekeyed || olds.delete !== news.delete, replaces, deleteBeforeReplace: false };
  },
  async create(inputs: RemoteCommandInputs) {
    const out = await runOn(inputs.connection, inputs.create, inputs.stdin);
    return { id: `${inputs.connection.board}-${Date.now().toString(36)}`, outs: { ...inputs, ...out } };
  },
  async update(_id: string, olds: RemoteCommandInputs & { stdout: string; stderr: string }, news: RemoteCommandInputs) {
    const rerun = scriptKeys.some((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
    if (!rerun) return { outs: { ...news, stdout: olds.stdout, stderr: olds.stderr } };
    const out = await runOn(news.connection, news.update ?? news.create, news.stdin);
    return { outs: { ...news, ...out } };
  },
  async delete(_id: string, props: RemoteCommandInputs) {
    if (props.delete) await runOn(props.connection, props.delete);
  },
};

export interface RemoteCommandArgs {
  connection: pulumi.Input<SshTarget>;
  create: pulumi.Input<string>;
  update?: pulumi.Input<string>;
  delete?: pulumi.Input<string>;
  stdin?: pulumi.Input<string>;
  triggers?: pulumi.Input<unknown>[];
  /** Keep stdout out of logs, diffs and plaintext state (tokens, passwords). */
  secretStdout?: boolean;
}

export class RemoteCommand extends pulumi.dynamic.Resource {
  declare public readonly stdout: pulumi.Output<string>;
  declare public readonly stderr: pulumi.Output<string>;
  constructor(name: string, args: RemoteCommandArgs, opts?: pulumi.CustomResourceOptions) {
    const { secretStdout, ...inputs } = args;
    const secrets = ["connection", "stdin", ...(secretStdout ? ["stdout", "stderr"] : [])];
    super(remoteCommandProvider, name, { ...inputs, connection: pulumi.secret(inputs.connection), stdout: undefined, stderr: undefined }, {
      ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets],
    }, "deskcluster", "RemoteCommand");
  }
}
