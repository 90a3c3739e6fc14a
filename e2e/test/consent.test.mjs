// End to end: owner consents and key rotation (issue 12) on a local chain (chopsticks + the dev
// runtime's wasm), driven through @polkadot/api. The consent, the rotation statement and the
// signatures are built in JS from the contract (lib/consent.mjs).
//
// One chain for the whole file. Transactions cost a block each, so refusals that leave no trace
// are checked by executing the signed transaction on the best block's state without building a
// block (`dryRun`: the `BlockBuilder_apply_extrinsic` runtime API); one refusal goes through a
// block to show that it changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a, randomAsU8a, sr25519Verify } from '@polkadot/util-crypto';
import {
  CONSENT_DOMAIN, CONSENT_LEN, CONSENT_STATUSES, ROTATE_DOMAIN, ROTATION_LEN, accountId, argType,
  chainContext, consentBytes, consentPayload, consentRegisterCall, consentRegistrationArgs, consentStatus, currentFee,
  dryRun, findEvent, nodeKey, ownerSignature, ready, registerWithMaxFeeCall, registrationArgs, revokeCall, rotateCall,
  rotationArgs, rotationBytes, send, signedConsent,
} from '../../js/client/index.mjs';
import { UNIT, newBlocks, startChain } from '../lib/chain.mjs';

// Its own chain: on a free port, or E2E_PORT + 1, or E2E_CONSENT_PORT.
const PORT = Number(process.env.E2E_CONSENT_PORT ?? (process.env.E2E_PORT ? Number(process.env.E2E_PORT) + 1 : 0));
const COOLDOWN = 20; // blocks: registration::COOLDOWN of the dev runtime

let chain;
let api;
let keyring;
let alice; // sudo
let bob; // owner of node A (registered by the hot account, then rotated)
let charlie; // owner of node B (consent signed <Bytes>-wrapped; removed and registered again)
let dave; // owner whose consents are refused
let eve; // an account that is not the owner
let hot; // the node host's account: holds only a little, for transaction fees

// Shared between the tests, in order.
const nodeA = nodeKey();
const nodeB = nodeKey();
let consentB;

async function freeBalance(address) {
  return (await api.query.system.account(address)).data.free.toBigInt();
}

async function nodeOf(key) {
  return api.query.registration.coldkeyNodeRegistrationV2(key.base58Hex);
}

/** The transaction fee `who` paid in a block's events. */
function transactionFee(events, who) {
  const paid = events.find((e) => e.section === 'transactionPayment' && e.method === 'TransactionFeePaid'
    && e.data.who.toString() === who);
  assert.ok(paid, `TransactionFeePaid for ${who}`);
  return paid.data.actualFee.toBigInt() + paid.data.tip.toBigInt();
}

/** `register_node_with_consent` of `key` with `signed` (a `signedConsent`), by the hot account. */
async function consentTx(signed, key, overrides = {}) {
  return consentRegisterCall(api, await consentRegistrationArgs(api, { signed, key, ...overrides }));
}

before(async () => {
  keyring = await ready();
  [alice, bob, charlie, dave, eve] = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve'].map((n) => keyring.addFromUri(`//${n}`));
  hot = keyring.addFromUri(`//consent-hot//${process.pid}`);
  chain = await startChain({ port: PORT });
  api = chain.api;

  // Fee charging on through sudo (the dev genesis has it on already; the tests rely on it).
  const { error } = await send(api, api.tx.sudo.sudo(api.tx.registration.setFeeCharging(true)), alice);
  assert.equal(error, null);
  assert.equal((await api.query.registration.feeChargingEnabled()).isTrue, true);
  // Half a unit: less than the registration fee (1 UNIT at genesis on the dev chain).
  assert.equal((await send(api, api.tx.balances.transferKeepAlive(hot.address, UNIT / 2n), alice)).error, null);
});

after(async () => {
  await chain?.stop();
});

describe('owner consent', () => {
  it('is encoded by hand exactly as the chain types encode it', async () => {
    const { genesisHash } = await chainContext(api);
    const fields = {
      genesisHash, owner: accountId(bob), peerId: nodeA.raw, nodeType: 'ComputeMiner',
      maxFee: 3n * UNIT + 7n, maxDeposit: 11n * UNIT + 3n, validUntil: 123_456, nonce: 0x0102030405060708n,
      mayRotate: true,
    };
    const bytes = consentBytes(fields);
    assert.equal(bytes.length, CONSENT_LEN);
    const chainType = api.createType(argType(api, 'registerNodeWithConsent', 'consent'), {
      domain: u8aToHex(CONSENT_DOMAIN), genesisHash: u8aToHex(genesisHash), owner: bob.address,
      peerId: nodeA.rawHex, nodeType: 'ComputeMiner', maxFee: fields.maxFee, maxDeposit: fields.maxDeposit,
      validUntil: fields.validUntil, nonce: fields.nonce, mayRotate: true,
    });
    assert.equal(u8aToHex(chainType.toU8a()), u8aToHex(bytes));

    const challengeHash = randomAsU8a(32);
    const other = nodeKey();
    const rotation = rotationBytes({
      genesisHash, owner: accountId(bob), oldPeerId: nodeA.raw, newPeerId: other.raw, challengeHash,
    });
    assert.equal(rotation.length, ROTATION_LEN);
    const rotationType = api.createType(argType(api, 'rotateNodeKey', 'rotation'), {
      domain: u8aToHex(ROTATE_DOMAIN), genesisHash: u8aToHex(genesisHash), owner: bob.address,
      oldPeerId: nodeA.rawHex, newPeerId: other.rawHex, challengeHash: u8aToHex(challengeHash),
    });
    assert.equal(u8aToHex(rotationType.toU8a()), u8aToHex(rotation));
  });

  it('lets a hot account register the node; the fee comes from the owner', async () => {
    const fee = await currentFee(api, 'StorageMiner');
    assert.ok(fee > UNIT / 2n, 'the hot account could not pay the fee itself');
    // The most the owner agrees to pay: exactly the current fee.
    const signed = await signedConsent(api, { owner: bob, key: nodeA, nodeType: 'StorageMiner', maxFee: fee });
    const ownerBefore = await freeBalance(bob.address);
    const hotBefore = await freeBalance(hot.address);

    const { events, error } = await send(api, await consentTx(signed, nodeA), hot);
    assert.equal(error, null);

    const used = findEvent(events, 'registration.ConsentUsed');
    assert.ok(used, 'ConsentUsed emitted');
    assert.equal(used.data.owner.toString(), bob.address);
    assert.equal(used.data.submitter.toString(), hot.address);
    assert.equal(u8aToHex(used.data.consentHash), u8aToHex(blake2AsU8a(signed.bytes, 256)));
    assert.equal(u8aToHex(used.data.nodeId), u8aToHex(nodeA.base58Bytes));
    const paid = findEvent(events, 'registration.RegistrationFeePaid');
    assert.equal(paid.data.owner.toString(), bob.address);
    assert.equal(paid.data.amount.toBigInt(), fee);
    assert.equal(findEvent(events, 'registration.MainNodeRegistered').data.owner.toString(), bob.address);

    assert.equal(ownerBefore - (await freeBalance(bob.address)), fee, 'the owner paid the fee, nothing else');
    assert.equal(hotBefore - (await freeBalance(hot.address)), transactionFee(events, hot.address),
      'the hot account paid its transaction fee only');
    const record = (await nodeOf(nodeA)).unwrap();
    assert.equal(record.owner.toString(), bob.address);
    assert.equal(record.nodeType.toString(), 'StorageMiner');
    assert.equal(record.status.toString(), 'Online');
  });

  it('accepts the owner\'s signature of the <Bytes>-wrapped consent (wallets\' raw signing)', async () => {
    consentB = await signedConsent(api, {
      owner: charlie, key: nodeB, nodeType: 'ComputeMiner', maxFee: 10n * UNIT, maxDeposit: 10n * UNIT, lifetime: 1_000,
      sign: { wrap: true },
    });
    const signature = consentB.signature.Sr25519;
    assert.equal(sr25519Verify(consentB.bytes, signature, charlie.publicKey), false, 'not a signature of the bare bytes');
    const ownerBefore = await freeBalance(charlie.address);

    const { events, error } = await send(api, await consentTx(consentB, nodeB), hot);
    assert.equal(error, null);
    assert.ok(findEvent(events, 'registration.ConsentUsed'));
    const fee = findEvent(events, 'registration.RegistrationFeePaid').data.amount.toBigInt();
    // Compute miners are bonded on the dev chain: the owner pays the fee and holds the bond.
    const bond = findEvent(events, 'registration.BondHeld').data.amount.toBigInt();
    assert.equal(ownerBefore - (await freeBalance(charlie.address)), fee + bond);
    assert.equal((await nodeOf(nodeB)).unwrap().owner.toString(), charlie.address);
  });
});

describe('refused consents', () => {
  it('refuses each consent that does not fit, by name (executed without a block)', async () => {
    const key = nodeKey();
    const fee = await currentFee(api, 'StorageS3');
    const base = { owner: dave, key, nodeType: 'StorageS3', maxFee: 10n * UNIT };
    const { blockNumber } = await chainContext(api);
    const maxLifetime = api.consts.registration.maxConsentLifetime.toNumber();
    const good = await signedConsent(api, base);
    // Dave's consent with Eve's signature, and Dave's signature of another consent.
    const byEve = { ...good, signature: ownerSignature(eve, good.bytes) };
    const otherNonce = await signedConsent(api, base);
    const wrongDomain = CONSENT_DOMAIN.slice();
    wrongDomain[9] ^= 1;

    const cases = [
      ['a good consent (the baseline)', await consentTx(good, key), null],
      ['an expired consent', await consentTx(await signedConsent(api, { ...base, validUntil: blockNumber - 1 }), key),
        'registration.ConsentExpired'],
      ['a consent valid for too long', await consentTx(await signedConsent(api, { ...base, lifetime: maxLifetime + 5 }), key),
        'registration.ConsentLifetimeTooLong'],
      ['another domain', await consentTx(await signedConsent(api, { ...base, domain: wrongDomain }), key),
        'registration.InvalidConsentDomain'],
      ['another chain', await consentTx(await signedConsent(api, { ...base, genesisHash: randomAsU8a(32) }), key),
        'registration.ConsentGenesisMismatch'],
      ['another PeerId', await consentTx(good, nodeKey()), 'registration.ConsentNodeMismatch'],
      ['another node type', await consentTx(good, key, { nodeType: 'GpuMiner' }), 'registration.ConsentNodeTypeMismatch'],
      ['a signature by another key', await consentTx(byEve, key), 'registration.InvalidOwnerSignature'],
      ['another owner than the signer', await consentTx(await signedConsent(api, { ...base, owner: eve, sign: { pair: dave } }), key),
        'registration.InvalidOwnerSignature'],
      ['the signature of another consent', await consentTx({ ...good, signature: otherNonce.signature }, key),
        'registration.InvalidOwnerSignature'],
      ['a challenge bound to another owner than the consent\'s', await consentTx(good, key, {
        challenge: { owner: accountId(eve) },
      }), 'registration.InvalidAccountId'],
      ['a fee above the maximum', await consentTx(await signedConsent(api, { ...base, maxFee: fee - 1n }), key),
        'registration.FeeAboveMaximum'],
      ['a revocation by another account', revokeCall(api, good.bytes), 'registration.NotConsentOwner'],
    ];
    const outcomes = [];
    for (const [name, tx, expected] of cases) outcomes.push([name, await dryRun(api, tx, hot), expected]);
    assert.deepEqual(outcomes.map(([name, got]) => [name, got]), outcomes.map(([name, , expected]) => [name, expected]));
    assert.ok((await nodeOf(key)).isNone);
  });

  it('refuses a revoked consent in a block, and the refusal changes nothing', async () => {
    const key = nodeKey();
    const signed = await signedConsent(api, { owner: dave, key, nodeType: 'StorageS3', maxFee: 10n * UNIT });
    assert.equal(await consentStatus(api, signed.bytes, signed.signature), 'Valid');

    let result = await send(api, revokeCall(api, signed.bytes), dave);
    assert.equal(result.error, null);
    const revoked = findEvent(result.events, 'registration.ConsentRevoked');
    assert.equal(u8aToHex(revoked.data.consentHash), u8aToHex(blake2AsU8a(signed.bytes, 256)));
    assert.equal(revoked.data.validUntil.toNumber(), signed.consent.validUntil);
    assert.equal(await consentStatus(api, signed.bytes, signed.signature), 'Revoked');
    assert.equal(await dryRun(api, revokeCall(api, signed.bytes), dave), 'registration.ConsentRevoked', 'revoked once');

    const ownerBefore = await freeBalance(dave.address);
    const hotBefore = await freeBalance(hot.address);
    const feeBefore = await currentFee(api, 'StorageS3');
    const args = await consentRegistrationArgs(api, { signed, key });
    result = await send(api, consentRegisterCall(api, args), hot);
    assert.equal(result.error, 'registration.ConsentRevoked');
    assert.equal(findEvent(result.events, 'registration.ConsentUsed'), undefined);
    assert.equal(findEvent(result.events, 'registration.RegistrationFeePaid'), undefined);
    assert.equal(await freeBalance(dave.address), ownerBefore, 'the owner paid nothing');
    assert.equal(hotBefore - (await freeBalance(hot.address)), transactionFee(result.events, hot.address));
    assert.ok((await nodeOf(key)).isNone, 'no node');
    assert.ok((await api.query.registration.ownerToNode(dave.address)).isNone, 'the owner has no node');
    const challengeHash = u8aToHex(blake2AsU8a(args.challengeBytes, 256));
    assert.ok((await api.query.registration.usedChallenges(challengeHash)).isNone, 'the challenge is still unused');
    assert.equal(await currentFee(api, 'StorageS3'), feeBefore, 'the fee did not move');
  });
});

describe('price limit', () => {
  it('register_node_with_max_fee takes the fee only up to the owner\'s limit (executed without a block)', async () => {
    const fee = await currentFee(api, 'StorageS3');
    const args = await registrationArgs(api, { owner: dave, key: nodeKey(), nodeType: 'StorageS3' });
    assert.equal(await dryRun(api, registerWithMaxFeeCall(api, args, fee - 1n), dave), 'registration.FeeAboveMaximum');
    assert.equal(await dryRun(api, registerWithMaxFeeCall(api, args, fee), dave), null);
  });
});

describe('key rotation', () => {
  it('moves the node to a new PeerId and cools the old PeerId down', async () => {
    const original = (await nodeOf(nodeA)).unwrap();
    assert.equal(original.owner.toString(), bob.address, 'node A registered by the first consent test');
    const newKey = nodeKey();
    const rotateConsent = (mayRotate) => signedConsent(api, { owner: bob, key: newKey, nodeType: 'StorageMiner', maxFee: 0n, mayRotate });
    const args = (overrides = {}) => rotationArgs(api, { owner: bob, oldKey: nodeA, newKey, ...overrides });

    // Refusals and the owner's own rotation, executed without a block.
    assert.equal(await dryRun(api, rotateCall(api, await args()), bob), null, 'the owner may rotate without a consent');
    assert.equal(await dryRun(api, rotateCall(api, await args()), hot), 'registration.NotNodeOwner');
    assert.equal(await dryRun(api, rotateCall(api, await args({ consent: await rotateConsent(false) })), hot),
      'registration.ConsentForbidsRotation');
    const wrongStatement = await args({ statement: { newPeerId: nodeKey().raw } });
    assert.equal(await dryRun(api, rotateCall(api, wrongStatement), bob), 'registration.InvalidRotationStatement');
    const signedByNewKey = await rotationArgs(api, { owner: bob, oldKey: { ...nodeA, pair: newKey.pair }, newKey });
    assert.equal(await dryRun(api, rotateCall(api, signedByNewKey), bob), 'registration.InvalidRotationSignature');

    // The hot account rotates with the owner's consent to the new PeerId.
    const bobBefore = await freeBalance(bob.address);
    const { events, error } = await send(api, rotateCall(api, await args({ consent: await rotateConsent(true) })), hot);
    assert.equal(error, null);
    const rotated = findEvent(events, 'registration.NodeKeyRotated');
    assert.equal(u8aToHex(rotated.data.oldNodeId), u8aToHex(nodeA.base58Bytes));
    assert.equal(u8aToHex(rotated.data.newNodeId), u8aToHex(newKey.base58Bytes));
    assert.equal(rotated.data.owner.toString(), bob.address);
    assert.equal(await freeBalance(bob.address), bobBefore, 'a rotation costs the owner nothing');

    assert.ok((await nodeOf(nodeA)).isNone, 'the old PeerId is no longer registered');
    const moved = (await nodeOf(newKey)).unwrap();
    assert.equal(u8aToHex(moved.nodeId), u8aToHex(newKey.base58Bytes));
    assert.equal(moved.owner.toString(), bob.address);
    assert.equal(moved.nodeType.toString(), 'StorageMiner');
    assert.equal(moved.status.toString(), original.status.toString());
    assert.equal(moved.registeredAt.toNumber(), original.registeredAt.toNumber());
    assert.deepEqual((await api.query.registration.ownerToNode(bob.address)).unwrap().map((id) => u8aToHex(id)),
      [u8aToHex(newKey.base58Bytes)]);
    const [, publicKey] = (await api.query.registration.libp2pMainIdentity(newKey.base58Hex)).unwrap();
    assert.equal(u8aToHex(publicKey), u8aToHex(newKey.publicKey));
    assert.ok((await api.query.registration.libp2pMainIdentity(nodeA.base58Hex)).isNone);

    // The old PeerId cools down: nobody may register it (Dave owns no node).
    const oldAgain = await signedConsent(api, { owner: dave, key: nodeA, nodeType: 'StorageMiner', maxFee: 10n * UNIT });
    assert.equal(await dryRun(api, await consentTx(oldAgain, nodeA), hot), 'registration.NodeCooldownPeriodNotExpired');
    // And the node may not rotate again at once.
    const again = await rotationArgs(api, { owner: bob, oldKey: newKey, newKey: nodeKey() });
    assert.equal(await dryRun(api, rotateCall(api, again), bob), 'registration.KeyRotationTooSoon');
  });
});

describe('view functions', () => {
  it('consent_payload returns the hand-encoded consent to sign', async () => {
    const { genesisHash, blockNumber } = await chainContext(api);
    const key = nodeKey();
    const terms = { owner: dave, nodeType: 'GpuMiner', maxFee: 7n * UNIT, lifetime: 50, nonce: 42n, mayRotate: true };
    const expected = consentBytes({ genesisHash, ...terms, owner: accountId(dave), peerId: key.raw, validUntil: blockNumber + 50 });
    for (const peerId of [key.raw, key.base58Bytes]) {
      const payload = await consentPayload(api, { ...terms, peerId });
      assert.equal(u8aToHex(payload.bytes), u8aToHex(expected));
      assert.equal(u8aToHex(payload.consent.toU8a()), u8aToHex(expected));
    }
    // The lifetime is capped at MaxConsentLifetime.
    const maxLifetime = api.consts.registration.maxConsentLifetime.toNumber();
    const capped = await consentPayload(api, { ...terms, peerId: key.raw, lifetime: 2 ** 40 });
    assert.equal(capped.consent.validUntil.toNumber(), blockNumber + maxLifetime);
    // Not a PeerId: nothing to sign.
    assert.equal(await consentPayload(api, { ...terms, peerId: randomAsU8a(38) }), null);
  });

  it('consent_status says Valid for a good signature and names what is wrong otherwise', async () => {
    const key = nodeKey();
    const { blockNumber } = await chainContext(api);
    const base = { owner: dave, key, nodeType: 'StorageMiner', maxFee: UNIT };
    const status = async (signed) => consentStatus(api, signed.bytes, signed.signature);
    // The names the client knows are the metadata's ConsentStatus variants, in order.
    const statusType = api.registry.lookup.types.find((t) => t.type.path.map(String).join('::').endsWith('::ConsentStatus'));
    assert.deepEqual(statusType.type.def.asVariant.variants.map((v) => [v.index.toNumber(), v.name.toString()]),
      CONSENT_STATUSES.map((name, index) => [index, name]));
    const badPeerId = key.raw.slice();
    badPeerId[2] = 0x09; // not the protobuf tag of an Ed25519 key

    assert.equal(await status(await signedConsent(api, base)), 'Valid');
    assert.equal(await status(await signedConsent(api, { ...base, sign: { wrap: true } })), 'Valid');
    // Owners whose accounts are ed25519 and ecdsa keys sign with them.
    for (const type of ['ed25519', 'ecdsa']) {
      const owner = keyring.addFromUri(`//consent-${type}`, {}, type);
      assert.equal(await status(await signedConsent(api, { ...base, owner })), 'Valid', type);
    }
    assert.equal(await status(await signedConsent(api, { ...base, sign: { pair: eve } })), 'BadSignature');
    assert.equal(await status(await signedConsent(api, { ...base, genesisHash: randomAsU8a(32) })), 'WrongChain');
    assert.equal(await status(await signedConsent(api, { ...base, validUntil: blockNumber - 1 })), 'Expired');
    assert.equal(await status(await signedConsent(api, { ...base, domain: new Uint8Array(24) })), 'WrongDomain');
    assert.equal(await status(await signedConsent(api, { ...base, lifetime: 10 ** 9 })), 'LifetimeTooLong');
    assert.equal(await status(await signedConsent(api, { ...base, peerId: badPeerId })), 'InvalidPeerId');
  });
});

describe('a consent outlives a removal', () => {
  it('registers the node again with the same consent after a forced removal and the cooldown', async () => {
    assert.ok(consentB, 'node B registered by the <Bytes> consent test');
    const { events, error } = await send(api, api.tx.sudo.sudo(api.tx.registration.forceUnregisterColdkeyNode(nodeB.rawHex)), alice);
    assert.equal(error, null);
    assert.equal(findEvent(events, 'registration.NodeUnregistered').data.reason.toString(), 'Forced');
    assert.ok((await nodeOf(nodeB)).isNone);
    const removedAt = (await chainContext(api)).blockNumber;

    // Still refused in the cooldown's last block (a dry run executes in the best block).
    await newBlocks(api, COOLDOWN - 1);
    assert.equal((await chainContext(api)).blockNumber, removedAt + COOLDOWN - 1);
    assert.equal(await dryRun(api, await consentTx(consentB, nodeB), hot), 'registration.NodeCooldownPeriodNotExpired');

    // In the next block, the first after the cooldown, the same consent serves again.
    const result = await send(api, await consentTx(consentB, nodeB), hot);
    assert.equal(result.error, null);
    const used = findEvent(result.events, 'registration.ConsentUsed');
    assert.equal(u8aToHex(used.data.consentHash), u8aToHex(blake2AsU8a(consentB.bytes, 256)));
    const record = (await nodeOf(nodeB)).unwrap();
    assert.equal(record.owner.toString(), charlie.address);
    assert.equal(record.registeredAt.toNumber(), removedAt + COOLDOWN);
  });
});
