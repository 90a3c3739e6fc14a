//! The registrar's decisions, in one place and without a chain: from a snapshot of what was
//! read ([`Facts`]), whether this node is registered to this owner and if not why
//! ([`ownership`]), and what to do next ([`decide`]: park, conflict, degraded, refuse, hold,
//! read more, prepare, submit; [`decide_with_consent`] when a submitter registers with the
//! owner's consent). Once a transaction is in, whether it registered the node
//! ([`confirmed`]); once parked, whether an event or a storage check re-arms the loop
//! ([`rearm_on_event`], [`storage_check`]). A key rotation is decided the same way, in
//! `judge/rotation.rs` ([`decide_rotation`], [`rotation_confirmed`]).
//!
//! Discovery's decisions (heartbeat periods and their planned block, whether to publish the
//! record and with which sequence number) are in [`discovery`].
//!
//! Nothing here does I/O: the service reads what [`decide`] asks for and acts on its answer.

use crate::{
	amount::{show, Token},
	facts::{BlockNumberWidth, ChainContext, ChainView, ConsentFacts, Policy, RegistryEvent},
	outcome::{OutcomeClass, RearmReason},
};
use pallet_registration::{ConsentStatus, NodeType, Status as NodeStatus};
use sp_core::crypto::{AccountId32, Ss58Codec};

pub mod discovery;
mod rotation;

pub use rotation::{decide_rotation, rotation_confirmed, RotationFacts, RotationIntent};

/// What the registrar wants: register `node_id` for `owner`, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
	/// The node (base58 PeerId text).
	pub node_id: String,
	/// The owner account.
	pub owner: AccountId32,
	/// The node type to register.
	pub node_type: NodeType,
	/// Pay the fee in credits.
	pub pay_in_credits: bool,
	/// Blocks the challenge should stay valid (capped by the chain's `MaxChallengeLifetime`).
	pub challenge_lifetime: u64,
	/// Blocks the transaction should stay valid (capped by the challenge's lifetime).
	pub mortality: u64,
	/// The configured block number width; `None` takes the chain's.
	pub block_number_width: Option<BlockNumberWidth>,
}

/// What registering (or rotating) with an owner's consent adds to the intent: the consent's
/// terms and the account that submits the transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentIntent {
	/// The consent's node (base58 PeerId text).
	pub node_id: String,
	/// The consent's owner.
	pub owner: AccountId32,
	/// The node type the consent allows.
	pub node_type: NodeType,
	/// The most registration fee the owner agreed to pay.
	pub max_fee: u128,
	/// The last block the consent can be used in.
	pub valid_until: u64,
	/// Whether the consent allows rotating the owner's node to its PeerId.
	pub may_rotate: bool,
	/// The block number width the consent is encoded in.
	pub width: BlockNumberWidth,
	/// The account that signs the transaction and pays its fee.
	pub submitter: AccountId32,
}

/// How the registry's records relate to this node and owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ownership {
	/// The node is registered to this owner and not degraded.
	Registered {
		/// The block it was registered in.
		registered_at: u64,
	},
	/// The node is registered to this owner but degraded.
	Degraded,
	/// The node is registered to another owner.
	OtherOwner(AccountId32),
	/// The node is not registered, and the owner has no room for it: it has as many nodes as
	/// it may (`MaxNodesPerOwner`: one on a chain without fleets). Its main node is named.
	OwnerHasOtherNode(String),
	/// The node is not registered, and the owner may take it: it has no node, or fewer than
	/// `MaxNodesPerOwner` (its fleet's other nodes are not this node's business).
	Free,
}

impl Ownership {
	/// Registered to this owner and not degraded (what `/readyz` and `status` call registered).
	pub fn is_registered(&self) -> bool {
		matches!(self, Ownership::Registered { .. })
	}
}

/// Whether `view`'s node is registered to `owner`, and if not, why. Registered means the
/// node's own registry entry names `owner`, whether or not it is the owner's main node (the
/// first of a fleet); the owner's other nodes only matter when they leave no room for this one.
pub fn ownership(view: &ChainView, owner: &AccountId32) -> Ownership {
	match &view.node {
		Some(record) if record.owner == *owner && record.status == NodeStatus::Degraded => {
			Ownership::Degraded
		}
		Some(record) if record.owner == *owner => {
			Ownership::Registered { registered_at: record.registered_at }
		}
		Some(record) => Ownership::OtherOwner(record.owner.clone()),
		None => match &view.owner_node {
			Some(main) if view.owner_at_limit() => Ownership::OwnerHasOtherNode(main.clone()),
			_ => Ownership::Free,
		},
	}
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
	fn slow(reason: String) -> Self {
		Self { class: OutcomeClass::SlowRetry, reason }
	}

	fn fatal(reason: String) -> Self {
		Self { class: OutcomeClass::Fatal, reason }
	}
}

/// What the chain was read to say, as far as it has been read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
	/// The node's record and the owner's node (always read first).
	pub view: ChainView,
	/// The pallet's policy for this registration, once read.
	pub policy: Option<Policy>,
	/// What a challenge is built from, once read.
	pub context: Option<ChainContext>,
	/// The signed transaction's estimated fee, once prepared (0 when it cannot be estimated).
	pub transaction_fee: Option<u128>,
	/// How the chain writes amounts, for what a refusal says (amounts in base units without it).
	pub token: Option<Token>,
}

impl Facts {
	/// Facts with only the view read.
	pub fn new(view: ChainView) -> Self {
		Self { view, policy: None, context: None, transaction_fee: None, token: None }
	}
}

/// A read [`decide`] needs before it can say more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
	/// [`Facts::policy`].
	Policy,
	/// [`Facts::context`].
	Context,
	/// The consent's standing ([`ConsentFacts`]), when registering or rotating with a consent.
	Consent,
	/// What a key rotation depends on ([`RotationFacts::read`]).
	Rotation,
}

/// How to build and sign the registration (the service adds the challenge's random nonce).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
	/// The challenge's genesis hash.
	pub genesis_hash: [u8; 32],
	/// The challenge's block: the best block.
	pub block_number: u64,
	/// The challenge's lifetime in blocks (after the chain's cap).
	pub lifetime: u64,
	/// The block number width to encode the challenge with.
	pub width: BlockNumberWidth,
	/// The transaction's mortality in blocks (4 at least, at most the lifetime).
	pub mortality: u64,
	/// Blocks the best block was ahead of the finalized one.
	pub finality_lag: u64,
}

/// What to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
	/// Registered to this owner: nothing to submit; park.
	Park {
		/// Why.
		detail: String,
	},
	/// The node or the owner is registered to someone else.
	Conflict {
		/// Who holds what.
		detail: String,
	},
	/// Registered to this owner but degraded: watched at the interval (or recovered).
	Degraded {
		/// What the chain says.
		detail: String,
	},
	/// The pallet would refuse (slow retry) or refuses this configuration every time (fatal).
	Refuse(Refusal),
	/// Finality lags too far behind the best block: hold the submission (fast retry).
	Hold {
		/// Why.
		reason: String,
		/// The lag, in blocks.
		finality_lag: u64,
	},
	/// Read this, then ask again.
	Read(Fact),
	/// Build and sign the call along `plan`, estimate its transaction fee into
	/// [`Facts::transaction_fee`], then ask again.
	Prepare(Plan),
	/// Submit the call prepared along this plan.
	Submit(Plan),
}

/// The one decision: what to do next with what has been read so far. Ownership first (park,
/// conflict, degraded), then the policy's refusals, then the challenge's plan (a width the
/// chain does not use is fatal; finality lagging more than half the lifetime holds), then the
/// owner's funds against the fee plus the transaction fee; only then submit.
pub fn decide(intent: &Intent, facts: &Facts) -> Decision {
	decide_as(intent, None, facts)
}

/// [`decide`] for a registration with the owner's consent `consent`, submitted by another
/// account; `read` is what was read about the consent, once read. The same steps, and: a
/// consent for another node, type or owner (or credits) is fatal before anything is read;
/// after the plan, a consent encoded in another width than the chain's is fatal, then the
/// consent is read (`consent_status`) and refused unless usable in the next block, and the
/// fee must be at most its `max_fee`. The owner pays the fee, the submitter the transaction
/// fee: each one's funds are checked against its own part.
pub fn decide_with_consent(
	intent: &Intent,
	consent: &ConsentIntent,
	facts: &Facts,
	read: Option<&ConsentFacts>,
) -> Decision {
	decide_as(intent, Some((consent, read)), facts)
}

fn decide_as(
	intent: &Intent,
	consent: Option<(&ConsentIntent, Option<&ConsentFacts>)>,
	facts: &Facts,
) -> Decision {
	if let Some(refusal) = consent.and_then(|(terms, _)| consent_mismatch(intent, terms)) {
		return Decision::Refuse(refusal);
	}
	if let Some(decision) = by_ownership(intent, &facts.view) {
		return decision;
	}
	let Some(policy) = &facts.policy else { return Decision::Read(Fact::Policy) };
	if let Some(refusal) = refusal(policy) {
		return Decision::Refuse(refusal);
	}
	let Some(context) = &facts.context else { return Decision::Read(Fact::Context) };
	let plan = match plan(intent, context) {
		Ok(plan) => plan,
		Err(decision) => return decision,
	};
	let submitter = match consent {
		None => None,
		Some((terms, read)) => {
			if let Some(refusal) = consent_width(terms, &plan) {
				return Decision::Refuse(refusal);
			}
			let Some(read) = read else { return Decision::Read(Fact::Consent) };
			if let Some(refusal) = consent_refusal(terms, read)
				.or_else(|| fee_above_maximum(terms, policy, facts.token.as_ref()))
			{
				return Decision::Refuse(refusal);
			}
			Some(read)
		}
	};
	let Some(transaction_fee) = facts.transaction_fee else { return Decision::Prepare(plan) };
	let refusal = match submitter {
		None => funds_refusal(policy, transaction_fee),
		Some(read) => signer_funds_refusal("submitter", read.submitter_spendable, transaction_fee),
	};
	match refusal {
		Some(refusal) => Decision::Refuse(refusal),
		None => Decision::Submit(plan),
	}
}

/// Whether a second read confirms that the node is degraded, before `--recover-degraded`
/// pays to unregister and register it again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DegradedCheck {
	/// The second read says degraded too, at a finalized block no older than the first's.
	Confirmed,
	/// It does not: why (nothing is done).
	NotConfirmed(String),
}

/// Whether `second`, a fresh read made after `first` said the node is degraded, confirms it:
/// degraded to `owner` too, and at a finalized block at least as new as `first`'s (one that
/// goes back in time is not believed).
pub fn confirm_degraded(
	first: &ChainView,
	second: &ChainView,
	owner: &AccountId32,
) -> DegradedCheck {
	if second.block_number < first.block_number {
		return DegradedCheck::NotConfirmed(format!(
			"the second read is at finalized block {}, before the first's {}",
			second.block_number, first.block_number
		));
	}
	match ownership(second, owner) {
		Ownership::Degraded => DegradedCheck::Confirmed,
		other => DegradedCheck::NotConfirmed(format!(
			"a second read at finalized block {} does not say degraded ({other:?})",
			second.block_number
		)),
	}
}

/// What a decision says of a refusal remembered for this configuration: the chain refused a
/// registration for good (a fatal outcome, after paying for the transaction), and [`decide`]
/// did not see it coming, so it would decide to submit again as long as the chain reads the
/// same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterRefusal {
	/// It would prepare or submit the registration again, as when the chain refused it: the
	/// refusal stands, and nothing is submitted.
	Stands,
	/// It decides otherwise (park, conflict, degraded, or a refusal of its own): the chain no
	/// longer reads as it did, so the refusal is forgotten and the decision followed.
	Changed,
	/// Nothing decided yet: a read to make, or finality lagging (a hold).
	Undecided,
}

/// What `decision` says of a refusal remembered for this configuration ([`AfterRefusal`]).
pub fn after_refusal(decision: &Decision) -> AfterRefusal {
	match decision {
		Decision::Prepare(_) | Decision::Submit(_) => AfterRefusal::Stands,
		Decision::Read(_) | Decision::Hold { .. } => AfterRefusal::Undecided,
		Decision::Park { .. }
		| Decision::Conflict { .. }
		| Decision::Degraded { .. }
		| Decision::Refuse(_) => AfterRefusal::Changed,
	}
}

/// Why a consent cannot serve this registration at all, if it cannot: it names another node,
/// node type or owner, or the registration would pay in credits (a consent registration pays
/// the owner's currency). Fatal: only another consent (or configuration) helps.
pub fn consent_mismatch(intent: &Intent, consent: &ConsentIntent) -> Option<Refusal> {
	if consent.node_id != intent.node_id {
		return Some(Refusal::fatal(format!(
			"the consent is for node {}, not for this node key's {}",
			consent.node_id, intent.node_id
		)));
	}
	if consent.node_type != intent.node_type {
		return Some(Refusal::fatal(format!(
			"the consent allows the node type {:?}, not {:?}",
			consent.node_type, intent.node_type
		)));
	}
	if consent.owner != intent.owner {
		return Some(Refusal::fatal(format!(
			"the consent is {}'s, not {}'s",
			consent.owner.to_ss58check(),
			intent.owner.to_ss58check()
		)));
	}
	intent.pay_in_credits.then(|| {
		Refusal::fatal("a registration with a consent pays in the currency, not in credits".into())
	})
}

/// Why a consent encoded in its width cannot go with a challenge of `plan`'s (the chain's)
/// width, if it cannot: the chain would not decode it. Fatal: the consent must be made again.
fn consent_width(consent: &ConsentIntent, plan: &Plan) -> Option<Refusal> {
	(consent.width != plan.width).then(|| {
		Refusal::fatal(format!(
			"the consent was encoded with {:?} block numbers but the chain uses {:?}; make the \
			 consent again for this chain",
			consent.width, plan.width
		))
	})
}

/// Why the consent cannot be used in the next block, if it cannot, by what the chain says of
/// it (`consent_status`) and its `valid_until`. Fatal (the owner must sign a new consent), but
/// a `valid_until` too far ahead (`LifetimeTooLong`) clears as blocks pass: slow retry.
pub fn consent_refusal(consent: &ConsentIntent, read: &ConsentFacts) -> Option<Refusal> {
	let until = consent.valid_until;
	let why = match read.status {
		ConsentStatus::Valid => {
			let next = read.block_number.saturating_add(1);
			if next <= until {
				return None;
			}
			format!("the consent expires with block {until}, before the next block {next}")
		}
		ConsentStatus::LifetimeTooLong => {
			return Some(Refusal::slow(format!(
				"the consent's valid_until {until} lies further ahead than the chain's \
				 MaxConsentLifetime allows at block {}; it becomes usable as blocks pass",
				read.block_number
			)))
		}
		ConsentStatus::Expired => format!("the consent expired with block {until}"),
		ConsentStatus::Revoked => "the owner revoked the consent".into(),
		ConsentStatus::BadSignature => {
			"the consent's signature is not its owner's (as the chain checks it)".into()
		}
		ConsentStatus::SmallOrderOwner => "the consent's owner is an account whose key has small \
			order: anyone can sign for it, so the chain refuses its consents"
			.into(),
		ConsentStatus::WrongChain => "the consent was made for another chain".into(),
		ConsentStatus::WrongDomain => "the consent's domain is not HIPPIUS::CONSENT::v2".into(),
		ConsentStatus::InvalidPeerId => "the chain does not accept the consent's PeerId".into(),
	};
	Some(Refusal::fatal(format!(
		"{why} (chain status {:?}); ask the owner for a new consent",
		read.status
	)))
}

/// Why the pallet would refuse the fee as above the consent's `max_fee`, if it would: only
/// while the fee is charged. Slow retry: the fee halves every day without a registration. The
/// amounts in the chain's currency when `token` says how it writes them.
fn fee_above_maximum(
	consent: &ConsentIntent,
	policy: &Policy,
	token: Option<&Token>,
) -> Option<Refusal> {
	let fee = policy.fee.filter(|fee| policy.fee_charging && *fee > consent.max_fee)?;
	Some(Refusal::slow(format!(
		"the registration fee is {}, above the consent's max_fee of {}: the fee halves every day \
		 without a registration, so this is tried again later; to register sooner, ask the owner \
		 for a new consent with a higher --max-fee (at least {})",
		show(fee, token),
		show(consent.max_fee, token),
		show(fee, token)
	)))
}

/// Why the signer of a transaction that pays no registration fee (`who`: the submitter, or the
/// owner of a rotation), who can spend `spendable`, could certainly not pay `transaction_fee`,
/// if it could not.
pub fn signer_funds_refusal(who: &str, spendable: u128, transaction_fee: u128) -> Option<Refusal> {
	(spendable < transaction_fee).then(|| {
		Refusal::slow(format!(
			"insufficient balance for the transaction fee: the {who} can spend {spendable} but \
			 the transaction fee is {transaction_fee}"
		))
	})
}

/// What the view alone decides (park, conflict, degraded); `None` when node and owner are both
/// free. Also used to re-judge a `NodeAlreadyRegistered`/`OwnerAlreadyRegistered` refusal
/// against a fresh view (the registration may have been ours).
pub fn by_ownership(intent: &Intent, view: &ChainView) -> Option<Decision> {
	let node_id = &intent.node_id;
	match ownership(view, &intent.owner) {
		Ownership::Degraded => Some(Decision::Degraded {
			detail: format!("node {node_id} is registered to this owner but degraded"),
		}),
		Ownership::Registered { registered_at } => Some(Decision::Park {
			detail: format!(
				"node {node_id} is registered to this owner since block {registered_at}"
			),
		}),
		Ownership::OtherOwner(other) => Some(Decision::Conflict {
			detail: format!(
				"node {node_id} is registered to another owner ({})",
				other.to_ss58check()
			),
		}),
		Ownership::OwnerHasOtherNode(other) if view.max_nodes_per_owner <= 1 => {
			Some(Decision::Conflict {
				detail: format!(
					"owner {} already has another node ({other}), and an owner has one main \
					 node: move that node to this key with `registrar rotate --old-node-key-file \
					 <its key> --new-node-key-file <this key>`, or unregister it first (its owner \
					 submits unregister_main_node)",
					intent.owner.to_ss58check()
				),
			})
		}
		Ownership::OwnerHasOtherNode(_) => {
			let owner = intent.owner.to_ss58check();
			Some(Decision::Conflict {
				detail: format!(
					"owner {owner} already has {} nodes, the most an owner may have \
					 (MaxNodesPerOwner = {}), and this node is not one of them: remove one of \
					 them first (its owner submits unregister_node with that node's id; `registrar \
					 nodes --owner {owner}` lists them), or move one to this key with `registrar \
					 rotate --old-node-key-file <its key> --new-node-key-file <this key>`",
					view.owner_node_count, view.max_nodes_per_owner
				),
			})
		}
		Ownership::Free => None,
	}
}

/// The challenge's lifetime: `configured` blocks, at least 1, at most the chain's
/// `MaxChallengeLifetime` (`max`, itself at least 1).
pub fn effective_lifetime(configured: u64, max: u64) -> u64 {
	configured.clamp(1, max.max(1))
}

/// Why a registration with a challenge of `lifetime` blocks should wait, if it should:
/// finality lags more than half the lifetime behind the best block, so the challenge could
/// expire (or its block be abandoned) before the transaction is finalized.
pub fn hold(context: &ChainContext, lifetime: u64) -> Option<String> {
	let lag = context.finality_lag();
	(lag > lifetime / 2).then(|| {
		format!(
			"finality lags {lag} blocks behind the best block {} (finalized {}), more than \
			 half the challenge lifetime of {lifetime} blocks; holding the submission",
			context.block_number, context.finalized_block_number
		)
	})
}

/// The plan of a registration now, or the decision that stops it (a fatal width mismatch, a
/// hold on finality lag).
pub fn plan(intent: &Intent, context: &ChainContext) -> Result<Plan, Decision> {
	let width = match (intent.block_number_width, context.block_number_width) {
		(Some(configured), Some(detected)) if configured != detected => {
			return Err(Decision::Refuse(Refusal {
				class: OutcomeClass::Fatal,
				reason: format!(
					"configured block number width {configured:?} but the chain uses {detected:?}"
				),
			}))
		}
		(Some(width), _) | (None, Some(width)) => width,
		(None, None) => BlockNumberWidth::U64,
	};
	let lifetime = effective_lifetime(intent.challenge_lifetime, context.max_challenge_lifetime);
	let finality_lag = context.finality_lag();
	if let Some(reason) = hold(context, lifetime) {
		return Err(Decision::Hold { reason, finality_lag });
	}
	Ok(Plan {
		genesis_hash: context.genesis_hash,
		block_number: context.block_number,
		lifetime,
		width,
		mortality: intent.mortality.clamp(4, lifetime.max(4)),
		finality_lag,
	})
}

/// Why a registration executed in the next block would certainly fail, if it would, with a
/// transaction fee of nothing (see [`funds_refusal`]).
pub fn refusal(policy: &Policy) -> Option<Refusal> {
	let next = policy.block_number.saturating_add(1);
	if policy.fee_charging && policy.pay_in_credits {
		// The pallet offers no way to ask whether the runtime takes credits (the dev runtime
		// does not: `CreditsNotSupported`), so this configuration is refused before any fee is
		// spent.
		return Some(Refusal {
			class: OutcomeClass::Fatal,
			reason: "the fee is charged and --pay-in-credits is set, but the chain offers no way \
			         to check credits before paying (the dev runtime refuses them with \
			         CreditsNotSupported); register without --pay-in-credits"
				.into(),
		});
	}
	if policy.banned {
		return Some(Refusal::slow("the owner is banned".into()));
	}
	if policy.type_disabled {
		return Some(Refusal::slow("the node type is disabled".into()));
	}
	let owner_cooldown = policy.owner_cooldown_until.filter(|_| owner_places_full(policy));
	let cooldown = policy.node_cooldown_until.into_iter().chain(owner_cooldown).max();
	if let Some(until) = cooldown.filter(|until| next < *until) {
		let fleet = match owner_cooldown {
			Some(owner_until) if policy.max_nodes_per_owner > 1 && next < owner_until => format!(
				": the owner's {} node(s) and {} place(s) cooling down fill its MaxNodesPerOwner \
				 of {}",
				policy.owner_nodes, policy.owner_places_cooling, policy.max_nodes_per_owner
			),
			_ => String::new(),
		};
		return Some(Refusal::slow(format!(
			"cooling down after a removal until block {until} (finalized block is {}){fleet}",
			policy.block_number
		)));
	}
	if let Some(stake) = policy.stake.filter(|s| s.active < s.threshold) {
		return Some(Refusal::slow(format!(
			"insufficient stake: the owner's active stake is {} but a validator needs {} \
			 (Staking bond of the owner's account)",
			stake.active, stake.threshold
		)));
	}
	funds_refusal(policy, 0)
}

/// Whether the owner's nodes and its places cooling down fill its `MaxNodesPerOwner`, so that
/// its cooldown refuses a registration (the pallet's `NodeCooldownPeriodNotExpired`). On a chain
/// of one node per owner, the owner's cooldown always does (the reference's rule).
fn owner_places_full(policy: &Policy) -> bool {
	policy.max_nodes_per_owner <= 1
		|| policy.owner_nodes.saturating_add(policy.owner_places_cooling)
			>= policy.max_nodes_per_owner
}

/// Why the fee could certainly not be paid by an owner that also pays `transaction_fee` for
/// the transaction, if it could not.
pub fn funds_refusal(policy: &Policy, transaction_fee: u128) -> Option<Refusal> {
	if !policy.fee_charging || policy.pay_in_credits {
		return None;
	}
	let (Some(fee), Some(spendable)) = (policy.fee, policy.spendable) else { return None };
	let needed = fee.saturating_add(transaction_fee);
	(spendable < needed).then(|| {
		Refusal::slow(format!(
			"insufficient balance for the fee: the owner can spend {spendable} but the \
			 registration fee is {fee} and the transaction fee {transaction_fee}"
		))
	})
}

/// Whether a transaction included in a finalized block registered the node: the pallet's
/// `MainNodeRegistered` for this node and owner among its events, **and** the registry read
/// back at that block says registered to this owner.
pub fn confirmed(intent: &Intent, events: &[RegistryEvent], read_back: &ChainView) -> Confirmation {
	let node_id = intent.node_id.as_bytes();
	let event = events.iter().any(|e| {
		matches!(e, RegistryEvent::Registered { node_id: id, owner } if id == node_id && *owner == intent.owner)
	});
	let read_back = ownership(read_back, &intent.owner).is_registered();
	Confirmation { event, read_back }
}

/// What confirms a registration, and whether each part did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confirmation {
	/// The pallet's event was emitted.
	pub event: bool,
	/// The read-back says registered.
	pub read_back: bool,
}

impl Confirmation {
	/// Both agree: registered.
	pub fn registered(self) -> bool {
		self.event && self.read_back
	}
}

/// Whether `event` of finalized block `block` re-arms a loop parked on `node_id` for `owner`,
/// and why.
pub fn rearm_on_event(
	event: &RegistryEvent,
	node_id: &[u8],
	owner: &AccountId32,
	block: u64,
) -> Option<(RearmReason, String)> {
	if event.node_id() != node_id {
		return None;
	}
	match event {
		RegistryEvent::Unregistered { reason, .. } => Some((
			RearmReason::Unregistered,
			format!("NodeUnregistered ({reason:?}) in block {block}"),
		)),
		RegistryEvent::ConsensusReached { .. } => Some((
			RearmReason::Unregistered,
			format!("DeregistrationConsensusReached in block {block}"),
		)),
		RegistryEvent::StatusUpdated { status: NodeStatus::Degraded, .. } => {
			Some((RearmReason::Degraded, format!("NodeStatusUpdated(Degraded) in block {block}")))
		}
		RegistryEvent::OwnerSwapped { new_owner, .. } if new_owner != owner => Some((
			RearmReason::Swapped,
			format!("NodeOwnerSwapped to {} in block {block}", new_owner.to_ss58check()),
		)),
		RegistryEvent::KeyRotated { new_node_id, .. } => Some((
			RearmReason::Rotated,
			format!(
				"NodeKeyRotated to {} in block {block}: run the registrar with the new key",
				String::from_utf8_lossy(new_node_id)
			),
		)),
		_ => None,
	}
}

/// What a parked loop's storage check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParkCheck {
	/// Still registered to this owner: the registration is confirmed at this block.
	Confirmed,
	/// No longer registered as it was: re-arm.
	Rearm(RearmReason, String),
}

/// What the parked loop's periodic storage check of `view` means for `owner`.
pub fn storage_check(view: &ChainView, owner: &AccountId32) -> ParkCheck {
	let number = view.block_number;
	match ownership(view, owner) {
		Ownership::Registered { .. } => ParkCheck::Confirmed,
		Ownership::Degraded => ParkCheck::Rearm(
			RearmReason::Degraded,
			format!("storage check at block {number}: degraded"),
		),
		Ownership::OtherOwner(other) => ParkCheck::Rearm(
			RearmReason::Swapped,
			format!("storage check at block {number}: owned by {}", other.to_ss58check()),
		),
		Ownership::OwnerHasOtherNode(_) | Ownership::Free => ParkCheck::Rearm(
			RearmReason::StorageCheck,
			format!("storage check at block {number}: not in the registry"),
		),
	}
}

#[cfg(test)]
pub(super) mod tests {
	use super::*;
	use crate::facts::{RegistryEntry, Stake};
	use pallet_registration::UnregisterReason;
	use subxt::config::substrate::H256;

	pub(super) const NODE: &str = "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV";

	pub(super) fn me() -> AccountId32 {
		AccountId32::new([1; 32])
	}

	pub(super) fn other() -> AccountId32 {
		AccountId32::new([2; 32])
	}

	pub(super) fn intent() -> Intent {
		Intent {
			node_id: NODE.into(),
			owner: me(),
			node_type: NodeType::StorageMiner,
			pay_in_credits: false,
			challenge_lifetime: 16,
			mortality: 32,
			block_number_width: None,
		}
	}

	pub(super) fn record(owner: AccountId32, status: NodeStatus) -> RegistryEntry {
		RegistryEntry {
			node_id: NODE.into(),
			node_type: NodeType::StorageMiner,
			status,
			registered_at: 5,
			owner,
		}
	}

	/// A view on a chain of one node per owner (`MaxNodesPerOwner` 1, or the constant absent).
	pub(super) fn view(node: Option<RegistryEntry>, owner_node: Option<&str>) -> ChainView {
		ChainView {
			block_number: 10,
			block_hash: "0x00".into(),
			node,
			owner_node: owner_node.map(str::to_owned),
			owner_node_count: u32::from(owner_node.is_some()),
			max_nodes_per_owner: 1,
		}
	}

	/// A view on a chain of fleets of at most `limit` nodes, whose owner has `count` nodes (the
	/// main one `main`, when it has any).
	pub(super) fn fleet_view(
		node: Option<RegistryEntry>,
		main: Option<&str>,
		count: u32,
		limit: u32,
	) -> ChainView {
		ChainView { owner_node_count: count, max_nodes_per_owner: limit, ..view(node, main) }
	}

	pub(super) fn free_view() -> ChainView {
		view(None, None)
	}

	pub(super) fn free_policy() -> Policy {
		Policy {
			block_number: 10,
			banned: false,
			type_disabled: false,
			node_cooldown_until: None,
			owner_cooldown_until: None,
			owner_nodes: 0,
			owner_places_cooling: 0,
			max_nodes_per_owner: 1,
			fee_charging: true,
			fee: Some(1_000),
			spendable: Some(1_000_000),
			pay_in_credits: false,
			stake: None,
		}
	}

	pub(super) fn context(best: u64, finalized: u64) -> ChainContext {
		ChainContext {
			genesis_hash: [9; 32],
			block_number: best,
			block_hash: H256([2; 32]),
			finalized_block_number: finalized,
			max_challenge_lifetime: 20,
			pallet_index: 7,
			block_number_width: Some(BlockNumberWidth::U64),
		}
	}

	pub(super) fn facts(
		policy: Option<Policy>,
		context: Option<ChainContext>,
		fee: Option<u128>,
	) -> Facts {
		Facts { view: free_view(), policy, context, transaction_fee: fee, token: None }
	}

	fn reason(policy: Policy) -> String {
		refusal(&policy).map(|r| r.reason).unwrap_or_default()
	}

	/// Issue 30, finding 5: after the chain refused a submitted registration for good, the
	/// same reads lead [`decide`] to submit again; only a decision of another kind clears the
	/// remembered refusal.
	#[test]
	fn a_remembered_refusal_stands_while_the_judge_would_submit_again() {
		let full = facts(Some(free_policy()), Some(context(100, 95)), Some(10));
		let prepare = facts(Some(free_policy()), Some(context(100, 95)), None);
		for stands in [decide(&intent(), &full), decide(&intent(), &prepare)] {
			assert_eq!(after_refusal(&stands), AfterRefusal::Stands, "{stands:?}");
		}
		// Reads to make, finality lagging: nothing decided yet.
		for undecided in [facts(None, None, None), facts(Some(free_policy()), None, None)] {
			assert_eq!(after_refusal(&decide(&intent(), &undecided)), AfterRefusal::Undecided);
		}
		let lagging = facts(Some(free_policy()), Some(context(100, 60)), None);
		assert!(matches!(decide(&intent(), &lagging), Decision::Hold { .. }));
		assert_eq!(after_refusal(&decide(&intent(), &lagging)), AfterRefusal::Undecided);
		// Registered meanwhile, someone else's, degraded, or refused before paying now (the
		// fee above the funds, a ban, …): the chain changed.
		let registered = Facts::new(view(Some(record(me(), NodeStatus::Online)), Some(NODE)));
		let theirs = Facts::new(view(Some(record(other(), NodeStatus::Online)), None));
		let degraded = Facts::new(view(Some(record(me(), NodeStatus::Degraded)), None));
		let banned = facts(Some(Policy { banned: true, ..free_policy() }), None, None);
		let poor = facts(Some(Policy { spendable: Some(0), ..free_policy() }), None, None);
		for changed in [registered, theirs, degraded, banned, poor] {
			let decision = decide(&intent(), &changed);
			assert_eq!(after_refusal(&decision), AfterRefusal::Changed, "{decision:?}");
		}
	}

	/// Issue 30, finding 4: one answer of "degraded" made `--recover-degraded` unregister and
	/// register again, paying fees.
	#[test]
	fn a_degraded_report_is_confirmed_by_a_second_read() {
		let at = |number: u64, status: NodeStatus| ChainView {
			block_number: number,
			..view(Some(record(me(), status)), None)
		};
		let first = at(10, NodeStatus::Degraded);
		assert_eq!(
			confirm_degraded(&first, &at(11, NodeStatus::Degraded), &me()),
			DegradedCheck::Confirmed
		);
		assert_eq!(
			confirm_degraded(&first, &at(10, NodeStatus::Degraded), &me()),
			DegradedCheck::Confirmed
		);
		for second in [
			at(11, NodeStatus::Online),
			at(9, NodeStatus::Degraded),
			view(None, None),
			view(Some(record(other(), NodeStatus::Degraded)), None),
		] {
			let check = confirm_degraded(&first, &second, &me());
			assert!(matches!(check, DegradedCheck::NotConfirmed(_)), "{second:?}: {check:?}");
		}
	}

	#[test]
	fn ownership_of_every_kind_of_view() {
		let online = view(Some(record(me(), NodeStatus::Online)), Some(NODE));
		assert_eq!(ownership(&online, &me()), Ownership::Registered { registered_at: 5 });
		assert!(ownership(&online, &me()).is_registered());
		let degraded = view(Some(record(me(), NodeStatus::Degraded)), Some(NODE));
		assert_eq!(ownership(&degraded, &me()), Ownership::Degraded);
		assert!(!ownership(&degraded, &me()).is_registered());
		let theirs = view(Some(record(other(), NodeStatus::Online)), None);
		assert_eq!(ownership(&theirs, &me()), Ownership::OtherOwner(other()));
		let busy = view(None, Some("12D3KooWOther"));
		assert_eq!(ownership(&busy, &me()), Ownership::OwnerHasOtherNode("12D3KooWOther".into()));
		assert_eq!(ownership(&free_view(), &me()), Ownership::Free);
	}

	#[test]
	fn the_view_decides_park_conflict_and_degraded_before_any_read() {
		let online = Facts::new(view(Some(record(me(), NodeStatus::Online)), Some(NODE)));
		assert!(
			matches!(decide(&intent(), &online), Decision::Park { detail } if detail.contains("since block 5"))
		);
		let degraded = Facts::new(view(Some(record(me(), NodeStatus::Degraded)), None));
		assert!(matches!(decide(&intent(), &degraded), Decision::Degraded { .. }));
		let theirs = Facts::new(view(Some(record(other(), NodeStatus::Online)), None));
		assert!(
			matches!(decide(&intent(), &theirs), Decision::Conflict { detail } if detail.contains("another owner"))
		);
		let busy = Facts::new(view(None, Some("12D3KooWOther")));
		let Decision::Conflict { detail } = decide(&intent(), &busy) else { panic!("a conflict") };
		assert!(detail.contains("already has another node (12D3KooWOther)"), "{detail}");
		// What the owner can do about it: rotate that node to this key, or unregister it.
		assert!(detail.contains("registrar rotate") && detail.contains("unregister"), "{detail}");
	}

	// Fleets: an owner with up to `MaxNodesPerOwner` nodes, each host registering its own.

	const MAIN: &str = "12D3KooWMainMainMainMainMainMainMainMainMainMainMainMa";

	#[test]
	fn a_fleet_owner_below_its_limit_registers_another_node() {
		// The owner's main node is another one, and it has 3 of 16: this node takes a 4th place.
		let below = fleet_view(None, Some(MAIN), 3, 16);
		assert_eq!(ownership(&below, &me()), Ownership::Free);
		assert_eq!(by_ownership(&intent(), &below), None);
		let fleet_facts =
			|policy, context, fee| Facts { view: below.clone(), ..facts(policy, context, fee) };
		assert_eq!(decide(&intent(), &fleet_facts(None, None, None)), Decision::Read(Fact::Policy));
		let Decision::Prepare(plan) =
			decide(&intent(), &fleet_facts(Some(free_policy()), Some(context(100, 95)), None))
		else {
			panic!("a plan")
		};
		let priced = fleet_facts(Some(free_policy()), Some(context(100, 95)), Some(10));
		assert_eq!(decide(&intent(), &priced), Decision::Submit(plan));
		// With the owner's consent, the same: its node host registers its own node.
		let valid = standing(ConsentStatus::Valid);
		let decision = decide_with_consent(&intent(), &consent(), &priced, Some(&valid));
		assert_eq!(decision, Decision::Submit(plan));
		// One place left is a place.
		assert_eq!(by_ownership(&intent(), &fleet_view(None, Some(MAIN), 15, 16)), None);
	}

	#[test]
	fn a_fleet_owner_at_its_limit_conflicts_naming_the_limit() {
		for (count, limit) in [(16, 16), (2, 2), (17, 16)] {
			let full = Facts::new(fleet_view(None, Some(MAIN), count, limit));
			assert_eq!(ownership(&full.view, &me()), Ownership::OwnerHasOtherNode(MAIN.into()));
			for decision in
				[decide(&intent(), &full), decide_with_consent(&intent(), &consent(), &full, None)]
			{
				let Decision::Conflict { detail } = decision else { panic!("a conflict") };
				assert!(
					detail.contains(&format!("already has {count} nodes"))
						&& detail.contains(&format!("(MaxNodesPerOwner = {limit})")),
					"{detail}"
				);
				// What the owner can do: remove one of them, or rotate one to this key.
				assert!(
					detail.contains("unregister_node")
						&& !detail.contains("unregister_main_node")
						&& detail.contains("registrar rotate")
						&& detail.contains(&format!("nodes --owner {}", me().to_ss58check())),
					"{detail}"
				);
			}
		}
	}

	#[test]
	fn a_fleet_node_that_is_not_the_main_node_is_registered_parked_and_healthy() {
		// This node's own entry names the owner; the owner's main node is another one.
		for (count, limit) in [(2, 16), (16, 16)] {
			let online =
				fleet_view(Some(record(me(), NodeStatus::Online)), Some(MAIN), count, limit);
			assert_eq!(ownership(&online, &me()), Ownership::Registered { registered_at: 5 });
			assert!(ownership(&online, &me()).is_registered());
			let decision = decide(&intent(), &Facts::new(online.clone()));
			assert!(
				matches!(&decision, Decision::Park { detail } if detail.contains("since block 5")),
				"{decision:?}"
			);
			let parked =
				decide_with_consent(&intent(), &consent(), &Facts::new(online.clone()), None);
			assert!(matches!(parked, Decision::Park { .. }), "{parked:?}");
			// The parked loop's storage check confirms it; a registration's read-back too.
			assert_eq!(storage_check(&online, &me()), ParkCheck::Confirmed);
			let registered = RegistryEvent::Registered { node_id: NODE.into(), owner: me() };
			assert!(confirmed(&intent(), &[registered], &online).registered());
			// Degraded, it is degraded (not a conflict); gone, it is re-armed.
			let degraded =
				fleet_view(Some(record(me(), NodeStatus::Degraded)), Some(MAIN), count, limit);
			assert!(matches!(
				decide(&intent(), &Facts::new(degraded.clone())),
				Decision::Degraded { .. }
			));
			assert!(matches!(
				storage_check(&degraded, &me()),
				ParkCheck::Rearm(RearmReason::Degraded, _)
			));
			let gone = fleet_view(None, Some(MAIN), count - 1, limit);
			assert!(matches!(
				storage_check(&gone, &me()),
				ParkCheck::Rearm(RearmReason::StorageCheck, d) if d.contains("not in the registry")
			));
		}
	}

	#[test]
	fn with_one_node_per_owner_another_node_of_the_owner_is_the_conflict_it_was() {
		let message = format!(
			"owner {} already has another node (12D3KooWOther), and an owner has one main node: \
			 move that node to this key with `registrar rotate --old-node-key-file <its key> \
			 --new-node-key-file <this key>`, or unregister it first (its owner submits \
			 unregister_main_node)",
			me().to_ss58check()
		);
		// `MaxNodesPerOwner` 1, or a runtime without the constant (read as 1): the same.
		for busy in
			[view(None, Some("12D3KooWOther")), fleet_view(None, Some("12D3KooWOther"), 1, 1)]
		{
			assert_eq!(
				ownership(&busy, &me()),
				Ownership::OwnerHasOtherNode("12D3KooWOther".into())
			);
			assert_eq!(
				decide(&intent(), &Facts::new(busy.clone())),
				Decision::Conflict { detail: message.clone() }
			);
			let with_consent = decide_with_consent(&intent(), &consent(), &Facts::new(busy), None);
			assert_eq!(with_consent, Decision::Conflict { detail: message.clone() });
		}
		// Its own node is registered and parked as ever.
		let online = view(Some(record(me(), NodeStatus::Online)), Some(NODE));
		assert!(matches!(decide(&intent(), &Facts::new(online)), Decision::Park { .. }));
	}

	#[test]
	fn a_fleet_owners_cooldown_refuses_only_while_its_places_are_full() {
		let cooling = Policy {
			owner_cooldown_until: Some(12),
			owner_nodes: 2,
			owner_places_cooling: 1,
			max_nodes_per_owner: 16,
			..free_policy()
		};
		// 2 nodes and 1 cooling place of 16: the other places are free.
		assert_eq!(refusal(&cooling), None);
		let full = Policy { owner_nodes: 14, owner_places_cooling: 2, ..cooling };
		let refused = refusal(&full).unwrap();
		assert_eq!(refused.class, OutcomeClass::SlowRetry);
		assert_eq!(
			refused.reason,
			"cooling down after a removal until block 12 (finalized block is 10): the owner's 14 \
			 node(s) and 2 place(s) cooling down fill its MaxNodesPerOwner of 16"
		);
		// Over by the next block: no refusal.
		assert_eq!(refusal(&Policy { owner_cooldown_until: Some(11), ..full }), None);
		// The node's own cooldown refuses whatever the fleet's places.
		let node = Policy { node_cooldown_until: Some(13), ..cooling };
		assert_eq!(
			refusal(&node).map(|r| r.reason),
			Some("cooling down after a removal until block 13 (finalized block is 10)".into())
		);
		// One node per owner: the owner's cooldown refuses, as it did.
		let single =
			Policy { owner_nodes: 0, owner_places_cooling: 1, max_nodes_per_owner: 1, ..cooling };
		assert_eq!(
			refusal(&single).map(|r| r.reason),
			Some("cooling down after a removal until block 12 (finalized block is 10)".into())
		);
		assert!(refusal(&Policy { owner_places_cooling: 0, ..single }).is_some());
	}

	#[test]
	fn reads_are_asked_for_in_order() {
		assert_eq!(decide(&intent(), &Facts::new(free_view())), Decision::Read(Fact::Policy));
		assert_eq!(
			decide(&intent(), &facts(Some(free_policy()), None, None)),
			Decision::Read(Fact::Context)
		);
		let Decision::Prepare(plan) =
			decide(&intent(), &facts(Some(free_policy()), Some(context(100, 95)), None))
		else {
			panic!("expected a plan")
		};
		assert_eq!(
			decide(&intent(), &facts(Some(free_policy()), Some(context(100, 95)), Some(10))),
			Decision::Submit(plan)
		);
	}

	#[test]
	fn the_challenge_is_built_from_the_best_block() {
		// Finality 8 blocks behind: a challenge of the finalized block would have 8 blocks
		// fewer to live; this one starts at the best block.
		let plan = plan(&intent(), &context(100, 92)).unwrap();
		assert_eq!((plan.block_number, plan.lifetime, plan.finality_lag), (100, 16, 8));
		assert_eq!(plan.genesis_hash, [9; 32]);
		// The mortality is capped by the lifetime, and at least 4.
		assert_eq!(plan.mortality, 16);
		let short = Intent { mortality: 1, ..intent() };
		assert_eq!(super::plan(&short, &context(100, 100)).unwrap().mortality, 4);
		// The lifetime is capped by the chain's MaxChallengeLifetime.
		let long = Intent { challenge_lifetime: 64, ..intent() };
		assert_eq!(super::plan(&long, &context(100, 100)).unwrap().lifetime, 20);
		assert_eq!(effective_lifetime(0, 0), 1);
		assert_eq!(effective_lifetime(50, 600), 50);
	}

	#[test]
	fn the_submission_is_held_while_finality_lags_more_than_half_the_lifetime() {
		let Err(Decision::Hold { reason, finality_lag }) = plan(&intent(), &context(100, 91))
		else {
			panic!("expected a hold")
		};
		assert!(reason.contains("finality lags 9 blocks"), "{reason}");
		assert_eq!(finality_lag, 9);
		// Half of the capped lifetime (20), not of the configured one.
		let long = Intent { challenge_lifetime: 64, ..intent() };
		assert!(plan(&long, &context(100, 90)).is_ok());
		assert!(plan(&long, &context(100, 89)).is_err());
		let wide = ChainContext { max_challenge_lifetime: 600, ..context(100, 84) };
		assert_eq!(hold(&wide, 32), None);
		assert!(hold(&ChainContext { finalized_block_number: 83, ..wide }, 32).is_some());
		// A finalized block read after a newer best block is no lag.
		assert_eq!(ChainContext { finalized_block_number: 101, ..wide }.finality_lag(), 0);
	}

	#[test]
	fn a_configured_width_the_chain_does_not_use_is_fatal() {
		let narrow = Intent { block_number_width: Some(BlockNumberWidth::U32), ..intent() };
		let decision = decide(&narrow, &facts(Some(free_policy()), Some(context(100, 100)), None));
		assert!(
			matches!(&decision, Decision::Refuse(r) if r.class == OutcomeClass::Fatal && r.reason.contains("U32")),
			"{decision:?}"
		);
		// Unknown on the chain: the configured one; neither: 64 bits.
		let unknown = ChainContext { block_number_width: None, ..context(100, 100) };
		assert_eq!(plan(&narrow, &unknown).unwrap().width, BlockNumberWidth::U32);
		assert_eq!(plan(&intent(), &unknown).unwrap().width, BlockNumberWidth::U64);
	}

	#[test]
	fn policy_refuses_only_what_the_pallet_would() {
		let free = free_policy();
		assert_eq!(refusal(&free), None);
		assert!(reason(Policy { banned: true, ..free }).contains("banned"));
		assert!(reason(Policy { type_disabled: true, ..free }).contains("disabled"));
		// The transaction executes in block 11 at the earliest.
		assert_eq!(refusal(&Policy { node_cooldown_until: Some(11), ..free }), None);
		let cooling =
			Policy { node_cooldown_until: Some(5), owner_cooldown_until: Some(12), ..free };
		assert!(reason(cooling).contains("until block 12"));
		for policy in [Policy { banned: true, ..free }, cooling] {
			assert_eq!(refusal(&policy).unwrap().class, OutcomeClass::SlowRetry);
			let decision = decide(&intent(), &facts(Some(policy), None, None));
			assert!(matches!(decision, Decision::Refuse(_)), "{decision:?}");
		}
	}

	#[test]
	fn policy_refuses_a_validator_without_the_stake() {
		let free = free_policy();
		let short = Policy { stake: Some(Stake { active: 999, threshold: 1_000 }), ..free };
		let refused = refusal(&short).unwrap();
		assert_eq!(refused.class, OutcomeClass::SlowRetry);
		assert!(refused.reason.contains("insufficient stake"), "{}", refused.reason);
		assert!(refused.reason.contains("999") && refused.reason.contains("1000"));
		let enough = Policy { stake: Some(Stake { active: 1_000, threshold: 1_000 }), ..free };
		assert_eq!(refusal(&enough), None);
	}

	#[test]
	fn policy_refuses_a_fee_the_owner_cannot_pay() {
		let free = free_policy();
		// What the owner can spend must cover the fee plus the transaction fee.
		let poor = Policy { spendable: Some(999), ..free };
		let refused = refusal(&poor).unwrap();
		assert_eq!(refused.class, OutcomeClass::SlowRetry);
		assert!(refused.reason.contains("insufficient balance"), "{}", refused.reason);
		let exact = Policy { spendable: Some(1_000), ..free };
		assert_eq!(refusal(&exact), None);
		assert!(funds_refusal(&exact, 1).is_some());
		assert_eq!(funds_refusal(&Policy { spendable: Some(1_001), ..free }, 1), None);
		// Without fee charging, or when the chain does not tell, there is nothing to check.
		assert_eq!(funds_refusal(&Policy { fee_charging: false, ..poor }, 10), None);
		assert_eq!(funds_refusal(&Policy { fee: None, ..poor }, 10), None);
		assert_eq!(funds_refusal(&Policy { spendable: None, ..poor }, 10), None);
		// Once the transaction fee is known, it counts.
		let decision = decide(&intent(), &facts(Some(exact), Some(context(100, 100)), Some(1)));
		assert!(
			matches!(&decision, Decision::Refuse(r) if r.reason.contains("transaction fee 1")),
			"{decision:?}"
		);
	}

	#[test]
	fn credits_while_the_fee_is_charged_are_refused_for_good() {
		let free = free_policy();
		let credits = Policy { pay_in_credits: true, fee: None, spendable: None, ..free };
		let refused = refusal(&credits).unwrap();
		assert_eq!(refused.class, OutcomeClass::Fatal);
		assert!(refused.reason.contains("CreditsNotSupported"), "{}", refused.reason);
		// Nothing is charged, so nothing is paid in credits.
		assert_eq!(refusal(&Policy { fee_charging: false, ..credits }), None);
	}

	#[test]
	fn a_registration_is_confirmed_by_the_event_and_the_read_back() {
		let registered = RegistryEvent::Registered { node_id: NODE.into(), owner: me() };
		let online = view(Some(record(me(), NodeStatus::Online)), Some(NODE));
		assert!(confirmed(&intent(), std::slice::from_ref(&registered), &online).registered());
		let no_event = confirmed(&intent(), &[], &online);
		assert_eq!(no_event, Confirmation { event: false, read_back: true });
		assert!(!no_event.registered());
		let gone = confirmed(&intent(), &[registered], &free_view());
		assert_eq!(gone, Confirmation { event: true, read_back: false });
		let someone_elses = RegistryEvent::Registered { node_id: NODE.into(), owner: other() };
		assert!(!confirmed(&intent(), &[someone_elses], &online).event);
	}

	#[test]
	fn events_of_this_node_rearm_the_parked_loop() {
		let node = NODE.as_bytes();
		let unregistered = RegistryEvent::Unregistered {
			node_id: node.to_vec(),
			owner: me(),
			reason: UnregisterReason::Forced,
		};
		assert_eq!(
			rearm_on_event(&unregistered, node, &me(), 7).unwrap().0,
			RearmReason::Unregistered
		);
		let consensus = RegistryEvent::ConsensusReached { node_id: node.to_vec() };
		assert_eq!(
			rearm_on_event(&consensus, node, &me(), 7).unwrap().0,
			RearmReason::Unregistered
		);
		let degraded =
			RegistryEvent::StatusUpdated { node_id: node.to_vec(), status: NodeStatus::Degraded };
		assert_eq!(rearm_on_event(&degraded, node, &me(), 7).unwrap().0, RearmReason::Degraded);
		let online =
			RegistryEvent::StatusUpdated { node_id: node.to_vec(), status: NodeStatus::Online };
		assert_eq!(rearm_on_event(&online, node, &me(), 7), None);
		let swapped = RegistryEvent::OwnerSwapped {
			node_id: node.to_vec(),
			old_owner: me(),
			new_owner: other(),
		};
		let (reason, detail) = rearm_on_event(&swapped, node, &me(), 7).unwrap();
		assert_eq!(reason, RearmReason::Swapped);
		assert!(detail.contains("NodeOwnerSwapped") && detail.contains("block 7"), "{detail}");
		let to_me = RegistryEvent::OwnerSwapped {
			node_id: node.to_vec(),
			old_owner: other(),
			new_owner: me(),
		};
		assert_eq!(rearm_on_event(&to_me, node, &me(), 7), None);
		// Another node's events are not ours.
		assert_eq!(rearm_on_event(&unregistered, b"12D3KooWOther", &me(), 7), None);
	}

	#[test]
	fn storage_checks_confirm_or_rearm() {
		let online = view(Some(record(me(), NodeStatus::Online)), Some(NODE));
		assert_eq!(storage_check(&online, &me()), ParkCheck::Confirmed);
		let degraded = view(Some(record(me(), NodeStatus::Degraded)), Some(NODE));
		assert!(matches!(
			storage_check(&degraded, &me()),
			ParkCheck::Rearm(RearmReason::Degraded, _)
		));
		let theirs = view(Some(record(other(), NodeStatus::Online)), None);
		assert!(matches!(storage_check(&theirs, &me()), ParkCheck::Rearm(RearmReason::Swapped, _)));
		for gone in [free_view(), view(None, Some("12D3KooWOther"))] {
			assert!(matches!(
				storage_check(&gone, &me()),
				ParkCheck::Rearm(RearmReason::StorageCheck, d) if d.contains("not in the registry")
			));
		}
	}

	// Registration with an owner's consent.

	pub(super) fn submitter() -> AccountId32 {
		AccountId32::new([3; 32])
	}

	pub(super) fn consent() -> ConsentIntent {
		ConsentIntent {
			node_id: NODE.into(),
			owner: me(),
			node_type: NodeType::StorageMiner,
			max_fee: 1_000,
			valid_until: 50,
			may_rotate: false,
			width: BlockNumberWidth::U64,
			submitter: submitter(),
		}
	}

	pub(super) fn standing(status: ConsentStatus) -> ConsentFacts {
		ConsentFacts { block_number: 10, status, submitter_spendable: 100 }
	}

	fn with_consent(facts: &Facts, read: Option<ConsentFacts>) -> Decision {
		decide_with_consent(&intent(), &consent(), facts, read.as_ref())
	}

	#[test]
	fn a_consent_registration_reads_policy_context_then_the_consent() {
		assert_eq!(with_consent(&Facts::new(free_view()), None), Decision::Read(Fact::Policy));
		let policy = Some(free_policy());
		assert_eq!(with_consent(&facts(policy, None, None), None), Decision::Read(Fact::Context));
		let ready = facts(policy, Some(context(100, 95)), None);
		assert_eq!(with_consent(&ready, None), Decision::Read(Fact::Consent));
		let valid = Some(standing(ConsentStatus::Valid));
		let Decision::Prepare(plan) = with_consent(&ready, valid) else { panic!("a plan") };
		let priced = facts(policy, Some(context(100, 95)), Some(10));
		assert_eq!(with_consent(&priced, valid), Decision::Submit(plan));
		// Registered already: parked before anything else is read.
		let parked = Facts::new(view(Some(record(me(), NodeStatus::Online)), Some(NODE)));
		assert!(matches!(with_consent(&parked, None), Decision::Park { .. }));
	}

	#[test]
	fn a_consent_for_another_node_type_owner_or_with_credits_is_fatal_at_once() {
		let cases = [
			(
				ConsentIntent { node_id: "12D3KooWOther".into(), ..consent() },
				intent(),
				"not for this node",
			),
			(ConsentIntent { node_type: NodeType::Validator, ..consent() }, intent(), "node type"),
			(ConsentIntent { owner: other(), ..consent() }, intent(), "not"),
			(consent(), Intent { pay_in_credits: true, ..intent() }, "credits"),
		];
		for (terms, intent, why) in cases {
			let decision = decide_with_consent(&intent, &terms, &Facts::new(free_view()), None);
			assert!(
				matches!(&decision, Decision::Refuse(r) if r.class == OutcomeClass::Fatal && r.reason.contains(why)),
				"{decision:?}"
			);
		}
	}

	#[test]
	fn a_consent_in_another_block_number_width_is_fatal() {
		let narrow = ConsentIntent { width: BlockNumberWidth::U32, ..consent() };
		let ready = facts(Some(free_policy()), Some(context(100, 100)), None);
		let decision = decide_with_consent(&intent(), &narrow, &ready, None);
		assert!(
			matches!(&decision, Decision::Refuse(r) if r.class == OutcomeClass::Fatal && r.reason.contains("U32")),
			"{decision:?}"
		);
	}

	#[test]
	fn what_the_chain_says_of_the_consent_refuses_it() {
		let ready = facts(Some(free_policy()), Some(context(100, 95)), None);
		let class = |status| match with_consent(&ready, Some(standing(status))) {
			Decision::Refuse(refusal) => Some(refusal.class),
			_ => None,
		};
		assert_eq!(class(ConsentStatus::Valid), None);
		for fatal in [
			ConsentStatus::Expired,
			ConsentStatus::Revoked,
			ConsentStatus::BadSignature,
			ConsentStatus::WrongChain,
			ConsentStatus::WrongDomain,
			ConsentStatus::InvalidPeerId,
		] {
			assert_eq!(class(fatal), Some(OutcomeClass::Fatal), "{fatal:?}");
		}
		// Too far ahead clears as blocks pass.
		assert_eq!(class(ConsentStatus::LifetimeTooLong), Some(OutcomeClass::SlowRetry));
		// Valid now, but not in the next block, where the transaction executes at the earliest.
		let last = ConsentFacts { block_number: 50, ..standing(ConsentStatus::Valid) };
		let refused = consent_refusal(&consent(), &last).unwrap();
		assert_eq!(refused.class, OutcomeClass::Fatal);
		assert!(refused.reason.contains("expires with block 50"), "{}", refused.reason);
		let before = ConsentFacts { block_number: 49, ..last };
		assert_eq!(consent_refusal(&consent(), &before), None);
	}

	#[test]
	fn a_fee_above_the_consents_maximum_waits_while_it_is_charged() {
		let valid = Some(standing(ConsentStatus::Valid));
		let dear = Policy { fee: Some(1_001), ..free_policy() };
		let decision = with_consent(&facts(Some(dear), Some(context(100, 95)), None), valid);
		assert!(
			matches!(&decision, Decision::Refuse(r) if r.class == OutcomeClass::SlowRetry && r.reason.contains("max_fee of 1000")),
			"{decision:?}"
		);
		// In the chain's currency when it says how it writes amounts, with what to do.
		let unit = 1_000_000_000_000_000_000u128;
		let dear_in_units = Policy { fee: Some(4 * unit), spendable: Some(100 * unit), ..dear };
		let consent = ConsentIntent { max_fee: 2 * unit, ..consent() };
		let in_units = Facts {
			token: Some(Token { symbol: "UNIT".into(), decimals: 18 }),
			..facts(Some(dear_in_units), Some(context(100, 95)), None)
		};
		let decision = decide_with_consent(&intent(), &consent, &in_units, valid.as_ref());
		let Decision::Refuse(refusal) = decision else { panic!("{decision:?}") };
		assert!(
			refusal.reason.starts_with(
				"the registration fee is 4 UNIT, above the consent's max_fee of 2 UNIT"
			),
			"{}",
			refusal.reason
		);
		assert!(
			refusal.reason.contains("halves every day")
				&& refusal.reason.contains("higher --max-fee (at least 4 UNIT)"),
			"{}",
			refusal.reason
		);
		// Not charged: no fee, so no maximum to keep.
		let free = Policy { fee_charging: false, fee: None, spendable: None, ..dear };
		let decision = with_consent(&facts(Some(free), Some(context(100, 95)), None), valid);
		assert!(matches!(decision, Decision::Prepare(_)), "{decision:?}");
	}

	#[test]
	fn the_owner_pays_the_fee_and_the_submitter_the_transaction_fee() {
		// The owner can pay exactly the fee: enough, since the submitter pays the transaction.
		let exact = Policy { spendable: Some(1_000), ..free_policy() };
		let valid = Some(standing(ConsentStatus::Valid));
		let priced = facts(Some(exact), Some(context(100, 95)), Some(100));
		assert!(matches!(with_consent(&priced, valid), Decision::Submit(_)));
		// In owner mode the same owner could not also pay the transaction fee.
		assert!(matches!(decide(&intent(), &priced), Decision::Refuse(_)));
		// The owner short of the fee: refused before the consent is even read.
		let poor = Policy { spendable: Some(999), ..free_policy() };
		let decision = with_consent(&facts(Some(poor), Some(context(100, 95)), None), None);
		assert!(matches!(&decision, Decision::Refuse(r) if r.reason.contains("owner can spend")));
		// The submitter short of the transaction fee.
		let dear = facts(Some(exact), Some(context(100, 95)), Some(101));
		let decision = with_consent(&dear, valid);
		assert!(
			matches!(&decision, Decision::Refuse(r) if r.class == OutcomeClass::SlowRetry && r.reason.contains("submitter can spend 100")),
			"{decision:?}"
		);
	}
}
