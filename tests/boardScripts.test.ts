// The engine restart a new daemon.json needs, as configgen: only when the board's services are
// safe to stop, Cassandra drained first, and done only once they are back.
import assert from "node:assert/strict";
import { dockerSetupScript, engineRestartScript } from "../model/boardScripts";
import { planCluster } from "../model/clusterPlan";
import { stack } from "./helpers";

describe("board scripts: a running engine restarts only when its services can stop", () => {
  const plan = planCluster(stack("dev"));
  const at = (lines: string[], pattern: RegExp) => lines.findIndex((l) => pattern.test(l));

  it("waits for the ring and the partitions, drains Cassandra, restarts, then waits for both again", () => {
    const worker = plan.boards.find((b) => b.board.roles.includes("cassandra") && b.board.roles.includes("kafka-broker"))!;
    const lines = engineRestartScript(worker);
    const order = [/nodetool status/, /nodetool drain/, /under-replicated/, /systemctl restart docker/].map((p) => at(lines, p));
    assert.deepEqual([...order].sort((a, b) => a - b), order, lines.join("\n"));
    assert.ok(order.every((i) => i >= 0), lines.join("\n"));
    assert.ok(lines.slice(order[3]).some((l) => /nodetool status/.test(l)) && lines.slice(order[3]).some((l) => /under-replicated/.test(l)));
    assert.match(lines.join("\n"), new RegExp(`board ${worker.name}: Docker restart for the new daemon.json refused`));
  });

  it("restarts a manager without data services directly, and a fresh install never waits", () => {
    const manager = plan.boards.find((b) => !b.board.roles.includes("cassandra") && !b.board.roles.includes("kafka-broker"))!;
    assert.deepEqual(engineRestartScript(manager).filter((l) => /nodetool|kafka-topics/.test(l)), []);
    const script = dockerSetupScript(manager);
    assert.match(script, /if \[ "\$changed" = 1 \] && \[ "\$running" = active \]; then/);
    assert.match(script, /elif \[ "\$changed" = 1 \]; then sudo systemctl restart docker/);
  });
});

describe("board scripts: an installed engine is found without sbin on PATH", () => {
  it("tests for dockerd by path, so a re-run does not reinstall and restart a running engine", () => {
    const script = dockerSetupScript(planCluster(stack("dev")).boards[0]);
    assert.doesNotMatch(script, /command -v dockerd/);
    assert.match(script, /\[ ! -x \/usr\/sbin\/dockerd \] && \[ ! -x \/usr\/bin\/dockerd \]/);
  });
});

describe("board scripts: a fresh install is not a restart", () => {
  it("reads whether the engine ran before installing it, and guards only services that run on the board", () => {
    const worker = planCluster(stack("dev")).boards.find((b) => b.board.roles.includes("cassandra"))!;
    const script = dockerSetupScript(worker);
    assert.ok(script.indexOf("running=$(systemctl is-active docker") < script.indexOf("apt-get install"), script);
    assert.match(script, /if \[ -n "\$had_cassandra" \]; then/);
  });
});
