import { gatewayBoards } from "../model/gatewayConfig";
import assert from "node:assert/strict";
import { cassandraSeeds, seedsFor } from "../model/cassandraSeeds";
import { planCluster } from "../model/clusterPlan";
import { identityChangeFailures } from "../model/identityChange";
import { kafkaNodes, quorumVoters } from "../model/kraftQuorum";
import { boardBudget, defaultHeapMb, jvmHeadroomMb } from "../model/memoryBudget";
import { heapMbFromEnv } from "../model/planChecks";
import { omitServices, omitServicesProblems } from "../model/omitServices";
import { boardsWithRole, servicesOn } from "../model/placement";
import { checkInventory } from "../model/rules";
import { parseQuorumStatus } from "../lab/checks/kafka";
import { serviceName } from "../model/serviceNames";
import { cassandraAuthScript, cqlScript } from "../model/serviceScripts";
import { stack } from "./helpers";

describe("model", () => {
  describe("cassandraSeeds", () => {
    const names = (bs: { name: string }[]) => bs.map((b) => b.name);
    it("takes one seed per rack when there are more than three racks", () => {
      const dev = stack("dev");
      assert.deepEqual(names(cassandraSeeds(boardsWithRole(dev, "cassandra"))), ["pi-w1", "pi-w2", "pi-w3", "pi-w4"]);
    });
    it("takes all nodes when there are three or fewer", () => {
      const lab = stack("lab");
      assert.deepEqual(names(cassandraSeeds(boardsWithRole(lab, "cassandra"))), ["lab1", "lab2", "lab3"]);
    });
    it("takes three seeds spread over racks otherwise, independent of list order", () => {
      const inv = stack("dev", (raw) => {
        for (const b of raw.boards) if (b.name === "pi-w4") b.rack = "rack-a";
        const pi = structuredClone(raw.boards[3]);
        raw.boards.push({ ...pi, name: "pi-w6", rack: "rack-b", interfaces: [{ name: "eth0", kind: "wired", address: "192.168.50.26" }] });
        raw.boards.reverse();
      });
      assert.deepEqual(names(cassandraSeeds(boardsWithRole(inv, "cassandra"))), ["pi-w1", "pi-w2", "pi-w3"]);
    });
    it("never every node once a ring outgrows the formula: max(3, racks) seeds", () => {
      const ring = (size: number, racks: number) => stack("lab", (raw) => {
        raw.boards = raw.boards.filter((b) => b.name === "lab4");
        for (let i = 1; i <= size; i++) {
          raw.boards.push({ ...structuredClone(raw.boards[0]), name: `n${i}`, rack: `rack-${(i % racks) + 1}`, roles: ["cassandra"],
            interfaces: [{ name: "eth0", kind: "wired", address: `10.0.0.${i}` }] });
        }
      });
      for (const [size, racks, seeds] of [[4, 2, 3], [5, 3, 3], [9, 3, 3], [6, 5, 5], [9, 4, 4]]) {
        const chosen = cassandraSeeds(boardsWithRole(ring(size, racks), "cassandra"));
        assert.equal(chosen.length, seeds, `${size} nodes over ${racks} racks`);
        assert.equal(new Set(chosen.map((b) => b.rack)).size, Math.min(seeds, racks), "spread over racks");
      }
    });
    it("prefers a settled node over a joining one in its rack", () => {
      const dev = stack("dev", (raw) => {
        raw.boards.push({ ...structuredClone(raw.boards[3]), name: "pi-w0", interfaces: [{ name: "eth0", kind: "wired", address: "192.168.50.20" }] });
      });
      const nodes = boardsWithRole(dev, "cassandra");
      assert.deepEqual(names(cassandraSeeds(nodes)), ["pi-w0", "pi-w2", "pi-w3", "pi-w4"]);
      assert.deepEqual(names(cassandraSeeds(nodes, new Set(["pi-w0"]))), ["pi-w1", "pi-w2", "pi-w3", "pi-w4"]);
    });
    it("a joining node is not its own seed, and never its own only seed", () => {
      const seeds = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
      assert.deepEqual(seedsFor("10.0.0.3", seeds, true), ["10.0.0.1", "10.0.0.2"]);
      assert.deepEqual(seedsFor("10.0.0.3", seeds, false), seeds);
      assert.throws(() => seedsFor("10.0.0.1", ["10.0.0.1"], true), /10\.0\.0\.1 would be its own only seed/);
    });
  });

  describe("kraftQuorum", () => {
    it("takes node ids from the ledger, not from list order", () => {
      const a = kafkaNodes(stack("dev"));
      const b = kafkaNodes(stack("dev", (raw) => raw.boards.reverse()));
      assert.deepEqual(a, b);
      assert.equal(a.find((n) => n.board === "pi-w3")?.nodeId, 13);
    });
    it("lists controllers only as voters, in id order", () => {
      assert.equal(quorumVoters(kafkaNodes(stack("dev"))), "1@192.168.50.11:9093,2@192.168.50.12:9093,3@192.168.50.13:9093");
    });
  });

  describe("memoryBudget", () => {
    it("derives heaps that leave off-heap headroom", () => {
      for (const limit of [256, 512, 1024, 2048, 3072]) assert.ok(defaultHeapMb(limit) + jvmHeadroomMb(limit) <= limit, `limit ${limit}`);
      assert.equal(defaultHeapMb(3072), 1536);
    });
    it("sums every service placed on a board", () => {
      const dev = stack("dev");
      const b = boardBudget(dev, dev.boards.find((x) => x.name === "pi-w1")!);
      assert.deepEqual(b.services.map((s) => [s.service, s.memoryMb]), [["cassandra", 3072], ["kafka", 1024], ["health-agent", 96]]);
      assert.equal(b.usedMb, 4192);
      assert.equal(b.availableMb, 8192 - 768);
    });
    it("sizes controller-only Kafka nodes for 1 GB boards", () => {
      const dev = stack("dev");
      const b = boardBudget(dev, dev.boards.find((x) => x.name === "opi-m1")!);
      assert.deepEqual(b.services.find((s) => s.service === "kafka"), { service: "kafka", memoryMb: 512, heapMb: 256 });
    });
  });

  describe("configgen", () => {
    const plan = planCluster(stack("dev"));
    it("gives Cassandra its rack, seeds, heap and the rendered config path", () => {
      const n = plan.cassandra.nodes.find((x) => x.board === "pi-w2")!;
      assert.equal(n.env.CASSANDRA_RACK, "rack-b");
      assert.equal(n.env.CASSANDRA_DC, "desk1");
      assert.equal(n.env.CASSANDRA_SEEDS, "192.168.50.21,192.168.50.22,192.168.50.23,192.168.50.24");
      assert.equal(n.env.CASSANDRA_BROADCAST_ADDRESS, "192.168.50.22");
      assert.equal(n.env.MAX_HEAP_SIZE, "1536M");
      assert.equal(n.env.HEAP_NEWSIZE, "384M");
      assert.match(n.env.JVM_EXTRA_OPTS, /-Dcassandra\.config=file:\/\/\/etc\/deskcluster\/cassandra\.yaml/);
      assert.match(n.cassandraYaml, /authenticator: PasswordAuthenticator/);
      assert.match(n.cassandraYaml, /seeds: 192\.168\.50\.21,192\.168\.50\.22,192\.168\.50\.23,192\.168\.50\.24/);
    });
    it("adds start-up flags only where the inventory leaves Cassandra's defaults (a desk that keeps them keeps its spec)", () => {
      const opts = (p: ReturnType<typeof planCluster>) => p.cassandra.nodes.map((n) => n.env.JVM_EXTRA_OPTS);
      assert.deepEqual(new Set(opts(plan)), new Set(["-Dcassandra.config=file:///etc/deskcluster/cassandra.yaml"]));
      const lab = planCluster(stack("lab"));
      assert.deepEqual(new Set(opts(lab)), new Set([
        "-Dcassandra.config=file:///etc/deskcluster/cassandra.yaml -Dcassandra.ring_delay_ms=10000 -Dcassandra.skip_wait_for_gossip_to_settle=0",
      ]));
      const onlyDelay = planCluster(stack("dev", (raw) => { raw.services.cassandra.startup = { ringDelayMs: 15000 }; }));
      assert.match(opts(onlyDelay)[0], /file:\S+ -Dcassandra\.ring_delay_ms=15000$/);
      assert.throws(() => stack("dev", (raw) => { raw.services.cassandra.startup = { ringDelayMs: 100 }; }), /services\.cassandra\.startup\.ringDelayMs/);
    });
    it("gives controller-only Kafka nodes no advertised listeners and brokers their rack", () => {
      const ctrl = plan.kafka.nodes.find((n) => n.board === "opi-m1")!.env;
      assert.equal(ctrl.KAFKA_PROCESS_ROLES, "controller");
      assert.equal(ctrl.KAFKA_ADVERTISED_LISTENERS, undefined);
      assert.equal(ctrl.KAFKA_LISTENERS, "CONTROLLER://192.168.50.11:9093");
      const broker = plan.kafka.nodes.find((n) => n.board === "pi-w4")!.env;
      assert.equal(broker.KAFKA_NODE_ID, "14");
      assert.equal(broker.KAFKA_BROKER_RACK, "rack-d");
      assert.equal(broker.KAFKA_LOG_DIRS, "/var/lib/kafka/data");
      assert.equal(broker.KAFKA_ADVERTISED_LISTENERS, "PLAINTEXT://192.168.50.24:9092");
      assert.equal(broker.KAFKA_HEAP_OPTS, "-Xms512m -Xmx512m");
    });
    it("announces the Cassandra line Stargate joins", () => {
      assert.equal(plan.stargate[0].coordinatorEnv.CLUSTER_VERSION, "4.0");
      assert.equal(plan.stargate[0].coordinatorEnv.RACK_NAME, "rack-d");
      assert.equal(plan.stargate[0].graphqlEnv.QUARKUS_GRPC_CLIENTS_BRIDGE_HOST, "192.168.50.25");
    });
    it("labels swarm nodes with their rack and roles", () => {
      assert.deepEqual(plan.swarm.managers, ["opi-m1", "opi-m2", "opi-m3"]);
      assert.equal(plan.swarm.labels["pi-w3"]["deskcluster.rack"], "rack-c");
      assert.equal(plan.swarm.labels["pi-w3"]["deskcluster.role.cassandra"], "true");
    });
    it("pins the wired address with a NetworkManager keyfile, never the Wi-Fi one", () => {
      const f = plan.boards.find((b) => b.name === "pi-w1")!.files.staticAddress!;
      assert.match(f, /interface-name=eth0/);
      assert.match(f, /address1=192\.168\.50\.21\/24,192\.168\.50\.1/);
      assert.doesNotMatch(f, /192\.168\.60/);
      assert.equal(planCluster(stack("lab")).boards[0].files.staticAddress, undefined);
    });
  });

  describe("identityChangeFailures", () => {
    it("refuses a new id or rack for a live node and accepts a first creation", () => {
      assert.deepEqual(identityChangeFailures(undefined, { board: "pi-w1", nodeId: 11, rack: "rack-a" }), []);
      assert.deepEqual(identityChangeFailures({ board: "pi-w1", nodeId: 11, rack: "rack-a" }, { board: "pi-w1", nodeId: 11, rack: "rack-a" }), []);
      const f = identityChangeFailures({ board: "pi-w1", nodeId: 11, rack: "rack-a" }, { board: "pi-w1", nodeId: 21, rack: "rack-b" });
      assert.deepEqual(f.map((x) => x.property), ["nodeId", "rack"]);
      assert.match(f[0].reason, /board pi-w1, field identity\.kafka\.pi-w1: .*from 11 to 21/);
    });
  });

  describe("heapMbFromEnv", () => {
    it("reads the heap from each image's variable", () => {
      assert.equal(heapMbFromEnv({ MAX_HEAP_SIZE: "1536M" }), 1536);
      assert.equal(heapMbFromEnv({ KAFKA_HEAP_OPTS: "-Xms1g -Xmx1g" }), 1024);
      assert.equal(heapMbFromEnv({ JAVA_OPTS: "-Xmx768m" }), 768);
      assert.equal(heapMbFromEnv({}), undefined);
    });
  });
});

describe("omitServices", () => {
  it("drops an optional service with its roles, still passes every rule, and refuses a mandatory one", () => {
    const inv = stack("lab");
    const slim = omitServices(inv, ["gateway"]);
    const lab4 = slim.boards.find((b) => b.name === "lab4")!;
    assert.deepEqual(lab4.roles, ["swarm-worker", "health-agent", "health-sink"]);
    assert.deepEqual(checkInventory(slim), []);
    assert.deepEqual(servicesOn(slim, lab4).filter((s) => s === "graphql-gateway"), []);
    assert.ok(servicesOn(inv, inv.boards.find((b) => b.name === "lab4")!).includes("graphql-gateway"));
    assert.equal(gatewayBoards(slim).length, 0);
    assert.deepEqual(omitServicesProblems(["cassandra"]).map((v) => v.field), ["deskcluster:omitServices"]);
  });
});

describe("parseQuorumStatus", () => {
  it("reads voters in the JSON form of Kafka 3.9 and the plain list of older releases", () => {
    const voter = (id: number) => `{"id": ${id}, "directoryId": null, "endpoints": ["CONTROLLER://10.0.0.${id}:9093"]}`;
    const v39 = `ClusterId: x\nLeaderId:               2\nCurrentVoters:          [${voter(1)}, ${voter(3)}]\nCurrentObservers:       []\n`;
    assert.deepEqual(parseQuorumStatus(v39), { leaderId: 2, voters: [1, 3] });
    assert.deepEqual(parseQuorumStatus("LeaderId: 7\nCurrentVoters: [11,7,9]\n"), { leaderId: 7, voters: [7, 9, 11] });
    assert.throws(() => parseQuorumStatus("error: timed out", "lab1"), /on lab1 said/);
  });
});

describe("superuser scripts", () => {
  it("keep the password off every command line: stdin into a builtin printf and a cqlshrc", () => {
    const service = serviceName("cassandra", "lab1");
    for (const script of [cassandraAuthScript(service, "172.30.77.11", "lab1", 3), cqlScript(service, "172.30.77.11", ["SELECT 1;"])]) {
      assert.match(script, /^read -r pw$/m);
      assert.ok(!/-p "\$pw"|-p \$pw|password=\$pw/.test(script), script);
      const writesRc = "printf '[authentication]\\nusername = cassandra\\npassword = %s\\n' \"$pw\" | sudo docker exec -i \"$ctr\" sh -c "
        + "'umask 077; cat > /tmp/.deskcluster-cqlshrc'";
      assert.ok(script.includes(writesRc), script);
      assert.match(script, /cqlsh --cqlshrc \/tmp\/\.deskcluster-cqlshrc 172\.30\.77\.11 9042/);
    }
  });
});
