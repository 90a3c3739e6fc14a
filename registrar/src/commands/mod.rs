//! The one-shot commands' bodies, one file each, as library functions that return what the CLI
//! prints: [`sign`] (the call's parameters for polkadot.js apps), [`register`] (one attempt),
//! [`status`] (what the chain says about a node and its owner), [`consent`] (an owner consent
//! file: made, signed, a signature attached, checked; or a fleet's, one file per PeerId),
//! [`rotate`] (a key rotation) and [`nodes`] (registered nodes with their records, signatures
//! checked, and liveness). The flags that build their requests are in the binary's `cli.rs`.

mod consent;
mod nodes;
mod register;
mod rotate;
mod sign;
mod status;

pub use consent::{
	consent, consent_file_name, revoke_call_data, terms_text, AskOnTerminal, AssumeYes, Confirm,
	ConsentChainSource, ConsentReport, ConsentRequest, NewConsent, NewConsents, NOT_A_TERMINAL,
};
pub use nodes::{
	nodes, render_text as render_nodes, NodeEntry, NodesListing, NodesRequest, OwnerEntry,
};
pub use register::register;
pub use rotate::{rotate, rotate_once, RotateRequest, RotationOutcome};
pub use sign::{sign, ChainSource, SignRequest};
pub use status::{status, StatusRequest};

use crate::{chain_error::ChainError, challenge::ChallengeError, state::StateError};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
	/// Talking to the chain failed.
	#[error(transparent)]
	Chain(#[from] ChainError),
	/// The challenge could not be built.
	#[error(transparent)]
	Challenge(#[from] ChallengeError),
	/// The state file could not be read.
	#[error(transparent)]
	State(#[from] StateError),
	/// The output could not be rendered.
	#[error("cannot render the output: {0}")]
	Output(#[from] serde_json::Error),
	/// A consent could not be made, read, signed or written.
	#[error(transparent)]
	Consent(#[from] crate::consent::ConsentError),
	/// The request cannot be carried out as given.
	#[error("{0}")]
	Invalid(String),
	/// The owner did not agree to sign (declined, or not asked: no terminal and no `--yes`).
	#[error("not signed: {0}")]
	Unconfirmed(String),
}
