// An owner consent from the browser: the page builds the consent with the chain's own
// `consent_payload` view function, shows its terms, has the wallet sign it (wallets sign raw bytes
// wrapped in `<Bytes>`, which the chain takes), checks it with `consent_status`, and offers the
// consent file that `registrar run --consent-file` takes. The owner's key stays in the wallet.
import { u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { decodeAddress, signatureVerify } from '@polkadot/util-crypto';
import {
  NODE_TYPES, consentFile, consentPayload, consentStatus, currentDeposit, currentFee, peerOf,
} from '../../client/index.mjs';
import { amount, facts, fill, h, parseAmount, say } from './dom.mjs';

/** The `MultiSignature` variant of each account type a wallet may hold. */
const VARIANTS = { sr25519: 'Sr25519', ed25519: 'Ed25519', ecdsa: 'Ecdsa', ethereum: null };

/** What each consent status means to the person signing. */
const STATUS_TEXT = {
  Valid: 'valid now: the chain would take it',
  WrongDomain: 'not a consent of this format',
  WrongChain: 'made for another chain',
  InvalidPeerId: 'its PeerId is not an Ed25519 node key',
  Expired: 'expired: make a new one',
  LifetimeTooLong: 'valid for longer than the chain allows: choose fewer blocks',
  Revoked: 'revoked by its owner',
  BadSignature: 'the signature is not the owner\'s',
  SmallOrderOwner: 'its owner account cannot sign (a small-order key)',
};

export function consentScreen(ctx, main) {
  const { api } = ctx;
  const maxLifetime = api.consts.registration.maxConsentLifetime.toNumber();
  const form = h('form', { className: 'stack', id: 'consent-form' },
    h('label', null, 'The node\'s PeerId', h('input', { name: 'peer', size: 56, spellcheck: false, placeholder: '12D3KooW…', required: true })),
    h('label', null, 'Node type', h('select', { name: 'type' }, NODE_TYPES.map((t) => h('option', { value: t, selected: t === 'StorageMiner' }, t)))),
    h('label', null, `Most registration fee (${ctx.unit.symbol}; empty: the current fee)`, h('input', { name: 'maxFee', inputmode: 'decimal' })),
    h('label', null, `Most deposit (${ctx.unit.symbol}; empty: the current deposit)`, h('input', { name: 'maxDeposit', inputmode: 'decimal' })),
    h('label', null, `Valid for blocks (at most ${maxLifetime})`, h('input', { name: 'lifetime', type: 'number', min: 1, max: maxLifetime, value: Math.min(1000, maxLifetime) })),
    h('label', null, 'Nonce (revoking every consent below a nonce revokes this one too)', h('input', { name: 'nonce', value: String(Date.now()), inputmode: 'numeric' })),
    h('label', null, h('span', null, h('input', { name: 'mayRotate', type: 'checkbox' }), ' it may also move one of my nodes to this PeerId (key rotation)')),
    h('div', null, h('button', { type: 'submit' }, 'Show the terms')));
  const out = h('section', { id: 'consent-out' });
  fill(main, h('h2', null, 'Consent: let a node\'s registrar register it for you'),
    h('p', { className: 'muted' }, 'The registrar submits and pays the transaction fees; the registration fee and deposit come from you, up to the maximums you sign.'),
    form, out);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const account = ctx.wallet.account;
    if (!account) { say('connect a wallet and choose the owner account first (top right)'); return; }
    const variant = VARIANTS[account.type ?? 'sr25519'];
    if (!variant) { say(`a ${account.type} account cannot sign a consent on this chain: choose an sr25519, ed25519 or ecdsa account`); return; }
    const peerId = form.peer.value.trim();
    let raw;
    try { ({ raw } = peerOf(peerId)); } catch { say(`"${peerId}" is not the PeerId of an Ed25519 node key (12D3KooW…)`); return; }
    const nodeType = form.type.value;
    let terms;
    try {
      const nonce = form.nonce.value.trim();
      if (!/^\d{1,20}$/.test(nonce) || BigInt(nonce) >= 2n ** 64n) throw new Error('the nonce is a whole number below 2^64');
      terms = {
        owner: decodeAddress(account.address),
        peerId: raw,
        nodeType,
        maxFee: form.maxFee.value.trim() ? parseAmount(form.maxFee.value, ctx.unit) : await currentFee(api, nodeType),
        maxDeposit: form.maxDeposit.value.trim() ? parseAmount(form.maxDeposit.value, ctx.unit) : await currentDeposit(api, nodeType),
        lifetime: Math.max(1, Math.min(Number(form.lifetime.value) || 1, maxLifetime)),
        nonce: BigInt(nonce),
        mayRotate: form.mayRotate.checked,
      };
    } catch (error) {
      say(error.message);
      return;
    }
    const payload = await consentPayload(api, terms);
    if (!payload) { say('the chain does not take a consent for this PeerId'); return; }
    const { consent, bytes } = payload;
    const signButton = h('button', { type: 'button', id: 'consent-sign' }, 'Sign with the wallet');
    const result = h('div', { id: 'consent-result' });
    fill(out, h('h3', null, 'The terms you sign'), facts([
      ['Node', h('span', { className: 'mono' }, peerId)],
      ['Node type', nodeType],
      ['Most registration fee', amount(terms.maxFee, ctx.unit)],
      ['Most deposit', amount(terms.maxDeposit, ctx.unit)],
      ['Valid until', `block #${consent.validUntil.toNumber()} (now #${ctx.best})`],
      ['Nonce', terms.nonce.toString()],
      ['May move a node to this key', terms.mayRotate ? 'yes' : 'no'],
      ['Chain (genesis)', h('span', { className: 'mono' }, consent.genesisHash.toHex())],
      ['Owner', account.address],
    ]), signButton, result);

    signButton.addEventListener('click', async () => {
      let signature;
      try {
        const { signer } = await ctx.wallet.signer();
        if (!signer.signRaw) throw new Error('this wallet cannot sign raw bytes');
        ({ signature } = await signer.signRaw({ address: account.address, data: u8aToHex(bytes), type: 'bytes' }));
      } catch (error) {
        say(/cancel|reject/i.test(error.message) ? 'the wallet did not sign the consent' : `the wallet could not sign: ${error.message}`);
        return;
      }
      const wrapped = signatureVerify(u8aWrapBytes(bytes), signature, account.address).isValid;
      const bare = !wrapped && signatureVerify(bytes, signature, account.address).isValid;
      const multi = { [variant]: signature };
      const status = await consentStatus(api, bytes, multi);
      if (status !== 'Valid' || (!wrapped && !bare)) {
        fill(result, h('p', { className: 'unverified', id: 'consent-status', 'data-status': status }, `The chain says this consent is ${STATUS_TEXT[status] ?? status}.`));
        return;
      }
      const file = JSON.stringify(consentFile(api, { bytes, signature: multi, signedMessage: wrapped ? 'wrapped' : 'bare' }), null, 2);
      const name = `consent-${peerId.slice(-8)}.json`;
      const link = h('a', { id: 'consent-download', download: name, href: URL.createObjectURL(new Blob([`${file}\n`], { type: 'application/json' })) }, `Download ${name}`);
      fill(result,
        h('p', { className: 'verified', id: 'consent-status', 'data-status': status }, `✓ The chain says this consent is ${STATUS_TEXT.Valid}.`),
        h('p', null, link, ' and give it to the node\'s host:'),
        h('pre', { className: 'command' }, `registrar run --node-key-file NODE_KEY_FILE --consent-file ${name} --submitter-secret-file SUBMITTER_SECRET_FILE`),
        h('details', null, h('summary', null, 'The file'), h('pre', { className: 'mono', id: 'consent-file' }, file)));
      say('Consent signed and checked.', { ok: true });
    });
  });
  return null;
}
