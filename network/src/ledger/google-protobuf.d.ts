// google-protobuf ships no typings; fabric-protos' declarations import this module for
// google.protobuf.Timestamp, which the ledger creates for history entries and proposals.
declare module 'google-protobuf/google/protobuf/timestamp_pb' {
  export class Timestamp {
    getSeconds(): number;
    setSeconds(value: number): void;
    getNanos(): number;
    setNanos(value: number): void;
    toDate(): Date;
    fromDate(value: Date): void;
    serializeBinary(): Uint8Array;
    toObject(): { seconds: number; nanos: number };
    static fromDate(value: Date): Timestamp;
    static deserializeBinary(bytes: Uint8Array): Timestamp;
  }
}
