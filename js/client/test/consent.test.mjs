// Consents and rotation statements encoded without a chain: the layout field by field (the
// contract's `OwnerConsent`, with `max_deposit` after `max_fee`), the checks on field sizes, and
// the owner's signature bare and `<Bytes>`-wrapped. The e2e suite checks the same bytes against
// the chain's own types.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { signatureVerify } from '@polkadot/util-crypto';
import {
  CONSENT_DOMAIN, CONSENT_LEN, NODE_TYPES, ROTATE_DOMAIN, ROTATION_LEN, accountId, consentBytes, nodeKey, nodeTypeIndex,
  ownerSignature, ready, rotationBytes,
} from '@registration/client';

const fill = (byte, length) => new Uint8Array(length).fill(byte);
const le = (value, bytes) => {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  for (let i = 0; i < bytes; i += 1) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return u8aToHex(out).slice(2);
};

describe('consentBytes', () => {
  const fields = {
    genesisHash: fill(0x45, 32), owner: fill(0xd4, 32), peerId: nodeKey(fill(1, 32)).raw, nodeType: 'ComputeMiner',
    maxFee: 3n * 10n ** 18n + 7n, maxDeposit: 11n * 10n ** 18n + 3n, validUntil: 123_456, nonce: 0x0102030405060708n,
    mayRotate: true,
  };

  it('lays the fields out in the contract\'s order, without length prefixes', () => {
    const bytes = consentBytes(fields);
    assert.equal(bytes.length, CONSENT_LEN);
    const expected = u8aToHex(CONSENT_DOMAIN) + u8aToHex(fields.genesisHash).slice(2) + u8aToHex(fields.owner).slice(2)
      + u8aToHex(fields.peerId).slice(2) + '03' + le(fields.maxFee, 16) + le(fields.maxDeposit, 16) + le(123_456, 8)
      + '0807060504030201' + '01';
    assert.equal(u8aToHex(bytes), expected);
    assert.equal(u8aToHex(CONSENT_DOMAIN), u8aToHex(new TextEncoder().encode('HIPPIUS::CONSENT::v2\0\0\0\0')));
  });

  it('holds no deposit unless asked (max_deposit 0) and does not rotate unless asked', () => {
    const bytes = consentBytes({ ...fields, maxDeposit: undefined, mayRotate: undefined, nonce: undefined });
    assert.equal(u8aToHex(bytes.subarray(143, 159)), `0x${'00'.repeat(16)}`, 'max_deposit');
    assert.equal(bytes[CONSENT_LEN - 1], 0, 'may_rotate');
  });

  it('refuses what does not fit the layout', () => {
    assert.throws(() => consentBytes({ ...fields, peerId: fields.peerId.subarray(1) }), /peerId: 38 bytes expected, got 37/);
    assert.throws(() => consentBytes({ ...fields, nodeType: 'Miner' }), /unknown node type Miner/);
    assert.throws(() => consentBytes({ ...fields, maxFee: -1n }), /does not fit in 16 bytes/);
    assert.throws(() => consentBytes({ ...fields, maxDeposit: 1n << 128n }), /does not fit in 16 bytes/);
  });

  it('encodes node types by their index', () => {
    NODE_TYPES.forEach((name, index) => assert.equal(nodeTypeIndex(name), index));
    assert.equal(nodeTypeIndex(4), 4);
  });
});

describe('rotationBytes', () => {
  it('lays out the statement the old key signs', () => {
    const oldPeerId = nodeKey(fill(1, 32)).raw;
    const newPeerId = nodeKey(fill(2, 32)).raw;
    const bytes = rotationBytes({ genesisHash: fill(0x45, 32), owner: fill(0xd4, 32), oldPeerId, newPeerId, challengeHash: fill(9, 32) });
    assert.equal(bytes.length, ROTATION_LEN);
    assert.equal(u8aToHex(bytes.subarray(0, 24)), u8aToHex(ROTATE_DOMAIN));
    assert.equal(u8aToHex(bytes.subarray(88, 126)), u8aToHex(oldPeerId));
    assert.equal(u8aToHex(bytes.subarray(126, 164)), u8aToHex(newPeerId));
  });
});

describe('ownerSignature', () => {
  it('signs the bytes bare or wrapped in <Bytes>, as the owner\'s MultiSignature variant', async () => {
    const keyring = await ready();
    const bob = keyring.addFromUri('//Bob');
    const message = consentBytes({
      genesisHash: fill(0x45, 32), owner: accountId(bob), peerId: nodeKey().raw, nodeType: 'StorageMiner', maxFee: 1n,
      validUntil: 10,
    });
    const bare = ownerSignature(bob, message);
    assert.deepEqual(Object.keys(bare), ['Sr25519']);
    assert.ok(signatureVerify(message, bare.Sr25519, bob.address).isValid);
    const wrapped = ownerSignature(bob, message, { wrap: true });
    assert.ok(signatureVerify(u8aWrapBytes(message), wrapped.Sr25519, bob.address).isValid);
    const ed = keyring.addFromUri('//Bob', {}, 'ed25519');
    assert.deepEqual(Object.keys(ownerSignature(ed, message)), ['Ed25519']);
    assert.equal(u8aToHex(accountId(bob)), u8aToHex(bob.publicKey));
    assert.throws(() => accountId(new Uint8Array(20)), /account id: 32 bytes expected/);
  });
});
