// Service descriptors for real XMTP RPCs this node does not serve, so tests can call
// them with real Connect / gRPC-web clients: MlsApi.RegisterInstallation (unary, deprecated,
// xmtp/proto mls/api/v1/mls.proto) and the legacy MessageApi.Subscribe (server
// streaming, xmtp/proto message_api/v1/message_api.proto). Request messages carry
// only the first field; the node never gets as far as reading them.
import { create, createFileRegistry, type DescService } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";

function bytesField(name: string, repeated: boolean) {
  return {
    name,
    number: 1,
    type: FieldDescriptorProto_Type.BYTES,
    label: repeated ? FieldDescriptorProto_Label.REPEATED : FieldDescriptorProto_Label.OPTIONAL,
    jsonName: name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
  };
}

function service(
  pkg: string,
  file: string,
  serviceName: string,
  method: string,
  streaming: boolean,
): DescService {
  const proto = create(FileDescriptorProtoSchema, {
    name: file,
    package: pkg,
    syntax: "proto3",
    messageType: [
      { name: `${method}Request`, field: [bytesField("ids", true)] },
      { name: `${method}Response`, field: [bytesField("payload", false)] },
    ],
    service: [
      {
        name: serviceName,
        method: [
          {
            name: method,
            inputType: `.${pkg}.${method}Request`,
            outputType: `.${pkg}.${method}Response`,
            serverStreaming: streaming,
          },
        ],
      },
    ],
  });
  const registry = createFileRegistry(proto, () => undefined);
  const desc = registry.getService(`${pkg}.${serviceName}`);
  if (!desc) throw new Error(`no ${serviceName} in the test descriptor`);
  return desc;
}

/** A unary XMTP RPC on the MlsApi we serve, absent here. */
export const XmtpMlsApiExtra = service(
  "xmtp.mls.api.v1",
  "test/xmtp_mls_extra.proto",
  "MlsApi",
  "RegisterInstallation",
  false,
);

/** A server-streaming RPC of an XMTP service this node does not serve at all. */
export const XmtpLegacyMessageApi = service(
  "xmtp.message_api.v1",
  "test/xmtp_message_api.proto",
  "MessageApi",
  "Subscribe",
  true,
);
