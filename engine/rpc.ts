/**
 * Pulumi's gRPC protocols as the engine speaks them: the generated stubs that ship in `@pulumi/pulumi/proto`, the
 * `@grpc/grpc-js` instance they were generated against, and the property encoding (unknowns, secrets) the SDK and
 * the plugins put on the wire.
 */
import { dirname } from "node:path";

/* eslint-disable @typescript-eslint/no-require-imports */
const sdkRoot = dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromSdk = (id: string): any => require(require.resolve(id, { paths: [sdkRoot] }));

/** `@grpc/grpc-js`, the very copy the stubs use (a second copy would not recognise their messages). */
export const grpc = fromSdk("@grpc/grpc-js");
export const structproto = fromSdk("google-protobuf/google/protobuf/struct_pb.js");
export const emptyproto = fromSdk("google-protobuf/google/protobuf/empty_pb.js");
export const resproto = require("@pulumi/pulumi/proto/resource_pb.js");
export const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb.js");
export const engproto = require("@pulumi/pulumi/proto/engine_pb.js");
export const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb.js");
export const provproto = require("@pulumi/pulumi/proto/provider_pb.js");
export const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
export const plugproto = require("@pulumi/pulumi/proto/plugin_pb.js");
export const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb.js");
export const analyzerrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
/* eslint-enable @typescript-eslint/no-require-imports */

export * from "./wire";
import type { Wire } from "./wire";

export function toStruct(value: Record<string, Wire>): any {
    return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

export function fromStruct(struct: any): Record<string, Wire> {
    return struct ? (struct.toJavaScript() as Record<string, Wire>) : {};
}

/** Calls a unary method of a grpc-js client as a promise. */
export function call<T>(client: any, method: string, request: any): Promise<T> {
    return new Promise((resolve, reject) => {
        client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response)));
    });
}

/** Starts a grpc-js server on 127.0.0.1 with the given services; resolves with it and its address. */
export function serve(services: readonly [any, object][]): Promise<{ server: any; address: string }> {
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    for (const [definition, implementation] of services) server.addService(definition, implementation);
    return new Promise((resolve, reject) => {
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error: Error | null, port: number) =>
            error ? reject(error) : resolve({ server, address: `127.0.0.1:${port}` }),
        );
    });
}

/** A client of `service` at `address`, with the message size the engine allows. */
export function client(ctor: any, address: string): any {
    return new ctor(address, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
}

/** Wraps an async handler as a grpc-js unary handler: a thrown error becomes the call's error. */
export function unary<Req, Res>(handler: (request: Req) => Promise<Res>) {
    return (callObject: { request: Req }, callback: (error: unknown, response?: Res) => void) => {
        handler(callObject.request).then(
            (response) => callback(null, response),
            (error: unknown) => callback({ code: grpc.status.UNKNOWN, details: error instanceof Error ? error.message : String(error) }),
        );
    };
}
