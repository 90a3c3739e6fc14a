// End to end: fleets (many nodes per owner) and bonds (a deposit held per bonded node) on the
// dev chain, whose runtime allows 16 nodes per owner and bonds compute and GPU miners
// (10 UNIT each), through @polkadot/api.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { u8aToHex } from '@polkadot/util';
import {
  chainContext, findEvent, nodeKey, nodesOfOwner, ownerNodeCount, palletAccount, ready, registerCall,
  registrationArgs, send, viewNodeId,
} from '../../js/client/index.mjs';
import { UNIT, newBlocks, startChain } from '../lib/chain.mjs';

const PORT = Number(process.env.E2E_PORT ?? 8127);
const DEPOSIT = 10n * UNIT; // registration::DEPOSIT of the dev runtime
const COOLDOWN = 20; // blocks: registration::COOLDOWN
const CONSENSUS_PERIOD = 10;
const STAKE_THRESHOLD = 1_000n * UNIT;

let chain;
let api;
let keyring;
let alice;
let accounts = 0;

async function funded(amount = 10_000n * UNIT) {
  const account = keyring.addFromUri(`//fleets//${process.pid}//${accounts++}`);
  assert.equal((await send(api, api.tx.balances.transferKeepAlive(account.address, amount), alice)).error, null);
  return account;
}

async function register(owner, key, nodeType) {
  const args = await registrationArgs(api, { owner, key, nodeType });
  return send(api, registerCall(api, args), owner);
}

/** What the chain holds from `address` as node bonds. */
async function bonded(address) {
  const holds = await api.query.balances.holds(address);
  return holds
    .filter((h) => h.id.isRegistration && h.id.asRegistration.isNodeBond)
    .reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
}

async function eventsAt(blockHash) {
  return (await api.query.system.events.at(blockHash)).map(({ event }) => event);
}

/** Builds blocks until the one after `block`, and returns the registration events of each. */
async function buildPast(block) {
  const { blockNumber } = await chainContext(api);
  const events = [];
  for (let n = blockNumber; n <= block; n += 1) {
    await newBlocks(api, 1);
    const hash = await api.rpc.chain.getBlockHash();
    events.push(...(await eventsAt(hash)).filter((e) => e.section === 'registration'));
  }
  return events;
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

describe('fleets and bonds', () => {
  it('registers a fleet of nodes, each with its key, holding a bond for each bonded one', async () => {
    const owner = await funded();
    const keys = [nodeKey(), nodeKey(), nodeKey(), nodeKey()];
    const types = ['GpuMiner', 'GpuMiner', 'ComputeMiner', 'StorageMiner'];
    for (const [i, key] of keys.entries()) {
      const { error, events } = await register(owner, key, types[i]);
      assert.equal(error, null);
      const held = findEvent(events, 'registration.BondHeld');
      if (types[i] === 'StorageMiner') assert.equal(held, undefined, 'storage miners hold no bond here');
      else assert.equal(held.data.amount.toBigInt(), DEPOSIT);
    }
    assert.equal(await bonded(owner.address), 3n * DEPOSIT);
    assert.equal(await ownerNodeCount(api, owner), 4);
    const page = await nodesOfOwner(api, owner, { limit: 10 });
    assert.deepEqual(page.nodes.map(viewNodeId).sort(), keys.map((k) => k.base58).sort());
    // The first node is the owner's main node, as the reference's clients read it.
    const main = (await api.query.registration.ownerToNode(owner.address)).unwrap();
    assert.equal(u8aToHex(main[0]), u8aToHex(keys[0].base58Bytes));
    // One validator node per owner, the others as many as the limit.
    assert.equal((await api.query.registration.nodeTypeDeposit('GpuMiner')).toBigInt(), DEPOSIT);
  });

  it('removes one node of a fleet, and releases its bond once its cooldown is over', async () => {
    const owner = await funded();
    const [main, kept, removed] = [nodeKey(), nodeKey(), nodeKey()];
    for (const key of [main, kept, removed]) assert.equal((await register(owner, key, 'GpuMiner')).error, null);
    const free = (await api.query.system.account(owner.address)).data.free.toBigInt();
    const result = await send(api, api.tx.registration.unregisterNode(removed.rawHex), owner);
    assert.equal(result.error, null);
    const releasing = findEvent(result.events, 'registration.BondReleasing');
    assert.equal(releasing.data.amount.toBigInt(), DEPOSIT);
    const releaseAt = releasing.data.releaseAt.toNumber();
    assert.equal(await ownerNodeCount(api, owner), 2);
    assert.equal(await bonded(owner.address), 3n * DEPOSIT, 'held until the cooldown is over');
    // `unregister_main_node` keeps its meaning: the main node only.
    assert.equal(
      (await send(api, api.tx.registration.unregisterMainNode(kept.rawHex), owner)).error,
      'registration.NotMainNode',
    );
    const events = await buildPast(releaseAt);
    const released = events.find((e) => e.method === 'BondReleased');
    assert.ok(released, 'BondReleased once the cooldown was over');
    assert.equal(u8aToHex(released.data.nodeId), u8aToHex(removed.base58Bytes));
    assert.equal(await bonded(owner.address), 2n * DEPOSIT);
    const after = (await api.query.system.account(owner.address)).data.free.toBigInt();
    assert.ok(after - free >= DEPOSIT - UNIT / 10n, 'the bond is free again (less transaction fees)');
    assert.ok(releaseAt >= COOLDOWN, 'released a cooldown after the removal');
  });

  it('slashes half of a bond when validators reach consensus against its node', async () => {
    const validators = [];
    for (let i = 0; i < 2; i += 1) {
      const owner = await funded(STAKE_THRESHOLD + 100n * UNIT);
      assert.equal((await send(api, api.tx.staking.bond(STAKE_THRESHOLD, 'Staked'), owner)).error, null);
      assert.equal((await register(owner, nodeKey(), 'Validator')).error, null);
      validators.push(owner);
    }
    const target = { owner: await funded(), key: nodeKey() };
    assert.equal((await register(target.owner, target.key, 'ComputeMiner')).error, null);
    const pot = (await api.query.system.account(palletAccount(api))).data.free.toBigInt();
    // Both votes in one round.
    let { blockNumber } = await chainContext(api);
    await newBlocks(api, Math.ceil((blockNumber + 1) / CONSENSUS_PERIOD) * CONSENSUS_PERIOD - blockNumber);
    const report = api.tx.registration.submitDeregistrationReport([target.key.rawHex]);
    for (const validator of validators) assert.equal((await send(api, report, validator)).error, null);
    ({ blockNumber } = await chainContext(api));
    const roundEnd = Math.ceil((blockNumber + 1) / CONSENSUS_PERIOD) * CONSENSUS_PERIOD;
    const events = await buildPast(roundEnd - 1);
    assert.ok(events.find((e) => e.method === 'DeregistrationConsensusReached'), 'consensus reached');
    const slashed = events.find((e) => e.method === 'BondSlashed');
    assert.ok(slashed, 'BondSlashed');
    assert.equal(slashed.data.amount.toBigInt(), DEPOSIT / 2n);
    assert.equal(
      (await api.query.system.account(palletAccount(api))).data.free.toBigInt() - pot,
      DEPOSIT / 2n,
      'the slashed half went to the registry account',
    );
    // The other half waits for the cooldown.
    assert.equal(await bonded(target.owner.address), DEPOSIT / 2n);
  });
});
