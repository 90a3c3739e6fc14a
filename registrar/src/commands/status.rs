//! `status`: what the chain says about a node and its owner (its main node and node count), and
//! the state file.

use super::CommandError;
use crate::{chain::ChainClient, judge, state::PersistedState};
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::path::PathBuf;

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
	// The owner's main node and its node count, of the most it may have: with a fleet, this
	// node may be registered to the owner without being its main node (`registered_to_owner`
	// reads this node's own entry).
	let (owner_node, owner_node_count, max_nodes_per_owner) = match owner {
		Some(_) => (
			serde_json::to_value(&view.owner_node)?,
			Some(view.owner_node_count),
			Some(view.max_nodes_per_owner),
		),
		None => (serde_json::Value::Null, None, None),
	};
	Ok(serde_json::json!({
		"node_id": request.node_id,
		"owner": owner.map(|o| o.to_ss58check()),
		"finalized_block": view.block_number,
		"finalized_hash": view.block_hash,
		"node": view.node,
		"owner_node": owner_node,
		"owner_node_count": owner_node_count,
		"max_nodes_per_owner": max_nodes_per_owner,
		"registered_to_owner": registered_to_owner,
		"state_file": state,
	}))
}
