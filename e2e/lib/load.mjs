// One heartbeat period of load on the dev chain (issue 29), through the JS client: every node of
// a populated registry sends its heartbeat and a share of them a new record (fee-less), a burst
// of paid registrations arrives, and invalid fee-less traffic of every kind comes with them. All
// of it is submitted to the pool before the period's first block; then the period's blocks are
// built one by one (chopsticks' Manual mode) and each transaction is followed by its hash: into a
// block (with its events), still pending, or gone with the reason the chain gives now.
// benchmarks/load.mjs prints the report; e2e/test/load.test.mjs checks a reduced run in CI.
import {
  bestNumber, describeError, generalTransaction, heartbeatCall, heartbeatPeriod, nodeKey, poolRefusalName, publishCall,
  recordCodec, registerCall, registrationArgs, signRecord, supportsGeneral,
} from '../../js/client/index.mjs';
import { WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import { chunks, inOneBlock, signedInOrder, toPeriodStart, UNIT, wire } from './chain.mjs';

/** The kinds of invalid fee-less traffic, each built for a node of the registry. */
export const INVALID_KINDS = ['wrong-signature', 'stale-record', 'unregistered-node', 'second-heartbeat', 'record-over-bounds'];

const provider = (api) => api._options.provider;
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * Owners for `count` paid registrations, funded by sudo (each with the largest fee, a deposit
 * and transaction fees: the fee doubles with each registration of a type up to MaxNodeTypeFee).
 */
export async function fundedOwners(api, { keyring, sudo, count, tag = 'load' }) {
  const owners = Array.from({ length: count }, (_, i) => keyring.addFromUri(`//${tag}//owner//${i}`));
  const amount = 20_000n * UNIT;
  for (const part of chunks(owners, 50)) {
    await inOneBlock(api, await signedInOrder(api, sudo, part.map((o) => api.tx.sudo.sudo(api.tx.balances.forceSetBalance(o.address, amount)))));
  }
  return owners;
}

/**
 * The period's transactions, signed before it starts: `heartbeats` (every node), `records` (every
 * `1 / recordEvery`-th node: a new record, seq 2), `registrations` (one fresh node per owner) and
 * `invalid` (`invalidEach` of every kind of INVALID_KINDS). `period` is the period they are for.
 * The fee-less ones go as general transactions, or bare ones when `general` is false. Each item
 * has `wire`: its bytes, hex and hash.
 */
async function prepare(api, { keys, owners, period, recordEvery, invalidEach, general }) {
  const txs = [];
  const add = (kind, tx, extra = {}) => {
    const feeLess = kind !== 'registration';
    txs.push({ kind, tx, wire: wire(feeLess && general ? generalTransaction(api, tx) : tx), ...extra });
  };
  for (const key of keys) add('heartbeat', await heartbeatCall(api, key, { period, version: 'load/1' }), { node: key.base58 });
  const recordOf = (key, i, fields = {}) => ({
    seq: 2, addresses: [`/ip4/203.0.113.${(i % 250) + 1}/tcp/30333`], version: 'load/1', capabilities: ['/storage/ipfs/v1'], ...fields,
  });
  const statement = (key) => ({ statement: { registeredAt: key.registeredAt, keyEpoch: 0 } });
  const recording = keys.filter((_, i) => i % recordEvery === 0);
  for (const [i, key] of recording.entries()) add('record', publishCall(api, key, await signRecord(api, key, recordOf(key, i), statement(key))), { node: key.base58 });
  for (const owner of owners) {
    const args = await registrationArgs(api, { owner, key: nodeKey(), lifetime: 50 });
    add('registration', await registerCall(api, args).signAsync(owner, { nonce: 0 }));
  }
  // Invalid fee-less traffic, from nodes that do not record (so their seq 1 is stale).
  const quiet = keys.filter((_, i) => i % recordEvery !== 0);
  if (quiet.length < INVALID_KINDS.length * invalidEach) throw new Error('too few nodes for the invalid traffic');
  let next = 0;
  for (let n = 0; n < invalidEach; n += 1) {
    const a = quiet[next++];
    add('wrong-signature', await heartbeatCall(api, a, { period, version: 'load/x', signer: nodeKey().pair }), { node: a.base58 });
    const b = quiet[next++];
    add('stale-record', publishCall(api, b, await signRecord(api, b, recordOf(b, 0, { seq: 1 }), statement(b))), { node: b.base58 });
    add('unregistered-node', await heartbeatCall(api, nodeKey(), { period, version: 'load/1' }));
    const d = quiet[next++];
    add('second-heartbeat', await heartbeatCall(api, d, { period, version: 'load/2' }), { node: d.base58 });
    const e = quiet[next++];
    const over = recordOf(e, 0, { addresses: Array.from({ length: 9 }, (_, k) => `/ip4/198.51.100.${k + 1}/tcp/30333`) });
    const signed = await signRecord(api, e, over, statement(e));
    add('record-over-bounds', api.tx.registration.publishNodeRecord(e.base58Hex, recordCodec(api, signed.record), u8aToHex(signed.signature)), { node: e.base58 });
  }
  return txs;
}

/**
 * Submits `item.tx` as a client that waits for the outcome does (`author_submitAndWatchExtrinsic`),
 * and keeps what the node tells it: `told = 'inBlock'`, or `dropped`, the reason a transaction
 * the pool had accepted was dropped when a block was built (chopsticks sends the validity error;
 * a node sends `invalid` or `dropped`). Rejects when the pool refuses it at once.
 */
async function watch(api, item) {
  item.hash = item.wire.hash;
  // Only the latest submission's watcher speaks for the item (see `resubmitExhausted`).
  const submission = (item.submissions ?? 0) + 1;
  item.submissions = submission;
  await provider(api).subscribe('author_extrinsicUpdate', 'author_submitAndWatchExtrinsic', [item.wire.hex], (error, update) => {
    if (item.submissions !== submission) return;
    if (error) { item.dropped = error.message; return; }
    if (update?.inBlock || update?.finalized) item.told = 'inBlock';
    else if (update === 'invalid' || update === 'dropped' || update?.usurped) item.dropped = typeof update === 'string' ? update : 'usurped';
    else if (update && typeof update === 'object' && !('ready' in update) && !('broadcast' in update) && !('future' in update)) {
      item.dropped = poolRefusalName(new Error(`1010: ${JSON.stringify(update)}`)) ?? JSON.stringify(update);
    }
  });
}

/**
 * A node's pool keeps a transaction that did not fit in a block for the next one; chopsticks
 * drops it and tells its watcher `Invalid.ExhaustsResources`. A client told so submits it again,
 * as this does for every such item not in a block: it counts `resubmitted`. Returns how many.
 */
async function resubmitExhausted(api, items) {
  let count = 0;
  for (const item of items) {
    if (item.block !== undefined || item.dropped !== 'Invalid.ExhaustsResources') continue;
    delete item.dropped;
    item.resubmitted = (item.resubmitted ?? 0) + 1;
    try {
      await watch(api, item);
      count += 1;
    } catch (error) {
      item.dropped = `refused when submitted again: ${poolRefusalName(error) ?? error.message}`;
    }
  }
  return count;
}

/** The hashes of the pool's pending transactions, from their bytes. */
async function pendingHashes(api) {
  const pending = await provider(api).send('author_pendingExtrinsics', []);
  return new Set(pending.map((x) => blake2AsHex(x, 256)));
}

/** The chain's normal-class limits: what a block offers paid and fee-less transactions. */
function normalLimits(api) {
  const { perClass } = api.consts.system.blockWeights;
  const max = perClass.normal.maxTotal.unwrap();
  return { refTime: max.refTime.toBigInt(), proofSize: max.proofSize.toBigInt() };
}

/**
 * Runs one period of load. `keys` are the registry's node keys (populate's, with `registeredAt`).
 * Resolves to the report: per block (number, build time, transactions by kind, fill by ref_time
 * and proof size of the normal class), per kind (submitted, refused by the pool and why,
 * included, failed in a block, lost), the period's bounds and the registration capacity the
 * weights give. Fee-less transactions go as general ones where the chain takes them (`general`),
 * else bare.
 */
export async function loadPeriod(api, {
  keyring, sudo, keys, registrations, recordEvery = 2, invalidEach = 1, blockGapMs = 0, maxBlocks = 40, log = () => {},
  general = supportsGeneral(api),
}) {
  // blockGapMs: a pause before each block, as a chain's block time gives processes beside the
  // load (registrars) the time to send their own transactions.
  const owners = await fundedOwners(api, { keyring, sudo, count: registrations });
  // From here on only this function builds blocks: what processes beside it (registrars) send
  // waits in the pool for the next block, as on a chain with a block time.
  await provider(api).send('dev_setBlockBuildMode', ['Manual']);
  const byHash = new Map();
  try {
    await toPeriodStart(api);
    const period = Math.floor(((await bestNumber(api)) + 1) / heartbeatPeriod(api));
    const first = period * heartbeatPeriod(api);
    const last = first + heartbeatPeriod(api) - 1;
    const txs = await prepare(api, { keys, owners, period, recordEvery, invalidEach, general });
    log(`period ${period} (blocks ${first} to ${last}): ${txs.length} transactions signed, fee-less ones ${general ? 'general' : 'bare'}`);

    // Everything into the pool before the period's first block.
    const started = Date.now();
    for (const item of txs) {
      try {
        await watch(api, item);
        byHash.set(item.hash, item);
      } catch (error) {
        item.refused = poolRefusalName(error) ?? error.message;
      }
    }
    log(`submitted in ${((Date.now() - started) / 1000).toFixed(0)} s: ${byHash.size} accepted by the pool, ${txs.length - byHash.size} refused`);

    // The period's blocks, one by one, until the pool is empty (and at least the period's end).
    // chopsticks tries every pending transaction for each block: with a thousand and more, a
    // block takes minutes, longer than an RPC request may take by default (60 s).
    const builder = new WsProvider(provider(api).endpoint, false, {}, 30 * 60_000);
    await builder.connect();
    await builder.isReady;
    const limits = normalLimits(api);
    const blocks = [];
    while (blocks.length < maxBlocks) {
      const pending = (await pendingHashes(api)).size;
      const number = (await bestNumber(api)) + 1;
      if (pending === 0 && number > last) break;
      if (blockGapMs) await sleep(blockGapMs);
      const t0 = Date.now();
      await builder.send('dev_newBlock', [{ count: 1 }]);
      const buildMs = Date.now() - t0;
      const hash = await api.rpc.chain.getBlockHash(number);
      // Found by the hash of their bytes (polkadot.js 16 hashes a decoded general one wrongly).
      const [block, raw, at] = await Promise.all([api.rpc.chain.getBlock(hash), api.rpc.chain.getBlock.raw(hash), api.at(hash)]);
      const hashes = raw.block.extrinsics.map((x) => blake2AsHex(x, 256));
      const [events, weight] = await Promise.all([at.query.system.events(), at.query.system.blockWeight()]);
      const kinds = {};
      let failed = 0;
      block.block.extrinsics.forEach((x, index) => {
        const item = byHash.get(hashes[index]);
        const call = `${x.method.section}.${x.method.method}`;
        const kind = item?.kind ?? (call === 'timestamp.set' ? 'inherent' : `other ${call}`);
        kinds[kind] = (kinds[kind] ?? 0) + 1;
        const mine = events.filter((e) => e.phase.isApplyExtrinsic && e.phase.asApplyExtrinsic.toNumber() === index).map((e) => e.event);
        const failure = mine.find((e) => e.section === 'system' && e.method === 'ExtrinsicFailed');
        if (item) {
          item.block = number;
          item.error = failure ? describeError(api, failure.data[0]).split(':')[0] : null;
          if (failure) failed += 1;
        }
      });
      const normal = weight.normal;
      blocks.push({
        number,
        buildMs,
        extrinsics: block.block.extrinsics.length,
        kinds,
        failed,
        refTimeFill: Number((normal.refTime.toBigInt() * 10_000n) / limits.refTime) / 100,
        proofFill: Number((normal.proofSize.toBigInt() * 10_000n) / limits.proofSize) / 100,
      });
      // The watchers of what did not fit hear of it as the block is built; wait for them.
      await sleep(500);
      const resubmitted = await resubmitExhausted(api, byHash.values());
      blocks.at(-1).resubmitted = resubmitted;
      log(`block ${number}: ${block.block.extrinsics.length} extrinsics ${JSON.stringify(kinds)}, `
        + `ref_time ${blocks.at(-1).refTimeFill}%, proof ${blocks.at(-1).proofFill}%, built in ${(buildMs / 1000).toFixed(1)} s`
        + (resubmitted ? `; ${resubmitted} that did not fit submitted again` : ''));
    }

    await builder.disconnect();

    // Nothing lost: every accepted transaction is in a block (and its watcher was told so), or
    // its watcher was told why it was dropped; anything else is lost, with what the chain says
    // of it now.
    await sleep(500);
    const stillPending = await pendingHashes(api);
    const best = await api.rpc.chain.getBlockHash();
    for (const item of byHash.values()) {
      if (item.block !== undefined && item.told === 'inBlock') continue;
      if (item.block === undefined && item.dropped) continue;
      if (item.block !== undefined) { item.lost = 'in a block, but its watcher was not told'; continue; }
      if (stillPending.has(item.hash)) { item.lost = 'still pending'; continue; }
      const validity = await api.call.taggedTransactionQueue.validateTransaction('External', item.wire.bytes, best);
      item.lost = `gone without a word (${validity.isOk ? 'valid now' : `${validity.asErr.type}.${validity.asErr.isInvalid ? validity.asErr.asInvalid.type : validity.asErr.asUnknown.type} now`})`;
    }

    const kinds = {};
    for (const item of txs) {
      const k = kinds[item.kind] ??= {
        submitted: 0, refused: 0, refusals: {}, dropped: 0, drops: {}, resubmitted: 0, included: 0, inPeriod: 0, failed: 0, failures: {}, lost: 0, losses: {},
      };
      k.submitted += 1;
      if (item.resubmitted) k.resubmitted += 1;
      if (item.refused) { k.refused += 1; k.refusals[item.refused] = (k.refusals[item.refused] ?? 0) + 1; }
      if (item.dropped && item.block === undefined) { k.dropped += 1; k.drops[item.dropped] = (k.drops[item.dropped] ?? 0) + 1; }
      if (item.block !== undefined) {
        k.included += 1;
        if (item.block >= first && item.block <= last && !item.error) k.inPeriod += 1;
        if (item.error) { k.failed += 1; k.failures[item.error] = (k.failures[item.error] ?? 0) + 1; }
      }
      if (item.lost) { k.lost += 1; k.losses[item.lost] = (k.losses[item.lost] ?? 0) + 1; }
    }
    const regTx = txs.find((t) => t.kind === 'registration')?.tx;
    let capacity = null;
    if (regTx) {
      const info = await api.call.transactionPaymentApi.queryInfo(regTx.toU8a(), regTx.encodedLength);
      const w = info.weight;
      const byRefTime = limits.refTime / w.refTime.toBigInt();
      const byProof = limits.proofSize / w.proofSize.toBigInt();
      capacity = { refTime: Number(byRefTime), proofSize: Number(byProof), perBlock: Number(byRefTime < byProof ? byRefTime : byProof),
        weight: { refTime: w.refTime.toBigInt().toString(), proofSize: w.proofSize.toBigInt().toString() } };
    }
    return { period, first, last, blocks, kinds, capacity };
  } finally {
    await provider(api).send('dev_setBlockBuildMode', ['Instant']);
  }
}

/**
 * `count` registrars (`registrar run`, the binary at `bin`) for fresh owners, each keeping a
 * node registered and beating on `endpoint`; resolves once each has registered its node and a
 * heartbeat of it is on chain (blocks are built meanwhile, one a second, so periods pass).
 * Each has `node` (its PeerId), `status()` (its /status) and `stop()`.
 */
export async function startRegistrars(api, { keyring, sudo, count, bin, endpoint, dir, log = () => {} }) {
  const { spawn } = await import('node:child_process');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { freePort } = await import('./chain.mjs');
  const owners = await fundedOwners(api, { keyring, sudo, count, tag: 'load//registrar' });
  const running = [];
  for (const [i, owner] of owners.entries()) {
    const home = path.join(dir, `registrar-${i}`);
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const key = nodeKey();
    writeFileSync(path.join(home, 'node.key'), u8aToHex(key.pair.secretKey.slice(0, 32)).slice(2), { mode: 0o600 });
    writeFileSync(path.join(home, 'owner.secret'), `//load//registrar//owner//${i}\n`, { mode: 0o600 });
    const port = await freePort();
    const child = spawn(bin, ['run', '--endpoint', endpoint, '--node-key-file', path.join(home, 'node.key'),
      '--owner-secret-file', path.join(home, 'owner.secret'), '--node-type', 'storage-miner', '--state-dir', path.join(home, 'state'),
      '--http-addr', `127.0.0.1:${port}`, '--address', `/ip4/127.0.0.1/tcp/${40000 + i}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
    running.push({
      node: key.base58,
      owner: owner.address,
      status: async () => (await fetch(`http://127.0.0.1:${port}/status`)).json(),
      log: () => stderr,
      stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }),
      child,
    });
  }
  const deadline = Date.now() + 180_000;
  for (;;) {
    const statuses = await Promise.all(running.map((r) => r.status().catch(() => null)));
    if (statuses.every((st) => st?.registered && st.discovery?.last_heartbeat_period != null)) break;
    if (Date.now() > deadline) {
      throw new Error(`registrars not registered and beating: ${JSON.stringify(statuses.map((st) => st && { phase: st.phase, registered: st.registered, discovery: st.discovery }))}\n${running.map((r) => r.log()).join('\n')}`);
    }
    await provider(api).send('dev_newBlock', [{ count: 1 }]);
    await sleep(1000);
  }
  log(`${count} registrars registered and beating: ${running.map((r) => r.node).join(', ')}`);
  return running;
}

/**
 * What the registrars did in the load's period: each one's heartbeat for it on chain (liveness:
 * last seen within the period, by a heartbeat) and its /status (the period of its last
 * heartbeat, the last discovery error).
 */
export async function registrarsInPeriod(api, registrars, report) {
  const out = [];
  for (const r of registrars) {
    const status = await r.status();
    const live = await api.query.registration.nodeLiveness(r.node);
    const seen = live.isSome ? live.unwrap().lastSeen.toNumber() : null;
    out.push({
      node: r.node,
      beatInPeriod: live.isSome && live.unwrap().heartbeatSent.isTrue && seen >= report.first && seen <= report.last,
      lastSeen: seen,
      statusPeriod: status.discovery?.last_heartbeat_period ?? null,
      statusError: status.discovery?.last_error ?? null,
      phase: status.phase,
    });
  }
  return out;
}
