// google-protobuf ships no typings; fabric-protos' declarations import this module for
// google.protobuf.Timestamp (ChannelHeader.timestamp), which the verifier reads and the fixture writes.
declare module 'google-protobuf/google/protobuf/timestamp_pb' {
  export class Timestamp {
    getSeconds(): number;
    setSeconds(value: number): void;
    getNanos(): number;
    setNanos(value: number): void;
    toDate(): Date;
    serializeBinary(): Uint8Array;
    static fromDate(value: Date): Timestamp;
    static deserializeBinary(bytes: Uint8Array): Timestamp;
  }
}
