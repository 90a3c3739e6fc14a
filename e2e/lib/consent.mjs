// Client side of owner consents and key rotation, written from the contract (issue 12):
// the `OwnerConsent` and `KeyRotation` layouts encoded by hand, the owner's signature (the
// runtime's `MultiSignature`), the calls `register_node_with_consent`, `revoke_consent` and
// `rotate_node_key`, and the `consent_payload` / `consent_status` view functions.
import { u8aConcat, u8aToHex, u8aWrapBytes, stringToU8a } from '@polkadot/util';
import { blake2AsU8a, ed25519Sign, randomAsU8a } from '@polkadot/util-crypto';
import { chainContext, challengeBytes, viewFunction } from './registration.mjs';

/** The 24-byte domain of a consent: ASCII `HIPPIUS::CONSENT::v2` and four zero bytes. */
export const CONSENT_DOMAIN = u8aConcat(stringToU8a('HIPPIUS::CONSENT::v2'), new Uint8Array(4));

/** The 24-byte domain of a rotation statement: ASCII `HIPPIUS::ROTATE::v1` and five zero bytes. */
export const ROTATE_DOMAIN = u8aConcat(stringToU8a('HIPPIUS::ROTATE::v1'), new Uint8Array(5));

/** `NodeType` in encoding order: its one-byte encoding is the index. */
export const NODE_TYPES = ['Validator', 'StorageMiner', 'StorageS3', 'ComputeMiner', 'GpuMiner'];

/** `ConsentStatus` in encoding order (what the `consent_status` view function returns). */
export const CONSENT_STATUSES = [
  'Valid', 'WrongDomain', 'WrongChain', 'InvalidPeerId', 'Expired', 'LifetimeTooLong', 'Revoked', 'BadSignature',
  'SmallOrderOwner',
];

/** Bytes of an OwnerConsent: 24 + 32 + 32 + 38 + 1 + 16 + 8 + 8 + 1. */
export const CONSENT_LEN = 176;

/** Bytes of a KeyRotation: 24 + 32 + 32 + 38 + 38 + 32. */
export const ROTATION_LEN = 196;

function fixed(name, bytes, length) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new Error(`${name}: ${length} bytes expected, got ${bytes?.length}`);
  }
  return bytes;
}

function uintLe(value, bytes) {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * bytes)) throw new Error(`${value} does not fit in ${bytes} bytes`);
  for (let i = 0; i < bytes; i += 1) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

function nodeTypeIndex(nodeType) {
  const index = typeof nodeType === 'number' ? nodeType : NODE_TYPES.indexOf(nodeType);
  if (index < 0 || index > 255) throw new Error(`unknown node type ${nodeType}`);
  return index;
}

/**
 * The SCALE encoding of an `OwnerConsent` (fields in order, no length prefixes): the bytes the
 * owner signs. `owner` is the owner's 32-byte account id, `peerId` the raw 38-byte PeerId.
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

/** The SCALE encoding of a `KeyRotation` statement: what the node's current key signs. */
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
 */
export function ownerSignature(pair, message, { wrap = false } = {}) {
  const scheme = SCHEMES[pair.type];
  if (!scheme) throw new Error(`no MultiSignature variant for ${pair.type}`);
  return { [scheme]: u8aToHex(pair.sign(wrap ? u8aWrapBytes(message) : message)) };
}

/**
 * The 32-byte account id of a keyring pair (for ecdsa: blake2_256 of its public key); 32 bytes
 * given as they are.
 */
export const accountId = (owner) => (owner instanceof Uint8Array ? fixed('account id', owner, 32) : owner.addressRaw);

/**
 * A consent of `owner` (a keyring pair, or an account id with `sign.pair`) for `key` (see
 * `nodeKey`) on the chain `api` talks to, valid for `lifetime` blocks after the best block,
 * signed. `fields` overrides any other field of the consent; `sign` chooses the signer (`pair`,
 * default the owner) and `wrap`.
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

/** The type name of argument `name` (camelCase) of `registration.<call>`, for `api.createType`. */
export function argType(api, call, name) {
  const arg = api.tx.registration[call].meta.args.find((a) => a.name.toString() === name);
  if (!arg) throw new Error(`registration.${call} has no argument ${name}`);
  return arg.type.toString();
}

/** The consent bytes as the chain's `OwnerConsent` type (decoded from exactly these bytes). */
export function consentCodec(api, bytes) {
  const codec = api.createType(argType(api, 'registerNodeWithConsent', 'consent'), bytes);
  if (codec.encodedLength !== bytes.length) throw new Error('consent bytes do not decode exactly');
  return codec;
}

/**
 * Every argument of `register_node_with_consent`: a fresh challenge of `key` bound to the
 * consent's owner, signed by `key`; `overrides` changes any of them, `challenge` any challenge
 * field.
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

/** `registration.registerNodeWithConsent` for `args` (from `consentRegistrationArgs`). */
export function consentRegisterCall(api, a) {
  return api.tx.registration.registerNodeWithConsent(
    a.nodeType, consentCodec(api, a.consent), a.ownerSignature, u8aToHex(a.mainPublicKey), u8aToHex(a.mainSig),
    u8aToHex(a.challengeBytes),
  );
}

/** `registration.revokeConsent` of the consent `bytes`. */
export const revokeCall = (api, bytes) => api.tx.registration.revokeConsent(consentCodec(api, bytes));

/**
 * Every argument of `rotate_node_key` moving `oldKey`'s node of `owner` (a pair or its account
 * id) to `newKey`: the new key's challenge bound to the owner, the statement naming both PeerIds and
 * the challenge's hash, signed by the old key. `consent` is a `signedConsent` (or null when the
 * owner submits); `overrides` changes any argument, `statement` any statement field.
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

/** `registration.rotateNodeKey` for `args` (from `rotationArgs`). */
export function rotateCall(api, a) {
  const rotation = api.createType(argType(api, 'rotateNodeKey', 'rotation'), a.rotation);
  if (rotation.encodedLength !== a.rotation.length) throw new Error('rotation bytes do not decode exactly');
  const consent = a.consent ? [consentCodec(api, a.consent.bytes), a.consent.signature] : null;
  return api.tx.registration.rotateNodeKey(
    u8aToHex(a.nodeId), u8aToHex(a.newPublicKey), u8aToHex(a.newKeySig), u8aToHex(a.challengeBytes), rotation,
    u8aToHex(a.oldKeySig), consent,
  );
}

/**
 * The `consent_payload` view function: the consent `owner` (a pair or its account id) would
 * sign now and its encoding, or null when `peerId` (either form) is not acceptable. Returns
 * `{ consent, bytes }` with the consent as the chain's type.
 */
export async function consentPayload(api, { owner, peerId, nodeType, maxFee, maxDeposit = 0n, lifetime, nonce = 0n, mayRotate = false }) {
  const input = api.createType('(AccountId32, Bytes, u8, u128, u128, u64, u64, bool)', [
    accountId(owner), u8aToHex(peerId), nodeTypeIndex(nodeType), maxFee, maxDeposit, lifetime, nonce, mayRotate,
  ]).toHex();
  const consentType = argType(api, 'registerNodeWithConsent', 'consent');
  const result = await viewFunction(
    api,
    'consent_payload(T::AccountId,Vec<u8>,NodeType,BalanceOf<T>,BalanceOf<T>,BlockNumberFor<T>,u64,bool) -> Option<ConsentPayload<OwnerConsentOf<T>>>',
    input,
    `Option<(${consentType}, Bytes)>`,
  );
  if (result.isNone) return null;
  const [consent, bytes] = result.unwrap();
  return { consent, bytes: bytes.toU8a(true) };
}

/** The `consent_status` view function: a name of `CONSENT_STATUSES`. */
export async function consentStatus(api, bytes, signature) {
  const sigType = argType(api, 'registerNodeWithConsent', 'ownerSignature');
  const input = u8aConcat(consentCodec(api, bytes).toU8a(), api.createType(sigType, signature).toU8a());
  const status = await viewFunction(
    api,
    'consent_status(OwnerConsentOf<T>,T::OwnerSignature) -> ConsentStatus',
    u8aToHex(input),
    'u8',
  );
  const name = CONSENT_STATUSES[status.toNumber()];
  if (!name) throw new Error(`unknown ConsentStatus ${status.toNumber()}`);
  return name;
}
