// Owner consents and key rotation, written from the contract (issue 12): the `OwnerConsent` and
// `KeyRotation` layouts encoded by hand, the owner's signature (the runtime's `MultiSignature`)
// and the calls `register_node_with_consent`, `revoke_consent` and `rotate_node_key`. The
// `consent_payload` and `consent_status` view functions are in views.mjs.
import { u8aConcat, u8aToHex, u8aWrapBytes, stringToU8a } from '@polkadot/util';
import { base58Encode, blake2AsU8a, ed25519Sign, randomAsU8a } from '@polkadot/util-crypto';
import { chainContext, challengeBytes } from './registration.mjs';
import { fixed, uintLe } from './scale.mjs';

/** The 24-byte domain of a consent: ASCII `HIPPIUS::CONSENT::v2` and four zero bytes. */
export const CONSENT_DOMAIN = u8aConcat(stringToU8a('HIPPIUS::CONSENT::v2'), new Uint8Array(4));

/** The 24-byte domain of a rotation statement: ASCII `HIPPIUS::ROTATE::v1` and five zero bytes. */
export const ROTATE_DOMAIN = u8aConcat(stringToU8a('HIPPIUS::ROTATE::v1'), new Uint8Array(5));

/** `NodeType` in encoding order: its one-byte encoding is the index. @type {readonly string[]} */
export const NODE_TYPES = ['Validator', 'StorageMiner', 'StorageS3', 'ComputeMiner', 'GpuMiner'];

/** `ConsentStatus` in encoding order (what the `consent_status` view function returns). @type {readonly string[]} */
export const CONSENT_STATUSES = [
  'Valid', 'WrongDomain', 'WrongChain', 'InvalidPeerId', 'Expired', 'LifetimeTooLong', 'Revoked', 'BadSignature',
  'SmallOrderOwner',
];

/** Bytes of an OwnerConsent: 24 + 32 + 32 + 38 + 1 + 16 + 16 + 8 + 8 + 1. */
export const CONSENT_LEN = 176;

/** Bytes of a KeyRotation: 24 + 32 + 32 + 38 + 38 + 32. */
export const ROTATION_LEN = 196;

/**
 * A node type's one-byte encoding: its index in `NODE_TYPES` (a number is taken as the index).
 * @param {string | number} nodeType
 * @returns {number}
 * @throws {Error} for an unknown name
 */
export function nodeTypeIndex(nodeType) {
  const index = typeof nodeType === 'number' ? nodeType : NODE_TYPES.indexOf(nodeType);
  if (index < 0 || index > 255) throw new Error(`unknown node type ${nodeType}`);
  return index;
}

/**
 * The fields of an `OwnerConsent`.
 * @typedef {object} ConsentFields
 * @property {Uint8Array} genesisHash the chain's genesis hash (32 bytes)
 * @property {Uint8Array} owner the owner's 32-byte account id
 * @property {Uint8Array} peerId the raw 38-byte PeerId of the node the consent is for
 * @property {string | number} nodeType a name of `NODE_TYPES`
 * @property {bigint | number} maxFee the most the owner pays as the registration fee
 * @property {bigint | number} [maxDeposit] the most the owner holds as the node's bond (0 by default)
 * @property {bigint | number} validUntil the last block the consent may be used in
 * @property {bigint | number} [nonce] u64; raising the owner's nonce floor revokes consents below it
 * @property {boolean} [mayRotate] whether it also allows moving the owner's node to this PeerId
 * @property {Uint8Array} [domain] 24 bytes, `CONSENT_DOMAIN` by default
 */

/**
 * The SCALE encoding of an `OwnerConsent` (fields in order, no length prefixes): the bytes the
 * owner signs, `CONSENT_LEN` of them.
 * @param {ConsentFields} fields
 * @returns {Uint8Array}
 */
export function consentBytes({
  domain = CONSENT_DOMAIN, genesisHash, owner, peerId, nodeType, maxFee, maxDeposit = 0n, validUntil, nonce = 0n, mayRotate = false,
}) {
  return u8aConcat(
    fixed('domain', domain, 24),
    fixed('genesisHash', genesisHash, 32),
    fixed('owner', owner, 32),
    fixed('peerId', peerId, 38),
    Uint8Array.of(nodeTypeIndex(nodeType)),
    uintLe(maxFee, 16),
    uintLe(maxDeposit, 16),
    uintLe(validUntil, 8),
    uintLe(nonce, 8),
    Uint8Array.of(mayRotate ? 1 : 0),
  );
}

/**
 * The SCALE encoding of a `KeyRotation` statement: what the node's current key signs to hand the
 * node over to a new key, `ROTATION_LEN` bytes.
 * @param {{ genesisHash: Uint8Array, owner: Uint8Array, oldPeerId: Uint8Array, newPeerId: Uint8Array,
 *   challengeHash: Uint8Array, domain?: Uint8Array }} fields raw PeerIds; `challengeHash` is
 *   blake2_256 of the new key's registration challenge
 * @returns {Uint8Array}
 */
export function rotationBytes({ domain = ROTATE_DOMAIN, genesisHash, owner, oldPeerId, newPeerId, challengeHash }) {
  return u8aConcat(
    fixed('domain', domain, 24),
    fixed('genesisHash', genesisHash, 32),
    fixed('owner', owner, 32),
    fixed('oldPeerId', oldPeerId, 38),
    fixed('newPeerId', newPeerId, 38),
    fixed('challengeHash', challengeHash, 32),
  );
}

const SCHEMES = { sr25519: 'Sr25519', ed25519: 'Ed25519', ecdsa: 'Ecdsa' };

/**
 * The owner's `MultiSignature` of `message` with a keyring pair: the bare bytes or, with
 * `wrap`, `<Bytes>` ++ message ++ `</Bytes>` as the polkadot.js extension and apps sign raw data.
 * @param {import('@polkadot/keyring/types').KeyringPair} pair
 * @param {Uint8Array} message
 * @param {{ wrap?: boolean }} [options]
 * @returns {{ Sr25519?: string, Ed25519?: string, Ecdsa?: string }} the variant and the signature as hex
 */
export function ownerSignature(pair, message, { wrap = false } = {}) {
  const scheme = SCHEMES[pair.type];
  if (!scheme) throw new Error(`no MultiSignature variant for ${pair.type}`);
  return { [scheme]: u8aToHex(pair.sign(wrap ? u8aWrapBytes(message) : message)) };
}

/**
 * The 32-byte account id of a keyring pair (for ecdsa: blake2_256 of its public key); 32 bytes
 * given as they are.
 * @param {import('@polkadot/keyring/types').KeyringPair | Uint8Array} owner
 * @returns {Uint8Array}
 */
export const accountId = (owner) => (owner instanceof Uint8Array ? fixed('account id', owner, 32) : owner.addressRaw);

/**
 * A signed consent.
 * @typedef {object} SignedConsent
 * @property {ConsentFields} consent its fields
 * @property {Uint8Array} bytes its encoding (what was signed, unless wrapped)
 * @property {ReturnType<typeof ownerSignature>} signature the owner's `MultiSignature`
 */

/**
 * A consent of `owner` (a keyring pair, or an account id with `sign.pair`) for `key` (see
 * `nodeKey`) on the chain `api` talks to, valid for `lifetime` blocks after the best block,
 * signed. `maxFee` and `maxDeposit` cap what a registration with it may take from the owner.
 * `fields` overrides any other field of the consent; `sign` chooses the signer (`pair`, default
 * the owner) and `wrap`. A random nonce unless `nonce` is given.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {{ owner: import('@polkadot/keyring/types').KeyringPair | Uint8Array, key: import('./keys.mjs').NodeKey,
 *   nodeType?: string, maxFee: bigint | number, maxDeposit?: bigint | number, lifetime?: number,
 *   nonce?: bigint | number, mayRotate?: boolean,
 *   sign?: { pair?: import('@polkadot/keyring/types').KeyringPair, wrap?: boolean } } & Partial<ConsentFields>} options
 * @returns {Promise<SignedConsent>}
 */
export async function signedConsent(api, { owner, key, nodeType = 'StorageMiner', maxFee, maxDeposit = 0n, lifetime = 100, nonce, mayRotate = false, sign = {}, ...fields }) {
  const { genesisHash, blockNumber } = await chainContext(api);
  const consent = {
    genesisHash,
    owner: accountId(owner),
    peerId: key.raw,
    nodeType,
    maxFee,
    maxDeposit,
    validUntil: blockNumber + lifetime,
    nonce: nonce ?? BigInt(u8aToHex(randomAsU8a(8))),
    mayRotate,
    ...fields,
  };
  const bytes = consentBytes(consent);
  const signature = ownerSignature(sign.pair ?? owner, bytes, { wrap: sign.wrap });
  return { consent, bytes, signature };
}

/**
 * The type name of argument `name` (camelCase) of `registration.<call>`, for `api.createType`.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string} call camelCase (`registerNodeWithConsent`)
 * @param {string} name camelCase (`ownerSignature`)
 * @returns {string}
 */
export function argType(api, call, name) {
  const arg = api.tx.registration[call].meta.args.find((a) => a.name.toString() === name);
  if (!arg) throw new Error(`registration.${call} has no argument ${name}`);
  return arg.type.toString();
}

/**
 * The consent bytes as the chain's `OwnerConsent` type (decoded from exactly these bytes).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {Uint8Array} bytes
 * @returns {import('@polkadot/types/types').Codec}
 * @throws {Error} when the bytes are not exactly one consent
 */
export function consentCodec(api, bytes) {
  const codec = api.createType(argType(api, 'registerNodeWithConsent', 'consent'), bytes);
  if (codec.encodedLength !== bytes.length) throw new Error('consent bytes do not decode exactly');
  return codec;
}

/**
 * Every argument of `register_node_with_consent`: a fresh challenge of `key` bound to the
 * consent's owner, signed by `key`; `overrides` changes any of them, `challenge` any challenge
 * field.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {{ signed: SignedConsent, key: import('./keys.mjs').NodeKey, nodeType?: string, lifetime?: number,
 *   challenge?: object } & object} options
 * @returns {Promise<{ nodeType: string | number, consent: Uint8Array, ownerSignature: object, mainPublicKey: Uint8Array,
 *   mainSig: Uint8Array, challengeBytes: Uint8Array }>}
 */
export async function consentRegistrationArgs(api, { signed, key, nodeType, lifetime = 20, challenge = {}, ...overrides }) {
  const { genesisHash, blockNumber } = await chainContext(api);
  const bytes = challengeBytes({
    genesisHash,
    owner: signed.consent.owner,
    nodeIdHex: key.raw,
    blockNumber,
    expiresAt: blockNumber + lifetime,
    ...challenge,
  });
  return {
    nodeType: nodeType ?? signed.consent.nodeType,
    consent: signed.bytes,
    ownerSignature: signed.signature,
    mainPublicKey: key.publicKey,
    mainSig: ed25519Sign(bytes, key.pair),
    challengeBytes: bytes,
    ...overrides,
  };
}

/**
 * `registration.registerNodeWithConsent` for `args` (from `consentRegistrationArgs`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {Awaited<ReturnType<typeof consentRegistrationArgs>>} a
 * @returns {import('@polkadot/api/types').SubmittableExtrinsic<'promise'>}
 */
export function consentRegisterCall(api, a) {
  return api.tx.registration.registerNodeWithConsent(
    a.nodeType, consentCodec(api, a.consent), a.ownerSignature, u8aToHex(a.mainPublicKey), u8aToHex(a.mainSig),
    u8aToHex(a.challengeBytes),
  );
}

/**
 * `registration.revokeConsent` of the consent `bytes` (signed by its owner).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {Uint8Array} bytes
 * @returns {import('@polkadot/api/types').SubmittableExtrinsic<'promise'>}
 */
export const revokeCall = (api, bytes) => api.tx.registration.revokeConsent(consentCodec(api, bytes));

/**
 * Every argument of `rotate_node_key` moving `oldKey`'s node of `owner` (a pair or its account
 * id) to `newKey`: the new key's challenge bound to the owner, the statement naming both PeerIds and
 * the challenge's hash, signed by the old key. `consent` is a `signedConsent` (or null when the
 * owner submits); `overrides` changes any argument, `statement` any statement field.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {{ owner: import('@polkadot/keyring/types').KeyringPair | Uint8Array, oldKey: import('./keys.mjs').NodeKey,
 *   newKey: import('./keys.mjs').NodeKey, consent?: SignedConsent | null, lifetime?: number, statement?: object } & object} options
 * @returns {Promise<{ nodeId: Uint8Array, newPublicKey: Uint8Array, newKeySig: Uint8Array, challengeBytes: Uint8Array,
 *   rotation: Uint8Array, oldKeySig: Uint8Array, consent: SignedConsent | null }>}
 */
export async function rotationArgs(api, { owner, oldKey, newKey, consent = null, lifetime = 20, statement = {}, ...overrides }) {
  const { genesisHash, blockNumber } = await chainContext(api);
  const ownerId = accountId(owner);
  const challenge = challengeBytes({
    genesisHash, owner: ownerId, nodeIdHex: newKey.raw, blockNumber, expiresAt: blockNumber + lifetime,
  });
  const rotation = rotationBytes({
    genesisHash,
    owner: ownerId,
    oldPeerId: oldKey.raw,
    newPeerId: newKey.raw,
    challengeHash: blake2AsU8a(challenge, 256),
    ...statement,
  });
  return {
    nodeId: oldKey.base58Bytes,
    newPublicKey: newKey.publicKey,
    newKeySig: ed25519Sign(challenge, newKey.pair),
    challengeBytes: challenge,
    rotation,
    oldKeySig: ed25519Sign(rotation, oldKey.pair),
    consent,
    ...overrides,
  };
}

/**
 * `registration.rotateNodeKey` for `args` (from `rotationArgs`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {Awaited<ReturnType<typeof rotationArgs>>} a
 * @returns {import('@polkadot/api/types').SubmittableExtrinsic<'promise'>}
 */
export function rotateCall(api, a) {
  const rotation = api.createType(argType(api, 'rotateNodeKey', 'rotation'), a.rotation);
  if (rotation.encodedLength !== a.rotation.length) throw new Error('rotation bytes do not decode exactly');
  const consent = a.consent ? [consentCodec(api, a.consent.bytes), a.consent.signature] : null;
  return api.tx.registration.rotateNodeKey(
    u8aToHex(a.nodeId), u8aToHex(a.newPublicKey), u8aToHex(a.newKeySig), u8aToHex(a.challengeBytes), rotation,
    u8aToHex(a.oldKeySig), consent,
  );
}

/** The `kind` of a consent file (the format `registrar run --consent-file` takes). */
export const CONSENT_FILE_KIND = 'registrar-owner-consent';

/** The consent file format's version this client writes. */
export const CONSENT_FILE_VERSION = 2;

/**
 * The consent file `registrar run --consent-file` takes (format 2, docs/consents-and-rotation.md)
 * for the consent `bytes` (an `OwnerConsent` in 64- or 32-bit block numbers, as
 * `consent_payload` returns them) signed with `signature` (a `MultiSignature` as
 * `ownerSignature` returns it) over `signedMessage`: `bare` bytes or `wrapped` in `<Bytes>`, as
 * wallets sign. The fields are decoded from `bytes`, so the file cannot say other terms than the
 * payload it carries.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {{ bytes: Uint8Array, signature: Record<string, string>, signedMessage: 'bare' | 'wrapped' }} signed
 * @returns {object} the file's JSON value
 */
export function consentFile(api, { bytes, signature, signedMessage }) {
  const consent = consentCodec(api, bytes);
  const [variant, value] = Object.entries(signature)[0] ?? [];
  const scheme = Object.keys(SCHEMES).find((name) => SCHEMES[name] === variant);
  if (!scheme) throw new Error(`not a MultiSignature: ${JSON.stringify(signature)}`);
  if (signedMessage !== 'bare' && signedMessage !== 'wrapped') throw new Error('signedMessage is bare or wrapped');
  return {
    kind: CONSENT_FILE_KIND,
    version: CONSENT_FILE_VERSION,
    consent: {
      domain: 'HIPPIUS::CONSENT::v2',
      genesis_hash: consent.genesisHash.toHex(),
      owner: api.createType('AccountId32', consent.owner).toString(),
      peer_id: base58Encode(consent.peerId.toU8a(true)),
      node_type: consent.nodeType.type,
      max_fee: consent.maxFee.toBigInt().toString(),
      max_deposit: consent.maxDeposit.toBigInt().toString(),
      valid_until: consent.validUntil.toNumber(),
      nonce: consent.nonce.toBigInt().toString(),
      may_rotate: consent.mayRotate.isTrue,
    },
    block_number_bits: bytes.length === CONSENT_LEN ? 64 : 32,
    payload: u8aToHex(bytes),
    consent_hash: u8aToHex(blake2AsU8a(bytes, 256)),
    signature: { scheme, signature: value, signed_message: signedMessage },
  };
}
