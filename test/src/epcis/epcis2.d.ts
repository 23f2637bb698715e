/** The part of epcis2.js (GS1 EPCIS 2.0 SDK, an independent implementation) the tests use; it ships no typings entry. */
declare module 'epcis2.js' {
  /** The CBV 2.0 event hash ID of one event in a document's `@context`. */
  export function eventToHashedId(event: object, context: unknown, throwError?: boolean): string;
  /** Validates a document against GS1's EPCIS 2.0 JSON schema (bundled) and its context's extensions. */
  export function validateEpcisDocument(document: object, throwError?: boolean): { success: boolean; errors: string[] };
}
