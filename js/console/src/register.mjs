// Registering a node from the browser. The node's secret key never enters the page: the page
// reads the challenge's fields from the chain, shows the one command the node's host runs to sign
// them (`registrar sign`, offline), takes the command's output pasted back, checks the node key's
// signature here, and has the wallet submit `register_node_with_max_fee` with the fee shown as the
// most the owner pays (price protection).
import { hexToU8a, u8aEq, u8aToHex, stringToU8a } from '@polkadot/util';
import { decodeAddress, ed25519Verify } from '@polkadot/util-crypto';
import {
  NODE_TYPES, challengeBytes, challengeFields, currentDeposit, currentFee, peerOf, registerWithMaxFeeCall,
} from '../../client/index.mjs';
import { amount, fill, h, say } from './dom.mjs';
import { costLine, submit, transactionFee } from './submit.mjs';

/** `StorageMiner` as the registrar's flag value: `storage-miner`. */
const kebab = (name) => name.replace(/[A-Z0-9]+/g, (m, i) => `${i ? '-' : ''}${m.toLowerCase()}`);

/**
 * The registrar command that signs exactly this challenge, offline, on the node's host.
 * @param {{ owner: string, nodeType: string, genesisHash: Uint8Array, blockNumber: number, lifetime: number,
 *   palletIndex: number, blockNumberBytes: number, nonce: Uint8Array }} c
 */
export function signCommand(c) {
  return ['registrar sign --node-key-file NODE_KEY_FILE',
    `--owner ${c.owner}`,
    `--node-type ${kebab(c.nodeType)}`,
    `--genesis-hash ${u8aToHex(c.genesisHash)}`,
    `--block-number ${c.blockNumber}`,
    `--lifetime ${c.lifetime}`,
    `--pallet-index ${c.palletIndex}`,
    `--block-number-width ${c.blockNumberBytes * 8}`,
    `--nonce ${u8aToHex(c.nonce)}`].join(' \\\n    ');
}

/**
 * `registrar sign`'s output checked against the challenge the page prepared: the arguments of
 * the registration, or an error saying what does not match.
 */
export function checkSigned(text, { peerId, owner, challenge }) {
  let out;
  try {
    out = JSON.parse(text);
  } catch {
    throw new Error('paste the whole output of registrar sign: it is one JSON object');
  }
  const args = out?.args;
  if (!args || typeof args.mainSig !== 'string') throw new Error('this is not the output of registrar sign (no args.mainSig)');
  if (out.peerId !== peerId) throw new Error(`the output is for node ${out.peerId}, not ${peerId}: sign with that node's key file`);
  if (!u8aEq(decodeAddress(args.owner), decodeAddress(owner))) throw new Error(`the challenge names owner ${args.owner}, not the chosen account`);
  const bytes = hexToU8a(args.challengeBytes);
  if (!u8aEq(bytes, challenge)) throw new Error('the signed challenge is not the one prepared here: run the command exactly as shown');
  const { raw, publicKey } = peerOf(peerId);
  if (!u8aEq(hexToU8a(args.mainPublicKey), publicKey)) throw new Error('the output\'s public key is not the key of this PeerId');
  if (!ed25519Verify(bytes, hexToU8a(args.mainSig), publicKey)) throw new Error('the node key\'s signature does not verify: sign again');
  return { mainPublicKey: publicKey, mainSig: hexToU8a(args.mainSig), challengeBytes: bytes, nodeIdHex: raw };
}

export function registerScreen(ctx, main) {
  const { api } = ctx;
  const maxLifetime = api.consts.registration.maxChallengeLifetime.toNumber();
  const form = h('form', { className: 'stack', id: 'register-form' },
    h('label', null, 'The node\'s PeerId', h('input', { name: 'peer', size: 56, spellcheck: false, placeholder: '12D3KooW…', required: true })),
    h('label', null, 'Node type', h('select', { name: 'type' }, NODE_TYPES.map((t) => h('option', { value: t, selected: t === 'StorageMiner' }, t)))),
    h('label', null, `Blocks the signature stays valid (at most ${maxLifetime})`, h('input', { name: 'lifetime', type: 'number', min: 1, max: maxLifetime, value: Math.min(20, maxLifetime) })),
    h('div', null, h('button', { type: 'submit' }, 'Prepare the challenge')));
  const step2 = h('section', { id: 'register-sign' });
  fill(main, h('h2', null, 'Register a node'),
    h('p', { className: 'muted' }, 'The node\'s key signs a challenge on the node\'s host; the page never sees the key. Your wallet then submits the registration and pays.'),
    form, step2);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const account = ctx.wallet.account;
    if (!account) { say('connect a wallet and choose the owner account first (top right)'); return; }
    const peerId = form.peer.value.trim();
    let raw;
    try { ({ raw } = peerOf(peerId)); } catch { say(`"${peerId}" is not the PeerId of an Ed25519 node key (12D3KooW…)`); return; }
    const nodeType = form.type.value;
    const fields = await challengeFields(api);
    const lifetime = Math.max(1, Math.min(Number(form.lifetime.value) || 20, fields.latestExpiresAt - fields.currentBlock));
    const nonce = crypto.getRandomValues(new Uint8Array(32));
    const challenge = challengeBytes({
      genesisHash: fields.genesisHash, owner: decodeAddress(account.address), nodeIdHex: raw, blockNumber: fields.currentBlock,
      expiresAt: fields.currentBlock + lifetime, nonce, blockNumberBytes: fields.blockNumberBytes,
    });
    const [fee, deposit] = await Promise.all([currentFee(api, nodeType), currentDeposit(api, nodeType)]);
    const command = signCommand({
      owner: account.address, nodeType, genesisHash: fields.genesisHash, blockNumber: fields.currentBlock, lifetime,
      palletIndex: api.tx.registration.registerNodeWithColdkey.callIndex[0], blockNumberBytes: fields.blockNumberBytes, nonce,
    });
    const pasted = h('textarea', { name: 'signed', id: 'signed', spellcheck: false, placeholder: '{ "pallet": "registration", … }' });
    const check = h('p', { id: 'sign-check' });
    const submitButton = h('button', { type: 'button', id: 'register-submit', disabled: true }, `Register, paying at most ${amount(fee, ctx.unit)}`);
    const expiresAt = fields.currentBlock + lifetime;
    let args = null;
    const costs = costLine([`registration fee ${amount(fee, ctx.unit)} (the most this registration may charge)`,
      deposit ? `a deposit of ${amount(deposit, ctx.unit)} held while the node is registered` : null, 'a transaction fee']);
    fill(step2,
      h('h3', null, '1. On the node\'s host, run'),
      h('pre', { className: 'command', id: 'sign-command' }, command),
      h('p', { className: 'muted' }, `NODE_KEY_FILE is the node's libp2p key file. The signature is accepted until block #${expiresAt} (now #${fields.currentBlock}).`),
      h('h3', null, '2. Paste what it printed'), pasted, check,
      h('h3', null, '3. Submit'), costs, submitButton);
    pasted.addEventListener('input', () => {
      args = null;
      submitButton.disabled = true;
      if (!pasted.value.trim()) { fill(check); return; }
      try {
        args = checkSigned(pasted.value, { peerId, owner: account.address, challenge });
        fill(check, h('span', { className: 'verified', 'data-check': 'verified' }, '✓ signed by the node\'s key'), ' for this chain, this owner and this challenge.');
        submitButton.disabled = false;
      } catch (error) {
        fill(check, h('span', { className: 'unverified', 'data-check': 'failed' }, '✗ '), error.message);
      }
    });
    submitButton.addEventListener('click', async () => {
      if (!args) return;
      const tx = registerWithMaxFeeCall(api, {
        nodeType, nodeId: stringToU8a(peerId), payInCredits: false, owner: account.address, mainKeyType: 'Ed25519', ...args,
      }, fee);
      fill(costs, `Cost: registration fee at most ${amount(fee, ctx.unit)}${deposit ? `, deposit ${amount(deposit, ctx.unit)}` : ''}, ${await transactionFee(ctx, tx)}.`);
      const outcome = await submit(ctx, tx, { what: 'Registering the node', expect: 'registration.MainNodeRegistered' });
      if (outcome) submitButton.disabled = true;
    });
  });
  return null;
}
