// End to end: the registration pallet on a local chain (chopsticks + the dev runtime's wasm),
// driven through @polkadot/api as clients of the reference chain drive it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import {
  DOMAIN, PALLET, VIEWS, chainContext, challengeFields, connect, currentDeposit, currentFee, describeError, findEvent,
  nodeById, nodeKey, nodeOfOwner, ownerNodeCount, palletAccount, ready, registerCall, registrationArgs, send, viewFunctionId,
} from '../../js/client/index.mjs';
import { UNIT, inOneBlock, newBlocks, root, startChain } from '../lib/chain.mjs';

// Its own chain: on a free port, or E2E_PORT.
const PORT = Number(process.env.E2E_PORT ?? 0);
const STAKE_THRESHOLD = 1_000n * UNIT;
const COOLDOWN = 20; // blocks: registration::COOLDOWN of the dev runtime
const CONSENSUS_PERIOD = 10;

let chain;
let api;
let keyring;
let alice;
let accountCounter = 0;

/** A fresh account funded by Alice with `amount`. */
async function funded(amount = 10_000n * UNIT) {
  const account = keyring.addFromUri(`//e2e//${process.pid}//${accountCounter++}`);
  const { error } = await send(api, api.tx.balances.transferKeepAlive(account.address, amount), alice);
  assert.equal(error, null);
  return account;
}

async function sudo(call) {
  return send(api, api.tx.sudo.sudo(call), alice);
}

async function register(owner, key, nodeType = 'StorageMiner', overrides = {}) {
  const args = await registrationArgs(api, { owner, key, nodeType, ...overrides });
  return { ...(await send(api, registerCall(api, args), owner)), args };
}

async function freeBalance(address) {
  return (await api.query.system.account(address)).data.free.toBigInt();
}

async function nodeOf(key) {
  return api.query.registration.coldkeyNodeRegistrationV2(key.base58Hex);
}

/** A validator: funded, bonded `stake`, registered with a Validator node. */
async function validator(stake = STAKE_THRESHOLD) {
  const owner = await funded(stake + 100n * UNIT);
  assert.equal((await send(api, api.tx.staking.bond(stake, 'Staked'), owner)).error, null);
  const key = nodeKey();
  const { error } = await register(owner, key, 'Validator');
  assert.equal(error, null);
  return { owner, key };
}

/** Blocks to build so that the last one is the first block of the next round. */
function blocksToRoundEnd({ blockNumber }) {
  return Math.ceil((blockNumber + 1) / CONSENSUS_PERIOD) * CONSENSUS_PERIOD - blockNumber;
}

before(async () => {
  keyring = await ready();
  alice = keyring.addFromUri('//Alice');
  chain = await startChain({ port: PORT });
  api = chain.api;
});

after(async () => {
  await chain?.stop();
});

describe('registration', () => {
  it('registers a node from a challenge built and signed in JS, and charges the fee', async () => {
    const owner = await funded();
    const key = nodeKey();
    const potBefore = await freeBalance(palletAccount(api));
    const ownerBefore = await freeBalance(owner.address);
    const feeBefore = (await api.query.registration.currentNodeTypeFee('StorageMiner')).unwrapOr(null);

    const { events, error, args } = await register(owner, key);
    assert.equal(error, null);
    assert.equal(args.challengeBytes.length, 200);

    const registered = findEvent(events, 'registration.MainNodeRegistered');
    assert.ok(registered, 'MainNodeRegistered emitted');
    assert.equal(u8aToHex(registered.data.nodeId), u8aToHex(key.base58Bytes));
    assert.equal(registered.data.owner.toString(), owner.address);
    const paid = findEvent(events, 'registration.RegistrationFeePaid');
    const fee = paid.data.amount.toBigInt();
    assert.equal(fee, feeBefore === null ? UNIT : feeBefore.toBigInt());

    const record = (await nodeOf(key)).unwrap();
    assert.equal(record.owner.toString(), owner.address);
    assert.equal(record.nodeType.toString(), 'StorageMiner');
    assert.equal(record.status.toString(), 'Online');
    const owned = await api.query.registration.ownerToNode(owner.address);
    assert.deepEqual(owned.unwrap().map((id) => u8aToHex(id)), [u8aToHex(key.base58Bytes)]);
    const [keyType, publicKey] = (await api.query.registration.libp2pMainIdentity(key.base58Hex)).unwrap();
    assert.equal(keyType.toString(), 'Ed25519');
    assert.equal(u8aToHex(publicKey), u8aToHex(key.publicKey));
    const used = await api.query.registration.usedChallenges(u8aToHex(blake2AsU8a(args.challengeBytes, 256)));
    assert.ok(used.isSome, 'challenge hash recorded');

    assert.equal((await freeBalance(palletAccount(api))) - potBefore, fee, 'the fee reached the pallet account');
    assert.ok(ownerBefore - (await freeBalance(owner.address)) > fee, 'fee plus transaction fee paid');
  });

  it('accepts the raw PeerId as node_id and stores the base58 form', async () => {
    const owner = await funded();
    const key = nodeKey();
    const { error } = await register(owner, key, 'StorageS3', { nodeId: key.rawHex });
    assert.equal(error, null);
    assert.ok((await nodeOf(key)).isSome);
  });

  describe('refuses', () => {
    it('a replayed challenge', async () => {
      const owner = await funded();
      const first = await register(owner, nodeKey());
      assert.equal(first.error, null);
      const { error } = await send(api, registerCall(api, first.args), owner);
      assert.equal(error, 'registration.ChallengeReused');
    });

    it('a signer other than the owner', async () => {
      const owner = await funded();
      const args = await registrationArgs(api, { owner, key: nodeKey() });
      const { error } = await send(api, registerCall(api, args), alice);
      assert.equal(error, 'registration.SignerNotOwner');
    });

    it('an expired challenge', async () => {
      const owner = await funded();
      await newBlocks(api, 3);
      const { blockNumber } = await chainContext(api);
      const { error } = await register(owner, nodeKey(), 'StorageMiner', {
        challenge: { blockNumber: blockNumber - 3, expiresAt: blockNumber - 1 },
      });
      assert.equal(error, 'registration.ChallengeExpired');
    });

    it('a bad signature', async () => {
      const owner = await funded();
      const key = nodeKey();
      const other = nodeKey();
      const args = await registrationArgs(api, { owner, key });
      args.mainSig = (await registrationArgs(api, { owner, key: other })).mainSig;
      const { error } = await send(api, registerCall(api, args), owner);
      assert.equal(error, 'registration.InvalidSignature');
    });

    it('a node id of another key', async () => {
      const owner = await funded();
      const { error } = await register(owner, nodeKey(), 'StorageMiner', { nodeId: nodeKey().base58Hex });
      assert.equal(error, 'registration.NodeIdMismatch');
    });

    it('a banned owner', async () => {
      const owner = await funded();
      assert.equal((await sudo(api.tx.registration.setAccountBanStatus(owner.address, true))).error, null);
      const { error } = await register(owner, nodeKey());
      assert.equal(error, 'registration.AccountBanned');
    });

    it('a disabled node type', async () => {
      const owner = await funded();
      assert.equal((await sudo(api.tx.registration.setNodeTypeDisabled('GpuMiner', true))).error, null);
      const { error } = await register(owner, nodeKey(), 'GpuMiner');
      assert.equal(error, 'registration.NodeTypeDisabled');
      assert.equal((await sudo(api.tx.registration.setNodeTypeDisabled('GpuMiner', false))).error, null);
      assert.equal((await register(owner, nodeKey(), 'GpuMiner')).error, null);
    });

    it('a wrong domain tag', async () => {
      const owner = await funded();
      const domain = DOMAIN.slice();
      domain[0] = 0x58;
      const { error } = await register(owner, nodeKey(), 'StorageMiner', { challenge: { domain } });
      assert.equal(error, 'registration.InvalidChallengeDomain');
    });
  });
});

describe('validators', () => {
  it('registers a validator that bonded the threshold in pallet-staking', async () => {
    const { owner, key } = await validator();
    assert.equal((await nodeOf(key)).unwrap().nodeType.toString(), 'Validator');
    const ledger = await api.query.staking.ledger(owner.address);
    assert.equal(ledger.unwrap().active.toBigInt(), STAKE_THRESHOLD);
  });

  it('refuses a validator below the threshold', async () => {
    const owner = await funded(STAKE_THRESHOLD + 100n * UNIT);
    assert.equal((await send(api, api.tx.staking.bond(STAKE_THRESHOLD - 1n, 'Staked'), owner)).error, null);
    const { error } = await register(owner, nodeKey(), 'Validator');
    assert.equal(error, 'registration.InsufficientStake');
  });
});

describe('root calls through sudo', () => {
  it('switches fee charging and deregistration, sets fees and the whitelist', async () => {
    let result = await sudo(api.tx.registration.setFeeCharging(false));
    assert.equal(result.error, null);
    assert.ok(findEvent(result.events, 'registration.FeeChargingStatusChanged'));
    assert.equal((await api.query.registration.feeChargingEnabled()).isTrue, false);
    assert.equal((await sudo(api.tx.registration.setFeeCharging(true))).error, null);

    result = await sudo(api.tx.registration.setNodeTypeFee('ComputeMiner', 5n * UNIT));
    assert.equal(result.error, null);
    assert.equal((await api.query.registration.currentNodeTypeFee('ComputeMiner')).unwrap().toBigInt(), 5n * UNIT);
    assert.equal(
      (await sudo(api.tx.registration.setNodeTypeFee('ComputeMiner', 100_000n * UNIT))).error,
      'registration.FeeTooHigh',
    );

    const listed = await funded();
    result = await sudo(api.tx.registration.setWhitelistedValidators([listed.address]));
    assert.equal(result.error, null);
    assert.deepEqual((await api.query.registration.whitelistedValidators()).map(String), [listed.address]);
    assert.equal((await sudo(api.tx.registration.setWhitelistedValidators([]))).error, null);

    result = await sudo(api.tx.registration.setDeregistrationEnabled(true));
    assert.equal(result.error, null);
    assert.ok(findEvent(result.events, 'registration.DeregistrationStatusChanged'));
  });

  it('refuses root calls from a plain account', async () => {
    const owner = await funded();
    const { error } = await send(api, api.tx.registration.setFeeCharging(false), owner);
    assert.equal(error, 'BadOrigin');
  });
});

describe('deregistration by validators', () => {
  it('removes a node once two validators report it, one through a proxy, at the round end', async () => {
    const validators = [await validator(), await validator(), await validator()];
    const target = { owner: await funded(), key: nodeKey() };
    assert.equal((await register(target.owner, target.key, 'ComputeMiner')).error, null);

    // The third validator reports through a proxy that may only report.
    const reporter = await funded();
    assert.equal(
      (await send(api, api.tx.proxy.addProxy(reporter.address, 'Reporting', 0), validators[2].owner)).error,
      null,
    );
    // Both votes must fall in one round: start at a round's first block.
    await newBlocks(api, blocksToRoundEnd(await chainContext(api)));
    const report = api.tx.registration.submitDeregistrationReport([target.key.rawHex]);
    let result = await send(api, report, validators[0].owner);
    assert.equal(result.error, null);
    assert.ok(findEvent(result.events, 'registration.DeregistrationReported'));
    result = await send(api, api.tx.proxy.proxy(validators[2].owner.address, null, report), reporter);
    assert.equal(result.error, null);
    const reported = findEvent(result.events, 'registration.DeregistrationReported');
    assert.equal(reported.data.reporter.toString(), validators[2].owner.address);
    assert.equal(reported.data.votes.toNumber(), 2);

    // A second vote of the same validator in the round is refused.
    result = await send(api, report, validators[0].owner);
    assert.equal(result.error, 'registration.AlreadyReported');

    await newBlocks(api, blocksToRoundEnd(await chainContext(api)));
    const events = await api.query.system.events();
    const reached = events.find(({ event }) => event.section === 'registration' && event.method === 'DeregistrationConsensusReached');
    assert.ok(reached, 'consensus reached at the round end');
    assert.ok((await nodeOf(target.key)).isNone, 'node removed');
  });
});

describe('lifecycle', () => {
  it('swaps the owner in two steps: an offer, then its acceptance', async () => {
    const owner = await funded();
    const key = nodeKey();
    assert.equal((await register(owner, key, 'ComputeMiner')).error, null);
    const heir = await funded();
    let result = await send(api, api.tx.registration.swapNodeOwner(key.base58Hex, heir.address), owner);
    assert.equal(result.error, null);
    assert.ok(findEvent(result.events, 'registration.NodeOwnershipOffered'));
    assert.equal((await nodeOf(key)).unwrap().owner.toString(), owner.address, 'nothing changed hands yet');
    result = await send(api, api.tx.registration.acceptNodeOwnership(key.rawHex), heir);
    assert.equal(result.error, null);
    assert.ok(findEvent(result.events, 'registration.NodeOwnerSwapped'));
    assert.equal((await nodeOf(key)).unwrap().owner.toString(), heir.address);
    assert.ok((await api.query.registration.ownerToNode(owner.address)).isNone);
    // The old owner's place cools down as after a removal; on this fleet runtime its other
    // places stay free (the place's own cooldown: tests/fleets.rs).
    assert.equal((await api.query.registration.ownerPlacesCooling(owner.address)).unwrap().toNumber(), 1);
    assert.equal((await register(owner, nodeKey(), 'ComputeMiner')).error, null);
  });

  it('unregisters, then refuses the node until the cooldown is over', async () => {
    const owner = await funded();
    const key = nodeKey();
    assert.equal((await register(owner, key, 'ComputeMiner')).error, null);
    let result = await send(api, api.tx.registration.unregisterMainNode(key.rawHex), owner);
    assert.equal(result.error, null);
    assert.ok(findEvent(result.events, 'registration.NodeUnregistered'));
    assert.ok((await nodeOf(key)).isNone);
    const refused = await register(owner, key, 'ComputeMiner');
    assert.equal(refused.error, 'registration.NodeCooldownPeriodNotExpired');
    // In words: the error's docs from the metadata, then the remedy with the chain's constant.
    assert.match(describeError(api, refused.dispatchError), new RegExp('^registration\\.NodeCooldownPeriodNotExpired: '
      + 'The node or its owner was removed less than `NodeCooldownPeriod` blocks ago\\. '
      + `What to do: wait until NodeCooldownPeriod \\(${COOLDOWN} blocks\\) have passed`));
    // By name, the docs come from the metadata too.
    assert.equal(describeError(api, refused.error), describeError(api, refused.dispatchError));
    await newBlocks(api, COOLDOWN);
    assert.equal((await register(owner, key, 'ComputeMiner')).error, null);
  });
});

describe('query API (view functions)', () => {
  it('has the documented ids in the metadata', (t) => {
    const pallet = api.runtimeMetadata.asLatest.pallets.find((p) => p.name.toString() === PALLET);
    if (!pallet.viewFunctions?.length) return t.skip('the metadata lists no view functions (before v16)');
    const listed = Object.fromEntries(pallet.viewFunctions.map((f) => [f.name.toString(), u8aToHex(f.id)]));
    for (const signature of Object.values(VIEWS)) {
      const name = signature.split('(')[0];
      assert.equal(listed[name], u8aToHex(viewFunctionId(signature)), name);
    }
    assert.equal(Object.keys(listed).length, Object.keys(VIEWS).length, 'the client knows every view function');
    return undefined;
  });

  it('returns a node by either id form, its owner\'s, and the fields to sign', async () => {
    const owner = await funded();
    const key = nodeKey();
    assert.equal((await register(owner, key, 'StorageS3')).error, null);
    for (const id of [key.base58Bytes, key.raw, key.base58, key.rawHex]) {
      assert.equal((await nodeById(api, id)).owner.toString(), owner.address);
    }
    assert.equal(await nodeById(api, nodeKey().raw), null);
    assert.equal((await nodeOfOwner(api, owner)).nodeId.toU8a(true).toString(), key.base58Bytes.toString());
    assert.equal(await nodeOfOwner(api, (await funded(UNIT)).address), null);
    const fields = await challengeFields(api);
    const { genesisHash, blockNumber } = await chainContext(api);
    assert.equal(u8aToHex(fields.domain), u8aToHex(DOMAIN));
    assert.equal(u8aToHex(fields.genesisHash), u8aToHex(genesisHash));
    assert.equal(fields.currentBlock, blockNumber);
    assert.equal(fields.latestExpiresAt, blockNumber + 100);
    assert.ok(await currentFee(api, 'StorageMiner') >= UNIT / 100n);
    assert.equal(await currentDeposit(api, 'ComputeMiner'), 10n * UNIT, 'registration::DEPOSIT of the dev runtime');
    assert.equal(await currentDeposit(api, 'StorageMiner'), 0n);
  });
});

describe('connect', () => {
  it('refuses a chain with another genesis hash than the expected one, and takes the right one', async () => {
    await assert.rejects(connect(chain.endpoint, { genesisHash: `0x${'00'.repeat(32)}` }), (error) => {
      assert.equal(error.code, 'WRONG_CHAIN');
      assert.match(error.message, new RegExp(`^the chain at ${chain.endpoint} is not the expected one: its genesis hash is `
        + `${api.genesisHash.toHex()}, not 0x0{64} .*check the endpoint`));
      return true;
    });
    const other = await connect(chain.endpoint, { genesisHash: api.genesisHash.toU8a() });
    assert.equal(other.genesisHash.toHex(), api.genesisHash.toHex());
    await other.disconnect();
  });
});

/** `node e2e/register-example.mjs args` in `cwd` with `env`: its exit code, stdout and stderr. */
function example(args, { cwd, env = {} }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'e2e', 'register-example.mjs'), ...args],
      { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('e2e/register-example.mjs, run as a tool', () => {
  it('reports a dead endpoint in one line', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'example-'));
    const { code, stderr } = await example(['ws://127.0.0.1:9'], { cwd });
    assert.equal(code, 1);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /^error: cannot reach the chain at ws:\/\/127\.0\.0\.1:9 .*scripts\/chain\.sh/);
    assert.equal(existsSync(path.join(cwd, 'node-key')), false);
  });

  it('saves the node key for the registrar and checks the owner\'s nodes before paying', async () => {
    const uri = `//e2e//${process.pid}//example`;
    const owner = keyring.addFromUri(uri);
    assert.equal((await send(api, api.tx.balances.transferKeepAlive(owner.address, 1000n * UNIT), alice)).error, null);
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'example-'));
    const env = { OWNER_URI: uri };
    const first = await example([chain.endpoint], { cwd, env });
    assert.equal(first.code, 0, first.stderr);
    // The key is where the registrar reads a Substrate node key: 64 hex characters, owner-only.
    const keyFile = path.join(cwd, 'node-key');
    const seed = readFileSync(keyFile, 'utf8').trim();
    assert.match(seed, /^[0-9a-f]{64}$/);
    assert.equal(statSync(keyFile).mode & 0o077, 0);
    const key = nodeKey(Uint8Array.from(Buffer.from(seed, 'hex')));
    assert.equal((await nodeById(api, key.base58Bytes)).owner.toString(), owner.address);
    assert.match(first.stdout, /registrar run --node-key-file node-key/);
    // Again with the same key: registered already, nothing paid.
    const before = await freeBalance(owner.address);
    const again = await example([chain.endpoint], { cwd, env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already registered/);
    assert.equal(await freeBalance(owner.address), before);
    // Another key for the same owner: a second node of its fleet.
    const second = await example([chain.endpoint], { cwd, env: { ...env, NODE_KEY_FILE: 'second-key' } });
    assert.equal(second.code, 0, second.stderr);
    assert.equal((await ownerNodeCount(api, owner.address)), 2);
    // An owner with all the nodes it may have: refused before paying, no key file left behind.
    const max = api.consts.registration.maxNodesPerOwner.toNumber();
    const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    const fill = await Promise.all(Array.from({ length: max - 2 }, (_, i) => api.tx.sudo.sudo(
      api.tx.registration.forceRegisterColdkeyNode(owner.address, 'StorageMiner', nodeKey().base58Hex),
    ).signAsync(alice, { nonce: nonce + i })));
    await inOneBlock(api, fill);
    assert.equal(await ownerNodeCount(api, owner.address), max);
    const full = await freeBalance(owner.address);
    const other = await example([chain.endpoint], { cwd, env: { ...env, NODE_KEY_FILE: 'other-key' } });
    assert.equal(other.code, 3, other.stderr);
    assert.match(other.stderr, new RegExp(`has ${max} node\\(s\\), as many as the chain allows .*registrar rotate.*nothing was paid`));
    assert.equal(existsSync(path.join(cwd, 'other-key')), false);
    assert.equal(await freeBalance(owner.address), full);
  });
});
