/** Protobuf messages cannot exceed 2 GiB; larger ONNX models must keep weights in external data. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;
