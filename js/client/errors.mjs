// Errors in words: a failed call's error decoded to its name, what it means (the pallet's own
// error docs, read from the chain's metadata) and what to do about it (a table of remedies for
// the errors a client meets). What each error means exactly: the pallet's crate docs (`Error`).
import { stringCamelCase } from '@polkadot/util';

/**
 * A constant of the pallet as a remedy names it: `NodeCooldownPeriod (100 blocks)` when the chain
 * tells its value, the bare name otherwise.
 * @callback ConstantText
 * @param {string} name the constant's name (`NodeCooldownPeriod`)
 * @param {string} [unit] what it counts (`blocks`)
 * @returns {string}
 */

/**
 * What to do about each error of the Registration pallet a client meets, by the error's name (its
 * names are in `src/lib.rs`, `#[pallet::error]`; a unit test keeps the two in step). Each takes
 * a `ConstantText` so that a remedy can say how long to wait or how many are allowed.
 * @type {Readonly<Record<string, (c: ConstantText) => string>>}
 */
export const REMEDIES = Object.freeze({
  // Registering: the registry and the owner's fleet.
  NodeAlreadyRegistered: () => 'this PeerId is in the registry already (read it with nodeById: it may be yours); '
    + 'a new node needs a new node key',
  OwnerAlreadyRegistered: (c) => `the owner has ${c('MaxNodesPerOwner', 'nodes')} already: remove one `
    + '(unregister_node, or unregister_main_node for its main node), move one to the new key (rotate_node_key, '
    + '`registrar rotate`) or register with another owner account',
  NodeCooldownPeriodNotExpired: (c) => `wait until ${c('NodeCooldownPeriod', 'blocks')} have passed since the node or `
    + 'the owner\'s place was removed, then build a new challenge and register again',
  RegistryFull: (c) => `the registry holds ${c('MaxNodes', 'nodes')}: try again once a node has left`,
  NodeTypeDisabled: () => 'governance has closed this node type to registrations: register another type, or wait '
    + 'until it is open again',
  OwnerHasValidator: () => 'an owner has one validator node: register this one with another owner account, or '
    + 'remove the validator node first',
  InsufficientStake: (c) => `bond at least ${c('MinerStakeThreshold')} in staking with the owner account (active `
    + 'stake), then register the validator again',
  NotEligible: () => 'the runtime does not let this owner register this node type: ask the chain\'s operators what '
    + 'makes an owner eligible, or register another type',
  AccountBanned: () => 'governance has banned this account: use another owner account, or ask governance to lift the ban',
  TooManyValidators: (c) => `${c('MaxValidators', 'validators')} are registered: wait until one leaves`,
  // Paying.
  InsufficientBalanceForFee: () => 'fund the owner account with at least the current fee (currentFee) beside the '
    + 'existential deposit, then submit again',
  InsufficientBalanceForDeposit: () => 'fund the owner account with at least the current deposit (currentDeposit) '
    + 'and fee (currentFee) beside the existential deposit, then submit again',
  InsufficientCreditsForFee: () => 'top up the owner\'s credits, or pay in the native token (pay_in_credits = false)',
  CreditsNotSupported: () => 'submit again with pay_in_credits = false',
  FeeAboveMaximum: () => 'the current fee (currentFee) is above the most the owner agreed to pay: raise max_fee (for '
    + 'a consent, the owner signs a new one), or wait: the fee halves for each day without a registration of the type',
  DepositAboveMaximum: () => 'the current deposit (currentDeposit) is above the most the owner agreed to hold: the '
    + 'owner signs a new consent with a higher max_deposit',
  FeeTooHigh: (c) => `set a fee of at most ${c('MaxNodeTypeFee')}`,
  FeeTooLow: (c) => `set a fee of at least ${c('MinNodeTypeFee')}`,
  // The challenge and the node key's proof.
  ChallengeExpired: (c) => 'the chain was past the challenge\'s expires_at when the transaction was included: build '
    + `a fresh challenge (challengeFields) and sign it again, with a longer lifetime (at most ${c('MaxChallengeLifetime', 'blocks')})`,
  ChallengeFromFuture: () => 'the challenge\'s block_number is after the current block: take block_number from '
    + 'challengeFields().currentBlock (or the best block), not from a clock',
  ChallengeLifetimeTooLong: (c) => `set expires_at at most ${c('MaxChallengeLifetime', 'blocks')} after the current block `
    + 'and not before block_number (challengeFields().latestExpiresAt)',
  ChallengeReused: () => 'build a new challenge with a fresh random nonce and sign it again: each challenge is good once',
  GenesisMismatch: () => 'the challenge names another chain: take the genesis hash from this chain (challengeFields) '
    + 'and check that the endpoint is the chain you mean',
  InvalidChallengeDomain: () => 'the challenge must start with the domain HIPPIUS::REGISTER::v1 and three zero bytes (DOMAIN)',
  InvalidChallenge: () => 'send challenge_bytes exactly as challengeBytes encodes one RegisterChallenge, with the '
    + 'chain\'s block number width, nothing before or after',
  ChallengeMismatch: () => 'the challenge\'s node hash must be blake2_256 of the raw PeerId sent as node_id_hex: '
    + 'build the challenge for this node',
  InvalidAccountId: () => 'the challenge names another account: build it with the owner\'s account id',
  InvalidSignature: () => 'sign exactly challenge_bytes with the node\'s own Ed25519 key (the key inside the PeerId), '
    + 'not the owner\'s key, and send that signature',
  InvalidSignatureLength: () => 'send the Ed25519 signature as its 64 bytes',
  PublicKeyMismatch: () => 'send the 32-byte Ed25519 public key that the PeerId contains',
  NodeIdMismatch: () => 'node_id (base58 text) and node_id_hex (raw bytes) must be the same PeerId',
  InvalidNodeId: () => 'give the PeerId of an Ed25519 key (12D3KooW…, or its 38 raw bytes); other key types are not accepted',
  SmallOrderNodeKey: () => 'this key proves nothing (a weak key): generate a new node key',
  SignerNotOwner: () => 'sign the transaction with the owner account, or have the owner sign a consent and submit '
    + 'register_node_with_consent from any account',
  // Consents.
  ConsentExpired: () => 'the consent\'s valid_until has passed: the owner signs a new consent with a later valid_until',
  ConsentLifetimeTooLong: (c) => `the owner signs a new consent whose valid_until is at most ${c('MaxConsentLifetime', 'blocks')} ahead`,
  ConsentRevoked: () => 'the owner revoked this consent: ask the owner for a new one (with a nonce above its floor)',
  ConsentGenesisMismatch: () => 'the consent names another chain: the owner signs a new one with this chain\'s genesis hash',
  InvalidConsentDomain: () => 'the consent must start with the domain HIPPIUS::CONSENT::v2 and four zero bytes (CONSENT_DOMAIN)',
  InvalidOwnerSignature: () => 'the owner must sign exactly the consent\'s bytes (consentBytes, or consentPayload\'s '
    + 'bytes), bare or wrapped in <Bytes>…</Bytes>, with the owner account\'s own key',
  ConsentNodeMismatch: () => 'the consent is for another PeerId: use the node key it names, or have the owner sign '
    + 'one for this PeerId',
  ConsentNodeTypeMismatch: () => 'register the node type the consent names, or have the owner sign one for this type',
  SmallOrderOwner: () => 'no signature can prove this owner\'s consent (a weak key): use another owner account',
  NotConsentOwner: () => 'only the consent\'s owner may revoke it: sign the revocation with the owner account',
  TooManyRevokedConsents: (c) => `the owner has ${c('MaxRevokedConsents', 'revocations')} outstanding: revoke by nonce `
    + 'instead (revoke_consents_below), or wait until a revoked consent\'s valid_until has passed',
  NonceFloorNotRaised: () => 'give a nonce above the owner\'s current floor (revoke_consents_below only raises it)',
  // Owning, removing and rotating nodes.
  NodeNotFound: () => 'no node with this id is registered: check the PeerId (either form; nodeById reads it)',
  NotNodeOwner: () => 'sign with the account that owns the node (nodeById shows its owner)',
  NotMainNode: () => 'this is not the owner\'s main node: remove it with unregister_node',
  SameOwner: () => 'the node already belongs to this account',
  NoOwnershipOffer: () => 'no transfer of this node is pending: the owner offers it first (swap_node_owner)',
  NotTheOfferedOwner: () => 'the node was offered to another account: accept it with that account',
  OwnershipOfferExpired: (c) => `the owner offers the node again (swap_node_owner) and it is accepted within ${c('OwnershipOfferLifetime', 'blocks')}`,
  NodeUnderReport: () => 'validators voted against the node in the open round: wait until the round is tallied',
  ConsentForbidsRotation: () => 'the owner signs a consent for the new PeerId with may_rotate set, or submits the '
    + 'rotation itself',
  KeyRotationTooSoon: (c) => `wait ${c('NodeCooldownPeriod', 'blocks')} after the node's last key rotation`,
  InvalidRotationStatement: () => 'build the statement with rotationBytes for this chain, the node\'s owner, the '
    + 'current and new PeerIds and the new key\'s challenge hash',
  InvalidRotationSignature: () => 'the node\'s current key (the old one) signs the rotation statement',
  // Records and heartbeats.
  StaleRecord: () => 'publish the record with a seq above the stored record\'s (nodeView shows it)',
  RecordRateLimited: (c) => `a node publishes one record per liveness period (${c('HeartbeatPeriod', 'blocks')}): publish in the next period`,
  InvalidAddress: () => 'give well-formed multiaddrs of the accepted protocols (/ip4, /ip6, /dns4, /tcp, /udp, '
    + '/quic-v1, /ws, /p2p)',
  ForeignPeerIdInAddress: () => 'an address\'s /p2p/ part must name this node\'s own PeerId, or be left out',
  InvalidRecordText: () => 'the version and each capability must be non-empty printable ASCII, capabilities without spaces',
  DuplicateCapability: () => 'name each capability once',
  InvalidRecordSignature: () => 'the node key signs the record statement (recordStatementBytes) with this chain\'s '
    + 'genesis hash, the node\'s registered_at and its current key epoch; sign again after a rotation or a new registration',
  HeartbeatForAnotherPeriod: (c) => `send the heartbeat for the period of the block it lands in: (best block + 1) / `
    + `${c('HeartbeatPeriod', 'blocks')}, rounded down (nextPeriod)`,
  HeartbeatAlreadySent: () => 'one heartbeat per period is enough: send the next one in the next period',
  InvalidHeartbeatSignature: () => 'the node key signs the heartbeat statement (heartbeatStatementBytes) for this '
    + 'chain, period and version',
  // The chain itself.
  StorageMigrationPending: () => 'the chain is migrating the pallet\'s storage after an upgrade: submit again in a few blocks',
  StoredListOverBound: () => 'an upgrade lowered a bound under a stored list: governance must replace the list, or '
    + 'wait for its round to end',
});

/**
 * What to do about common errors of the runtime outside the pallet, by `section.Name` (module
 * errors), `Variant.Detail` (dispatch errors) or `Invalid.Reason` (transactions the pool or a dry
 * run refuses).
 * @type {Readonly<Record<string, string>>}
 */
export const OTHER_REMEDIES = Object.freeze({
  BadOrigin: 'the call needs another origin: sign with the account it names, or submit force calls through governance (sudo on a dev chain)',
  'Token.FundsUnavailable': 'the account cannot pay this: fund it',
  'Token.BelowMinimum': 'the amount would leave an account below the existential deposit: send more, or keep more',
  'Token.Frozen': 'the funds are frozen (locked, e.g. staked): free them or use other funds',
  'Token.OnHold': 'the funds are held (e.g. as a bond): wait for the hold to be released',
  'balances.InsufficientBalance': 'fund the account, then submit again',
  'balances.Expendability': 'keep at least the existential deposit in the account',
  'Invalid.Payment': 'the signer cannot pay the transaction fee: fund it',
  'Invalid.Stale': 'the nonce was used already: sign again with the account\'s next nonce',
  'Invalid.Future': 'the nonce is ahead of the account\'s: wait for the earlier transactions, or sign with the next nonce',
  'Invalid.BadProof': 'the transaction\'s signature does not verify: sign for this chain (genesis hash, runtime version) '
    + 'with the right key',
  'Invalid.AncientBirthBlock': 'the transaction\'s era names a block the chain no longer knows: sign it again',
  'Invalid.ExhaustsResources': 'the block has no room: submit again later',
  'Invalid.Call': 'the chain does not take this call now: check the call and its arguments',
  'Invalid.Custom': 'the runtime refused the transaction for a reason of its own: check its arguments, or sign it again',
  'Invalid.UnknownOrigin': 'no transaction extension authorized the general transaction: send it bare or signed, or '
    + 'as a general transaction only a call that authorizes itself (publish_node_record, heartbeat) on a runtime with AuthorizeCall',
  'Pool.TemporarilyBanned': 'the pool refused this transaction recently and bans it for a while: change it (a new nonce) or wait',
  'Pool.AlreadyImported': 'the same transaction is already in the pool: wait for it',
  'Pool.TooLowPriority': 'a transaction with the same nonce is already in the pool: wait for it, or pay a higher tip',
});

/** What dispatch errors outside any pallet mean, by variant (and detail). */
const DISPATCH_MEANINGS = {
  BadOrigin: 'The call was made by an origin that may not make it.',
  CannotLookup: 'An account could not be looked up.',
  Other: 'The call failed.',
  ConsumerRemaining: 'The account cannot be removed while something depends on it.',
  NoProviders: 'The account does not exist (it holds nothing).',
  TooManyConsumers: 'The account has too many dependents.',
  Token: 'A balance operation failed.',
  Arithmetic: 'A calculation overflowed or underflowed.',
  Transactional: 'Too many nested storage transactions.',
  Exhausted: 'The block has no room left for this.',
  Corruption: 'The chain\'s state is corrupt.',
  Unavailable: 'A resource is unavailable right now.',
  RootNotAllowed: 'Root may not make this call.',
  Invalid: 'The transaction is invalid: the pool or the block refuses it.',
  Unknown: 'The transaction\'s validity could not be determined.',
  Pool: 'The node\'s transaction pool refused the transaction.',
};

/**
 * An error, decoded.
 * @typedef {object} ErrorDetails
 * @property {string | null} section the pallet (`registration`, as polkadot.js names it), or null outside pallets
 * @property {string} name `NodeCooldownPeriodNotExpired`, `BadOrigin`, `Token.FundsUnavailable`, `Invalid.Payment`
 * @property {string} docs what it means: the error's docs from the metadata (or a fixed text outside pallets)
 * @property {string | null} remedy what to do, or null when no remedy is known
 * @property {string} text all of it in one sentence: what `describeError` returns
 */

/** The pallet of `section` and its error `name` in the metadata: docs and all, or null. */
function metaErrorByName(api, section, name) {
  const pallets = api?.runtimeMetadata?.asLatest?.pallets;
  if (!pallets) return null;
  const pallet = [...pallets].find((p) => stringCamelCase(p.name.toString()) === stringCamelCase(section));
  if (!pallet || pallet.errors.isNone) return null;
  const variants = api.registry.lookup.getSiType(pallet.errors.unwrap().type).def.asVariant.variants;
  const variant = [...variants].find((v) => v.name.toString() === name);
  if (!variant) return null;
  return { section: stringCamelCase(pallet.name.toString()), name, docs: variant.docs.map(String) };
}

/**
 * The pool's refusals as the node's RPC says them (`author_submitExtrinsic`'s error 1010 with
 * `InvalidTransaction`'s text, 1011 unknown validity, 1012 to 1014 the pool's own), by name.
 */
const POOL_TEXTS = [
  [/Inability to pay some fees/i, 'Invalid.Payment'],
  [/Transaction is outdated/i, 'Invalid.Stale'],
  [/will be valid in the future/i, 'Invalid.Future'],
  [/bad signature|Invalid signing address/i, 'Invalid.BadProof'],
  [/ancient birth block/i, 'Invalid.AncientBirthBlock'],
  [/exhaust the block limits/i, 'Invalid.ExhaustsResources'],
  [/Transaction call is not expected/i, 'Invalid.Call'],
  [/did not authorize any origin/i, 'Invalid.UnknownOrigin'],
  [/Custom error/i, 'Invalid.Custom'],
  [/^1011\b/, 'Unknown'],
  [/^1012\b/, 'Pool.TemporarilyBanned'],
  [/^1013\b/, 'Pool.AlreadyImported'],
  [/^1014\b/, 'Pool.TooLowPriority'],
];

/**
 * A refusal of the transaction pool, from the error `signAndSend` or `author_submitExtrinsic`
 * rejects with (`1010: Invalid Transaction: Inability to pay some fees …` from a node,
 * `1010: {"invalid":{"payment":null}}` from chopsticks), as a name
 * `describeError` takes (`Invalid.Payment`); null for other errors.
 * @param {unknown} error
 * @returns {string | null}
 */
export function poolRefusalName(error) {
  const message = typeof error?.message === 'string' ? error.message : '';
  if (!/^10(10|11|12|13|14)\b/.test(message)) return null;
  // chopsticks sends the validity error as JSON: `1010: {"invalid":{"payment":null}}`.
  const json = /^\d+: (\{.*\})$/.exec(message);
  if (json) {
    try {
      const [[kind, detail]] = Object.entries(JSON.parse(json[1]));
      const reason = detail && typeof detail === 'object' ? Object.keys(detail)[0] : null;
      const cap = (text) => text.charAt(0).toUpperCase() + text.slice(1);
      return reason ? `${cap(kind)}.${cap(reason)}` : cap(kind);
    } catch {
      // not JSON after all: the texts below
    }
  }
  return POOL_TEXTS.find(([pattern]) => pattern.test(message))?.[1] ?? 'Invalid';
}

/** `error` (a string, a module error, a dispatch error, a pool refusal) as `{ section, name, docs }`. */
function decode(api, error) {
  const refused = poolRefusalName(error);
  if (refused) return decode(api, refused);
  if (typeof error === 'string') {
    const dot = error.indexOf('.');
    const [head, tail] = dot < 0 ? [null, error] : [error.slice(0, dot), error.slice(dot + 1)];
    if (head === null) {
      const found = metaErrorByName(api, 'registration', tail);
      if (found) return found;
      if (REMEDIES[tail]) return { section: 'registration', name: tail, docs: [] };
    }
    if (head !== null && !(head in DISPATCH_MEANINGS)) {
      return metaErrorByName(api, head, tail) ?? { section: stringCamelCase(head), name: tail, docs: [] };
    }
    return { section: null, name: error, docs: [] };
  }
  if (error && error.isModule) return api.registry.findMetaError(error.asModule);
  if (error && error.index !== undefined && error.error !== undefined) return api.registry.findMetaError(error);
  if (error && typeof error.type === 'string') {
    const inner = error[`as${error.type}`];
    const detail = inner && typeof inner.type === 'string' ? `.${inner.type}` : '';
    return { section: null, name: `${error.type}${detail}`, docs: [] };
  }
  return { section: null, name: String(error), docs: [] };
}

/** One sentence from doc lines: joined, trimmed, ending in a full stop. */
function sentence(lines) {
  const joined = lines.map((l) => l.trim()).filter(Boolean).join(' ').replace(/\s+/g, ' ');
  if (!joined) return '';
  return /[.!?]$/.test(joined) ? joined : `${joined}.`;
}

/** The `ConstantText` of `api`'s chain: constants of the pallet with their values. */
function constantText(api) {
  return (name, unit) => {
    const value = api?.consts?.registration?.[stringCamelCase(name)];
    if (value === undefined || value === null) return name;
    const shown = typeof value.toBigInt === 'function' ? value.toBigInt().toString() : value.toString();
    return unit ? `${name} (${shown} ${unit})` : `${name} (${shown})`;
  };
}

/**
 * An error decoded: its name, what it means and what to do. `error` is what a failed call gives
 * (`Outcome.dispatchError` of `send`, an event's `DispatchError`, a module error
 * `{ index, error }`) or a name (`registration.ChallengeExpired`, `ChallengeExpired`, `BadOrigin`,
 * `Invalid.Payment`: what `send` and `dryRun` return).
 * @param {import('@polkadot/api').ApiPromise | null} api the chain's metadata (docs, constants); null gives names and remedies only
 * @param {any} error
 * @returns {ErrorDetails}
 */
export function errorDetails(api, error) {
  const { section, name, docs } = decode(api, error);
  const qualified = section ? `${section}.${name}` : name;
  const variant = name.split('.')[0];
  const meaning = sentence(docs) || (section ? '' : (DISPATCH_MEANINGS[variant] ?? ''));
  let remedy = null;
  if (section === 'registration' && REMEDIES[name]) remedy = REMEDIES[name](constantText(api));
  else if (OTHER_REMEDIES[qualified]) remedy = OTHER_REMEDIES[qualified];
  else if (section === 'registration') remedy = `see Error::${name} in the pallet's docs`;
  const parts = [`${qualified}:`];
  if (meaning) parts.push(meaning);
  if (remedy) parts.push(`What to do: ${remedy}.`);
  if (!meaning && !remedy) parts.push('no description is known for this error.');
  return { section, name, docs: meaning, remedy, text: parts.join(' ') };
}

/**
 * An error in one sentence a person can act on: its name, what it means (the error's docs from
 * the chain's metadata) and what to do. Takes what `errorDetails` takes.
 * @param {import('@polkadot/api').ApiPromise | null} api
 * @param {any} error
 * @returns {string} e.g. `registration.NodeCooldownPeriodNotExpired: The node or its owner was removed less than
 *   NodeCooldownPeriod blocks ago. What to do: wait until NodeCooldownPeriod (10 blocks) have passed …`
 */
export const describeError = (api, error) => errorDetails(api, error).text;

/**
 * A dispatch error's name, as `send` and `dryRun` report it: `section.Name` for module errors
 * (`registration.ChallengeReused`), the variant otherwise (`BadOrigin`, `Token`).
 * @param {import('@polkadot/api').ApiPromise} api
 * @param {any} dispatchError
 * @returns {string}
 */
export function errorName(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.type ?? dispatchError.toString();
}
