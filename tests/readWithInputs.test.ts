// The plugin's Read over real gRPC, served as the engine calls it: the SDK's server drops the
// request's inputs, the plugin's handler hands them to the provider beside the outputs.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import type * as grpc from "@grpc/grpc-js";
import { sdkGrpcServer, serveReadWithInputs } from "../providers/readWithInputs";

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/provider"));
/* eslint-disable @typescript-eslint/no-explicit-any */
const grpcJs = sdkRequire("@grpc/grpc-js") as typeof grpc;
const services = sdkRequire("../proto/provider_grpc_pb") as any;
const messages = sdkRequire("../proto/provider_pb") as any;
const { Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb") as any;

/** What the SDK's server does with a Read: the provider sees the outputs only. */
const sdkLike = (seen: unknown[]) => ({
  read(call: any, cb: any) {
    seen.push(["sdk read", call.request.getProperties().toJavaScript()]);
    cb(null, new messages.ReadResponse());
  },
  diff(_call: any, cb: any) { seen.push(["sdk diff"]); cb(null, new messages.DiffResponse()); },
});

async function serve(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync("127.0.0.1:0", grpcJs.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
}

describe("the plugin's Read", () => {
  it("hands the provider the resource's last inputs beside its outputs; every other call stays the SDK's", async () => {
    const seen: unknown[] = [];
    class Server extends sdkGrpcServer {}
    const installed = serveReadWithInputs(async (id, urn, props, inputs) => {
      if (id === "gone") throw new Error("board lab9 (172.30.77.19): unreachable");
      seen.push(["read", id, urn, props, inputs]);
      return { id, props: { ...props, observed: { drift: [] } } };
    }, Server);
    const server = new Server();
    assert.equal(installed(), false);
    server.addService(services.ResourceProviderService, sdkLike(seen) as never);
    assert.equal(installed(), true);
    const port = await serve(server);
    const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpcJs.credentials.createInsecure());
    try {
      const req = new messages.ReadRequest();
      req.setId("svc1");
      req.setUrn("urn:pulumi:lab::deskcluster::deskcluster:swarm:Service::kafka");
      req.setProperties(Struct.fromJavaScript({ kind: "service" }));
      req.setInputs(Struct.fromJavaScript({ kind: "service", spec: { Name: "kafka" } }));
      const resp: any = await new Promise((resolve, reject) => client.read(req, (e: Error, r: unknown) => (e ? reject(e) : resolve(r))));
      assert.equal(resp.getId(), "svc1");
      assert.deepEqual(resp.getProperties().toJavaScript(), { kind: "service", observed: { drift: [] } });
      assert.equal(resp.getInputs(), undefined, "the engine keeps the last inputs: none are sent back");
      assert.deepEqual(seen, [["read", "svc1", "urn:pulumi:lab::deskcluster::deskcluster:swarm:Service::kafka", { kind: "service" },
        { kind: "service", spec: { Name: "kafka" } }]]);
      await new Promise((resolve) => client.diff(new messages.DiffRequest(), resolve));
      assert.deepEqual(seen.at(-1), ["sdk diff"]);
      // A failing read reaches the engine as an error, not as an empty resource.
      req.setId("gone");
      const failed = await new Promise<Error | undefined>((resolve) => client.read(req, (e: Error) => resolve(e)));
      assert.match(String(failed?.message), /board lab9 \(172\.30\.77\.19\): unreachable/);
    } finally {
      client.close();
      server.forceShutdown();
    }
  });
});
