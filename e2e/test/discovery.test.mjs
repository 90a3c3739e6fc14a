// End to end: discovery (issue 13) on a local chain (chopsticks + the dev runtime's wasm), driven
// through @polkadot/api. Records and heartbeats are encoded and signed in JS from the contract
// (lib/discovery.mjs); a client that trusts neither the owner nor the RPC checks each record's
// node-key signature itself.
//
// One chain for the whole file. Refusals of signed transactions are read without building a
// block (`dryRun`, in the best block's context); refusals of fee-less ones are what the pool
// answers (`poolRefusal`, in the next block's context), which is where a fee-less transaction
// must be stopped. Fee-less records and heartbeats go as general transactions (extrinsic v5,
// authorized by the call itself: `submitGeneral`); the bare path (`submitUnsigned`) has its own
// tests, and gets the same verdict from the pool.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { u8aToHex } from '@polkadot/util';
import {
  GENERAL_PREAMBLE, allPages, bestNumber, chainContext, describeError, dryRun, findEvent, generalTransaction,
  heartbeatCall, heartbeatPeriod, isGeneral, multiaddr, multiaddrText, nodeCounts, nodeKey, nodeView, nodesByCapability,
  nodesByStatus, nodesByType, poolRefusalName, publishCall, ready, recordCodec, send, signRecord, submitGeneral,
  submitUnsigned, supportsGeneral, verifyRecord, viewNodeId,
} from '../../js/client/index.mjs';
import { inOneBlock, poolRefusal, poolValidity, roomInPeriod, startChain, toPeriodStart } from '../lib/chain.mjs';

// Its own chain: on a free port, or E2E_PORT + 2, or E2E_DISCOVERY_PORT.
const PORT = Number(process.env.E2E_DISCOVERY_PORT ?? (process.env.E2E_PORT ? Number(process.env.E2E_PORT) + 2 : 0));
const OFFLINE_AFTER_PERIODS = 2; // registration::OFFLINE_AFTER_PERIODS of the dev runtime
const CAPABILITY = '/reconstruction/global-refinement/v1';

let chain;
let api;
let keyring;
let genesisHash;
let alice; // sudo
let eve; // any account: pays for signed records of nodes it does not own

// Node A (StorageMiner) publishes and beats; node B (StorageMiner) is the other node of the
// refusals; node C (StorageMiner, registered later) stays silent until it comes back; node D
// (GpuMiner) publishes and leaves; the paged nodes (GpuMiner, registered last) publish a record
// naming CAPABILITY. Nodes that do not beat go Offline as the blocks go by: each test that
// counts statuses registers its own nodes first.
const nodeA = nodeKey();
const nodeB = nodeKey();
const nodeC = nodeKey();
const nodeD = nodeKey();
const paged = [nodeKey(), nodeKey(), nodeKey(), nodeKey()];

const recordA = {
  seq: 1,
  addresses: ['/ip4/203.0.113.7/tcp/30333', `/dns4/a.example.org/tcp/443/ws/p2p/${nodeA.base58}`, '/ip6/2001:db8::1/udp/4001/quic-v1'],
  version: 'hippius-node/1.2.3',
  capabilities: [CAPABILITY, '/storage/ipfs/v1'],
};

/**
 * Whether the runtime takes bare fee-less transactions (the pallet's feature `bare-fee-less`,
 * read from its constant `BareFeeLessPath`; a runtime without the constant has the bare path).
 * Without it, each bare test checks instead that the pool refuses the bare form, as a runtime
 * without an unsigned validator does, and CI's run without the feature shows nothing else needs it.
 */
const bareFeeLess = () => api.consts.registration.bareFeeLessPath?.isTrue ?? true;

/** That the pool refuses `tx` (bare) as a runtime without an unsigned validator does. */
async function refusedBare(tx) {
  const verdict = await poolValidity(api, tx);
  assert.match(JSON.stringify(verdict.err ?? verdict), /noUnsignedValidator/i, JSON.stringify(verdict));
}

/**
 * The pool's verdict on `tx` (a bare record or heartbeat) sent as a general transaction: valid,
 * and the same for the bare form; or, without the bare path, the bare form refused. Resolves to
 * the verdict and whether the bare path is there.
 */
async function judgedAlike(tx) {
  const general = await poolValidity(api, generalTransaction(api, tx));
  assert.ok(general.ok, JSON.stringify(general));
  if (!bareFeeLess()) {
    await refusedBare(tx);
    return { general, bare: false };
  }
  assert.deepEqual(general, await poolValidity(api, tx));
  return { general, bare: true };
}

/** The sudo calls that register `keys` for fresh owners (one per node: an owner has one node). */
function forceRegistrations(keys, nodeType) {
  return keys.map((key) => api.tx.sudo.sudo(api.tx.registration.forceRegisterColdkeyNode(
    keyring.addFromUri(`//discovery//${key.base58}`).address, nodeType, key.base58Hex,
  )));
}

/** Registers `keys` in one block; resolves to its number. */
async function registerInOneBlock(keys, nodeType) {
  const { events, blockHash } = await inOneBlock(api, await signedBySudo(forceRegistrations(keys, nodeType)));
  events.forEach((e, i) => assert.ok(findEvent(e, 'sudo.Sudid').data[0].isOk, `registration ${i}`));
  return (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
}

/** Alice's sudo calls signed with consecutive nonces, for `inOneBlock`. */
async function signedBySudo(txs) {
  const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  return Promise.all(txs.map((tx, i) => tx.signAsync(alice, { nonce: nonce + i })));
}

/** The extrinsic at `index` of block `blockHash`, as its bytes in hex (with the length prefix). */
async function extrinsicAt(blockHash, index) {
  return (await api.rpc.chain.getBlock.raw(blockHash)).block.extrinsics[index];
}

/** What the pool answers `tx` (an unsigned extrinsic) sent as a general transaction. */
const generalRefusal = async (tx) => poolRefusal(api, generalTransaction(api, tx));

const statusOf = async (key) => (await api.query.registration.coldkeyNodeRegistrationV2(key.base58Hex)).unwrap().status.type;

/** The period a dry run is judged in: the best block's. */
const bestPeriod = async () => Math.floor((await bestNumber(api)) / heartbeatPeriod(api));

/** Events named `name` in blocks `from`..=`to`, with the block number of each. */
async function eventsIn(from, to, name) {
  const found = [];
  for (let n = from; n <= to; n += 1) {
    const at = await api.at(await api.rpc.chain.getBlockHash(n));
    for (const { event } of await at.query.system.events()) {
      if (`${event.section}.${event.method}` === name) found.push({ block: n, event });
    }
  }
  return found;
}

before(async () => {
  keyring = await ready();
  [alice, eve] = ['Alice', 'Eve'].map((n) => keyring.addFromUri(`//${n}`));
  chain = await startChain({ port: PORT });
  api = chain.api;
  ({ genesisHash } = await chainContext(api));
  await registerInOneBlock([nodeA, nodeB], 'StorageMiner');
  await registerInOneBlock([nodeD], 'GpuMiner');
});

after(async () => {
  await chain?.stop();
});

describe('node records', () => {
  it('are encoded by hand exactly as the chain types decode them', () => {
    // `recordCodec` throws unless the chain's `NodeRecord` decodes exactly the hand-made bytes.
    const codec = recordCodec(api, recordA);
    assert.equal(codec.seq.toNumber(), 1);
    assert.deepEqual(codec.addresses.map((a) => multiaddrText(a.toU8a(true))), recordA.addresses);
    assert.deepEqual(codec.capabilities.map((c) => c.toUtf8()), recordA.capabilities);
    // Ports are big-endian; /p2p/ carries the raw PeerId with a length.
    assert.equal(u8aToHex(multiaddr('/ip4/1.2.3.4/tcp/30333')), '0x040102030406767d');
    assert.equal(u8aToHex(multiaddr(`/p2p/${nodeA.base58}`)), u8aToHex(new Uint8Array([0xa5, 0x03, 38, ...nodeA.raw])));
  });

  it('are published by any account with the node key\'s signature, and checked by the client', async () => {
    await roomInPeriod(api, 3);
    const signed = await signRecord(api, nodeA, recordA);
    const { events, error } = await send(api, publishCall(api, nodeA, signed), eve);
    assert.equal(error, null);
    const published = findEvent(events, 'registration.NodeRecordPublished');
    assert.equal(u8aToHex(published.data.nodeId), u8aToHex(nodeA.base58Bytes));
    assert.equal(published.data.seq.toNumber(), 1);

    // The client asks for node A and checks the signature over what came back.
    const view = await nodeView(api, nodeA.base58Bytes);
    const record = verifyRecord(view, { nodeId: nodeA.base58, genesisHash });
    assert.deepEqual(record.addresses, recordA.addresses);
    assert.equal(record.version, recordA.version);
    assert.deepEqual(record.capabilities, recordA.capabilities);
    assert.equal(record.publishedAt, await bestNumber(api));
    // Either id form finds it.
    assert.equal(viewNodeId(await nodeView(api, nodeA.raw)), nodeA.base58);

    // A record altered on the way (here: another address) no longer verifies.
    const forged = view.record.unwrap().record.addresses[0];
    forged[forged.length - 1] ^= 1;
    assert.throws(() => verifyRecord(view, { nodeId: nodeA.base58, genesisHash }), /not signed by its key/);
  });

  it('refuses each bad record by name and changes nothing', async () => {
    const refusal = async (key, record, options) => dryRun(api, publishCall(api, key, await signRecord(api, key, record, options)), eve);
    const next = { ...recordA, seq: 2 };
    const plain = { seq: 1, version: 'plain/1' }; // names no node: fine for any
    // Dry runs judge in the best block, the one node A published in.
    assert.equal(await refusal(nodeA, { ...recordA, addresses: [] }), 'registration.StaleRecord');
    assert.equal(await refusal(nodeA, next), 'registration.RecordRateLimited');
    assert.equal(await refusal(nodeA, { ...next, addresses: [`/ip4/10.0.0.1/tcp/1/p2p/${nodeB.base58}`] }),
      'registration.ForeignPeerIdInAddress');
    assert.equal(await refusal(nodeA, { ...next, addresses: [Uint8Array.of(0x04, 1, 2, 3)] }), 'registration.InvalidAddress');
    assert.equal(await refusal(nodeA, { ...next, capabilities: ['a', 'a'] }), 'registration.DuplicateCapability');
    assert.equal(await refusal(nodeA, { ...next, capabilities: ['two words'] }), 'registration.InvalidRecordText');
    assert.equal(await refusal(nodeB, plain, { signer: nodeA.pair }), 'registration.InvalidRecordSignature');
    // Signed for another chain, or for another registration of the node.
    assert.equal(await refusal(nodeB, plain, { statement: { genesisHash: new Uint8Array(32) } }), 'registration.InvalidRecordSignature');
    assert.equal(await refusal(nodeB, plain, { statement: { registeredAt: 999_999n } }), 'registration.InvalidRecordSignature');
    assert.equal(await refusal(nodeKey(), plain, { statement: { registeredAt: 1n } }), 'registration.NodeNotFound');
    // The same record, well signed, would pass (the dry run writes nothing).
    assert.equal(await refusal(nodeB, plain), null);

    const view = await nodeView(api, nodeA.base58Bytes);
    assert.equal(view.record.unwrap().record.seq.toNumber(), 1, 'the stored record is unchanged');
    assert.equal(await nodeView(api, nodeB.base58Bytes).then((v) => v.record.isNone), true);
  });

  it('go fee-less as general transactions once the pool has checked them completely', async () => {
    assert.equal(supportsGeneral(api), true, 'the dev runtime runs AuthorizeCall');
    await toPeriodStart(api);
    await roomInPeriod(api, 3);
    const signed = await signRecord(api, nodeA, { ...recordA, seq: 2, version: 'hippius-node/1.2.4' });
    const { events, blockHash, index } = await submitGeneral(api, publishCall(api, nodeA, signed));
    assert.equal(findEvent(events, 'registration.NodeRecordPublished').data.seq.toNumber(), 2);
    assert.equal(findEvent(events, 'transactionPayment.TransactionFeePaid'), undefined, 'no fee');
    // The block holds it as a general transaction: version 5 with the general bits.
    const bytes = await extrinsicAt(blockHash, index);
    assert.equal(isGeneral(bytes), true, `preamble of ${bytes.slice(0, 10)}`);
    assert.equal(GENERAL_PREAMBLE, 0x45);
    const record = verifyRecord(await nodeView(api, nodeA.base58Bytes), { nodeId: nodeA.base58, genesisHash });
    assert.equal(record.version, 'hippius-node/1.2.4');

    // The pool refuses what the call would refuse: no block, no fee, nothing written.
    const before = await bestNumber(api);
    const general = async (key, record, options) => generalRefusal(publishCall(api, key, await signRecord(api, key, record, options)));
    assert.equal(await general(nodeA, { ...recordA, seq: 3 }), 'Invalid.BadProof', 'one record per node and period');
    assert.equal(await general(nodeA, { ...recordA, seq: 2 }), 'Invalid.BadProof', 'a stale sequence');
    assert.equal(await general(nodeB, { ...recordA, seq: 1, addresses: [] }, { signer: nodeA.pair }), 'Invalid.BadProof', 'a forged signature');
    assert.equal(await general(nodeKey(), { seq: 1 }, { statement: { registeredAt: 1n } }), 'Invalid.BadProof', 'an unregistered node');
    assert.equal(await bestNumber(api), before, 'no block was built');
  });

  it('go bare too, judged by the pool exactly as general ones', async () => {
    await roomInPeriod(api, 3);
    const tx = publishCall(api, nodeB, await signRecord(api, nodeB, { seq: 1, version: 'plain/1' }));
    // The same call, both ways: the same priority, tags and longevity.
    if (!(await judgedAlike(tx)).bare) return;
    const { events, blockHash } = await submitUnsigned(api, tx);
    assert.equal(findEvent(events, 'registration.NodeRecordPublished').data.seq.toNumber(), 1);
    const block = (await api.rpc.chain.getBlock.raw(blockHash)).block.extrinsics;
    assert.ok(block.includes(tx.toHex()), 'the bare extrinsic is in the block');
    assert.equal(isGeneral(tx.toHex()), false);
    // Once it is in, the general form of the same call is refused as the bare one is.
    assert.equal(await poolRefusal(api, tx), 'Invalid.BadProof');
    assert.equal(await generalRefusal(tx), 'Invalid.BadProof');
  });

  it('leave with their node: the record and its index entries are removed', async () => {
    const gone = nodeD;
    const signed = await signRecord(api, gone, { seq: 7, version: 'gpu/0.1', capabilities: [CAPABILITY] });
    await submitGeneral(api, publishCall(api, gone, signed));
    assert.ok((await nodesByCapability(api, CAPABILITY)).nodes.some((v) => viewNodeId(v) === gone.base58));

    const { events, error } = await send(api, api.tx.sudo.sudo(api.tx.registration.forceUnregisterColdkeyNode(gone.base58Hex)), alice);
    assert.equal(error, null);
    const removed = findEvent(events, 'registration.NodeRecordRemoved');
    assert.equal(u8aToHex(removed.data.nodeId), u8aToHex(gone.base58Bytes));
    assert.equal(removed.data.seq.toNumber(), 7);
    assert.equal(await nodeView(api, gone.base58Bytes), null);
    assert.ok(!(await nodesByCapability(api, CAPABILITY)).nodes.some((v) => viewNodeId(v) === gone.base58));
  });
});

describe('heartbeats', () => {
  it('are fee-less, one per node and period, and keep the node\'s liveness', async () => {
    await roomInPeriod(api, 3);
    const tx = await heartbeatCall(api, nodeA, { version: 'hippius-node/1.2.4' });
    const { events, blockHash, index } = await submitGeneral(api, tx);
    assert.equal(findEvent(events, 'transactionPayment.TransactionFeePaid'), undefined, 'no fee');
    assert.equal(findEvent(events, 'system.ExtrinsicSuccess') !== undefined, true);
    assert.equal(isGeneral(await extrinsicAt(blockHash, index)), true, 'a general transaction in the block');
    const number = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    const liveness = (await nodeView(api, nodeA.base58Bytes)).liveness.unwrap();
    assert.equal(liveness.lastSeen.toNumber(), number);
    assert.equal(liveness.heartbeatSent.isTrue, true);
    assert.equal(liveness.version.toUtf8(), 'hippius-node/1.2.4');
    assert.equal(liveness.silent.isTrue, false);

    // The same period again, an old period, a forgery: the pool refuses each, no block.
    const before = await bestNumber(api);
    const period = Math.floor((before + 1) / heartbeatPeriod(api));
    assert.equal(await generalRefusal(await heartbeatCall(api, nodeA, { period, version: 'other' })), 'Invalid.BadProof');
    assert.equal(await generalRefusal(await heartbeatCall(api, nodeA, { period: period - 1 })), 'Invalid.Stale');
    assert.equal(await generalRefusal(await heartbeatCall(api, nodeB, { signer: nodeA.pair })), 'Invalid.BadProof');
    assert.equal(await generalRefusal(await heartbeatCall(api, nodeKey())), 'Invalid.BadProof', 'an unregistered node');
    // The bare path refuses the same (or, without it, everything).
    if (bareFeeLess()) {
      assert.equal(await poolRefusal(api, await heartbeatCall(api, nodeA, { period: period - 1 })), 'Invalid.Stale');
      assert.equal(await poolRefusal(api, await heartbeatCall(api, nodeB, { signer: nodeA.pair })), 'Invalid.BadProof');
    } else {
      await refusedBare(await heartbeatCall(api, nodeA, { period: period - 1 }));
    }
    assert.equal(await bestNumber(api), before, 'no block was built');
  });

  it('a forged one is refused by the pool when submitted, with a named error', async () => {
    const before = await bestNumber(api);
    const forged = await heartbeatCall(api, nodeB, { signer: nodeKey().pair });
    const error = await submitGeneral(api, forged).then(() => null, (e) => e);
    assert.ok(error, 'refused');
    assert.match(error.message, /^1010\b/);
    assert.equal(poolRefusalName(error), 'Invalid.BadProof');
    assert.match(describeError(api, error), /^Invalid\.BadProof: .* What to do: /);
    assert.equal(await bestNumber(api), before, 'no block was built');
  });

  it('as general transactions, only calls that authorize themselves are taken', async () => {
    const before = await bestNumber(api);
    const remark = api.tx.system.remark('0x01');
    assert.deepEqual(await poolValidity(api, generalTransaction(api, remark)), { err: { invalid: { unknownOrigin: null } } });
    // A node answers `1010: Invalid Transaction: The transaction extension did not authorize any
    // origin` (`Invalid.UnknownOrigin`); chopsticks 1.5.1 cannot decode that verdict (its
    // polkadot.js types end at `BadSigner`) and answers 1011 with the decoding error.
    const error = await submitGeneral(api, remark).then(() => null, (e) => e);
    assert.match(error?.message ?? 'accepted', /^1011: .*Unable to create Enum via index 12/);
    assert.equal(await bestNumber(api), before, 'no block was built');
  });

  it('refuses each bad heartbeat by name when signed', async () => {
    const period = await bestPeriod();
    const refusal = async (key, options) => dryRun(api, await heartbeatCall(api, key, { period, ...options }), eve);
    assert.equal(await refusal(nodeA, {}), 'registration.HeartbeatAlreadySent');
    assert.equal(await refusal(nodeB, { period: period + 1 }), 'registration.HeartbeatForAnotherPeriod');
    assert.equal(await refusal(nodeB, { signer: nodeA.pair }), 'registration.InvalidHeartbeatSignature');
    assert.equal(await refusal(nodeB, { statement: { genesisHash: new Uint8Array(32) } }), 'registration.InvalidHeartbeatSignature');
    assert.equal(await refusal(nodeB, { version: 'not printable\u0001' }), 'registration.InvalidRecordText');
    assert.equal(await refusal(nodeKey(), {}), 'registration.NodeNotFound');
    // The same heartbeat of node B, well signed, is accepted (the dry run writes nothing).
    assert.equal(await refusal(nodeB, {}), null);
  });

  it('are judged by the pool alike bare and general: priority, tags, longevity', async () => {
    const tx = await heartbeatCall(api, nodeB, { version: 'hippius-node/1.2.4' });
    const { general, bare } = await judgedAlike(tx);
    assert.ok(BigInt(general.ok.priority) > 0n, 'heartbeats rank high');
    assert.equal(general.ok.provides.length, 1);
    if (!bare) return;
    // And bare, it lands as before.
    const { events, blockHash } = await submitUnsigned(api, tx);
    assert.ok(findEvent(events, 'system.ExtrinsicSuccess'));
    assert.ok((await api.rpc.chain.getBlock.raw(blockHash)).block.extrinsics.includes(tx.toHex()));
    assert.equal((await nodeView(api, nodeB.base58Bytes)).liveness.unwrap().heartbeatSent.isTrue, true);
  });

  it('a silent node goes Offline after the configured periods and comes back with its next heartbeat', async () => {
    const period = heartbeatPeriod(api);
    const registeredAt = await registerInOneBlock([nodeC], 'StorageMiner');
    // Silent from the start of the period OFFLINE_AFTER_PERIODS + 1 after its last sign of life;
    // the sweep of that block's entries runs in the next block.
    const silentFrom = (Math.floor(registeredAt / period) + OFFLINE_AFTER_PERIODS + 1) * period;
    const from = registeredAt + 1;
    // Node A beats in every period; node C says nothing.
    while ((await bestNumber(api)) < silentFrom + 1) {
      await toPeriodStart(api);
      await submitGeneral(api, await heartbeatCall(api, nodeA));
    }
    const to = await bestNumber(api);
    assert.equal(await statusOf(nodeC), 'Offline');
    assert.equal(await statusOf(nodeA), 'Online', 'a node that beats stays Online');
    const offline = (await eventsIn(from, to, 'registration.NodeWentOffline'))
      .filter(({ event }) => u8aToHex(event.data.nodeId) === nodeC.base58Hex);
    assert.equal(offline.length, 1);
    assert.equal(offline[0].block, silentFrom + 1);
    assert.equal(offline[0].event.data.lastSeen.toNumber(), registeredAt);
    const liveness = (await nodeView(api, nodeC.base58Bytes)).liveness.unwrap();
    assert.equal(liveness.silent.isTrue, true);
    const listed = (await nodesByStatus(api, 'Offline')).nodes.map(viewNodeId);
    assert.ok(listed.includes(nodeC.base58));
    assert.ok(!listed.includes(nodeA.base58));
    assert.equal((await nodeCounts(api)).byStatus.Offline, listed.length);

    const { events } = await submitGeneral(api, await heartbeatCall(api, nodeC));
    const back = findEvent(events, 'registration.NodeBackOnline');
    assert.equal(u8aToHex(back.data.nodeId), nodeC.base58Hex);
    assert.equal(back.data.period.toNumber(), Math.floor((await bestNumber(api)) / period));
    assert.equal(await statusOf(nodeC), 'Online');
    assert.ok(!(await nodesByStatus(api, 'Offline')).nodes.map(viewNodeId).includes(nodeC.base58));
  });
});

describe('paged queries', () => {
  it('find every node with a capability, page by page, each record checked by the client', async () => {
    await registerInOneBlock(paged, 'GpuMiner');
    // One record per paged node; they are fee-less, so one block holds them all.
    await roomInPeriod(api, 2);
    const txs = await Promise.all(paged.map(async (key, i) => generalTransaction(api, publishCall(api, key, await signRecord(api, key, {
      seq: 1, addresses: [`/ip4/198.51.100.${i + 1}/tcp/4001/p2p/${key.base58}`], version: 'gpu/0.1', capabilities: [CAPABILITY],
    })))));
    const { events, extrinsics, index } = await inOneBlock(api, txs);
    events.forEach((e, i) => assert.ok(findEvent(e, 'registration.NodeRecordPublished'), `record ${i}`));
    index.forEach((i) => assert.equal(isGeneral(extrinsics[i]), true));

    const expected = new Set([nodeA, ...paged].map((k) => k.base58));
    const pages = await allPages((cursor) => nodesByCapability(api, CAPABILITY, cursor), 2);
    assert.deepEqual(pages.map((p) => p.nodes.length), [2, 2, 1]);
    const found = pages.flatMap((p) => p.nodes);
    assert.deepEqual(new Set(found.map(viewNodeId)), expected);
    assert.equal(found.length, expected.size, 'no node twice');
    for (const view of found) {
      const record = verifyRecord(view, { nodeId: viewNodeId(view), genesisHash });
      assert.ok(record.capabilities.includes(CAPABILITY));
      assert.ok(record.addresses.length > 0);
    }

    // By type and by status, through the same cursors; counts agree.
    const gpu = (await allPages((cursor) => nodesByType(api, 'GpuMiner', cursor), 3)).flatMap((p) => p.nodes);
    assert.deepEqual(new Set(gpu.map(viewNodeId)), new Set(paged.map((k) => k.base58)));
    const online = (await allPages((cursor) => nodesByStatus(api, 'Online', cursor), 4)).flatMap((p) => p.nodes);
    const onlineIds = new Set(online.map(viewNodeId));
    for (const key of [nodeA, nodeC, ...paged]) assert.ok(onlineIds.has(key.base58), 'a node that beat or just came is Online');
    assert.equal(onlineIds.size, online.length, 'no node twice');
    const counts = await nodeCounts(api);
    assert.equal(counts.byType.GpuMiner, paged.length);
    assert.equal(counts.byType.StorageMiner, 3);
    assert.equal(counts.byStatus.Online, online.length);
    assert.equal(counts.byStatus.Online + (counts.byStatus.Offline ?? 0), paged.length + 3);
    // A page asked larger than `MaxPageSize` is capped; an unknown capability finds nothing.
    const max = api.consts.registration.maxPageSize.toNumber();
    assert.ok((await nodesByStatus(api, 'Online', { limit: max + 1000 })).nodes.length <= max);
    assert.equal((await nodesByCapability(api, '/nothing/v1')).nodes.length, 0);
  });
});
