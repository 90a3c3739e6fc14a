//! Small traits through which the runtime plugs chain-specific policy into the pallet, each with
//! a safe default for `()`, and the read interface other pallets use.

use crate::types::{NodeType, PageError};
use frame_support::pallet_prelude::*;

/// Decides whether an owner may run a node of a given type (on the reference chain: a metagraph
/// check). `()` allows everyone.
pub trait NodeEligibility<AccountId> {
	/// Whether `owner` may register or receive a node of `node_type`.
	fn is_eligible(owner: &AccountId, node_type: NodeType) -> bool;
}

impl<AccountId> NodeEligibility<AccountId> for () {
	fn is_eligible(_: &AccountId, _: NodeType) -> bool {
		true
	}
}

/// Called after a node left the registry (on the reference chain: metrics clean-up). Its cost
/// must be covered by the `unregister` weights of the runtime's `WeightInfo`. `()` does nothing.
pub trait OnNodeUnregistered<AccountId> {
	/// `node_id` (canonical base58 text), owned by `owner`, of `node_type`, was removed.
	fn on_node_unregistered(node_id: &[u8], owner: &AccountId, node_type: NodeType);
}

impl<AccountId> OnNodeUnregistered<AccountId> for () {
	fn on_node_unregistered(_: &[u8], _: &AccountId, _: NodeType) {}
}

/// Told when the liveness sweep finds a node silent for more than `OfflineAfterPeriods`
/// periods (its status became `Offline` if it was `Online`). What that implies beyond the status
/// is the runtime's choice: nothing (`()`), degrading the node, or a signal to validators. It
/// runs inside `on_initialize`'s metered sweep, so it declares its weight.
pub trait OnNodeOffline<AccountId> {
	/// `node_id` (canonical base58 text), owned by `owner`, of `node_type`, went silent.
	fn on_node_offline(node_id: &[u8], owner: &AccountId, node_type: NodeType);
	/// The most weight `on_node_offline` uses.
	fn weight() -> Weight;
}

impl<AccountId> OnNodeOffline<AccountId> for () {
	fn on_node_offline(_: &[u8], _: &AccountId, _: NodeType) {}
	fn weight() -> Weight {
		Weight::default()
	}
}

/// Maps the account that signed a deregistration report to the validator owner it speaks for
/// (a proxy resolver). pallet-proxy already dispatches as the real account, so `()`, the
/// identity, is right for it.
pub trait ResolveReporter<AccountId> {
	/// The validator owner `who` reports for.
	fn resolve(who: AccountId) -> AccountId;
}

impl<AccountId> ResolveReporter<AccountId> for () {
	fn resolve(who: AccountId) -> AccountId {
		who
	}
}

/// Why a credits payment failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CreditsError {
	/// The runtime has no credits system.
	Unsupported,
	/// The owner's credits do not cover the fee.
	Insufficient,
}

/// Takes a registration fee in credits (`pay_in_credits = true`). `()` refuses with
/// [`CreditsError::Unsupported`].
pub trait CreditsPayment<AccountId, Balance> {
	/// Charge `amount` of credits from `who`, or change nothing and fail.
	fn pay(who: &AccountId, amount: Balance) -> Result<(), CreditsError>;
}

impl<AccountId, Balance> CreditsPayment<AccountId, Balance> for () {
	fn pay(_: &AccountId, _: Balance) -> Result<(), CreditsError> {
		Err(CreditsError::Unsupported)
	}
}

/// The initial fee of each node type, used until genesis or governance sets one.
pub trait InitialNodeTypeFee<Balance> {
	/// The fee of `node_type` before any is stored.
	fn initial_fee(node_type: NodeType) -> Balance;
}

/// The same initial fee for every node type.
pub struct UniformInitialFee<Fee>(core::marker::PhantomData<Fee>);

impl<Balance, Fee: Get<Balance>> InitialNodeTypeFee<Balance> for UniformInitialFee<Fee> {
	fn initial_fee(_: NodeType) -> Balance {
		Fee::get()
	}
}

/// What other pallets may ask of the registry. Every method is O(1) or bounded by `limit`.
pub trait NodeRegistry<AccountId, NodeInfo> {
	/// Whether `owner` has a registered node.
	fn is_owner_registered(owner: &AccountId) -> bool;
	/// How many nodes `owner` has registered (its fleet).
	fn owner_node_count(owner: &AccountId) -> u32;
	/// The record of the main node of `owner`.
	fn node_of_owner(owner: &AccountId) -> Option<NodeInfo>;
	/// Up to `limit` records of `owner`'s nodes, in storage order, after the node id
	/// `start_after`; refused as `nodes_of_type` is.
	fn nodes_of_owner(
		owner: &AccountId,
		start_after: Option<&[u8]>,
		limit: u32,
	) -> Result<alloc::vec::Vec<NodeInfo>, PageError>;
	/// The record of a node, by its id in either form (base58 text or raw PeerId bytes).
	fn node(node_id: &[u8]) -> Option<NodeInfo>;
	/// How many nodes of `node_type` are registered.
	fn node_count(node_type: NodeType) -> u32;
	/// Up to `limit` records of `node_type` (any status: check `status` for `Online`), in
	/// storage order, starting after the node id `start_after` (the last id of the previous page;
	/// either form). Refused when `limit` is 0 or `start_after` is not a PeerId, so that an empty
	/// list always means that no node follows.
	fn nodes_of_type(
		node_type: NodeType,
		start_after: Option<&[u8]>,
		limit: u32,
	) -> Result<alloc::vec::Vec<NodeInfo>, PageError>;
}

/// Makes owner accounts and signs owner consents with their keys, for the benchmarks of the
/// consent calls (the runtime's `OwnerSignature` is generic to the pallet).
pub trait ConsentSigner<AccountId, Signature> {
	/// The `index`th owner account (the same account for the same index).
	fn owner(index: u32) -> AccountId;
	/// The `index`th owner's signature of `message`.
	fn sign(index: u32, message: &[u8]) -> Signature;
}

/// Signs with sr25519 keys of the benchmark keystore: for runtimes whose signature is
/// `MultiSignature` and whose accounts are `AccountId32`. The keys come from the keystore
/// extension, which only benchmarks and tests provide.
impl ConsentSigner<sp_runtime::AccountId32, sp_runtime::MultiSignature> for () {
	fn owner(index: u32) -> sp_runtime::AccountId32 {
		use sp_runtime::traits::IdentifyAccount;
		sp_runtime::MultiSigner::Sr25519(bench_owner_key(index)).into_account()
	}

	fn sign(index: u32, message: &[u8]) -> sp_runtime::MultiSignature {
		let signature =
			sp_io::crypto::sr25519_sign(BENCH_OWNER_KEY, &bench_owner_key(index), message)
				.unwrap_or_else(|| sp_core::sr25519::Signature::from_raw([0; 64]));
		sp_runtime::MultiSignature::Sr25519(signature)
	}
}

/// Key type of the owner keys the benchmarks generate in the keystore.
const BENCH_OWNER_KEY: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"ownr");

/// The `index`th owner key of the benchmark keystore (generated from a seed naming it, so the
/// same on every call).
fn bench_owner_key(index: u32) -> sp_core::sr25519::Public {
	sp_io::crypto::sr25519_generate(
		BENCH_OWNER_KEY,
		Some(alloc::format!("//owner//{index}").into_bytes()),
	)
}
