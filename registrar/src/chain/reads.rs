//! The typed reads: what a challenge is built from ([`ChainClient::context`]), the pallet's
//! policy for a registration ([`ChainClient::policy`]) and the node's record, the owner's main
//! node and its node count ([`ChainClient::view`]). Nodes, fees and the challenge's fields are
//! read through the pallet's view functions (`node_by_id`, `node_of_owner`, `owner_node_count`,
//! `current_fee`, `challenge_fields`);
//! the policy's flags and cooldown anchors are storage reads, because the pallet offers no
//! view function for them. Values are decoded with the pallet crate's own types, in the block
//! number width detected when connecting.

use super::{rpc, view_functions, ChainClient, ChainConfig};
use crate::{
	chain_error::ChainError,
	facts::{BlockNumberWidth, ChainContext, ChainView, Policy, RegistryEntry, Stake, PALLET},
};
use codec::{Decode, Encode};
use pallet_registration::{ChallengeFields, ColdkeyNodeInfoLite, NodeId, NodeType};
use sp_core::crypto::AccountId32;
use subxt::{
	backend::BlockRef,
	client::OnlineClientAtBlock,
	config::substrate::H256,
	dynamic::{At as _, Value},
	ext::{
		scale_decode::{DecodeAsType, IntoVisitor},
		scale_encode::EncodeAsType,
	},
};

/// The SCALE key of an account in the dynamic storage API.
pub(super) fn account_key(account: &AccountId32) -> ([u8; 32],) {
	(*<AccountId32 as AsRef<[u8; 32]>>::as_ref(account),)
}

impl ChainClient {
	pub(super) fn width_or_default(&self) -> BlockNumberWidth {
		self.width.unwrap_or_default()
	}

	/// Reads what a challenge needs, at the best block, and the finalized block's number.
	pub async fn context(&self) -> Result<ChainContext, ChainError> {
		self.read_context().await.map_err(|e| self.scrub(e))
	}

	async fn read_context(&self) -> Result<ChainContext, ChainError> {
		let finalized = self.api.at_current_block().await.map_err(rpc)?.block_number();
		let best_hash = self
			.rpc
			.request::<Option<H256>>("chain_getBlockHash", subxt::rpcs::rpc_params![])
			.await
			.map_err(rpc)?
			.ok_or_else(|| ChainError::Rpc("the node has no best block".into()))?;
		let at = self.api.at_block(BlockRef::from_hash(best_hash)).await.map_err(rpc)?;
		let pallet_index = at
			.metadata()
			.pallet_by_name(PALLET)
			.ok_or_else(|| ChainError::Metadata(format!("no pallet {PALLET}")))?
			.call_index();
		let max_challenge_lifetime = at
			.constants()
			.entry(subxt::dynamic::constant::<u64>(PALLET, "MaxChallengeLifetime"))
			.map_err(|e| ChainError::Metadata(e.to_string()))?;
		let fields = self.challenge_fields(&at).await?;
		self.check_genesis(fields.genesis_hash)?;
		Ok(ChainContext {
			genesis_hash: fields.genesis_hash,
			block_number: at.block_number(),
			block_hash: best_hash,
			finalized_block_number: finalized,
			max_challenge_lifetime,
			pallet_index,
			block_number_width: self.width,
		})
	}

	/// The `challenge_fields()` view function at `at` (its block numbers widened to `u64`).
	async fn challenge_fields(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
	) -> Result<ChallengeFields<u64>, ChainError> {
		let (output, _) = view_functions::call(at, "challenge_fields", &[]).await?;
		let err = |e: codec::Error| ChainError::Decode(format!("challenge_fields: {e}"));
		let mut input = output.as_slice();
		Ok(match self.width_or_default() {
			BlockNumberWidth::U64 => ChallengeFields::<u64>::decode(&mut input).map_err(err)?,
			BlockNumberWidth::U32 => {
				let narrow = ChallengeFields::<u32>::decode(&mut input).map_err(err)?;
				ChallengeFields {
					domain: narrow.domain,
					genesis_hash: narrow.genesis_hash,
					current_block: narrow.current_block.into(),
					latest_expires_at: narrow.latest_expires_at.into(),
				}
			}
		})
	}

	/// Reads the pallet's policy for registering `node_id` of `node_type` for `owner` (paying
	/// in credits or not), at the current finalized block: what would refuse it for certain
	/// before a fee is spent.
	pub async fn policy(
		&self,
		node_id: &[u8],
		owner: &AccountId32,
		node_type: NodeType,
		pay_in_credits: bool,
	) -> Result<Policy, ChainError> {
		let at = self.api.at_current_block().await.map_err(|e| self.scrub(rpc(e)))?;
		self.read_policy(&at, node_id, owner, node_type, pay_in_credits)
			.await
			.map_err(|e| self.scrub(e))
	}

	async fn read_policy(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		node_id: &[u8],
		owner: &AccountId32,
		node_type: NodeType,
		pay_in_credits: bool,
	) -> Result<Policy, ChainError> {
		let cooldown = at
			.constants()
			.entry(subxt::dynamic::constant::<u64>(PALLET, "NodeCooldownPeriod"))
			.map_err(|e| ChainError::Metadata(e.to_string()))?;
		let owner_key = account_key(owner).0;
		let banned = self.flag(at, "BannedAccounts", owner_key).await?;
		let type_key = Value::unnamed_variant(format!("{node_type:?}"), []);
		let type_disabled = self.flag(at, "DisabledNodeTypes", type_key).await?;
		let node_anchor = self.block_entry(at, "NodeLastDeregisteredAt", node_id.to_vec()).await?;
		let owner_anchor = self.block_entry(at, "OwnerLastDeregisteredAt", owner_key).await?;
		let max_nodes_per_owner = max_nodes_per_owner(at);
		// With one node per owner, a cooling place is all an owner without a node has (and an
		// owner with its node is a conflict before the policy counts). A fleet counts its nodes
		// and its cooling places (`OwnerPlacesCooling`, one when absent) as the pallet does.
		let (owner_nodes, owner_places_cooling) = match owner_anchor {
			None => (0, 0),
			Some(_) if max_nodes_per_owner <= 1 => (0, 1),
			Some(_) => {
				let cooling =
					self.u32_entry(at, "OwnerPlacesCooling", owner_key).await?.unwrap_or(1);
				(self.owner_node_count(at, owner).await?, cooling)
			}
		};
		let fee_charging = storage_bool(
			at.storage()
				.try_fetch(subxt::dynamic::storage::<(), Value>(PALLET, "FeeChargingEnabled"), ())
				.await
				.map_err(rpc)?,
			"FeeChargingEnabled",
		)?;
		let (fee, spendable) = if fee_charging && !pay_in_credits {
			(self.current_fee(at, node_type).await, Some(self.spendable(at, owner).await?))
		} else {
			(None, None)
		};
		let stake = match node_type {
			NodeType::Validator => self.stake(at, owner).await?,
			_ => None,
		};
		Ok(Policy {
			block_number: at.block_number(),
			banned,
			type_disabled,
			node_cooldown_until: node_anchor.map(|at| at.saturating_add(cooldown)),
			owner_cooldown_until: owner_anchor.map(|at| at.saturating_add(cooldown)),
			owner_nodes,
			owner_places_cooling,
			max_nodes_per_owner,
			fee_charging,
			fee,
			spendable,
			pay_in_credits,
			stake,
		})
	}

	/// What registering a node of `node_type` costs now, at the finalized block: the
	/// `current_fee` view function's answer while the fee is charged (`FeeChargingEnabled`), 0
	/// while it is not; `None` when the runtime does not answer.
	pub async fn registration_fee(&self, node_type: NodeType) -> Result<Option<u128>, ChainError> {
		let read = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			let charging = storage_bool(
				at.storage()
					.try_fetch(
						subxt::dynamic::storage::<(), Value>(PALLET, "FeeChargingEnabled"),
						(),
					)
					.await
					.map_err(rpc)?,
				"FeeChargingEnabled",
			)?;
			Ok(if charging { self.current_fee(&at, node_type).await } else { Some(0) })
		};
		read.await.map_err(|e| self.scrub(e))
	}

	/// The pallet's index in the runtime (the first byte of its calls' call data).
	pub async fn pallet_index(&self) -> Result<u8, ChainError> {
		let at = self.api.at_current_block().await.map_err(|e| self.scrub(rpc(e)))?;
		let pallet = at.metadata().pallet_by_name(PALLET).map(|pallet| pallet.call_index());
		pallet.ok_or_else(|| ChainError::Metadata(format!("no pallet {PALLET}")))
	}

	/// A `bool` map entry of the pallet (`false` when absent).
	pub(super) async fn flag<K: EncodeAsType + IntoVisitor>(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		entry: &str,
		key: K,
	) -> Result<bool, ChainError> {
		let value = at
			.storage()
			.try_fetch(subxt::dynamic::storage::<(K,), Value>(PALLET, entry), (key,))
			.await
			.map_err(rpc)?;
		storage_bool(value, entry)
	}

	/// A `u32` map entry of the pallet, if present.
	async fn u32_entry<K: EncodeAsType + IntoVisitor>(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		entry: &str,
		key: K,
	) -> Result<Option<u32>, ChainError> {
		at.storage()
			.try_fetch(subxt::dynamic::storage::<(K,), Value>(PALLET, entry), (key,))
			.await
			.map_err(rpc)?
			.map(|v| u32::decode(&mut v.bytes()))
			.transpose()
			.map_err(|e| ChainError::Decode(format!("{entry}: {e}")))
	}

	/// A block number map entry of the pallet, in the chain's width.
	pub(super) async fn block_entry<K: EncodeAsType + IntoVisitor>(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		entry: &str,
		key: K,
	) -> Result<Option<u64>, ChainError> {
		at.storage()
			.try_fetch(subxt::dynamic::storage::<(K,), Value>(PALLET, entry), (key,))
			.await
			.map_err(rpc)?
			.map(|v| decode_block_number(v.bytes(), self.width_or_default()))
			.transpose()
	}

	/// The `current_fee(node_type)` view function; `None` when the runtime does not answer it
	/// (then the chain alone decides whether the fee can be paid).
	async fn current_fee(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		node_type: NodeType,
	) -> Option<u128> {
		let fee = async {
			let (output, output_ty) =
				view_functions::call(at, "current_fee", &node_type.encode()).await?;
			u128::decode_as_type(&mut output.as_slice(), output_ty, at.metadata().types())
				.map_err(|e| ChainError::Decode(format!("current_fee output: {e}")))
		};
		match fee.await {
			Ok(fee) => Some(fee),
			Err(error) => {
				let error = self.scrub(error);
				tracing::debug!(%error, "cannot read the current fee; not checking the balance");
				None
			}
		}
	}

	/// What `owner` can spend and stay alive: `free - max(frozen - reserved, ED)`, as
	/// pallet-balances computes a transfer that keeps the account alive.
	pub(super) async fn spendable(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		owner: &AccountId32,
	) -> Result<u128, ChainError> {
		let account = at
			.storage()
			.try_fetch(
				subxt::dynamic::storage::<([u8; 32],), Value>("System", "Account"),
				account_key(owner),
			)
			.await
			.map_err(rpc)?;
		let Some(account) = account else { return Ok(0) };
		let value =
			account.decode().map_err(|e| ChainError::Decode(format!("System::Account: {e}")))?;
		let data = value.at("data");
		let field = |name: &str| data.and_then(|d| d.at(name)).and_then(|v| v.as_u128());
		let free = field("free")
			.ok_or_else(|| ChainError::Decode("System::Account has no data.free".into()))?;
		let untouchable =
			field("frozen").unwrap_or(0).saturating_sub(field("reserved").unwrap_or(0)).max(
				at.constants()
					.entry(subxt::dynamic::constant::<u128>("Balances", "ExistentialDeposit"))
					.unwrap_or(0),
			);
		Ok(free.saturating_sub(untouchable))
	}

	/// A validator owner's active stake (pallet-staking: `Bonded` stash → controller, `Ledger`
	/// controller → `active`) and `MinerStakeThreshold`; `None` when the runtime has neither.
	async fn stake(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		owner: &AccountId32,
	) -> Result<Option<Stake>, ChainError> {
		let Ok(threshold) =
			at.constants().entry(subxt::dynamic::constant::<u128>(PALLET, "MinerStakeThreshold"))
		else {
			return Ok(None);
		};
		let metadata = at.metadata();
		let has = |entry: &str| {
			metadata
				.pallet_by_name("Staking")
				.and_then(|p| p.storage())
				.and_then(|s| s.entry_by_name(entry))
				.is_some()
		};
		if !has("Bonded") || !has("Ledger") {
			return Ok(None);
		}
		let storage = at.storage();
		let controller = storage
			.try_fetch(
				subxt::dynamic::storage::<([u8; 32],), Value>("Staking", "Bonded"),
				account_key(owner),
			)
			.await
			.map_err(rpc)?
			.map(|v| <[u8; 32]>::decode(&mut v.bytes()))
			.transpose()
			.map_err(|e| ChainError::Decode(format!("Staking::Bonded: {e}")))?;
		let Some(controller) = controller else {
			return Ok(Some(Stake { active: 0, threshold }));
		};
		let ledger = storage
			.try_fetch(
				subxt::dynamic::storage::<([u8; 32],), Value>("Staking", "Ledger"),
				(controller,),
			)
			.await
			.map_err(rpc)?;
		let active = match ledger {
			Some(ledger) => ledger
				.decode()
				.map_err(|e| ChainError::Decode(format!("Staking::Ledger: {e}")))?
				.at("active")
				.and_then(|v| v.as_u128())
				.ok_or_else(|| ChainError::Decode("Staking::Ledger has no active".into()))?,
			None => 0,
		};
		Ok(Some(Stake { active, threshold }))
	}

	/// Reads the node's record and the owner's main node and node count at the current
	/// finalized block.
	pub async fn view(&self, node_id: &[u8], owner: &AccountId32) -> Result<ChainView, ChainError> {
		let view = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			self.view_at(&at, node_id, owner).await
		};
		view.await.map_err(|e| self.scrub(e))
	}

	/// Reads the node's record and the owner's main node and node count at the finalized
	/// block `block_hash`.
	pub async fn view_at_hash(
		&self,
		block_hash: H256,
		node_id: &[u8],
		owner: &AccountId32,
	) -> Result<ChainView, ChainError> {
		let view = async {
			let at = self.api.at_block(BlockRef::from_hash(block_hash)).await.map_err(rpc)?;
			self.view_at(&at, node_id, owner).await
		};
		view.await.map_err(|e| self.scrub(e))
	}

	pub(super) async fn view_at(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		node_id: &[u8],
		owner: &AccountId32,
	) -> Result<ChainView, ChainError> {
		let node = self.record(at, "node_by_id", &node_id.to_vec().encode()).await?;
		let owner_node =
			self.record(at, "node_of_owner", &owner.encode()).await?.map(|record| record.node_id);
		let max_nodes_per_owner = max_nodes_per_owner(at);
		// An owner without a main node has no node; with one node at most, one is all it has.
		let owner_node_count = match owner_node {
			None => 0,
			Some(_) if max_nodes_per_owner <= 1 => 1,
			Some(_) => self.owner_node_count(at, owner).await?,
		};
		Ok(ChainView {
			block_number: at.block_number(),
			block_hash: format!("{:?}", at.block_hash()),
			node,
			owner_node,
			owner_node_count,
			max_nodes_per_owner,
		})
	}

	/// The `owner_node_count(owner)` view function: how many nodes `owner` has registered.
	async fn owner_node_count(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		owner: &AccountId32,
	) -> Result<u32, ChainError> {
		let (output, _) = view_functions::call(at, "owner_node_count", &owner.encode()).await?;
		u32::decode(&mut output.as_slice())
			.map_err(|e| ChainError::Decode(format!("owner_node_count: {e}")))
	}

	/// A view function answering `Option<NodeInfoOf<T>>`.
	pub(super) async fn record(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		function: &str,
		input: &[u8],
	) -> Result<Option<RegistryEntry>, ChainError> {
		let (output, _) = view_functions::call(at, function, input).await?;
		decode_record(&output, self.width_or_default())
	}
}

/// The pallet's `MaxNodesPerOwner` at `at`: how many nodes an owner may have. 1, the
/// reference's rule, on a runtime without that constant.
pub(super) fn max_nodes_per_owner(at: &OnlineClientAtBlock<ChainConfig>) -> u32 {
	at.constants().entry(subxt::dynamic::constant::<u32>(PALLET, "MaxNodesPerOwner")).unwrap_or(1)
}

fn storage_bool(
	value: Option<subxt::storage::StorageValue<'_, Value>>,
	entry: &str,
) -> Result<bool, ChainError> {
	value
		.map(|v| bool::decode(&mut v.bytes()))
		.transpose()
		.map_err(|e| ChainError::Decode(format!("{entry}: {e}")))
		.map(|flag| flag.unwrap_or(false))
}

fn decode_block_number(mut bytes: &[u8], width: BlockNumberWidth) -> Result<u64, ChainError> {
	let decoded = match width {
		BlockNumberWidth::U64 => u64::decode(&mut bytes),
		BlockNumberWidth::U32 => u32::decode(&mut bytes).map(u64::from),
	};
	decoded.map_err(|e| ChainError::Decode(format!("block number: {e}")))
}

/// An `Option<ColdkeyNodeInfoLite>` in the chain's block number width.
fn decode_record(
	mut bytes: &[u8],
	width: BlockNumberWidth,
) -> Result<Option<RegistryEntry>, ChainError> {
	let err = |e: codec::Error| ChainError::Decode(format!("node record: {e}"));
	type Info<N> = ColdkeyNodeInfoLite<NodeId, AccountId32, N>;
	let info = match width {
		BlockNumberWidth::U64 => Option::<Info<u64>>::decode(&mut bytes).map_err(err)?,
		BlockNumberWidth::U32 => {
			Option::<Info<u32>>::decode(&mut bytes).map_err(err)?.map(|info| ColdkeyNodeInfoLite {
				node_id: info.node_id,
				node_type: info.node_type,
				status: info.status,
				registered_at: u64::from(info.registered_at),
				owner: info.owner,
			})
		}
	};
	Ok(info.map(|info| RegistryEntry {
		node_id: String::from_utf8_lossy(&info.node_id).into_owned(),
		node_type: info.node_type,
		status: info.status,
		registered_at: info.registered_at,
		owner: info.owner,
	}))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::chain::test_node_id as node_id;
	use pallet_registration::Status;

	#[test]
	fn records_decode_in_both_widths() {
		let owner = AccountId32::new([2; 32]);
		let wide = Some(ColdkeyNodeInfoLite {
			node_id: node_id(),
			node_type: NodeType::StorageMiner,
			status: Status::Online,
			registered_at: 77u64,
			owner: owner.clone(),
		});
		let record = decode_record(&wide.encode(), BlockNumberWidth::U64).unwrap().unwrap();
		assert_eq!(record.registered_at, 77);
		assert_eq!(record.owner, owner);
		let narrow = Some(ColdkeyNodeInfoLite {
			node_id: node_id(),
			node_type: NodeType::StorageMiner,
			status: Status::Online,
			registered_at: 77u32,
			owner,
		});
		assert_eq!(decode_record(&narrow.encode(), BlockNumberWidth::U32).unwrap(), Some(record));
		assert!(decode_record(&narrow.encode(), BlockNumberWidth::U64).is_err());
		assert_eq!(decode_record(&[0], BlockNumberWidth::U64).unwrap(), None);
	}
}
