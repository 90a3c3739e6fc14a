//! # Registrar
//!
//! Keeps a libp2p node registered in the registration pallet: a library, a CLI (`registrar`)
//! and a service.
//!
//! How to run it (commands, flags, the service's loop, HTTP endpoints, consents): the
//! repository's `registrar/README.md`, `docs/registrar.md` and `docs/consents-and-rotation.md`.
//!
//! ## Modules
//!
//! - [`keys`]: the node's Ed25519 key (Substrate node-key file, hex seed, go-libp2p protobuf
//!   through `libp2p-identity`) and the owner's sr25519 key (secret URI or mnemonic from a file
//!   or environment variable); key files others can access are refused, and the binary moves
//!   a secret out of its environment at start-up.
//! - [`challenge`]: the pallet's own `RegisterChallenge`, built and signed, and the nine
//!   arguments of `register_node_with_coldkey` (as `registrar sign` prints them).
//! - [`consent`]: the pallet's own `OwnerConsent`: made, signed (or a signature made elsewhere
//!   attached and checked), kept in a versioned consent file; the arguments of
//!   `register_node_with_consent`.
//! - [`rotation`]: the pallet's own `KeyRotation` statement and the arguments of
//!   `rotate_node_key`.
//! - [`discovery`]: the node's record (addresses, version, capabilities) and heartbeat
//!   statements, signed by the node key, the arguments of `publish_node_record` and
//!   `heartbeat`, the nodes the paged view functions return, and the check of a record's
//!   signature; [`multiaddr`]: multiaddr text to the binary form and back (rust-libp2p's
//!   `multiaddr` crate, limited to the pallet's protocols).
//! - [`chain`]: a Substrate JSON-RPC client (subxt, dynamic API, legacy backend): reads
//!   through the pallet's view functions, submission with mortality, finality, pallet errors
//!   by name, registry events by field name. What it reads is in [`facts`], what can go wrong
//!   in [`chain_error`].
//! - [`judge`]: whether the node is registered to this owner, and what to do next (also with
//!   an owner's consent; a key rotation in `judge/rotation.rs`; discovery's periods and retries
//!   in [`judge::discovery`]).
//! - [`service`]: one attempt ([`register_once`]) and the loop ([`service::run`]) that
//!   registers, parks, re-arms and backs off; while parked it publishes the node's record and
//!   sends a heartbeat every liveness period.
//! - [`commands`]: the bodies of the one-shot commands, one file each (`sign`, `register`,
//!   `status`, `consent`, `rotate`, `nodes`).
//! - [`facts`], [`chain_error`], [`amount`]: the values read from the chain, the chain's errors,
//!   amounts of its currency (`2 UNIT`); [`outcome`], [`backoff`]: the outcome classes and the
//!   waits between attempts.
//! - [`genesis`]: the one chain the registrar signs for (`--genesis-hash`, the consent's, the
//!   state file's, or the endpoint's at first use), and the refusal of any other.
//! - [`budget`]: what paid transactions may cost in a rolling day (`--daily-budget`).
//! - [`endpoint`]: the chain endpoint as it may be shown (no credentials, path or query).
//! - [`state`]: the state directory (private, its files opened without following links): its
//!   OS lock and state file (with a refusal remembered for the configuration, the pinned
//!   genesis hash and the day's paid transactions).
//! - [`status`], [`http`]: `/livez`, `/readyz`, `/status` and `/metrics` (served so that idle or
//!   slow clients cannot starve the probes).
//! - [`shutdown`]: SIGINT/SIGTERM and the stop flag.
//!
//! ## Architecture
//!
//! One job per file; layers point one way (no module imports one that imports it back, and
//! none imports a module drawn above it):
//!
//! ```text
//! binary:   main.rs (dispatches only, exit codes) ─ cli.rs (flags → configuration and requests)
//!               │
//! service:  commands/ one file per command:      service/ run(config, shutdown)
//!             sign.rs register.rs status.rs        ├─ mod.rs       lock, state file, HTTP, the worker
//!             consent.rs rotate.rs nodes.rs        ├─ config.rs    RegistrationConfig, Authority, DiscoveryConfig
//!             (mod.rs: CommandError)               ├─ attempt.rs   one attempt: reads what judge asks, acts
//!               │                                  ├─ worker.rs    the loop: attempt, back off, park, re-arm
//!               │                                  └─ discovery.rs while parked: record and heartbeats
//!               ▼
//! parts:    status.rs http.rs state.rs   what the service shows and keeps
//!               ▼
//!           judge/   every decision, pure: mod.rs ownership, decide (park / conflict / degraded /
//!                    refuse / hold / read / prepare / submit; with a consent), confirmation, re-arm;
//!                    rotation.rs a key rotation; discovery.rs periods, the heartbeat's planned
//!                    block, the record's seq, what a failed one is and when the next may go
//!           chain/   the client, no decision: mod.rs transport (connect, width and currency read
//!                    once), reads.rs (typed reads), consent.rs (consent and rotation reads),
//!                    discovery.rs (constants, node views and pages, fee-less submission),
//!                    fee_less.rs (general transactions without a signer: whether the runtime
//!                    takes them, their encoding), view_functions.rs (the runtime API call),
//!                    events.rs (events by field name),
//!                    submit.rs (one prepare_call for every call, submission, finality)
//!               ▼    (judge/ and chain/ do not import each other)
//!           keys.rs challenge.rs consent.rs rotation.rs discovery.rs multiaddr.rs: the
//!           statements, built, signed and checked without a chain
//!               ▼
//! base:     facts.rs (what is read: views, policy, context, events)  chain_error.rs  amount.rs
//!           outcome.rs (classes, re-arm reasons, AttemptOutcome, error classification)
//!           backoff.rs  endpoint.rs  secret.rs  shutdown.rs (signals, stop flag)
//!           genesis.rs (the pinned chain)  budget.rs (the daily budget's window): pure leaves
//! ```
//!
//! The one function that decides whether the registrar submits, parks or re-arms is
//! [`judge::decide`] ([`judge::decide_with_consent`] with an owner's consent: the same steps plus
//! the consent's; with [`judge::rearm_on_event`] and [`judge::storage_check`] while parked); a
//! rotation is decided by [`judge::decide_rotation`]. Their unit tests are in `judge/` and need
//! no chain. [`register_once`] and [`commands::rotate_once`] only perform the reads and actions
//! they ask for.
//!
//! The pallet's discovery types (`NodeRecord`, `RecordStatement`, `HeartbeatStatement`,
//! `SignedRecord`, `Liveness`, `NodeView`, `NodePage`) are generic over the runtime, so a client
//! without one cannot name them: [`discovery`] and [`chain::discovery`] lay them out again
//! (bounded vectors as vectors, block numbers in the detected width, every byte of an answer
//! used). The statements are checked byte for byte against the repository's vectors
//! (`spec/vectors.json`, which the JS reference client `js/client/discovery.mjs` computes too), the
//! decoded views against the dev runtime, and the signatures by the chain itself in the
//! end-to-end test.
//!
//! The registrar reads the pallet through its interface: nodes (`node_by_id`, `node_of_owner`;
//! listed by the paged `nodes_by_*` and `nodes_of_owner`, an owner's count `owner_node_count`),
//! the fee (`current_fee`), the challenge's genesis hash (`challenge_fields`), the consent to
//! sign (`consent_payload`) and a consent's standing (`consent_status`) through its view
//! functions, called as the `RuntimeViewFunction_execute_view_function` runtime API declares
//! them ([`chain::view_functions`] says why not through subxt's view function client); events
//! by field name. The policy's flags and cooldown anchors (`BannedAccounts`,
//! `DisabledNodeTypes`, `NodeLastDeregisteredAt`, `OwnerLastDeregisteredAt`,
//! `OwnerPlacesCooling`, `NodeKeyRotatedAt`, `FeeChargingEnabled`) are storage reads: the
//! pallet has no view function for them. Whether a node is registered to its owner is its own
//! entry (`node_by_id`), never whether it is the owner's main node (`node_of_owner`): an owner
//! may have up to `MaxNodesPerOwner` nodes (1 when the runtime has no such constant), and its
//! other nodes only count when they leave no place for this one. The consent and rotation calls' arguments are SCALE-encoded with the pallet crate's
//! own types (`OwnerConsent`, `KeyRotation`) and decoded into the call with the chain's own
//! argument types before signing, so what is submitted is exactly those bytes, and bytes the
//! chain's types do not read exactly are refused before anything is signed. The challenge is
//! the pallet crate's own `RegisterChallenge<AccountId32, u64>` (or `u32`).
//!
//! ## Example
//!
//! ```no_run
//! use registrar::{keys::{NodeKey, NodeKeyFormat, OwnerKey, OwnerSecretSource}, RegistrationConfig};
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let node_key = NodeKey::load("/var/lib/node/node-key".as_ref(), NodeKeyFormat::Auto)?;
//! let owner = OwnerKey::load(&OwnerSecretSource::Env("REGISTRAR_OWNER_SECRET".into()))?;
//! let mut config = RegistrationConfig::new(
//!     "ws://127.0.0.1:9944",
//!     node_key,
//!     owner,
//!     pallet_registration::NodeType::StorageMiner,
//!     "/var/lib/registrar",
//! );
//! config.http_addr = Some("127.0.0.1:9615".parse()?);
//! tokio::spawn(registrar::run_registration_loop(config)); // stops on SIGINT/SIGTERM
//! # Ok(()) }
//! ```
//!
//! [`run_registration_loop`] stops on SIGINT/SIGTERM; [`run`] takes a configuration and a
//! shutdown future of your own. With an owner's consent instead of its key:
//! [`RegistrationConfig::with_consent`] (the node type is the consent's). The record and
//! heartbeats: [`RegistrationConfig::set_record`] (checked as the pallet checks a record),
//! `config.discovery.heartbeats`, `config.discovery.signing` ([`DiscoverySigning::FeeLess`] or
//! `Signed`), `config.discovery.fee_less` (general or bare transactions); the default is a
//! version-only record, heartbeats, fee-less, general transactions where the runtime takes
//! them. The one-shot commands are in [`commands`], the decisions in [`judge`], the chain
//! client in [`chain::ChainClient`].

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![warn(missing_docs)]

pub mod amount;
pub mod backoff;
pub mod budget;
pub mod chain;
pub mod chain_error;
pub mod challenge;
pub mod commands;
pub mod consent;
pub mod discovery;
pub mod endpoint;
pub mod facts;
pub mod genesis;
pub mod http;
pub mod judge;
pub mod keys;
pub mod multiaddr;
pub mod outcome;
pub mod rotation;
pub mod secret;
pub mod service;
pub mod shutdown;
pub mod state;
pub mod status;

pub use service::{
	register_once, run, run_registration_loop, run_registration_loop_until, Authority,
	DiscoveryConfig, DiscoverySigning, RegistrarError, RegistrationConfig,
};
