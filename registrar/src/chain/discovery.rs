//! Discovery on the chain: the pallet's constants for records and liveness, a node's view
//! (`node_view`), the paged queries (`nodes_by_type`, `nodes_by_status`, `nodes_by_capability`,
//! `nodes_of_owner`) and an owner's node count (`owner_node_count`) through the view functions,
//! the best block, and the submission of `publish_node_record` and `heartbeat`: fee-less (a
//! general or a bare transaction, [`super::fee_less`], that the pool validates with the pallet's
//! own checks) or signed by an account.

use super::{fee_less, rpc, submit::args_as_values, view_functions, ChainClient, ChainConfig};
use crate::{
	chain_error::ChainError,
	discovery::{DiscoveryParams, Limits, Liveness, NodePage, NodeView, Record, SignedRecord},
	facts::{BlockNumberWidth, FeeLessPath, Included, RegistryEntry, PALLET},
	keys::OwnerKey,
};
use codec::{Decode, Encode};
use pallet_registration::{ColdkeyNodeInfoLite, NodeId, NodeType, Status};
use sp_core::crypto::AccountId32;
use subxt::{backend::BlockRef, client::OnlineClientAtBlock, config::substrate::H256};

/// Which nodes a paged query returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeQuery {
	/// `nodes_by_type`.
	Type(NodeType),
	/// `nodes_by_status`.
	Status(Status),
	/// `nodes_by_capability`.
	Capability(Vec<u8>),
	/// `nodes_of_owner`: an owner's fleet.
	Owner(AccountId32),
}

impl NodeQuery {
	/// The view function's name.
	pub fn function(&self) -> &'static str {
		match self {
			NodeQuery::Type(_) => "nodes_by_type",
			NodeQuery::Status(_) => "nodes_by_status",
			NodeQuery::Capability(_) => "nodes_by_capability",
			NodeQuery::Owner(_) => "nodes_of_owner",
		}
	}

	/// The view function's SCALE-encoded arguments: the filter, the cursor, the page size.
	pub fn input(&self, start_after: Option<&[u8]>, limit: u32) -> Vec<u8> {
		let cursor = start_after.map(<[u8]>::to_vec);
		match self {
			NodeQuery::Type(node_type) => (node_type, cursor, limit).encode(),
			NodeQuery::Status(status) => (status, cursor, limit).encode(),
			NodeQuery::Capability(capability) => (capability, cursor, limit).encode(),
			NodeQuery::Owner(owner) => (owner, cursor, limit).encode(),
		}
	}
}

/// Who sends a record or heartbeat ([`ChainClient::submit_discovery`]).
#[derive(Clone, Copy, Debug)]
pub enum DiscoverySender<'a> {
	/// No account: a fee-less transaction, general or bare.
	FeeLess(FeeLessPath),
	/// Signed by this account, which pays the fee; mortal for the given blocks.
	Signed(&'a OwnerKey, u64),
}

/// What a node's discovery step reads, at the best block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveryRead {
	/// The best block's number.
	pub best_block: u64,
	/// The genesis hash statements carry (the `challenge_fields` view function's).
	pub genesis_hash: [u8; 32],
	/// The node, with its record and liveness; `None` when it is not registered.
	pub view: Option<NodeView>,
}

// The pallet's types, on the wire, in a block number width `N`.

#[derive(Decode)]
struct SignedRecordWire<N> {
	record: Record,
	signature: [u8; 64],
	published_at: N,
}

#[derive(Decode)]
struct LivenessWire<N> {
	last_seen: N,
	heartbeat_sent: bool,
	version: Vec<u8>,
	silent: bool,
	check_at: N,
}

#[derive(Decode)]
struct NodeViewWire<N> {
	info: ColdkeyNodeInfoLite<NodeId, AccountId32, N>,
	record: Option<SignedRecordWire<N>>,
	liveness: Option<LivenessWire<N>>,
	key_epoch: u32,
}

#[derive(Decode)]
struct NodePageWire<N> {
	nodes: Vec<NodeViewWire<N>>,
	next: Option<NodeId>,
}

impl<N: Into<u64>> NodeViewWire<N> {
	fn widen(self) -> NodeView {
		let info = self.info;
		NodeView {
			info: RegistryEntry {
				node_id: String::from_utf8_lossy(&info.node_id).into_owned(),
				node_type: info.node_type,
				status: info.status,
				registered_at: info.registered_at.into(),
				owner: info.owner,
			},
			record: self.record.map(|signed| SignedRecord {
				record: signed.record,
				signature: signed.signature,
				published_at: signed.published_at.into(),
			}),
			liveness: self.liveness.map(|liveness| Liveness {
				last_seen: liveness.last_seen.into(),
				heartbeat_sent: liveness.heartbeat_sent,
				version: liveness.version,
				silent: liveness.silent,
				check_at: liveness.check_at.into(),
			}),
			key_epoch: self.key_epoch,
		}
	}
}

/// Decodes all of `bytes` as `T`.
fn decode_all<T: Decode>(mut bytes: &[u8], what: &str) -> Result<T, ChainError> {
	let value = T::decode(&mut bytes).map_err(|e| ChainError::Decode(format!("{what}: {e}")))?;
	if !bytes.is_empty() {
		return Err(ChainError::Decode(format!("{what}: {} bytes left over", bytes.len())));
	}
	Ok(value)
}

/// The `node_view` view function's answer (`Option<NodeView<T>>`) in the chain's width.
pub fn decode_node_view(
	bytes: &[u8],
	width: BlockNumberWidth,
) -> Result<Option<NodeView>, ChainError> {
	Ok(match width {
		BlockNumberWidth::U64 => {
			decode_all::<Option<NodeViewWire<u64>>>(bytes, "node_view")?.map(NodeViewWire::widen)
		}
		BlockNumberWidth::U32 => {
			decode_all::<Option<NodeViewWire<u32>>>(bytes, "node_view")?.map(NodeViewWire::widen)
		}
	})
}

/// A paged view function's answer (`Result<NodePage<T>, PageError>`) in the chain's width;
/// a refused page is an error (the chain never ends a listing silently).
pub fn decode_node_page(bytes: &[u8], width: BlockNumberWidth) -> Result<NodePage, ChainError> {
	fn widen<N: Into<u64>>(
		page: Result<NodePageWire<N>, pallet_registration::PageError>,
	) -> Result<NodePage, ChainError> {
		let page = page.map_err(|error| {
			ChainError::Decode(format!("the chain refused the page: {error:?}"))
		})?;
		Ok(NodePage {
			nodes: page.nodes.into_iter().map(NodeViewWire::widen).collect(),
			next: page.next.map(NodeId::into_inner),
		})
	}
	type Page<N> = Result<NodePageWire<N>, pallet_registration::PageError>;
	match width {
		BlockNumberWidth::U64 => widen(decode_all::<Page<u64>>(bytes, "node page")?),
		BlockNumberWidth::U32 => widen(decode_all::<Page<u32>>(bytes, "node page")?),
	}
}

/// The most pages a listing follows (a cursor that never ends is a broken chain).
const MAX_PAGES: usize = 100_000;

/// Every node of a paged view function (`function`, for errors): `fetch` is asked for the
/// first page (no cursor), then for the page after each page's `next`, until a page has none.
/// A cursor that does not advance, or more than `MAX_PAGES` pages, is an error (the chain
/// would otherwise be asked forever).
pub async fn follow_pages<F, Fut>(function: &str, mut fetch: F) -> Result<Vec<NodeView>, ChainError>
where
	F: FnMut(Option<Vec<u8>>) -> Fut,
	Fut: std::future::Future<Output = Result<NodePage, ChainError>>,
{
	let mut nodes = Vec::new();
	let mut cursor: Option<Vec<u8>> = None;
	for _ in 0..MAX_PAGES {
		let page = fetch(cursor.clone()).await?;
		nodes.extend(page.nodes);
		match page.next {
			Some(next) if cursor.as_ref() == Some(&next) => {
				return Err(ChainError::Decode(format!("{function}: the cursor does not advance")))
			}
			Some(next) => cursor = Some(next),
			None => return Ok(nodes),
		}
	}
	Err(ChainError::Decode(format!("{function}: more than {MAX_PAGES} pages")))
}

/// An owner's fleet as the chain lists it, read at one finalized block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerNodes {
	/// The finalized block it was read at.
	pub block_number: u64,
	/// How many nodes the owner has registered (`owner_node_count`).
	pub node_count: u32,
	/// The pallet's `MaxNodesPerOwner` (`None`: a runtime without that constant).
	pub max_nodes_per_owner: Option<u32>,
	/// Its nodes (`nodes_of_owner`, every page), in the chain's order.
	pub nodes: Vec<NodeView>,
}

impl ChainClient {
	/// The pallet's discovery constants.
	pub async fn discovery_params(&self) -> Result<DiscoveryParams, ChainError> {
		let read = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			let constants = at.constants();
			let u32_of = |name: &str| {
				constants
					.entry(subxt::dynamic::constant::<u32>(PALLET, name))
					.map_err(|e| ChainError::Metadata(format!("{name}: {e}")))
			};
			let heartbeat_period = constants
				.entry(subxt::dynamic::constant::<u64>(PALLET, "HeartbeatPeriod"))
				.map_err(|e| ChainError::Metadata(format!("HeartbeatPeriod: {e}")))?;
			Ok(DiscoveryParams {
				heartbeat_period,
				offline_after_periods: u32_of("OfflineAfterPeriods")?,
				max_page_size: u32_of("MaxPageSize")?,
				limits: Limits {
					max_addresses: u32_of("MaxAddresses")?,
					max_address_len: u32_of("MaxAddressLen")?,
					max_version_len: u32_of("MaxVersionLen")?,
					max_capabilities: u32_of("MaxCapabilities")?,
					max_capability_len: u32_of("MaxCapabilityLen")?,
				},
			})
		};
		read.await.map_err(|e| self.scrub(e))
	}

	/// The best block's number (`chain_getHeader`).
	pub async fn best_block_number(&self) -> Result<u64, ChainError> {
		let header = self
			.rpc
			.request::<Option<serde_json::Value>>("chain_getHeader", subxt::rpcs::rpc_params![])
			.await
			.map_err(|e| self.scrub(rpc(e)))?
			.ok_or_else(|| ChainError::Rpc("the node has no best block".into()))?;
		let number = header
			.get("number")
			.and_then(|n| n.as_str())
			.and_then(|n| u64::from_str_radix(n.trim_start_matches("0x"), 16).ok())
			.ok_or_else(|| ChainError::Decode("chain_getHeader: no block number".into()))?;
		Ok(number)
	}

	async fn at_best(&self) -> Result<OnlineClientAtBlock<ChainConfig>, ChainError> {
		let best_hash = self
			.rpc
			.request::<Option<H256>>("chain_getBlockHash", subxt::rpcs::rpc_params![])
			.await
			.map_err(rpc)?
			.ok_or_else(|| ChainError::Rpc("the node has no best block".into()))?;
		self.api.at_block(BlockRef::from_hash(best_hash)).await.map_err(rpc)
	}

	/// The node `node_id` (either form) with its record and liveness, the genesis hash and the
	/// best block, read at the best block (what the pool checks a transaction against).
	pub async fn discovery_read(&self, node_id: &[u8]) -> Result<DiscoveryRead, ChainError> {
		let read = async {
			let at = self.at_best().await?;
			let (fields, _) = view_functions::call(&at, "challenge_fields", &[]).await?;
			// `ChallengeFields` opens with the 24-byte domain, then the genesis hash.
			let genesis_hash = fields
				.get(24..56)
				.and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
				.ok_or_else(|| ChainError::Decode("challenge_fields: too short".into()))?;
			self.check_genesis(genesis_hash)?;
			let view = self.node_view_at(&at, node_id).await?;
			Ok(DiscoveryRead { best_block: at.block_number(), genesis_hash, view })
		};
		read.await.map_err(|e| self.scrub(e))
	}

	/// The node `node_id` (either form) with its record and liveness, at the finalized block.
	pub async fn node_view(&self, node_id: &[u8]) -> Result<Option<NodeView>, ChainError> {
		let read = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			self.node_view_at(&at, node_id).await
		};
		read.await.map_err(|e| self.scrub(e))
	}

	async fn node_view_at(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		node_id: &[u8],
	) -> Result<Option<NodeView>, ChainError> {
		let (output, _) = view_functions::call(at, "node_view", &node_id.to_vec().encode()).await?;
		decode_node_view(&output, self.width_or_default())
	}

	/// Every node `query` returns, page after page of at most `page_size`, all read at one
	/// finalized block (whose number is returned with them).
	pub async fn all_nodes(
		&self,
		query: &NodeQuery,
		page_size: u32,
	) -> Result<(u64, Vec<NodeView>), ChainError> {
		let read = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			let nodes = self.all_nodes_at(&at, query, page_size).await?;
			Ok((at.block_number(), nodes))
		};
		read.await.map_err(|e| self.scrub(e))
	}

	/// The fleet of `owner`: every node `nodes_of_owner` returns (pages of at most
	/// `page_size`) and its count (`owner_node_count`), both read at one finalized block.
	pub async fn owner_nodes(
		&self,
		owner: &AccountId32,
		page_size: u32,
	) -> Result<OwnerNodes, ChainError> {
		let read = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			let (output, _) =
				view_functions::call(&at, "owner_node_count", &owner.encode()).await?;
			let node_count = decode_all::<u32>(&output, "owner_node_count")?;
			let max_nodes_per_owner = at
				.constants()
				.entry(subxt::dynamic::constant::<u32>(PALLET, "MaxNodesPerOwner"))
				.ok();
			let query = NodeQuery::Owner(owner.clone());
			let nodes = self.all_nodes_at(&at, &query, page_size).await?;
			Ok(OwnerNodes {
				block_number: at.block_number(),
				node_count,
				max_nodes_per_owner,
				nodes,
			})
		};
		read.await.map_err(|e| self.scrub(e))
	}

	async fn all_nodes_at(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		query: &NodeQuery,
		page_size: u32,
	) -> Result<Vec<NodeView>, ChainError> {
		let width = self.width_or_default();
		follow_pages(query.function(), |cursor| async move {
			let input = query.input(cursor.as_deref(), page_size);
			let (output, _) = view_functions::call(at, query.function(), &input).await?;
			decode_node_page(&output, width)
		})
		.await
	}

	/// Submits the pallet's discovery call `call` (`publish_node_record` or `heartbeat`) with
	/// the SCALE-encoded arguments `args`, built at the best block, as `sender` says: fee-less
	/// (a general transaction without a signer, or a bare one), or signed. Waits for a
	/// finalized block; a failed dispatch is [`ChainError::Dispatch`].
	pub async fn submit_discovery(
		&self,
		call: &str,
		args: &[u8],
		sender: DiscoverySender<'_>,
	) -> Result<Included, ChainError> {
		let submitted = async {
			let at = self.at_best().await?;
			let values = args_as_values(&at.metadata(), call, args)?;
			let transaction = match sender {
				DiscoverySender::FeeLess(FeeLessPath::General) => {
					let bytes = general_transaction(&at, call, values)?;
					at.transactions().from_bytes(bytes)
				}
				DiscoverySender::FeeLess(FeeLessPath::Bare) => at
					.transactions()
					.create_unsigned(&subxt::dynamic::tx(PALLET, call, values))
					.map_err(super::submit::submit_error)?,
				DiscoverySender::Signed(key, mortality) => {
					let payload = subxt::dynamic::tx(PALLET, call, values);
					self.sign(&at, &payload, key, mortality).await?
				}
			};
			self.watch_submitted(&at, &transaction).await
		};
		submitted.await.map_err(|e| self.scrub(e))
	}
}

/// The pallet's call `call` with `values` as a general transaction without a signer, for the
/// runtime at `at` ([`fee_less::encode_general`]).
fn general_transaction(
	at: &OnlineClientAtBlock<ChainConfig>,
	call: &str,
	values: Vec<subxt::dynamic::Value>,
) -> Result<Vec<u8>, ChainError> {
	let metadata = at.metadata();
	let extension_version = fee_less::general_extension_version(&metadata).ok_or_else(|| {
		ChainError::Metadata(format!(
			"the runtime at block {} takes no general transactions authorized by their call",
			at.block_number()
		))
	})?;
	let genesis_hash = at
		.genesis_hash()
		.ok_or_else(|| ChainError::Metadata("the client knows no genesis hash".into()))?;
	let state = subxt::config::ClientState {
		genesis_hash,
		spec_version: at.spec_version(),
		transaction_version: at.transaction_version(),
		metadata,
	};
	fee_less::encode_general(&state, extension_version, call, values)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::chain::test_node_id as node_id;

	fn wire_view<N: Encode + Copy>(at: N) -> Vec<u8> {
		let info = ColdkeyNodeInfoLite {
			node_id: node_id(),
			node_type: NodeType::GpuMiner,
			status: Status::Offline,
			registered_at: at,
			owner: AccountId32::new([2; 32]),
		};
		let record = Record {
			seq: 3,
			addresses: vec![vec![4, 1, 2, 3, 4]],
			version: b"v".to_vec(),
			capabilities: vec![b"x".to_vec()],
		};
		// Encoded field by field, in the pallet's order, after the `Some` tag.
		let mut out = vec![1u8];
		info.encode_to(&mut out);
		Some((record, [7u8; 64], at)).encode_to(&mut out);
		Some((at, true, b"v".to_vec(), false, at)).encode_to(&mut out);
		4u32.encode_to(&mut out);
		out
	}

	#[test]
	fn a_node_view_decodes_in_both_widths() {
		let wide = decode_node_view(&wire_view(9u64), BlockNumberWidth::U64).unwrap().unwrap();
		let narrow = decode_node_view(&wire_view(9u32), BlockNumberWidth::U32).unwrap().unwrap();
		assert_eq!(wide, narrow);
		assert_eq!(wide.info.status, Status::Offline);
		assert_eq!(wide.record.as_ref().unwrap().published_at, 9);
		assert_eq!(wide.record.as_ref().unwrap().record.seq, 3);
		let liveness = wide.liveness.unwrap();
		assert!(liveness.heartbeat_sent && !liveness.silent);
		assert_eq!((liveness.last_seen, liveness.check_at), (9, 9));
		assert_eq!(wide.key_epoch, 4);
		// The wrong width does not decode (every byte must be used).
		assert!(decode_node_view(&wire_view(9u32), BlockNumberWidth::U64).is_err());
		assert!(decode_node_view(&wire_view(9u64), BlockNumberWidth::U32).is_err());
		assert_eq!(decode_node_view(&[0], BlockNumberWidth::U64).unwrap(), None);
	}

	#[test]
	fn a_page_decodes_with_its_cursor() {
		// `Ok` of the view function's `Result`.
		let mut bytes = vec![0u8];
		codec::Compact(2u32).encode_to(&mut bytes);
		for _ in 0..2 {
			bytes.extend_from_slice(&wire_view(5u64)[1..]);
		}
		Some(node_id()).encode_to(&mut bytes);
		let page = decode_node_page(&bytes, BlockNumberWidth::U64).unwrap();
		assert_eq!(page.nodes.len(), 2);
		assert_eq!(page.next, Some(node_id().into_inner()));
		let empty = (0u8, codec::Compact(0u32), None::<NodeId>).encode();
		assert_eq!(
			decode_node_page(&empty, BlockNumberWidth::U64).unwrap(),
			NodePage { nodes: vec![], next: None }
		);
		// A refused page is an error, not an empty last page.
		let refused = Err::<(), _>(pallet_registration::PageError::InvalidCursor).encode();
		let error = decode_node_page(&refused, BlockNumberWidth::U64).unwrap_err();
		assert!(error.to_string().contains("InvalidCursor"), "{error}");
	}

	#[test]
	fn query_inputs_are_the_view_functions_parameters() {
		let input = NodeQuery::Type(NodeType::StorageS3).input(None, 10);
		assert_eq!(input, [2, 0, 10, 0, 0, 0]);
		let input = NodeQuery::Status(Status::Offline).input(Some(b"ab"), 1);
		assert_eq!(input, [2, 1, 2 << 2, b'a', b'b', 1, 0, 0, 0]);
		let input = NodeQuery::Capability(b"gpu".to_vec()).input(None, 256);
		assert_eq!(input, [3 << 2, b'g', b'p', b'u', 0, 0, 1, 0, 0]);
		assert_eq!(NodeQuery::Capability(vec![]).function(), "nodes_by_capability");
		// `nodes_of_owner(owner, start_after, limit)`: the 32-byte account, then as the others.
		let owner = NodeQuery::Owner(AccountId32::new([9; 32]));
		assert_eq!(owner.function(), "nodes_of_owner");
		let mut expected = vec![9u8; 32];
		expected.extend([1, 2 << 2, b'c', b'd', 50, 0, 0, 0]);
		assert_eq!(owner.input(Some(b"cd"), 50), expected);
		assert_eq!(owner.input(None, 1)[32..], [0, 1, 0, 0, 0]);
	}

	fn view_of(id: &str) -> NodeView {
		let mut bytes = wire_view(5u64);
		bytes.remove(0);
		let mut view = NodeViewWire::<u64>::decode(&mut bytes.as_slice()).unwrap().widen();
		view.info.node_id = id.to_owned();
		view
	}

	/// Scripted pages: what each call asked for (its cursor), and the pages given in turn.
	async fn follow(
		pages: Vec<Result<NodePage, ChainError>>,
	) -> (Result<Vec<NodeView>, ChainError>, Vec<Option<Vec<u8>>>) {
		let asked = std::cell::RefCell::new(Vec::new());
		let pages = std::cell::RefCell::new(pages.into_iter());
		let result = follow_pages("nodes_of_owner", |cursor| {
			asked.borrow_mut().push(cursor);
			let page = pages.borrow_mut().next().expect("no more pages scripted");
			async move { page }
		})
		.await;
		(result, asked.into_inner())
	}

	#[tokio::test]
	async fn pages_are_followed_by_their_cursor_to_the_last() {
		let page = |ids: &[&str], next: Option<&str>| {
			Ok(NodePage {
				nodes: ids.iter().map(|id| view_of(id)).collect(),
				next: next.map(|n| n.as_bytes().to_vec()),
			})
		};
		let (nodes, asked) =
			follow(vec![page(&["a", "b"], Some("b")), page(&["c"], Some("c")), page(&[], None)])
				.await;
		let ids: Vec<_> = nodes.unwrap().into_iter().map(|v| v.info.node_id).collect();
		assert_eq!(ids, ["a", "b", "c"]);
		assert_eq!(asked, [None, Some(b"b".to_vec()), Some(b"c".to_vec())]);
		// One page: asked once, without a cursor.
		let (nodes, asked) = follow(vec![page(&["a"], None)]).await;
		assert_eq!((nodes.unwrap().len(), asked.len()), (1, 1));
		// A cursor that does not advance is an error, not a loop.
		let (stuck, asked) = follow(vec![page(&["a"], Some("a")), page(&["a"], Some("a"))]).await;
		let error = stuck.unwrap_err().to_string();
		assert!(error.contains("nodes_of_owner: the cursor does not advance"), "{error}");
		assert_eq!(asked.len(), 2);
		// A refused page ends the listing with its error, never as a last page.
		let refused = Err(ChainError::Decode("the chain refused the page: InvalidCursor".into()));
		let (nodes, _) = follow(vec![page(&["a"], Some("a")), refused]).await;
		assert!(nodes.unwrap_err().to_string().contains("InvalidCursor"));
	}
}
