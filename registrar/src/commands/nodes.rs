//! `nodes`: lists registered nodes through the pallet's paged view functions (every page, at
//! one finalized block), with each node's record and liveness (an owner's fleet with its count,
//! `nodes_of_owner` and `owner_node_count`, when an owner is given), and checks each record's
//! signature itself: the statement is rebuilt from the returned fields and the chain's genesis
//! hash, and verified with the public key the node id embeds. A record whose signature does not
//! verify is shown as such, never as the node's.

use super::CommandError;
use crate::{
	chain::{ChainClient, NodeQuery},
	discovery::{verify_record, NodeView, RecordText},
	judge::discovery::{last_heartbeat_period, liveness_label},
};
use pallet_registration::{NodeType, Status};
use serde::Serialize;
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::fmt::Write as _;

/// Which nodes `nodes` lists: those matching every filter given (all nodes when none is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodesRequest {
	/// The chain's JSON-RPC websocket.
	pub endpoint: String,
	/// Only nodes of this type.
	pub node_type: Option<NodeType>,
	/// Only nodes with this status.
	pub status: Option<Status>,
	/// Only nodes whose record names this capability.
	pub capability: Option<String>,
	/// Only this owner's nodes (its fleet), listed with its node count.
	pub owner: Option<AccountId32>,
	/// Nodes per page asked of the chain (the pallet caps it at `MaxPageSize`).
	pub page_size: u32,
}

impl NodesRequest {
	/// The paged queries that cover the request: the owner's fleet, else the capability's, else
	/// the type's, else the status's, else one per node type (every node has one); the other
	/// filters apply to what they return.
	pub fn queries(&self) -> Vec<NodeQuery> {
		if let Some(owner) = &self.owner {
			vec![NodeQuery::Owner(owner.clone())]
		} else if let Some(capability) = &self.capability {
			vec![NodeQuery::Capability(capability.as_bytes().to_vec())]
		} else if let Some(node_type) = self.node_type {
			vec![NodeQuery::Type(node_type)]
		} else if let Some(status) = self.status {
			vec![NodeQuery::Status(status)]
		} else {
			NodeType::ALL.iter().map(|t| NodeQuery::Type(*t)).collect()
		}
	}

	/// Whether `view` passes every filter.
	pub fn matches(&self, view: &NodeView) -> bool {
		let capability_ok = self.capability.as_ref().is_none_or(|wanted| {
			view.record
				.as_ref()
				.is_some_and(|r| r.record.capabilities.iter().any(|c| c == wanted.as_bytes()))
		});
		self.owner.as_ref().is_none_or(|owner| view.info.owner == *owner)
			&& self.node_type.is_none_or(|t| view.info.node_type == t)
			&& self.status.is_none_or(|s| view.info.status == s)
			&& capability_ok
	}
}

/// A node's liveness, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LivenessEntry {
	/// `online`, `offline`, `silent`, `degraded` or `unknown`.
	pub state: &'static str,
	/// The block it was last heard from.
	pub last_seen: u64,
	/// The period of its last heartbeat (`None`: no heartbeat since it registered).
	pub last_heartbeat_period: Option<u32>,
	/// The version of its last heartbeat.
	pub version: String,
	/// Found silent by the sweep.
	pub silent: bool,
}

/// A node's record, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordEntry {
	/// The record's fields as text.
	#[serde(flatten)]
	pub record: RecordText,
	/// The block it was published in.
	pub published_at: u64,
	/// Whether the node key's signature verified.
	pub signature_verified: bool,
	/// Why it did not.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub signature_error: Option<String>,
}

/// One node, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeEntry {
	/// Its id (base58 PeerId).
	pub node_id: String,
	/// Its type.
	pub node_type: String,
	/// Its status.
	pub status: String,
	/// Its owner (SS58).
	pub owner: String,
	/// The block it was registered in.
	pub registered_at: u64,
	/// Its record, if it published one.
	pub record: Option<RecordEntry>,
	/// Its liveness.
	pub liveness: Option<LivenessEntry>,
}

/// The owner whose fleet is listed (`--owner`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OwnerEntry {
	/// The owner (SS58).
	pub account: String,
	/// How many nodes it has registered (`owner_node_count`), whatever the other filters list.
	pub node_count: u32,
	/// The most nodes an owner may have (`MaxNodesPerOwner`), when the runtime says.
	pub max_nodes_per_owner: Option<u32>,
}

/// What `nodes` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodesListing {
	/// The finalized block the nodes were read at (the last query's).
	pub block_number: u64,
	/// The genesis hash records were checked against (`0x` hex).
	pub genesis_hash: String,
	/// The nodes, in the chain's order per query.
	pub nodes: Vec<NodeEntry>,
	/// How many records did not verify.
	pub unverified_records: usize,
	/// The owner whose fleet is listed, with its node count (only with an owner).
	#[serde(skip_serializing_if = "Option::is_none")]
	pub owner: Option<OwnerEntry>,
}

/// The listing's entry for `view`, its record checked against `genesis_hash`.
pub fn entry(
	view: &NodeView,
	genesis_hash: [u8; 32],
	width: crate::facts::BlockNumberWidth,
	period_len: u64,
) -> NodeEntry {
	let verified = verify_record(view, genesis_hash, width);
	let record = view.record.as_ref().map(|signed| RecordEntry {
		record: RecordText::from(&signed.record),
		published_at: signed.published_at,
		signature_verified: verified.is_ok(),
		signature_error: verified.as_ref().err().map(ToString::to_string),
	});
	let liveness = view.liveness.as_ref().map(|liveness| LivenessEntry {
		state: liveness_label(view.info.status, Some(liveness)),
		last_seen: liveness.last_seen,
		last_heartbeat_period: last_heartbeat_period(liveness, period_len),
		version: String::from_utf8_lossy(&liveness.version).into_owned(),
		silent: liveness.silent,
	});
	NodeEntry {
		node_id: view.info.node_id.clone(),
		node_type: format!("{:?}", view.info.node_type),
		status: format!("{:?}", view.info.status),
		owner: view.info.owner.to_ss58check(),
		registered_at: view.info.registered_at,
		record,
		liveness,
	}
}

/// Lists the nodes `request` asks for, every record's signature checked.
pub async fn nodes(request: &NodesRequest) -> Result<NodesListing, CommandError> {
	if request.page_size == 0 {
		return Err(CommandError::Invalid("the page size must be at least 1".into()));
	}
	let client = ChainClient::connect(&request.endpoint).await?;
	let params = client.discovery_params().await?;
	let context = client.context().await?;
	let width = client.block_number_width().unwrap_or_default();
	let mut listing = NodesListing {
		block_number: 0,
		genesis_hash: format!("0x{}", hex::encode(context.genesis_hash)),
		nodes: Vec::new(),
		unverified_records: 0,
		owner: None,
	};
	for query in request.queries() {
		let (block_number, views) = match &query {
			NodeQuery::Owner(owner) => {
				let fleet = client.owner_nodes(owner, request.page_size).await?;
				listing.owner = Some(OwnerEntry {
					account: owner.to_ss58check(),
					node_count: fleet.node_count,
					max_nodes_per_owner: fleet.max_nodes_per_owner,
				});
				(fleet.block_number, fleet.nodes)
			}
			_ => client.all_nodes(&query, request.page_size).await?,
		};
		listing.block_number = block_number;
		for view in views.iter().filter(|view| request.matches(view)) {
			let entry = entry(view, context.genesis_hash, width, params.heartbeat_period);
			if entry.record.as_ref().is_some_and(|r| !r.signature_verified) {
				listing.unverified_records += 1;
			}
			listing.nodes.push(entry);
		}
	}
	Ok(listing)
}

/// The listing as text, a few lines per node.
pub fn render_text(listing: &NodesListing) -> String {
	let mut out = String::new();
	if let Some(owner) = &listing.owner {
		let most = match owner.max_nodes_per_owner {
			Some(max) => format!(" of at most {max}"),
			None => String::new(),
		};
		let _ = writeln!(
			out,
			"owner {} has {} node(s) registered{most}",
			owner.account, owner.node_count
		);
	}
	let _ = writeln!(
		out,
		"{} node(s) at finalized block {} (genesis {})",
		listing.nodes.len(),
		listing.block_number,
		listing.genesis_hash
	);
	for node in &listing.nodes {
		let _ = writeln!(out);
		let _ = writeln!(out, "{}  {}  {}", node.node_id, node.node_type, node.status);
		let _ = writeln!(out, "  owner:        {}", node.owner);
		let _ = writeln!(out, "  registered:   block {}", node.registered_at);
		match &node.record {
			None => {
				let _ = writeln!(out, "  record:       none");
			}
			Some(record) => {
				let signature = match &record.signature_error {
					None => "signature verified".to_owned(),
					Some(error) => format!("SIGNATURE NOT VERIFIED: {error}"),
				};
				let _ = writeln!(
					out,
					"  record:       seq {}, published in block {}, {signature}",
					record.record.seq, record.published_at
				);
				for address in &record.record.addresses {
					let _ = writeln!(out, "  address:      {address}");
				}
				let _ = writeln!(out, "  version:      {}", record.record.version);
				if !record.record.capabilities.is_empty() {
					let _ =
						writeln!(out, "  capabilities: {}", record.record.capabilities.join(", "));
				}
			}
		}
		match &node.liveness {
			None => {
				let _ = writeln!(out, "  liveness:     unknown");
			}
			Some(liveness) => {
				let heartbeat = match liveness.last_heartbeat_period {
					Some(period) => format!("last heartbeat in period {period}"),
					None => "no heartbeat yet".to_owned(),
				};
				let version = if liveness.version.is_empty() {
					String::new()
				} else {
					format!(", version {}", liveness.version)
				};
				let _ = writeln!(
					out,
					"  liveness:     {}, last seen in block {}, {heartbeat}{version}",
					liveness.state, liveness.last_seen
				);
			}
		}
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		discovery::{publish_args, Liveness, Record, SignedRecord},
		facts::{BlockNumberWidth, RegistryEntry},
		keys::NodeKey,
	};
	use codec::Decode;
	use sp_core::crypto::AccountId32;

	fn signed_view(key: &NodeKey, capabilities: &[&str]) -> NodeView {
		let record = Record {
			seq: 2,
			addresses: vec![crate::multiaddr::parse("/dns4/a.example/tcp/1").unwrap()],
			version: b"v9".to_vec(),
			capabilities: capabilities.iter().map(|c| c.as_bytes().to_vec()).collect(),
		};
		let args = publish_args(key, [3; 32], 40, 0, BlockNumberWidth::U64, &record).unwrap();
		let (_, _, signature) = <(Vec<u8>, Record, Vec<u8>)>::decode(&mut &args[..]).unwrap();
		NodeView {
			info: RegistryEntry {
				node_id: key.peer_id_base58(),
				node_type: NodeType::ComputeMiner,
				status: Status::Offline,
				registered_at: 40,
				owner: AccountId32::new([5; 32]),
			},
			record: Some(SignedRecord {
				record,
				signature: signature.try_into().unwrap(),
				published_at: 41,
			}),
			liveness: Some(Liveness {
				last_seen: 55,
				heartbeat_sent: true,
				version: b"v9".to_vec(),
				silent: true,
				check_at: 0,
			}),
			key_epoch: 0,
		}
	}

	fn request() -> NodesRequest {
		NodesRequest {
			endpoint: String::new(),
			node_type: None,
			status: None,
			capability: None,
			owner: None,
			page_size: 10,
		}
	}

	#[test]
	fn the_query_follows_the_most_selective_filter_and_the_rest_filter() {
		let view = signed_view(&NodeKey::from_seed(&[4; 32]), &["gpu", "x"]);
		let all = request();
		assert_eq!(all.queries().len(), NodeType::ALL.len());
		assert!(all.matches(&view));
		let by_capability = NodesRequest {
			capability: Some("gpu".into()),
			node_type: Some(NodeType::ComputeMiner),
			..request()
		};
		assert_eq!(by_capability.queries(), vec![NodeQuery::Capability(b"gpu".to_vec())]);
		assert!(by_capability.matches(&view));
		let other_type = NodesRequest { node_type: Some(NodeType::GpuMiner), ..request() };
		assert_eq!(other_type.queries(), vec![NodeQuery::Type(NodeType::GpuMiner)]);
		assert!(!other_type.matches(&view));
		let by_status = NodesRequest { status: Some(Status::Online), ..request() };
		assert_eq!(by_status.queries(), vec![NodeQuery::Status(Status::Online)]);
		assert!(!by_status.matches(&view));
		let missing = NodesRequest { capability: Some("cpu".into()), ..request() };
		assert!(!missing.matches(&view));
	}

	#[test]
	fn entries_show_the_record_as_text_and_whether_it_verified() {
		let view = signed_view(&NodeKey::from_seed(&[4; 32]), &["gpu"]);
		let good = entry(&view, [3; 32], BlockNumberWidth::U64, 10);
		let record = good.record.as_ref().unwrap();
		assert!(record.signature_verified && record.signature_error.is_none());
		assert_eq!(record.record.addresses, ["/dns4/a.example/tcp/1"]);
		let liveness = good.liveness.as_ref().unwrap();
		assert_eq!((liveness.state, liveness.last_heartbeat_period), ("offline", Some(5)));
		assert_eq!(good.status, "Offline");
		let text = render_text(&NodesListing {
			block_number: 60,
			genesis_hash: "0x03".into(),
			nodes: vec![good.clone()],
			unverified_records: 0,
			owner: None,
		});
		assert!(text.contains("signature verified"), "{text}");
		assert!(text.contains("address:      /dns4/a.example/tcp/1"), "{text}");
		assert!(text.contains("capabilities: gpu"), "{text}");
		// Checked against another chain, the signature does not verify, and it says so.
		let bad = entry(&view, [4; 32], BlockNumberWidth::U64, 10);
		assert!(!bad.record.as_ref().unwrap().signature_verified);
		let json = serde_json::to_value(&bad).unwrap();
		assert_eq!(json["record"]["signature_verified"], false);
		assert_eq!(json["record"]["capabilities"][0], "gpu");
		let text = render_text(&NodesListing {
			block_number: 60,
			genesis_hash: "0x04".into(),
			nodes: vec![bad],
			unverified_records: 1,
			owner: None,
		});
		assert!(text.contains("SIGNATURE NOT VERIFIED"), "{text}");
	}

	#[test]
	fn an_owners_fleet_is_one_query_and_the_other_filters_apply_to_it() {
		let view = signed_view(&NodeKey::from_seed(&[4; 32]), &["gpu"]);
		let owner = view.info.owner.clone();
		let fleet = NodesRequest {
			owner: Some(owner.clone()),
			capability: Some("gpu".into()),
			status: Some(Status::Offline),
			..request()
		};
		// The owner's pages only, whatever else is given; the rest filter what they return.
		assert_eq!(fleet.queries(), vec![NodeQuery::Owner(owner.clone())]);
		assert!(fleet.matches(&view));
		assert!(
			!NodesRequest { node_type: Some(NodeType::GpuMiner), ..fleet.clone() }.matches(&view)
		);
		assert!(!NodesRequest { status: Some(Status::Online), ..fleet.clone() }.matches(&view));
		assert!(!NodesRequest { capability: Some("cpu".into()), ..fleet.clone() }.matches(&view));
		// Another owner's node (as a chain that returned it would) is not listed.
		let stranger = NodesRequest { owner: Some(AccountId32::new([6; 32])), ..request() };
		assert!(!stranger.matches(&view));
	}

	#[test]
	fn an_owners_listing_shows_its_node_count() {
		let view = signed_view(&NodeKey::from_seed(&[4; 32]), &[]);
		let owner = OwnerEntry {
			account: view.info.owner.to_ss58check(),
			node_count: 3,
			max_nodes_per_owner: Some(16),
		};
		let listing = NodesListing {
			block_number: 60,
			genesis_hash: "0x03".into(),
			nodes: vec![entry(&view, [3; 32], BlockNumberWidth::U64, 10)],
			unverified_records: 0,
			owner: Some(owner.clone()),
		};
		let text = render_text(&listing);
		let mut lines = text.lines();
		assert_eq!(
			lines.next(),
			Some(
				format!("owner {} has 3 node(s) registered of at most 16", owner.account).as_str()
			)
		);
		assert_eq!(lines.next(), Some("1 node(s) at finalized block 60 (genesis 0x03)"));
		let json = serde_json::to_value(&listing).unwrap();
		assert_eq!(json["owner"]["account"], owner.account.as_str());
		assert_eq!(json["owner"]["node_count"], 3);
		assert_eq!(json["owner"]["max_nodes_per_owner"], 16);
		// Without the constant, the count alone; without an owner, no owner line or field.
		let unknown = NodesListing {
			owner: Some(OwnerEntry { max_nodes_per_owner: None, ..owner }),
			..listing.clone()
		};
		assert!(render_text(&unknown).starts_with(&format!(
			"owner {} has 3 node(s) registered\n",
			unknown.owner.as_ref().unwrap().account
		)));
		let everyone = NodesListing { owner: None, ..listing };
		assert!(render_text(&everyone).starts_with("1 node(s) at finalized block 60"));
		assert!(serde_json::to_value(&everyone).unwrap().get("owner").is_none());
	}
}
