// A node as the console shows it: checked (its record's node-key signature verified here, in the
// browser, against the PeerId and the chain's genesis hash), and a table of such nodes. The
// explorer, the node screen and the owner's screen show nodes this one way.
import { verifyRecord, viewNodeId } from '../../client/index.mjs';
import { h, short } from './dom.mjs';

/**
 * A node of a page or of `node_view`, checked: its fields as text and its record verified (or why
 * not). `genesisHash` is the chain's, as the connection found it (not as the RPC's answer says).
 * @param {any} view the chain's `NodeView`
 * @param {Uint8Array} genesisHash
 * @param {number} period the heartbeat period in blocks
 */
export function checkedNode(view, genesisHash, period) {
  const id = viewNodeId(view);
  let record = null;
  let check = 'none';
  let reason = null;
  if (view.record.isSome) {
    try {
      record = verifyRecord(view, { nodeId: id, genesisHash });
      check = 'verified';
    } catch (error) {
      check = 'failed';
      reason = error.message;
    }
  }
  const live = view.liveness.isSome ? view.liveness.unwrap() : null;
  return {
    id,
    owner: view.info.owner.toString(),
    nodeType: view.info.nodeType.type,
    status: view.info.status.type,
    registeredAt: view.info.registeredAt.toNumber(),
    keyEpoch: view.keyEpoch.toNumber(),
    record,
    check,
    reason,
    liveness: live && {
      lastSeen: live.lastSeen.toNumber(),
      lastPeriod: live.heartbeatSent.isTrue ? Math.floor(live.lastSeen.toNumber() / period) : null,
      version: new TextDecoder().decode(live.version.toU8a(true)),
      silent: live.silent.isTrue,
    },
  };
}

/** The record cell: addresses, version, capabilities, and whether its signature verified. */
function recordCell(node) {
  if (node.check === 'none') return h('td', { className: 'muted' }, 'no record');
  if (node.check === 'failed') return h('td', null, h('span', { className: 'unverified', 'data-check': 'failed' }, 'not verified'), ` (${node.reason})`);
  const { record } = node;
  return h('td', null,
    h('span', { className: 'verified', 'data-check': 'verified', title: 'signed by the node\'s own key for this chain' }, '✓ verified'),
    ` seq ${record.seq}, ${record.version}`,
    h('div', { className: 'mono' }, record.addresses.join(' ')),
    record.capabilities.length ? h('div', null, 'capabilities: ', record.capabilities.join(', ')) : null);
}

/** The liveness cell: when the node was last heard from, and whether it is silent. */
function livenessCell(node) {
  const live = node.liveness;
  if (!live) return h('td', { className: 'muted' }, '—');
  return h('td', null,
    live.lastPeriod === null ? `registered #${live.lastSeen}, no heartbeat yet` : `heartbeat #${live.lastSeen} (period ${live.lastPeriod})`,
    live.version ? `, ${live.version}` : null,
    live.silent ? h('div', { className: 'unverified' }, `silent: unheard since #${live.lastSeen}`) : null);
}

/** A table of checked nodes. */
export function nodeTable(nodes, { actions } = {}) {
  return h('table', { className: 'nodes' },
    h('thead', null, h('tr', null, ['Node', 'Owner', 'Type', 'Status', 'Registered', 'Record', 'Liveness', actions ? 'Actions' : null]
      .filter(Boolean).map((t) => h('th', null, t)))),
    h('tbody', null, nodes.map((node) => h('tr', { 'data-node': node.id },
      h('td', null, h('a', { href: `#/node/${node.id}`, className: 'mono' }, node.id)),
      h('td', null, short(node.owner, 6)),
      h('td', null, node.nodeType),
      h('td', { 'data-status': node.status }, node.status),
      h('td', { className: 'num' }, `#${node.registeredAt}`),
      recordCell(node),
      livenessCell(node),
      actions ? h('td', null, actions(node)) : null))));
}
