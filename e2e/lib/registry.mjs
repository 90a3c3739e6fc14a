// A populated registry for the console's tests and its render benchmark: `count` nodes of fresh
// owners (sudo's force registration, `perBlock` to a block: a dev block takes about a hundred), each with a signed record naming
// its capabilities, and mixed liveness: the whole registry is left silent until the sweep marks
// it Offline, then every other node sends a heartbeat and is Online again. Records and
// heartbeats go fee-less as general transactions.
import { generalTransaction, heartbeatCall, heartbeatPeriod, nodeKey, publishCall, signRecord } from '../../js/client/index.mjs';
import { buildTo, chunks, inOneBlock, signedInOrder } from './chain.mjs';

/** The capabilities of the populated nodes: every node names the first, every third the second. */
export const CAPABILITIES = ['/storage/ipfs/v1', '/reconstruction/global-refinement/v1'];

/**
 * Registers `count` nodes of `nodeType` (fresh owners `//registry//<n>`), publishes a record for
 * each, lets them all go silent, then has every other one beat. Resolves to the node keys in
 * registration order and which of them beat.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {{ keyring: any, sudo: any, count: number, nodeType?: string, perBlock?: number, log?: (line: string) => void }} options
 */
export async function populate(api, { keyring, sudo, count, nodeType = 'StorageMiner', perBlock = 50, log = () => {} }) {
  const keys = Array.from({ length: count }, () => nodeKey());
  for (const [c, part] of chunks(keys, perBlock).entries()) {
    const txs = part.map((key) => api.tx.sudo.sudo(api.tx.registration.forceRegisterColdkeyNode(
      keyring.addFromUri(`//registry//${key.base58}`).address, nodeType, key.base58Hex,
    )));
    const { events, blockHash } = await inOneBlock(api, await signedInOrder(api, sudo, txs));
    const failed = events.filter((e) => !e.find((x) => x.section === 'sudo' && x.method === 'Sudid')?.data[0].isOk);
    if (failed.length) throw new Error(`${failed.length} registrations failed`);
    const registeredAt = BigInt((await api.rpc.chain.getHeader(blockHash)).number.toNumber());
    for (const key of part) key.registeredAt = registeredAt;
    log(`registered ${Math.min((c + 1) * perBlock, count)} of ${count}`);
  }
  for (const part of chunks(keys, perBlock)) {
    const txs = await Promise.all(part.map(async (key, i) => generalTransaction(api, publishCall(api, key, await signRecord(api, key, {
      seq: 1,
      addresses: [`/ip4/198.51.100.${(i % 250) + 1}/tcp/30333`, `/dns4/n${i}.example.org/tcp/443/ws/p2p/${key.base58}`],
      version: 'hippius-node/1.4.0',
      capabilities: i % 3 === 0 ? CAPABILITIES : CAPABILITIES.slice(0, 1),
    }, { statement: { registeredAt: key.registeredAt, keyEpoch: 0 } })))));
    await inOneBlock(api, txs);
  }
  log(`published ${count} records`);
  // Silent for longer than OfflineAfterPeriods periods, and the sweep has looked at everyone.
  const period = heartbeatPeriod(api);
  const after = api.consts.registration.offlineAfterPeriods.toNumber();
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  await buildTo(api, best + (after + 2) * period + Math.ceil(count / 100));
  log(`built to block ${best + (after + 2) * period + Math.ceil(count / 100)}`);
  const beating = keys.filter((_, i) => i % 2 === 0);
  for (const part of chunks(beating, perBlock)) {
    await inOneBlock(api, await Promise.all(part.map(async (key) => generalTransaction(api, await heartbeatCall(api, key, { version: 'hippius-node/1.4.0' })))));
  }
  log(`${beating.length} nodes beat; ${count - beating.length} stay silent`);
  return { keys, beating: new Set(beating.map((k) => k.base58)) };
}
