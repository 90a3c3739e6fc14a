// Node keys and PeerIds: a libp2p node's Ed25519 key, its PeerId in both forms the pallet takes
// (raw bytes, base58 text), and the keyring for owner accounts.
import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aConcat, u8aEq, u8aToHex } from '@polkadot/util';
import { base58Decode, base58Encode, cryptoWaitReady, ed25519PairFromSeed, randomAsU8a } from '@polkadot/util-crypto';

/** Bytes before the key in a raw Ed25519 PeerId (the identity multihash of the protobuf key). */
export const PEER_ID_PREFIX = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);

/**
 * A libp2p node key and its PeerId in every form a call or query takes.
 * @typedef {object} NodeKey
 * @property {import('@polkadot/util-crypto/types').Keypair} pair the Ed25519 key pair
 * @property {Uint8Array} publicKey its 32-byte public key
 * @property {Uint8Array} raw the raw 38-byte PeerId (`00 24 08 01 12 20` ++ public key)
 * @property {string} base58 the PeerId as text (`12D3KooW…`)
 * @property {Uint8Array} base58Bytes the text's bytes: the node id as the reference's calls take it
 * @property {string} rawHex `raw` as hex
 * @property {string} base58Hex `base58Bytes` as hex (polkadot.js takes a Uint8Array given for
 *   `Bytes` as already length-prefixed: pass hex)
 */

/**
 * Waits for the crypto WASM and returns a keyring of sr25519 accounts (SS58 prefix 42).
 * @returns {Promise<Keyring>}
 */
export async function ready() {
  await cryptoWaitReady();
  return new Keyring({ type: 'sr25519', ss58Format: 42 });
}

/**
 * A libp2p node key (Ed25519) from a 32-byte seed (random by default), with its PeerId.
 * @param {Uint8Array} [seed]
 * @returns {NodeKey}
 */
export function nodeKey(seed = randomAsU8a(32)) {
  const pair = ed25519PairFromSeed(seed);
  const raw = u8aConcat(PEER_ID_PREFIX, pair.publicKey);
  const base58 = base58Encode(raw);
  const base58Bytes = stringToU8a(base58);
  return { pair, publicKey: pair.publicKey, raw, base58, base58Bytes, rawHex: u8aToHex(raw), base58Hex: u8aToHex(base58Bytes) };
}

/**
 * The raw PeerId and Ed25519 public key of a base58 node id.
 * @param {string} base58
 * @returns {{ raw: Uint8Array, publicKey: Uint8Array }}
 * @throws {Error} when it is not the PeerId of an Ed25519 key
 */
export function peerOf(base58) {
  let raw;
  try {
    raw = base58Decode(base58);
  } catch {
    throw new Error(`${base58} is not a base58 PeerId`);
  }
  if (raw.length !== 38 || !u8aEq(raw.subarray(0, 6), PEER_ID_PREFIX)) throw new Error(`${base58} is not an Ed25519 PeerId`);
  return { raw, publicKey: raw.slice(6) };
}
