//! The chain client: Substrate JSON-RPC through subxt's dynamic API and legacy backend (the
//! methods every node and chopsticks serve), so no generated code or metadata file is needed.
//!
//! Storage values and event fields are decoded with the pallet crate's own SCALE types.

use crate::{
	challenge::{BlockNumberWidth, RegistrationCall},
	endpoint::EndpointRedactor,
	keys::OwnerKey,
	outcome::{classify_pallet_error, classify_pool_rejection, OutcomeClass},
};
use codec::{Decode, Encode};
use pallet_registration::{
	ColdkeyNodeInfoLite, NodeId, NodeType, OwnerNodes, Status, UnregisterReason,
};
use scale_info::{TypeDef, TypeDefPrimitive};
use serde::Serialize;
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::sync::Arc;
use subxt::{
	backend::{BlockRef, LegacyBackend},
	client::{OnlineClientAtBlock, OnlineClientAtBlockImpl},
	config::{substrate::H256, DefaultExtrinsicParamsBuilder},
	dynamic::{At as _, Value},
	error::{DispatchError, TransactionEventsError},
	ext::scale_decode::DecodeAsType,
	transactions::{SubmittableTransaction, TransactionStatus},
	OnlineClient, SubstrateConfig,
};

/// The subxt configuration: `SubstrateConfig` fits chains with 32-byte accounts,
/// `MultiSignature`, BLAKE2 hashes and the default transaction extensions (the header's block
/// number is compact, so any width up to 64 bits decodes).
pub type ChainConfig = SubstrateConfig;

/// The name of the pallet in the runtime.
pub const PALLET: &str = "Registration";

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
	fn from_subxt(error: &DispatchError) -> Self {
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
	/// The websocket could not be opened or the client not set up.
	#[error("cannot connect to {endpoint}: {reason}")]
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
}

impl ChainError {
	/// The outcome class of this error.
	pub fn class(&self) -> OutcomeClass {
		match self {
			ChainError::Connect { .. } | ChainError::Rpc(_) | ChainError::Timeout(_) => {
				OutcomeClass::FastRetry
			}
			ChainError::Decode(_) => OutcomeClass::FastRetry,
			ChainError::Pool(message) => classify_pool_rejection(message),
			ChainError::Dispatch(failure) if failure.pallet.as_deref() == Some(PALLET) => {
				classify_pallet_error(&failure.error)
			}
			ChainError::Dispatch(_) | ChainError::Metadata(_) => OutcomeClass::SlowRetry,
		}
	}

	/// The pallet error's name when this is a `Registration` dispatch error.
	pub fn pallet_error(&self) -> Option<&str> {
		match self {
			ChainError::Dispatch(f) if f.pallet.as_deref() == Some(PALLET) => Some(&f.error),
			_ => None,
		}
	}

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
			other @ (ChainError::Timeout(_) | ChainError::Dispatch(_)) => other,
		}
	}
}

fn rpc<E: std::fmt::Display>(error: E) -> ChainError {
	ChainError::Rpc(error.to_string())
}

/// A registry record, as the chain has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeRecord {
	/// The canonical node id (base58 PeerId text).
	pub node_id: String,
	/// The node type.
	#[serde(serialize_with = "debug_name")]
	pub node_type: NodeType,
	/// Its status.
	#[serde(serialize_with = "debug_name")]
	pub status: Status,
	/// The block it was registered in.
	pub registered_at: u64,
	/// The owner.
	#[serde(serialize_with = "ss58")]
	pub owner: AccountId32,
}

fn debug_name<T: std::fmt::Debug, S: serde::Serializer>(
	value: &T,
	s: S,
) -> Result<S::Ok, S::Error> {
	s.serialize_str(&format!("{value:?}"))
}

fn ss58<S: serde::Serializer>(value: &AccountId32, s: S) -> Result<S::Ok, S::Error> {
	s.serialize_str(&value.to_ss58check())
}

/// What the chain says about a node and its owner, as of one finalized block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainView {
	/// The finalized block read.
	pub block_number: u64,
	/// Its hash (`0x` hex).
	pub block_hash: String,
	/// The node's registry record, if any.
	pub node: Option<NodeRecord>,
	/// The node id the owner has registered, if any.
	pub owner_node: Option<String>,
}

/// The pallet's policy for a registration, as of one finalized block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
	/// The finalized block read.
	pub block_number: u64,
	/// The owner is banned (`BannedAccounts`).
	pub banned: bool,
	/// The node type is disabled (`DisabledNodeTypes`).
	pub type_disabled: bool,
	/// The first block the node may register again after its removal, if it was removed.
	pub node_cooldown_until: Option<u64>,
	/// The first block the owner may register again after its node's removal, if any.
	pub owner_cooldown_until: Option<u64>,
	/// The registration fee is charged (`FeeChargingEnabled`).
	pub fee_charging: bool,
	/// The node type's current fee (the `current_fee` view function), when the chain tells.
	pub fee: Option<u128>,
	/// What the owner can pay while keeping its account alive (`System::Account`: free balance
	/// less what is frozen beyond the reserved balance, and at least the existential deposit),
	/// when the chain tells.
	pub spendable: Option<u128>,
	/// The fee is to be paid in credits.
	pub pay_in_credits: bool,
	/// A validator's active stake and the pallet's threshold, when the chain tells (`None` for
	/// other node types).
	pub stake: Option<Stake>,
}

/// A validator owner's stake against the pallet's `MinerStakeThreshold`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stake {
	/// The owner's active stake (`Staking::Ledger(Staking::Bonded(owner)).active`; 0 unbonded).
	pub active: u128,
	/// The pallet's `MinerStakeThreshold`.
	pub threshold: u128,
}

/// Why the pallet would certainly refuse a registration, found before paying for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
	/// [`OutcomeClass::SlowRetry`] for what may clear by itself (ban, disabled type, cooldown,
	/// stake, balance), [`OutcomeClass::Fatal`] for what the configuration causes.
	pub class: OutcomeClass,
	/// What the chain says (for logs and `/status`).
	pub reason: String,
}

impl Refusal {
	fn slow(reason: String) -> Option<Self> {
		Some(Self { class: OutcomeClass::SlowRetry, reason })
	}
}

impl Policy {
	/// Why a registration executed in the next block would certainly fail, if it would, with a
	/// transaction fee of nothing (see [`Self::funds_refusal`]).
	pub fn refusal(&self) -> Option<Refusal> {
		let next = self.block_number.saturating_add(1);
		if self.fee_charging && self.pay_in_credits {
			// The pallet offers no way to ask whether the runtime takes credits (the dev
			// runtime does not: `CreditsNotSupported`), so this configuration is refused
			// before any fee is spent.
			return Some(Refusal {
				class: OutcomeClass::Fatal,
				reason:
					"the fee is charged and --pay-in-credits is set, but the chain offers no way \
				         to check credits before paying (the dev runtime refuses them with \
				         CreditsNotSupported); register without --pay-in-credits"
						.into(),
			});
		}
		if self.banned {
			return Refusal::slow("the owner is banned".into());
		}
		if self.type_disabled {
			return Refusal::slow("the node type is disabled".into());
		}
		let cooldown = self.node_cooldown_until.into_iter().chain(self.owner_cooldown_until).max();
		if let Some(until) = cooldown.filter(|until| next < *until) {
			return Refusal::slow(format!(
				"cooling down after a removal until block {until} (finalized block is {})",
				self.block_number
			));
		}
		if let Some(stake) = self.stake.filter(|s| s.active < s.threshold) {
			return Refusal::slow(format!(
				"insufficient stake: the owner's active stake is {} but a validator needs {} \
				 (Staking bond of the owner's account)",
				stake.active, stake.threshold
			));
		}
		self.funds_refusal(0)
	}

	/// Why the fee could certainly not be paid by an owner that also pays `transaction_fee` for
	/// the transaction, if it could not.
	pub fn funds_refusal(&self, transaction_fee: u128) -> Option<Refusal> {
		if !self.fee_charging || self.pay_in_credits {
			return None;
		}
		let (Some(fee), Some(spendable)) = (self.fee, self.spendable) else { return None };
		let needed = fee.saturating_add(transaction_fee);
		(spendable < needed).then(|| Refusal {
			class: OutcomeClass::SlowRetry,
			reason: format!(
				"insufficient balance for the fee: the owner can spend {spendable} but the \
				 registration fee is {fee} and the transaction fee {transaction_fee}"
			),
		})
	}
}

/// What a challenge is built from, read from the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainContext {
	/// `System::BlockHash(0)` (what the pallet checks the challenge's genesis hash against).
	pub genesis_hash: [u8; 32],
	/// The best block's number: the challenge's `block_number` (the transaction executes after
	/// it, so the challenge is never from the future, and its lifetime does not shrink by the
	/// finality lag).
	pub block_number: u64,
	/// The best block's hash: the transaction is built (nonce, mortality) at this block.
	pub block_hash: H256,
	/// The finalized block's number, as read just before the best block.
	pub finalized_block_number: u64,
	/// The pallet's `MaxChallengeLifetime`.
	pub max_challenge_lifetime: u64,
	/// The pallet's index in the runtime.
	pub pallet_index: u8,
	/// The width of the chain's block numbers, from `System::Number`'s type.
	pub block_number_width: Option<BlockNumberWidth>,
}

impl ChainContext {
	/// Blocks the best block is ahead of the finalized one.
	pub fn finality_lag(&self) -> u64 {
		self.block_number.saturating_sub(self.finalized_block_number)
	}

	/// Why a registration with a challenge of `lifetime` blocks should wait, if it should:
	/// finality lags more than half the lifetime behind the best block, so the challenge could
	/// expire (or its block be abandoned) before the transaction is finalized.
	pub fn hold(&self, lifetime: u64) -> Option<String> {
		let lag = self.finality_lag();
		(lag > lifetime / 2).then(|| {
			format!(
				"finality lags {lag} blocks behind the best block {} (finalized {}), more than \
				 half the challenge lifetime of {lifetime} blocks; holding the submission",
				self.block_number, self.finalized_block_number
			)
		})
	}
}

/// A registration transaction that made it into a finalized block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Included {
	/// The block number.
	pub block_number: u64,
	/// The block hash (`0x` hex).
	pub block_hash: String,
	/// The pallet's events of the transaction.
	pub events: Vec<RegistryEvent>,
}

/// The pallet's events the registrar cares about, decoded with the pallet's types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryEvent {
	/// `MainNodeRegistered`.
	Registered {
		/// The node.
		node_id: Vec<u8>,
		/// Its owner.
		owner: AccountId32,
	},
	/// `NodeUnregistered`.
	Unregistered {
		/// The node.
		node_id: Vec<u8>,
		/// Its owner.
		owner: AccountId32,
		/// Why.
		reason: UnregisterReason,
	},
	/// `NodeStatusUpdated`.
	StatusUpdated {
		/// The node.
		node_id: Vec<u8>,
		/// The new status.
		status: Status,
	},
	/// `NodeOwnerSwapped`.
	OwnerSwapped {
		/// The node.
		node_id: Vec<u8>,
		/// The previous owner.
		old_owner: AccountId32,
		/// The new owner.
		new_owner: AccountId32,
	},
	/// `DeregistrationConsensusReached`.
	ConsensusReached {
		/// The node.
		node_id: Vec<u8>,
	},
}

impl RegistryEvent {
	/// The node the event is about (base58 text bytes).
	pub fn node_id(&self) -> &[u8] {
		match self {
			RegistryEvent::Registered { node_id, .. }
			| RegistryEvent::Unregistered { node_id, .. }
			| RegistryEvent::StatusUpdated { node_id, .. }
			| RegistryEvent::OwnerSwapped { node_id, .. }
			| RegistryEvent::ConsensusReached { node_id } => node_id,
		}
	}

	/// Decodes the fields of the pallet's event `name` (`None` for events not listed here).
	pub fn decode(name: &str, mut fields: &[u8]) -> Option<Result<Self, ChainError>> {
		let input = &mut fields;
		let decoded = match name {
			"MainNodeRegistered" => {
				<(NodeId, AccountId32, NodeType)>::decode(input).map(|(id, owner, _)| {
					RegistryEvent::Registered { node_id: id.into_inner(), owner }
				})
			}
			"NodeUnregistered" => <(NodeId, AccountId32, UnregisterReason)>::decode(input).map(
				|(id, owner, reason)| RegistryEvent::Unregistered {
					node_id: id.into_inner(),
					owner,
					reason,
				},
			),
			"NodeStatusUpdated" => <(NodeId, Status)>::decode(input).map(|(id, status)| {
				RegistryEvent::StatusUpdated { node_id: id.into_inner(), status }
			}),
			"NodeOwnerSwapped" => <(NodeId, AccountId32, AccountId32)>::decode(input).map(
				|(id, old_owner, new_owner)| RegistryEvent::OwnerSwapped {
					node_id: id.into_inner(),
					old_owner,
					new_owner,
				},
			),
			"DeregistrationConsensusReached" => <(NodeId, u32)>::decode(input)
				.map(|(id, _)| RegistryEvent::ConsensusReached { node_id: id.into_inner() }),
			_ => return None,
		};
		Some(decoded.map_err(|e| ChainError::Decode(format!("event {name}: {e}"))))
	}
}

/// A connection to a chain.
#[derive(Clone)]
pub struct ChainClient {
	api: OnlineClient<ChainConfig>,
	rpc: subxt::rpcs::RpcClient,
	redactor: EndpointRedactor,
}

impl std::fmt::Debug for ChainClient {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("ChainClient").field("endpoint", &self.redactor.shown()).finish()
	}
}

/// A signed registration transaction, not submitted yet.
pub struct PreparedRegistration {
	at: OnlineClientAtBlock<ChainConfig>,
	transaction: SubmittableTransaction<ChainConfig, OnlineClientAtBlockImpl<ChainConfig>>,
}

impl std::fmt::Debug for PreparedRegistration {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("PreparedRegistration").field("at", &self.at.block_number()).finish()
	}
}

impl ChainClient {
	/// Connects to the JSON-RPC websocket at `endpoint` (`ws://` or `wss://`). Errors (and
	/// everything this client reports) show the endpoint without its user-info, path or query.
	pub async fn connect(endpoint: &str) -> Result<Self, ChainError> {
		let redactor = EndpointRedactor::new(endpoint);
		let connect_err = |reason: String| ChainError::Connect {
			endpoint: redactor.shown().to_owned(),
			reason: redactor.scrub(&reason),
		};
		let rpc_client = subxt::rpcs::RpcClient::from_insecure_url(endpoint)
			.await
			.map_err(|e| connect_err(e.to_string()))?;
		let backend = LegacyBackend::<ChainConfig>::builder().build(rpc_client.clone());
		let api = OnlineClient::from_backend_with_config(ChainConfig::new(), Arc::new(backend))
			.await
			.map_err(|e| connect_err(e.to_string()))?;
		Ok(Self { api, rpc: rpc_client, redactor })
	}

	/// The endpoint this client talks to, as it may be shown (no user-info, path or query).
	pub fn endpoint(&self) -> &str {
		self.redactor.shown()
	}

	fn scrub(&self, error: ChainError) -> ChainError {
		error.scrubbed(&self.redactor)
	}

	/// The subxt client, for callers that need more than this wrapper offers.
	pub fn api(&self) -> &OnlineClient<ChainConfig> {
		&self.api
	}

	/// Reads what a challenge needs, at the best block, and the finalized block's number.
	pub async fn context(&self) -> Result<ChainContext, ChainError> {
		self.context_inner().await.map_err(|e| self.scrub(e))
	}

	async fn context_inner(&self) -> Result<ChainContext, ChainError> {
		let finalized = self.api.at_current_block().await.map_err(rpc)?.block_number();
		let best_hash = self
			.rpc
			.request::<Option<H256>>("chain_getBlockHash", subxt::rpcs::rpc_params![])
			.await
			.map_err(rpc)?
			.ok_or_else(|| ChainError::Rpc("the node has no best block".into()))?;
		let at = self.api.at_block(BlockRef::from_hash(best_hash)).await.map_err(rpc)?;
		let metadata = at.metadata();
		let pallet = metadata
			.pallet_by_name(PALLET)
			.ok_or_else(|| ChainError::Metadata(format!("no pallet {PALLET}")))?;
		let pallet_index = pallet.call_index();
		let block_number_width = metadata
			.pallet_by_name("System")
			.and_then(|system| system.storage())
			.and_then(|storage| storage.entry_by_name("Number"))
			.and_then(|entry| metadata.types().resolve(entry.value_ty()))
			.and_then(|ty| match ty.type_def {
				TypeDef::Primitive(TypeDefPrimitive::U32) => Some(BlockNumberWidth::U32),
				TypeDef::Primitive(TypeDefPrimitive::U64) => Some(BlockNumberWidth::U64),
				_ => None,
			});
		let max_challenge_lifetime = at
			.constants()
			.entry(subxt::dynamic::constant::<u64>(PALLET, "MaxChallengeLifetime"))
			.map_err(|e| ChainError::Metadata(e.to_string()))?;
		let genesis = at
			.storage()
			.try_fetch(subxt::dynamic::storage::<(u64,), Value>("System", "BlockHash"), (0u64,))
			.await
			.map_err(rpc)?
			.ok_or_else(|| ChainError::Decode("System::BlockHash(0) is empty".into()))?;
		let genesis_hash = <[u8; 32]>::decode(&mut genesis.bytes())
			.map_err(|e| ChainError::Decode(format!("System::BlockHash(0): {e}")))?;
		Ok(ChainContext {
			genesis_hash,
			block_number: at.block_number(),
			block_hash: best_hash,
			finalized_block_number: finalized,
			max_challenge_lifetime,
			pallet_index,
			block_number_width,
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
		self.policy_inner(node_id, owner, node_type, pay_in_credits)
			.await
			.map_err(|e| self.scrub(e))
	}

	async fn policy_inner(
		&self,
		node_id: &[u8],
		owner: &AccountId32,
		node_type: NodeType,
		pay_in_credits: bool,
	) -> Result<Policy, ChainError> {
		let at = self.api.at_current_block().await.map_err(rpc)?;
		let width = self.width_at(&at);
		let storage = at.storage();
		let cooldown = at
			.constants()
			.entry(subxt::dynamic::constant::<u64>(PALLET, "NodeCooldownPeriod"))
			.map_err(|e| ChainError::Metadata(e.to_string()))?;
		let owner_key = (*<AccountId32 as AsRef<[u8; 32]>>::as_ref(owner),);
		let banned = storage
			.try_fetch(
				subxt::dynamic::storage::<([u8; 32],), Value>(PALLET, "BannedAccounts"),
				owner_key,
			)
			.await
			.map_err(rpc)?
			.map(|v| bool::decode(&mut v.bytes()))
			.transpose()
			.map_err(|e| ChainError::Decode(format!("BannedAccounts: {e}")))?
			.unwrap_or(false);
		let type_key = (Value::unnamed_variant(format!("{node_type:?}"), []),);
		let type_disabled = storage
			.try_fetch(
				subxt::dynamic::storage::<(Value,), Value>(PALLET, "DisabledNodeTypes"),
				type_key,
			)
			.await
			.map_err(rpc)?
			.map(|v| bool::decode(&mut v.bytes()))
			.transpose()
			.map_err(|e| ChainError::Decode(format!("DisabledNodeTypes: {e}")))?
			.unwrap_or(false);
		let node_anchor = storage
			.try_fetch(
				subxt::dynamic::storage::<(Vec<u8>,), Value>(PALLET, "NodeLastDeregisteredAt"),
				(node_id.to_vec(),),
			)
			.await
			.map_err(rpc)?
			.map(|v| decode_block_number(v.bytes(), width))
			.transpose()?;
		let owner_anchor = storage
			.try_fetch(
				subxt::dynamic::storage::<([u8; 32],), Value>(PALLET, "OwnerLastDeregisteredAt"),
				owner_key,
			)
			.await
			.map_err(rpc)?
			.map(|v| decode_block_number(v.bytes(), width))
			.transpose()?;
		let fee_charging = storage
			.try_fetch(subxt::dynamic::storage::<(), Value>(PALLET, "FeeChargingEnabled"), ())
			.await
			.map_err(rpc)?
			.map(|v| bool::decode(&mut v.bytes()))
			.transpose()
			.map_err(|e| ChainError::Decode(format!("FeeChargingEnabled: {e}")))?
			.unwrap_or(false);
		let (fee, spendable) = if fee_charging && !pay_in_credits {
			(self.current_fee(&at, node_type).await, Some(self.spendable(&at, owner).await?))
		} else {
			(None, None)
		};
		let stake = match node_type {
			NodeType::Validator => self.stake(&at, owner).await?,
			_ => None,
		};
		Ok(Policy {
			block_number: at.block_number(),
			banned,
			type_disabled,
			node_cooldown_until: node_anchor.map(|at| at.saturating_add(cooldown)),
			owner_cooldown_until: owner_anchor.map(|at| at.saturating_add(cooldown)),
			fee_charging,
			fee,
			spendable,
			pay_in_credits,
			stake,
		})
	}

	/// The `current_fee(node_type)` view function; `None` when the runtime does not answer it
	/// (then the chain alone decides whether the fee can be paid).
	async fn current_fee(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		node_type: NodeType,
	) -> Option<u128> {
		match self.current_fee_inner(at, node_type).await {
			Ok(fee) => Some(fee),
			Err(error) => {
				let error = self.redactor.scrub(&error);
				tracing::debug!(%error, "cannot read the current fee; not checking the balance");
				None
			}
		}
	}

	/// The runtime API is `execute_view_function(id, input: Vec<u8>) -> Result<Vec<u8>, _>`;
	/// the call is made here rather than through subxt's view function client, whose encoding
	/// (input and output without the `Vec`/`Result` wrappers) this runtime rejects.
	async fn current_fee_inner(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		node_type: NodeType,
	) -> Result<u128, String> {
		let metadata = at.metadata();
		let function = metadata
			.pallet_by_name(PALLET)
			.and_then(|pallet| pallet.view_function_by_name("current_fee"))
			.ok_or("no view function current_fee")?;
		let mut params = function.query_id().to_vec();
		node_type.encode().encode_to(&mut params);
		let response = at
			.runtime_apis()
			.call_raw("RuntimeViewFunction_execute_view_function", Some(&params))
			.await
			.map_err(|e| e.to_string())?;
		let output = <Result<Vec<u8>, ()>>::decode(&mut response.as_slice())
			.map_err(|e| format!("view function response: {e}"))
			.and_then(|result| result.map_err(|()| "the view function failed".to_owned()))?;
		u128::decode_as_type(&mut output.as_slice(), function.output_ty(), metadata.types())
			.map_err(|e| format!("current_fee output: {e}"))
	}

	/// What `owner` can spend and stay alive: `free - max(frozen - reserved, ED)`, as
	/// pallet-balances computes a transfer that keeps the account alive.
	async fn spendable(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		owner: &AccountId32,
	) -> Result<u128, ChainError> {
		let account = at
			.storage()
			.try_fetch(
				subxt::dynamic::storage::<([u8; 32],), Value>("System", "Account"),
				(*<AccountId32 as AsRef<[u8; 32]>>::as_ref(owner),),
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
				(*<AccountId32 as AsRef<[u8; 32]>>::as_ref(owner),),
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

	/// Reads the node's record and the owner's node at the current finalized block.
	pub async fn view(&self, node_id: &[u8], owner: &AccountId32) -> Result<ChainView, ChainError> {
		let view = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			self.view_at(&at, node_id, owner).await
		};
		view.await.map_err(|e| self.scrub(e))
	}

	/// Reads the node's record and the owner's node at the finalized block `block_hash`.
	pub async fn view_at_hash(
		&self,
		block_hash: subxt::config::substrate::H256,
		node_id: &[u8],
		owner: &AccountId32,
	) -> Result<ChainView, ChainError> {
		let view = async {
			let at = self.api.at_block(BlockRef::from_hash(block_hash)).await.map_err(rpc)?;
			self.view_at(&at, node_id, owner).await
		};
		view.await.map_err(|e| self.scrub(e))
	}

	async fn view_at(
		&self,
		at: &subxt::OnlineClientAtBlock<ChainConfig>,
		node_id: &[u8],
		owner: &AccountId32,
	) -> Result<ChainView, ChainError> {
		let width = self.width_at(at);
		let storage = at.storage();
		let node = storage
			.try_fetch(
				subxt::dynamic::storage::<(Vec<u8>,), Value>(PALLET, "ColdkeyNodeRegistrationV2"),
				(node_id.to_vec(),),
			)
			.await
			.map_err(rpc)?
			.map(|value| decode_record(value.bytes(), width))
			.transpose()?;
		let owner_node = storage
			.try_fetch(
				subxt::dynamic::storage::<([u8; 32],), Value>(PALLET, "OwnerToNode"),
				(*owner.as_ref(),),
			)
			.await
			.map_err(rpc)?
			.map(|value| {
				OwnerNodes::decode(&mut value.bytes())
					.map_err(|e| ChainError::Decode(format!("OwnerToNode: {e}")))
			})
			.transpose()?
			.and_then(|nodes| nodes.into_iter().next())
			.map(|id| String::from_utf8_lossy(&id).into_owned());
		Ok(ChainView {
			block_number: at.block_number(),
			block_hash: format!("{:?}", at.block_hash()),
			node,
			owner_node,
		})
	}

	fn width_at(&self, at: &subxt::OnlineClientAtBlock<ChainConfig>) -> BlockNumberWidth {
		let metadata = at.metadata();
		metadata
			.pallet_by_name("System")
			.and_then(|system| system.storage())
			.and_then(|storage| storage.entry_by_name("Number"))
			.and_then(|entry| metadata.types().resolve(entry.value_ty()))
			.map(|ty| match ty.type_def {
				TypeDef::Primitive(TypeDefPrimitive::U32) => BlockNumberWidth::U32,
				_ => BlockNumberWidth::U64,
			})
			.unwrap_or_default()
	}

	/// Signs `call` as `owner`, submits it mortal for `mortality` blocks from the best block,
	/// waits for a finalized block and returns the transaction's events; a failed dispatch is
	/// [`ChainError::Dispatch`] with the error's name.
	pub async fn submit_registration(
		&self,
		call: &RegistrationCall,
		owner: &OwnerKey,
		mortality: u64,
	) -> Result<Included, ChainError> {
		let context = self.context().await?;
		let prepared = self.prepare_registration(call, owner, mortality, &context).await?;
		self.submit_prepared(prepared).await
	}

	/// Signs `call` as `owner`, mortal for `mortality` blocks from `context`'s best block,
	/// without submitting it.
	pub async fn prepare_registration(
		&self,
		call: &RegistrationCall,
		owner: &OwnerKey,
		mortality: u64,
		context: &ChainContext,
	) -> Result<PreparedRegistration, ChainError> {
		let prepared = async {
			let at =
				self.api.at_block(BlockRef::from_hash(context.block_hash)).await.map_err(rpc)?;
			let payload =
				subxt::dynamic::tx(PALLET, "register_node_with_coldkey", call_values(call));
			let transaction = self.sign(&at, &payload, owner, mortality).await?;
			Ok(PreparedRegistration { at, transaction })
		};
		prepared.await.map_err(|e| self.scrub(e))
	}

	/// What the prepared transaction is estimated to cost in transaction fees (without the
	/// registration fee).
	pub async fn transaction_fee(
		&self,
		prepared: &PreparedRegistration,
	) -> Result<u128, ChainError> {
		prepared.transaction.partial_fee_estimate().await.map_err(|e| self.scrub(rpc(e)))
	}

	/// Submits a prepared registration and waits for a finalized block, as
	/// [`Self::submit_registration`].
	pub async fn submit_prepared(
		&self,
		prepared: PreparedRegistration,
	) -> Result<Included, ChainError> {
		self.watch_submitted(&prepared.at, &prepared.transaction).await.map_err(|e| self.scrub(e))
	}

	/// Submits the owner's `unregister_main_node(node_id)` and waits for finalization.
	pub async fn unregister(
		&self,
		node_id: &[u8],
		owner: &OwnerKey,
		mortality: u64,
	) -> Result<Included, ChainError> {
		let payload =
			subxt::dynamic::tx(PALLET, "unregister_main_node", vec![Value::from_bytes(node_id)]);
		self.submit(&payload, owner, mortality).await
	}

	/// Development chains: `Sudo.sudo(Registration.force_unregister_coldkey_node(node_id))`
	/// signed by the sudo key. The inner call's failure is reported as [`ChainError::Dispatch`].
	pub async fn sudo_force_unregister(
		&self,
		node_id: &[u8],
		sudo: &OwnerKey,
	) -> Result<Included, ChainError> {
		let inner = subxt::dynamic::tx(
			PALLET,
			"force_unregister_coldkey_node",
			subxt::ext::scale_value::Composite::unnamed([Value::from_bytes(node_id)]),
		)
		.into_value();
		let payload = subxt::dynamic::tx("Sudo", "sudo", vec![inner]);
		self.submit(&payload, sudo, 64).await
	}

	/// Signs and submits at the finalized block, and waits for finalization.
	async fn submit<Call: subxt::transactions::Payload>(
		&self,
		payload: &Call,
		signer: &OwnerKey,
		mortality: u64,
	) -> Result<Included, ChainError> {
		let submitted = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			let transaction = self.sign(&at, payload, signer, mortality).await?;
			self.watch_submitted(&at, &transaction).await
		};
		submitted.await.map_err(|e| self.scrub(e))
	}

	/// Signs `payload` at block `at` (mortality from there).
	async fn sign<Call: subxt::transactions::Payload>(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		payload: &Call,
		signer: &OwnerKey,
		mortality: u64,
	) -> Result<SubmittableTransaction<ChainConfig, OnlineClientAtBlockImpl<ChainConfig>>, ChainError>
	{
		// The pool's next nonce counts transactions not yet finalized (the finalized block's
		// nonce would make them stale); without the RPC, subxt reads it at the given block.
		let mut params = DefaultExtrinsicParamsBuilder::<ChainConfig>::new().mortal(mortality);
		let next_index = self
			.rpc
			.request::<u64>("system_accountNextIndex", subxt::rpcs::rpc_params![signer.ss58()])
			.await;
		if let Ok(nonce) = next_index {
			params = params.nonce(nonce);
		}
		let params = params.build();
		at.transactions()
			.create_signed(payload, signer.signer(), params)
			.await
			.map_err(submit_error)
	}

	/// Submits `transaction` and waits for its finalized block's events.
	async fn watch_submitted(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		transaction: &SubmittableTransaction<ChainConfig, OnlineClientAtBlockImpl<ChainConfig>>,
	) -> Result<Included, ChainError> {
		let mut progress = transaction.submit_and_watch().await.map_err(submit_error)?;
		let in_block = loop {
			match progress.next().await {
				Some(Ok(TransactionStatus::InFinalizedBlock(in_block))) => break in_block,
				Some(Ok(TransactionStatus::Invalid { message })) => {
					return Err(ChainError::Pool(message))
				}
				Some(Ok(TransactionStatus::Dropped { message })) => {
					return Err(ChainError::Rpc(format!("transaction dropped: {message}")))
				}
				Some(Ok(TransactionStatus::Error { message })) => {
					return Err(ChainError::Rpc(format!("transaction error: {message}")))
				}
				Some(Ok(_)) => continue,
				Some(Err(e)) => return Err(rpc(e)),
				None => return Err(ChainError::Rpc("transaction status stream ended".into())),
			}
		};
		let block_hash = in_block.block_hash();
		let events = match in_block.wait_for_success().await {
			Ok(events) => events,
			Err(TransactionEventsError::ExtrinsicFailed(error)) => {
				return Err(ChainError::Dispatch(DispatchFailure::from_subxt(&error)))
			}
			Err(e) => return Err(rpc(e)),
		};
		let mut decoded = Vec::new();
		for event in events.iter() {
			let event = event.map_err(rpc)?;
			if event.pallet_name() == "Sudo" && event.event_name() == "Sudid" {
				// `Sudid { sudo_result: Result<(), DispatchError> }`: 0 = Ok, 1 = Err(..).
				if event.field_bytes().first() == Some(&1) {
					let inner = DispatchError::decode_from(
						event.field_bytes().get(1..).unwrap_or_default(),
						at.metadata(),
					)
					.map_err(|e| ChainError::Decode(e.to_string()))?;
					return Err(ChainError::Dispatch(DispatchFailure::from_subxt(&inner)));
				}
			}
			if event.pallet_name() == PALLET {
				if let Some(ev) = RegistryEvent::decode(event.event_name(), event.field_bytes()) {
					decoded.push(ev?);
				}
			}
		}
		let block = self.api.at_block(in_block.block_hash()).await.map_err(rpc)?;
		Ok(Included {
			block_number: block.block_number(),
			block_hash: format!("{block_hash:?}"),
			events: decoded,
		})
	}

	/// Subscribes to finalized blocks; [`BlockWatcher::next`] yields each block's registry
	/// events.
	pub async fn watch(&self) -> Result<BlockWatcher, ChainError> {
		let blocks = self.api.stream_blocks().await.map_err(|e| self.scrub(rpc(e)))?;
		Ok(BlockWatcher { blocks, redactor: self.redactor.clone() })
	}
}

/// The registry events of finalized blocks, as they come.
pub struct BlockWatcher {
	blocks: subxt::client::Blocks<ChainConfig>,
	redactor: EndpointRedactor,
}

impl std::fmt::Debug for BlockWatcher {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("BlockWatcher")
	}
}

impl BlockWatcher {
	/// The next finalized block's number and registry events; `None` when the subscription ended.
	pub async fn next(&mut self) -> Option<Result<(u64, Vec<RegistryEvent>), ChainError>> {
		let block = match self.blocks.next().await? {
			Ok(block) => block,
			Err(e) => return Some(Err(rpc(e).scrubbed(&self.redactor))),
		};
		Some(Self::events_of(block).await.map_err(|e| e.scrubbed(&self.redactor)))
	}

	async fn events_of(
		block: subxt::client::Block<ChainConfig>,
	) -> Result<(u64, Vec<RegistryEvent>), ChainError> {
		let at = block.at().await.map_err(rpc)?;
		let events = at.events().fetch().await.map_err(rpc)?;
		let mut out = Vec::new();
		for event in events.iter() {
			let event = event.map_err(rpc)?;
			if event.pallet_name() == PALLET {
				if let Some(ev) = RegistryEvent::decode(event.event_name(), event.field_bytes()) {
					out.push(ev?);
				}
			}
		}
		Ok((block.number(), out))
	}
}

/// The call's arguments as dynamic values, in the contract's order.
fn call_values(call: &RegistrationCall) -> Vec<Value> {
	vec![
		Value::unnamed_variant(format!("{:?}", call.node_type), []),
		Value::from_bytes(&call.node_id),
		Value::bool(call.pay_in_credits),
		Value::from_bytes(<AccountId32 as AsRef<[u8; 32]>>::as_ref(&call.owner)),
		Value::unnamed_variant(format!("{:?}", call.main_key_type), []),
		Value::from_bytes(call.main_public_key),
		Value::from_bytes(call.main_sig),
		Value::from_bytes(&call.challenge_bytes),
		Value::from_bytes(call.node_id_hex),
	]
}

fn submit_error(error: subxt::error::ExtrinsicError) -> ChainError {
	let message = error.to_string();
	// Pool rejections come back as RPC errors 1010 (invalid) to 1014 (priority).
	let pool = ["Invalid Transaction", "1010", "1011", "1012", "1013", "1014"];
	if pool.iter().any(|p| message.contains(p)) {
		ChainError::Pool(message)
	} else {
		ChainError::Rpc(message)
	}
}

fn decode_block_number(mut bytes: &[u8], width: BlockNumberWidth) -> Result<u64, ChainError> {
	let decoded = match width {
		BlockNumberWidth::U64 => u64::decode(&mut bytes),
		BlockNumberWidth::U32 => u32::decode(&mut bytes).map(u64::from),
	};
	decoded.map_err(|e| ChainError::Decode(format!("block number: {e}")))
}

fn decode_record(mut bytes: &[u8], width: BlockNumberWidth) -> Result<NodeRecord, ChainError> {
	let err = |e: codec::Error| ChainError::Decode(format!("ColdkeyNodeRegistrationV2: {e}"));
	let info = match width {
		BlockNumberWidth::U64 => {
			ColdkeyNodeInfoLite::<NodeId, AccountId32, u64>::decode(&mut bytes).map_err(err)?
		}
		BlockNumberWidth::U32 => {
			let info =
				ColdkeyNodeInfoLite::<NodeId, AccountId32, u32>::decode(&mut bytes).map_err(err)?;
			ColdkeyNodeInfoLite {
				node_id: info.node_id,
				node_type: info.node_type,
				status: info.status,
				registered_at: u64::from(info.registered_at),
				owner: info.owner,
			}
		}
	};
	Ok(NodeRecord {
		node_id: String::from_utf8_lossy(&info.node_id).into_owned(),
		node_type: info.node_type,
		status: info.status,
		registered_at: info.registered_at,
		owner: info.owner,
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;

	fn node_id() -> NodeId {
		NodeId::truncate_from(b"12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV".to_vec())
	}

	#[test]
	fn events_decode_with_the_pallet_types() {
		let owner = AccountId32::new([1; 32]);
		let fields = (node_id(), owner.clone(), NodeType::GpuMiner).encode();
		assert_eq!(
			RegistryEvent::decode("MainNodeRegistered", &fields).unwrap().unwrap(),
			RegistryEvent::Registered { node_id: node_id().into_inner(), owner: owner.clone() }
		);
		let fields = (node_id(), owner.clone(), UnregisterReason::Forced).encode();
		let event = RegistryEvent::decode("NodeUnregistered", &fields).unwrap().unwrap();
		assert_eq!(event.node_id(), node_id().as_slice());
		let fields = (node_id(), Status::Degraded).encode();
		assert!(matches!(
			RegistryEvent::decode("NodeStatusUpdated", &fields),
			Some(Ok(RegistryEvent::StatusUpdated { status: Status::Degraded, .. }))
		));
		assert!(RegistryEvent::decode("FeeChargingStatusChanged", &[1]).is_none());
		assert!(matches!(RegistryEvent::decode("NodeOwnerSwapped", &[1, 2]), Some(Err(_))));
	}

	#[test]
	fn records_decode_in_both_widths() {
		let owner = AccountId32::new([2; 32]);
		let wide = ColdkeyNodeInfoLite {
			node_id: node_id(),
			node_type: NodeType::StorageMiner,
			status: Status::Online,
			registered_at: 77u64,
			owner: owner.clone(),
		};
		let record = decode_record(&wide.encode(), BlockNumberWidth::U64).unwrap();
		assert_eq!(record.registered_at, 77);
		assert_eq!(record.owner, owner);
		let narrow = ColdkeyNodeInfoLite {
			node_id: node_id(),
			node_type: NodeType::StorageMiner,
			status: Status::Online,
			registered_at: 77u32,
			owner,
		};
		assert_eq!(decode_record(&narrow.encode(), BlockNumberWidth::U32).unwrap(), record);
		assert!(decode_record(&narrow.encode(), BlockNumberWidth::U64).is_err());
	}

	fn free_policy() -> Policy {
		Policy {
			block_number: 10,
			banned: false,
			type_disabled: false,
			node_cooldown_until: None,
			owner_cooldown_until: None,
			fee_charging: true,
			fee: Some(1_000),
			spendable: Some(1_000_000),
			pay_in_credits: false,
			stake: None,
		}
	}

	fn reason(policy: Policy) -> String {
		policy.refusal().map(|r| r.reason).unwrap_or_default()
	}

	#[test]
	fn policy_refuses_only_what_the_pallet_would() {
		let free = free_policy();
		assert_eq!(free.refusal(), None);
		assert!(reason(Policy { banned: true, ..free }).contains("banned"));
		assert!(reason(Policy { type_disabled: true, ..free }).contains("disabled"));
		// The transaction executes in block 11 at the earliest.
		assert_eq!(Policy { node_cooldown_until: Some(11), ..free }.refusal(), None);
		let cooling =
			Policy { node_cooldown_until: Some(5), owner_cooldown_until: Some(12), ..free };
		assert!(reason(cooling).contains("until block 12"));
		for policy in [Policy { banned: true, ..free }, cooling] {
			assert_eq!(policy.refusal().unwrap().class, OutcomeClass::SlowRetry);
		}
	}

	#[test]
	fn policy_refuses_a_validator_without_the_stake() {
		let free = free_policy();
		let short = Policy { stake: Some(Stake { active: 999, threshold: 1_000 }), ..free };
		let refusal = short.refusal().unwrap();
		assert_eq!(refusal.class, OutcomeClass::SlowRetry);
		assert!(refusal.reason.contains("insufficient stake"), "{}", refusal.reason);
		assert!(refusal.reason.contains("999") && refusal.reason.contains("1000"));
		let enough = Policy { stake: Some(Stake { active: 1_000, threshold: 1_000 }), ..free };
		assert_eq!(enough.refusal(), None);
	}

	#[test]
	fn policy_refuses_a_fee_the_owner_cannot_pay() {
		let free = free_policy();
		// What the owner can spend must cover the fee plus the transaction fee.
		let poor = Policy { spendable: Some(999), ..free };
		let refusal = poor.refusal().unwrap();
		assert_eq!(refusal.class, OutcomeClass::SlowRetry);
		assert!(refusal.reason.contains("insufficient balance"), "{}", refusal.reason);
		let exact = Policy { spendable: Some(1_000), ..free };
		assert_eq!(exact.refusal(), None);
		assert!(exact.funds_refusal(1).is_some());
		assert_eq!(Policy { spendable: Some(1_001), ..free }.funds_refusal(1), None);
		// Without fee charging, or when the chain does not tell, there is nothing to check.
		assert_eq!(Policy { fee_charging: false, ..poor }.funds_refusal(10), None);
		assert_eq!(Policy { fee: None, ..poor }.funds_refusal(10), None);
		assert_eq!(Policy { spendable: None, ..poor }.funds_refusal(10), None);
	}

	#[test]
	fn credits_while_the_fee_is_charged_are_refused_for_good() {
		let free = free_policy();
		let credits = Policy { pay_in_credits: true, fee: None, spendable: None, ..free };
		let refusal = credits.refusal().unwrap();
		assert_eq!(refusal.class, OutcomeClass::Fatal);
		assert!(refusal.reason.contains("CreditsNotSupported"), "{}", refusal.reason);
		// Nothing is charged, so nothing is paid in credits.
		assert_eq!(Policy { fee_charging: false, ..credits }.refusal(), None);
	}

	#[test]
	fn submissions_hold_while_finality_lags_more_than_half_the_lifetime() {
		let context = ChainContext {
			genesis_hash: [7; 32],
			block_number: 100,
			block_hash: H256([1; 32]),
			finalized_block_number: 84,
			max_challenge_lifetime: 600,
			pallet_index: 7,
			block_number_width: Some(BlockNumberWidth::U64),
		};
		assert_eq!(context.finality_lag(), 16);
		assert_eq!(context.hold(32), None);
		let lagging = ChainContext { finalized_block_number: 83, ..context };
		let reason = lagging.hold(32).unwrap();
		assert!(reason.contains("finality lags 17 blocks"), "{reason}");
		// A finalized block read after a newer best block is no lag.
		assert_eq!(ChainContext { finalized_block_number: 101, ..context }.finality_lag(), 0);
	}

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

	#[test]
	fn errors_fall_in_classes() {
		let dispatch = |pallet: &str, error: &str| {
			ChainError::Dispatch(DispatchFailure {
				pallet: Some(pallet.into()),
				error: error.into(),
			})
		};
		assert_eq!(dispatch(PALLET, "NodeAlreadyRegistered").class(), OutcomeClass::Conflict);
		assert_eq!(dispatch(PALLET, "ChallengeExpired").class(), OutcomeClass::FastRetry);
		assert_eq!(dispatch(PALLET, "AccountBanned").class(), OutcomeClass::SlowRetry);
		assert_eq!(dispatch("Balances", "InsufficientBalance").class(), OutcomeClass::SlowRetry);
		assert_eq!(dispatch(PALLET, "ChallengeExpired").pallet_error(), Some("ChallengeExpired"));
		assert_eq!(ChainError::Rpc("closed".into()).class(), OutcomeClass::FastRetry);
		assert_eq!(ChainError::Timeout(5).class(), OutcomeClass::FastRetry);
		assert_eq!(
			ChainError::Pool("Invalid Transaction: Transaction is stale".into()).class(),
			OutcomeClass::FastRetry
		);
		assert_eq!(
			ChainError::Pool("Invalid Transaction: Inability to pay some fees".into()).class(),
			OutcomeClass::SlowRetry
		);
		assert_eq!(
			dispatch(PALLET, "NodeAlreadyRegistered").to_string(),
			"dispatch failed: Registration.NodeAlreadyRegistered"
		);
	}
}
