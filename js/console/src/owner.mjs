// The owner's screen: the chosen account's nodes (its fleet), and what an owner does with them:
// unregister one, offer one to another account or cancel the offer, accept an offer made to it,
// and revoke consents (one, from its file, or every one below a nonce).
import {
  allPages, consentCodec, currentDeposit, heartbeatPeriod, nodeById, nodesOfOwner, ownerNodeCount, revokeCall,
} from '../../client/index.mjs';
import { amount, fill, h, say } from './dom.mjs';
import { checkedNode, nodeTable } from './nodes.mjs';
import { costLine, submit, transactionFee } from './submit.mjs';

/** The consent bytes of a consent file's text (what `registrar consent` and this page write). */
export function consentFileBytes(api, text) {
  let file;
  try {
    file = JSON.parse(text);
  } catch {
    throw new Error('this is not a consent file (not JSON)');
  }
  if (file?.kind !== 'registrar-owner-consent' || typeof file.payload !== 'string') {
    throw new Error('this is not a consent file (its kind is not registrar-owner-consent)');
  }
  const bytes = Uint8Array.from(file.payload.replace(/^0x/, '').match(/../g) ?? [], (b) => parseInt(b, 16));
  consentCodec(api, bytes); // throws when the bytes are not one consent
  return bytes;
}

export function ownerScreen(ctx, main) {
  const { api } = ctx;
  const account = ctx.wallet.account;
  if (!account) {
    fill(main, h('h2', null, 'My nodes'), h('p', { id: 'need-wallet' }, 'Connect a wallet (top right) to see and manage your nodes.'));
    return null;
  }
  const list = h('section', { id: 'my-nodes' });
  const offerForm = h('form', { className: 'inline', id: 'accept-form' },
    h('label', null, 'PeerId offered to you ', h('input', { name: 'id', size: 56, spellcheck: false })),
    h('button', { type: 'submit' }, 'Accept the offer'));
  const revokeForm = h('form', { className: 'stack', id: 'revoke-form' },
    h('label', null, 'A consent file you signed (its content)', h('textarea', { name: 'file', spellcheck: false })),
    h('div', null, h('button', { type: 'submit' }, 'Revoke this consent')));
  const floorForm = h('form', { className: 'inline', id: 'floor-form' },
    h('label', null, 'Revoke every consent with a nonce below ', h('input', { name: 'nonce', size: 22, inputmode: 'numeric' })),
    h('button', { type: 'submit' }, 'Revoke'));
  fill(main, h('h2', null, `My nodes: ${account.meta.name ?? ''} ${account.address}`), list,
    h('h3', null, 'Accept a node offered to you'), offerForm,
    h('h3', null, 'Revoke consents'), revokeForm, floorForm);

  offerForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = offerForm.id.value.trim();
    const offer = await api.query.registration.nodeOwnershipOffers(id).catch(() => null);
    if (!offer || offer.isNone) { say(`no node ${id} is offered to anyone now: check the PeerId with its owner`); return; }
    if (offer.unwrap().newOwner.toString() !== account.address) {
      say(`node ${id} is offered to ${offer.unwrap().newOwner}, not to the chosen account`);
      return;
    }
    // The new owner holds the node's deposit at the deposit now in force for its type.
    const tx = api.tx.registration.acceptNodeOwnership(id);
    const info = await nodeById(api, id);
    const deposit = info ? await currentDeposit(api, info.nodeType.type) : 0n;
    const costs = `${deposit ? `a deposit of ${amount(deposit, ctx.unit)} held from you while you own it, and ` : ''}${await transactionFee(ctx, tx)}`;
    if (!window.confirm(`Accept node ${id} from ${offer.unwrap().owner}? It costs ${costs}.`)) return;
    if (await submit(ctx, tx, { what: 'Accepting the node', expect: 'registration.NodeOwnerSwapped' })) show();
  });
  revokeForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    let bytes;
    try { bytes = consentFileBytes(api, revokeForm.file.value); } catch (error) { say(error.message); return; }
    await submit(ctx, revokeCall(api, bytes), { what: 'Revoking the consent', expect: 'registration.ConsentRevoked' });
  });
  floorForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = floorForm.nonce.value.trim();
    if (!/^\d{1,20}$/.test(text) || BigInt(text) > 2n ** 64n - 1n) { say('the nonce is a whole number below 2^64'); return; }
    await submit(ctx, api.tx.registration.revokeConsentsBelow(text), { what: 'Revoking the consents below the nonce', expect: 'registration.ConsentsRevokedBelow' });
  });

  /** The actions of one node of the owner's. */
  const actions = (node) => {
    const unregister = h('button', { type: 'button', 'data-action': 'unregister' }, 'Unregister');
    unregister.addEventListener('click', async () => {
      const tx = api.tx.registration.unregisterNode(node.id);
      const fee = await transactionFee(ctx, tx);
      // The pallet's rule: an online storage miner is first marked Degraded (its data moves
      // away); unregistering it again removes it.
      const degradeFirst = node.nodeType === 'StorageMiner' && node.status === 'Online';
      const question = degradeFirst
        ? `Mark ${node.id} Degraded, the first step of unregistering an online storage miner (unregister it again to remove it)? It costs ${fee}.`
        : `Unregister ${node.id}? It costs ${fee}; any deposit is released. The node cannot register again before the cooldown ends.`;
      if (!window.confirm(question)) return;
      const outcome = await submit(ctx, tx, { what: degradeFirst ? 'Degrading the node' : 'Unregistering the node', expect: ['registration.NodeUnregistered', 'registration.NodeStatusUpdated'] });
      if (outcome) show();
    });
    const to = h('input', { name: 'new-owner', size: 20, placeholder: 'new owner (SS58)', spellcheck: false });
    const offer = h('button', { type: 'button', 'data-action': 'offer' }, 'Offer');
    offer.addEventListener('click', async () => {
      let tx;
      try { tx = api.tx.registration.swapNodeOwner(node.id, to.value.trim()); } catch { say('the new owner is not an address of this chain'); return; }
      if (await submit(ctx, tx, { what: 'Offering the node', expect: 'registration.NodeOwnershipOffered' })) show();
    });
    const cancel = h('button', { type: 'button', 'data-action': 'cancel-offer' }, 'Cancel offer');
    cancel.addEventListener('click', async () => {
      if (await submit(ctx, api.tx.registration.cancelNodeOwnershipOffer(node.id), { what: 'Cancelling the offer', expect: 'registration.NodeOwnershipOfferCancelled' })) show();
    });
    return h('div', null, unregister, ' ', to, offer, ' ', node.offeredTo ? [h('div', { className: 'muted' }, `offered to ${node.offeredTo}`), cancel] : null);
  };

  async function show() {
    try {
      const count = await ownerNodeCount(api, account.address);
      const max = api.consts.registration.maxNodesPerOwner?.toNumber?.() ?? 1;
      const pages = count ? await allPages(({ startAfter, limit }) => nodesOfOwner(api, account.address, { startAfter, limit }), 100, 20) : [];
      const nodes = pages.flatMap((p) => p.nodes).map((view) => checkedNode(view, ctx.genesisHash, heartbeatPeriod(api)));
      for (const node of nodes) {
        const offered = await api.query.registration.nodeOwnershipOffers(node.id);
        node.offeredTo = offered.isSome ? offered.unwrap().newOwner.toString() : null;
      }
      // What the wallet will be asked to pay, before it is asked: each action is one small call.
      const fee = await transactionFee(ctx, api.tx.registration.revokeConsentsBelow(0));
      fill(list, h('p', { id: 'node-count' }, `${count} of at most ${max} nodes.`),
        nodes.length ? nodeTable(nodes, { actions }) : h('p', { className: 'muted' }, 'No nodes yet: register one (Register a node).'),
        costLine([`each action here costs ${fee}`, 'unregistering releases the node\'s deposit',
          'accepting a node holds its deposit from you (shown before you sign)']));
    } catch (error) {
      say(error.message);
    }
  }
  show();
  return { onBlock: show };
}
