// The explorer: counts per type and status, pages of nodes by type, status, capability or owner
// (cursor paging, the page size the user picks), and one node by PeerId, each node checked
// (nodes.mjs): what the RPC says of a record is shown as verified only when the node's own key
// signed it.
import {
  NODE_TYPES, STATUSES, heartbeatPeriod, nodeCounts, nodeView, nodesByCapability, nodesByStatus, nodesByType,
  nodesOfOwner,
} from '../../client/index.mjs';
import { fill, h, say } from './dom.mjs';
import { checkedNode, nodeTable } from './nodes.mjs';

/** The page sizes offered; the chain caps a page at `MaxPageSize`. */
const PAGE_SIZES = [10, 25, 50, 100];

/** The ways to list nodes: the view function of each and how its value is chosen. */
const LISTS = {
  type: { label: 'type', query: nodesByType, choices: NODE_TYPES },
  status: { label: 'status', query: nodesByStatus, choices: STATUSES },
  capability: { label: 'capability', query: nodesByCapability, placeholder: '/storage/ipfs/v1' },
  owner: { label: 'owner', query: nodesOfOwner, placeholder: 'SS58 address' },
};

/** The counts per type and per status (`node_counts`). */
async function countsBox(api) {
  const { byType, byStatus } = await nodeCounts(api);
  const table = (title, counts) => h('table', { className: 'counts', 'data-counts': title },
    h('thead', null, h('tr', null, h('th', null, title), h('th', null, 'nodes'))),
    h('tbody', null, Object.entries(counts).map(([key, count]) => h('tr', { 'data-key': key }, h('td', null, key), h('td', { className: 'num' }, String(count))))));
  const total = Object.values(byType).reduce((a, b) => a + b, 0);
  return h('div', { className: 'counts-box' }, h('p', { id: 'total' }, `${total} nodes registered`),
    h('div', { className: 'inline', style: 'display:flex;gap:1rem' }, table('type', byType), table('status', byStatus)));
}

/**
 * The explorer screen. Its query lives in the URL (`#/explorer?by=type&value=GpuMiner&limit=25`),
 * the cursor of each page in memory (Previous goes back through them).
 */
export function explorerScreen(ctx, main, { query }) {
  const { api } = ctx;
  const period = heartbeatPeriod(api);
  const by = LISTS[query.get('by')] ? query.get('by') : 'type';
  const value = query.get('value') ?? (LISTS[by].choices?.[1] ?? '');
  const limit = Number(query.get('limit')) || 25;
  const cursors = [null];
  let refreshing = false;

  const counts = h('section', { id: 'counts' });
  const results = h('section', { id: 'results' });
  const valueInput = () => (LISTS[by].choices
    ? h('select', { name: 'value' }, LISTS[by].choices.map((c) => h('option', { value: c, selected: c === value }, c)))
    : h('input', { name: 'value', value, placeholder: LISTS[by].placeholder, size: 40, spellcheck: false }));
  const form = h('form', { className: 'inline', id: 'list-form' },
    h('label', null, 'List nodes by ', h('select', { name: 'by' }, Object.entries(LISTS).map(([key, l]) => h('option', { value: key, selected: key === by }, l.label)))),
    h('label', null, ' ', valueInput()),
    h('label', null, 'page size ', h('select', { name: 'limit' }, PAGE_SIZES.map((n) => h('option', { value: n, selected: n === limit }, String(n))))),
    h('button', { type: 'submit' }, 'Show'));
  form.by.addEventListener('change', () => { window.location.hash = `#/explorer?by=${form.by.value}&limit=${form.limit.value}`; });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams({ by: form.by.value, value: form.value.value.trim(), limit: form.limit.value });
    const hash = `#/explorer?${next}`;
    if (window.location.hash === hash) showPage(); else window.location.hash = hash;
  });
  fill(main, h('h2', null, 'Explorer'), counts, form, results);

  async function showPage() {
    const startAfter = cursors.at(-1);
    const started = performance.now();
    let page;
    try {
      page = await LISTS[by].query(api, value, { startAfter, limit });
    } catch (error) {
      say(`the chain refused this list: ${error.message}`);
      return;
    }
    const nodes = page.nodes.toArray().map((view) => checkedNode(view, ctx.genesisHash, period));
    const next = page.next.isSome ? page.next.unwrap().toU8a(true) : null;
    const prev = h('button', { type: 'button', id: 'prev', disabled: cursors.length < 2 }, 'Previous');
    const more = h('button', { type: 'button', id: 'next', disabled: !next }, 'Next');
    prev.addEventListener('click', () => { cursors.pop(); showPage(); });
    more.addEventListener('click', () => { cursors.push(next); showPage(); });
    const verified = nodes.filter((n) => n.check === 'verified').length;
    fill(results,
      h('div', { className: 'pager' }, prev, h('span', { id: 'page-info' },
        `page ${cursors.length}: ${nodes.length} nodes, ${verified} records verified`), more),
      nodes.length ? nodeTable(nodes) : h('p', { className: 'muted' }, 'No nodes.'));
    results.dataset.rendered = String(performance.now() - started);
    results.dataset.page = String(cursors.length);
  }

  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    try {
      fill(counts, await countsBox(api));
      if (value) await showPage();
    } catch (error) {
      say(error.message);
    } finally {
      refreshing = false;
    }
  }
  refresh();
  return { onBlock: refresh };
}

/** One node by PeerId (`#/node/12D3KooW…`): its entry, record, liveness and any ownership offer. */
export function nodeScreen(ctx, main, { path }) {
  const { api } = ctx;
  const form = h('form', { className: 'inline', id: 'node-form' },
    h('label', null, 'PeerId ', h('input', { name: 'id', value: path, size: 56, spellcheck: false, placeholder: '12D3KooW…' })),
    h('button', { type: 'submit' }, 'Show'));
  const out = h('section', { id: 'node' });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    window.location.hash = `#/node/${form.id.value.trim()}`;
  });
  fill(main, h('h2', null, 'Node'), form, out);

  async function show() {
    if (!path) return;
    let view;
    try {
      view = await nodeView(api, path);
    } catch (error) {
      fill(out, h('p', { className: 'unverified' }, `"${path}" is not a PeerId the chain takes (${error.message}).`));
      return;
    }
    if (!view) {
      fill(out, h('p', { id: 'not-found' }, `No node ${path} is registered.`));
      return;
    }
    const node = checkedNode(view, ctx.genesisHash, heartbeatPeriod(api));
    const offer = await api.query.registration.nodeOwnershipOffers(node.id);
    fill(out, nodeTable([node]), h('p', null, `Key epoch ${node.keyEpoch}.`),
      offer.isSome ? h('p', { id: 'offer' }, `Ownership offered to ${offer.unwrap().newOwner}, until block #${offer.unwrap().expiresAt}.`) : null);
  }
  show();
  return { onBlock: show };
}
