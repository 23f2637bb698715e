/** Minimal typings for digital-link.js (ships none). */
declare module 'digital-link.js' {
  export interface DigitalLinkObject {
    isValid(): boolean;
    getIdentifier(): Record<string, string>;
    getKeyQualifiers(): Record<string, string>;
    getAttributes(): Record<string, string>;
    toWebUriString(): string;
  }
  export function DigitalLink(input?: string | Record<string, unknown>): DigitalLinkObject;
}
