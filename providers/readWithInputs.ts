// The engine's refresh sends a provider its resource's last inputs beside its outputs
// (ReadRequest.inputs), but the Node SDK's provider server (3.64) drops them and calls read with
// the outputs alone. A read that compares the board with what was applied then needs every
// applied spec and script copied into the outputs, which doubled the state. So the plugin
// serves Read itself and hands its provider both; every other call stays the SDK's.
import { createRequire } from "node:module";
import type * as grpc from "@grpc/grpc-js";

// The SDK's own copies: the server to patch is the one provider.main creates, and its messages are the SDK's classes.
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/provider"));
// The SDK ships these generated modules without types: what is used of them.
interface Struct { toJavaScript(): unknown }
interface ReadRequest { getId(): string; getUrn(): string; getProperties(): Struct | undefined; getInputs(): Struct | undefined }
interface ReadResponse { setId(id: string): void; setProperties(s: Struct): void }
const provproto = sdkRequire("../proto/provider_pb") as { ReadResponse: new () => ReadResponse };
const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript(v: unknown): Struct } };
/** The gRPC server class of the SDK's provider.main. */
export const sdkGrpcServer = (sdkRequire("@grpc/grpc-js") as typeof grpc).Server;

export interface ReadResult { id?: string; props?: Record<string, unknown> }
export type ReadWithInputs = (id: string, urn: string, props: Record<string, unknown>, inputs: Record<string, unknown>) => Promise<ReadResult>;

type Handler = (call: { request: ReadRequest }, callback: (err: unknown, resp?: ReadResponse) => void) => void;

/** The Read handler: the provider's read with the resource's inputs; none (an import) reads from the outputs alone. */
export function readHandler(read: ReadWithInputs): Handler {
  return (call, callback) => {
    const req = call.request;
    const inputs = (req.getInputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    read(req.getId(), req.getUrn(), (req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>, inputs).then((r) => {
      const resp = new provproto.ReadResponse();
      resp.setId(r.id ?? "");
      // No inputs in the response: the engine keeps the resource's last inputs as they are.
      resp.setProperties(structproto.Struct.fromJavaScript(r.props ?? {}));
      callback(null, resp);
    }, (e: Error) => {
      console.error(`deskcluster provider: read ${req.getUrn()}: ${e.stack ?? e.message}`);
      callback(e);
    });
  };
}

/**
 * Makes every ResourceProvider service added to a gRPC server (the SDK's, in provider.main) answer Read with
 * readHandler; the result says whether one was. The SDK's server class is not exported, so its service implementation is taken where it is registered.
 */
export function serveReadWithInputs(read: ReadWithInputs, grpcServer = sdkGrpcServer): () => boolean {
  const add = grpcServer.prototype.addService;
  let installed = false;
  grpcServer.prototype.addService = function (this: grpc.Server, service, implementation) {
    const isProvider = "read" in service && "diff" in service && "configure" in service;
    if (!isProvider) return add.call(this, service, implementation);
    installed = true;
    // The SDK's methods stay its own (found through the prototype, called on this object); only read is ours.
    const served = Object.assign(Object.create(implementation as object) as typeof implementation, { read: readHandler(read) });
    return add.call(this, service, served);
  };
  return () => installed;
}
