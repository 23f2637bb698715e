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
/** Units of measure: 1-16 characters of `A-Za-z0-9._-` (UN/ECE rec 20 codes such as EA, KGM). */
export const UNIT_PATTERN = /^[A-Za-z0-9._-]{1,16}$/;
/** Evidence digests: SHA-256 as 64 hex digits, either case. */
export const SHA256_PATTERN = /^[0-9A-Fa-f]{64}$/;
/** Longest lot product description. */
export const MAX_PRODUCT_LENGTH = 512;
/** Longest correction reason. */
export const MAX_REASON_LENGTH = 2048;
/** Longest evidence URI. */
export const MAX_URI_LENGTH = 2048;
/** Longest ListLots bookmark. */
export const MAX_BOOKMARK_LENGTH = 4096;
/** Largest location accuracy radius, metres. */
export const MAX_ACCURACY_M = 1e7;
/** Most inputs a lot registers (transformation). */
export const MAX_INPUTS_PER_LOT = 100;
/** Most child lots one aggregation event packs or unpacks. */
export const MAX_AGGREGATION_CHILDREN = 500;
/**
 * Deepest upstream tree a provenance walks (input of an input of …): deeper inputs are cut and the
 * node says `truncated`. Registration refuses no depth: the cap bounds the read, not the data.
 */
export const MAX_UPSTREAM_DEPTH = 12;
/** Most lots one provenance's upstream tree holds (each costs one event range); the rest is cut. */
export const MAX_UPSTREAM_LOTS = 200;
/** Deepest chain of containers followed (a case in a pallet in a container …). */
export const MAX_CONTAINMENT_DEPTH = 16;
/** Most containers visited for one lot's containment (all intervals, all depths). */
export const MAX_CONTAINERS = 256;
/** Longest organisation legal name or facility name. */
export const MAX_NAME_LENGTH = 256;
/** Longest postal address. */
export const MAX_ADDRESS_LENGTH = 1024;
/** ISO 3166-2 subdivision codes: country, hyphen, 1-3 letters or digits (`CN-XJ`, `US-CA`). */
export const SUBDIVISION_PATTERN = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;

// ---- private data (domain.md "Private data") ----------------------------------------------

/** The transient-map key under which the private part of a transaction travels (never the arguments). */
export const TRANSIENT_PRIVATE_KEY = 'acetrace.private';
/** Prefix of Fabric's implicit per-organisation private data collections (`_implicit_org_<MSP>`). */
export const IMPLICIT_COLLECTION_PREFIX = '_implicit_org_';
/** Bytes of the random salt hashed with each private record (so a hash reveals nothing guessable). */
export const PRIVATE_SALT_BYTES = 32;
/** A private record's salt: 32 bytes as 64 lower-case hex digits. */
export const PRIVATE_SALT_PATTERN = /^[0-9a-f]{64}$/;
/** Longest contract reference. */
export const MAX_CONTRACT_REF_LENGTH = 256;
/** Largest unit price or invoice value (any currency): beyond it a number loses cents in a double. */
export const MAX_MONEY_AMOUNT = 1e13;
/** Currencies: ISO 4217 alphabetic codes (`USD`, `CNY`). */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** The fields a lot's or an event's `private` object may carry (api.md), consignee's as `consignee.*`. */
export const PRIVATE_FIELDS = ['consignee', 'unitPrice', 'currency', 'invoiceValue', 'contractRef'] as const;

// ---- provenance summary and link pages (issue 20) ----------------------------------------

/** GetLinkEvents page size when none is asked for. */
export const DEFAULT_LINK_EVENTS_PAGE_SIZE = 50;
/** Largest GetLinkEvents page. */
export const MAX_LINK_EVENTS_PAGE_SIZE = 500;
/** Anomalies a provenance summary lists per type (the group still counts them all). */
export const MAX_SUMMARY_ANOMALIES_PER_TYPE = 50;
/** Most map points a provenance summary draws per link (first, last and anomaly points are always kept). */
export const MAX_TRACK_POINTS_PER_LINK = 200;
