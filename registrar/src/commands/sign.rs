//! `sign`: builds and signs a registration challenge and prints `register_node_with_coldkey`'s
//! parameters and call data, with what the chain says (online) or what the caller gives
//! (offline).

use super::CommandError;
use crate::{
	chain::ChainClient,
	challenge::{ChallengeInputs, RegistrationCall, SignedCall},
	facts::BlockNumberWidth,
	judge::effective_lifetime,
	keys::NodeKey,
};
use pallet_registration::NodeType;
use sp_core::crypto::AccountId32;

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

/// Builds and signs the challenge: `register_node_with_coldkey`'s call data and parameters, in
/// the call's order when printed.
pub async fn sign(request: SignRequest) -> Result<SignedCall, CommandError> {
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
	Ok(call.shown(pallet_index))
}
