// The pallet's view functions (read-only queries answered by the runtime, at the block you
// choose), called through the `RuntimeViewFunction` runtime API and decoded with the metadata's
// types. Which functions exist and what they return: the pallet's crate docs ("View functions").
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { xxhashAsU8a } from '@polkadot/util-crypto';
import { CONSENT_STATUSES, accountId, argType, consentCodec, nodeTypeIndex } from './consent.mjs';
import { STATUSES } from './discovery.mjs';
import { text, uintLe } from './scale.mjs';

/** The pallet's name in the runtime: the first half of every view function's id. */
export const PALLET = 'Registration';

/**
 * The view functions' signatures, exactly as the pallet declares them (the id hashes them; the
 * pallet's tests pin every id).
 * @type {Readonly<Record<string, string>>}
 */
export const VIEWS = Object.freeze({
  nodeById: 'node_by_id(Vec<u8>) -> Option<NodeInfoOf<T>>',
  nodeOfOwner: 'node_of_owner(T::AccountId) -> Option<NodeInfoOf<T>>',
  currentFee: 'current_fee(NodeType) -> BalanceOf<T>',
  challengeFields: 'challenge_fields() -> ChallengeFields<BlockNumberFor<T>>',
  consentPayload: 'consent_payload(T::AccountId,Vec<u8>,NodeType,BalanceOf<T>,BalanceOf<T>,BlockNumberFor<T>,u64,bool) -> Option<ConsentPayload<OwnerConsentOf<T>>>',
  consentStatus: 'consent_status(OwnerConsentOf<T>,T::OwnerSignature) -> ConsentStatus',
  nodesByType: 'nodes_by_type(NodeType,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>',
  nodesByStatus: 'nodes_by_status(Status,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>',
  nodesByCapability: 'nodes_by_capability(Vec<u8>,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>',
  nodeView: 'node_view(Vec<u8>) -> Option<NodeView<T>>',
  nodeCounts: 'node_counts() -> NodeCounts',
  currentDeposit: 'current_deposit(NodeType) -> BalanceOf<T>',
  nodesOfOwner: 'nodes_of_owner(T::AccountId,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>',
  ownerNodeCount: 'owner_node_count(T::AccountId) -> u32',
});

/**
 * A view function's 32-byte id: `twox_128("Registration") ++ twox_128(signature)`.
 * @param {string} signature one of `VIEWS`
 * @returns {Uint8Array}
 */
export const viewFunctionId = (signature) => u8aConcat(xxhashAsU8a(PALLET, 128), xxhashAsU8a(signature, 128));

/** Why the runtime refused to run a view function (`ViewFunctionDispatchError`, by its index). */
const DISPATCH_ERRORS = ['the runtime does not implement view functions', 'the runtime has no view function with this id',
  'the runtime could not decode the input'];

/**
 * Runs a view function of the pallet through the `RuntimeViewFunction` runtime API, on the best
 * block's state or on block `at` (a hash), and decodes its output as `outputType`. The input is
 * the function's SCALE-encoded arguments, one after the other.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string} signature one of `VIEWS`
 * @param {string | Uint8Array} input hex or bytes
 * @param {string} outputType a polkadot.js type name (`u128`, `Option<Lookup123>`)
 * @param {string | Uint8Array} [at] a block hash
 * @returns {Promise<any>} the decoded output (a polkadot.js codec)
 * @throws {Error} when the runtime refuses the call
 */
export async function viewFunction(api, signature, input, outputType, at) {
  const args = u8aConcat(viewFunctionId(signature), api.createType('Bytes', typeof input === 'string' ? input : u8aToHex(input)).toU8a());
  // No third argument unless given: polkadot.js would send `undefined` as the zero hash.
  const raw = await api.rpc.state.call('RuntimeViewFunction_execute_view_function', u8aToHex(args), ...(at ? [at] : []));
  const answer = raw.toU8a(true);
  if (answer[0] !== 0) {
    throw new Error(`view function ${signature.split('(')[0]} failed: ${DISPATCH_ERRORS[answer[1]] ?? 'unknown error'}`);
  }
  return api.createType(outputType, api.createType('Bytes', answer.subarray(1)));
}

/**
 * The registry name (`Lookup228`) of the metadata type whose path is `path`.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string} path e.g. `pallet_registration::types::NodePage`
 * @returns {string}
 * @throws {Error} unless exactly one type has that path
 */
export function metadataType(api, path) {
  const found = api.registry.lookup.types.filter((t) => t.type.path.map(String).join('::') === path);
  if (found.length !== 1) throw new Error(`${found.length} types with path ${path}`);
  return api.registry.createLookupType(found[0].id);
}

/** Paths of the view functions' result types in the metadata's type registry. */
export const TYPE_PATHS = Object.freeze({
  nodePage: 'pallet_registration::types::NodePage',
  pageError: 'pallet_registration::types::PageError',
  nodeView: 'pallet_registration::types::NodeView',
  nodeCounts: 'pallet_registration::types::NodeCounts',
  challengeFields: 'pallet_registration::types::ChallengeFields',
});

/**
 * The bytes of a node id: raw bytes as they are, `0x…` text as hex (no base58 PeerId starts
 * with `0`), other text (base58) as its UTF-8 bytes.
 */
const idBytes = (id) => (typeof id === 'string' && id.startsWith('0x') ? hexToU8a(id) : text(id));

/** A node id as SCALE `Vec<u8>`. */
const nodeIdInput = (api, id) => api.createType('Bytes', u8aToHex(idBytes(id))).toU8a();

/** An account (address, keyring pair or 32 bytes) as its SCALE `AccountId32`. */
const accountInput = (api, owner) => api.createType('AccountId32', owner instanceof Uint8Array ? owner : owner.address ?? owner).toU8a();

/** The chain's registry record type (`NodeInfoOf<T>`), as `Option<…>`. */
function nodeInfoOption(api) {
  const nodeType = api.query.registration.coldkeyNodeRegistrationV2.creator.meta.type.asMap.value;
  return `Option<${api.registry.createLookupType(nodeType)}>`;
}

/**
 * Options of every query: `at`, the hash of the block whose state answers (the best block's by default).
 * @typedef {{ at?: string | Uint8Array }} At
 */

/**
 * The registry record of the node `id` (base58 text or raw PeerId bytes; `node_by_id`), or null.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string | Uint8Array} id
 * @param {At} [options]
 * @returns {Promise<any | null>} the chain's `NodeInfo` (`nodeId`, `nodeType`, `status`, `registeredAt`, `owner`)
 */
export async function nodeById(api, id, { at } = {}) {
  const found = await viewFunction(api, VIEWS.nodeById, nodeIdInput(api, id), nodeInfoOption(api), at);
  return found.isSome ? found.unwrap() : null;
}

/**
 * The registry record of `owner`'s main node (`node_of_owner`), or null. An owner's other nodes:
 * `nodesOfOwner`.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string | Uint8Array | { address: string }} owner an address, account id or keyring pair
 * @param {At} [options]
 * @returns {Promise<any | null>}
 */
export async function nodeOfOwner(api, owner, { at } = {}) {
  const found = await viewFunction(api, VIEWS.nodeOfOwner, accountInput(api, owner), nodeInfoOption(api), at);
  return found.isSome ? found.unwrap() : null;
}

/**
 * The fee a registration of `nodeType` would be charged now (`current_fee`; when charging is on).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string | number} nodeType a name of `NODE_TYPES`
 * @param {At} [options]
 * @returns {Promise<bigint>} in the chain's base units
 */
export async function currentFee(api, nodeType, { at } = {}) {
  return (await viewFunction(api, VIEWS.currentFee, Uint8Array.of(nodeTypeIndex(nodeType)), 'u128', at)).toBigInt();
}

/**
 * The deposit (bond) a registration of `nodeType` would hold now (`current_deposit`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string | number} nodeType
 * @param {At} [options]
 * @returns {Promise<bigint>}
 */
export async function currentDeposit(api, nodeType, { at } = {}) {
  return (await viewFunction(api, VIEWS.currentDeposit, Uint8Array.of(nodeTypeIndex(nodeType)), 'u128', at)).toBigInt();
}

/**
 * What a client needs to build a challenge now (`challenge_fields`): the domain and genesis
 * hash to put in, the current block (the newest acceptable `blockNumber`) and the latest
 * `expiresAt` the chain accepts.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {At} [options]
 * @returns {Promise<{ domain: Uint8Array, genesisHash: Uint8Array, currentBlock: number, latestExpiresAt: number,
 *   blockNumberBytes: number }>} `blockNumberBytes`: the width of the chain's block numbers, 4 or 8
 */
export async function challengeFields(api, { at } = {}) {
  const fields = await viewFunction(api, VIEWS.challengeFields, new Uint8Array(), metadataType(api, TYPE_PATHS.challengeFields), at);
  return {
    domain: fields.domain.toU8a(true),
    genesisHash: fields.genesisHash.toU8a(true),
    currentBlock: fields.currentBlock.toNumber(),
    latestExpiresAt: fields.latestExpiresAt.toNumber(),
    blockNumberBytes: fields.currentBlock.encodedLength,
  };
}

/**
 * The consent `owner` would sign now (`consent_payload`) and its encoding, or null when
 * `peerId` (either form) is not acceptable. `lifetime` is capped at `MaxConsentLifetime`.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {{ owner: import('@polkadot/keyring/types').KeyringPair | Uint8Array, peerId: Uint8Array, nodeType: string | number,
 *   maxFee: bigint | number, maxDeposit?: bigint | number, lifetime: number, nonce?: bigint | number, mayRotate?: boolean }} terms
 * @param {At} [options]
 * @returns {Promise<{ consent: any, bytes: Uint8Array } | null>} the consent as the chain's type, and the bytes to sign
 */
export async function consentPayload(api, {
  owner, peerId, nodeType, maxFee, maxDeposit = 0n, lifetime, nonce = 0n, mayRotate = false,
}, { at } = {}) {
  const input = api.createType('(AccountId32, Bytes, u8, u128, u128, u64, u64, bool)', [
    accountId(owner), u8aToHex(peerId), nodeTypeIndex(nodeType), maxFee, maxDeposit, lifetime, nonce, mayRotate,
  ]).toU8a();
  const consentType = argType(api, 'registerNodeWithConsent', 'consent');
  const result = await viewFunction(api, VIEWS.consentPayload, input, `Option<(${consentType}, Bytes)>`, at);
  if (result.isNone) return null;
  const [consent, bytes] = result.unwrap();
  return { consent, bytes: bytes.toU8a(true) };
}

/**
 * Whether the consent `bytes`, signed with `signature` (a `MultiSignature`), can be used in the
 * current block, and if not why (`consent_status`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {Uint8Array} bytes
 * @param {object} signature as `ownerSignature` returns it
 * @param {At} [options]
 * @returns {Promise<string>} a name of `CONSENT_STATUSES` (`Valid`, `Expired`, …)
 */
export async function consentStatus(api, bytes, signature, { at } = {}) {
  const sigType = argType(api, 'registerNodeWithConsent', 'ownerSignature');
  const input = u8aConcat(consentCodec(api, bytes).toU8a(), api.createType(sigType, signature).toU8a());
  const status = await viewFunction(api, VIEWS.consentStatus, input, 'u8', at);
  const name = CONSENT_STATUSES[status.toNumber()];
  if (!name) throw new Error(`unknown ConsentStatus ${status.toNumber()}`);
  return name;
}

/**
 * A paged view function's answer: the page, or an error naming why the chain refused it (a zero
 * limit, a cursor that is no PeerId, a capability over the bound), never an empty last page.
 */
async function page(api, signature, input, at) {
  const type = `Result<${metadataType(api, TYPE_PATHS.nodePage)}, ${metadataType(api, TYPE_PATHS.pageError)}>`;
  const result = await viewFunction(api, signature, input, type, at);
  if (result.isErr) throw new Error(`the chain refused the page: ${result.asErr.type}`);
  return result.asOk;
}

/** The paging arguments: `Option<Vec<u8>>` then `u32`. */
const paging = (api, startAfter, limit) => u8aConcat(
  api.createType('Option<Bytes>', startAfter == null ? null : u8aToHex(idBytes(startAfter))).toU8a(), uintLe(limit, 4),
);

/**
 * Where a page starts and how long it is, and the block whose state answers.
 * @typedef {{ startAfter?: string | Uint8Array | null, limit?: number, at?: string | Uint8Array }} PageOptions
 */

/**
 * A page of nodes: `nodes` (each a `NodeView`: `info`, `record`, `liveness`, `keyEpoch`) and
 * `next`, the cursor of the next page (None on the last).
 * @typedef {any} NodePage
 */

/**
 * A page of the nodes of `nodeType` after `startAfter` (a node id, either form; the previous
 * page's `next`), at most `limit` (`nodes_by_type`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string | number} nodeType
 * @param {PageOptions} [options]
 * @returns {Promise<NodePage>}
 * @throws {Error} when the chain refuses the page (`PageError`)
 */
export async function nodesByType(api, nodeType, { startAfter = null, limit = 100, at } = {}) {
  return page(api, VIEWS.nodesByType, u8aConcat(Uint8Array.of(nodeTypeIndex(nodeType)), paging(api, startAfter, limit)), at);
}

/**
 * A page of the nodes with `status` (a name of `STATUSES`; `nodes_by_status`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string} status
 * @param {PageOptions} [options]
 * @returns {Promise<NodePage>}
 */
export async function nodesByStatus(api, status, { startAfter = null, limit = 100, at } = {}) {
  const index = STATUSES.indexOf(status);
  if (index < 0) throw new Error(`unknown status ${status}`);
  return page(api, VIEWS.nodesByStatus, u8aConcat(Uint8Array.of(index), paging(api, startAfter, limit)), at);
}

/**
 * A page of the nodes whose record names `capability` (`nodes_by_capability`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string | Uint8Array} capability
 * @param {PageOptions} [options]
 * @returns {Promise<NodePage>}
 */
export async function nodesByCapability(api, capability, { startAfter = null, limit = 100, at } = {}) {
  const input = u8aConcat(api.createType('Bytes', u8aToHex(text(capability))).toU8a(), paging(api, startAfter, limit));
  return page(api, VIEWS.nodesByCapability, input, at);
}

/**
 * A page of the nodes of `owner` (an address, account id or keyring pair): its fleet (`nodes_of_owner`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string | Uint8Array | { address: string }} owner
 * @param {PageOptions} [options]
 * @returns {Promise<NodePage>}
 */
export async function nodesOfOwner(api, owner, { startAfter = null, limit = 100, at } = {}) {
  return page(api, VIEWS.nodesOfOwner, u8aConcat(accountInput(api, owner), paging(api, startAfter, limit)), at);
}

/**
 * How many nodes `owner` has registered (`owner_node_count`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string | Uint8Array | { address: string }} owner
 * @param {At} [options]
 * @returns {Promise<number>}
 */
export async function ownerNodeCount(api, owner, { at } = {}) {
  return (await viewFunction(api, VIEWS.ownerNodeCount, accountInput(api, owner), 'u32', at)).toNumber();
}

/**
 * A node (either id form) with its record and liveness (`node_view`), or null. Check its record
 * with `verifyRecord`.
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {string | Uint8Array} nodeId
 * @param {At} [options]
 * @returns {Promise<any | null>} the chain's `NodeView`
 */
export async function nodeView(api, nodeId, { at } = {}) {
  const view = await viewFunction(api, VIEWS.nodeView, nodeIdInput(api, nodeId), `Option<${metadataType(api, TYPE_PATHS.nodeView)}>`, at);
  return view.isSome ? view.unwrap() : null;
}

/**
 * Registered nodes per type and per status (`node_counts`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {At} [options]
 * @returns {Promise<{ byType: Record<string, number>, byStatus: Record<string, number> }>}
 */
export async function nodeCounts(api, { at } = {}) {
  const counts = await viewFunction(api, VIEWS.nodeCounts, new Uint8Array(), metadataType(api, TYPE_PATHS.nodeCounts), at);
  const table = (pairs) => Object.fromEntries(pairs.map(([key, count]) => [key.toString(), count.toNumber()]));
  return { byType: table(counts.byType), byStatus: table(counts.byStatus) };
}

/**
 * Every page of a paged query: `query({ startAfter, limit })` is called with the previous page's
 * `next` until it is None. Read all pages at one block (`at` in `query`) so that they fit together.
 * @param {(options: { startAfter: Uint8Array | null, limit: number }) => Promise<NodePage>} query
 * @param {number} limit
 * @param {number} [maxPages] a bound on the pages read
 * @returns {Promise<{ nodes: any[], next: Uint8Array | null }[]>}
 */
export async function allPages(query, limit, maxPages = 100) {
  const pages = [];
  let startAfter = null;
  do {
    const result = await query({ startAfter, limit });
    pages.push({ nodes: result.nodes.toArray(), next: result.next.isSome ? result.next.unwrap().toU8a(true) : null });
    startAfter = pages.at(-1).next;
    if (pages.length > maxPages) throw new Error('paging does not end');
  } while (startAfter);
  return pages;
}
