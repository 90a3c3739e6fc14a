// Discovery (issue 13), written from the contract: binary multiaddrs from text and back, the
// `NodeRecord`, `RecordStatement` and `HeartbeatStatement` encodings by hand, the node key's
// signatures, the calls `publish_node_record` and `heartbeat` signed or fee-less (bare here;
// general transactions in general.mjs), and a check of a record's signature that trusts neither
// the owner nor the RPC (`verifyRecord`). The paged view functions are in views.mjs.
import { compactToU8a, u8aConcat, u8aToHex, u8aToString, stringToU8a } from '@polkadot/util';
import { base58Decode, base58Encode, ed25519Sign, ed25519Verify } from '@polkadot/util-crypto';
import { peerOf } from './keys.mjs';
import { bigIntOf, bytesOf, bytesVec, fixed, text, uintLe } from './scale.mjs';

/** The 24-byte domain of a record statement: ASCII `HIPPIUS::RECORD::v1` and five zero bytes. */
export const RECORD_DOMAIN = u8aConcat(stringToU8a('HIPPIUS::RECORD::v1'), new Uint8Array(5));

/** The 24-byte domain of a heartbeat: ASCII `HIPPIUS::HEARTBEAT::v1` and two zero bytes. */
export const HEARTBEAT_DOMAIN = u8aConcat(stringToU8a('HIPPIUS::HEARTBEAT::v1'), new Uint8Array(2));

/** `Status` in encoding order. @type {readonly string[]} */
export const STATUSES = ['Online', 'Degraded', 'Offline'];

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

/**
 * An unsigned varint (multiformats: 7 bits a byte, low first).
 * @param {bigint | number} value
 * @returns {Uint8Array}
 */
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
 * @param {string} text
 * @returns {Uint8Array}
 * @throws {Error} for an unknown protocol or a malformed value
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

/**
 * The text of a binary multiaddr of the protocols `multiaddr` knows; throws on anything else.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
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

/**
 * A node record as a client writes it.
 * @typedef {object} NodeRecord
 * @property {bigint | number} seq above the stored record's
 * @property {(string | Uint8Array)[]} [addresses] multiaddrs: text (`/ip4/…/tcp/…`) or binary
 * @property {string | Uint8Array} [version]
 * @property {(string | Uint8Array)[]} [capabilities]
 */

/**
 * A record with every field in bytes (what is encoded): `seq` a bigint, addresses binary.
 * @param {NodeRecord} record
 * @returns {{ seq: bigint, addresses: Uint8Array[], version: Uint8Array, capabilities: Uint8Array[] }}
 */
export function normalizeRecord({ seq, addresses = [], version = '', capabilities = [] }) {
  return {
    seq: BigInt(seq),
    addresses: addresses.map((a) => (typeof a === 'string' ? multiaddr(a) : a)),
    version: text(version),
    capabilities: capabilities.map(text),
  };
}

/**
 * The SCALE encoding of a `NodeRecord`: u64 LE seq, then compact-length vectors.
 * @param {NodeRecord} record
 * @returns {Uint8Array}
 */
export function recordBytes(record) {
  const r = normalizeRecord(record);
  return u8aConcat(uintLe(r.seq, 8), bytesVec(r.addresses), compactToU8a(r.version.length), r.version, bytesVec(r.capabilities));
}

/**
 * The SCALE encoding of a `RecordStatement`: what the node key signs to publish `record`. `peerId`
 * is the raw 38-byte PeerId, `registeredAt` the node's `registered_at` (u64 block numbers),
 * `keyEpoch` how many times the node moved to a new key (`NodeKeyEpoch`, 0 before any rotation).
 * @param {{ genesisHash: Uint8Array, peerId: Uint8Array, registeredAt: bigint | number, keyEpoch?: number,
 *   record: NodeRecord, domain?: Uint8Array }} fields
 * @returns {Uint8Array}
 */
export function recordStatementBytes({ domain = RECORD_DOMAIN, genesisHash, peerId, registeredAt, keyEpoch = 0, record }) {
  return u8aConcat(
    fixed('domain', domain, 24), fixed('genesisHash', genesisHash, 32), fixed('peerId', peerId, 38),
    uintLe(registeredAt, 8), uintLe(keyEpoch, 4), recordBytes(record),
  );
}

/**
 * The SCALE encoding of a `HeartbeatStatement`: what the node key signs for `period`.
 * @param {{ genesisHash: Uint8Array, peerId: Uint8Array, period: number, version?: string | Uint8Array,
 *   domain?: Uint8Array }} fields `peerId` raw
 * @returns {Uint8Array}
 */
export function heartbeatStatementBytes({ domain = HEARTBEAT_DOMAIN, genesisHash, peerId, period, version = '' }) {
  const v = text(version);
  return u8aConcat(
    fixed('domain', domain, 24), fixed('genesisHash', genesisHash, 32), fixed('peerId', peerId, 38),
    uintLe(period, 4), compactToU8a(v.length), v,
  );
}

/**
 * The chain's `NodeRecord` type (the call argument), decoded from exactly the hand-made bytes.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {NodeRecord} record
 * @returns {import('@polkadot/types/types').Codec}
 */
export function recordCodec(api, record) {
  const arg = api.tx.registration.publishNodeRecord.meta.args.find((a) => a.name.toString() === 'record');
  const bytes = recordBytes(record);
  const codec = api.createType(arg.type.toString(), bytes);
  if (codec.encodedLength !== bytes.length) throw new Error('record bytes do not decode exactly');
  return codec;
}

/**
 * The registry record of a node (storage `ColdkeyNodeRegistrationV2`), by a `nodeKey`.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {import('./keys.mjs').NodeKey} key
 * @returns {Promise<any>} the chain's `NodeInfo`
 * @throws {Error} when the node is not registered
 */
export async function registryEntry(api, key) {
  const info = await api.query.registration.coldkeyNodeRegistrationV2(key.base58Hex);
  if (info.isNone) throw new Error(`node ${key.base58} is not registered`);
  return info.unwrap();
}

/**
 * `record` signed by `key` (a `nodeKey`) for the chain `api` talks to: the statement with the
 * node's `registered_at` and key epoch read from the chain; `statement` overrides any statement
 * field and `signer` signs in the node key's place (forgeries).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {import('./keys.mjs').NodeKey} key
 * @param {NodeRecord} record
 * @param {{ statement?: object, signer?: import('@polkadot/util-crypto/types').Keypair }} [options]
 * @returns {Promise<{ record: ReturnType<typeof normalizeRecord>, statement: Uint8Array, signature: Uint8Array }>}
 */
export async function signRecord(api, key, record, { statement = {}, signer = key.pair } = {}) {
  const registeredAt = statement.registeredAt ?? (await registryEntry(api, key)).registeredAt.toBigInt();
  const keyEpoch = statement.keyEpoch ?? (await api.query.registration.nodeKeyEpoch(key.base58Hex)).toNumber();
  const bytes = recordStatementBytes({
    genesisHash: api.genesisHash.toU8a(), peerId: key.raw, registeredAt, keyEpoch, record, ...statement,
  });
  return { record: normalizeRecord(record), statement: bytes, signature: ed25519Sign(bytes, signer) };
}

/**
 * `registration.publishNodeRecord` for a `signRecord` result (the node named by `key`); send it
 * fee-less as a general transaction (`submitGeneral`), or bare (`submitUnsigned`), or signed (`send`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {import('./keys.mjs').NodeKey} key
 * @param {{ record: NodeRecord, signature: Uint8Array }} signed
 * @returns {import('@polkadot/api/types').SubmittableExtrinsic<'promise'>}
 */
export function publishCall(api, key, { record, signature }) {
  return api.tx.registration.publishNodeRecord(key.base58Hex, recordCodec(api, record), u8aToHex(signature));
}

/**
 * The liveness period's length in blocks (the constant `HeartbeatPeriod`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @returns {number}
 */
export const heartbeatPeriod = (api) => api.consts.registration.heartbeatPeriod.toNumber();

/**
 * The best block's number.
 * @param {import('@polkadot/api').ApiPromise} api
 * @returns {Promise<number>}
 */
export const bestNumber = async (api) => (await api.rpc.chain.getHeader()).number.toNumber();

/**
 * The period of the next block: the one a transaction sent now is applied in (and validated
 * for: the pool checks a transaction as if in the block after the best one).
 * @param {import('@polkadot/api').ApiPromise} api
 * @returns {Promise<number>}
 */
export async function nextPeriod(api) {
  return Math.floor(((await bestNumber(api)) + 1) / heartbeatPeriod(api));
}

/**
 * `registration.heartbeat` of `key` for `period` (default: the next block's) and `version`,
 * signed by the node key; `statement` overrides any signed field, `signer` signs instead. Sent
 * as `publishCall`'s result is.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {import('./keys.mjs').NodeKey} key
 * @param {{ period?: number, version?: string, statement?: object, signer?: import('@polkadot/util-crypto/types').Keypair }} [options]
 * @returns {Promise<import('@polkadot/api/types').SubmittableExtrinsic<'promise'>>}
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
 * a moment ago from its subscription cache. The path for a chain whose runtime does not take
 * general transactions (`supportsGeneral` false); on one that does, `submitGeneral` sends the
 * same call, which the pool judges alike: docs/discovery.md, "Sending records and heartbeats".
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {import('@polkadot/api/types').SubmittableExtrinsic<'promise'>} tx
 * @returns {Promise<{ events: any[], blockHash: any }>}
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

// ---------------------------------------------------------------------------------------------
// Checking records and heartbeats without trusting the RPC

/**
 * The node id (base58 text) of a `NodeView` (from `nodeView` or a page's nodes).
 * @param {{ info: { nodeId: Uint8Array | { toU8a: (bare?: boolean) => Uint8Array } } }} view
 * @returns {string}
 */
export const viewNodeId = (view) => u8aToString(bytesOf(view.info.nodeId));

/** The base58 text of a node id given as text or as the raw PeerId's bytes. */
const base58Of = (nodeId) => (typeof nodeId === 'string' ? nodeId : base58Encode(nodeId));

/**
 * A record as `verifyRecord` returns it: addresses and texts decoded.
 * @typedef {object} VerifiedRecord
 * @property {bigint} seq
 * @property {string[]} addresses multiaddrs as text
 * @property {string} version
 * @property {string[]} capabilities
 * @property {number} publishedAt the block it was published in
 */

/**
 * Checks the record in `view` against the node the client asked for (`nodeId`, base58 text or
 * raw PeerId) and the chain it knows (`genesisHash`): the node key's signature of the statement
 * rebuilt from the returned fields. Only `registered_at`, the key epoch and the record come
 * from the RPC, and the signature covers them. `view` is a `NodeView` as the chain returns it
 * (`nodeView`, a page's nodes) or the same shape in plain values (`record` null when there is
 * none). Returns the record with its addresses as text, or throws.
 * @param {any} view
 * @param {{ nodeId: string | Uint8Array, genesisHash: Uint8Array }} expected
 * @returns {VerifiedRecord}
 * @throws {Error} when there is no record, it is another node's, or the signature does not verify
 */
export function verifyRecord(view, { nodeId, genesisHash }) {
  const option = view?.record;
  const signed = option == null || option.isNone === true ? null : (typeof option.unwrap === 'function' ? option.unwrap() : option);
  if (!signed) throw new Error('no record');
  const asked = base58Of(nodeId);
  if (viewNodeId(view) !== asked) throw new Error(`asked for ${asked}, got ${viewNodeId(view)}`);
  const { raw, publicKey } = peerOf(asked);
  const record = {
    seq: bigIntOf(signed.record.seq),
    addresses: [...signed.record.addresses].map(bytesOf),
    version: bytesOf(signed.record.version),
    capabilities: [...signed.record.capabilities].map(bytesOf),
  };
  const statement = recordStatementBytes({
    genesisHash, peerId: raw, registeredAt: bigIntOf(view.info.registeredAt), keyEpoch: Number(bigIntOf(view.keyEpoch)), record,
  });
  if (!ed25519Verify(statement, bytesOf(signed.signature), publicKey)) {
    throw new Error(`the record of ${asked} is not signed by its key (or not for this chain, registration and key epoch)`);
  }
  return {
    seq: record.seq,
    addresses: record.addresses.map(multiaddrText),
    version: u8aToString(record.version),
    capabilities: record.capabilities.map(u8aToString),
    publishedAt: Number(bigIntOf(signed.publishedAt)),
  };
}

/**
 * Whether `signature` is the node key's over the heartbeat statement of `nodeId` (base58 text or
 * raw PeerId) for `period` and `version` on the chain of `genesisHash`: what the pool checks of a
 * heartbeat, for a client relaying or auditing one.
 * @param {{ nodeId: string | Uint8Array, genesisHash: Uint8Array, period: number, version?: string | Uint8Array,
 *   signature: Uint8Array }} heartbeat
 * @returns {boolean}
 */
export function verifyHeartbeat({ nodeId, genesisHash, period, version = '', signature }) {
  const { raw, publicKey } = peerOf(base58Of(nodeId));
  return ed25519Verify(heartbeatStatementBytes({ genesisHash, peerId: raw, period, version }), bytesOf(signature), publicKey);
}
