//! # Registration pallet
//!
//! A registry of libp2p network nodes. An owner account (a "coldkey") registers a main node, and
//! up to [`Config::MaxNodesPerOwner`] nodes in all (a fleet), each identified by its libp2p
//! PeerId, and proves control of each node's Ed25519 key: the key signs
//! a SCALE-encoded [`RegisterChallenge`] bound to this chain's genesis hash, the owner, the node
//! and an expiry block. Registered nodes publish signed records (addresses, version,
//! capabilities) and heartbeats, so clients can find them and tell which are alive.
//!
//! It re-implements the Hippius chain's Registration pallet (the reference): the calls, call
//! indices, challenge layout, storage names, events and errors are the reference's, so its
//! clients (a Python SDK, polkadot.js scripts, indexers) work unchanged (see
//! [Names](#names-are-the-references)); the reference's defects are fixed
//! (`docs/departures.md` in the repository).
//!
//! ## Overview
//!
//! | role | calls (index) | origin |
//! |---|---|---|
//! | owner | [`register_node_with_coldkey`](Pallet::register_node_with_coldkey) (1), [`register_node_with_max_fee`](Pallet::register_node_with_max_fee) (19): the same with a fee limit | signed, by `owner` itself |
//! | anyone holding an owner's consent | [`register_node_with_consent`](Pallet::register_node_with_consent) (18): registers for the owner, who pays the fee | signed, any account |
//! | owner | [`revoke_consent`](Pallet::revoke_consent) (20), [`revoke_consents_below`](Pallet::revoke_consents_below) (24) | signed, the consent's owner |
//! | owner, or a holder of its consent | [`rotate_node_key`](Pallet::rotate_node_key) (21): moves the node to a new libp2p key | signed, the node's owner or any account with a consent that allows it |
//! | owner | [`unregister_main_node`](Pallet::unregister_main_node) (10), [`unregister_node`](Pallet::unregister_node) (25): any node of its fleet, [`swap_node_owner`](Pallet::swap_node_owner) (11): offers the node to a new owner; [`cancel_node_ownership_offer`](Pallet::cancel_node_ownership_offer) (17) | signed, the node's owner |
//! | new owner | [`accept_node_ownership`](Pallet::accept_node_ownership) (16) | signed, the account the node was offered to |
//! | the node (its key signs; anyone submits) | [`publish_node_record`](Pallet::publish_node_record) (22): addresses, version, capabilities; [`heartbeat`](Pallet::heartbeat) (23): alive in this period | signed by any account, or fee-less |
//! | validator | [`submit_deregistration_report`](Pallet::submit_deregistration_report) (12) | signed, a registered validator (or an account [`Config::ReporterResolver`] maps to one) |
//! | governance | [`force_register_coldkey_node`](Pallet::force_register_coldkey_node) (0), [`set_node_status_to_degraded`](Pallet::set_node_status_to_degraded) (3), [`set_fee_charging`](Pallet::set_fee_charging) (6), [`set_node_type_disabled`](Pallet::set_node_type_disabled) (8), [`force_unregister_coldkey_node`](Pallet::force_unregister_coldkey_node) (9), [`set_account_ban_status`](Pallet::set_account_ban_status) (13), [`set_whitelisted_validators`](Pallet::set_whitelisted_validators) (14), [`set_deregistration_enabled`](Pallet::set_deregistration_enabled) (15), [`force_remove_node`](Pallet::force_remove_node) (27): removal with the bond forfeited or not | [`Config::ForceOrigin`] |
//! | fee authority | [`set_node_type_fee`](Pallet::set_node_type_fee) (7), [`set_node_type_deposit`](Pallet::set_node_type_deposit) (26) | [`Config::FeeOrigin`] |
//!
//! Each call's own docs give its parameters, checks and events; the sections below say how the
//! pieces fit together.
//!
//! ## What it does
//!
//! ### Registration and its checks
//!
//! [`register_node_with_coldkey`](Pallet::register_node_with_coldkey) checks, in this order, and
//! refuses with the error named at each step:
//! 1. the signer is `owner` ([`Error::SignerNotOwner`]);
//! 2. `node_id_hex` is the raw PeerId of an Ed25519 key that is not of small order
//!    ([`Error::InvalidNodeId`], [`Error::SmallOrderNodeKey`]), `main_public_key` is that key
//!    ([`Error::PublicKeyMismatch`]), and `node_id` (base58 text or raw bytes) names the same
//!    PeerId ([`Error::NodeIdMismatch`]);
//! 3. the challenge decodes exactly, with no trailing bytes ([`Error::InvalidChallenge`]), and
//!    has the domain `HIPPIUS::REGISTER::v1` ([`Error::InvalidChallengeDomain`]), this chain's
//!    genesis hash ([`Error::GenesisMismatch`]), the owner ([`Error::InvalidAccountId`]) and
//!    `blake2_256(node_id_hex)` ([`Error::ChallengeMismatch`]); `block_number <= now <=
//!    expires_at <= now + MaxChallengeLifetime` ([`Error::ChallengeFromFuture`],
//!    [`Error::ChallengeExpired`], [`Error::ChallengeLifetimeTooLong`]); and it was never used
//!    ([`Error::ChallengeReused`]);
//! 4. the node key's signature over the challenge bytes verifies
//!    ([`Error::InvalidSignatureLength`], [`Error::InvalidSignature`]);
//! 5. the node type is enabled ([`Error::NodeTypeDisabled`]); the owner is not banned
//!    ([`Error::AccountBanned`]), is eligible ([`Error::NotEligible`]), has fewer than
//!    [`Config::MaxNodesPerOwner`] nodes ([`Error::OwnerAlreadyRegistered`]) and a place that is
//!    not cooling down and, for a validator node, has
//!    [`Config::MinerStakeThreshold`] active stake in [`Config::Staking`]
//!    ([`Error::InsufficientStake`]); the node is not registered
//!    ([`Error::NodeAlreadyRegistered`]) and not cooling down (for the owner or the node:
//!    [`Error::NodeCooldownPeriodNotExpired`]); fewer than [`Config::MaxNodes`] nodes
//!    ([`Error::RegistryFull`]) and fewer than [`Config::MaxValidators`] validator nodes are
//!    registered ([`Error::TooManyValidators`]);
//! 6. when fee charging is on: the fee is within the caller's limit, if it gave one
//!    ([`Error::FeeAboveMaximum`]), and is paid ([`Error::InsufficientBalanceForFee`]; in
//!    credits: [`Error::CreditsNotSupported`], [`Error::InsufficientCreditsForFee`]).
//!
//! Every failure has its own error and changes no state; [`Error`] documents each one's cause.
//! A client builds the challenge from the [`challenge_fields`](Pallet::challenge_fields) view
//! function (or from `System::BlockHash(0)` and the current block).
//!
//! ### Lifecycle
//!
//! Unregistering an online storage miner degrades it; unregistering anything else (or a
//! degraded miner) removes it and starts a cooldown of [`Config::NodeCooldownPeriod`] blocks
//! for both the node and its owner. Handing a node over takes two steps: the owner offers it
//! ([`swap_node_owner`](Pallet::swap_node_owner), open for [`Config::OwnershipOfferLifetime`]
//! blocks, cancellable), the new owner accepts
//! ([`accept_node_ownership`](Pallet::accept_node_ownership)); the old owner then cools down as
//! after a removal, and no node that validators are voting against can change hands
//! ([`Error::NodeUnderReport`]).
//!
//! ### Fleets
//!
//! An owner may have up to [`Config::MaxNodesPerOwner`] nodes registered at once, each proven
//! by its own key against its own challenge, through every registration path; at the limit a
//! registration is refused with [`Error::OwnerAlreadyRegistered`]. With a limit of 1 every call
//! behaves as the reference's. [`OwnerToNode`] and [`node_of_owner`](Pallet::node_of_owner)
//! keep naming one node, the owner's main node (its first); when the main node leaves or
//! changes hands while others remain, the first of them in [`NodesByOwner`]'s order takes its
//! place ([`Event::MainNodeChanged`]): one read, whatever the fleet's size.
//! [`unregister_main_node`](Pallet::unregister_main_node) removes the main node only
//! ([`Error::NotMainNode`]); [`unregister_node`](Pallet::unregister_node) removes any node of
//! the caller's. Every node an owner loses frees a place that cools down for
//! [`Config::NodeCooldownPeriod`] blocks (an owner removed by consensus cannot replace the node
//! at once), while its other nodes and free places are untouched: an owner registers while its
//! nodes and cooling places are fewer than the limit. An owner has at most one validator node
//! ([`Error::OwnerHasValidator`]): one stake, one vote. Swaps and rotations work per node; an
//! offer to an owner at its limit is refused at offer and at acceptance.
//! [`nodes_of_owner`](Pallet::nodes_of_owner) pages a fleet.
//!
//! ### Bonds
//!
//! Each node type may carry a deposit ([`NodeTypeDeposit`],
//! [`set_node_type_deposit`](Pallet::set_node_type_deposit); zero keeps the reference's rule).
//! A registration holds it from the owner under [`HoldReason::NodeBond`], beside the fee, and
//! records it for the node ([`NodeBonds`]), so that what is released or slashed is what was
//! held. When the node leaves its owner (unregistered, handed over, removed by governance or
//! for lost stake), the bond stays held until the node's cooldown is over
//! ([`ReleasingBonds`]) and is released by the expiry queue ([`Event::BondReleased`]). When
//! validators' consensus removes it, [`Config::BondSlashShare`] of the bond is slashed to
//! [`Config::OnBondSlashed`] ([`Event::BondSlashed`]) and the rest released after the cooldown;
//! [`force_remove_node`](Pallet::force_remove_node) may forfeit all of it. A consent binds the
//! most deposit the owner agrees to hold (`max_deposit`, [`Error::DepositAboveMaximum`]); a
//! handover holds the new owner's deposit when it accepts; a key rotation keeps the bond. Nodes
//! registered while their type's deposit was zero (or before deposits existed) hold none, and
//! nothing is released or slashed for them.
//!
//! ### Deregistration by validators
//!
//! Validators vote against nodes
//! ([`submit_deregistration_report`](Pallet::submit_deregistration_report)) during a round of
//! [`Config::ConsensusPeriod`] blocks (its end is fixed when it opens). A validator may vote if
//! it owns a registered validator node, is not banned, is on the whitelist when one is in use
//! and holds [`Config::MinerStakeThreshold`] active stake: checked when it reports and again
//! when the round is tallied. Each may be the first to report
//! `MaxReportedNodesPerRound / MaxValidators` nodes of a round (and vote for any node others
//! reported), so no validator can fill the round for the others. After the round's last block
//! `on_initialize` removes (or degrades) every node whose votes from validators that may still
//! vote reach `max(ConsensusThreshold, ConsensusShare × validators that may vote)`. An owner's
//! votes and rate-limit window stay with it until the round and the window end, whatever it
//! does with its node. A report may name nodes that left (or moved to a new key) since the
//! validator looked: they are skipped ([`Event::DeregistrationReportSkipped`]). Every tally
//! also removes the validator nodes whose owners no longer hold the stake
//! ([`UnregisterReason::InsufficientStake`]), as many as the hook budget leaves room for, so a
//! validator that cannot vote does not keep a place under [`Config::MaxValidators`].
//!
//! ### Fees
//!
//! A node type's fee doubles after each paid registration (up to [`Config::MaxNodeTypeFee`])
//! and halves for every [`Config::BlocksPerDay`] without one (down to
//! [`Config::MinNodeTypeFee`]); it is computed when needed
//! ([`current_fee`](Pallet::current_fee)), so no hook walks the fee table. Fees go to the
//! pallet's account ([`Pallet::account_id`]). Because the fee doubles, a registration sent
//! after reading it can pay twice that:
//! [`register_node_with_max_fee`](Pallet::register_node_with_max_fee) and consents carry the
//! most the owner pays ([`Error::FeeAboveMaximum`]). Calls also pay ordinary transaction fees.
//!
//! ### Owner consent: the coldkey stays cold
//!
//! An owner signs, offline and with its account's own key ([`Config::OwnerSignature`]:
//! `MultiSignature` in the dev runtime, so sr25519, ed25519 or ecdsa), an [`OwnerConsent`]: the
//! domain `HIPPIUS::CONSENT::v2`, this chain's genesis hash, the owner, the node's raw PeerId,
//! the node type, the most fee it pays, its last valid block (`valid_until`, at most
//! [`Config::MaxConsentLifetime`] ahead), a nonce, and whether it also allows a key rotation.
//! The signature may be over the bare SCALE bytes (`subkey sign`) or over `<Bytes>…</Bytes>`
//! around them (the polkadot.js extension and apps' sign tab). The
//! [`consent_payload`](Pallet::consent_payload) view function returns the consent to sign and
//! its bytes; [`consent_status`](Pallet::consent_status) says whether a signed one can be used
//! now, and if not why.
//!
//! Any account then submits [`register_node_with_consent`](Pallet::register_node_with_consent)
//! with the consent, the owner's signature and the node key's proof (a challenge bound to the
//! owner, as above): every check of the owner's path applies, the fee comes from the owner, and
//! the consent serves again (after a removal and the cooldown) until `valid_until`, unless the
//! owner revokes it ([`revoke_consent`](Pallet::revoke_consent); at most
//! [`Config::MaxRevokedConsents`] revocations per owner are kept, each until its consent's
//! `valid_until`, then pruned by the expiry queue), or revokes at once every consent whose nonce
//! is below a value ([`revoke_consents_below`](Pallet::revoke_consents_below): one entry per
//! owner, [`ConsentNonceFloor`]). Each refusal has its own error: domain, chain, PeerId, node
//! type, expired, lifetime too long, revoked, owner signature, fee above the maximum, and an
//! owner account whose key has small order ([`Error::SmallOrderOwner`]: a constant signature
//! verifies for such a key, so it proves no consent).
//!
//! ### Key rotation
//!
//! [`rotate_node_key`](Pallet::rotate_node_key) moves a registered node to a new libp2p key in
//! one step: the registry, identity, type index and owner index move to the new PeerId; owner,
//! type, status and `registered_at` stay; the old PeerId cools down as after a removal, and a
//! pending ownership offer is withdrawn. Both keys prove continuity: the new key signs a
//! registration challenge (bound to the owner and the new PeerId, used once), and the old key
//! signs a [`KeyRotation`] statement (`HIPPIUS::ROTATE::v1`, genesis hash, owner, old and new
//! PeerId, `blake2_256` of that challenge). The owner signs the transaction, or any account
//! does with a consent for the new PeerId that sets `may_rotate`. A node rotates at most once
//! per [`Config::NodeCooldownPeriod`], and not while validators vote against it. An owner that
//! lost the old key cannot rotate: it unregisters the node and registers the new key after the
//! cooldown.
//!
//! ### Discovery: node-signed records
//!
//! A registered node publishes a [`NodeRecord`]
//! ([`publish_node_record`](Pallet::publish_node_record)): a sequence number, up to
//! [`Config::MaxAddresses`] binary multiaddrs (each checked structurally by [`multiaddr`]:
//! known protocols, whole values, no trailing bytes; a `/p2p/` component must name this node),
//! a printable version and up to [`Config::MaxCapabilities`] distinct capabilities such as
//! `/reconstruction/global-refinement/v1`. As with libp2p's signed envelopes and Ethereum's
//! ENR, the node key signs a [`RecordStatement`] (`HIPPIUS::RECORD::v1`, this chain's genesis
//! hash, the raw PeerId, the node's `registered_at` and key epoch, the record), so a client
//! checks every record itself against the PeerId it asked for, trusting neither the owner nor
//! the RPC. The sequence must increase, and a node publishes at most once per
//! [`Config::HeartbeatPeriod`]. Removing a node removes its record
//! ([`Event::NodeRecordRemoved`]); a key rotation removes it too and raises the node's key epoch
//! ([`NodeKeyEpoch`]), so no record signed before the rotation verifies again, even after the
//! node rotates back to the key that signed it.
//!
//! ### Liveness
//!
//! A node's key signs a [`HeartbeatStatement`] (`HIPPIUS::HEARTBEAT::v1`, genesis hash, PeerId,
//! period index = block ÷ `HeartbeatPeriod`, version) once per period
//! ([`heartbeat`](Pallet::heartbeat)). A node heard from last in block b is silent from the
//! start of period `b ÷ HeartbeatPeriod + OfflineAfterPeriods + 1`; the expiry queue looks at
//! it then (one entry per node, queued again when it beat since), so the sweep's work per block
//! is bounded and metered whatever the registry's size. A silent `Online` node becomes
//! `Offline` ([`Event::NodeWentOffline`]); its next heartbeat makes it `Online` again
//! ([`Event::NodeBackOnline`]). What else `Offline` means is the runtime's
//! [`Config::OnNodeOffline`] hook (`()`: nothing; it declares its weight, which the sweep
//! charges).
//!
//! ### Fee-less records and heartbeats
//!
//! Both calls may come as unsigned transactions (bare, or general ones that `AuthorizeCall`
//! lets through), so a node key alone keeps a node discoverable. The pool runs every check of
//! the call before it admits one (registered node, signature, sequence, period, rate limit), so
//! a refused one never reaches a block, and tags it `(node, seq)` and `(node, period)` for
//! records and `(node, period)` for heartbeats, valid until the period ends: at most one record
//! and one heartbeat per registered node and period can enter blocks. Records rank at
//! [`Config::RecordPriority`] (below every paid transaction, so they only fill room paid ones
//! leave), heartbeats at [`Config::HeartbeatPriority`]. A bare transaction is checked again in
//! the block (`pre_dispatch`), and its weight includes that check. The fee-less load is
//! therefore bounded by the registry's size ([`Config::MaxNodes`]), which costs a registration
//! fee (and the owner's one-node limit) to grow. An account may also send them signed, paying
//! fees.
//!
//! The bare path is FRAME's `ValidateUnsigned`, which FRAME removes after April 2027. It sits
//! behind the cargo feature `bare-fee-less` (on by default): without it the pallet refuses bare
//! transactions (the pool as if no pallet validated unsigned ones, the call with `BadOrigin`),
//! and the signed and authorized paths carry everything; the constant `BareFeeLessPath` tells
//! clients which runtime they face. A runtime that depends on the pallet with
//! `default-features = false` enables the feature itself to keep the bare path.
//!
//! ## Example
//!
//! An owner registers its node: the node key signs a challenge for this chain, the owner and the
//! node, and the owner submits it. The test's `Registering` helper (in `tests/common/mock.rs`)
//! builds the [`RegisterChallenge`] as a client does (domain, genesis hash, owner,
//! `blake2_256` of the raw PeerId, `blake2_256(b"")` for the legacy IPFS field, the current
//! block, a nonce, an expiry 10 blocks ahead) and signs its bytes with the node key.
#![doc = docify::embed!("tests/register.rs", register_node_with_coldkey_works_with_base58_node_id)]
//!
//! The owner stays cold: it signs a consent offline, and another account submits the
//! registration with it; the owner pays the fee, the submitter only the transaction fee.
#![doc = docify::embed!("tests/consent.rs", register_node_with_consent_works_and_the_owner_pays)]
//!
//! A node's life: registered with a fee, degraded by the validators' consensus, handed to a new
//! owner, unregistered, cooling down, and back at the doubled fee.
#![doc = docify::embed!("tests/departures.rs", story_of_a_node_from_registration_to_return)]
//!
//! ## Pallet API
//!
//! See the [`pallet`] module for the configuration trait ([`Config`], every item documented),
//! the calls ([`Call`], [`Pallet`]), the storage items, the events ([`Event`]) and the errors
//! ([`Error`]), and [`GenesisConfig`] for the genesis state. Other pallets read the registry
//! through the [`NodeRegistry`] trait, which [`Pallet`] implements; the runtime adapts the
//! pallet to its chain through the traits in [`traits`]. Migrations from the reference's
//! layout are in [`migrations`].
//!
//! ### View functions
//!
//! Clients call them through the runtime API `RuntimeViewFunction_execute_view_function` (for
//! example with the `state_call` RPC). A view function's id is `twox_128("Registration") ++
//! twox_128(signature)` with the signature exactly as the first column writes it (arguments
//! joined by commas without spaces); a test pins every id. Node ids may be given in either form
//! (base58 text or raw PeerId bytes). Paged functions return at most `limit` nodes (capped at
//! [`Config::MaxPageSize`]) after the node id `start_after` (the previous page's `next`),
//! read from indexes, never by scanning the registry; a zero `limit`, a `start_after` that is
//! no PeerId or a capability over its bound is refused ([`PageError`]), so a page without
//! `next` always means the end.
//!
//! | signature (of the id) | returns | cost |
//! |---|---|---|
//! | `node_by_id(Vec<u8>) -> Option<NodeInfoOf<T>>` | [`node_by_id`](Pallet::node_by_id): a node's registry entry | the id parsed, 1 read |
//! | `node_of_owner(T::AccountId) -> Option<NodeInfoOf<T>>` | [`node_of_owner`](Pallet::node_of_owner): the owner's node | 2 reads |
//! | `current_fee(NodeType) -> BalanceOf<T>` | [`current_fee`](Pallet::current_fee): the fee a registration of the type pays now (when charging is on) | 2 reads |
//! | `challenge_fields() -> ChallengeFields<BlockNumberFor<T>>` | [`challenge_fields`](Pallet::challenge_fields): what a client needs to build a challenge now ([`ChallengeFields`]) | 1 read |
//! | `consent_payload(T::AccountId,Vec<u8>,NodeType,BalanceOf<T>,BalanceOf<T>,BlockNumberFor<T>,u64,bool) -> Option<ConsentPayload<OwnerConsentOf<T>>>` | [`consent_payload`](Pallet::consent_payload): the consent to sign and its bytes ([`ConsentPayload`]) | the id parsed, 1 read |
//! | `consent_status(OwnerConsentOf<T>,T::OwnerSignature) -> ConsentStatus` | [`consent_status`](Pallet::consent_status): whether a signed consent can be used now, and if not why ([`ConsentStatus`]) | 2 reads, up to two signature checks (bare, then `<Bytes>`-wrapped) |
//! | `nodes_by_type(NodeType,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>` | [`nodes_by_type`](Pallet::nodes_by_type): a page of the type's nodes, each with its record and liveness ([`NodePage`]) | 3 reads per node, at most `MaxPageSize` nodes |
//! | `nodes_by_status(Status,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>` | [`nodes_by_status`](Pallet::nodes_by_status): the same by status | the same |
//! | `nodes_by_capability(Vec<u8>,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>` | [`nodes_by_capability`](Pallet::nodes_by_capability): the same for nodes whose record names the capability | the same |
//! | `node_view(Vec<u8>) -> Option<NodeView<T>>` | [`node_view`](Pallet::node_view): a node with its record and liveness ([`NodeView`]) | the id parsed, 3 reads |
//! | `node_counts() -> NodeCounts` | [`node_counts`](Pallet::node_counts): registered nodes per type and per status ([`NodeCounts`]) | 8 reads |
//! | `current_deposit(NodeType) -> BalanceOf<T>` | [`current_deposit`](Pallet::current_deposit): the bond a registration of the type holds now | 1 read |
//! | `nodes_of_owner(T::AccountId,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>` | [`nodes_of_owner`](Pallet::nodes_of_owner): a page of an owner's fleet, as `nodes_by_type` | as `nodes_by_type` |
//! | `owner_node_count(T::AccountId) -> u32` | [`owner_node_count`](Pallet::owner_node_count): how many nodes the owner has | 1 read |
//!
//! ### Names are the reference's
//!
//! The call names, their parameter names, order and types, the call indices, the error names,
//! the event names and fields, and the storage names are the reference pallet's: existing
//! clients encode calls, decode events, match errors by name and read storage by them. They must
//! never be renamed, reordered or reused, even where a better name exists (`NotAminer`,
//! `node_id_hex` for raw bytes). New calls take the next free index, new errors and events are
//! appended (their position is their index); `tests/upgrade.rs` pins the call indices and names,
//! and the storage version and view-function ids are pinned too.
//!
//! ## Low Level
//!
//! - Challenge checking and PeerId parsing are pure functions ([`challenge`], [`peer_id`]).
//! - Every piece of state that ends at a known block (used challenge hashes, cooldown anchors,
//!   offers, revocations, report state, liveness checks) is put in an expiry queue keyed by
//!   block; `on_initialize` drains it in bounded, metered batches within
//!   [`Config::HookWeightBudget`] that resume in the next block, so its cost does not depend on
//!   the size of the registry.
//! - Deregistration votes of a round live in one bounded list and in each owner's ballot; the
//!   tally walks at most `MaxValidators` validators and `MaxReportedNodesPerRound` nodes in one
//!   step after the round's last block. Per-reporter state is tagged with its round or window
//!   and queued for removal when both are over.
//! - Stored lists whose bounds are runtime constants are read strictly: one an upgrade made too
//!   long for its bound fails closed ([`Error::StoredListOverBound`]) instead of reading as
//!   empty.
//! - The storage version is [`STORAGE_VERSION`]; until a chain reaches it (through
//!   [`migrations::LazyMigrationToV3`]) the hooks wait and every call is refused
//!   ([`Error::StorageMigrationPending`]).
//! - Records and liveness entries that a lowered bound made undecodable are never read as
//!   absent: a liveness is re-bounded (its version cleared), a record keeps the node's sequence
//!   floor and rate limit and its index entries until it is replaced or removed.
//! - The liveness sweep keeps up with at most [`Pallet::sweep_capacity`] nodes:
//!   `sweep_steps_per_block × OfflineAfterPeriods × HeartbeatPeriod / 2`, where the steps are
//!   the sweep's costliest ones that fit what the hook budget leaves after its fixed work;
//!   `integrity_test` requires [`Config::MaxNodes`] to be at most that.
//! - `try_state` checks every relation between the storage items (registry, owner index,
//!   identities, type and status indexes and counts, used challenges, cooldown anchors, report
//!   state and ownership offers, revoked consents and their per-owner counts, key rotation
//!   anchors and their expiry queue, fee bounds), that every stored list still decodes within its
//!   bound, and that no cursor, round or window lies in the future; the tests run it after every
//!   test.
//! - Runtime code never panics: the crate denies `unwrap`, `expect`, unchecked indexing and
//!   arithmetic, and `panic!` (clippy restriction lints, crate-wide; FRAME's generated code
//!   excepted); unreachable branches are `defensive`.

#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code never panics: no unwrap, expect, unchecked indexing or arithmetic, no panic!
// Tests are exempt; so is the code FRAME's macros generate in `mod pallet` (see there).
#![cfg_attr(
	not(test),
	deny(
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing,
		clippy::arithmetic_side_effects,
		clippy::panic
	)
)]

extern crate alloc;

#[cfg(test)]
extern crate self as pallet_registration;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod bonds;
pub mod challenge;
pub mod consent;
mod deregistration;
mod discovery;
mod expiry;
mod fees;
mod fleet;
mod genesis;
mod hooks;
// Compiled always, so that the mock-runtime tests check the invariants after every test with
// or without `try-runtime`; only the `try_state` hook is gated (an unused function costs the
// runtime's wasm nothing).
mod invariants;
pub mod migrations;
pub mod multiaddr;
pub mod peer_id;
mod registration;
mod rotation;
mod stored;
pub mod traits;
pub mod types;
pub mod weights;

// The benchmark test suite runs on the integration tests' mock; it uses a part of it.
#[cfg(test)]
#[path = "../tests/common/mock.rs"]
#[allow(dead_code)]
pub mod mock;

pub use discovery::STORAGE_MIGRATION_PENDING;
pub use pallet::*;
pub use traits::*;
pub use types::*;
pub use weights::WeightInfo;

/// The storage version written at genesis and expected by the code.
///
/// 0 is the reference pallet's layout (no version stored), 1 this pallet's layout before the
/// discovery indexes (status index, counts per status, liveness), 2 before fleets (the owner
/// index: `NodesByOwner`, `OwnerNodeCount`, `OwnerValidatorNode`). A chain at 0, 1 or 2 reaches 3
/// with [`migrations::LazyMigrationToV3`]; until it does, the hooks wait and calls are refused.
pub const STORAGE_VERSION: frame_support::traits::StorageVersion =
	frame_support::traits::StorageVersion::new(3);

/// Whether this build takes fee-less records and heartbeats as bare (unsigned) transactions:
/// the cargo feature `bare-fee-less`. The authorized path (general transactions through
/// `frame_system::AuthorizeCall`) is always there. Clients read it as the pallet constant
/// `BareFeeLessPath`.
pub const BARE_FEE_LESS_PATH: bool = cfg!(feature = "bare-fee-less");

// The contract fixes `register_node_with_coldkey`'s nine parameters. FRAME's macros expand to
// code with `expect` and arithmetic that the crate's lints reject; the call bodies here hold
// none: each checks its origin and the storage version, then delegates to a topic module
// (which the lints cover), or makes one write and deposits its event.
#[allow(
	clippy::too_many_arguments,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects,
	clippy::panic
)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use crate::registration::RegistrationRequest;
	use alloc::{boxed::Box, vec::Vec};
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, Defensive},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_core::H256;
	use sp_runtime::{
		traits::{IdentifyAccount, Saturating, Verify, Zero},
		transaction_validity::TransactionPriority,
		Perbill,
	};
	use sp_staking::StakingInterface;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// Whether the runtime takes `publish_node_record` and `heartbeat` as bare (unsigned)
		/// transactions ([`BARE_FEE_LESS_PATH`]); when false, only as general transactions
		/// (`AuthorizeCall`) or signed ones.
		#[allow(non_snake_case)]
		pub fn BareFeeLessPath() -> bool {
			BARE_FEE_LESS_PATH
		}
	}

	/// Why the pallet holds an owner's funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A node's bond: held while the node is registered, and until its cooldown ends after
		/// it left.
		#[codec(index = 0)]
		NodeBond,
	}

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency registration fees are paid in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>;

		/// The runtime's hold reasons; bonds are held under this pallet's
		/// [`HoldReason::NodeBond`].
		type RuntimeHoldReason: From<HoldReason>;

		/// Where the slashed part of a bond goes (a treasury; `()` burns it).
		type OnBondSlashed: frame_support::traits::OnUnbalanced<CreditOf<Self>>;

		/// Where validators' active stake is read (pallet-staking implements it).
		type Staking: StakingInterface<AccountId = Self::AccountId, Balance = BalanceOf<Self>>;

		/// The origin of the root-only calls of the reference (force registration and removal,
		/// degrading, bans, switches, node types, whitelist).
		type ForceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The origin that may set node type fees.
		type FeeOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Whether an owner may run a node of a given type.
		type Eligibility: NodeEligibility<Self::AccountId>;

		/// Called after a node left the registry.
		type OnNodeUnregistered: OnNodeUnregistered<Self::AccountId>;

		/// Maps a report's signer to the validator owner it reports for.
		type ReporterResolver: ResolveReporter<Self::AccountId>;

		/// Takes fees paid in credits (`pay_in_credits = true`).
		type Credits: CreditsPayment<Self::AccountId, BalanceOf<Self>>;

		/// The signature an owner gives an [`OwnerConsent`] with: the runtime's own account
		/// signature (`MultiSignature`: sr25519, ed25519 or ecdsa), so the owner signs with the
		/// key of its account.
		type OwnerSignature: Verify<Signer: IdentifyAccount<AccountId = Self::AccountId>>
			+ Parameter
			+ MaxEncodedLen;

		/// Told when the liveness sweep finds a node silent.
		type OnNodeOffline: OnNodeOffline<Self::AccountId>;

		/// The fee of each node type before genesis or governance sets one.
		type InitialNodeTypeFee: InitialNodeTypeFee<BalanceOf<Self>>;

		/// The pallet's id; fees go to its account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Blocks a removed node, and its owner, wait before registering again; an owner that
		/// handed its node over waits as long. At least `ConsensusPeriod` (`integrity_test`), so
		/// an owner cannot unregister and return within one round.
		#[pallet::constant]
		type NodeCooldownPeriod: Get<BlockNumberFor<Self>>;

		/// The most blocks ahead of the block that uses it an owner consent's `valid_until` may
		/// lie. A consent can be revoked while it lies up to twice as far ahead, so a revocation
		/// is kept at most `2 × MaxConsentLifetime` blocks.
		#[pallet::constant]
		type MaxConsentLifetime: Get<BlockNumberFor<Self>>;

		/// The most revoked consents kept for one owner: a revocation is kept until its consent
		/// could no longer be used, and then frees its place.
		#[pallet::constant]
		type MaxRevokedConsents: Get<u32>;

		/// Blocks an ownership offer (`swap_node_owner`) stays open for the new owner to accept.
		#[pallet::constant]
		type OwnershipOfferLifetime: Get<BlockNumberFor<Self>>;

		/// Report calls a validator may make per `ReportCounterClearInterval`.
		#[pallet::constant]
		type MaxDeregRequestsPerPeriod: Get<u32>;

		/// Length in blocks of the window `MaxDeregRequestsPerPeriod` counts in.
		#[pallet::constant]
		type ReportCounterClearInterval: Get<BlockNumberFor<Self>>;

		/// The least number of votes that removes a node, whatever the share.
		#[pallet::constant]
		type ConsensusThreshold: Get<u32>;

		/// The share of the validators that may vote (registered, staked, not banned, whitelisted
		/// when the whitelist is in use) whose votes remove a node (rounded up). The votes needed
		/// are the larger of this and `ConsensusThreshold`.
		#[pallet::constant]
		type ConsensusShare: Get<Perbill>;

		/// Length in blocks of a deregistration round; votes are tallied when it ends.
		#[pallet::constant]
		type ConsensusPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks after which a node type's fee halves when nobody registers one.
		#[pallet::constant]
		type BlocksPerDay: Get<BlockNumberFor<Self>>;

		/// The least active stake a validator owner must have in `Staking`: to register, to
		/// report, and for its votes to count when its round is tallied.
		#[pallet::constant]
		type MinerStakeThreshold: Get<BalanceOf<Self>>;

		/// The lowest a node type fee can be (at least 1, so doubling can always raise it).
		#[pallet::constant]
		type MinNodeTypeFee: Get<BalanceOf<Self>>;

		/// The highest a node type fee can be.
		#[pallet::constant]
		type MaxNodeTypeFee: Get<BalanceOf<Self>>;

		/// The most blocks after the current one a challenge may stay valid.
		#[pallet::constant]
		type MaxChallengeLifetime: Get<BlockNumberFor<Self>>;

		/// The most accounts in the validator whitelist.
		#[pallet::constant]
		type MaxWhitelistedValidators: Get<u32>;

		/// The most node ids in one deregistration report call.
		#[pallet::constant]
		type MaxNodesPerReport: Get<u32>;

		/// The most nodes one validator may report in one round.
		#[pallet::constant]
		type MaxReportsPerRound: Get<u32>;

		/// The most distinct nodes that can be reported in one round. Each validator may be the
		/// first to report `MaxReportedNodesPerRound / MaxValidators` of them (at least one,
		/// `integrity_test`), so no validator can fill the list for the others.
		#[pallet::constant]
		type MaxReportedNodesPerRound: Get<u32>;

		/// The most validator nodes in the registry. A validator that claimed part of the
		/// open round's list and left keeps its place until the round ends.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// The most nodes one owner may have registered at once (a fleet, each node proven by its
		/// own key). With 1, every call behaves as the reference's: one node per owner.
		#[pallet::constant]
		type MaxNodesPerOwner: Get<u32>;

		/// The share of a node's bond slashed (to [`Config::OnBondSlashed`]) when validators'
		/// consensus removes it; the rest is released after the node's cooldown.
		#[pallet::constant]
		type BondSlashShare: Get<Perbill>;

		/// The most nodes the registry holds; registrations beyond it are refused
		/// (`RegistryFull`). `integrity_test` checks the hook budget can keep up with the
		/// liveness of that many nodes: at most half of what the budget leaves after a full
		/// tally, spent on the sweep's costliest step, must check every node once per
		/// `OfflineAfterPeriods` periods, even if all of them come due in the same block
		/// ([`Pallet::sweep_capacity`]).
		#[pallet::constant]
		type MaxNodes: Get<u32>;

		/// The most weight `on_initialize` may use. It must cover the round tally at its largest
		/// (checked by `integrity_test`); what is left goes to clearing expired state.
		#[pallet::constant]
		type HookWeightBudget: Get<Weight>;

		/// The most addresses in a node record.
		#[pallet::constant]
		type MaxAddresses: Get<u32>;

		/// The longest address in a node record (bytes of a binary multiaddr).
		#[pallet::constant]
		type MaxAddressLen: Get<u32>;

		/// The longest software version in a node record or a heartbeat.
		#[pallet::constant]
		type MaxVersionLen: Get<u32>;

		/// The most capabilities in a node record.
		#[pallet::constant]
		type MaxCapabilities: Get<u32>;

		/// The longest capability in a node record.
		#[pallet::constant]
		type MaxCapabilityLen: Get<u32>;

		/// Length in blocks of a liveness period: a node sends one heartbeat per period and
		/// publishes at most one record per period.
		#[pallet::constant]
		type HeartbeatPeriod: Get<BlockNumberFor<Self>>;

		/// Periods a node may stay silent before the sweep marks it `Offline`.
		#[pallet::constant]
		type OfflineAfterPeriods: Get<u32>;

		/// The most nodes one page of the paged view functions holds.
		#[pallet::constant]
		type MaxPageSize: Get<u32>;

		/// The pool priority of fee-less heartbeats. They may rank high, as pallet-im-online's
		/// did: at most one per node and period, each from a node that paid its registration.
		#[pallet::constant]
		type HeartbeatPriority: Get<TransactionPriority>;

		/// The pool priority of fee-less records. Choose one below every paid transaction's, so
		/// that records only fill room that paid transactions leave: with
		/// pallet-transaction-payment a paid transaction's priority is at least one
		/// transaction's share of a block (its tip plus one, times the transactions a block
		/// holds), so 0 always ranks below it (D21).
		#[pallet::constant]
		type RecordPriority: Get<TransactionPriority>;

		/// Weights of the calls and hook steps.
		type WeightInfo: WeightInfo;

		/// Makes owner accounts and signs consents for the benchmarks (nothing else uses it;
		/// `()` does it for `MultiSignature` and `AccountId32`). Not gated on
		/// `runtime-benchmarks`, so a runtime builds the same whichever crates enable it.
		type BenchmarkHelper: ConsentSigner<Self::AccountId, Self::OwnerSignature>;
	}

	/// The registry: canonical node id (base58 PeerId text) → record.
	///
	/// Entries are added by registration and removed by unregistration (owner, force origin or
	/// consensus); degrading a storage miner only changes its status.
	// Hasher: Blake2_128Concat, safe for node ids, which users choose (any key makes a PeerId).
	#[pallet::storage]
	pub type ColdkeyNodeRegistrationV2<T: Config> =
		StorageMap<_, Blake2_128Concat, NodeId, NodeInfoOf<T>, OptionQuery>;

	/// Owner → its main node id (a list of at most one, as the reference's list).
	///
	/// Present exactly while the owner has a node in the registry.
	// Hasher: Blake2_128Concat, safe for accounts, which users choose.
	#[pallet::storage]
	pub type OwnerToNode<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, OwnerNodes, OptionQuery>;

	/// (owner, node id) → (): every node of an owner (its fleet), the main node among them.
	///
	/// Present exactly while the node is in the registry and owned by that owner.
	// Hasher: Blake2_128Concat for both keys: accounts and node ids are chosen by users.
	#[pallet::storage]
	pub type NodesByOwner<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		NodeId,
		(),
		OptionQuery,
	>;

	/// Owner → how many nodes it has registered (at most `MaxNodesPerOwner`).
	///
	/// Present exactly while the owner has a node.
	// Hasher: Blake2_128Concat, safe for accounts, which users choose.
	#[pallet::storage]
	pub type OwnerNodeCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Owner → its validator node (an owner has at most one: one stake, one vote).
	///
	/// Present exactly while the owner has a validator node.
	// Hasher: Blake2_128Concat, safe for accounts, which users choose.
	#[pallet::storage]
	pub type OwnerValidatorNode<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, NodeId, OptionQuery>;

	/// Owner → how many of its places are cooling down until `OwnerLastDeregisteredAt +
	/// NodeCooldownPeriod` (each node it lost frees a place that cools down; its other free
	/// places stay free). Absent while an anchor is: one place.
	///
	/// Written with the owner's cooldown anchor; removed with it once the cooldown is over.
	// Hasher: Blake2_128Concat, safe for accounts, which users choose.
	#[pallet::storage]
	pub type OwnerPlacesCooling<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, OptionQuery>;

	/// Node type → the deposit a registration of that type holds from the owner (its bond);
	/// zero (absent): none, as in the reference.
	///
	/// Written by `set_node_type_deposit`.
	// Hasher: Twox64Concat, safe: node types are a fixed, small enum.
	#[pallet::storage]
	pub type NodeTypeDeposit<T: Config> =
		StorageMap<_, Twox64Concat, NodeType, BalanceOf<T>, ValueQuery>;

	/// Node id → the bond held from the node's owner for it.
	///
	/// Written at registration (and acceptance of an ownership offer) when the type's deposit
	/// is not zero; moves with a key rotation; removed when the node leaves or changes hands
	/// (the bond is then released after the cooldown, or slashed).
	// Hasher: Blake2_128Concat, safe for node ids, which users choose.
	#[pallet::storage]
	pub type NodeBonds<T: Config> =
		StorageMap<_, Blake2_128Concat, NodeId, BalanceOf<T>, OptionQuery>;

	/// (owner, node id) → (amount, block): a bond still held after the node left the owner, and
	/// the block after which it is released.
	///
	/// Written when a bonded node leaves or changes hands; released by `on_initialize` (the
	/// expiry queue) once the block is past.
	// Hasher: Blake2_128Concat for both keys: accounts and node ids are chosen by users.
	#[pallet::storage]
	pub type ReleasingBonds<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		NodeId,
		(BalanceOf<T>, BlockNumberFor<T>),
		OptionQuery,
	>;

	/// Node id → the libp2p key bound at registration.
	///
	/// Present exactly while the node is in the registry.
	// Hasher: Blake2_128Concat, safe for node ids, which users choose (any key makes a PeerId).
	#[pallet::storage]
	pub type Libp2pMainIdentity<T: Config> =
		StorageMap<_, Blake2_128Concat, NodeId, (Libp2pKeyType, PublicKeyParam), OptionQuery>;

	/// `blake2_256` of a used challenge → the challenge's `expires_at`.
	///
	/// Added by a successful registration; removed by `on_initialize` only after `expires_at`,
	/// so a challenge can never be replayed while it is still acceptable.
	// Hasher: Identity, safe since the key is already a blake2_256 hash, and each one costs a
	// successful registration.
	#[pallet::storage]
	pub type UsedChallenges<T: Config> =
		StorageMap<_, Identity, H256, BlockNumberFor<T>, OptionQuery>;

	/// Node id → block of its last removal: the node's cooldown anchor.
	///
	/// Written when a node leaves the registry; removed once its cooldown is over.
	// Hasher: Blake2_128Concat, safe for node ids, which users choose (any key makes a PeerId).
	#[pallet::storage]
	pub type NodeLastDeregisteredAt<T: Config> =
		StorageMap<_, Blake2_128Concat, NodeId, BlockNumberFor<T>, OptionQuery>;

	/// Owner → block its node was last removed: the owner's cooldown anchor, so an owner cannot
	/// hop to a fresh node id.
	///
	/// Written when an owner's node leaves the registry; removed once the cooldown is over.
	// Hasher: Blake2_128Concat, safe for accounts, which users choose.
	#[pallet::storage]
	pub type OwnerLastDeregisteredAt<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumberFor<T>, OptionQuery>;

	/// Node types that cannot be registered (present = disabled).
	// Hasher: Twox64Concat, safe since the key is one of five node types, which nobody chooses.
	#[pallet::storage]
	pub type DisabledNodeTypes<T: Config> = StorageMap<_, Twox64Concat, NodeType, bool, ValueQuery>;

	/// Whether registration charges the node type's fee.
	#[pallet::storage]
	pub type FeeChargingEnabled<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Node type → its fee as of `LastRegistrationBlock` (it halves for every `BlocksPerDay`
	/// since). Absent: `InitialNodeTypeFee`.
	// Hasher: Twox64Concat, safe since the key is one of five node types, which nobody chooses.
	#[pallet::storage]
	pub type CurrentNodeTypeFee<T: Config> =
		StorageMap<_, Twox64Concat, NodeType, BalanceOf<T>, OptionQuery>;

	/// Node type → the block its fee was last set (by a paid registration or governance).
	// Hasher: Twox64Concat, safe since the key is one of five node types, which nobody chooses.
	#[pallet::storage]
	pub type LastRegistrationBlock<T: Config> =
		StorageMap<_, Twox64Concat, NodeType, BlockNumberFor<T>, OptionQuery>;

	/// Accounts that may not register, receive or report for a node (present = banned).
	// Hasher: Blake2_128Concat, safe for accounts, which users choose.
	#[pallet::storage]
	pub type BannedAccounts<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, bool, ValueQuery>;

	/// When not empty, only these validators may submit deregistration reports.
	#[pallet::storage]
	pub type WhitelistedValidators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxWhitelistedValidators>, ValueQuery>;

	/// Validator owner → the nodes it reported in its latest round.
	///
	/// Replaced when the owner reports in a later round; kept while the round is open even if
	/// the owner's node leaves the registry or changes hands (one vote per owner, node and
	/// round), and removed by `on_initialize` once the round is over.
	// Hasher: Blake2_128Concat, safe for accounts, which users choose.
	#[pallet::storage]
	pub type TemporaryDeregistrationReports<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		ReporterRound<T::MaxReportsPerRound>,
		OptionQuery,
	>;

	/// Validator owner → report calls in its latest rate-limit window.
	///
	/// Kept until the window is over, whatever happens to the owner's node, and then removed
	/// by `on_initialize`.
	// Hasher: Blake2_128Concat, safe for accounts, which users choose.
	#[pallet::storage]
	pub type ReportSubmissionCount<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		SubmissionWindow<BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// Whether validators may report nodes and consensus removes them.
	#[pallet::storage]
	pub type DeregistrationEnabled<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// The nodes reported in the current round with their votes; tallied and cleared when the
	/// round ends.
	#[pallet::storage]
	pub type ReportedNodes<T: Config> =
		StorageValue<_, RoundReports<T::MaxReportedNodesPerRound>, OptionQuery>;

	/// The open deregistration round: its index and last block. Written at genesis and by the
	/// `on_initialize` that tallies a round and opens the next.
	#[pallet::storage]
	pub type DeregistrationRound<T: Config> =
		StorageValue<_, RoundInfo<BlockNumberFor<T>>, ValueQuery>;

	/// How many reporters that claimed part of the open round's list no longer own a validator
	/// node; they keep their place under `MaxValidators` until the round ends.
	#[pallet::storage]
	pub type DepartedReporters<T: Config> = StorageValue<_, DepartedCount, ValueQuery>;

	/// Node id → the pending offer of the node to a new owner (at most one per node).
	///
	/// Written by `swap_node_owner`; removed when accepted, cancelled, replaced by a new offer,
	/// when the node leaves the registry, and by `on_initialize` once expired.
	// Hasher: Blake2_128Concat, safe for node ids, which users choose (any key makes a PeerId).
	#[pallet::storage]
	pub type NodeOwnershipOffers<T: Config> =
		StorageMap<_, Blake2_128Concat, NodeId, OwnershipOfferOf<T>, OptionQuery>;

	/// (owner, `blake2_256` of a consent's encoding) → the consent's `valid_until`: consents
	/// their owner revoked.
	///
	/// Written by `revoke_consent`; removed by `on_initialize` once `valid_until` is past.
	// Hasher: Blake2_128Concat for the owner, which users choose; Identity for the consent, safe
	// since it is already a blake2_256 hash, at most `MaxRevokedConsents` under each owner.
	#[pallet::storage]
	pub type RevokedConsents<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Identity,
		H256,
		BlockNumberFor<T>,
		OptionQuery,
	>;

	/// Owner → the least nonce its consents may carry: `revoke_consents_below` revoked every
	/// consent below it. Absent: 0.
	///
	/// Written by `revoke_consents_below`, only ever raised, and kept: a consent's
	/// `valid_until` may lie any distance ahead of the block it is signed in (it is usable
	/// once it lies within `MaxConsentLifetime`), so no block ends a floor's use. One entry per
	/// owner that used the call.
	#[pallet::storage]
	pub type ConsentNonceFloor<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u64, ValueQuery>;

	/// Owner → how many of its consents are in `RevokedConsents` (at most `MaxRevokedConsents`).
	// Hasher: Blake2_128Concat, safe for accounts, which users choose.
	#[pallet::storage]
	pub type RevokedConsentCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Node id → the block the node last moved to this key (`rotate_node_key`): it may not
	/// rotate again until `NodeCooldownPeriod` blocks later.
	///
	/// Written by a rotation; removed when the node rotates again and by `on_initialize` once
	/// the period is over.
	// Hasher: Blake2_128Concat, safe for node ids, which users choose (any key makes a PeerId).
	#[pallet::storage]
	pub type NodeKeyRotatedAt<T: Config> =
		StorageMap<_, Blake2_128Concat, NodeId, BlockNumberFor<T>, OptionQuery>;

	/// Node id → how many times the node moved to a new key (`rotate_node_key`); absent: 0.
	/// Records sign it, so that no record signed before a rotation verifies after it.
	///
	/// Written by a rotation (moved to the new id, one higher); removed with the node.
	#[pallet::storage]
	pub type NodeKeyEpoch<T: Config> = StorageMap<_, Blake2_128Concat, NodeId, u32, ValueQuery>;

	/// Node id → its latest record, signed by its key.
	///
	/// Written by `publish_node_record`; removed with the node and when it rotates its key (a
	/// record names the key that signed it: the node publishes again with its new key).
	// Hasher: Blake2_128Concat, safe for node ids, which users choose (any key makes a PeerId).
	#[pallet::storage]
	pub type NodeRecords<T: Config> =
		StorageMap<_, Blake2_128Concat, NodeId, SignedRecord<T>, OptionQuery>;

	/// Node id → its liveness: when it was last heard from, and whether the sweep found it
	/// silent.
	///
	/// Present exactly while the node is in the registry; moves with a key rotation.
	// Hasher: Blake2_128Concat, safe for node ids, which users choose (any key makes a PeerId).
	#[pallet::storage]
	pub type NodeLiveness<T: Config> =
		StorageMap<_, Blake2_128Concat, NodeId, Liveness<T>, OptionQuery>;

	/// Index of the registry by status: (status, node id) → ().
	// Hasher: Twox64Concat for the status, safe since it is one of three, which nobody chooses;
	// Blake2_128Concat for the node id, which users choose.
	#[pallet::storage]
	pub type NodesByStatus<T: Config> =
		StorageDoubleMap<_, Twox64Concat, Status, Blake2_128Concat, NodeId, (), OptionQuery>;

	/// Status → number of registered nodes with that status.
	// Hasher: Twox64Concat, safe since the key is one of three statuses, which nobody chooses.
	#[pallet::storage]
	pub type NodeCountByStatus<T: Config> = StorageMap<_, Twox64Concat, Status, u32, ValueQuery>;

	/// Index of the published records by capability: (capability, node id) → ().
	// Hasher: Blake2_128Concat for both, safe for capabilities and node ids, which users choose.
	#[pallet::storage]
	pub type NodesByCapability<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		CapabilityOf<T>,
		Blake2_128Concat,
		NodeId,
		(),
		OptionQuery,
	>;

	/// Index of the registry by node type: (node type, node id) → ().
	// Hasher: Twox64Concat for the node type, safe since it is one of five, which nobody chooses;
	// Blake2_128Concat for the node id, which users choose.
	#[pallet::storage]
	pub type NodesByType<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NodeType, Blake2_128Concat, NodeId, (), OptionQuery>;

	/// Node type → number of registered nodes of that type.
	// Hasher: Twox64Concat, safe since the key is one of five node types, which nobody chooses.
	#[pallet::storage]
	pub type NodeCountByType<T: Config> = StorageMap<_, Twox64Concat, NodeType, u32, ValueQuery>;

	/// (block, item) → (): state that stops mattering after that block.
	///
	/// Drained by `on_initialize` once the block is past. Keyed by the item itself, so queueing
	/// is one write and needs no counter.
	// Hasher: Twox64Concat for the block, safe since every entry's block lies a bounded number of
	// blocks ahead (a `Config` lifetime or period), so users cannot spread keys at will;
	// Blake2_128Concat for the item, whose node ids and accounts users choose.
	#[pallet::storage]
	pub type ExpiryQueue<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		Blake2_128Concat,
		Expiring<T::AccountId>,
		(),
		OptionQuery,
	>;

	/// The oldest block whose `ExpiryQueue` entries may not have been drained yet.
	#[pallet::storage]
	pub type NextExpiryToPrune<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A main node was registered.
		MainNodeRegistered { node_id: NodeId, owner: T::AccountId, node_type: NodeType },
		/// A registration fee was paid, in the currency or in credits.
		RegistrationFeePaid {
			owner: T::AccountId,
			node_type: NodeType,
			amount: BalanceOf<T>,
			in_credits: bool,
		},
		/// A node left the registry.
		NodeUnregistered { node_id: NodeId, owner: T::AccountId, reason: UnregisterReason },
		/// A node's status changed.
		NodeStatusUpdated { node_id: NodeId, status: Status },
		/// Fee charging was switched.
		FeeChargingStatusChanged { enabled: bool },
		/// A node type's fee was set.
		NodeTypeFeeUpdated { node_type: NodeType, fee: BalanceOf<T> },
		/// A node type was disabled or enabled.
		NodeTypeDisabledChanged { node_type: NodeType, disabled: bool },
		/// A node changed owner.
		NodeOwnerSwapped { node_id: NodeId, old_owner: T::AccountId, new_owner: T::AccountId },
		/// A validator voted to remove a node in the current round.
		DeregistrationReported { reporter: T::AccountId, node_id: NodeId, votes: u32 },
		/// A node's votes reached the threshold and it was unregistered.
		DeregistrationConsensusReached { node_id: NodeId, votes: u32 },
		/// A reported node's votes fell short of the threshold when its round was tallied.
		DeregistrationConsensusFailed { node_id: NodeId, votes: u32, required: u32 },
		/// An account was banned or unbanned.
		AccountBanStatusChanged { account: T::AccountId, banned: bool },
		/// The validator whitelist was replaced.
		WhitelistUpdated { count: u32 },
		/// Deregistration by validators was switched.
		DeregistrationStatusChanged { enabled: bool },
		/// A node's owner offered it to `new_owner`, who may accept until `expires_at`.
		NodeOwnershipOffered {
			node_id: NodeId,
			owner: T::AccountId,
			new_owner: T::AccountId,
			expires_at: BlockNumberFor<T>,
		},
		/// A node's owner withdrew its offer (or the node rotated its key, which withdraws it).
		NodeOwnershipOfferCancelled {
			node_id: NodeId,
			owner: T::AccountId,
			new_owner: T::AccountId,
		},
		/// `submitter` registered `node_id` for `owner` with the owner's consent.
		ConsentUsed {
			owner: T::AccountId,
			submitter: T::AccountId,
			consent_hash: H256,
			node_id: NodeId,
		},
		/// An owner revoked a consent; it is refused from now on.
		ConsentRevoked { owner: T::AccountId, consent_hash: H256, valid_until: BlockNumberFor<T> },
		/// A node moved to a new key: same owner, type, status and registration block; the old
		/// id cools down.
		NodeKeyRotated { old_node_id: NodeId, new_node_id: NodeId, owner: T::AccountId },
		/// A node published a record.
		NodeRecordPublished { node_id: NodeId, seq: u64 },
		/// A node's record was removed (the node left the registry or rotated its key).
		NodeRecordRemoved { node_id: NodeId, seq: u64 },
		/// A node was silent for more than `OfflineAfterPeriods` periods since `last_seen` and
		/// is now `Offline`.
		NodeWentOffline { node_id: NodeId, last_seen: BlockNumberFor<T> },
		/// An `Offline` node sent a heartbeat in `period` and is `Online` again.
		NodeBackOnline { node_id: NodeId, period: u32 },
		// New events are appended, so that the indices of the earlier ones never change.
		/// The migration to storage version 3 dropped a registry entry of the earlier layout:
		/// `node_id` as it was stored (either form), its owner and why.
		MigrationEntryDropped {
			node_id: NodeIdParam,
			owner: T::AccountId,
			reason: MigrationDropReason,
		},
		/// The migration to storage version 3 removed `count` entries of `item` that did not
		/// decode.
		MigrationUndecodable { item: MigrationItem, count: u32 },
		/// The migration to storage version 3 removed `count` entries of `item` that the new
		/// layout does not keep (legacy items, expired or stale entries, report state).
		MigrationEntriesRemoved { item: MigrationItem, count: u32 },
		/// The migration to storage version 3 completed, from storage version `from_version`,
		/// with `nodes` nodes in the registry.
		MigrationCompleted { from_version: u16, nodes: u32 },
		/// An owner revoked every consent of its with a nonce below `nonce`.
		ConsentsRevokedBelow { owner: T::AccountId, nonce: u64 },
		/// A report named a node that is no longer registered (removed, or moved to a new key
		/// since the reporter looked); the rest of the report counted.
		DeregistrationReportSkipped { reporter: T::AccountId, node_id: NodeId },
		/// The migration to storage version 3 found storage at `from_version` in a layout it
		/// cannot read, changed nothing, and fails in its next step.
		MigrationRefused { from_version: u16, reason: MigrationRefusal },
		/// An owner's main node (`OwnerToNode`) is now `node_id`: its main node left or changed
		/// hands, and this node of its fleet took its place.
		MainNodeChanged { owner: T::AccountId, node_id: NodeId },
		/// A node type's deposit was set.
		NodeTypeDepositUpdated { node_type: NodeType, deposit: BalanceOf<T> },
		/// `amount` of `owner`'s funds is held as the bond of `node_id`.
		BondHeld { node_id: NodeId, owner: T::AccountId, amount: BalanceOf<T> },
		/// The bond of `node_id`, which left `owner`, stays held until `release_at` is past.
		BondReleasing {
			node_id: NodeId,
			owner: T::AccountId,
			amount: BalanceOf<T>,
			release_at: BlockNumberFor<T>,
		},
		/// `amount` of `owner`'s bond for `node_id` was released.
		BondReleased { node_id: NodeId, owner: T::AccountId, amount: BalanceOf<T> },
		/// `amount` of `owner`'s bond for `node_id` was slashed (consensus removed the node, or
		/// governance removed it with its bond forfeited).
		BondSlashed { node_id: NodeId, owner: T::AccountId, amount: BalanceOf<T> },
	}

	/// Errors of the pallet.
	///
	/// The names are the reference pallet's, and clients match them by name: never rename or
	/// reorder them (see the crate docs, "Names are the reference's"); new errors are appended.
	#[pallet::error]
	pub enum Error<T> {
		/// The node id is in the registry already (in either form).
		NodeAlreadyRegistered,
		/// No node with this id is in the registry.
		NodeNotFound,
		/// Only storage miners can be degraded.
		NotAminer,
		/// The validator owner's active stake is below `MinerStakeThreshold`.
		InsufficientStake,
		/// The owner cannot pay the registration fee.
		InsufficientBalanceForFee,
		/// The owner's credits do not cover the registration fee.
		InsufficientCreditsForFee,
		/// This runtime takes no fees in credits; pay with `pay_in_credits = false`.
		CreditsNotSupported,
		/// The fee is above `MaxNodeTypeFee`.
		FeeTooHigh,
		/// The fee is below `MinNodeTypeFee`.
		FeeTooLow,
		/// The node type is disabled.
		NodeTypeDisabled,
		/// No node named in a report is in the registry (nodes no longer registered are
		/// skipped when others are).
		NodeNotRegistered,
		/// Deregistration by validators is switched off.
		DeregistrationDisabled,
		/// The caller does not own the node.
		NotNodeOwner,
		/// The reporter has no registered node.
		AccountNotRegistered,
		/// The node or its owner was removed less than `NodeCooldownPeriod` blocks ago.
		NodeCooldownPeriodNotExpired,
		/// The owner has `MaxNodesPerOwner` nodes already (with a limit of 1: it has its main
		/// node).
		OwnerAlreadyRegistered,
		/// The reporter's node is not a validator.
		NotAValidator,
		/// The reporter has used its `MaxDeregRequestsPerPeriod` report calls in this window.
		TooManyRequests,
		/// The account is banned.
		AccountBanned,
		/// The whitelist is in use and the reporter is not on it.
		NodeNotWhitelisted,
		/// The signature does not verify with the node's key over `challenge_bytes`.
		InvalidSignature,
		/// `challenge_bytes` is not exactly one encoded `RegisterChallenge`.
		InvalidChallenge,
		/// The challenge's domain is not `HIPPIUS::REGISTER::v1`.
		InvalidChallengeDomain,
		/// The current block is after the challenge's `expires_at`.
		ChallengeExpired,
		/// This challenge was used already.
		ChallengeReused,
		/// The challenge was built for another chain.
		GenesisMismatch,
		/// `main_public_key` is not 32 bytes or is not the key inside the PeerId.
		PublicKeyMismatch,
		/// The challenge's `node_id_hash` is not `blake2_256(node_id_hex)`.
		ChallengeMismatch,
		/// `node_id` and `node_id_hex` are not the same PeerId.
		NodeIdMismatch,
		/// The challenge's `account` is not the owner.
		InvalidAccountId,
		/// The signer of the registration is not `owner`: the owner must consent.
		SignerNotOwner,
		/// The node id is not the PeerId of an Ed25519 key (raw bytes or base58 text).
		InvalidNodeId,
		/// `main_sig` is not 64 bytes.
		InvalidSignatureLength,
		/// The challenge's `block_number` is after the current block.
		ChallengeFromFuture,
		/// The challenge's `expires_at` is more than `MaxChallengeLifetime` blocks ahead, or
		/// before its `block_number`.
		ChallengeLifetimeTooLong,
		/// The owner is not eligible for this node type.
		NotEligible,
		/// The new owner is the current owner.
		SameOwner,
		/// The report names no node.
		EmptyReport,
		/// The reporter already reported this node in this round (or named it twice).
		AlreadyReported,
		/// The reporter reached `MaxReportsPerRound` nodes in this round.
		TooManyReportsInRound,
		/// `MaxReportedNodesPerRound` distinct nodes are reported in this round already.
		TooManyReportedNodes,
		/// The whitelist names an account twice.
		DuplicateValidator,
		// New errors are appended, so that the indices of the earlier ones never change.
		/// The node id is the PeerId of an Ed25519 key of small order, for which a constant
		/// signature (`R` = identity, `S` = 0) verifies over any challenge: it proves nothing.
		SmallOrderNodeKey,
		/// No ownership offer of this node is pending.
		NoOwnershipOffer,
		/// The pending ownership offer of this node is for another account.
		NotTheOfferedOwner,
		/// The ownership offer expired.
		OwnershipOfferExpired,
		/// Validators voted against the node in the open round: it cannot change hands until
		/// the round is tallied.
		NodeUnderReport,
		/// `MaxValidators` validator nodes are registered (counting validators that claimed part
		/// of the open round's list and left since).
		TooManyValidators,
		/// The reporter was already the first to report its share of the round's list
		/// (`MaxReportedNodesPerRound / MaxValidators` nodes); it may still vote for nodes
		/// others reported.
		ReportShareExhausted,
		/// A stored list no longer fits its bound (an upgrade lowered the bound): refused until
		/// the force origin replaces the list or its round ends.
		StoredListOverBound,
		/// The consent's domain is not `HIPPIUS::CONSENT::v2`.
		InvalidConsentDomain,
		/// The consent was made for another chain.
		ConsentGenesisMismatch,
		/// The current block is after the consent's `valid_until`.
		ConsentExpired,
		/// The consent's `valid_until` lies more than `MaxConsentLifetime` blocks ahead (more
		/// than twice that, to revoke it).
		ConsentLifetimeTooLong,
		/// The consent's owner revoked it.
		ConsentRevoked,
		/// The signature is not the consent owner's over the consent (bare or wrapped in
		/// `<Bytes>`…`</Bytes>`).
		InvalidOwnerSignature,
		/// The consent is for another PeerId than the node key's.
		ConsentNodeMismatch,
		/// The consent is for another node type.
		ConsentNodeTypeMismatch,
		/// The current fee of the node type is above the most the owner agreed to pay.
		FeeAboveMaximum,
		/// Only the consent's owner may revoke it.
		NotConsentOwner,
		/// The owner has `MaxRevokedConsents` revocations outstanding; one frees its place when
		/// its consent's `valid_until` is past.
		TooManyRevokedConsents,
		/// The consent does not allow rotating the owner's node (`may_rotate` is false).
		ConsentForbidsRotation,
		/// The node rotated its key less than `NodeCooldownPeriod` blocks ago.
		KeyRotationTooSoon,
		/// The rotation statement does not name this chain, the node's owner, its current and
		/// new PeerIds and the new key's challenge, or its domain is not `HIPPIUS::ROTATE::v1`.
		InvalidRotationStatement,
		/// The node's current key did not sign the rotation statement.
		InvalidRotationSignature,
		/// The record's sequence number is not above the stored record's.
		StaleRecord,
		/// The node published a record in this liveness period already.
		RecordRateLimited,
		/// An address of the record is not a well-formed multiaddr of an accepted protocol.
		InvalidAddress,
		/// An address of the record has a `/p2p/` component naming another node.
		ForeignPeerIdInAddress,
		/// The record's version or a capability is empty or not printable ASCII (a capability
		/// also has no spaces).
		InvalidRecordText,
		/// The record names a capability twice.
		DuplicateCapability,
		/// The node key did not sign the record's statement.
		InvalidRecordSignature,
		/// The heartbeat is for another period than the current one.
		HeartbeatForAnotherPeriod,
		/// The node sent a heartbeat in this period already.
		HeartbeatAlreadySent,
		/// The node key did not sign the heartbeat.
		InvalidHeartbeatSignature,
		/// The consent's owner is an account whose Ed25519 key has small order (the all-zero
		/// account among them): a constant signature verifies for it, so it proves no consent.
		SmallOrderOwner,
		/// The pallet's storage is behind this code's storage version: calls wait until the
		/// migration has finished.
		StorageMigrationPending,
		/// The nonce is not above the owner's current floor (consents below it are revoked
		/// already; the floor only rises).
		NonceFloorNotRaised,
		/// The registry holds `MaxNodes` nodes: a node must leave before another joins.
		RegistryFull,
		/// The owner already has a validator node: one stake, one vote, one validator node.
		OwnerHasValidator,
		/// The node is not the caller's main node (`unregister_main_node`); its other nodes
		/// leave with `unregister_node`.
		NotMainNode,
		/// The owner cannot hold the node type's deposit.
		InsufficientBalanceForDeposit,
		/// The node type's deposit is above the most the owner agreed to hold.
		DepositAboveMaximum,
	}

	/// Genesis state of the registry.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Whether registration charges fees.
		pub fee_charging_enabled: bool,
		/// Whether validators may report nodes.
		pub deregistration_enabled: bool,
		/// Initial fee per node type (others use `InitialNodeTypeFee`).
		pub initial_fees: Vec<(NodeType, BalanceOf<T>)>,
		/// Deposit (bond) per node type (others: none).
		pub deposits: Vec<(NodeType, BalanceOf<T>)>,
		/// Node types disabled at genesis.
		pub disabled_node_types: Vec<NodeType>,
		/// Accounts banned at genesis.
		pub banned_accounts: Vec<T::AccountId>,
		/// The validator whitelist at genesis.
		pub whitelisted_validators: Vec<T::AccountId>,
		/// Pre-registered nodes: (owner, node type, node id in either form).
		pub nodes: Vec<(T::AccountId, NodeType, Vec<u8>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			self.build_registry();
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::do_on_initialize(now)
		}

		fn integrity_test() {
			Self::check_constants();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::try_state_of_version()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register `node_id` for `owner` without a proof of key control.
		///
		/// ## Dispatch Origin
		/// `ForceOrigin`.
		///
		/// ## Details
		/// `node_id` must be the PeerId of an Ed25519 key (either form); its key is recorded as
		/// the node's identity. Checked: bans, node uniqueness, the owner's node limit
		/// (`MaxNodesPerOwner`; places still cooling are not counted), one validator per owner,
		/// and the bounds of the registry and of validators. Not checked: fees, deposits (no bond
		/// is held), stake, cooldowns and disabled types. Emits `MainNodeRegistered`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::force_register_coldkey_node(peer_id::base58_form(
			node_id
		)))]
		pub fn force_register_coldkey_node(
			origin: OriginFor<T>,
			owner: T::AccountId,
			node_type: NodeType,
			node_id: NodeIdParam,
		) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			Self::do_force_register(owner, node_type, &node_id)
		}

		/// Register the caller's main node, proven by the node key's signature.
		///
		/// ## Dispatch Origin
		/// Signed, by `owner` itself.
		///
		/// ## Details
		/// - `node_id`: the node's PeerId, as base58 text or raw bytes; it must be the same
		///   PeerId as `node_id_hex` and is stored as base58 text.
		/// - `node_id_hex`: the raw 38-byte PeerId (despite its name, not hex text).
		/// - `main_public_key`, `main_sig`: the node's Ed25519 key (the one inside the PeerId)
		///   and its signature over `challenge_bytes`.
		/// - `challenge_bytes`: exactly one SCALE-encoded [`RegisterChallenge`] for this chain,
		///   `owner` and node, with `block_number <= now <= expires_at <= now +
		///   MaxChallengeLifetime`, never used before.
		/// - `pay_in_credits`: take the fee through `Credits` instead of the currency.
		///
		/// Policy: the owner is not banned and is eligible, the type is enabled, the owner has a
		/// free place (fewer than `MaxNodesPerOwner` nodes and places cooling down), the node is
		/// not registered nor cooling down, and a validator owner has no validator node yet and
		/// `MinerStakeThreshold` active stake. With fee charging on, the type's current fee
		/// is charged (to the pallet account) and then doubles, up to `MaxNodeTypeFee`.
		///
		/// Emits `MainNodeRegistered`, and `RegistrationFeePaid` when a fee was charged.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::register_node_with_coldkey())]
		pub fn register_node_with_coldkey(
			origin: OriginFor<T>,
			node_type: NodeType,
			node_id: NodeIdParam,
			pay_in_credits: bool,
			owner: T::AccountId,
			main_key_type: Libp2pKeyType,
			main_public_key: PublicKeyParam,
			main_sig: SignatureParam,
			challenge_bytes: ChallengeBytes<T>,
			node_id_hex: NodeIdParam,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			ensure!(who == owner, Error::<T>::SignerNotOwner);
			Self::do_register(RegistrationRequest {
				node_type,
				node_id,
				pay_in_credits,
				owner,
				main_key_type,
				main_public_key,
				main_sig,
				challenge_bytes,
				node_id_hex,
				max_fee: None,
				max_deposit: None,
			})
		}

		/// Mark a storage miner `Degraded`.
		///
		/// ## Dispatch Origin
		/// `ForceOrigin`.
		///
		/// ## Details
		/// Fails with `NotAminer` for other node types. Emits `NodeStatusUpdated`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_node_status_to_degraded(peer_id::base58_form(
			node_id
		)))]
		pub fn set_node_status_to_degraded(
			origin: OriginFor<T>,
			node_id: NodeIdParam,
		) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			Self::do_degrade(&node_id)
		}

		/// Switch fee charging on or off.
		///
		/// ## Dispatch Origin
		/// `ForceOrigin`.
		///
		/// ## Details
		/// Emits `FeeChargingStatusChanged`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_fee_charging())]
		pub fn set_fee_charging(origin: OriginFor<T>, enabled: bool) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			FeeChargingEnabled::<T>::put(enabled);
			Self::deposit_event(Event::FeeChargingStatusChanged { enabled });
			Ok(())
		}

		/// Set a node type's fee.
		///
		/// ## Dispatch Origin
		/// `FeeOrigin`.
		///
		/// ## Details
		/// The fee must lie within `MinNodeTypeFee..=MaxNodeTypeFee`. Its halving clock restarts
		/// now. Emits `NodeTypeFeeUpdated`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::set_node_type_fee())]
		pub fn set_node_type_fee(
			origin: OriginFor<T>,
			node_type: NodeType,
			fee: BalanceOf<T>,
		) -> DispatchResult {
			T::FeeOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			Self::do_set_fee(node_type, fee)
		}

		/// Disable or enable registration of a node type.
		///
		/// ## Dispatch Origin
		/// `ForceOrigin`.
		///
		/// ## Details
		/// Registered nodes of the type stay. Emits `NodeTypeDisabledChanged`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_node_type_disabled())]
		pub fn set_node_type_disabled(
			origin: OriginFor<T>,
			node_type: NodeType,
			disabled: bool,
		) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			if disabled {
				DisabledNodeTypes::<T>::insert(node_type, true);
			} else {
				DisabledNodeTypes::<T>::remove(node_type);
			}
			Self::deposit_event(Event::NodeTypeDisabledChanged { node_type, disabled });
			Ok(())
		}

		/// Unregister a node: an online storage miner is degraded, any other node removed.
		///
		/// ## Dispatch Origin
		/// `ForceOrigin`.
		///
		/// ## Details
		/// Removal starts the node's and its owner's cooldown and withdraws a pending ownership
		/// offer. Emits `NodeStatusUpdated` or `NodeUnregistered`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::force_unregister_coldkey_node(peer_id::base58_form(
			node_id
		)))]
		pub fn force_unregister_coldkey_node(
			origin: OriginFor<T>,
			node_id: NodeIdParam,
		) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			Self::do_unregister(None, &node_id, false)
		}

		/// Unregister the caller's node: an online storage miner is degraded, any other node
		/// (and a degraded one) removed.
		///
		/// ## Dispatch Origin
		/// Signed, by the node's owner.
		///
		/// ## Details
		/// Removal starts the node's and the owner's cooldown and withdraws a pending ownership
		/// offer; the owner's votes of the open round stay cast (and count for nothing unless it
		/// owns a validator node when they are tallied). Emits `NodeStatusUpdated` or
		/// `NodeUnregistered`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::unregister_main_node(peer_id::base58_form(node_id)))]
		pub fn unregister_main_node(origin: OriginFor<T>, node_id: NodeIdParam) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_unregister(Some(who), &node_id, true)
		}

		/// Offer the caller's node to `new_owner`, who takes it with `accept_node_ownership`.
		///
		/// ## Dispatch Origin
		/// Signed, by the node's owner.
		///
		/// ## Details
		/// Nothing changes hands yet: the offer stays open for `OwnershipOfferLifetime` blocks,
		/// replaces an earlier offer of the node, and can be withdrawn with
		/// `cancel_node_ownership_offer`. `new_owner` must differ and, as now, be able to take
		/// the node (not banned, eligible, with a free place in its fleet, and for a validator
		/// node no validator node yet and `MinerStakeThreshold` active stake); no validator may have voted against
		/// the node in the open round. Emits `NodeOwnershipOffered`.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::swap_node_owner(peer_id::base58_form(node_id)))]
		pub fn swap_node_owner(
			origin: OriginFor<T>,
			node_id: NodeIdParam,
			new_owner: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_offer_ownership(who, &node_id, new_owner)
		}

		/// Vote to remove nodes in the current round.
		///
		/// ## Dispatch Origin
		/// Signed, by a validator owner or an account `ReporterResolver` maps to one.
		///
		/// ## Details
		/// Deregistration must be enabled; the validator owner must have a registered validator
		/// node, not be banned, be on the whitelist when it is in use, hold `MinerStakeThreshold`
		/// active stake and be within its `MaxDeregRequestsPerPeriod` calls per window. Each node
		/// must not yet be reported by this owner in this round; an owner may be the first to
		/// report at most its share of the round's list. A node no longer registered (removed,
		/// or moved to a new key since the reporter looked) is skipped, as long as the report
		/// names at least one that is. Votes are tallied when the round ends, and count only if
		/// their owner may still vote then. Emits `DeregistrationReported` per node and
		/// `DeregistrationReportSkipped` per node skipped.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::submit_deregistration_report(node_ids.len() as u32))]
		pub fn submit_deregistration_report(
			origin: OriginFor<T>,
			node_ids: BoundedVec<NodeIdParam, T::MaxNodesPerReport>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_report(T::ReporterResolver::resolve(who), node_ids)
		}

		/// Ban or unban an account.
		///
		/// ## Dispatch Origin
		/// `ForceOrigin`.
		///
		/// ## Details
		/// A banned account cannot register, receive a node or report; a node it already owns
		/// stays. Emits `AccountBanStatusChanged`.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::set_account_ban_status())]
		pub fn set_account_ban_status(
			origin: OriginFor<T>,
			account: T::AccountId,
			banned: bool,
		) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			if banned {
				BannedAccounts::<T>::insert(&account, true);
			} else {
				BannedAccounts::<T>::remove(&account);
			}
			Self::deposit_event(Event::AccountBanStatusChanged { account, banned });
			Ok(())
		}

		/// Replace the validator whitelist (empty = every validator may report).
		///
		/// ## Dispatch Origin
		/// `ForceOrigin`.
		///
		/// ## Details
		/// No account may appear twice. Emits `WhitelistUpdated`.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::set_whitelisted_validators(validators.len() as u32))]
		pub fn set_whitelisted_validators(
			origin: OriginFor<T>,
			validators: BoundedVec<T::AccountId, T::MaxWhitelistedValidators>,
		) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			Self::do_set_whitelist(validators)
		}

		/// Switch deregistration by validators on or off.
		///
		/// ## Dispatch Origin
		/// `ForceOrigin`.
		///
		/// ## Details
		/// While off, reports are refused and a round ending discards its votes. Emits
		/// `DeregistrationStatusChanged`.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::set_deregistration_enabled())]
		pub fn set_deregistration_enabled(origin: OriginFor<T>, enabled: bool) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			DeregistrationEnabled::<T>::put(enabled);
			Self::deposit_event(Event::DeregistrationStatusChanged { enabled });
			Ok(())
		}

		/// Take a node offered to the caller with `swap_node_owner`.
		///
		/// ## Dispatch Origin
		/// Signed, by the account the node was offered to.
		///
		/// ## Details
		/// The offer must be open (not past its `expires_at`), the caller able to take the node
		/// now (as for the offer), and no validator may have voted against the node in the open
		/// round. The old owner's cooldown starts, as after a removal, so handing a node to
		/// another account is no way around `NodeCooldownPeriod`. Emits `NodeOwnerSwapped`.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::accept_node_ownership(peer_id::base58_form(node_id)))]
		pub fn accept_node_ownership(origin: OriginFor<T>, node_id: NodeIdParam) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_accept_ownership(who, &node_id)
		}

		/// Withdraw the pending offer of the caller's node.
		///
		/// ## Dispatch Origin
		/// Signed, by the owner that made the offer.
		///
		/// ## Details
		/// The offer must still be open: past its `expires_at` it is gone, pruned or not.
		/// Emits `NodeOwnershipOfferCancelled`.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::cancel_node_ownership_offer(peer_id::base58_form(
			node_id
		)))]
		pub fn cancel_node_ownership_offer(
			origin: OriginFor<T>,
			node_id: NodeIdParam,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_cancel_ownership_offer(who, &node_id)
		}

		/// Register a node for an owner that consented offline: any account submits the owner's
		/// signed consent and the node key's proof.
		///
		/// ## Dispatch Origin
		/// Signed, by any account (typically a hot account on the node's host that pays only
		/// transaction fees).
		///
		/// ## Details
		/// - `consent`: an [`OwnerConsent`] for this chain, naming the node's PeerId and
		///   `node_type`, not past its `valid_until` (which lies at most `MaxConsentLifetime`
		///   blocks ahead), not revoked.
		/// - `owner_signature`: `consent.owner`'s signature of the consent's encoding, bare or
		///   wrapped in `<Bytes>`…`</Bytes>`.
		/// - `main_public_key`, `main_sig`, `challenge_bytes`: the node key's proof as in
		///   `register_node_with_coldkey`, with the challenge bound to `consent.owner`.
		///
		/// Then every check of `register_node_with_coldkey` for `consent.owner`. The fee (when
		/// charging is on) is taken from the owner's funds and refused with `FeeAboveMaximum`
		/// when above `consent.max_fee`. The consent stays usable until its `valid_until`, so
		/// a removed node can come back after its cooldown without the owner.
		///
		/// Emits `MainNodeRegistered`, `RegistrationFeePaid` when a fee was charged, and
		/// `ConsentUsed`.
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::register_node_with_consent())]
		pub fn register_node_with_consent(
			origin: OriginFor<T>,
			node_type: NodeType,
			consent: Box<OwnerConsentOf<T>>,
			owner_signature: T::OwnerSignature,
			main_public_key: PublicKeyParam,
			main_sig: SignatureParam,
			challenge_bytes: ChallengeBytes<T>,
		) -> DispatchResult {
			let submitter = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_register_with_consent(
				submitter,
				node_type,
				*consent,
				owner_signature,
				main_public_key,
				main_sig,
				challenge_bytes,
			)
		}

		/// `register_node_with_coldkey` with a price limit: refused with `FeeAboveMaximum`
		/// when the node type's current fee is above `max_fee`.
		///
		/// ## Dispatch Origin
		/// Signed, by `owner` itself.
		///
		/// ## Details
		/// The parameters of `register_node_with_coldkey`, then `max_fee`. The fee doubles
		/// after every paid registration, so a registration in the same block as another can
		/// cost twice the fee its sender read; `max_fee` bounds what it may take. Emits as
		/// `register_node_with_coldkey`.
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::register_node_with_max_fee())]
		pub fn register_node_with_max_fee(
			origin: OriginFor<T>,
			node_type: NodeType,
			node_id: NodeIdParam,
			pay_in_credits: bool,
			owner: T::AccountId,
			main_key_type: Libp2pKeyType,
			main_public_key: PublicKeyParam,
			main_sig: SignatureParam,
			challenge_bytes: ChallengeBytes<T>,
			node_id_hex: NodeIdParam,
			max_fee: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			ensure!(who == owner, Error::<T>::SignerNotOwner);
			Self::do_register(RegistrationRequest {
				node_type,
				node_id,
				pay_in_credits,
				owner,
				main_key_type,
				main_public_key,
				main_sig,
				challenge_bytes,
				node_id_hex,
				max_fee: Some(max_fee),
				max_deposit: None,
			})
		}

		/// Revoke one of the caller's consents: it is refused from now on.
		///
		/// ## Dispatch Origin
		/// Signed, by `consent.owner`.
		///
		/// ## Details
		/// The consent must be for this chain, not past its `valid_until`, which may lie at most
		/// `2 × MaxConsentLifetime` blocks ahead (a consent becomes usable only once it lies at
		/// most `MaxConsentLifetime` ahead, so each can be revoked before), and not revoked
		/// already; the owner may have at most `MaxRevokedConsents` revocations outstanding.
		/// Each is kept until its consent's `valid_until` is past. Emits `ConsentRevoked`.
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::revoke_consent())]
		pub fn revoke_consent(
			origin: OriginFor<T>,
			consent: Box<OwnerConsentOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_revoke_consent(who, *consent)
		}

		/// Move a registered node to a new libp2p key; it keeps its owner, type, status and
		/// registration block.
		///
		/// ## Dispatch Origin
		/// Signed, by the node's owner, or by any account holding `consent`: the owner's consent
		/// to the new PeerId, for the node's type, with `may_rotate`.
		///
		/// ## Details
		/// - `node_id`: the node's current id, in either form.
		/// - `new_public_key`, `new_key_sig`, `challenge_bytes`: the new key's proof, as at
		///   registration (a challenge bound to the owner and the new PeerId, used once).
		/// - `rotation`, `old_key_sig`: a [`KeyRotation`] statement naming this chain, the owner,
		///   both PeerIds and `blake2_256(challenge_bytes)`, signed by the node's current key.
		///   An owner whose current key is lost cannot rotate: it unregisters the node and
		///   registers the new key.
		///
		/// The owner must not be banned; the new PeerId must be free (not registered, not
		/// cooling down); no validator may have voted against the node in the open round; a node
		/// rotates at most once per `NodeCooldownPeriod`. The registry, identity, type index and
		/// owner index move to the new id in one step; the old id cools down as after a
		/// removal; a pending ownership offer is withdrawn. Emits `NodeKeyRotated`.
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::rotate_node_key())]
		pub fn rotate_node_key(
			origin: OriginFor<T>,
			node_id: NodeIdParam,
			new_public_key: PublicKeyParam,
			new_key_sig: SignatureParam,
			challenge_bytes: ChallengeBytes<T>,
			rotation: Box<KeyRotationOf<T>>,
			old_key_sig: SignatureParam,
			consent: Option<Box<SignedConsentOf<T>>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_rotate_key(crate::rotation::RotationRequest {
				who,
				node_id,
				new_public_key,
				new_key_sig,
				challenge_bytes,
				rotation: *rotation,
				old_key_sig,
				consent: consent.map(|consent| *consent),
			})
		}

		/// Publish the node's record (addresses, version, capabilities), signed by its key.
		///
		/// ## Dispatch Origin
		/// Signed, by any account (the owner or not); or none: a fee-less transaction, bare or
		/// authorized by `AuthorizeCall`, which the pool admits only after every check below and
		/// at most once per node and period.
		///
		/// ## Details
		/// - `node_id`: the node, in either form; it must be registered.
		/// - `record`: a sequence number above the stored record's; well-formed multiaddrs of
		///   accepted protocols, whose `/p2p/` components name this node; a printable version
		///   and distinct printable capabilities, each within its `Config` bound.
		/// - `signature`: the node key's Ed25519 signature of the [`RecordStatement`]: this
		///   chain's genesis hash, the node's raw PeerId, its `registered_at`, its key epoch
		///   ([`NodeKeyEpoch`]), the record.
		///
		/// A node publishes at most one record per `HeartbeatPeriod`. The record replaces the
		/// stored one and the capability index. Emits `NodeRecordPublished`.
		#[pallet::call_index(22)]
		#[pallet::weight(Pallet::<T>::record_weight(record, true))]
		#[pallet::authorize(|_source, node_id, record, signature| {
			// The authorization's weight is the weight it declares: nothing to refund.
			Pallet::<T>::validate_record(node_id, record, signature).map(|v| (v, Weight::zero()))
		})]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_publish_node_record())]
		pub fn publish_node_record(
			origin: OriginFor<T>,
			node_id: NodeIdParam,
			record: Box<NodeRecord<T>>,
			signature: SignatureParam,
		) -> DispatchResultWithPostInfo {
			let bare = Self::ensure_any_submitter(origin)?;
			Self::ensure_storage_current()?;
			let weight = Self::record_weight(&record, bare);
			Self::do_publish_record(&node_id, *record, &signature)?;
			Ok(Some(weight).into())
		}

		/// Say the node is alive in the current period, signed by its key.
		///
		/// ## Dispatch Origin
		/// As `publish_node_record`: signed by any account, or a fee-less transaction the pool
		/// admits only after every check below and at most once per node and period.
		///
		/// ## Details
		/// - `node_id`: the node, in either form; it must be registered.
		/// - `period`: the current period (the block number divided by `HeartbeatPeriod`); one
		///   heartbeat per node per period.
		/// - `version`: the node's software version (printable, or empty).
		/// - `signature`: the node key's Ed25519 signature of the [`HeartbeatStatement`]: this
		///   chain's genesis hash, the node's raw PeerId, the period, the version.
		///
		/// A node silent for more than `OfflineAfterPeriods` periods is marked by the sweep
		/// (`Offline` if it was `Online`); its next heartbeat makes it `Online` again and emits
		/// `NodeBackOnline`. Only that case costs the declared weight; an ordinary heartbeat
		/// refunds the rest.
		///
		/// A bare transaction is charged its pool check too (`pre_dispatch` runs it again in the
		/// block, signature included, as pallet-im-online's heartbeats did); a signed or
		/// authorized one is refunded that part (an authorized one pays it as the
		/// authorization's weight). The same holds for `publish_node_record`.
		#[pallet::call_index(23)]
		#[pallet::weight(
			T::WeightInfo::heartbeat_back_online()
				.saturating_add(T::WeightInfo::authorize_heartbeat())
		)]
		#[pallet::authorize(|_source, node_id, period, version, signature| {
			// The authorization's weight is the weight it declares: nothing to refund.
			Pallet::<T>::validate_heartbeat(node_id, *period, version, signature)
				.map(|v| (v, Weight::zero()))
		})]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_heartbeat())]
		pub fn heartbeat(
			origin: OriginFor<T>,
			node_id: NodeIdParam,
			period: u32,
			version: VersionOf<T>,
			signature: SignatureParam,
		) -> DispatchResultWithPostInfo {
			let bare = Self::ensure_any_submitter(origin)?;
			Self::ensure_storage_current()?;
			let used = Self::do_heartbeat(&node_id, period, version, &signature)?;
			// A bare one also paid for the check `pre_dispatch` ran in the block.
			let used =
				if bare { used.saturating_add(T::WeightInfo::authorize_heartbeat()) } else { used };
			Ok(Some(used).into())
		}

		/// Revoke every consent of the caller with a nonce below `nonce`, however many: they
		/// are refused from now on.
		///
		/// ## Dispatch Origin
		/// Signed, by the owner.
		///
		/// ## Details
		/// `nonce` must be above the caller's current floor (the floor only rises). One storage
		/// entry per owner holds it. An owner that numbers its consents in order revokes all
		/// of them at once this way, and keeps `revoke_consent` for one at a time. Emits
		/// `ConsentsRevokedBelow`.
		#[pallet::call_index(24)]
		#[pallet::weight(T::WeightInfo::revoke_consents_below())]
		pub fn revoke_consents_below(origin: OriginFor<T>, nonce: u64) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_revoke_consents_below(who, nonce)
		}

		/// Unregister one node of the caller's fleet: an online storage miner is degraded, any
		/// other node (and a degraded one) removed.
		///
		/// ## Dispatch Origin
		/// Signed, by the node's owner.
		///
		/// ## Details
		/// As `unregister_main_node`, for any of the caller's nodes. A removal frees one place of
		/// the fleet, which cools down for `NodeCooldownPeriod` blocks; the owner's other places
		/// and nodes are not touched. If the node was the main node, another of the fleet takes
		/// its place (`MainNodeChanged`). Its bond is released after the cooldown. Emits
		/// `NodeStatusUpdated`, or `NodeUnregistered` and `BondReleasing` when bonded.
		#[pallet::call_index(25)]
		#[pallet::weight(T::WeightInfo::unregister_main_node(peer_id::base58_form(node_id)))]
		pub fn unregister_node(origin: OriginFor<T>, node_id: NodeIdParam) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_storage_current()?;
			Self::do_unregister(Some(who), &node_id, false)
		}

		/// Set the deposit (bond) a registration of `node_type` holds from its owner.
		///
		/// ## Dispatch Origin
		/// `FeeOrigin`.
		///
		/// ## Details
		/// Zero holds none (the reference's rule). Bonds held already keep their amount; a node
		/// handed over holds the new owner's deposit at the deposit then in force. Emits
		/// `NodeTypeDepositUpdated`.
		#[pallet::call_index(26)]
		#[pallet::weight(T::WeightInfo::set_node_type_deposit())]
		pub fn set_node_type_deposit(
			origin: OriginFor<T>,
			node_type: NodeType,
			deposit: BalanceOf<T>,
		) -> DispatchResult {
			T::FeeOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			Self::do_set_deposit(node_type, deposit)
		}

		/// Remove a node at once (a storage miner is not degraded first), its bond forfeited
		/// when `forfeit_bond`.
		///
		/// ## Dispatch Origin
		/// `ForceOrigin`.
		///
		/// ## Details
		/// As a removal by `force_unregister_coldkey_node`, which keeps its reference
		/// behaviour; with `forfeit_bond` the whole bond is slashed to `OnBondSlashed`
		/// (`UnregisterReason::ForcedForfeit`), otherwise it is released after the cooldown.
		/// Emits `NodeUnregistered`, and `BondSlashed` or `BondReleasing` when bonded.
		#[pallet::call_index(27)]
		#[pallet::weight(T::WeightInfo::force_remove_node())]
		pub fn force_remove_node(
			origin: OriginFor<T>,
			node_id: NodeIdParam,
			forfeit_bond: bool,
		) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			Self::ensure_storage_current()?;
			Self::do_force_remove(&node_id, forfeit_bond)
		}
	}

	/// The bare (unsigned) path of `publish_node_record` and `heartbeat`, for clients that
	/// cannot build general transactions (polkadot.js 16 alone cannot; the project's JS client
	/// and registrar can): the same checks and pool tags as `#[pallet::authorize]`. FRAME
	/// removes `ValidateUnsigned` after April 2027; the authorized path stays. Without the
	/// feature `bare-fee-less` it validates nothing (FRAME's macro cannot leave the
	/// implementation out behind a `cfg`).
	#[allow(deprecated)]
	#[pallet::validate_unsigned]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			if !BARE_FEE_LESS_PATH {
				// As a runtime whose pallets validate no unsigned transaction.
				return UnknownTransaction::NoUnsignedValidator.into();
			}
			match call {
				Call::publish_node_record { node_id, record, signature } => {
					Self::validate_record(node_id, record, signature)
				}
				Call::heartbeat { node_id, period, version, signature } => {
					Self::validate_heartbeat(node_id, *period, version, signature)
				}
				_ => InvalidTransaction::Call.into(),
			}
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// One page of the nodes of `node_type`, after the node id `start_after` (the previous
		/// page's `next`; either form), at most `limit` (capped at `MaxPageSize`), each with its
		/// record and liveness. Refused, never an empty last page, when `limit` is 0 or
		/// `start_after` is not a PeerId.
		pub fn nodes_by_type(
			node_type: NodeType,
			start_after: Option<Vec<u8>>,
			limit: u32,
		) -> Result<NodePage<T>, PageError> {
			Self::page::<NodesByType<T>, _>(node_type, start_after, limit)
		}

		/// One page of the nodes with `status`, as `nodes_by_type`.
		pub fn nodes_by_status(
			status: Status,
			start_after: Option<Vec<u8>>,
			limit: u32,
		) -> Result<NodePage<T>, PageError> {
			Self::page::<NodesByStatus<T>, _>(status, start_after, limit)
		}

		/// One page of the nodes whose record names `capability`, as `nodes_by_type`; refused
		/// when `capability` is longer than `MaxCapabilityLen` (no record can name it).
		pub fn nodes_by_capability(
			capability: Vec<u8>,
			start_after: Option<Vec<u8>>,
			limit: u32,
		) -> Result<NodePage<T>, PageError> {
			let capability = CapabilityOf::<T>::try_from(capability)
				.map_err(|_| PageError::InvalidCapability)?;
			Self::page::<NodesByCapability<T>, _>(capability, start_after, limit)
		}

		/// A node (either form) with its record and liveness.
		pub fn node_view(node_id: Vec<u8>) -> Option<NodeView<T>> {
			<Self as NodeRegistry<_, _>>::node(&node_id).map(Self::view_of)
		}

		/// How many nodes are registered, per type and per status.
		pub fn node_counts() -> NodeCounts {
			NodeCounts {
				by_type: NodeType::ALL
					.iter()
					.map(|node_type| (*node_type, NodeCountByType::<T>::get(node_type)))
					.collect(),
				by_status: Status::ALL
					.iter()
					.map(|status| (*status, NodeCountByStatus::<T>::get(status)))
					.collect(),
			}
		}

		/// The record of a node, by its id in either form (base58 text or raw PeerId bytes).
		pub fn node_by_id(node_id: Vec<u8>) -> Option<NodeInfoOf<T>> {
			<Self as NodeRegistry<_, _>>::node(&node_id)
		}

		/// The record of the main node of `owner`.
		pub fn node_of_owner(owner: T::AccountId) -> Option<NodeInfoOf<T>> {
			<Self as NodeRegistry<_, _>>::node_of_owner(&owner)
		}

		/// The fee a registration of `node_type` would be charged now (when charging is on).
		pub fn current_fee(node_type: NodeType) -> BalanceOf<T> {
			Self::fee_now(node_type)
		}

		/// The consent `owner` would sign now for `peer_id` (either form) as `node_type`, paying
		/// at most `max_fee` and holding at most `max_deposit`, valid for `lifetime` blocks
		/// (capped at `MaxConsentLifetime`), and its encoding: the bytes to sign. `None` when
		/// `peer_id` is not an acceptable PeerId.
		pub fn consent_payload(
			owner: T::AccountId,
			peer_id: Vec<u8>,
			node_type: NodeType,
			max_fee: BalanceOf<T>,
			max_deposit: BalanceOf<T>,
			lifetime: BlockNumberFor<T>,
			nonce: u64,
			may_rotate: bool,
		) -> Option<ConsentPayload<OwnerConsentOf<T>>> {
			let terms = crate::consent::ConsentTerms {
				node_type,
				max_fee,
				max_deposit,
				lifetime,
				nonce,
				may_rotate,
			};
			Self::consent_payload_now(owner, &peer_id, terms)
		}

		/// The deposit a registration of `node_type` would hold now (its bond).
		pub fn current_deposit(node_type: NodeType) -> BalanceOf<T> {
			Self::deposit_now(node_type)
		}

		/// One page of the nodes of `owner` (its fleet), as `nodes_by_type`.
		pub fn nodes_of_owner(
			owner: T::AccountId,
			start_after: Option<Vec<u8>>,
			limit: u32,
		) -> Result<NodePage<T>, PageError> {
			Self::page::<NodesByOwner<T>, _>(owner, start_after, limit)
		}

		/// How many nodes `owner` has registered.
		pub fn owner_node_count(owner: T::AccountId) -> u32 {
			OwnerNodeCount::<T>::get(owner)
		}

		/// Whether `consent`, signed with `owner_signature`, can be used in the current block, and
		/// if not why (a transaction sent now is applied in a later block: a consent whose
		/// `valid_until` is the current block will have expired by then).
		pub fn consent_status(
			consent: OwnerConsentOf<T>,
			owner_signature: T::OwnerSignature,
		) -> ConsentStatus {
			Self::consent_status_now(&consent, &owner_signature)
		}

		/// What a client needs to build a challenge now.
		pub fn challenge_fields() -> ChallengeFields<BlockNumberFor<T>> {
			let now = frame_system::Pallet::<T>::block_number();
			ChallengeFields {
				domain: REGISTER_DOMAIN,
				genesis_hash: Self::genesis_hash(),
				current_block: now,
				latest_expires_at: now.saturating_add(T::MaxChallengeLifetime::get()),
			}
		}
	}

	impl<T: Config> Pallet<T> {
		/// The account registration fees are paid to.
		pub fn account_id() -> T::AccountId {
			use sp_runtime::traits::AccountIdConversion;
			T::PalletId::get().into_account_truncating()
		}

		/// The genesis hash challenges must carry.
		pub fn genesis_hash() -> [u8; 32] {
			let hash = frame_system::BlockHash::<T>::get(BlockNumberFor::<T>::zero());
			let mut out = [0u8; 32];
			let bytes = hash.as_ref();
			if bytes.len() == out.len() {
				out.copy_from_slice(bytes);
			} else {
				// A runtime whose hashes are not 32 bytes cannot use the contract's layout.
				Err::<(), _>("block hash is not 32 bytes").defensive().ok();
			}
			out
		}

		/// Refuses a call while storage is behind this code's storage version: until the
		/// migration has finished, storage is in an earlier layout (or half-migrated) that the
		/// calls would misread or damage (D22).
		pub(crate) fn ensure_storage_current() -> DispatchResult {
			ensure!(
				StorageVersion::get::<Self>() >= STORAGE_VERSION,
				Error::<T>::StorageMigrationPending
			);
			Ok(())
		}

		/// A signed origin, none (a bare fee-less transaction the pool validated) or authorized
		/// (a general fee-less transaction `AuthorizeCall` validated). Returns whether it is
		/// bare: `pre_dispatch` checked it in the block, at a cost the call's weight carries.
		fn ensure_any_submitter(origin: OriginFor<T>) -> Result<bool, DispatchError> {
			match origin.into() {
				Ok(frame_system::RawOrigin::None) if BARE_FEE_LESS_PATH => Ok(true),
				Ok(frame_system::RawOrigin::Signed(_) | frame_system::RawOrigin::Authorized) => {
					Ok(false)
				}
				_ => Err(DispatchError::BadOrigin),
			}
		}

		/// The weight of `publish_node_record` for `record`, with the pool check that
		/// `pre_dispatch` runs again in the block when the transaction is `bare`.
		pub fn record_weight(record: &NodeRecord<T>, bare: bool) -> Weight {
			let call = T::WeightInfo::publish_node_record(
				record.addresses.len() as u32,
				record.capabilities.len() as u32,
			);
			if bare {
				call.saturating_add(T::WeightInfo::authorize_publish_node_record())
			} else {
				call
			}
		}

		/// The canonical (base58 text) id of a node id in either form.
		pub fn canonical_node_id(node_id: &[u8]) -> Result<NodeId, Error<T>> {
			peer_id::Ed25519PeerId::parse_canonical(node_id)
				.map(|(_, node_id)| node_id)
				.map_err(Error::<T>::from)
		}
	}

	impl<T: Config> NodeRegistry<T::AccountId, NodeInfoOf<T>> for Pallet<T> {
		fn is_owner_registered(owner: &T::AccountId) -> bool {
			OwnerToNode::<T>::contains_key(owner)
		}

		fn owner_node_count(owner: &T::AccountId) -> u32 {
			OwnerNodeCount::<T>::get(owner)
		}

		fn nodes_of_owner(
			owner: &T::AccountId,
			start_after: Option<&[u8]>,
			limit: u32,
		) -> Result<Vec<NodeInfoOf<T>>, PageError> {
			let (node_ids, _) = Self::page_ids::<NodesByOwner<T>, _>(
				owner.clone(),
				start_after.map(<[u8]>::to_vec),
				limit,
			)?;
			Ok(node_ids.into_iter().filter_map(ColdkeyNodeRegistrationV2::<T>::get).collect())
		}

		fn node_of_owner(owner: &T::AccountId) -> Option<NodeInfoOf<T>> {
			let node_id = OwnerToNode::<T>::get(owner)?.into_iter().next()?;
			ColdkeyNodeRegistrationV2::<T>::get(node_id)
		}

		fn node(node_id: &[u8]) -> Option<NodeInfoOf<T>> {
			Self::registered_node(node_id).ok().map(|(_, info)| info)
		}

		fn node_count(node_type: NodeType) -> u32 {
			NodeCountByType::<T>::get(node_type)
		}

		fn nodes_of_type(
			node_type: NodeType,
			start_after: Option<&[u8]>,
			limit: u32,
		) -> Result<Vec<NodeInfoOf<T>>, PageError> {
			let (node_ids, _) = Self::page_ids::<NodesByType<T>, _>(
				node_type,
				start_after.map(<[u8]>::to_vec),
				limit,
			)?;
			Ok(node_ids.into_iter().filter_map(ColdkeyNodeRegistrationV2::<T>::get).collect())
		}
	}
}
