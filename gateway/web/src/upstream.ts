// The upstream tree: the lots this lot was made from, to any depth. Each input lot links to its
// own provenance (`#q=<lotId>`, which the page follows).
import { card, h } from './dom';
import type { Provenance, UpstreamNode } from './types';

function renderNode(p: Provenance, node: UpstreamNode): HTMLElement {
  const { lot } = node;
  const owner = p.parties.find((x) => x.mspId === lot.ownerMsp)?.legalName ?? lot.ownerMsp;
  return h(
    'li',
    { class: 'input-lot', 'data-lot': lot.lotId },
    h(
      'p',
      { class: 'input-head' },
      h('a', { href: `#q=${encodeURIComponent(lot.lotId)}`, class: 'open-lot', title: `Open the provenance of ${lot.lotId}` }, lot.product || lot.lotId),
      ' ',
      h('code', {}, lot.lotId),
    ),
    h(
      'p',
      { class: 'input-meta' },
      `${String(node.quantityConsumed)} ${node.unit} used (of ${String(lot.quantity)} ${lot.unit}; ${String(node.totalConsumed)} consumed in all)`,
      ` · origin ${lot.originCountry} · ${owner}`,
      ` · ${String(node.completeness.covered)}/${String(node.completeness.required)} links`,
      node.detail === 'summary' ? ' · events not shown to this key' : '',
    ),
    node.truncated ? h('p', { class: 'hint' }, 'Its inputs are not shown: the tree reached its depth or size limit.') : null,
    node.upstream.length > 0 ? h('ul', { class: 'upstream-tree' }, node.upstream.map((n) => renderNode(p, n))) : null,
  );
}

/** How many levels the tree has (1: direct inputs only). */
export function upstreamDepth(nodes: readonly UpstreamNode[]): number {
  return nodes.length === 0 ? 0 : 1 + Math.max(...nodes.map((n) => upstreamDepth(n.upstream)));
}

/** The "Made from" section. */
export function renderUpstream(p: Provenance): HTMLElement {
  const depth = upstreamDepth(p.upstream);
  return card(
    'upstream',
    'Made from',
    p.upstream.length === 0
      ? h('p', { class: 'none' }, 'No input lots registered: this lot was not made from other lots on the ledger.')
      : [
          h('p', { class: 'hint' }, `${String(depth)} level${depth === 1 ? '' : 's'} of input lots. Open one for its own provenance.`),
          h('ul', { class: 'upstream-tree', id: 'upstream-tree' }, p.upstream.map((n) => renderNode(p, n))),
          p.upstreamTruncated ? h('p', { class: 'hint' }, 'The tree was cut at its depth or size limit.') : null,
        ],
  );
}
