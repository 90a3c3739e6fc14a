// The reference pallet's storage layout (storage version 0, no version stored), written from the
// contract's description (issue 14, ../shared/spec/pallet.md), not from either pallet's code:
// raw storage keys and SCALE values, for chopsticks' `dev_setStorage`. Every map hashes its keys
// with Blake2_128Concat; node ids are the bytes the owner submitted (base58 text or raw PeerId).
import { compactToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, xxhashAsU8a } from '@polkadot/util-crypto';

/** `NodeType` variants, in order. */
export const NODE_TYPES = ['Validator', 'StorageMiner', 'StorageS3', 'ComputeMiner', 'GpuMiner'];
/** `Status` variants, in order. */
export const STATUSES = ['Online', 'Degraded', 'Offline'];

/** `twox_128("Registration")`: every key of the pallet starts with it. */
export const palletPrefix = xxhashAsU8a('Registration', 128);

/** `twox_128("Registration") ++ twox_128(item)`: a value's key, or the prefix of a map's keys. */
export const itemKey = (item) => u8aConcat(palletPrefix, xxhashAsU8a(item, 128));

/** Where FRAME keeps a pallet's storage version; the reference stored none. */
export const storageVersionKey = itemKey(':__STORAGE_VERSION__:');

/** The key of the Blake2_128Concat map `item`'s entry for the encoded key `encodedKey`. */
export const mapKey = (item, encodedKey) =>
  u8aConcat(itemKey(item), blake2AsU8a(encodedKey, 128), encodedKey);

/** SCALE: `Vec<u8>`. */
export const bytes = (value) => u8aConcat(compactToU8a(value.length), value);
/** SCALE: `Vec<T>` of already encoded items. */
export const vec = (items) => u8aConcat(compactToU8a(items.length), ...items);
/** SCALE: `bool`. */
export const bool = (value) => Uint8Array.of(value ? 1 : 0);
/** SCALE: unsigned little-endian integers. */
export const u32 = (value) => uint(value, 4);
export const u64 = (value) => uint(value, 8);
export const u128 = (value) => uint(value, 16);
/** SCALE: an enum variant without data (`NodeType`, `Status`, `Libp2pKeyType`). */
export const variant = (names, name) => {
  const index = names.indexOf(name);
  if (index < 0) throw new Error(`unknown variant ${name}`);
  return Uint8Array.of(index);
};

function uint(value, size) {
  const out = new Uint8Array(size);
  let rest = BigInt(value);
  for (let i = 0; i < size; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** `ColdkeyNodeInfoLite { node_id, node_type, status, registered_at, owner }` (u64 blocks). */
export const nodeInfo = ({ nodeId, nodeType, status, registeredAt, owner }) =>
  u8aConcat(bytes(nodeId), variant(NODE_TYPES, nodeType), variant(STATUSES, status), u64(registeredAt), owner);

/**
 * Collects raw storage writes: `map(item, encodedKey, value)` and `value(item, value)` (both
 * take encoded bytes, or null to remove); `pairs()` gives them as `dev_setStorage` takes them.
 */
export class RawStorage {
  entries = new Map();

  map(item, encodedKey, value) {
    return this.raw(mapKey(item, encodedKey), value);
  }

  value(item, value) {
    return this.raw(itemKey(item), value);
  }

  raw(key, value) {
    this.entries.set(u8aToHex(key), value === null ? null : u8aToHex(value));
    return this;
  }

  pairs() {
    return [...this.entries];
  }
}
