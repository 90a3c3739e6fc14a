//! Waiting between attempts: exponential backoff with jitter for fast retries, a full interval
//! for conflicts, a full interval doubling up to a cap for slow retries in a row, and a limit on
//! how often a repeated warning is logged.

use crate::outcome::OutcomeClass;
use std::time::{Duration, Instant};

/// Fast-retry delays before jitter, in seconds; the last repeats.
pub const FAST_RETRY_STEPS: [u64; 6] = [2, 4, 8, 16, 32, 60];

/// Smallest jitter factor.
pub const JITTER_MIN: f64 = 0.8;
/// Largest jitter factor.
pub const JITTER_MAX: f64 = 1.2;

/// The default cap of the slow-retry wait: 4 hours.
pub const DEFAULT_SLOW_RETRY_CAP: Duration = Duration::from_secs(4 * 3600);

/// Decides how long to wait after each failed attempt.
#[derive(Clone, Debug)]
pub struct Backoff {
	interval: Duration,
	max_retry: i64,
	slow_cap: Duration,
	/// Fast retries in the current burst.
	burst: u32,
	/// Slow retries since the last success.
	slow_streak: u32,
}

impl Backoff {
	/// A backoff whose full interval is `interval` and whose bursts of fast retries are at most
	/// `max_retry` long (`-1`: unbounded); slow retries in a row wait up to
	/// [`DEFAULT_SLOW_RETRY_CAP`].
	pub fn new(interval: Duration, max_retry: i64) -> Self {
		Self { interval, max_retry, slow_cap: DEFAULT_SLOW_RETRY_CAP, burst: 0, slow_streak: 0 }
	}

	/// The same with slow retries capped at `cap` (at least the interval: a cap equal to the
	/// interval keeps every slow retry at the interval).
	pub fn with_slow_retry_cap(mut self, cap: Duration) -> Self {
		self.slow_cap = cap;
		self
	}

	/// Forgets the failures so far (after a success).
	pub fn reset(&mut self) {
		self.burst = 0;
		self.slow_streak = 0;
	}

	/// Fast retries in the current burst.
	pub fn burst(&self) -> u32 {
		self.burst
	}

	/// Slow retries since the last success.
	pub fn slow_streak(&self) -> u32 {
		self.slow_streak
	}

	/// The full interval, unchanged by failures (ends a burst of fast retries).
	pub fn full_interval(&mut self) -> Duration {
		self.burst = 0;
		self.interval
	}

	/// The wait after an attempt of class `class`, with `jitter` in `0.0..=1.0` mapped onto
	/// `JITTER_MIN..=JITTER_MAX` (fast retries only).
	pub fn next_delay(&mut self, class: OutcomeClass, jitter: f64) -> Duration {
		match class {
			OutcomeClass::Registered => {
				self.reset();
				Duration::ZERO
			}
			OutcomeClass::Conflict | OutcomeClass::Fatal => self.full_interval(),
			OutcomeClass::SlowRetry => {
				// The interval, doubled for every slow retry since the last success, within the
				// cap: a refusal that lasts (stake, balance, cooldown...) is retried a few times a
				// day instead of every interval.
				self.burst = 0;
				let factor = 2u32.saturating_pow(self.slow_streak.min(31));
				self.slow_streak = self.slow_streak.saturating_add(1);
				self.interval.saturating_mul(factor).min(self.slow_cap.max(self.interval))
			}
			OutcomeClass::FastRetry => {
				let bounded = self.max_retry >= 0;
				if bounded && i64::from(self.burst) >= self.max_retry {
					// The burst is spent: fall back to the interval, then start a new burst.
					return self.full_interval();
				}
				let step = FAST_RETRY_STEPS
					.get(self.burst as usize)
					.or(FAST_RETRY_STEPS.last())
					.copied()
					.unwrap_or(60);
				self.burst = self.burst.saturating_add(1);
				let factor = JITTER_MIN + (JITTER_MAX - JITTER_MIN) * jitter.clamp(0.0, 1.0);
				Duration::from_secs_f64(step as f64 * factor)
			}
		}
	}

	/// [`Self::next_delay`] with a random jitter.
	pub fn next_delay_random(&mut self, class: OutcomeClass) -> Duration {
		self.next_delay(class, rand::random::<f64>())
	}
}

/// Lets a repeated warning through at most once per period.
#[derive(Clone, Debug)]
pub struct LogLimiter {
	period: Duration,
	last: Option<Instant>,
}

impl LogLimiter {
	/// A limiter with `period` between two logged warnings.
	pub fn new(period: Duration) -> Self {
		Self { period, last: None }
	}

	/// Whether to log now (and if so, starts a new period).
	pub fn allow(&mut self, now: Instant) -> bool {
		match self.last {
			Some(last) if now.saturating_duration_since(last) < self.period => false,
			_ => {
				self.last = Some(now);
				true
			}
		}
	}

	/// Lets the next warning through (after the situation changed).
	pub fn reset(&mut self) {
		self.last = None;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn fast_retries_double_up_to_a_minute_within_jitter_bounds() {
		let mut backoff = Backoff::new(Duration::from_secs(120), -1);
		for (i, base) in [2u64, 4, 8, 16, 32, 60, 60, 60, 60].iter().enumerate() {
			let low = backoff.clone().next_delay(OutcomeClass::FastRetry, 0.0);
			let high = backoff.clone().next_delay(OutcomeClass::FastRetry, 1.0);
			let random = backoff.next_delay_random(OutcomeClass::FastRetry);
			let base = *base as f64;
			assert!((low.as_secs_f64() - base * 0.8).abs() < 1e-9, "step {i}: {low:?}");
			assert!((high.as_secs_f64() - base * 1.2).abs() < 1e-9, "step {i}: {high:?}");
			assert!(random >= low && random <= high, "step {i}: {random:?}");
		}
	}

	#[test]
	fn conflicts_and_slow_retries_wait_the_interval_and_reset_the_burst() {
		let interval = Duration::from_secs(120);
		let mut backoff = Backoff::new(interval, -1);
		backoff.next_delay(OutcomeClass::FastRetry, 0.5);
		backoff.next_delay(OutcomeClass::FastRetry, 0.5);
		assert_eq!(backoff.burst(), 2);
		assert_eq!(backoff.next_delay(OutcomeClass::Conflict, 0.5), interval);
		assert_eq!(backoff.next_delay(OutcomeClass::SlowRetry, 0.0), interval);
		assert_eq!(backoff.burst(), 0);
		assert_eq!(backoff.next_delay(OutcomeClass::FastRetry, 0.5), Duration::from_secs(2));
		assert_eq!(backoff.next_delay(OutcomeClass::Registered, 0.5), Duration::ZERO);
		assert_eq!(backoff.burst(), 0);
	}

	#[test]
	fn slow_retries_in_a_row_double_up_to_the_cap_and_reset_on_success() {
		let interval = Duration::from_secs(120);
		let cap = Duration::from_secs(4 * 3600);
		let mut backoff = Backoff::new(interval, -1);
		let secs: Vec<u64> =
			(0..10).map(|_| backoff.next_delay(OutcomeClass::SlowRetry, 0.5).as_secs()).collect();
		assert_eq!(secs, vec![120, 240, 480, 960, 1920, 3840, 7680, 14400, 14400, 14400]);
		assert_eq!(backoff.slow_streak(), 10);
		// Fast retries and conflicts in between do not restart the growth.
		backoff.next_delay(OutcomeClass::FastRetry, 0.5);
		assert_eq!(backoff.next_delay(OutcomeClass::Conflict, 0.5), interval);
		assert_eq!(backoff.next_delay(OutcomeClass::SlowRetry, 0.5), cap);
		// A success does.
		assert_eq!(backoff.next_delay(OutcomeClass::Registered, 0.5), Duration::ZERO);
		assert_eq!(backoff.next_delay(OutcomeClass::SlowRetry, 0.5), interval);
		backoff.reset();
		assert_eq!(backoff.next_delay(OutcomeClass::SlowRetry, 0.5), interval);
		// Far past the cap nothing overflows.
		let mut long = Backoff::new(interval, -1).with_slow_retry_cap(Duration::MAX);
		for _ in 0..100 {
			assert!(long.next_delay(OutcomeClass::SlowRetry, 0.5) >= interval);
		}
		// A cap at the interval keeps every slow retry at the interval.
		let mut flat = Backoff::new(interval, -1).with_slow_retry_cap(interval);
		for _ in 0..5 {
			assert_eq!(flat.next_delay(OutcomeClass::SlowRetry, 0.5), interval);
		}
	}

	#[test]
	fn max_retry_bounds_a_burst_then_falls_back_to_the_interval() {
		let interval = Duration::from_secs(30);
		let mut backoff = Backoff::new(interval, 3);
		let delays: Vec<_> =
			(0..8).map(|_| backoff.next_delay(OutcomeClass::FastRetry, 0.5)).collect();
		let secs: Vec<u64> = delays.iter().map(|d| d.as_secs()).collect();
		assert_eq!(secs, vec![2, 4, 8, 30, 2, 4, 8, 30]);
		let mut none = Backoff::new(interval, 0);
		assert_eq!(none.next_delay(OutcomeClass::FastRetry, 0.5), interval);
	}

	#[test]
	fn log_limiter_lets_one_warning_through_per_period() {
		let mut limiter = LogLimiter::new(Duration::from_secs(180));
		let start = Instant::now();
		assert!(limiter.allow(start));
		assert!(!limiter.allow(start + Duration::from_secs(10)));
		assert!(!limiter.allow(start + Duration::from_secs(179)));
		assert!(limiter.allow(start + Duration::from_secs(180)));
		limiter.reset();
		assert!(limiter.allow(start + Duration::from_secs(181)));
	}
}
