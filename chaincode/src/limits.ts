/**
 * The limits and identifier patterns of the domain, declared once: the chaincode enforces them
 * and the gateway, network and tests import them from `@acetrace/chaincode`.
 */

/** Ids (lots, events, devices): 1-128 characters of `A-Za-z0-9._:-` (api.md "Core shapes"). */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** MSP ids: 1-128 characters of `A-Za-z0-9._-`. */
export const MSP_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
/** Most events in one RecordEvents transaction (and one POST /v1/events body). */
export const MAX_BATCH = 500;
/** Most EPCs a lot registers. */
export const MAX_EPCS_PER_LOT = 10_000;
/** Most EPCs one event reads. */
export const MAX_EPCS_PER_EVENT = 1_000;
/** Most evidence items one event carries. */
export const MAX_EVIDENCE = 50;
/** ListLots page size when none is asked for. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest ListLots page. */
export const MAX_PAGE_SIZE = 200;
