//! A key rotation's decisions: what [`decide_rotation`] does next with what has been read, and
//! whether an included rotation moved the node ([`rotation_confirmed`]). The same steps as a
//! registration's where they meet (the challenge's plan, the consent's standing, the signer's
//! funds), from the registration's functions in the parent module.

use super::{
	consent_refusal, consent_width, ownership, plan, signer_funds_refusal, Confirmation,
	ConsentIntent, Decision, Fact, Intent, Refusal,
};
use crate::facts::{
	BlockNumberWidth, ChainContext, ChainView, ConsentFacts, RegistryEvent, RotationRead,
};
use sp_core::crypto::{AccountId32, Ss58Codec};

/// What a key rotation is to do: move the node `old_node_id` of `owner` to `new_node_id`, in a
/// transaction signed by the owner or, with `consent`, by a submitter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationIntent {
	/// The node's current id (base58 PeerId text).
	pub old_node_id: String,
	/// The new key's id (base58 PeerId text).
	pub new_node_id: String,
	/// The node's owner: the signer, or the consent's owner.
	pub owner: AccountId32,
	/// The owner's consent to the new PeerId, when a submitter signs.
	pub consent: Option<ConsentIntent>,
	/// Blocks the new key's challenge should stay valid (capped by `MaxChallengeLifetime`).
	pub challenge_lifetime: u64,
	/// Blocks the transaction should stay valid (capped by the challenge's lifetime).
	pub mortality: u64,
	/// The configured block number width; `None` takes the chain's.
	pub block_number_width: Option<BlockNumberWidth>,
}

/// What was read for a rotation, as far as it has been read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotationFacts {
	/// Both nodes, the owner's ban, the cooldowns and the signer's funds, once read.
	pub read: Option<RotationRead>,
	/// What the new key's challenge is built from, once read.
	pub context: Option<ChainContext>,
	/// The consent's standing, once read (rotations with a consent only).
	pub consent: Option<ConsentFacts>,
	/// The signed transaction's estimated fee, once prepared.
	pub transaction_fee: Option<u128>,
}

/// What a rotation does next with what has been read: a consent for another PeerId or
/// without `may_rotate` is fatal; then the registry: already rotated (the new id is the
/// owner's and the old one gone) parks, an old id that is not registered or not the owner's is
/// fatal, a new id registered already is a conflict; then the ban and the cooldowns (the
/// node's last rotation, the new id's removal) refuse until they end; then the challenge's plan
/// as for a registration, the consent's standing, and the signer's funds against the
/// transaction fee (a rotation pays no registration fee).
pub fn decide_rotation(intent: &RotationIntent, facts: &RotationFacts) -> Decision {
	if let Some(consent) = &intent.consent {
		if consent.node_id != intent.new_node_id {
			return Decision::Refuse(Refusal::fatal(format!(
				"the consent is for node {}, not for the new key's {}",
				consent.node_id, intent.new_node_id
			)));
		}
		if !consent.may_rotate {
			return Decision::Refuse(Refusal::fatal(
				"the consent does not allow rotating (it was made without --may-rotate)".into(),
			));
		}
	}
	let Some(read) = &facts.read else { return Decision::Read(Fact::Rotation) };
	let (old_id, new_id) = (&intent.old_node_id, &intent.new_node_id);
	let old = match (&read.old_node, &read.new_node) {
		(None, Some(new)) if new.owner == intent.owner => {
			return Decision::Park {
				detail: format!(
					"node {new_id} is registered to this owner and {old_id} is not: already rotated"
				),
			}
		}
		(None, _) => {
			return Decision::Refuse(Refusal::fatal(format!(
				"node {old_id} is not registered: nothing to rotate (register the new key instead)"
			)))
		}
		(Some(old), _) if old.owner != intent.owner => {
			return Decision::Refuse(Refusal::fatal(format!(
				"node {old_id} is registered to {}, not to {}",
				old.owner.to_ss58check(),
				intent.owner.to_ss58check()
			)))
		}
		(Some(_), Some(new)) => {
			return Decision::Conflict {
				detail: format!(
					"the new PeerId {new_id} is registered already (to {})",
					new.owner.to_ss58check()
				),
			}
		}
		(Some(old), None) => old,
	};
	if let Some(consent) = intent.consent.as_ref().filter(|c| c.node_type != old.node_type) {
		return Decision::Refuse(Refusal::fatal(format!(
			"the consent allows the node type {:?}, but node {old_id} is a {:?}",
			consent.node_type, old.node_type
		)));
	}
	let next = read.block_number.saturating_add(1);
	if read.banned {
		return Decision::Refuse(Refusal::slow("the owner is banned".into()));
	}
	if let Some(until) = read.rotation_cooldown_until.filter(|until| next < *until) {
		return Decision::Refuse(Refusal::slow(format!(
			"node {old_id} rotated its key recently; it may rotate again from block {until} \
			 (finalized block is {})",
			read.block_number
		)));
	}
	if let Some(until) = read.new_node_cooldown_until.filter(|until| next < *until) {
		return Decision::Refuse(Refusal::slow(format!(
			"the new PeerId {new_id} left the registry recently and cools down until block \
			 {until} (finalized block is {})",
			read.block_number
		)));
	}
	let Some(context) = &facts.context else { return Decision::Read(Fact::Context) };
	let challenge = Intent {
		node_id: new_id.clone(),
		owner: intent.owner.clone(),
		node_type: old.node_type,
		pay_in_credits: false,
		challenge_lifetime: intent.challenge_lifetime,
		mortality: intent.mortality,
		block_number_width: intent.block_number_width,
	};
	let plan = match plan(&challenge, context) {
		Ok(plan) => plan,
		Err(decision) => return decision,
	};
	let (who, spendable) = match &intent.consent {
		None => ("owner", read.signer_spendable),
		Some(consent) => {
			if let Some(refusal) = consent_width(consent, &plan) {
				return Decision::Refuse(refusal);
			}
			let Some(standing) = &facts.consent else { return Decision::Read(Fact::Consent) };
			if let Some(refusal) = consent_refusal(consent, standing) {
				return Decision::Refuse(refusal);
			}
			("submitter", standing.submitter_spendable)
		}
	};
	let Some(transaction_fee) = facts.transaction_fee else { return Decision::Prepare(plan) };
	match signer_funds_refusal(who, spendable, transaction_fee) {
		Some(refusal) => Decision::Refuse(refusal),
		None => Decision::Submit(plan),
	}
}

/// Whether a rotation included in a finalized block moved the node: the pallet's
/// `NodeKeyRotated` from the old id to the new one for this owner among its events, **and** the
/// registry read back at that block (`read_back`, the view of the new id and the owner) says
/// the new id is registered to the owner: its own entry, whether or not it is the owner's main
/// node (a fleet's other nodes rotate too, and stay behind its main node).
pub fn rotation_confirmed(
	intent: &RotationIntent,
	events: &[RegistryEvent],
	read_back: &ChainView,
) -> Confirmation {
	let (old, new) = (intent.old_node_id.as_bytes(), intent.new_node_id.as_bytes());
	let event = events.iter().any(|e| {
		matches!(e, RegistryEvent::KeyRotated { node_id, new_node_id, owner }
			if node_id == old && new_node_id == new && *owner == intent.owner)
	});
	let read_back = ownership(read_back, &intent.owner).is_registered()
		&& read_back.node.as_ref().is_some_and(|node| node.node_id == intent.new_node_id);
	Confirmation { event, read_back }
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		facts::RegistryEntry,
		judge::{
			rearm_on_event,
			tests::{consent, context, free_view, me, other, record, standing, NODE},
		},
		outcome::{OutcomeClass, RearmReason},
	};
	use pallet_registration::{ConsentStatus, NodeType, Status as NodeStatus};

	const NEW: &str = "12D3KooWNewNewNewNewNewNewNewNewNewNewNewNewNewNewNewN";

	fn rotation_intent() -> RotationIntent {
		RotationIntent {
			old_node_id: NODE.into(),
			new_node_id: NEW.into(),
			owner: me(),
			consent: None,
			challenge_lifetime: 16,
			mortality: 32,
			block_number_width: None,
		}
	}

	fn rotation_read(old: Option<RegistryEntry>, new: Option<RegistryEntry>) -> RotationRead {
		RotationRead {
			block_number: 10,
			old_node: old,
			new_node: new,
			banned: false,
			rotation_cooldown_until: None,
			new_node_cooldown_until: None,
			signer_spendable: 100,
		}
	}

	fn registered_old() -> Option<RegistryEntry> {
		Some(record(me(), NodeStatus::Online))
	}

	fn rotating(read: RotationRead) -> RotationFacts {
		RotationFacts { read: Some(read), ..RotationFacts::default() }
	}

	#[test]
	fn a_rotation_reads_the_registry_then_the_context_then_prepares() {
		let intent = rotation_intent();
		let mut facts = RotationFacts::default();
		assert_eq!(decide_rotation(&intent, &facts), Decision::Read(Fact::Rotation));
		facts.read = Some(rotation_read(registered_old(), None));
		assert_eq!(decide_rotation(&intent, &facts), Decision::Read(Fact::Context));
		facts.context = Some(context(100, 95));
		let Decision::Prepare(plan) = decide_rotation(&intent, &facts) else { panic!("a plan") };
		assert_eq!((plan.block_number, plan.lifetime), (100, 16));
		facts.transaction_fee = Some(100);
		assert_eq!(decide_rotation(&intent, &facts), Decision::Submit(plan));
		// The owner signs and pays the transaction fee: it must afford it.
		facts.transaction_fee = Some(101);
		let decision = decide_rotation(&intent, &facts);
		assert!(
			matches!(&decision, Decision::Refuse(r) if r.reason.contains("owner can spend 100"))
		);
	}

	#[test]
	fn the_registry_decides_whether_there_is_anything_to_rotate() {
		let intent = rotation_intent();
		let mine_new =
			Some(RegistryEntry { node_id: NEW.into(), ..record(me(), NodeStatus::Online) });
		let done = decide_rotation(&intent, &rotating(rotation_read(None, mine_new)));
		assert!(
			matches!(&done, Decision::Park { detail } if detail.contains("already rotated")),
			"{done:?}"
		);
		let fatal = |decision: Decision, why: &str| {
			assert!(
				matches!(&decision, Decision::Refuse(r) if r.class == OutcomeClass::Fatal && r.reason.contains(why)),
				"{decision:?}"
			)
		};
		fatal(decide_rotation(&intent, &rotating(rotation_read(None, None))), "not registered");
		let theirs = Some(record(other(), NodeStatus::Online));
		fatal(decide_rotation(&intent, &rotating(rotation_read(theirs, None))), "registered to");
		let taken =
			Some(RegistryEntry { node_id: NEW.into(), ..record(other(), NodeStatus::Online) });
		let conflict = decide_rotation(&intent, &rotating(rotation_read(registered_old(), taken)));
		assert!(matches!(conflict, Decision::Conflict { .. }), "{conflict:?}");
	}

	#[test]
	fn a_ban_and_the_cooldowns_hold_a_rotation_back() {
		let intent = rotation_intent();
		let slow = |read: RotationRead, why: &str| {
			let decision = decide_rotation(&intent, &rotating(read));
			assert!(
				matches!(&decision, Decision::Refuse(r) if r.class == OutcomeClass::SlowRetry && r.reason.contains(why)),
				"{decision:?}"
			);
		};
		let base = rotation_read(registered_old(), None);
		slow(RotationRead { banned: true, ..base.clone() }, "banned");
		slow(
			RotationRead { rotation_cooldown_until: Some(12), ..base.clone() },
			"again from block 12",
		);
		slow(
			RotationRead { new_node_cooldown_until: Some(12), ..base.clone() },
			"cools down until block 12",
		);
		// Over by the next block (11): no hold.
		let over = RotationRead {
			rotation_cooldown_until: Some(11),
			new_node_cooldown_until: Some(11),
			..base
		};
		assert_eq!(decide_rotation(&intent, &rotating(over)), Decision::Read(Fact::Context));
	}

	#[test]
	fn a_rotation_with_a_consent_needs_may_rotate_the_new_peer_id_and_the_nodes_type() {
		let terms = ConsentIntent { node_id: NEW.into(), may_rotate: true, ..consent() };
		let intent = RotationIntent { consent: Some(terms.clone()), ..rotation_intent() };
		let fatal = |intent: &RotationIntent, facts: &RotationFacts, why: &str| {
			let decision = decide_rotation(intent, facts);
			assert!(
				matches!(&decision, Decision::Refuse(r) if r.class == OutcomeClass::Fatal && r.reason.contains(why)),
				"{decision:?}"
			);
		};
		let none = RotationFacts::default();
		let old_peer = RotationIntent {
			consent: Some(ConsentIntent { node_id: NODE.into(), ..terms.clone() }),
			..intent.clone()
		};
		fatal(&old_peer, &none, "not for the new key");
		let no_rotate = RotationIntent {
			consent: Some(ConsentIntent { may_rotate: false, ..terms.clone() }),
			..intent.clone()
		};
		fatal(&no_rotate, &none, "--may-rotate");
		let validator = RotationIntent {
			consent: Some(ConsentIntent { node_type: NodeType::Validator, ..terms.clone() }),
			..intent.clone()
		};
		fatal(&validator, &rotating(rotation_read(registered_old(), None)), "node type");
		// Then the consent is read after the plan, and must be usable.
		let mut facts = rotating(rotation_read(registered_old(), None));
		facts.context = Some(context(100, 95));
		assert_eq!(decide_rotation(&intent, &facts), Decision::Read(Fact::Consent));
		facts.consent = Some(standing(ConsentStatus::Revoked));
		fatal(&intent, &facts, "revoked");
		facts.consent = Some(standing(ConsentStatus::Valid));
		assert!(matches!(decide_rotation(&intent, &facts), Decision::Prepare(_)));
		// The submitter pays the transaction fee (100 spendable).
		facts.transaction_fee = Some(101);
		let decision = decide_rotation(&intent, &facts);
		assert!(
			matches!(&decision, Decision::Refuse(r) if r.reason.contains("submitter can spend"))
		);
	}

	#[test]
	fn a_rotation_is_confirmed_by_its_event_and_the_read_back() {
		let intent = rotation_intent();
		let rotated = RegistryEvent::KeyRotated {
			node_id: NODE.into(),
			new_node_id: NEW.into(),
			owner: me(),
		};
		let moved = ChainView {
			node: Some(RegistryEntry { node_id: NEW.into(), ..record(me(), NodeStatus::Online) }),
			owner_node: Some(NEW.into()),
			..free_view()
		};
		assert!(rotation_confirmed(&intent, std::slice::from_ref(&rotated), &moved).registered());
		assert_eq!(
			rotation_confirmed(&intent, &[], &moved),
			Confirmation { event: false, read_back: true }
		);
		assert_eq!(
			rotation_confirmed(&intent, &[rotated], &free_view()),
			Confirmation { event: true, read_back: false }
		);
		// The parked loop of the old key re-arms on it (and then finds the owner's other node).
		let rearm = rearm_on_event(
			&RegistryEvent::KeyRotated {
				node_id: NODE.into(),
				new_node_id: NEW.into(),
				owner: me(),
			},
			NODE.as_bytes(),
			&me(),
			9,
		);
		let (reason, detail) = rearm.unwrap();
		assert_eq!(reason, RearmReason::Rotated);
		assert!(detail.contains(NEW) && detail.contains("new key"), "{detail}");
	}

	#[test]
	fn a_fleet_nodes_rotation_is_confirmed_by_its_own_entry_not_the_main_node() {
		let intent = rotation_intent();
		let rotated = RegistryEvent::KeyRotated {
			node_id: NODE.into(),
			new_node_id: NEW.into(),
			owner: me(),
		};
		// The owner's main node is another of its 3 (of at most 16): the new id's own entry
		// names the owner, and that confirms it.
		let behind_main = ChainView {
			node: Some(RegistryEntry { node_id: NEW.into(), ..record(me(), NodeStatus::Online) }),
			owner_node: Some("12D3KooWMain".into()),
			owner_node_count: 3,
			max_nodes_per_owner: 16,
			..free_view()
		};
		let confirmed = rotation_confirmed(&intent, std::slice::from_ref(&rotated), &behind_main);
		assert_eq!(confirmed, Confirmation { event: true, read_back: true });
		// The new id registered to another owner is no rotation of ours.
		let theirs = ChainView {
			node: Some(RegistryEntry {
				node_id: NEW.into(),
				..record(other(), NodeStatus::Online)
			}),
			..behind_main.clone()
		};
		assert!(!rotation_confirmed(&intent, std::slice::from_ref(&rotated), &theirs).read_back);
		// Nor is the old id's entry read back in its place.
		let old = ChainView { node: Some(record(me(), NodeStatus::Online)), ..behind_main };
		assert!(!rotation_confirmed(&intent, &[rotated], &old).read_back);
	}
}
