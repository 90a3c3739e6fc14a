// Registering a node: the challenge the node key signs (the contract's `RegisterChallenge`
// layout, written from the contract, not from the Rust code), the arguments and calls of the
// owner's registrations, submitting a transaction and reading its outcome, and a dry run.
import { u8aConcat, u8aToHex, stringToU8a } from '@polkadot/util';
import { blake2AsU8a, ed25519Sign, randomAsU8a } from '@polkadot/util-crypto';
import { errorName } from './errors.mjs';
import { fixed, uintLe } from './scale.mjs';

/** The 24-byte domain tag of a challenge: ASCII `HIPPIUS::REGISTER::v1` and three zero bytes. */
export const DOMAIN = u8aConcat(stringToU8a('HIPPIUS::REGISTER::v1'), new Uint8Array(3));

/**
 * The fields of a `RegisterChallenge`.
 * @typedef {object} ChallengeFields
 * @property {Uint8Array} genesisHash the chain's genesis hash (32 bytes)
 * @property {Uint8Array} owner the owner's 32-byte account id
 * @property {Uint8Array} nodeIdHex the raw PeerId (the call's `node_id_hex`): its blake2_256 goes in
 * @property {number | bigint} blockNumber the block the challenge is made at (at most the current one)
 * @property {number | bigint} expiresAt the last block it may be used in
 * @property {Uint8Array} [nonce] 32 bytes, random by default
 * @property {Uint8Array} [domain] 24 bytes, `DOMAIN` by default
 * @property {4 | 8} [blockNumberBytes] the chain's block number width: 8 (u64, the dev runtime's) by default, 4 for u32
 */

/**
 * The SCALE encoding of a `RegisterChallenge`: the bytes the node key signs. 200 bytes with u64
 * block numbers, 192 with u32 ones.
 * @param {ChallengeFields} fields
 * @returns {Uint8Array}
 */
export function challengeBytes({
  genesisHash, owner, nodeIdHex, blockNumber, expiresAt, nonce = randomAsU8a(32), domain = DOMAIN, blockNumberBytes = 8,
}) {
  return u8aConcat(
    fixed('domain', domain, 24),
    fixed('genesisHash', genesisHash, 32),
    fixed('owner', owner, 32),
    blake2AsU8a(nodeIdHex, 256),
    blake2AsU8a(new Uint8Array(), 256),
    uintLe(blockNumber, blockNumberBytes),
    fixed('nonce', nonce, 32),
    uintLe(expiresAt, blockNumberBytes),
  );
}

/**
 * What the chain binds challenges to: `System::BlockHash(0)` and the best block's number. (The
 * `challengeFields` view function tells the same, and the latest acceptable expiry.)
 * @param {import('@polkadot/api').ApiPromise} api
 * @returns {Promise<{ genesisHash: Uint8Array, blockNumber: number }>}
 */
export async function chainContext(api) {
  const genesisHash = (await api.query.system.blockHash(0)).toU8a();
  const blockNumber = (await api.rpc.chain.getHeader()).number.toNumber();
  return { genesisHash, blockNumber };
}

/**
 * The arguments of `register_node_with_coldkey`, in the contract's names.
 * @typedef {object} RegistrationArgs
 * @property {string | number} nodeType a name of `NODE_TYPES`
 * @property {Uint8Array} nodeId the node id as submitted (the PeerId's base58 text bytes)
 * @property {boolean} payInCredits
 * @property {string} owner the owner's address
 * @property {string} mainKeyType `Ed25519`
 * @property {Uint8Array} mainPublicKey
 * @property {Uint8Array} mainSig the node key's signature of `challengeBytes`
 * @property {Uint8Array} challengeBytes
 * @property {Uint8Array} nodeIdHex the raw PeerId
 */

/**
 * Every argument of `register_node_with_coldkey` for `owner`'s node `key`, with a fresh
 * challenge valid for `lifetime` blocks, signed by the node key. `challenge` overrides any
 * challenge field, `overrides` any argument (tests make bad registrations so).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {{ owner: import('@polkadot/keyring/types').KeyringPair, key: import('./keys.mjs').NodeKey, nodeType?: string,
 *   lifetime?: number, challenge?: Partial<ChallengeFields> } & Partial<RegistrationArgs>} options
 * @returns {Promise<RegistrationArgs>}
 */
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

/**
 * The pallet's account (derived from its `PalletId`, `py/nodrg` on the dev chain): where the
 * registration fees go.
 * @param {import('@polkadot/api').ApiPromise} api
 * @returns {Uint8Array} the 32-byte account id
 */
export function palletAccount(api) {
  const id = api.consts.registration.palletId.toU8a();
  return u8aConcat(stringToU8a('modl'), id, new Uint8Array(32 - 4 - id.length));
}

const hexOf = (value) => (value instanceof Uint8Array ? u8aToHex(value) : value);

/**
 * `registration.registerNodeWithColdkey` for `args` (byte arguments go as hex).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {RegistrationArgs} a
 * @returns {import('@polkadot/api/types').SubmittableExtrinsic<'promise'>}
 */
export function registerCall(api, a) {
  return api.tx.registration.registerNodeWithColdkey(
    a.nodeType, hexOf(a.nodeId), a.payInCredits, a.owner, a.mainKeyType, hexOf(a.mainPublicKey),
    hexOf(a.mainSig), hexOf(a.challengeBytes), hexOf(a.nodeIdHex),
  );
}

/**
 * `registration.registerNodeWithMaxFee`: the call for `args` refused when the fee is above `maxFee`.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {RegistrationArgs} a
 * @param {bigint | number | string} maxFee in the chain's base units
 * @returns {import('@polkadot/api/types').SubmittableExtrinsic<'promise'>}
 */
export function registerWithMaxFeeCall(api, a, maxFee) {
  return api.tx.registration.registerNodeWithMaxFee(
    a.nodeType, hexOf(a.nodeId), a.payInCredits, a.owner, a.mainKeyType, hexOf(a.mainPublicKey),
    hexOf(a.mainSig), hexOf(a.challengeBytes), hexOf(a.nodeIdHex), maxFee,
  );
}

/**
 * What `send` resolves to.
 * @typedef {object} Outcome
 * @property {any[]} events the transaction's events (`{ section, method, data }`)
 * @property {string | null} error the failure's name (`registration.ChallengeReused`), or null
 * @property {any | null} dispatchError the failure itself, for `describeError`, or null
 * @property {any} blockHash the finalized block's hash
 */

/**
 * Signs and submits `tx`, resolving once it is finalized with its events and, on failure, the
 * error (by name in `error`; `describeError(api, outcome.dispatchError)` says it in words).
 * Errors of calls made through sudo or a proxy count too. Rejects when the pool refuses the
 * transaction.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {import('@polkadot/api/types').SubmittableExtrinsic<'promise'>} tx
 * A wallet signs too: `signer` is then an account of an injected extension, `{ address, signer }`
 * (`@polkadot/extension-dapp`'s `web3FromAddress(address).signer`).
 * @param {import('@polkadot/keyring/types').KeyringPair | string | { address: string, signer: any }} signer
 * @returns {Promise<Outcome>}
 */
export function send(api, tx, signer) {
  const injected = signer && typeof signer === 'object' && typeof signer.sign !== 'function' && signer.signer;
  const [account, options] = injected ? [signer.address, { signer: signer.signer }] : [signer, {}];
  return new Promise((resolve, reject) => {
    let unsub = null;
    let done = false;
    const finish = () => { done = true; if (unsub) unsub(); };
    tx.signAndSend(account, options, (result) => {
      if (done) return;
      if (result.isError) {
        finish();
        reject(new Error(`transaction ${result.status.type}`));
      } else if (result.status.isFinalized) {
        finish();
        const events = result.events.map(({ event }) => event);
        const failure = result.dispatchError ?? nestedError(events);
        resolve({
          events, error: failure ? errorName(api, failure) : null, dispatchError: failure ?? null, blockHash: result.status.asFinalized,
        });
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

/**
 * The first event of `events` named `section.method` (`registration.NodeRegistered`), if any.
 * @param {any[]} events
 * @param {string} name
 * @returns {any | undefined}
 */
export const findEvent = (events, name) => events.find((e) => `${e.section}.${e.method}` === name);

/**
 * Executes `tx`, signed by `signer`, on the best block's state without building a block (the
 * `BlockBuilder_apply_extrinsic` runtime API): resolves to null when it would succeed, to the
 * dispatch error's name (`registration.ConsentExpired`; `describeError` takes it) when it would
 * fail, and to `Invalid.<reason>` (or `Unknown.<reason>`) when the transaction itself is
 * invalid. Nothing is written and no nonce is used.
 *
 * It runs in the context of the best block N, after its end: `System::block_number()` is N
 * (a submitted transaction would run in N + 1) and N + 1's `on_initialize` has not run. The
 * transaction is signed immortal: a mortal one names block N, whose hash `System::BlockHash`
 * holds only once N + 1 is initialized (`AncientBirthBlock`). The extrinsic goes as its
 * encoded bytes: polkadot.js 16.5.6 takes the API's parameter type `SpRuntimeUncheckedExtrinsic`
 * for `Bytes`, so an extrinsic object would go as its JSON text (the runtime panics decoding
 * it), while a Uint8Array is taken as already length-prefixed, as an extrinsic's encoding is.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {import('@polkadot/api/types').SubmittableExtrinsic<'promise'>} tx
 * @param {import('@polkadot/keyring/types').KeyringPair} signer
 * @returns {Promise<string | null>}
 */
export async function dryRun(api, tx, signer) {
  const signed = await tx.signAsync(signer, { era: 0 });
  const result = await api.call.blockBuilder.applyExtrinsic(signed.toU8a());
  if (result.isErr) {
    const invalid = result.asErr;
    return `${invalid.type}.${invalid.isInvalid ? invalid.asInvalid.type : invalid.asUnknown.type}`;
  }
  const outcome = result.asOk;
  return outcome.isErr ? errorName(api, outcome.asErr) : null;
}
