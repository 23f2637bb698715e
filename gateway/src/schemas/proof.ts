/**
 * Proof bundle routes (GET /v1/lots/{lotId}/proof, GET /v1/events/{eventId}/proof): the query and
 * the two answers, `acetrace-proof/1` (verifier/schema/acetrace-proof-1.json is the full schema)
 * and the verifier's report (`?verify=true`).
 */
import { z } from 'zod';
import './common';

export const ProofQuery = z.strictObject({
  verify: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: "`true`: answer the verifier's report on the bundle (the logic of `acetrace-verify`, run on the gateway) instead of the bundle" }),
});

const Decimal = z.string().regex(/^(0|[1-9][0-9]*)$/);
const Hex = z.string().regex(/^([0-9a-f]{2})*$/);

export const ProofBundle = z
  .object({
    format: z.literal('acetrace-proof/1'),
    channel: z.string(),
    chaincode: z.string().openapi({ description: 'also the write-set namespace' }),
    generatedAt: z.string(),
    subject: z.object({ lotId: z.string().optional(), eventId: z.string().optional() }),
    trustAnchors: z.object({
      organisations: z.array(
        z.object({
          mspId: z.string(),
          type: z.enum(['application', 'orderer']),
          rootCerts: z.array(z.string()),
          intermediateCerts: z.array(z.string()),
        }),
      ),
      endorsementPolicy: z.object({
        rule: z.union([z.enum(['ANY', 'MAJORITY', 'ALL']), z.object({ outOf: z.number().int() })]),
        organisations: z.array(z.string()),
        source: z.string().optional(),
      }),
    }),
    blocks: z.array(z.object({ number: Decimal, block: z.string().openapi({ description: 'base64 of the common.Block bytes as qscc returned them' }) })),
    headers: z.array(z.object({ number: Decimal, previousHash: Hex, dataHash: Hex })),
    events: z.array(
      z.object({
        eventId: z.string(),
        txId: z.string(),
        blockNumber: Decimal,
        txIndex: z.number().int(),
        key: z.string(),
        value: z.string().openapi({ description: 'base64 of the exact state value bytes' }),
        valueSha256: Hex,
        event: z.record(z.string(), z.unknown()),
        recordedBy: z.string(),
      }),
    ),
    head: z.object({ number: Decimal }),
  })
  .openapi('ProofBundle', { description: 'acetrace-proof/1: check it offline with `npx acetrace-verify bundle.json`' });

const CheckResult = z.object({ check: z.string(), ok: z.boolean(), detail: z.string() });

export const ProofReport = z
  .object({
    format: z.string(),
    ok: z.boolean(),
    channel: z.string(),
    chaincode: z.string(),
    subject: z.object({ lotId: z.string().optional(), eventId: z.string().optional() }),
    headBlock: z.string(),
    generatedAt: z.string(),
    trustAnchors: z.array(z.object({ mspId: z.string(), type: z.string(), rootFingerprints: z.array(z.string()) })),
    endorsementPolicy: z.string(),
    ledger: z.array(CheckResult),
    events: z.array(
      z.object({ eventId: z.string(), txId: z.string(), blockNumber: z.string(), txIndex: z.number().int(), ok: z.boolean(), checks: z.array(CheckResult) }),
    ),
    failures: z.array(z.object({ check: z.string(), eventId: z.string().optional(), txId: z.string().optional(), detail: z.string() })),
  })
  .openapi('ProofReport', { description: "the verifier's report (`acetrace-verify --json`), computed on the gateway" });
