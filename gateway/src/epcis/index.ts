/** acetrace as a ledger-backed GS1 EPCIS 2.0 repository (README "EPCIS 2.0"). */
import * as path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import type { EventQueue } from '../ports/event-queue';
import type { BlockNumberIndex } from '../ports/ledger-blocks';
import type { LedgerPort } from '../ports/ledger';
import type { CaptureJobStore } from './capture-store';
import { epcisRouter } from './routes';
import { CAPTURE_FILE_SIZE_LIMIT } from './schemas';
import { EpcisService } from './service';

export { openCaptureJobStore, type CaptureJobStore } from './capture-store';
export { registerEpcisPaths } from './openapi';

/** The capture job store's file: beside the outbox (`<dataDir>/gateway/epcis-captures.sqlite`). */
export function captureStoreFile(outboxFile: string): string {
  return path.join(path.dirname(outboxFile), 'epcis-captures.sqlite');
}

/** The body parser of /epcis: JSON and JSON-LD, up to GS1-EPCIS-Capture-File-Size-Limit. */
export const epcisBodyParser: RequestHandler = express.json({
  limit: CAPTURE_FILE_SIZE_LIMIT,
  strict: true,
  type: ['application/json', 'application/*+json'],
});

/** The EPCIS routes over the ledger, the outbox and a capture job store. */
export function createEpcisRouter(deps: {
  ledger: LedgerPort;
  queue: EventQueue;
  captures: CaptureJobStore;
  waitCommitTimeoutMs: number;
  blocks?: BlockNumberIndex;
}): Router {
  return epcisRouter(new EpcisService(deps.ledger, deps.queue, deps.captures, deps.waitCommitTimeoutMs, deps.blocks));
}
