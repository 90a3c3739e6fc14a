//! What can go wrong talking to the chain: [`ChainError`], and a failed dispatch by name
//! ([`DispatchFailure`]). A leaf beside `facts` (it imports only the endpoint's redaction): the
//! chain client returns these errors, and the outcomes (`outcome`) classify them. (It also
//! carries [`crate::genesis`]'s refusals, another leaf.)

use crate::endpoint::EndpointRedactor;
use serde::Serialize;
use subxt::error::DispatchError;

/// A failed dispatch, by name (`Registration.NodeAlreadyRegistered`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DispatchFailure {
	/// The pallet of a module error.
	pub pallet: Option<String>,
	/// The error's name.
	pub error: String,
}

impl std::fmt::Display for DispatchFailure {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match &self.pallet {
			Some(pallet) => write!(f, "{pallet}.{}", self.error),
			None => f.write_str(&self.error),
		}
	}
}

impl DispatchFailure {
	/// The pallet and error names of subxt's dispatch error.
	pub fn from_subxt(error: &DispatchError) -> Self {
		match error {
			DispatchError::Module(module) => match module.details() {
				Ok(details) => Self {
					pallet: Some(details.pallet.name().to_owned()),
					error: details.variant.name.clone(),
				},
				Err(_) => Self { pallet: None, error: module.details_string() },
			},
			other => Self { pallet: None, error: format!("{other:?}") },
		}
	}
}

/// Errors talking to the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// The websocket could not be opened or the client not set up. Says where the endpoint
	/// is set, since the usual cause is a chain elsewhere than the endpoint says.
	#[error(
		"cannot connect to {endpoint}: {reason} (is the chain running there? the endpoint is set \
		 with --endpoint or REGISTRAR_ENDPOINT)"
	)]
	Connect {
		/// The endpoint, as it may be shown (no user-info, path or query).
		endpoint: String,
		/// Why (scrubbed of the endpoint's secrets).
		reason: String,
	},
	/// An RPC or transport error.
	#[error("RPC error: {0}")]
	Rpc(String),
	/// An operation took too long.
	#[error("timed out after {0} s")]
	Timeout(u64),
	/// The transaction pool refused the transaction.
	#[error("transaction refused: {0}")]
	Pool(String),
	/// The transaction was included but its dispatch failed.
	#[error("dispatch failed: {0}")]
	Dispatch(DispatchFailure),
	/// The chain lacks something the registrar needs (pallet, call, storage, constant).
	#[error("chain metadata: {0}")]
	Metadata(String),
	/// Chain data did not decode as the pallet's types.
	#[error("cannot decode chain data: {0}")]
	Decode(String),
	/// The endpoint named another chain than the one the registrar is pinned to
	/// ([`crate::genesis`]): nothing was signed.
	#[error("{0}")]
	Genesis(#[from] crate::genesis::GenesisError),
}

impl ChainError {
	/// This error with `redactor`'s secrets removed from its text.
	pub fn scrubbed(self, redactor: &EndpointRedactor) -> Self {
		match self {
			ChainError::Connect { endpoint, reason } => ChainError::Connect {
				endpoint: redactor.scrub(&endpoint),
				reason: redactor.scrub(&reason),
			},
			ChainError::Rpc(text) => ChainError::Rpc(redactor.scrub(&text)),
			ChainError::Pool(text) => ChainError::Pool(redactor.scrub(&text)),
			ChainError::Metadata(text) => ChainError::Metadata(redactor.scrub(&text)),
			ChainError::Decode(text) => ChainError::Decode(redactor.scrub(&text)),
			other @ (ChainError::Timeout(_) | ChainError::Dispatch(_) | ChainError::Genesis(_)) => {
				other
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn errors_lose_the_endpoint_secrets() {
		let url = "wss://user:hunter22@rpc.example.com/v3/0123456789abcdef?apikey=topsecret";
		let redactor = EndpointRedactor::new(url);
		let errors = [
			ChainError::Connect { endpoint: url.into(), reason: format!("bad {url}") },
			ChainError::Rpc(format!("{url} closed")),
			ChainError::Pool(format!("at {url}")),
			ChainError::Metadata(format!("from {url}")),
			ChainError::Decode(format!("from {url}")),
		];
		for error in errors {
			let text = error.scrubbed(&redactor).to_string();
			for secret in ["hunter22", "0123456789abcdef", "topsecret"] {
				assert!(!text.contains(secret), "{text}");
			}
			assert!(text.contains("rpc.example.com"), "{text}");
		}
	}
}
