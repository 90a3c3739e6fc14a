// Client side of discovery (issue 13), written from the contract: binary multiaddrs from text
// and back, the `NodeRecord`, `RecordStatement` and `HeartbeatStatement` encodings by hand, the
// node key's signatures, the calls `publish_node_record` (22) and `heartbeat` (23) signed or
// fee-less (bare), the paged view functions decoded with the metadata's types, and a check of a
// record's signature that trusts neither the owner nor the RPC.
import { compactToU8a, u8aConcat, u8aEq, u8aToHex, u8aToString, stringToU8a } from '@polkadot/util';
import { base58Decode, base58Encode, ed25519Sign, ed25519Verify } from '@polkadot/util-crypto';
import { viewFunction } from './registration.mjs';
import { NODE_TYPES } from './consent.mjs';

/** The 24-byte domain of a record statement: ASCII `HIPPIUS::RECORD::v1` and five zero bytes. */
export const RECORD_DOMAIN = u8aConcat(stringToU8a('HIPPIUS::RECORD::v1'), new Uint8Array(5));

/** The 24-byte domain of a heartbeat: ASCII `HIPPIUS::HEARTBEAT::v1` and two zero bytes. */
export const HEARTBEAT_DOMAIN = u8aConcat(stringToU8a('HIPPIUS::HEARTBEAT::v1'), new Uint8Array(2));

/** `Status` in encoding order. */
export const STATUSES = ['Online', 'Degraded', 'Offline'];

/** Bytes before the key in a raw Ed25519 PeerId (identity multihash of the protobuf key). */
const PEER_ID_PREFIX = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);

// ---------------------------------------------------------------------------------------------
// Multiaddrs

/** The protocols this encoder knows: multicodec code and value kind (bytes, or 'prefixed'). */
const PROTOCOLS = {
  ip4: { code: 0x04, size: 4 },
  tcp: { code: 0x06, size: 2 },
  ip6: { code: 0x29, size: 16 },
  dns4: { code: 0x36, size: 'prefixed' },
  udp: { code: 0x0111, size: 2 },
  'quic-v1': { code: 0x01cd, size: 0 },
  ws: { code: 0x01dd, size: 0 },
  p2p: { code: 0x01a5, size: 'prefixed' },
};
const BY_CODE = new Map(Object.entries(PROTOCOLS).map(([name, p]) => [p.code, { name, ...p }]));

/** An unsigned varint (multiformats: 7 bits a byte, low first). */
export function varint(value) {
  let v = BigInt(value);
  if (v < 0n) throw new Error(`negative varint ${value}`);
  const out = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Uint8Array.from(out);
}

function readVarint(bytes, at) {
  let value = 0;
  for (let i = 0; i < 9 && at + i < bytes.length; i += 1) {
    const byte = bytes[at + i];
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return [value, at + i + 1];
  }
  throw new Error('multiaddr: bad varint');
}

function ip4Bytes(text) {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) < 256)) {
    throw new Error(`multiaddr: bad ip4 ${text}`);
  }
  return Uint8Array.from(parts.map(Number));
}

function ip6Bytes(text) {
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`multiaddr: bad ip6 ${text}`);
  const groups = (half) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) {
    throw new Error(`multiaddr: bad ip6 ${text}`);
  }
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const out = new Uint8Array(16);
  all.forEach((group, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) throw new Error(`multiaddr: bad ip6 ${text}`);
    const value = parseInt(group, 16);
    out[2 * i] = value >> 8;
    out[2 * i + 1] = value & 0xff;
  });
  return out;
}

function portBytes(text) {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text) || Number(text) > 65535) throw new Error(`multiaddr: bad port ${text}`);
  const port = Number(text);
  return Uint8Array.of(port >> 8, port & 0xff); // big-endian, as multiaddrs carry ports
}

function valueBytes(name, text) {
  switch (name) {
    case 'ip4': return ip4Bytes(text);
    case 'ip6': return ip6Bytes(text);
    case 'tcp': case 'udp': return portBytes(text);
    case 'dns4': return stringToU8a(text);
    case 'p2p': return base58Decode(text); // the PeerId's bytes (a multihash)
    default: throw new Error(`multiaddr: ${name} takes no value`);
  }
}

/**
 * The binary multiaddr of `text` (`/ip4/1.2.3.4/tcp/30333/p2p/12D3Koo…`): for each component
 * the varint protocol code, then its value (fixed-size, or a varint length and the bytes).
 * Knows /ip4 /ip6 /dns4 /tcp /udp /quic-v1 /ws /p2p.
 */
export function multiaddr(text) {
  if (!text.startsWith('/')) throw new Error(`multiaddr: ${text} does not start with /`);
  const parts = text.slice(1).split('/');
  const out = [];
  for (let i = 0; i < parts.length; i += 1) {
    const protocol = PROTOCOLS[parts[i]];
    if (!protocol) throw new Error(`multiaddr: unknown protocol ${parts[i]}`);
    out.push(varint(protocol.code));
    if (protocol.size === 0) continue;
    i += 1;
    if (i >= parts.length || parts[i] === '') throw new Error(`multiaddr: /${parts[i - 1]} needs a value`);
    const value = valueBytes(parts[i - 1], parts[i]);
    if (protocol.size === 'prefixed') out.push(varint(value.length));
    else if (value.length !== protocol.size) throw new Error(`multiaddr: bad /${parts[i - 1]} value`);
    out.push(value);
  }
  return u8aConcat(...out);
}

function ip6Text(bytes) {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // The longest run of two or more zero groups becomes `::` (RFC 5952).
  let best = [-1, 0];
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j += 1;
    if (j - i > best[1] && j - i >= 2) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best[0] < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0] + best[1]).join(':')}`;
}

/** The text of a binary multiaddr of the protocols `multiaddr` knows; throws on anything else. */
export function multiaddrText(bytes) {
  let text = '';
  let at = 0;
  if (bytes.length === 0) throw new Error('multiaddr: empty');
  while (at < bytes.length) {
    const [code, next] = readVarint(bytes, at);
    const protocol = BY_CODE.get(code);
    if (!protocol) throw new Error(`multiaddr: unknown protocol code 0x${code.toString(16)}`);
    at = next;
    text += `/${protocol.name}`;
    if (protocol.size === 0) continue;
    let length = protocol.size;
    if (length === 'prefixed') [length, at] = readVarint(bytes, at);
    if (at + length > bytes.length) throw new Error('multiaddr: truncated');
    const value = bytes.subarray(at, at + length);
    at += length;
    switch (protocol.name) {
      case 'ip4': text += `/${value.join('.')}`; break;
      case 'ip6': text += `/${ip6Text(value)}`; break;
      case 'tcp': case 'udp': text += `/${(value[0] << 8) | value[1]}`; break;
      case 'dns4': text += `/${u8aToString(value)}`; break;
      case 'p2p': text += `/${base58Encode(value)}`; break;
      default: throw new Error('unreachable');
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Records and heartbeats

const text = (value) => (typeof value === 'string' ? stringToU8a(value) : value);
const bytesVec = (items) => u8aConcat(compactToU8a(items.length), ...items.map((item) => u8aConcat(compactToU8a(item.length), item)));

function uintLe(value, bytes) {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * bytes)) throw new Error(`${value} does not fit in ${bytes} bytes`);
  for (let i = 0; i < bytes; i += 1) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

function fixed(name, bytes, length) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new Error(`${name}: ${length} bytes expected, got ${bytes?.length}`);
  }
  return bytes;
}

/**
 * A record as this client holds it: `seq` (bigint or number), `addresses` (binary multiaddrs, or
 * text that `multiaddr` encodes), `version` and `capabilities` (strings or bytes).
 */
export function normalizeRecord({ seq, addresses = [], version = '', capabilities = [] }) {
  return {
    seq: BigInt(seq),
    addresses: addresses.map((a) => (typeof a === 'string' ? multiaddr(a) : a)),
    version: text(version),
    capabilities: capabilities.map(text),
  };
}

/** The SCALE encoding of a `NodeRecord`: u64 LE seq, then compact-length vectors. */
export function recordBytes(record) {
  const r = normalizeRecord(record);
  return u8aConcat(uintLe(r.seq, 8), bytesVec(r.addresses), compactToU8a(r.version.length), r.version, bytesVec(r.capabilities));
}

/**
 * The SCALE encoding of a `RecordStatement`: what the node key signs to publish `record`. `peerId`
 * is the raw 38-byte PeerId, `registeredAt` the node's `registered_at` (u64 block numbers),
 * `keyEpoch` how many times the node moved to a new key (`NodeKeyEpoch`, 0 before any rotation).
 */
export function recordStatementBytes({ domain = RECORD_DOMAIN, genesisHash, peerId, registeredAt, keyEpoch = 0, record }) {
  return u8aConcat(
    fixed('domain', domain, 24), fixed('genesisHash', genesisHash, 32), fixed('peerId', peerId, 38),
    uintLe(registeredAt, 8), uintLe(keyEpoch, 4), recordBytes(record),
  );
}

/** The SCALE encoding of a `HeartbeatStatement`: what the node key signs for `period`. */
export function heartbeatStatementBytes({ domain = HEARTBEAT_DOMAIN, genesisHash, peerId, period, version = '' }) {
  const v = text(version);
  return u8aConcat(
    fixed('domain', domain, 24), fixed('genesisHash', genesisHash, 32), fixed('peerId', peerId, 38),
    uintLe(period, 4), compactToU8a(v.length), v,
  );
}

/** The chain's `NodeRecord` type (the call argument), decoded from exactly the hand-made bytes. */
export function recordCodec(api, record) {
  const arg = api.tx.registration.publishNodeRecord.meta.args.find((a) => a.name.toString() === 'record');
  const bytes = recordBytes(record);
  const codec = api.createType(arg.type.toString(), bytes);
  if (codec.encodedLength !== bytes.length) throw new Error('record bytes do not decode exactly');
  return codec;
}

/** The registry record of a node (`ColdkeyNodeRegistrationV2`), by a `nodeKey`. */
export async function registryEntry(api, key) {
  const info = await api.query.registration.coldkeyNodeRegistrationV2(key.base58Hex);
  if (info.isNone) throw new Error(`node ${key.base58} is not registered`);
  return info.unwrap();
}

/**
 * `record` signed by `key` (a `nodeKey`) for the chain `api` talks to: the statement with the
 * node's `registered_at` and key epoch read from the chain; `statement` overrides any statement
 * field and `signer` signs in the node key's place (forgeries). Returns
 * `{ record, statement, signature }`.
 */
export async function signRecord(api, key, record, { statement = {}, signer = key.pair } = {}) {
  const registeredAt = statement.registeredAt ?? (await registryEntry(api, key)).registeredAt.toBigInt();
  const keyEpoch = statement.keyEpoch ?? (await api.query.registration.nodeKeyEpoch(key.base58Hex)).toNumber();
  const bytes = recordStatementBytes({
    genesisHash: api.genesisHash.toU8a(), peerId: key.raw, registeredAt, keyEpoch, record, ...statement,
  });
  return { record: normalizeRecord(record), statement: bytes, signature: ed25519Sign(bytes, signer) };
}

/** `registration.publishNodeRecord` for a `signRecord` result (the node named by `key`). */
export function publishCall(api, key, { record, signature }) {
  return api.tx.registration.publishNodeRecord(key.base58Hex, recordCodec(api, record), u8aToHex(signature));
}

/** The liveness period length in blocks (`HeartbeatPeriod`). */
export const heartbeatPeriod = (api) => api.consts.registration.heartbeatPeriod.toNumber();

/** The best block's number. */
export const bestNumber = async (api) => (await api.rpc.chain.getHeader()).number.toNumber();

/**
 * The period of the next block: the one a transaction sent now is applied in (and validated
 * for: the pool checks a transaction as if in the block after the best one).
 */
export async function nextPeriod(api) {
  return Math.floor(((await bestNumber(api)) + 1) / heartbeatPeriod(api));
}

/**
 * `registration.heartbeat` of `key` for `period` (default: the next block's) and `version`,
 * signed by the node key; `statement` overrides any signed field, `signer` signs instead.
 */
export async function heartbeatCall(api, key, { period, version = '', statement = {}, signer = key.pair } = {}) {
  const p = period ?? await nextPeriod(api);
  const bytes = heartbeatStatementBytes({ genesisHash: api.genesisHash.toU8a(), peerId: key.raw, period: p, version, ...statement });
  return api.tx.registration.heartbeat(key.base58Hex, p, u8aToHex(text(version)), u8aToHex(ed25519Sign(bytes, signer)));
}

/**
 * Submits `tx` unsigned (a bare, fee-less extrinsic) and resolves once it is in a finalized
 * block with `{ events, blockHash }` (its own events). Rejects when the pool refuses it, with
 * the RPC's error (`1010: …`). Not for a replay: polkadot.js answers `send()` of bytes it sent
 * a moment ago from its subscription cache (see `poolRefusal`).
 */
export function submitUnsigned(api, tx) {
  if (tx.isSigned) throw new Error('submitUnsigned: the transaction is signed');
  return new Promise((resolve, reject) => {
    let unsub = null;
    let done = false;
    const finish = () => { done = true; if (unsub) unsub(); };
    tx.send((result) => {
      if (done) return;
      if (result.isError || result.status.isInvalid || result.status.isDropped) {
        finish();
        reject(new Error(`transaction ${result.status.type}`));
      } else if (result.status.isFinalized) {
        finish();
        resolve({ events: result.events.map(({ event }) => event), blockHash: result.status.asFinalized });
      }
    }).then((u) => { unsub = u; if (done) u(); }).catch((error) => { done = true; reject(error); });
  });
}

/**
 * What the pool says of `tx` now, without building a block when it refuses: null when it would
 * accept it (then nothing is submitted), otherwise `Invalid.<Reason>` (`Invalid.BadProof`) from
 * the runtime's `TaggedTransactionQueue_validate_transaction` (what the pool runs, as in the block
 * after the best one), after checking that `author_submitExtrinsic` does reject it (RPC error
 * 1010). The extrinsic goes to the runtime API as its bytes (see `dryRun`). `author_submitExtrinsic`
 * rather than `tx.send()`: polkadot.js reuses a recent subscription for identical extrinsic bytes,
 * so `send()` of a replayed transaction resolves with the original's result.
 */
export async function poolRefusal(api, tx) {
  const best = await api.rpc.chain.getBlockHash();
  const validity = await api.call.taggedTransactionQueue.validateTransaction('External', tx.toU8a(), best);
  if (validity.isOk) return null;
  const error = await api.rpc.author.submitExtrinsic(tx).then(() => null, (e) => e);
  if (!error || !/^1010\b/.test(error.message)) throw new Error(`the pool did not reject it: ${error?.message}`);
  const invalid = validity.asErr;
  return `${invalid.type}.${invalid.isInvalid ? invalid.asInvalid.type : invalid.asUnknown.type}`;
}

/**
 * Puts `txs` (signed or not, each checked by the pool on submission) into one new block:
 * chopsticks' Manual mode, then `dev_newBlock`, then Instant mode again. Resolves to the
 * block's hash and, for each transaction in order, its events.
 */
export async function inOneBlock(api, txs) {
  const provider = api._options.provider;
  const hashes = [];
  await provider.send('dev_setBlockBuildMode', ['Manual']);
  try {
    for (const tx of txs) hashes.push((await api.rpc.author.submitExtrinsic(tx)).toHex());
    await provider.send('dev_newBlock', [{ count: 1 }]);
  } finally {
    await provider.send('dev_setBlockBuildMode', ['Instant']);
  }
  const blockHash = await api.rpc.chain.getBlockHash();
  const block = await api.rpc.chain.getBlock(blockHash);
  const index = hashes.map((hash) => block.block.extrinsics.findIndex((x) => x.hash.toHex() === hash));
  if (index.includes(-1)) throw new Error('a transaction did not make it into the block');
  const events = await (await api.at(blockHash)).query.system.events();
  return {
    blockHash,
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

// ---------------------------------------------------------------------------------------------
// View functions

/** The view functions' signatures, exactly as the pallet declares them (the id hashes them). */
export const VIEWS = {
  nodesByType: 'nodes_by_type(NodeType,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>',
  nodesByStatus: 'nodes_by_status(Status,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>',
  nodesByCapability: 'nodes_by_capability(Vec<u8>,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>',
  nodesOfOwner: 'nodes_of_owner(T::AccountId,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>',
  ownerNodeCount: 'owner_node_count(T::AccountId) -> u32',
  nodeView: 'node_view(Vec<u8>) -> Option<NodeView<T>>',
  nodeCounts: 'node_counts() -> NodeCounts',
};

/** The registry name (`Lookup228`) of the metadata type whose path is `path`. */
export function metadataType(api, path) {
  const found = api.registry.lookup.types.filter((t) => t.type.path.map(String).join('::') === path);
  if (found.length !== 1) throw new Error(`${found.length} types with path ${path}`);
  return api.registry.createLookupType(found[0].id);
}

/** Paths of the view functions' result types in the metadata's type registry. */
export const TYPE_PATHS = {
  nodePage: 'pallet_registration::types::NodePage',
  pageError: 'pallet_registration::types::PageError',
  nodeView: 'pallet_registration::types::NodeView',
  nodeCounts: 'pallet_registration::types::NodeCounts',
};
const { nodePage: NODE_PAGE, pageError: PAGE_ERROR, nodeView: NODE_VIEW, nodeCounts: NODE_COUNTS } = TYPE_PATHS;

/**
 * A paged view function's answer: the page, or an error naming why the chain refused it (a zero
 * limit, a cursor that is no PeerId, a capability over the bound), never an empty last page.
 */
async function page(api, signature, input, at) {
  const type = `Result<${metadataType(api, NODE_PAGE)}, ${metadataType(api, PAGE_ERROR)}>`;
  const result = await viewFunction(api, signature, u8aToHex(input), type, at);
  if (result.isErr) throw new Error(`the chain refused the page: ${result.asErr.type}`);
  return result.asOk;
}

const cursor = (api, startAfter) => api.createType('Option<Bytes>', startAfter == null ? null : u8aToHex(startAfter));

function nodeTypeIndex(nodeType) {
  const index = NODE_TYPES.indexOf(nodeType);
  if (index < 0) throw new Error(`unknown node type ${nodeType}`);
  return Uint8Array.of(index);
}

/** A page of the nodes of `nodeType` after `startAfter` (a node id, either form), at most `limit`. */
export async function nodesByType(api, nodeType, { startAfter = null, limit = 100, at } = {}) {
  const input = u8aConcat(nodeTypeIndex(nodeType), cursor(api, startAfter).toU8a(), uintLe(limit, 4));
  return page(api, VIEWS.nodesByType, input, at);
}

/** A page of the nodes with `status` (a name of `STATUSES`). */
export async function nodesByStatus(api, status, { startAfter = null, limit = 100, at } = {}) {
  const index = STATUSES.indexOf(status);
  if (index < 0) throw new Error(`unknown status ${status}`);
  const input = u8aConcat(Uint8Array.of(index), cursor(api, startAfter).toU8a(), uintLe(limit, 4));
  return page(api, VIEWS.nodesByStatus, input, at);
}

/** A page of the nodes whose record names `capability`. */
export async function nodesByCapability(api, capability, { startAfter = null, limit = 100, at } = {}) {
  const input = u8aConcat(api.createType('Bytes', u8aToHex(text(capability))).toU8a(), cursor(api, startAfter).toU8a(), uintLe(limit, 4));
  return page(api, VIEWS.nodesByCapability, input, at);
}

/** A page of the nodes of `owner` (an address or a keyring pair): its fleet. */
export async function nodesOfOwner(api, owner, { startAfter = null, limit = 100, at } = {}) {
  const account = api.createType('AccountId32', owner.address ?? owner).toU8a();
  const input = u8aConcat(account, cursor(api, startAfter).toU8a(), uintLe(limit, 4));
  return page(api, VIEWS.nodesOfOwner, input, at);
}

/** How many nodes `owner` (an address or a keyring pair) has registered. */
export async function ownerNodeCount(api, owner, { at } = {}) {
  const account = api.createType('AccountId32', owner.address ?? owner).toHex();
  return (await viewFunction(api, VIEWS.ownerNodeCount, account, 'u32', at)).toNumber();
}

/** A node (either id form) with its record and liveness, or null. */
export async function nodeView(api, nodeId, { at } = {}) {
  // Bytes' toHex() leaves out the length prefix; toU8a() has it.
  const input = u8aToHex(api.createType('Bytes', u8aToHex(nodeId)).toU8a());
  const view = await viewFunction(api, VIEWS.nodeView, input, `Option<${metadataType(api, NODE_VIEW)}>`, at);
  return view.isSome ? view.unwrap() : null;
}

/** Registered nodes per type and per status: `{ byType: { StorageMiner: 2, … }, byStatus: { … } }`. */
export async function nodeCounts(api, { at } = {}) {
  const counts = await viewFunction(api, VIEWS.nodeCounts, '0x', metadataType(api, NODE_COUNTS), at);
  const table = (pairs) => Object.fromEntries(pairs.map(([key, count]) => [key.toString(), count.toNumber()]));
  return { byType: table(counts.byType), byStatus: table(counts.byStatus) };
}

/**
 * Every page of a paged query: `query({ startAfter, limit })` is called with the previous page's
 * `next` until it is None. Returns the pages (the nodes of each and its `next`).
 */
export async function allPages(query, limit, maxPages = 100) {
  const pages = [];
  let startAfter = null;
  do {
    const page = await query({ startAfter, limit });
    pages.push({ nodes: page.nodes.toArray(), next: page.next.isSome ? page.next.unwrap().toU8a(true) : null });
    startAfter = pages.at(-1).next;
    if (pages.length > maxPages) throw new Error('paging does not end');
  } while (startAfter);
  return pages;
}

/** The node id (base58 text) of a `NodeView`. */
export const viewNodeId = (view) => u8aToString(view.info.nodeId.toU8a(true));

// ---------------------------------------------------------------------------------------------
// Checking a record without trusting the RPC

/** The raw PeerId and Ed25519 public key of a base58 node id; throws if it is not Ed25519's. */
export function peerOf(base58) {
  const raw = base58Decode(base58);
  if (raw.length !== 38 || !u8aEq(raw.subarray(0, 6), PEER_ID_PREFIX)) throw new Error(`${base58} is not an Ed25519 PeerId`);
  return { raw, publicKey: raw.slice(6) };
}

/**
 * Checks the record in `view` (a `NodeView` from the chain) against the node the client asked
 * for (`nodeId`, base58 text) and the chain it knows (`genesisHash`): the node key's signature of
 * the statement rebuilt from the returned fields. Only `registered_at`, the key epoch and the
 * record come from the RPC, and the signature covers them. Returns the record with its addresses as text, or
 * throws.
 */
export function verifyRecord(view, { nodeId, genesisHash }) {
  if (!view || view.record.isNone) throw new Error('no record');
  if (viewNodeId(view) !== nodeId) throw new Error(`asked for ${nodeId}, got ${viewNodeId(view)}`);
  const { raw, publicKey } = peerOf(nodeId);
  const signed = view.record.unwrap();
  const record = {
    seq: signed.record.seq.toBigInt(),
    addresses: signed.record.addresses.map((a) => a.toU8a(true)),
    version: signed.record.version.toU8a(true),
    capabilities: signed.record.capabilities.map((c) => c.toU8a(true)),
  };
  const statement = recordStatementBytes({
    genesisHash, peerId: raw, registeredAt: view.info.registeredAt.toBigInt(), keyEpoch: view.keyEpoch.toNumber(), record,
  });
  if (!ed25519Verify(statement, signed.signature.toU8a(true), publicKey)) {
    throw new Error(`the record of ${nodeId} is not signed by its key`);
  }
  return {
    seq: record.seq,
    addresses: record.addresses.map(multiaddrText),
    version: u8aToString(record.version),
    capabilities: record.capabilities.map(u8aToString),
    publishedAt: signed.publishedAt.toNumber(),
  };
}
