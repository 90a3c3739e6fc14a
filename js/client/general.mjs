// General transactions (extrinsic format version 5, the "general" preamble) of fee-less calls
// that authorize themselves (`#[pallet::authorize]`, run by the runtime's `AuthorizeCall`
// transaction extension): `publish_node_record` and `heartbeat`. polkadot.js 16 signs and sends
// only bare and signed (version 4) extrinsics, so the bytes are assembled here from the
// metadata's list of transaction extensions; the pool and the block check the call itself. The
// format, and when to send bare instead: docs/discovery.md, "Sending records and heartbeats".
import { compactAddLength, compactFromU8a, u8aConcat, u8aToHex, u8aToU8a } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';

/** The first byte of a general transaction: extrinsic format version 5 (0b00_0101) with the general type bits (0b01 << 6). */
export const GENERAL_PREAMBLE = 0x45;

/** The transaction extension version written after the preamble: 0, the only one FRAME defines. */
export const EXTENSION_VERSION = 0;

/**
 * What a transaction without a signer puts in each transaction extension whose explicit data is
 * not empty, by the extension's identifier in the metadata: an immortal era, nonce 0, tip 0, the
 * metadata hash check disabled (why these: docs/discovery.md). Each value is encoded with the
 * explicit type the metadata gives; an extension with explicit data not listed here is refused.
 * @type {Readonly<Record<string, unknown>>}
 */
export const EXPLICIT_VALUES = Object.freeze({
  CheckMortality: new Uint8Array([0]), // `Era::Immortal`, as SCALE encodes it
  CheckEra: new Uint8Array([0]),
  CheckNonce: 0,
  ChargeTransactionPayment: 0,
  CheckMetadataHash: { mode: 'Disabled' },
});

/** The extrinsic metadata of `api`'s runtime (v16 layout: polkadot.js converts older versions). */
function extrinsicMetadata(api) {
  const extrinsic = api?.runtimeMetadata?.asLatest?.extrinsic;
  if (!extrinsic) throw new Error('general transactions: no runtime metadata (is the API connected and ready?)');
  return extrinsic;
}

/**
 * The transaction extensions of extension version 0, in the order their explicit data is
 * encoded, each with its identifier and its explicit type as the registry names it (`Lookup87`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @returns {{ identifier: string, type: string }[]}
 * @throws {Error} when the metadata lists no extensions for version 0
 */
export function transactionExtensions(api) {
  const extrinsic = extrinsicMetadata(api);
  const all = [...extrinsic.transactionExtensions];
  const byVersion = [...extrinsic.transactionExtensionsByVersion.entries()].find(([v]) => Number(v) === EXTENSION_VERSION);
  if (!byVersion) throw new Error(`general transactions: the metadata lists no transaction extensions of version ${EXTENSION_VERSION}`);
  return byVersion[1].map((index) => {
    const extension = all[Number(index)];
    if (!extension) throw new Error(`general transactions: the metadata names transaction extension ${index}, which it does not list`);
    return { identifier: extension.identifier.toString(), type: api.registry.createLookupType(extension.type) };
  });
}

/**
 * Why `api`'s chain does not take general transactions of self-authorizing calls, or null when it
 * does: its runtime must accept extrinsic format version 5 and run `AuthorizeCall` among the
 * transaction extensions of version 0.
 * @param {import('@polkadot/api').ApiPromise} api
 * @returns {string | null}
 * @throws {Error} when `api` has no runtime metadata
 */
export function generalUnsupported(api) {
  const extrinsic = extrinsicMetadata(api);
  const versions = [...extrinsic.versions].map(Number);
  if (!versions.includes(5)) return `the runtime accepts extrinsic versions ${versions.join(', ')}, not 5`;
  let names;
  try {
    names = transactionExtensions(api).map((e) => e.identifier);
  } catch (error) {
    return error.message;
  }
  if (!names.includes('AuthorizeCall')) return `the runtime's transaction extensions (${names.join(', ')}) do not include AuthorizeCall`;
  return null;
}

/**
 * Whether `api`'s chain takes general transactions of self-authorizing calls (`generalUnsupported`
 * says why not). A client sends records and heartbeats bare (`submitUnsigned`) when it does not.
 * @param {import('@polkadot/api').ApiPromise} api
 * @returns {boolean}
 * @throws {Error} when `api` has no runtime metadata
 */
export const supportsGeneral = (api) => generalUnsupported(api) === null;

/** Whether the registry's type `type` encodes nothing (`()`, an empty struct or tuple). */
function isUnit(registry, type) {
  return registry.createType(type).encodedLength === 0 && registry.lookup.getTypeDef(type).type === 'Null';
}

/**
 * The explicit data of every transaction extension, in order, for a transaction without a signer:
 * `EXPLICIT_VALUES` encoded with each extension's explicit type, nothing for unit types.
 * @param {import('@polkadot/api').ApiPromise} api
 * @returns {{ identifier: string, type: string, bytes: Uint8Array }[]}
 * @throws {Error} naming an extension with explicit data this client does not know how to fill
 */
export function explicitData(api) {
  return transactionExtensions(api).map(({ identifier, type }) => {
    if (isUnit(api.registry, type)) return { identifier, type, bytes: new Uint8Array() };
    if (!Object.hasOwn(EXPLICIT_VALUES, identifier)) {
      throw new Error(`general transactions: the runtime's transaction extension ${identifier} carries data `
        + `(${api.registry.lookup.getTypeDef(type).type}) this client does not know how to fill`);
    }
    return { identifier, type, bytes: api.registry.createType(type, EXPLICIT_VALUES[identifier]).toU8a() };
  });
}

/** The call of `call` (a `Call`, or an unsigned `api.tx…` extrinsic) as its SCALE bytes. */
function callBytes(call) {
  if (call?.isSigned) throw new Error('general transactions: the transaction is signed; give the call');
  const method = call?.method && typeof call.method.toU8a === 'function' ? call.method : call;
  if (!method || typeof method.toU8a !== 'function' || !method.callIndex) {
    throw new Error('general transactions: give a call (api.tx.<pallet>.<call>(…) or its method)');
  }
  return method.toU8a();
}

/**
 * A general transaction (extrinsic format version 5, no signature) of `call`: the compact length,
 * `GENERAL_PREAMBLE`, `EXTENSION_VERSION`, each transaction extension's explicit data in the
 * metadata's order (`explicitData`), the call. The runtime admits it only for a call that
 * authorizes itself (`publish_node_record`, `heartbeat`), after the call's own checks.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {any} call a `Call`, or an unsigned extrinsic (`publishCall`, `heartbeatCall`)
 * @returns {{ bytes: Uint8Array, hex: string, hash: string }} the extrinsic as submitted and as a
 *   block holds it (with its length prefix), and its hash (blake2-256 of those bytes)
 * @throws {Error} when the chain does not take general transactions (`generalUnsupported`), or an
 *   extension's data cannot be filled
 */
export function generalTransaction(api, call) {
  const unsupported = generalUnsupported(api);
  if (unsupported) throw new Error(`general transactions: not supported by this chain: ${unsupported}`);
  const body = u8aConcat(
    Uint8Array.of(GENERAL_PREAMBLE, EXTENSION_VERSION),
    ...explicitData(api).map((e) => e.bytes),
    callBytes(call),
  );
  const bytes = compactAddLength(body);
  return { bytes, hex: u8aToHex(bytes), hash: blake2AsHex(bytes, 256) };
}

/**
 * Whether `extrinsic` (its bytes or hex with the length prefix, as a block holds it) is a general
 * transaction: its first byte after the length is `GENERAL_PREAMBLE`.
 * @param {Uint8Array | string} extrinsic
 * @returns {boolean}
 */
export function isGeneral(extrinsic) {
  const bytes = u8aToU8a(extrinsic);
  const [offset] = compactFromU8a(bytes);
  return bytes[offset] === GENERAL_PREAMBLE;
}

/**
 * The RPC provider of `api`. polkadot.js 16 re-encodes a general extrinsic wrongly (its
 * `GenericExtrinsic` prefixes the inner length again), so its `author` RPCs cannot carry one:
 * the bytes go to the provider as they are.
 */
function providerOf(api) {
  const provider = api?._rpcCore?.provider;
  if (!provider || typeof provider.subscribe !== 'function') {
    throw new Error('general transactions: the API has no RPC provider to submit through');
  }
  return provider;
}

/**
 * Submits `call` as a general transaction (`generalTransaction`) and resolves once it is in a
 * finalized block, with its own events (found by the transaction's hash among the block's
 * extrinsics, read as bytes: polkadot.js 16 re-encodes a decoded general extrinsic wrongly, and
 * so hashes it wrongly).
 * Rejects when the pool refuses it, with the RPC's error (`1010: …`, which `poolRefusalName` and
 * `describeError` name), or when the chain drops it. The bytes go to the node through the API's
 * provider (`author_submitAndWatchExtrinsic`), not polkadot.js' `author` RPCs.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {any} call as `generalTransaction` takes it
 * @returns {Promise<{ events: any[], blockHash: any, index: number, hash: string }>} `index`: its
 *   place among the block's extrinsics
 */
export async function submitGeneral(api, call) {
  const tx = generalTransaction(api, call);
  const provider = providerOf(api);
  const blockHash = await new Promise((resolve, reject) => {
    let id = null;
    let done = false;
    // The node ends the subscription itself once the transaction is final; an unwatch after
    // that fails, and is of no interest.
    const unwatch = () => provider.unsubscribe('author_extrinsicUpdate', 'author_unwatchExtrinsic', id).catch(() => {});
    const finish = () => { done = true; if (id !== null) unwatch(); };
    provider.subscribe('author_extrinsicUpdate', 'author_submitAndWatchExtrinsic', [tx.hex], (error, result) => {
      if (done) return;
      if (error) { finish(); reject(error); return; }
      const status = api.createType('ExtrinsicStatus', result);
      if (status.isInvalid || status.isDropped || status.isUsurped || status.isFinalityTimeout) {
        finish();
        reject(new Error(`transaction ${status.type}`));
      } else if (status.isFinalized) {
        finish();
        resolve(status.asFinalized);
      }
    }).then((subscription) => { id = subscription; if (done) unwatch(); }, (error) => { if (!done) { done = true; reject(error); } });
  });
  const { block } = await api.rpc.chain.getBlock.raw(blockHash);
  const index = block.extrinsics.findIndex((x) => x.toLowerCase() === tx.hex);
  if (index < 0) throw new Error(`general transactions: ${tx.hash} is not in block ${blockHash.toHex()}`);
  const events = await (await api.at(blockHash)).query.system.events();
  return {
    events: events.filter((e) => e.phase.isApplyExtrinsic && e.phase.asApplyExtrinsic.toNumber() === index).map(({ event }) => event),
    blockHash,
    index,
    hash: tx.hash,
  };
}
