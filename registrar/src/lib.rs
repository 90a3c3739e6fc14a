//! # Registrar
//!
//! Keeps a libp2p node registered in the registration pallet: a library, a CLI (`registrar`)
//! and a service.
//!
//! Layers point one way: the binary (`main.rs`, `cli.rs`) calls [`commands`] and [`service`];
//! those call [`judge`] (every decision, pure), [`chain`] (reads and submissions), [`keys`],
//! [`challenge`], [`consent`], [`rotation`], [`state`], [`http`] and [`status`]; at the bottom
//! are [`outcome`] (outcome classes, re-arm reasons, error classification), [`backoff`],
//! [`endpoint`], [`secret`] and [`shutdown`].
//!
//! - [`keys`]: the node's Ed25519 key (Substrate node-key file, hex seed, go-libp2p protobuf)
//!   and the owner's sr25519 key (secret URI or mnemonic from a file or environment variable).
//! - [`challenge`]: the pallet's own `RegisterChallenge`, built and signed, and the nine
//!   arguments of `register_node_with_coldkey`.
//! - [`consent`]: the pallet's own `OwnerConsent`: made, signed (or a signature made elsewhere
//!   attached and checked), kept in a versioned consent file; the arguments of
//!   `register_node_with_consent`.
//! - [`rotation`]: the pallet's own `KeyRotation` statement and the arguments of
//!   `rotate_node_key`.
//! - [`discovery`]: the node's record (addresses, version, capabilities) and heartbeat
//!   statements, signed by the node key, the arguments of `publish_node_record` and
//!   `heartbeat`, the nodes the paged view functions return, and the check of a record's
//!   signature; [`multiaddr`]: multiaddr text to the binary form and back.
//! - [`chain`]: a Substrate JSON-RPC client (subxt, dynamic API, legacy backend): reads
//!   through the pallet's view functions, submission with mortality, finality, pallet errors
//!   by name, registry events by field name.
//! - [`judge`]: whether the node is registered to this owner, and what to do next (also with
//!   an owner's consent, and for a key rotation).
//! - [`service`]: one attempt ([`register_once`]) and the loop ([`service::run`]) that
//!   registers, parks, re-arms and backs off; while parked it publishes the node's record and
//!   sends a heartbeat every liveness period.
//! - [`commands`]: the bodies of the one-shot commands (`sign`, `register`, `status`,
//!   `consent`, `rotate`, `nodes`).
//! - [`outcome`], [`backoff`]: the outcome classes and the waits between attempts.
//! - [`endpoint`]: the chain endpoint as it may be shown (no credentials, path or query).
//! - [`state`]: the state directory's OS lock and state file.
//! - [`status`], [`http`]: `/livez`, `/readyz`, `/status` and `/metrics`.
//! - [`shutdown`]: SIGINT/SIGTERM and the stop flag.
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
//! tokio::spawn(registrar::run_registration_loop(config));
//! # Ok(()) }
//! ```

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![warn(missing_docs)]

pub mod backoff;
pub mod chain;
pub mod challenge;
pub mod commands;
pub mod consent;
pub mod discovery;
pub mod endpoint;
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
