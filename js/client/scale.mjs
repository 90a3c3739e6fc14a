// The SCALE pieces this client encodes by hand: fixed-width little-endian integers, fixed-size
// byte arrays and compact-prefixed byte vectors. Internal to the package (not in its exports
// map): the modules share it so that each rule is written once.
import { compactToU8a, stringToU8a, u8aConcat } from '@polkadot/util';

/**
 * `value` as an unsigned little-endian integer of `bytes` bytes (SCALE's `u8` … `u128`).
 * @param {bigint | number | string} value
 * @param {number} bytes
 * @returns {Uint8Array}
 * @throws {Error} when `value` is negative or does not fit
 */
export function uintLe(value, bytes) {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * bytes)) throw new Error(`${value} does not fit in ${bytes} bytes`);
  for (let i = 0; i < bytes; i += 1) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

/**
 * `bytes` itself when it is a Uint8Array of exactly `length` bytes (a SCALE `[u8; length]`).
 * @param {string} name what the bytes are, for the error
 * @param {Uint8Array} bytes
 * @param {number} length
 * @returns {Uint8Array}
 * @throws {Error} naming `name` otherwise
 */
export function fixed(name, bytes, length) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new Error(`${name}: ${length} bytes expected, got ${bytes?.length}`);
  }
  return bytes;
}

/**
 * Text as its UTF-8 bytes; bytes as they are.
 * @param {string | Uint8Array} value
 * @returns {Uint8Array}
 */
export const text = (value) => (typeof value === 'string' ? stringToU8a(value) : value);

/**
 * SCALE `Vec<u8>`: the compact length, then the bytes.
 * @param {Uint8Array} value
 * @returns {Uint8Array}
 */
export const bytesScale = (value) => u8aConcat(compactToU8a(value.length), value);

/**
 * SCALE `Vec<Vec<u8>>`: the compact count, then each item as `Vec<u8>`.
 * @param {Uint8Array[]} items
 * @returns {Uint8Array}
 */
export const bytesVec = (items) => u8aConcat(compactToU8a(items.length), ...items.map(bytesScale));

/**
 * The bytes of a byte-like value: a Uint8Array as it is, a polkadot.js codec's content (without
 * a length prefix), or hex text.
 * @param {Uint8Array | string | { toU8a: (bare?: boolean) => Uint8Array }} value
 * @returns {Uint8Array}
 */
export function bytesOf(value) {
  if (value instanceof Uint8Array && typeof value.toU8a !== 'function') return value;
  if (value && typeof value.toU8a === 'function') return value.toU8a(true);
  if (typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value)) {
    return Uint8Array.from(value.slice(2).match(/../g) ?? [], (h) => parseInt(h, 16));
  }
  throw new Error(`bytes expected, got ${typeof value}`);
}

/**
 * A number-like value as a bigint: a bigint, number or decimal text, or a polkadot.js integer.
 * @param {bigint | number | string | { toBigInt: () => bigint }} value
 * @returns {bigint}
 */
export const bigIntOf = (value) => (value && typeof value.toBigInt === 'function' ? value.toBigInt() : BigInt(value));
