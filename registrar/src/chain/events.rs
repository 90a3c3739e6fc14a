//! The pallet's events the registrar reacts to, decoded by field name: each field is found by
//! its name in the chain's metadata and decoded with the pallet crate's own type, so a field
//! added, removed or moved in the pallet's event is noticed (a missing field is an error)
//! instead of shifting a positional decode. Also the subscription to finalized blocks'
//! events ([`BlockWatcher`]).

use super::{rpc, ChainConfig};
use crate::{
	chain_error::ChainError,
	facts::{RegistryEvent, PALLET},
};
use codec::Decode;
use pallet_registration::NodeId;
use subxt::{
	ext::scale_decode::visitor::{decode_with_visitor, IgnoreVisitor},
	Metadata,
};

/// The events and the fields of each that the registrar reads (checked against the dev
/// runtime's metadata by the end-to-end tests).
pub const REQUIRED_EVENT_FIELDS: [(&str, &[&str]); 10] = [
	("MainNodeRegistered", &["node_id", "owner"]),
	("NodeUnregistered", &["node_id", "owner", "reason"]),
	("NodeStatusUpdated", &["node_id", "status"]),
	("NodeOwnerSwapped", &["node_id", "old_owner", "new_owner"]),
	("DeregistrationConsensusReached", &["node_id"]),
	("NodeKeyRotated", &["old_node_id", "new_node_id", "owner"]),
	("NodeRecordPublished", &["node_id", "seq"]),
	("NodeWentOffline", &["node_id", "last_seen"]),
	("NodeBackOnline", &["node_id", "period"]),
	("RegistrationFeePaid", &["amount", "in_credits"]),
];

/// An event's fields by name, each as its SCALE bytes.
#[derive(Debug, Default)]
pub struct EventFields<'a> {
	event: String,
	fields: Vec<(String, &'a [u8])>,
}

impl<'a> EventFields<'a> {
	/// `bytes` (the fields of the event `event_index` of `pallet`) split by the field names and
	/// types of `metadata`.
	pub fn split(
		metadata: &Metadata,
		pallet: &str,
		event_index: u8,
		bytes: &'a [u8],
	) -> Result<Self, ChainError> {
		let variant = metadata
			.pallet_by_name(pallet)
			.and_then(|p| p.event_variant_by_index(event_index))
			.ok_or_else(|| {
				ChainError::Metadata(format!("no event {event_index} in pallet {pallet}"))
			})?;
		let mut cursor = bytes;
		let mut fields = Vec::with_capacity(variant.fields.len());
		for field in &variant.fields {
			let before = cursor;
			decode_with_visitor(&mut cursor, field.ty.id, metadata.types(), IgnoreVisitor::new())
				.map_err(|e| ChainError::Decode(format!("event {}: {e}", variant.name)))?;
			let used = before.len() - cursor.len();
			let name = field.name.clone().unwrap_or_default();
			fields.push((name, &before[..used]));
		}
		Ok(Self { event: variant.name.clone(), fields })
	}

	/// Named fields of `event` given directly (tests, other sources).
	pub fn from_parts(event: &str, fields: Vec<(String, &'a [u8])>) -> Self {
		Self { event: event.to_owned(), fields }
	}

	/// The event's name.
	pub fn event(&self) -> &str {
		&self.event
	}

	/// The field `name`, decoded as `T`.
	pub fn get<T: Decode>(&self, name: &str) -> Result<T, ChainError> {
		let field = self.fields.iter().find(|(n, _)| n == name);
		let Some((_, mut bytes)) = field.map(|(n, bytes)| (n, *bytes)) else {
			let missing = format!("event {} has no field {name}", self.event);
			return Err(ChainError::Metadata(missing));
		};
		T::decode(&mut bytes)
			.map_err(|e| ChainError::Decode(format!("event {} field {name}: {e}", self.event)))
	}

	/// The block number field `name`, in whichever width the chain uses (the field's bytes
	/// are exactly its encoding: 4 bytes for `u32`, 8 for `u64`).
	pub fn block_number(&self, name: &str) -> Result<u64, ChainError> {
		let len = self.fields.iter().find(|(n, _)| n == name).map(|(_, bytes)| bytes.len());
		match len {
			Some(4) => self.get::<u32>(name).map(u64::from),
			_ => self.get::<u64>(name),
		}
	}
}

impl RegistryEvent {
	/// Decodes the pallet's event from its named fields (`None` for events not listed here).
	pub fn from_fields(fields: &EventFields<'_>) -> Option<Result<Self, ChainError>> {
		let node_id = || fields.get::<NodeId>("node_id").map(NodeId::into_inner);
		let decoded = match fields.event() {
			"MainNodeRegistered" => node_id().and_then(|node_id| {
				Ok(RegistryEvent::Registered { node_id, owner: fields.get("owner")? })
			}),
			"NodeUnregistered" => node_id().and_then(|node_id| {
				Ok(RegistryEvent::Unregistered {
					node_id,
					owner: fields.get("owner")?,
					reason: fields.get("reason")?,
				})
			}),
			"NodeStatusUpdated" => node_id().and_then(|node_id| {
				Ok(RegistryEvent::StatusUpdated { node_id, status: fields.get("status")? })
			}),
			"NodeOwnerSwapped" => node_id().and_then(|node_id| {
				Ok(RegistryEvent::OwnerSwapped {
					node_id,
					old_owner: fields.get("old_owner")?,
					new_owner: fields.get("new_owner")?,
				})
			}),
			"DeregistrationConsensusReached" => {
				node_id().map(|node_id| RegistryEvent::ConsensusReached { node_id })
			}
			"NodeKeyRotated" => (|| {
				Ok(RegistryEvent::KeyRotated {
					node_id: fields.get::<NodeId>("old_node_id")?.into_inner(),
					new_node_id: fields.get::<NodeId>("new_node_id")?.into_inner(),
					owner: fields.get("owner")?,
				})
			})(),
			"NodeRecordPublished" => node_id().and_then(|node_id| {
				Ok(RegistryEvent::RecordPublished { node_id, seq: fields.get("seq")? })
			}),
			"NodeWentOffline" => node_id().and_then(|node_id| {
				Ok(RegistryEvent::WentOffline {
					node_id,
					last_seen: fields.block_number("last_seen")?,
				})
			}),
			"NodeBackOnline" => node_id().and_then(|node_id| {
				Ok(RegistryEvent::BackOnline { node_id, period: fields.get("period")? })
			}),
			_ => return None,
		};
		Some(decoded)
	}

	/// The registry events among `events` (of one block or one transaction).
	pub fn all_of(
		events: &subxt::events::Events<ChainConfig>,
		metadata: &Metadata,
	) -> Result<Vec<Self>, ChainError> {
		let mut out = Vec::new();
		for event in events.iter() {
			let event = event.map_err(rpc)?;
			if let Some(decoded) = Self::of(&event, metadata)? {
				out.push(decoded);
			}
		}
		Ok(out)
	}

	/// `event` as a registry event, when it is one.
	pub fn of(
		event: &subxt::events::Event<'_, ChainConfig>,
		metadata: &Metadata,
	) -> Result<Option<Self>, ChainError> {
		if event.pallet_name() != PALLET {
			return Ok(None);
		}
		let fields =
			EventFields::split(metadata, PALLET, event.event_index(), event.field_bytes())?;
		Self::from_fields(&fields).transpose()
	}
}

/// What `event` says a transaction paid, in base units of the currency: the
/// `TransactionPayment.TransactionFeePaid` of its signer (fee and tip), or the pallet's
/// `RegistrationFeePaid` when not paid in credits; `None` for any other event.
pub fn paid(
	event: &subxt::events::Event<'_, ChainConfig>,
	metadata: &Metadata,
) -> Result<Option<Paid>, ChainError> {
	let pallet = event.pallet_name();
	let name = event.event_name();
	let fields = || EventFields::split(metadata, pallet, event.event_index(), event.field_bytes());
	match (pallet, name) {
		("TransactionPayment", "TransactionFeePaid") => {
			let fields = fields()?;
			let fee = fields.get::<u128>("actual_fee")?.saturating_add(fields.get::<u128>("tip")?);
			Ok(Some(Paid::TransactionFee(fee)))
		}
		(PALLET, "RegistrationFeePaid") => {
			let fields = fields()?;
			if fields.get::<bool>("in_credits")? {
				return Ok(None);
			}
			Ok(Some(Paid::RegistrationFee(fields.get::<u128>("amount")?)))
		}
		_ => Ok(None),
	}
}

/// An amount a transaction's events say it paid ([`paid`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paid {
	/// The transaction fee and tip its signer paid.
	TransactionFee(u128),
	/// The registration fee, in the currency.
	RegistrationFee(u128),
}

/// The registry events of finalized blocks, as they come.
pub struct BlockWatcher {
	pub(super) blocks: subxt::client::Blocks<ChainConfig>,
	pub(super) redactor: crate::endpoint::EndpointRedactor,
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
		Ok((block.number(), RegistryEvent::all_of(&events, &at.metadata())?))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::chain::test_node_id as node_id;
	use codec::Encode;
	use pallet_registration::UnregisterReason;
	use sp_core::crypto::AccountId32;

	#[test]
	fn fields_are_found_by_name_not_position() {
		let owner = AccountId32::new([1; 32]);
		let (id, who, reason) =
			(node_id().encode(), owner.encode(), UnregisterReason::Forced.encode());
		// The order of the fields does not matter; their names do.
		let fields = EventFields::from_parts(
			"NodeUnregistered",
			vec![("reason".into(), &reason[..]), ("owner".into(), &who), ("node_id".into(), &id)],
		);
		let event = RegistryEvent::from_fields(&fields).unwrap().unwrap();
		assert_eq!(
			event,
			RegistryEvent::Unregistered {
				node_id: node_id().into_inner(),
				owner,
				reason: UnregisterReason::Forced
			}
		);
		// A field the registrar needs that the event lacks is an error, not a shifted decode.
		let short = EventFields::from_parts("NodeOwnerSwapped", vec![("node_id".into(), &id)]);
		assert!(matches!(RegistryEvent::from_fields(&short), Some(Err(_))));
		let (seq, narrow, period) = (9u64.encode(), 77u32.encode(), 4u32.encode());
		let published = EventFields::from_parts(
			"NodeRecordPublished",
			vec![("node_id".into(), &id[..]), ("seq".into(), &seq)],
		);
		assert_eq!(
			RegistryEvent::from_fields(&published).unwrap().unwrap(),
			RegistryEvent::RecordPublished { node_id: node_id().into_inner(), seq: 9 }
		);
		// A block number decodes in either width.
		let wide = 77u64.encode();
		for last_seen in [&narrow[..], &wide[..]] {
			let offline = EventFields::from_parts(
				"NodeWentOffline",
				vec![("node_id".into(), &id[..]), ("last_seen".into(), last_seen)],
			);
			assert_eq!(
				RegistryEvent::from_fields(&offline).unwrap().unwrap(),
				RegistryEvent::WentOffline { node_id: node_id().into_inner(), last_seen: 77 }
			);
		}
		let online = EventFields::from_parts(
			"NodeBackOnline",
			vec![("period".into(), &period[..]), ("node_id".into(), &id)],
		);
		assert_eq!(
			RegistryEvent::from_fields(&online).unwrap().unwrap(),
			RegistryEvent::BackOnline { node_id: node_id().into_inner(), period: 4 }
		);
		let other = EventFields::from_parts("FeeChargingStatusChanged", vec![]);
		assert!(RegistryEvent::from_fields(&other).is_none());
	}

	#[test]
	fn a_rotation_is_decoded_by_its_field_names() {
		let owner = AccountId32::new([3; 32]);
		let new_id = NodeId::truncate_from(b"12D3KooWNew".to_vec());
		let (old, new, who) = (node_id().encode(), new_id.encode(), owner.encode());
		let fields = EventFields::from_parts(
			"NodeKeyRotated",
			vec![
				("owner".into(), &who[..]),
				("new_node_id".into(), &new),
				("old_node_id".into(), &old),
			],
		);
		let event = RegistryEvent::from_fields(&fields).unwrap().unwrap();
		assert_eq!(event.node_id(), node_id().into_inner().as_slice());
		assert_eq!(
			event,
			RegistryEvent::KeyRotated {
				node_id: node_id().into_inner(),
				new_node_id: new_id.into_inner(),
				owner
			}
		);
	}
}
