//! Deregistration by validators: reports during a round, one tally when it ends.
//!
//! A round's end is fixed when it opens ([`DeregistrationRound`]); the first `on_initialize`
//! after it tallies the round's votes and opens the next round. Votes live in two places: the
//! round's bounded list of reported nodes ([`ReportedNodes`], for the tally and the events) and
//! each owner's ballot ([`TemporaryDeregistrationReports`]).
//!
//! Who may vote is decided twice, when reporting and when tallying: an owner of a registered
//! validator node, not banned, on the whitelist when one is in use, with `MinerStakeThreshold`
//! active stake. The tally walks the validator nodes (at most `MaxValidators`), counts the
//! voters that may still vote and the nodes on their ballots, and takes the threshold's share
//! of those voters, so votes of owners who left, unbonded or were banned count for nothing.
//!
//! No validator can crowd the others out of the list: each may be the first to report only its
//! share (`MaxReportedNodesPerRound / MaxValidators`), and validators that claimed a share and
//! left keep their place under `MaxValidators` until the round ends, so the shares of everyone
//! who can report in a round always fit the list.

use crate::{
	pallet::*,
	stored::{self, Stored},
	types::*,
};
use alloc::{collections::btree_map::BTreeMap, vec, vec::Vec};
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{CheckedDiv, One, Saturating};
use sp_staking::StakingInterface;

/// The whitelist, as the strict read gives it.
type Whitelist<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxWhitelistedValidators>;

impl<T: Config> Pallet<T> {
	/// The first block of the `period`-block span `now` falls in (`now` itself for a zero period).
	pub(crate) fn span_start(
		now: BlockNumberFor<T>,
		period: BlockNumberFor<T>,
	) -> BlockNumberFor<T> {
		now.checked_div(&period).map_or(now, |spans| spans.saturating_mul(period))
	}

	/// The last block of a round opening at `now`: the end of `now`'s `ConsensusPeriod` span.
	pub(crate) fn round_end(now: BlockNumberFor<T>) -> BlockNumberFor<T> {
		let period = T::ConsensusPeriod::get();
		Self::span_start(now, period).saturating_add(period).saturating_sub(One::one())
	}

	/// The index of the open deregistration round.
	pub fn current_round() -> u32 {
		DeregistrationRound::<T>::get().index
	}

	/// How many nodes each validator may be the first to report in a round.
	pub fn report_share() -> u32 {
		T::MaxReportedNodesPerRound::get().checked_div(T::MaxValidators::get()).unwrap_or(0).max(1)
	}

	/// Validator nodes registered, plus validators that claimed part of the open round's list
	/// and left since: what `MaxValidators` bounds.
	pub(crate) fn validator_places_taken() -> u32 {
		let departed = DepartedReporters::<T>::get();
		let departed = if departed.round == Self::current_round() { departed.count } else { 0 };
		NodeCountByType::<T>::get(NodeType::Validator).saturating_add(departed)
	}

	/// Counts one more validator that claimed part of the open round's list and left.
	pub(crate) fn count_departed_reporter() {
		let round = Self::current_round();
		DepartedReporters::<T>::mutate(|departed| {
			if departed.round != round {
				*departed = DepartedCount { round, count: 0 };
			}
			departed.count = departed.count.saturating_add(1);
		});
	}

	/// Whether `owner` was the first to report a node in the open round (so holds part of its
	/// list). An undecodable ballot counts as a claim: it may be one.
	pub(crate) fn claims_round_share(owner: &T::AccountId) -> bool {
		match Self::ballot(owner) {
			Stored::Present(ballot) => ballot.round == Self::current_round() && ballot.added > 0,
			Stored::Absent => false,
			Stored::Undecodable => true,
		}
	}

	/// Whether validators voted against `node_id` in the open round (an undecodable list of
	/// the round counts as yes: nothing may change hands until the tally clears it).
	pub(crate) fn is_under_report(node_id: &NodeId) -> bool {
		match Self::round_reports() {
			Stored::Present(reports) => {
				reports.round == Self::current_round()
					&& reports.nodes.iter().any(|entry| &entry.node_id == node_id)
			}
			Stored::Absent => false,
			Stored::Undecodable => true,
		}
	}

	/// `owner`'s ballot, read strictly.
	pub(crate) fn ballot(owner: &T::AccountId) -> Stored<ReporterRound<T::MaxReportsPerRound>> {
		stored::read(&TemporaryDeregistrationReports::<T>::hashed_key_for(owner))
	}

	/// The round's list of reported nodes, read strictly.
	pub(crate) fn round_reports() -> Stored<RoundReports<T::MaxReportedNodesPerRound>> {
		stored::read(&ReportedNodes::<T>::hashed_key())
	}

	/// The validator whitelist, read strictly.
	pub(crate) fn whitelist() -> Stored<Whitelist<T>> {
		stored::read(&WhitelistedValidators::<T>::hashed_key())
	}

	/// Whether `owner`, which owns a registered validator node, may vote given `whitelist`: not
	/// banned, whitelisted when the list is in use, and staked.
	fn may_vote(owner: &T::AccountId, whitelist: &[T::AccountId]) -> bool {
		!BannedAccounts::<T>::get(owner)
			&& (whitelist.is_empty() || whitelist.contains(owner))
			&& Self::has_validator_stake(owner)
	}

	/// Whether `owner` has `MinerStakeThreshold` active stake.
	pub(crate) fn has_validator_stake(owner: &T::AccountId) -> bool {
		T::Staking::active_stake(owner).unwrap_or_default() >= T::MinerStakeThreshold::get()
	}

	/// Votes that remove a node when `voters` may vote: the larger of `ConsensusThreshold` and
	/// `ConsensusShare` of them, rounded up; at least one.
	pub fn required_votes_of(voters: u32) -> u32 {
		T::ConsensusThreshold::get().max(T::ConsensusShare::get().mul_ceil(voters)).max(1)
	}

	/// The owners of registered validator nodes that may vote now (at most `MaxValidators`).
	pub fn eligible_voters() -> Vec<T::AccountId> {
		let whitelist = match Self::whitelist() {
			Stored::Present(list) => list.into_inner(),
			Stored::Absent => Vec::new(),
			Stored::Undecodable => return Vec::new(),
		};
		Self::validator_owners()
			.into_iter()
			.filter(|owner| Self::may_vote(owner, &whitelist))
			.collect()
	}

	/// Votes that would remove a node if the round were tallied now.
	pub fn required_votes() -> u32 {
		Self::required_votes_of(Self::eligible_voters().len() as u32)
	}

	/// The owners of the registered validator nodes (at most `MaxValidators`).
	fn validator_owners() -> Vec<T::AccountId> {
		Self::validator_nodes().into_iter().map(|info| info.owner).collect()
	}

	/// The registered validator nodes (at most `MaxValidators`).
	fn validator_nodes() -> Vec<NodeInfoOf<T>> {
		NodesByType::<T>::iter_key_prefix(NodeType::Validator)
			.take(T::MaxValidators::get() as usize)
			.filter_map(ColdkeyNodeRegistrationV2::<T>::get)
			.collect()
	}

	/// `set_whitelisted_validators` after the origin check: no account twice.
	pub(crate) fn do_set_whitelist(
		validators: BoundedVec<T::AccountId, T::MaxWhitelistedValidators>,
	) -> DispatchResult {
		let mut seen = validators.clone().into_inner();
		seen.sort();
		seen.dedup();
		ensure!(seen.len() == validators.len(), Error::<T>::DuplicateValidator);
		let count = validators.len() as u32;
		WhitelistedValidators::<T>::put(validators);
		Self::deposit_event(Event::WhitelistUpdated { count });
		Ok(())
	}

	/// `submit_deregistration_report` for the resolved validator owner `reporter`.
	pub(crate) fn do_report(
		reporter: T::AccountId,
		node_ids: BoundedVec<NodeIdParam, T::MaxNodesPerReport>,
	) -> DispatchResult {
		ensure!(DeregistrationEnabled::<T>::get(), Error::<T>::DeregistrationDisabled);
		ensure!(!node_ids.is_empty(), Error::<T>::EmptyReport);
		ensure!(!BannedAccounts::<T>::get(&reporter), Error::<T>::AccountBanned);
		if !OwnerValidatorNode::<T>::contains_key(&reporter) {
			ensure!(OwnerNodeCount::<T>::get(&reporter) > 0, Error::<T>::AccountNotRegistered);
			return Err(Error::<T>::NotAValidator.into());
		}
		let whitelist =
			Self::whitelist().or_undecodable(Error::<T>::StoredListOverBound)?.unwrap_or_default();
		ensure!(
			whitelist.is_empty() || whitelist.contains(&reporter),
			Error::<T>::NodeNotWhitelisted
		);
		ensure!(Self::has_validator_stake(&reporter), Error::<T>::InsufficientStake);

		let now = frame_system::Pallet::<T>::block_number();
		let interval = T::ReportCounterClearInterval::get();
		let mut submissions = ReportSubmissionCount::<T>::get(&reporter)
			.filter(|s| now < s.started_at.saturating_add(interval))
			.unwrap_or(SubmissionWindow { started_at: Self::span_start(now, interval), count: 0 });
		ensure!(
			submissions.count < T::MaxDeregRequestsPerPeriod::get(),
			Error::<T>::TooManyRequests
		);
		submissions.count = submissions.count.saturating_add(1);

		let round = DeregistrationRound::<T>::get();
		let mut mine = Self::ballot(&reporter)
			.or_undecodable(Error::<T>::StoredListOverBound)?
			.filter(|ballot| ballot.round == round.index)
			.unwrap_or(ReporterRound { round: round.index, node_ids: BoundedVec::new(), added: 0 });
		let mut all = match Self::round_reports().or_undecodable(Error::<T>::StoredListOverBound)? {
			Some(reports) if reports.round == round.index => reports,
			Some(_) => {
				// The tally after a round's last block takes its list; nothing else can be left.
				frame_support::defensive!("deregistration votes of a past round were not tallied");
				RoundReports { round: round.index, nodes: BoundedVec::new() }
			}
			None => RoundReports { round: round.index, nodes: BoundedVec::new() },
		};

		let share = Self::report_share();
		let mut reported = Vec::with_capacity(node_ids.len());
		let mut skipped = Vec::new();
		for raw in node_ids.iter() {
			let node_id = Self::canonical_node_id(raw)?;
			if !ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id) {
				// Gone since the reporter looked (removed, or rotated to a new key, which it
				// may report instead): the rest of the report still counts.
				ensure!(!skipped.contains(&node_id), Error::<T>::AlreadyReported);
				skipped.push(node_id);
				continue;
			}
			ensure!(!mine.node_ids.contains(&node_id), Error::<T>::AlreadyReported);
			mine.node_ids
				.try_push(node_id.clone())
				.map_err(|_| Error::<T>::TooManyReportsInRound)?;
			let votes = match all.nodes.iter_mut().find(|entry| entry.node_id == node_id) {
				Some(entry) => {
					entry.votes = entry.votes.saturating_add(1);
					entry.votes
				}
				None => {
					ensure!(mine.added < share, Error::<T>::ReportShareExhausted);
					mine.added = mine.added.saturating_add(1);
					// Every share fits (`integrity_test`, `MaxValidators`): full means a bug.
					all.nodes
						.try_push(NodeVotes { node_id: node_id.clone(), votes: 1 })
						.map_err(|_| Error::<T>::TooManyReportedNodes)?;
					1
				}
			};
			reported.push((node_id, votes));
		}
		// A report of nothing registered changes nothing (and uses no call of the window).
		ensure!(!reported.is_empty(), Error::<T>::NodeNotRegistered);

		let window_end = submissions.started_at.saturating_add(interval);
		ReportSubmissionCount::<T>::insert(&reporter, submissions);
		TemporaryDeregistrationReports::<T>::insert(&reporter, mine);
		ReportedNodes::<T>::put(all);
		// The state goes once both its round and its window are over (queueing twice in one
		// block is one entry).
		Self::schedule_expiry(round.ends_at, Expiring::ReportState(reporter.clone()));
		Self::schedule_expiry(window_end, Expiring::ReportState(reporter.clone()));
		for (node_id, votes) in reported {
			Self::deposit_event(Event::DeregistrationReported {
				reporter: reporter.clone(),
				node_id,
				votes,
			});
		}
		for node_id in skipped {
			Self::deposit_event(Event::DeregistrationReportSkipped {
				reporter: reporter.clone(),
				node_id,
			});
		}
		Ok(())
	}

	/// After the open round's last block: tallies its votes, clears them and opens the next
	/// round. Returns what drives its cost (the validators walked and the reported nodes
	/// tallied) and the validator nodes whose owners no longer hold `MinerStakeThreshold`
	/// active stake, for [`Self::remove_unstaked_validators`]; `None` while the round is open.
	pub(crate) fn tally_reports(now: BlockNumberFor<T>) -> Option<(u32, u32, Vec<NodeInfoOf<T>>)> {
		let round = DeregistrationRound::<T>::get();
		if now <= round.ends_at {
			return None;
		}
		DeregistrationRound::<T>::put(RoundInfo {
			index: round.index.saturating_add(1),
			ends_at: Self::round_end(now),
		});
		// Every round, votes or not: stake is read once per validator, for the votes and for
		// the places of validators that lost it.
		let validators = Self::validator_nodes();
		let staked: Vec<bool> =
			validators.iter().map(|info| Self::has_validator_stake(&info.owner)).collect();
		let walked = validators.len() as u32;
		let reported = Self::decide_round(round.index, &validators, &staked);
		let unstaked = validators
			.into_iter()
			.zip(staked)
			.filter_map(|(info, staked)| (!staked).then_some(info))
			.collect();
		Some((walked, reported, unstaked))
	}

	/// The round `index`'s votes, counted among `validators` (with their stake): removes the
	/// nodes whose votes reach the threshold and clears the round's list. Returns the number of
	/// reported nodes tallied.
	fn decide_round(index: u32, validators: &[NodeInfoOf<T>], staked: &[bool]) -> u32 {
		let reports = match Self::round_reports() {
			Stored::Absent => return 0,
			Stored::Present(reports) => reports,
			Stored::Undecodable => {
				// Votes that cannot be read remove nobody.
				ReportedNodes::<T>::kill();
				return 0;
			}
		};
		ReportedNodes::<T>::kill();
		let reported = reports.nodes.len() as u32;
		if !DeregistrationEnabled::<T>::get() || reports.round != index {
			// Switched off during the round (its votes are void), or a list of another round.
			return reported;
		}
		let whitelist = match Self::whitelist() {
			Stored::Present(list) => list.into_inner(),
			Stored::Absent => Vec::new(),
			// Unknown who may vote: nobody does.
			Stored::Undecodable => return reported,
		};

		// Count, per reported node, the voters that may still vote.
		let position: BTreeMap<&NodeId, usize> =
			reports.nodes.iter().enumerate().map(|(i, entry)| (&entry.node_id, i)).collect();
		let mut counted = vec![0u32; reports.nodes.len()];
		let mut voters = 0u32;
		for (info, staked) in validators.iter().zip(staked) {
			let owner = &info.owner;
			if !staked
				|| BannedAccounts::<T>::get(owner)
				|| !(whitelist.is_empty() || whitelist.contains(owner))
			{
				continue;
			}
			voters = voters.saturating_add(1);
			let Stored::Present(ballot) = Self::ballot(owner) else { continue };
			if ballot.round != index {
				continue;
			}
			for node_id in ballot.node_ids.iter() {
				if let Some(count) = position.get(node_id).and_then(|&i| counted.get_mut(i)) {
					*count = count.saturating_add(1);
				}
			}
		}

		let required = Self::required_votes_of(voters);
		for (NodeVotes { node_id, .. }, votes) in reports.nodes.into_iter().zip(counted) {
			let Some(info) = ColdkeyNodeRegistrationV2::<T>::get(&node_id) else {
				// Left the registry during the round: nothing to decide.
				continue;
			};
			if votes >= required {
				Self::deposit_event(Event::DeregistrationConsensusReached {
					node_id: node_id.clone(),
					votes,
				});
				Self::degrade_or_remove(info, UnregisterReason::Consensus);
			} else {
				Self::deposit_event(Event::DeregistrationConsensusFailed {
					node_id,
					votes,
					required,
				});
			}
		}
		reported
	}

	/// Removes the validator nodes of `unstaked` still registered to the same owner: an owner
	/// whose active stake fell below `MinerStakeThreshold` can no longer vote, and its node
	/// gives its place under `MaxValidators` back (D26). The hook removes as many as its budget
	/// leaves room for; the next round's tally finds the others again. Returns how many it
	/// removed.
	pub(crate) fn remove_unstaked_validators(unstaked: Vec<NodeInfoOf<T>>) -> u32 {
		let mut removed = 0u32;
		for walked in unstaked {
			// The tally may have removed it, or (in a hook of another block) it changed hands.
			let Some(info) = ColdkeyNodeRegistrationV2::<T>::get(&walked.node_id)
				.filter(|info| info.owner == walked.owner && info.node_type == NodeType::Validator)
			else {
				continue;
			};
			Self::remove_node(info, UnregisterReason::InsufficientStake);
			removed = removed.saturating_add(1);
		}
		removed
	}
}
