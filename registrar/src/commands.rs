//! The one-shot commands' bodies, as library functions that return what the CLI prints:
//! [`sign`] (the call's parameters for polkadot.js apps), [`register`] (one attempt),
//! [`status`] (what the chain says about a node and its owner), [`consent`] (an owner consent
//! file: made, signed, a signature attached, checked), [`rotate`] (a key rotation) and
//! [`nodes`] (registered nodes with their records, signatures checked, and liveness).

mod consent_cmd;
mod nodes_cmd;
mod rotate_cmd;

pub use consent_cmd::{consent, ConsentChainSource, ConsentRequest};
pub use nodes_cmd::{nodes, render_text as render_nodes, NodeEntry, NodesListing, NodesRequest};
pub use rotate_cmd::{rotate, rotate_once, RotateRequest, RotationOutcome};

use crate::{
	chain::ChainClient,
	chain_error::ChainError,
	challenge::{ChallengeError, ChallengeInputs, RegistrationCall},
	facts::BlockNumberWidth,
	judge::{self, effective_lifetime},
	keys::NodeKey,
	outcome::AttemptOutcome,
	service::{register_once, RegistrationConfig},
	state::{PersistedState, StateError},
};
use pallet_registration::NodeType;
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::path::PathBuf;

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
}

/// Where `sign` takes the chain's part of the challenge from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainSource {
	/// Read the genesis hash, the best block, the pallet index and the width from this
	/// endpoint.
	Online {
		/// The chain's JSON-RPC websocket.
		endpoint: String,
	},
	/// Given: what the chain would say.
	Offline {
		/// The genesis hash.
		genesis_hash: [u8; 32],
		/// The current block.
		block_number: u64,
		/// The pallet's index in the runtime.
		pallet_index: u8,
	},
}

/// What `sign` signs.
#[derive(Clone, Debug)]
pub struct SignRequest {
	/// The node's key.
	pub node_key: NodeKey,
	/// The owner account.
	pub owner: AccountId32,
	/// The node type.
	pub node_type: NodeType,
	/// Pay the fee in credits.
	pub pay_in_credits: bool,
	/// Where the chain's part comes from.
	pub chain: ChainSource,
	/// Blocks the challenge stays valid (online: capped by `MaxChallengeLifetime`).
	pub lifetime: u64,
	/// The block number width (online: detected when absent; offline: 64 bits when absent).
	pub block_number_width: Option<BlockNumberWidth>,
	/// The challenge's nonce.
	pub nonce: [u8; 32],
}

/// Builds and signs the challenge: `register_node_with_coldkey`'s parameters as JSON.
pub async fn sign(request: SignRequest) -> Result<serde_json::Value, CommandError> {
	let (genesis_hash, block_number, lifetime, pallet_index, width) = match &request.chain {
		ChainSource::Online { endpoint } => {
			let client = ChainClient::connect(endpoint).await?;
			let context = client.context().await?;
			let width = request
				.block_number_width
				.or(context.block_number_width)
				.unwrap_or(BlockNumberWidth::U64);
			let lifetime = effective_lifetime(request.lifetime, context.max_challenge_lifetime);
			(context.genesis_hash, context.block_number, lifetime, context.pallet_index, width)
		}
		ChainSource::Offline { genesis_hash, block_number, pallet_index } => {
			let width = request.block_number_width.unwrap_or(BlockNumberWidth::U64);
			(*genesis_hash, *block_number, request.lifetime, *pallet_index, width)
		}
	};
	let inputs = ChallengeInputs {
		genesis_hash,
		block_number,
		expires_at: block_number.saturating_add(lifetime),
		nonce: request.nonce,
	};
	let call = RegistrationCall::new(
		&request.node_key,
		&request.owner,
		request.node_type,
		request.pay_in_credits,
		inputs,
		width,
	)?;
	Ok(call.to_json(pallet_index))
}

/// One attempt, connecting within the configuration's RPC timeout.
pub async fn register(config: &RegistrationConfig) -> Result<AttemptOutcome, ChainError> {
	let client = config.connect().await?;
	Ok(register_once(&client, config).await)
}

/// What `status` reports on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusRequest {
	/// The chain's JSON-RPC websocket.
	pub endpoint: String,
	/// The node (base58 PeerId text).
	pub node_id: String,
	/// The owner, when given.
	pub owner: Option<AccountId32>,
	/// A state directory whose state file to include.
	pub state_dir: Option<PathBuf>,
}

/// What the chain says about the node (and the owner), and the state file if asked for.
pub async fn status(request: StatusRequest) -> Result<serde_json::Value, CommandError> {
	let client = ChainClient::connect(&request.endpoint).await?;
	let owner = request.owner.as_ref();
	let query_owner = owner.cloned().unwrap_or_else(|| AccountId32::new([0; 32]));
	let view = client.view(request.node_id.as_bytes(), &query_owner).await?;
	let registered_to_owner = owner.map(|o| judge::ownership(&view, o).is_registered());
	let state = match &request.state_dir {
		Some(dir) => PersistedState::load(dir)?,
		None => None,
	};
	let owner_node = match owner {
		Some(_) => serde_json::to_value(&view.owner_node)?,
		None => serde_json::Value::Null,
	};
	Ok(serde_json::json!({
		"node_id": request.node_id,
		"owner": owner.map(|o| o.to_ss58check()),
		"finalized_block": view.block_number,
		"finalized_hash": view.block_hash,
		"node": view.node,
		"owner_node": owner_node,
		"registered_to_owner": registered_to_owner,
		"state_file": state,
	}))
}
