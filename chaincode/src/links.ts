/** The 12 supply-chain links of domain.md: stable number, API name, phase and GS1 CBV 2.0 bizStep. */
export type Phase = 'production' | 'storage' | 'transport';

export interface LinkInfo {
  readonly number: number;
  readonly name: string;
  readonly phase: Phase;
  readonly bizStep: string;
}

export const LINKS: readonly LinkInfo[] = Object.freeze([
  { number: 1, name: 'raw-material-sourcing', phase: 'production', bizStep: 'commissioning' },
  { number: 2, name: 'component-processing', phase: 'production', bizStep: 'transforming' },
  { number: 3, name: 'manufacturing', phase: 'production', bizStep: 'assembling' },
  { number: 4, name: 'quality-inspection', phase: 'production', bizStep: 'inspecting' },
  { number: 5, name: 'packaging', phase: 'production', bizStep: 'packing' },
  { number: 6, name: 'origin-warehousing', phase: 'storage', bizStep: 'storing' },
  { number: 7, name: 'inland-transport', phase: 'transport', bizStep: 'transporting' },
  { number: 8, name: 'export-clearance', phase: 'transport', bizStep: 'departing' },
  { number: 9, name: 'port-of-loading', phase: 'transport', bizStep: 'loading' },
  { number: 10, name: 'international-transit', phase: 'transport', bizStep: 'transporting' },
  { number: 11, name: 'us-port-of-entry', phase: 'transport', bizStep: 'arriving' },
  { number: 12, name: 'us-distribution', phase: 'storage', bizStep: 'receiving' },
].map((l) => Object.freeze(l as LinkInfo)));

export const LINK_COUNT = 12;
/** The link whose `handover` event is the lot's final delivery. */
export const FINAL_DELIVERY_LINK = 12;

export function isLinkNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= LINK_COUNT;
}

/** The link with this number; throws RangeError for anything but 1..12. */
export function linkByNumber(n: number): LinkInfo {
  const link = isLinkNumber(n) ? LINKS[n - 1] : undefined;
  if (!link) throw new RangeError(`no link ${String(n)}`);
  return link;
}

/** The link with this API name (`manufacturing`), case-insensitive; undefined if none. */
export function linkFromName(name: string): LinkInfo | undefined {
  const wanted = name.trim().toLowerCase();
  return LINKS.find((l) => l.name === wanted);
}

/** `3 (manufacturing)`, for messages. */
export function describeLink(n: number): string {
  return isLinkNumber(n) ? `${String(n)} (${linkByNumber(n).name})` : String(n);
}
