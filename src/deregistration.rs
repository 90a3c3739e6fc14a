//! Deregistration by validators: reports during a round, one tally when it ends.
//!
//! A round is `ConsensusPeriod` blocks long. Votes of the current round are kept in one bounded
//! list ([`ReportedNodes`]); the first `on_initialize` of the next round tallies and clears it
//! in one step whose cost is bounded by `MaxReportedNodesPerRound`. Per-validator state
//! ([`TemporaryDeregistrationReports`], [`ReportSubmissionCount`]) is tagged with its round or
//! rate-limit window, so state of a past round or window counts as empty without being cleared.

use crate::{pallet::*, types::*};
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{CheckedDiv, UniqueSaturatedInto};

impl<T: Config> Pallet<T> {
	/// The index of the `period`-block span `now` falls in.
	fn span_index(now: BlockNumberFor<T>, period: BlockNumberFor<T>) -> u32 {
		now.checked_div(&period).map(|index| index.unique_saturated_into()).unwrap_or(0)
	}

	/// The current deregistration round.
	pub fn current_round() -> u32 {
		Self::span_index(frame_system::Pallet::<T>::block_number(), T::ConsensusPeriod::get())
	}

	/// Votes that remove a node: the larger of `ConsensusThreshold` and `ConsensusShare` of the
	/// registered validators, rounded up; at least one.
	pub fn required_votes() -> u32 {
		let validators = NodeCountByType::<T>::get(NodeType::Validator);
		let share = T::ConsensusShare::get().mul_ceil(validators);
		T::ConsensusThreshold::get().max(share).max(1)
	}

	/// `submit_deregistration_report` for the resolved validator owner `reporter`.
	pub(crate) fn do_report(
		reporter: T::AccountId,
		node_ids: BoundedVec<NodeIdParam, T::MaxNodesPerReport>,
	) -> DispatchResult {
		ensure!(DeregistrationEnabled::<T>::get(), Error::<T>::DeregistrationDisabled);
		ensure!(!node_ids.is_empty(), Error::<T>::EmptyReport);
		ensure!(!BannedAccounts::<T>::get(&reporter), Error::<T>::AccountBanned);
		let own_node = OwnerToNode::<T>::get(&reporter)
			.and_then(|ids| ids.into_iter().next())
			.and_then(ColdkeyNodeRegistrationV2::<T>::get)
			.ok_or(Error::<T>::AccountNotRegistered)?;
		ensure!(own_node.node_type == NodeType::Validator, Error::<T>::NotAValidator);
		let whitelist = WhitelistedValidators::<T>::get();
		ensure!(
			whitelist.is_empty() || whitelist.contains(&reporter),
			Error::<T>::NodeNotWhitelisted
		);

		let now = frame_system::Pallet::<T>::block_number();
		let window = Self::span_index(now, T::ReportCounterClearInterval::get());
		let mut submissions = ReportSubmissionCount::<T>::get(&reporter)
			.filter(|s| s.window == window)
			.unwrap_or(SubmissionWindow { window, count: 0 });
		ensure!(
			submissions.count < T::MaxDeregRequestsPerPeriod::get(),
			Error::<T>::TooManyRequests
		);
		submissions.count = submissions.count.saturating_add(1);

		let round = Self::current_round();
		let mut mine = TemporaryDeregistrationReports::<T>::get(&reporter)
			.filter(|r| r.round == round)
			.unwrap_or(ReporterRound { round, node_ids: BoundedVec::new() });
		let mut all = match ReportedNodes::<T>::get() {
			Some(reports) if reports.round == round => reports,
			Some(_) => {
				// The tally at the round's start takes the list; a stale one means it did not run.
				frame_support::defensive!("deregistration votes of a past round were not tallied");
				RoundReports { round, nodes: BoundedVec::new() }
			}
			None => RoundReports { round, nodes: BoundedVec::new() },
		};

		let mut reported = alloc::vec::Vec::with_capacity(node_ids.len());
		for raw in node_ids.iter() {
			let node_id = Self::canonical_node_id(raw)?;
			ensure!(
				ColdkeyNodeRegistrationV2::<T>::contains_key(&node_id),
				Error::<T>::NodeNotRegistered
			);
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
					all.nodes
						.try_push(NodeVotes { node_id: node_id.clone(), votes: 1 })
						.map_err(|_| Error::<T>::TooManyReportedNodes)?;
					1
				}
			};
			reported.push((node_id, votes));
		}

		ReportSubmissionCount::<T>::insert(&reporter, submissions);
		TemporaryDeregistrationReports::<T>::insert(&reporter, mine);
		ReportedNodes::<T>::put(all);
		for (node_id, votes) in reported {
			Self::deposit_event(Event::DeregistrationReported {
				reporter: reporter.clone(),
				node_id,
				votes,
			});
		}
		Ok(())
	}

	/// At the first block of a round, tallies the votes of the rounds before it and clears them.
	/// Returns how many reported nodes were tallied (the cost driver).
	pub(crate) fn tally_reports(now: BlockNumberFor<T>) -> Option<u32> {
		let round = Self::span_index(now, T::ConsensusPeriod::get());
		match ReportedNodes::<T>::get() {
			Some(reports) if reports.round < round => {}
			_ => return None,
		}
		let reports = ReportedNodes::<T>::take()?;
		let count = reports.nodes.len() as u32;
		if !DeregistrationEnabled::<T>::get() {
			// The switch was turned off during the round: its votes are void.
			return Some(count);
		}
		let required = Self::required_votes();
		for NodeVotes { node_id, votes } in reports.nodes {
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
		Some(count)
	}
}
