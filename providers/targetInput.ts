// How a resource sends where it runs. A board's address (board, host, port, user) is plain: the
// plugin adds the pinned host key from config (sshTarget.ts). A target that carries a key itself
// (a tool or a test passing one inline) travels as a secret, as every target did before.
import * as pulumi from "@pulumi/pulumi";
import type { BoardAddress } from "./sshTarget";

const keyed = (t: BoardAddress | undefined): boolean => !!t && (t.hostKey !== undefined || t.privateKey !== undefined);

export function targetInput(t: pulumi.Input<BoardAddress>): pulumi.Output<BoardAddress> {
  return pulumi.output(t).apply((v): pulumi.Input<BoardAddress> => (keyed(v) ? pulumi.secret(v) : v)) as pulumi.Output<BoardAddress>;
}

export function targetsInput(m: pulumi.Input<Record<string, pulumi.Input<BoardAddress>>>): pulumi.Output<Record<string, BoardAddress>> {
  return pulumi.output(m).apply((v) => (Object.values(v).some(keyed) ? pulumi.secret(v) : v)) as pulumi.Output<Record<string, BoardAddress>>;
}
