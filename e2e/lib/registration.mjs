// Client side of the registration pallet, written from the contract (docs/spec), not from the
// Rust code: PeerIds, the challenge layout, signing, submitting and decoding errors.
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex, hexToU8a, stringToU8a } from '@polkadot/util';
import {
  base58Encode, blake2AsU8a, cryptoWaitReady, ed25519PairFromSeed, ed25519Sign, randomAsU8a, xxhashAsU8a,
} from '@polkadot/util-crypto';

export const UNIT = 10n ** 18n;

/** The 24-byte domain tag: ASCII `HIPPIUS::REGISTER::v1` and three zero bytes. */
export const DOMAIN = u8aConcat(stringToU8a('HIPPIUS::REGISTER::v1'), new Uint8Array(3));

/** Bytes before the key in a raw Ed25519 PeerId (identity multihash of the protobuf key). */
const PEER_ID_PREFIX = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);

export async function ready() {
  await cryptoWaitReady();
  return new Keyring({ type: 'sr25519', ss58Format: 42 });
}

/** A libp2p node key (Ed25519) from a 32-byte seed, with its PeerId in both forms. */
export function nodeKey(seed = randomAsU8a(32)) {
  const pair = ed25519PairFromSeed(seed);
  const raw = u8aConcat(PEER_ID_PREFIX, pair.publicKey);
  const base58 = base58Encode(raw);
  // polkadot.js reads a Uint8Array given for `Bytes` as already length-prefixed: pass hex.
  const base58Bytes = stringToU8a(base58);
  return { pair, publicKey: pair.publicKey, raw, base58, base58Bytes, rawHex: u8aToHex(raw), base58Hex: u8aToHex(base58Bytes) };
}

function u64le(value) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value), true);
  return bytes;
}

/** The SCALE encoding of `RegisterChallenge` with u64 block numbers: 200 bytes. */
export function challengeBytes({ genesisHash, owner, nodeIdHex, blockNumber, expiresAt, nonce = randomAsU8a(32), domain = DOMAIN }) {
  return u8aConcat(
    domain,
    genesisHash,
    owner,
    blake2AsU8a(nodeIdHex, 256),
    blake2AsU8a(new Uint8Array(), 256),
    u64le(blockNumber),
    nonce,
    u64le(expiresAt),
  );
}

/** What the chain binds challenges to: `System::BlockHash(0)` and the current block. */
export async function chainContext(api) {
  const genesisHash = (await api.query.system.blockHash(0)).toU8a();
  const blockNumber = (await api.rpc.chain.getHeader()).number.toNumber();
  return { genesisHash, blockNumber };
}

/** Every argument of `register_node_with_coldkey`, signed; `overrides` changes any of them. */
export async function registrationArgs(api, { owner, key, nodeType = 'StorageMiner', lifetime = 20, challenge = {}, ...overrides }) {
  const { genesisHash, blockNumber } = await chainContext(api);
  const bytes = challengeBytes({
    genesisHash,
    owner: owner.publicKey,
    nodeIdHex: key.raw,
    blockNumber,
    expiresAt: blockNumber + lifetime,
    ...challenge,
  });
  return {
    nodeType,
    nodeId: key.base58Bytes,
    payInCredits: false,
    owner: owner.address,
    mainKeyType: 'Ed25519',
    mainPublicKey: key.publicKey,
    mainSig: ed25519Sign(bytes, key.pair),
    challengeBytes: bytes,
    nodeIdHex: key.raw,
    ...overrides,
  };
}

/** The call for `args` (in the contract's parameter order); byte arguments go as hex. */
export function registerCall(api, a) {
  const bytes = (value) => (value instanceof Uint8Array ? u8aToHex(value) : value);
  return api.tx.registration.registerNodeWithColdkey(
    a.nodeType, bytes(a.nodeId), a.payInCredits, a.owner, a.mainKeyType, bytes(a.mainPublicKey),
    bytes(a.mainSig), bytes(a.challengeBytes), bytes(a.nodeIdHex),
  );
}

/** `register_node_with_max_fee`: the call for `args` with a price limit (`maxFee`). */
export function registerWithMaxFeeCall(api, a, maxFee) {
  const bytes = (value) => (value instanceof Uint8Array ? u8aToHex(value) : value);
  return api.tx.registration.registerNodeWithMaxFee(
    a.nodeType, bytes(a.nodeId), a.payInCredits, a.owner, a.mainKeyType, bytes(a.mainPublicKey),
    bytes(a.mainSig), bytes(a.challengeBytes), bytes(a.nodeIdHex), maxFee,
  );
}

/**
 * Signs and submits `tx`, resolving once it is finalized with its events and, on failure, the
 * error's name (`Registration.ChallengeReused`) in `error`; errors of calls made through sudo or
 * a proxy count too. Rejects when the pool refuses the transaction.
 */
export function send(api, tx, signer) {
  return new Promise((resolve, reject) => {
    let unsub = null;
    let done = false;
    const finish = () => { done = true; if (unsub) unsub(); };
    tx.signAndSend(signer, (result) => {
      if (done) return;
      if (result.isError) {
        finish();
        reject(new Error(`transaction ${result.status.type}`));
      } else if (result.status.isFinalized) {
        finish();
        const events = result.events.map(({ event }) => event);
        const failure = result.dispatchError ?? nestedError(events);
        resolve({ events, error: failure ? describe(api, failure) : null, blockHash: result.status.asFinalized });
      }
    }).then((u) => { unsub = u; if (done) u(); }).catch((error) => { done = true; reject(error); });
  });
}

function nestedError(events) {
  for (const event of events) {
    if (event.section === 'sudo' && event.method === 'Sudid' && event.data[0].isErr) return event.data[0].asErr;
    if (event.section === 'proxy' && event.method === 'ProxyExecuted' && event.data[0].isErr) return event.data[0].asErr;
  }
  return null;
}

/** A dispatch error's name: `Section.Name` for module errors. */
export function describe(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.type ?? dispatchError.toString();
}

/** Finds an event by `section.method` in `events`. */
export const findEvent = (events, name) => events.find((e) => `${e.section}.${e.method}` === name);

/** Builds `count` empty blocks (chopsticks' `dev_newBlock`). */
export async function newBlocks(api, count) {
  await api._options.provider.send('dev_newBlock', [{ count }]);
}

/** The account the pallet's `PalletId` (`py/nodrg`) derives: where fees go. */
export const palletAccount = u8aConcat(stringToU8a('modl'), stringToU8a('py/nodrg'), new Uint8Array(20));

/** A view function's id: `twox_128("Registration") ++ twox_128(signature)`. */
export const viewFunctionId = (signature) => u8aConcat(xxhashAsU8a('Registration', 128), xxhashAsU8a(signature, 128));

/**
 * Runs a view function of the pallet through the `RuntimeViewFunction` runtime API, on the best
 * block's state or on block `at` (a hash).
 */
export async function viewFunction(api, signature, inputHex, outputType, at) {
  const args = u8aConcat(viewFunctionId(signature), api.createType('Bytes', inputHex).toU8a());
  // No third argument unless given: polkadot.js would send `undefined` as the zero hash.
  const raw = await api.rpc.state.call('RuntimeViewFunction_execute_view_function', u8aToHex(args), ...(at ? [at] : []));
  const result = api.createType('Result<Bytes, Null>', raw);
  if (result.isErr) throw new Error(`view function ${signature} failed`);
  return api.createType(outputType, result.asOk);
}

/** The chain's registry record type (`NodeInfoOf<T>`), as `Option<…>`. */
function nodeInfoOption(api) {
  const nodeType = api.query.registration.coldkeyNodeRegistrationV2.creator.meta.type.asMap.value;
  return `Option<${api.registry.createLookupType(nodeType)}>`;
}

/** The registry record of `owner`'s node (the `node_of_owner` view function), or null. */
export async function nodeOfOwner(api, owner) {
  const input = u8aToHex(api.createType('AccountId32', owner).toU8a());
  const found = await viewFunction(api, 'node_of_owner(T::AccountId) -> Option<NodeInfoOf<T>>', input, nodeInfoOption(api));
  return found.isSome ? found.unwrap() : null;
}

/** The registry record of the node `id` (base58 text or raw PeerId bytes; `node_by_id`), or null. */
export async function nodeById(api, id) {
  const input = u8aToHex(api.createType('Bytes', u8aToHex(id)).toU8a());
  const found = await viewFunction(api, 'node_by_id(Vec<u8>) -> Option<NodeInfoOf<T>>', input, nodeInfoOption(api));
  return found.isSome ? found.unwrap() : null;
}

/**
 * Executes `tx`, signed by `signer`, on the best block's state without building a block (the
 * `BlockBuilder_apply_extrinsic` runtime API): resolves to null when it would succeed, to the
 * dispatch error's name (`registration.ConsentExpired`) when it would fail, and to
 * `Invalid.<reason>` (or `Unknown.<reason>`) when the transaction itself is invalid. Nothing is
 * written and no nonce is used.
 *
 * It runs in the context of the best block N, after its end: `System::block_number()` is N
 * (a submitted transaction would run in N + 1) and N + 1's `on_initialize` has not run. The
 * transaction is signed immortal: a mortal one names block N, whose hash `System::BlockHash`
 * holds only once N + 1 is initialized (`AncientBirthBlock`). The extrinsic goes as its
 * encoded bytes: polkadot.js 16.5.6 takes the API's parameter type `SpRuntimeUncheckedExtrinsic`
 * for `Bytes`, so an extrinsic object would go as its JSON text (the runtime panics decoding
 * it), while a Uint8Array is taken as already length-prefixed, as an extrinsic's encoding is.
 */
export async function dryRun(api, tx, signer) {
  const signed = await tx.signAsync(signer, { era: 0 });
  const result = await api.call.blockBuilder.applyExtrinsic(signed.toU8a());
  if (result.isErr) {
    const invalid = result.asErr;
    return `${invalid.type}.${invalid.isInvalid ? invalid.asInvalid.type : invalid.asUnknown.type}`;
  }
  const outcome = result.asOk;
  return outcome.isErr ? describe(api, outcome.asErr) : null;
}
