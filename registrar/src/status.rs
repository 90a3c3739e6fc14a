//! What the registrar knows now, shared between the loop and the HTTP endpoints, and its
//! Prometheus metrics.

use crate::{
	judge::discovery::{DiscoveryCall, FailureClass},
	outcome::{OutcomeClass, RearmReason},
	state::Phase,
};
use serde::Serialize;
use std::{
	collections::BTreeMap,
	fmt::Write as _,
	sync::{Arc, RwLock},
};

/// A snapshot of the registrar's state (served as `/status`).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Status {
	/// The node's PeerId (base58).
	pub node_id: String,
	/// The owner (SS58).
	pub owner: String,
	/// The account that submits with the owner's consent (SS58), when registering with one.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub submitter: Option<String>,
	/// The last block the owner's consent can be used in, when registering with one (a
	/// removal after it cannot be repaired without a new consent).
	#[serde(skip_serializing_if = "Option::is_none")]
	pub consent_valid_until: Option<u64>,
	/// The chain endpoint, without user-info, path or query.
	pub endpoint: String,
	/// Where the loop is.
	pub phase: Phase,
	/// Whether the node is registered to this owner as of a finalized block.
	pub registered: bool,
	/// The block the node was registered in.
	pub registered_at: Option<u64>,
	/// The finalized block at which the registration was last confirmed.
	pub confirmed_block: Option<u64>,
	/// The newest finalized block seen.
	pub last_finalized_block: Option<u64>,
	/// Blocks the best block was ahead of the finalized one at the last attempt.
	pub finality_lag_blocks: Option<u64>,
	/// Class of the last attempt's outcome.
	pub last_outcome: Option<OutcomeClass>,
	/// The last error (never contains secrets).
	pub last_error: Option<String>,
	/// Seconds until the next attempt, when waiting.
	pub next_attempt_in_secs: Option<u64>,
	/// Fast retries in the current burst.
	pub retry_burst: u32,
	/// The node's record and heartbeats.
	pub discovery: DiscoveryStatus,
	/// The chain the registrar signs for.
	pub genesis: GenesisStatus,
	/// What the paid transactions cost in the last 24 hours, and the budget.
	pub spending: SpendingStatus,
}

/// What the registrar's paid transactions cost in the rolling window, against its budget
/// ([`crate::budget`]), served in `/status`; amounts in base units of the currency.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct SpendingStatus {
	/// The budget per window, once read with the chain's currency.
	pub budget: Option<u128>,
	/// Spent in the window (from the chain's events, or estimated where they are not known).
	pub spent_in_window: u128,
	/// The window, in seconds.
	pub window_secs: u64,
	/// Paid transactions counted in the window.
	pub transactions_in_window: usize,
	/// No paid transaction is submitted: the next one would exceed the budget.
	pub over_budget: bool,
	/// While over budget: seconds until room frees (the oldest transaction leaves the window).
	pub frees_in_secs: Option<u64>,
}

/// The chain the registrar signs for ([`crate::genesis`]), served in `/status`.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct GenesisStatus {
	/// The pinned genesis hash (`0x` hex), once connected.
	pub pinned: Option<String>,
	/// Where the pin comes from.
	pub source: Option<crate::genesis::PinSource>,
	/// Why the endpoint's chain was refused, while it is (nothing is signed).
	pub refused: Option<String>,
}

/// What the registrar knows of the node's record and liveness (served in `/status`).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct DiscoveryStatus {
	/// Records and heartbeats are sent fee-less, not signed.
	pub fee_less: bool,
	/// How fee-less ones are sent: `general` (general transactions that the runtime's
	/// `AuthorizeCall` admits) or `bare`; `null` until the first one is sent, and when they are
	/// signed.
	pub fee_less_path: Option<crate::facts::FeeLessPath>,
	/// The chain's record's sequence number, as last read (or published).
	pub record_seq: Option<u64>,
	/// The block the chain's record was published in, as last read.
	pub record_published_at: Option<u64>,
	/// The record: `published` (the chain has the configured one), `pending` (to publish, or
	/// waiting for the next period or after a failure), `invalid` (beyond the chain's limits),
	/// `refused` (the chain refused its content), `seq_ahead` (the chain's record carries a
	/// sequence number beyond what the host's clock allows: nothing is signed while it does),
	/// `disabled`. While `invalid` or `refused`, it is not published until the configuration
	/// changes: `record_error` says why.
	pub record: Option<String>,
	/// Why the configured record is not published, while `record` is `invalid`, `refused` or
	/// `seq_ahead`.
	pub record_error: Option<String>,
	/// The period of the node's last heartbeat on chain.
	pub last_heartbeat_period: Option<u32>,
	/// The block from which this period's heartbeat is sent, while it waits.
	pub next_heartbeat_block: Option<u64>,
	/// The node's liveness on chain: `online`, `offline`, `silent`, `degraded` or `unknown`.
	pub liveness: Option<String>,
	/// The block the node was last heard from (a heartbeat or its registration).
	pub last_seen: Option<u64>,
	/// The chain's `HeartbeatPeriod`, once read.
	pub heartbeat_period: Option<u64>,
	/// The last error of a record or heartbeat (cleared by the next success).
	pub last_error: Option<String>,
	/// How the next record waits after failures (none since the last success: absent).
	#[serde(skip_serializing_if = "Option::is_none")]
	pub record_retry: Option<DiscoveryRetry>,
	/// How the next heartbeat waits after failures (none since the last success: absent).
	#[serde(skip_serializing_if = "Option::is_none")]
	pub heartbeat_retry: Option<DiscoveryRetry>,
}

/// The wait before the next record or heartbeat after a failure of its kind.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct DiscoveryRetry {
	/// The last failure's class: `fast_retry`, `slow_retry`, `next_period`, or `final` (a
	/// heartbeat's version refused: the next goes without one).
	pub class: String,
	/// Failures in a row since the last success.
	pub failures: u32,
	/// Seconds the next attempt waits after the last failure (at least).
	pub wait_secs: u64,
	/// The first block the next attempt may be for (never the block after the failed one).
	pub from_block: u64,
}

/// Counters exported on `/metrics`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
	/// Attempts by outcome class.
	pub attempts: BTreeMap<&'static str, u64>,
	/// Transactions submitted.
	pub submissions: u64,
	/// Re-arms by reason.
	pub rearms: BTreeMap<RearmReason, u64>,
	/// Periodic storage checks made while parked.
	pub storage_checks: u64,
	/// Conflict, refusal and degraded warnings suppressed by the rate limit.
	pub suppressed_warnings: u64,
	/// Records published (included in a finalized block).
	pub records_published: u64,
	/// Records that failed (refused by the pool, failed in the block, or lost).
	pub record_failures: u64,
	/// Heartbeats sent (included in a finalized block).
	pub heartbeats_sent: u64,
	/// Heartbeats that failed.
	pub heartbeat_failures: u64,
	/// Failed records and heartbeats by call and class.
	pub discovery_failures: BTreeMap<(&'static str, &'static str), u64>,
}

#[derive(Debug, Default)]
struct Inner {
	status: Status,
	counters: Counters,
}

/// The shared state; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Shared(Arc<RwLock<Inner>>);

impl Shared {
	/// A new shared state with `status`.
	pub fn new(status: Status) -> Self {
		Self(Arc::new(RwLock::new(Inner { status, counters: Counters::default() })))
	}

	fn write<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
		let mut guard = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
		f(&mut guard)
	}

	fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> R {
		let guard = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
		f(&guard)
	}

	/// A copy of the status.
	pub fn status(&self) -> Status {
		self.read(|inner| inner.status.clone())
	}

	/// A copy of the counters.
	pub fn counters(&self) -> Counters {
		self.read(|inner| inner.counters.clone())
	}

	/// Changes the status.
	pub fn update(&self, f: impl FnOnce(&mut Status)) {
		self.write(|inner| f(&mut inner.status))
	}

	/// Counts an attempt of class `class`.
	pub fn count_attempt(&self, class: OutcomeClass) {
		self.write(|inner| *inner.counters.attempts.entry(class.label()).or_default() += 1)
	}

	/// Counts a submitted transaction.
	pub fn count_submission(&self) {
		self.write(|inner| inner.counters.submissions += 1)
	}

	/// Counts a re-arm for `reason`.
	pub fn count_rearm(&self, reason: RearmReason) {
		self.write(|inner| *inner.counters.rearms.entry(reason).or_default() += 1)
	}

	/// Counts a periodic storage check.
	pub fn count_storage_check(&self) {
		self.write(|inner| inner.counters.storage_checks += 1)
	}

	/// Counts a suppressed warning.
	pub fn count_suppressed_warning(&self) {
		self.write(|inner| inner.counters.suppressed_warnings += 1)
	}

	/// Counts a record publication that succeeded (`ok`) or failed.
	pub fn count_record(&self, ok: bool) {
		self.write(|inner| {
			let counter = if ok {
				&mut inner.counters.records_published
			} else {
				&mut inner.counters.record_failures
			};
			*counter += 1;
		})
	}
	/// Counts a heartbeat that succeeded (`ok`) or failed.
	pub fn count_heartbeat(&self, ok: bool) {
		self.write(|inner| {
			let counter = if ok {
				&mut inner.counters.heartbeats_sent
			} else {
				&mut inner.counters.heartbeat_failures
			};
			*counter += 1;
		})
	}
	/// Counts a failed record or heartbeat (`call`) of class `class`.
	pub fn count_discovery_failure(&self, call: DiscoveryCall, class: FailureClass) {
		self.write(|inner| {
			*inner.counters.discovery_failures.entry((call.label(), class.label())).or_default() +=
				1
		})
	}

	/// Whether `/readyz` answers ready: registered to this owner as of a finalized block.
	pub fn ready(&self) -> bool {
		self.read(|inner| {
			inner.status.registered
				&& inner.status.phase == Phase::Registered
				&& inner.status.confirmed_block.is_some()
		})
	}

	/// The metrics in the Prometheus text format (version 0.0.4).
	pub fn render_metrics(&self) -> String {
		let (status, counters) = self.read(|inner| (inner.status.clone(), inner.counters.clone()));
		let mut out = String::new();
		let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, u64)]| {
			let _ = writeln!(out, "# HELP {name} {help}");
			let _ = writeln!(out, "# TYPE {name} {kind}");
			for (labels, value) in samples {
				let _ = writeln!(out, "{name}{labels} {value}");
			}
		};
		let plain = |value: u64| vec![(String::new(), value)];
		metric(
			"registrar_registered",
			"gauge",
			"1 when the node is registered to this owner as of a finalized block.",
			&plain(u64::from(status.registered)),
		);
		metric(
			"registrar_ready",
			"gauge",
			"1 when /readyz answers ready.",
			&plain(u64::from(self.ready())),
		);
		let phases = [
			Phase::Starting,
			Phase::Registering,
			Phase::Registered,
			Phase::Conflict,
			Phase::Degraded,
			Phase::Backoff,
			Phase::Failed,
			Phase::OverBudget,
			Phase::Stopped,
		];
		let phase_samples: Vec<_> = phases
			.iter()
			.map(|p| {
				let name = serde_json::to_value(p)
					.ok()
					.and_then(|v| v.as_str().map(str::to_owned))
					.unwrap_or_default();
				(format!("{{phase=\"{name}\"}}"), u64::from(*p == status.phase))
			})
			.collect();
		metric(
			"registrar_phase",
			"gauge",
			"The loop's current phase (1 for the current one).",
			&phase_samples,
		);
		let attempts: Vec<_> = OutcomeClass::ALL
			.iter()
			.map(|c| {
				let label = c.label();
				(
					format!("{{outcome=\"{label}\"}}"),
					counters.attempts.get(label).copied().unwrap_or(0),
				)
			})
			.collect();
		metric(
			"registrar_attempts_total",
			"counter",
			"Registration attempts by outcome class.",
			&attempts,
		);
		metric(
			"registrar_submissions_total",
			"counter",
			"Registration transactions submitted.",
			&plain(counters.submissions),
		);
		let rearms: Vec<_> = RearmReason::ALL
			.iter()
			.map(|r| {
				let label = r.label();
				(format!("{{reason=\"{label}\"}}"), counters.rearms.get(r).copied().unwrap_or(0))
			})
			.collect();
		metric(
			"registrar_rearms_total",
			"counter",
			"Times the parked loop re-armed, by reason.",
			&rearms,
		);
		metric(
			"registrar_storage_checks_total",
			"counter",
			"Periodic storage checks made while parked.",
			&plain(counters.storage_checks),
		);
		metric(
			"registrar_suppressed_warnings_total",
			"counter",
			"Conflict warnings not logged because of the rate limit.",
			&plain(counters.suppressed_warnings),
		);
		metric(
			"registrar_retry_burst",
			"gauge",
			"Fast retries in the current burst.",
			&plain(u64::from(status.retry_burst)),
		);
		metric(
			"registrar_records_published_total",
			"counter",
			"Node records published (in a finalized block).",
			&plain(counters.records_published),
		);
		metric(
			"registrar_record_failures_total",
			"counter",
			"Node records that failed (refused, failed or lost).",
			&plain(counters.record_failures),
		);
		metric(
			"registrar_heartbeats_sent_total",
			"counter",
			"Heartbeats sent (in a finalized block).",
			&plain(counters.heartbeats_sent),
		);
		metric(
			"registrar_heartbeat_failures_total",
			"counter",
			"Heartbeats that failed (refused, failed or lost).",
			&plain(counters.heartbeat_failures),
		);
		let calls = [DiscoveryCall::Record, DiscoveryCall::Heartbeat];
		let by_class: Vec<_> = calls
			.iter()
			.flat_map(|call| FailureClass::ALL.iter().map(move |class| (call, class)))
			.map(|(call, class)| {
				let (call, class) = (call.label(), class.label());
				let count = counters.discovery_failures.get(&(call, class)).copied().unwrap_or(0);
				(format!("{{call=\"{call}\",class=\"{class}\"}}"), count)
			})
			.collect();
		metric(
			"registrar_discovery_failures_total",
			"counter",
			"Failed records and heartbeats by class: done, next_period, fast_retry, slow_retry, final.",
			&by_class,
		);
		let in_a_row =
			|retry: &Option<DiscoveryRetry>| u64::from(retry.as_ref().map_or(0, |r| r.failures));
		metric(
			"registrar_discovery_retry_failures",
			"gauge",
			"Failures in a row of records or heartbeats (0 after a success): their backoff's depth.",
			&[
				("{call=\"record\"}".to_owned(), in_a_row(&status.discovery.record_retry)),
				("{call=\"heartbeat\"}".to_owned(), in_a_row(&status.discovery.heartbeat_retry)),
			],
		);
		if let Some(period) = status.discovery.last_heartbeat_period {
			metric(
				"registrar_last_heartbeat_period",
				"gauge",
				"Liveness period of the node's last heartbeat on chain.",
				&plain(u64::from(period)),
			);
		}
		if let Some(seq) = status.discovery.record_seq {
			metric(
				"registrar_record_seq",
				"gauge",
				"Sequence number of the node's record on chain.",
				&plain(seq),
			);
		}
		if let Some(liveness) = &status.discovery.liveness {
			metric(
				"registrar_node_online",
				"gauge",
				"1 when the chain has the node online (heard from within OfflineAfterPeriods).",
				&plain(u64::from(liveness == "online")),
			);
		}
		if let Some(block) = status.last_finalized_block {
			metric(
				"registrar_last_finalized_block",
				"gauge",
				"Newest finalized block seen.",
				&plain(block),
			);
		}
		if let Some(lag) = status.finality_lag_blocks {
			metric(
				"registrar_finality_lag_blocks",
				"gauge",
				"Blocks the best block was ahead of the finalized one at the last attempt.",
				&plain(lag),
			);
		}
		if let Some(block) = status.consent_valid_until {
			metric(
				"registrar_consent_valid_until_block",
				"gauge",
				"Last block the owner's consent can be used in (consent mode only).",
				&plain(block),
			);
		}
		if let Some(block) = status.confirmed_block {
			metric(
				"registrar_confirmed_block",
				"gauge",
				"Finalized block at which the registration was last confirmed.",
				&plain(block),
			);
		}
		if let Some(block) = status.registered_at {
			metric(
				"registrar_registered_at_block",
				"gauge",
				"Block the node was registered in.",
				&plain(block),
			);
		}
		metric(
			"registrar_over_budget",
			"gauge",
			"1 while no paid transaction is submitted because the daily budget is spent.",
			&plain(u64::from(status.spending.over_budget)),
		);
		// Amounts in base units can pass u64: written as they are (Prometheus reads floats).
		let spending = &status.spending;
		let amounts = [
			(
				"registrar_spent_in_window_base_units",
				"Spent by paid transactions in the last 24 hours, in base units of the currency.",
				Some(spending.spent_in_window),
			),
			(
				"registrar_daily_budget_base_units",
				"The most paid transactions may spend in 24 hours, in base units of the currency.",
				spending.budget,
			),
		];
		for (name, help, value) in amounts {
			if let Some(value) = value {
				let _ = writeln!(out, "# HELP {name} {help}");
				let _ = writeln!(out, "# TYPE {name} gauge");
				let _ = writeln!(out, "{name} {value}");
			}
		}
		out
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ready_needs_a_confirmed_registration() {
		let shared = Shared::new(Status::default());
		assert!(!shared.ready());
		shared.update(|s| {
			s.registered = true;
			s.phase = Phase::Registered;
		});
		assert!(!shared.ready(), "no finalized confirmation yet");
		shared.update(|s| s.confirmed_block = Some(3));
		assert!(shared.ready());
		shared.update(|s| s.phase = Phase::Backoff);
		assert!(!shared.ready());
	}

	#[test]
	fn metrics_render_as_prometheus_text() {
		let shared = Shared::new(Status::default());
		shared.count_attempt(OutcomeClass::FastRetry);
		shared.count_attempt(OutcomeClass::FastRetry);
		shared.count_attempt(OutcomeClass::Registered);
		shared.count_rearm(RearmReason::Unregistered);
		shared.update(|s| s.last_finalized_block = Some(12));
		let text = shared.render_metrics();
		assert!(text.contains("registrar_attempts_total{outcome=\"fast_retry\"} 2\n"), "{text}");
		assert!(text.contains("registrar_attempts_total{outcome=\"conflict\"} 0\n"));
		assert!(text.contains("registrar_rearms_total{reason=\"unregistered\"} 1\n"));
		assert!(text.contains("registrar_phase{phase=\"starting\"} 1\n"));
		assert!(text.contains("registrar_last_finalized_block 12\n"));
		assert!(text.contains("registrar_phase{phase=\"failed\"} 0\n"), "{text}");
		assert!(text.contains("registrar_attempts_total{outcome=\"fatal\"} 0\n"), "{text}");
		assert!(!text.contains("registrar_finality_lag_blocks"), "{text}");
		assert!(text.contains("registrar_heartbeats_sent_total 0\n"), "{text}");
		assert!(!text.contains("registrar_last_heartbeat_period"), "{text}");
		shared.count_attempt(OutcomeClass::Fatal);
		shared.update(|s| {
			s.phase = Phase::Failed;
			s.finality_lag_blocks = Some(3);
		});
		shared.count_heartbeat(true);
		shared.count_heartbeat(true);
		shared.count_heartbeat(false);
		shared.count_record(true);
		shared.update(|s| {
			s.discovery.last_heartbeat_period = Some(41);
			s.discovery.record_seq = Some(3);
			s.discovery.liveness = Some("online".into());
		});
		let text = shared.render_metrics();
		assert!(text.contains("registrar_heartbeats_sent_total 2\n"), "{text}");
		assert!(text.contains("registrar_heartbeat_failures_total 1\n"), "{text}");
		assert!(text.contains("registrar_records_published_total 1\n"), "{text}");
		assert!(text.contains("registrar_record_failures_total 0\n"), "{text}");
		assert!(text.contains("registrar_last_heartbeat_period 41\n"), "{text}");
		assert!(text.contains("registrar_record_seq 3\n"), "{text}");
		assert!(text.contains("registrar_node_online 1\n"), "{text}");
		assert!(text.contains("registrar_phase{phase=\"failed\"} 1\n"), "{text}");
		assert!(text.contains("registrar_attempts_total{outcome=\"fatal\"} 1\n"), "{text}");
		assert!(text.contains("registrar_finality_lag_blocks 3\n"), "{text}");
		assert!(!shared.ready());
		assert!(text.contains("# TYPE registrar_registered gauge\n"));
		for line in text.lines().filter(|l| !l.starts_with('#')) {
			let value = line.rsplit(' ').next().unwrap();
			value.parse::<u64>().unwrap_or_else(|_| panic!("bad sample line {line}"));
		}
	}

	#[test]
	fn discovery_failures_are_counted_by_call_and_class_and_retries_in_a_row() {
		let shared = Shared::new(Status::default());
		let text = shared.render_metrics();
		for call in ["record", "heartbeat"] {
			for class in FailureClass::ALL {
				let label = class.label();
				let line = format!(
					"registrar_discovery_failures_total{{call=\"{call}\",class=\"{label}\"}} 0\n"
				);
				assert!(text.contains(&line), "{text}");
			}
			let line = format!("registrar_discovery_retry_failures{{call=\"{call}\"}} 0\n");
			assert!(text.contains(&line), "{text}");
		}
		shared.count_discovery_failure(DiscoveryCall::Heartbeat, FailureClass::SlowRetry);
		shared.count_discovery_failure(DiscoveryCall::Heartbeat, FailureClass::SlowRetry);
		shared.count_discovery_failure(DiscoveryCall::Record, FailureClass::Final);
		shared.update(|s| {
			s.discovery.heartbeat_retry = Some(DiscoveryRetry {
				class: "slow_retry".into(),
				failures: 2,
				wait_secs: 240,
				from_block: 29,
			})
		});
		let text = shared.render_metrics();
		for line in [
			"registrar_discovery_failures_total{call=\"heartbeat\",class=\"slow_retry\"} 2\n",
			"registrar_discovery_failures_total{call=\"record\",class=\"final\"} 1\n",
			"registrar_discovery_failures_total{call=\"record\",class=\"slow_retry\"} 0\n",
			"registrar_discovery_retry_failures{call=\"heartbeat\"} 2\n",
			"registrar_discovery_retry_failures{call=\"record\"} 0\n",
		] {
			assert!(text.contains(line), "{line}{text}");
		}
		let status = serde_json::to_value(shared.status()).unwrap();
		let retry = &status["discovery"]["heartbeat_retry"];
		assert_eq!(
			(retry["class"].as_str(), retry["wait_secs"].as_u64()),
			(Some("slow_retry"), Some(240))
		);
		assert!(status["discovery"].get("record_retry").is_none(), "{status}");
	}

	#[test]
	fn consent_mode_shows_the_submitter_and_the_consents_last_block() {
		let shared = Shared::new(Status::default());
		let text = shared.render_metrics();
		assert!(!text.contains("registrar_consent_valid_until_block"), "{text}");
		let owner_mode = serde_json::to_value(shared.status()).unwrap();
		assert!(
			owner_mode.get("submitter").is_none()
				&& owner_mode.get("consent_valid_until").is_none()
		);
		assert!(text.contains("registrar_rearms_total{reason=\"rotated\"} 0\n"), "{text}");
		shared.update(|s| {
			s.submitter = Some("5Submitter".into());
			s.consent_valid_until = Some(4321);
		});
		assert!(shared.render_metrics().contains("registrar_consent_valid_until_block 4321\n"));
		let status = serde_json::to_value(shared.status()).unwrap();
		assert_eq!(
			(status["submitter"].as_str(), status["consent_valid_until"].as_u64()),
			(Some("5Submitter"), Some(4321))
		);
	}
}
