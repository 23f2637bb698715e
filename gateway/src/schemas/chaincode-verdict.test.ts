/** The chaincode's verdict on request bodies: what the boundary tests hold the gateway's request schemas against. */
import '../quiet-chaincode';
import { ValidationError, validateEventBatch, validateEventInput, validateLotInput } from '@acetrace/chaincode';

/** One corpus entry of a boundary test: an input of some kind and the verdict it should get. */
export interface BoundaryCase<K extends string> {
  readonly kind: K;
  readonly name: string;
  /** The chaincode's verdict this input should get (true: accepted). */
  readonly ok: boolean;
  /** The JSON body, or for a query the query string's fields. */
  readonly input: unknown;
}

/** true if the chaincode accepts; a ValidationError is a refusal, anything else a defect. */
export function chaincodeAccepts(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof ValidationError) return false;
    throw err;
  }
}

/** The chaincode's verdict on a lot, an event (validated as a correction when it names `correctionOf`) or a batch body. */
export function bodyVerdict(kind: 'lot' | 'event' | 'batch', input: unknown): boolean {
  switch (kind) {
    case 'lot':
      return chaincodeAccepts(() => validateLotInput(input));
    case 'event': {
      const correction = typeof input === 'object' && input !== null && (input as { correctionOf?: unknown }).correctionOf != null;
      return chaincodeAccepts(() => validateEventInput(input, { correction }));
    }
    case 'batch':
      return chaincodeAccepts(() => validateEventBatch((input as { events: unknown }).events));
  }
}
