//! Signing and submitting transactions: mortal from a given block, with the pool's next nonce,
//! waited for until a finalized block, a failed dispatch reported by the error's name.
//!
//! Every call of the pallet is prepared one way ([`ChainClient::prepare_call`]): its arguments
//! come as their SCALE encoding, made with the pallet crate's own types
//! (`register_node_with_coldkey`'s by [`RegistrationCall::encode_args`](crate::challenge::RegistrationCall::encode_args),
//! `register_node_with_consent`'s and `rotate_node_key`'s likewise), and are turned into values
//! by decoding them with the chain's own argument types ([`args_as_values`]): bytes that do not
//! decode exactly as the chain's call are refused before anything is signed, and what is
//! submitted is exactly those bytes.

use super::{events::Paid, rpc, ChainClient, ChainConfig};
use crate::{
	chain_error::{ChainError, DispatchFailure},
	facts::{ChainContext, Included, RegistryEvent, PALLET},
	keys::OwnerKey,
};
use subxt::{
	backend::BlockRef,
	client::{OnlineClientAtBlock, OnlineClientAtBlockImpl},
	config::DefaultExtrinsicParamsBuilder,
	dynamic::Value,
	error::TransactionEventsError,
	ext::scale_value,
	transactions::{SubmittableTransaction, TransactionStatus},
};

type Transaction = SubmittableTransaction<ChainConfig, OnlineClientAtBlockImpl<ChainConfig>>;

/// The call that removes one of an owner's nodes at `at`: `unregister_node` where owners may
/// have several nodes and the runtime has that call, else `unregister_main_node` (an owner's
/// only node is its main node).
fn unregister_call(at: &OnlineClientAtBlock<ChainConfig>) -> &'static str {
	let metadata = at.metadata();
	let has_unregister_node = metadata
		.pallet_by_name(PALLET)
		.and_then(|pallet| pallet.call_variant_by_name("unregister_node"))
		.is_some();
	if has_unregister_node && super::reads::max_nodes_per_owner(at) > 1 {
		"unregister_node"
	} else {
		"unregister_main_node"
	}
}

/// A signed transaction of the pallet (a registration or a key rotation), not submitted yet.
pub struct PreparedCall {
	at: OnlineClientAtBlock<ChainConfig>,
	transaction: Transaction,
}

impl std::fmt::Debug for PreparedCall {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("PreparedCall").field("at", &self.at.block_number()).finish()
	}
}

impl ChainClient {
	/// Signs the pallet's call `call` with the SCALE-encoded arguments `args` as `signer`,
	/// mortal for `mortality` blocks from `context`'s best block, without submitting it.
	/// [`ChainError::Metadata`] when `args` do not decode exactly as the chain's arguments of
	/// `call`.
	pub async fn prepare_call(
		&self,
		call: &str,
		args: &[u8],
		signer: &OwnerKey,
		mortality: u64,
		context: &ChainContext,
	) -> Result<PreparedCall, ChainError> {
		let prepared = async {
			let at =
				self.api.at_block(BlockRef::from_hash(context.block_hash)).await.map_err(rpc)?;
			let values = args_as_values(&at.metadata(), call, args)?;
			let payload = subxt::dynamic::tx(PALLET, call, values);
			let transaction = self.sign(&at, &payload, signer, mortality).await?;
			Ok(PreparedCall { at, transaction })
		};
		prepared.await.map_err(|e| self.scrub(e))
	}

	/// What the prepared transaction is estimated to cost in transaction fees (without the
	/// registration fee).
	pub async fn transaction_fee(&self, prepared: &PreparedCall) -> Result<u128, ChainError> {
		prepared.transaction.partial_fee_estimate().await.map_err(|e| self.scrub(rpc(e)))
	}

	/// Submits a prepared call and waits for a finalized block: the transaction's events, or
	/// [`ChainError::Dispatch`] with the pallet error's name when its dispatch failed.
	pub async fn submit_prepared(&self, prepared: PreparedCall) -> Result<Included, ChainError> {
		self.watch_submitted(&prepared.at, &prepared.transaction).await.map_err(|e| self.scrub(e))
	}

	/// Submits the owner's removal of `node_id` and waits for finalization: `unregister_node`
	/// on a chain of fleets (`MaxNodesPerOwner` above 1), which removes any of the owner's
	/// nodes, where `unregister_main_node` would refuse all but the main one (`NotMainNode`);
	/// `unregister_main_node` elsewhere, as on the reference chain.
	pub async fn unregister(
		&self,
		node_id: &[u8],
		owner: &OwnerKey,
		mortality: u64,
	) -> Result<Included, ChainError> {
		let submitted = async {
			let at = self.api.at_current_block().await.map_err(rpc)?;
			let payload =
				subxt::dynamic::tx(PALLET, unregister_call(&at), vec![Value::from_bytes(node_id)]);
			let transaction = self.sign(&at, &payload, owner, mortality).await?;
			self.watch_submitted(&at, &transaction).await
		};
		submitted.await.map_err(|e| self.scrub(e))
	}

	/// Signs `payload` at block `at` (mortality from there).
	pub(super) async fn sign<Call: subxt::transactions::Payload>(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		payload: &Call,
		signer: &OwnerKey,
		mortality: u64,
	) -> Result<Transaction, ChainError> {
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
	pub(super) async fn watch_submitted(
		&self,
		at: &OnlineClientAtBlock<ChainConfig>,
		transaction: &Transaction,
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
		let metadata = at.metadata();
		let mut decoded = Vec::new();
		let (mut transaction_fee_paid, mut registration_fee_paid) = (None, 0u128);
		let mut fees_unknown = false;
		for event in events.iter() {
			let event = event.map_err(rpc)?;
			// A fee event that does not decode leaves the fees unknown (the budget then counts
			// the estimate), never the inclusion in doubt.
			match super::events::paid(&event, &metadata) {
				Ok(Some(Paid::TransactionFee(fee))) => {
					transaction_fee_paid =
						Some(transaction_fee_paid.unwrap_or(0u128).saturating_add(fee))
				}
				Ok(Some(Paid::RegistrationFee(fee))) => {
					registration_fee_paid = registration_fee_paid.saturating_add(fee)
				}
				Ok(None) => {}
				Err(error) => {
					tracing::debug!(%error, "a fee event does not decode; counting the estimate");
					fees_unknown = true;
				}
			}
			if let Some(event) = RegistryEvent::of(&event, &metadata)? {
				decoded.push(event);
			}
		}
		if fees_unknown {
			transaction_fee_paid = None;
		}
		let block = self.api.at_block(block_hash).await.map_err(rpc)?;
		Ok(Included {
			block_number: block.block_number(),
			block_hash: format!("{block_hash:?}"),
			events: decoded,
			transaction_fee_paid,
			registration_fee_paid,
		})
	}
}

/// The SCALE-encoded arguments `args` of the pallet's call `call`, decoded as dynamic values
/// with the argument types of `metadata`; every byte must be used.
pub fn args_as_values(
	metadata: &subxt::Metadata,
	call: &str,
	args: &[u8],
) -> Result<Vec<Value>, ChainError> {
	let variant = metadata
		.pallet_by_name(PALLET)
		.and_then(|pallet| pallet.call_variant_by_name(call))
		.ok_or_else(|| ChainError::Metadata(format!("no call {PALLET}.{call}")))?;
	let mut cursor = args;
	let mut values = Vec::with_capacity(variant.fields.len());
	for field in &variant.fields {
		let name = field.name.as_deref().unwrap_or("?");
		let value = scale_value::scale::decode_as_type(&mut cursor, field.ty.id, metadata.types())
			.map_err(|e| {
				ChainError::Metadata(format!(
					"{call}: argument {name} does not decode as the chain's type: {e}"
				))
			})?;
		values.push(value.remove_context());
	}
	if !cursor.is_empty() {
		return Err(ChainError::Metadata(format!(
			"{call}: {} bytes left after the chain's arguments",
			cursor.len()
		)));
	}
	Ok(values)
}

pub(super) fn submit_error(error: subxt::error::ExtrinsicError) -> ChainError {
	let message = error.to_string();
	// Pool rejections come back as RPC errors 1010 (invalid) to 1014 (priority).
	let pool = ["Invalid Transaction", "1010", "1011", "1012", "1013", "1014"];
	if pool.iter().any(|p| message.contains(p)) {
		ChainError::Pool(message)
	} else {
		ChainError::Rpc(message)
	}
}
