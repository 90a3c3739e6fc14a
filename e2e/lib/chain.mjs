// The local chain of the tests and of `e2e/chain.mjs`: chopsticks running the dev runtime's raw
// chain spec, started and stopped here, and driven through chopsticks' `dev_*` RPCs (blocks on
// demand, several transactions in one block). The client itself is the package in js/client.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { blake2AsHex } from '@polkadot/util-crypto';
import { bestNumber, connect, heartbeatPeriod } from '../../js/client/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root. */
export const root = path.resolve(here, '..', '..');

/** Where `scripts/build-chain-spec.sh` writes the spec unless REGISTRATION_SPEC says otherwise. */
export const defaultSpec = () =>
  process.env.REGISTRATION_SPEC ?? path.join(root, 'target', 'registration-dev-spec.json');

/** The port `scripts/chain.sh` serves the chain on unless PORT says otherwise: Substrate's RPC port. */
export const DEFAULT_PORT = 9944;

/**
 * Refuses a port something already listens on. chopsticks would move to the next free port without
 * saying so, and whatever answers on the asked-for port (an older chain) would pass for the new one.
 */
export async function ensurePortFree(host, port) {
  await new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error) => reject(error.code === 'EADDRINUSE'
      ? new Error(`port ${port} on ${host} is already in use (another chain, or a node?): stop what runs `
        + `there, or choose another port (PORT=${port + 1} scripts/chain.sh, or --port ${port + 1})`)
      : error));
    probe.once('listening', () => probe.close(resolve));
    probe.listen(port, host);
  });
}

/** A port free on `host` now (the system's pick). */
export async function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts chopsticks on `host:port` (a free port when `port` is 0) with the raw spec; resolves
 * once the websocket answers. Refuses a port already in use. `log` receives chopsticks' output.
 * Its pool takes general transactions too (`chopsticks-general.cjs`).
 */
export async function startChain({ spec = defaultSpec(), host = '127.0.0.1', port = DEFAULT_PORT, log = () => {} } = {}) {
  if (!port) port = await freePort(host);
  await ensurePortFree(host, port);
  const cli = path.join(here, '..', 'node_modules', '@acala-network', 'chopsticks', 'chopsticks.cjs');
  const child = spawn(
    process.execPath,
    ['--require', path.join(here, 'chopsticks-general.cjs'), cli, '--genesis', spec, '--host', host, '--port', String(port), '--build-block-mode', 'Instant'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } },
  );
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (text) => text.split('\n').filter(Boolean).forEach(log));
  }
  const endpoint = `ws://${host}:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`chopsticks exited with ${exited}`);
    try {
      const api = await connect(endpoint);
      return { api, endpoint, child, stop: () => stopChain(api, child) };
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`chopsticks did not answer on ${endpoint} within 120 s`);
}

async function stopChain(api, child) {
  await api.disconnect().catch(() => {});
  child.kill('SIGTERM');
  await new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 5_000);
    child.on('exit', () => { clearTimeout(timer); resolve(); });
  });
}

// ---------------------------------------------------------------------------------------------
// Driving the dev chain (chopsticks' dev_* RPCs)

/** The dev runtime's unit: 18 decimals. */
export const UNIT = 10n ** 18n;

/** Builds `count` empty blocks (chopsticks' `dev_newBlock`). */
export async function newBlocks(api, count) {
  await api._options.provider.send('dev_newBlock', [{ count }]);
}

/**
 * What goes to the RPC for `tx`, and its hash: a polkadot.js extrinsic (signed or bare), or a
 * general transaction as `generalTransaction` returns it (polkadot.js 16 re-encodes those wrongly,
 * so they go to the provider as bytes): `{ bytes, hex, hash }`.
 */
export function wire(tx) {
  if (tx instanceof Uint8Array || typeof tx.toU8a !== 'function') {
    if (!(tx.bytes instanceof Uint8Array) || typeof tx.hash !== 'string') throw new Error('not a transaction: give an extrinsic or a generalTransaction');
    return tx;
  }
  return { bytes: tx.toU8a(), hex: tx.toHex(), hash: tx.hash.toHex() };
}

/**
 * What the pool says of `tx` (an extrinsic, or a `generalTransaction`) now, without building a
 * block when it refuses: null when it would accept it (then nothing is submitted), otherwise
 * `Invalid.<Reason>` (`Invalid.BadProof`) from the runtime's `TaggedTransactionQueue_validate_transaction`
 * (what the pool runs, as in the block after the best one), after checking that
 * `author_submitExtrinsic` does reject it (RPC error 1010). The extrinsic goes to the runtime API
 * as its bytes (see the client's `dryRun`), and to `author_submitExtrinsic` as hex through the
 * provider rather than `tx.send()`: polkadot.js reuses a recent subscription for identical
 * extrinsic bytes, so `send()` of a replayed transaction resolves with the original's result.
 */
export async function poolRefusal(api, tx) {
  const { bytes, hex } = wire(tx);
  const best = await api.rpc.chain.getBlockHash();
  const validity = await api.call.taggedTransactionQueue.validateTransaction('External', bytes, best);
  if (validity.isOk) return null;
  const error = await api._options.provider.send('author_submitExtrinsic', [hex]).then(() => null, (e) => e);
  if (!error || !/^1010\b/.test(error.message)) throw new Error(`the pool did not reject it: ${error?.message}`);
  const invalid = validity.asErr;
  return `${invalid.type}.${invalid.isInvalid ? invalid.asInvalid.type : invalid.asUnknown.type}`;
}

/**
 * The pool's verdict on `tx` (an extrinsic, or a `generalTransaction`) in the best block's
 * context, as JSON: `{ ok: { priority, requires, provides, longevity, propagate } }` or `{ err }`.
 */
export async function poolValidity(api, tx) {
  const best = await api.rpc.chain.getBlockHash();
  return (await api.call.taggedTransactionQueue.validateTransaction('External', wire(tx).bytes, best)).toJSON();
}

/** `signer`'s transactions `txs` signed with consecutive nonces, for `inOneBlock`. */
export async function signedInOrder(api, signer, txs) {
  const nonce = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
  return Promise.all(txs.map((tx, i) => tx.signAsync(signer, { nonce: nonce + i })));
}

/** `items` in chunks of `size` (the last one shorter). */
export const chunks = (items, size) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Puts `txs` (signed, bare, or general transactions as `generalTransaction` returns them; each
 * checked by the pool on submission) into one new block: chopsticks' Manual mode, then
 * `dev_newBlock`, then Instant mode again. Resolves to the block's hash, its extrinsics as hex,
 * and, for each transaction in order, its index in the block and its events. Transactions are
 * found by hash among the block's extrinsics read as bytes (polkadot.js 16 hashes a decoded
 * general extrinsic wrongly).
 */
export async function inOneBlock(api, txs) {
  const provider = api._options.provider;
  const sent = txs.map(wire);
  await provider.send('dev_setBlockBuildMode', ['Manual']);
  try {
    for (const tx of sent) await provider.send('author_submitExtrinsic', [tx.hex]);
    await provider.send('dev_newBlock', [{ count: 1 }]);
  } finally {
    await provider.send('dev_setBlockBuildMode', ['Instant']);
  }
  const blockHash = await api.rpc.chain.getBlockHash();
  const { block } = await api.rpc.chain.getBlock.raw(blockHash);
  const hashes = block.extrinsics.map((x) => blake2AsHex(x, 256));
  const index = sent.map((tx) => hashes.indexOf(tx.hash));
  if (index.includes(-1)) throw new Error('a transaction did not make it into the block');
  const events = await (await api.at(blockHash)).query.system.events();
  return {
    blockHash,
    extrinsics: block.extrinsics,
    index,
    events: index.map((i) => events.filter((e) => e.phase.isApplyExtrinsic && e.phase.asApplyExtrinsic.toNumber() === i)
      .map(({ event }) => event)),
  };
}

/** Builds blocks until the best one is `number` (nothing when it is already there or beyond). */
export async function buildTo(api, number) {
  const best = await bestNumber(api);
  if (number > best) await api._options.provider.send('dev_newBlock', [{ to: number }]);
  const now = await bestNumber(api);
  if (now !== Math.max(number, best)) throw new Error(`best block ${now}, ${number} wanted`);
}

/** Builds blocks, if needed, so that the next `count` blocks lie in one period. */
export async function roomInPeriod(api, count) {
  const period = heartbeatPeriod(api);
  const best = await bestNumber(api);
  if (Math.floor((best + 1) / period) !== Math.floor((best + count) / period)) {
    await buildTo(api, Math.ceil((best + 1) / period) * period - 1);
  }
}

/** Builds blocks, if needed, so that the next block is the first of a period. */
export async function toPeriodStart(api) {
  const period = heartbeatPeriod(api);
  await buildTo(api, Math.ceil(((await bestNumber(api)) + 1) / period) * period - 1);
}

