// A tiny DOM builder: elements from tag, attributes and children. Text always goes through
// text nodes, so nothing from the ledger is ever parsed as HTML.

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** A card section of the lot page, `#<id>` labelled by its `<h3 id="<id>-heading">` title. */
export function card(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: `${id} card`, 'aria-labelledby': `${id}-heading`, id }, h('h3', { id: `${id}-heading` }, title), ...children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** The page's element `#id`, checked to be a `type` (an HTMLElement by default). */
export function byId<T extends HTMLElement>(id: string, type: abstract new () => T): T;
export function byId(id: string): HTMLElement;
export function byId(id: string, type: abstract new () => HTMLElement = HTMLElement): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the page`);
  if (el instanceof type) return el;
  throw new Error(`#${id} is not a ${type.name}`);
}

/** "2026-11-20T08:15:00+08:00" → "2026-11-20 08:15:00 +08:00": the recorded time, offset kept. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (!m) return iso;
  const [, date = '', time = '', offset] = m;
  const zone = offset === undefined ? '' : offset === 'Z' ? ' UTC' : ` ${offset}`;
  return `${date} ${time}${zone}`;
}

/** A DOM id fragment safe for any ledger id (ids are `A-Za-z0-9._:-`; ':' and '.' are escaped). */
export function domId(prefix: string, id: string): string {
  return `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}

/** A file-name stamp of the current time (`2026-12-01T20-49-12-983Z`). */
export function fileStamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Offers `blob` to the user as a download named `fileName` (an anchor click; the object URL is freed later). */
export function saveBlob(blob: Blob, fileName: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // revoking at once can cancel the download in some browsers
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
  }, 10000);
}
