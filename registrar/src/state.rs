//! The state directory: an OS file lock (one registrar per directory) and a state file that
//! survives restarts.
//!
//! - `registrar.lock` is locked with an exclusive OS lock (`flock` on Unix) for as long as the
//!   registrar runs; the OS drops it if the process dies. The lock file records its holder
//!   (process id and a random token). Releasing checks that the file at the path is still the
//!   one we locked and still names us before it clears the record; the file itself is never
//!   deleted (deleting it would let a second process lock a fresh file while a third still
//!   holds the old one).
//! - `state.json` is the last known registration state, written atomically (temporary file,
//!   `fsync`, rename).

use serde::{Deserialize, Serialize};
use std::{
	fs::{File, OpenOptions, TryLockError},
	io::{Read, Seek, SeekFrom, Write},
	os::unix::fs::MetadataExt,
	path::{Path, PathBuf},
};

/// Name of the lock file in the state directory.
pub const LOCK_FILE: &str = "registrar.lock";
/// Name of the state file in the state directory.
pub const STATE_FILE: &str = "state.json";
/// Version of the state file's format.
pub const STATE_VERSION: u32 = 1;

/// Errors of the state directory.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
	/// Another process (or another registrar in this one) holds the lock.
	#[error("state directory {dir} is locked by another registrar ({holder})")]
	Locked {
		/// The directory.
		dir: String,
		/// What the lock file says about its holder.
		holder: String,
	},
	/// The lock we release is not ours any more.
	#[error("lock file {0} was replaced or taken over; left it alone")]
	NotOwner(String),
	/// A filesystem error.
	#[error("{what} {path}: {source}")]
	Io {
		/// What was being done.
		what: &'static str,
		/// The path.
		path: String,
		/// The cause.
		source: std::io::Error,
	},
	/// The state file is not valid JSON of the expected shape.
	#[error("state file {path} is unreadable: {reason}")]
	Corrupt {
		/// The path.
		path: String,
		/// The parse error.
		reason: String,
	},
}

fn io_err<'a>(
	what: &'static str,
	path: &'a Path,
) -> impl FnOnce(std::io::Error) -> StateError + 'a {
	move |source| StateError::Io { what, path: path.display().to_string(), source }
}

/// An exclusive OS lock on a state directory, held until [`StateLock::release`] or drop.
#[derive(Debug)]
pub struct StateLock {
	file: File,
	path: PathBuf,
	record: String,
	released: bool,
}

impl StateLock {
	/// Creates `dir` if needed and locks it; fails at once with [`StateError::Locked`] when
	/// another registrar holds it.
	pub fn acquire(dir: &Path) -> Result<Self, StateError> {
		std::fs::create_dir_all(dir).map_err(io_err("cannot create state directory", dir))?;
		let path = dir.join(LOCK_FILE);
		let mut file = OpenOptions::new()
			.read(true)
			.write(true)
			.create(true)
			.truncate(false)
			.open(&path)
			.map_err(io_err("cannot open lock file", &path))?;
		match file.try_lock() {
			Ok(()) => {}
			Err(TryLockError::WouldBlock) => {
				let mut holder = String::new();
				let _ = file.read_to_string(&mut holder);
				let holder = holder.trim();
				return Err(StateError::Locked {
					dir: dir.display().to_string(),
					holder: if holder.is_empty() { "unknown holder".into() } else { holder.into() },
				});
			}
			Err(TryLockError::Error(source)) => {
				return Err(StateError::Io {
					what: "cannot lock",
					path: path.display().to_string(),
					source,
				})
			}
		}
		let token: [u8; 16] = rand::random();
		let record = format!("pid={} token={}", std::process::id(), hex::encode(token));
		file.set_len(0).map_err(io_err("cannot write lock file", &path))?;
		file.seek(SeekFrom::Start(0)).map_err(io_err("cannot write lock file", &path))?;
		file.write_all(format!("{record}\n").as_bytes())
			.and_then(|()| file.sync_all())
			.map_err(io_err("cannot write lock file", &path))?;
		Ok(Self { file, path, record, released: false })
	}

	/// The holder record written in the lock file (`pid=… token=…`).
	pub fn record(&self) -> &str {
		&self.record
	}

	/// Whether the lock file at the path is still the file we locked and still names us.
	pub fn is_owner(&self) -> bool {
		let ours = match self.file.metadata() {
			Ok(meta) => (meta.dev(), meta.ino()),
			Err(_) => return false,
		};
		let on_disk = match std::fs::metadata(&self.path) {
			Ok(meta) => (meta.dev(), meta.ino()),
			Err(_) => return false,
		};
		if ours != on_disk {
			return false;
		}
		std::fs::read_to_string(&self.path)
			.map(|content| content.trim() == self.record)
			.unwrap_or(false)
	}

	/// Clears the holder record (only if it is still ours) and unlocks.
	pub fn release(mut self) -> Result<(), StateError> {
		self.release_inner()
	}

	fn release_inner(&mut self) -> Result<(), StateError> {
		if self.released {
			return Ok(());
		}
		self.released = true;
		let owner = self.is_owner();
		if owner {
			self.file.set_len(0).map_err(io_err("cannot clear lock file", &self.path))?;
		}
		self.file.unlock().map_err(io_err("cannot unlock", &self.path))?;
		if owner {
			Ok(())
		} else {
			Err(StateError::NotOwner(self.path.display().to_string()))
		}
	}
}

impl Drop for StateLock {
	fn drop(&mut self) {
		if let Err(error) = self.release_inner() {
			tracing::warn!(%error, "releasing the state lock");
		}
	}
}

/// Where the registration stands, as persisted and as served on `/status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
	/// Not started yet, or reading the chain.
	#[default]
	Starting,
	/// Submitting a registration.
	Registering,
	/// Registered to this owner as of a finalized block; parked.
	Registered,
	/// The node or owner is registered to someone else.
	Conflict,
	/// Registered but degraded on chain.
	Degraded,
	/// Waiting before the next attempt.
	Backoff,
	/// Refused for good with this configuration (a fatal outcome): no more attempts until
	/// restarted.
	Failed,
	/// Shutting down.
	Stopped,
}

/// The state file's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PersistedState {
	/// Format version ([`STATE_VERSION`]).
	pub version: u32,
	/// The node's PeerId (base58).
	pub node_id: String,
	/// The owner account (SS58).
	pub owner: String,
	/// The phase when last written.
	pub phase: Phase,
	/// The block the node was registered in (the registry's `registered_at`).
	pub registered_at: Option<u64>,
	/// The finalized block at which the registration was last confirmed.
	pub confirmed_block: Option<u64>,
	/// That block's hash (`0x` hex).
	pub confirmed_hash: Option<String>,
	/// Registrations this registrar submitted successfully, over its lifetime.
	pub registrations: u64,
	/// Times the loop re-armed after being parked.
	pub rearms: u64,
	/// Class of the last attempt's outcome.
	pub last_outcome: Option<String>,
	/// The last error, if the last attempt failed.
	pub last_error: Option<String>,
	/// Unix time of the last write.
	pub updated_at: u64,
	/// The sequence number of the last record this registrar signed (the next one is above
	/// it and above the chain's).
	#[serde(default)]
	pub record_seq: u64,
	/// The period of the last heartbeat this registrar sent.
	#[serde(default)]
	pub last_heartbeat_period: Option<u32>,
}

impl PersistedState {
	/// Reads `dir/state.json`; `Ok(None)` when there is none yet.
	pub fn load(dir: &Path) -> Result<Option<Self>, StateError> {
		let path = dir.join(STATE_FILE);
		let text = match std::fs::read_to_string(&path) {
			Ok(text) => text,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(io_err("cannot read state file", &path)(e)),
		};
		serde_json::from_str(&text).map(Some).map_err(|e| StateError::Corrupt {
			path: path.display().to_string(),
			reason: e.to_string(),
		})
	}

	/// Writes `dir/state.json` atomically.
	pub fn save(&self, dir: &Path) -> Result<(), StateError> {
		let path = dir.join(STATE_FILE);
		let tmp = dir.join(format!("{STATE_FILE}.tmp"));
		let text = serde_json::to_string_pretty(self).map_err(|e| StateError::Corrupt {
			path: path.display().to_string(),
			reason: e.to_string(),
		})?;
		let mut file = File::create(&tmp).map_err(io_err("cannot write state file", &tmp))?;
		file.write_all(text.as_bytes())
			.and_then(|()| file.sync_all())
			.map_err(io_err("cannot write state file", &tmp))?;
		std::fs::rename(&tmp, &path).map_err(io_err("cannot replace state file", &path))?;
		Ok(())
	}
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_secs())
		.unwrap_or(0)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_second_lock_on_the_same_directory_is_refused_until_release() {
		let dir = tempfile::tempdir().unwrap();
		let first = StateLock::acquire(dir.path()).unwrap();
		assert!(first.is_owner());
		assert!(first.record().starts_with(&format!("pid={} ", std::process::id())));
		match StateLock::acquire(dir.path()) {
			Err(StateError::Locked { holder, .. }) => assert_eq!(holder, first.record()),
			other => panic!("expected Locked, got {other:?}"),
		}
		first.release().unwrap();
		let second = StateLock::acquire(dir.path()).unwrap();
		assert!(second.is_owner());
		drop(second);
		// Dropping releases too.
		StateLock::acquire(dir.path()).unwrap();
	}

	#[test]
	fn release_leaves_a_replaced_lock_file_alone() {
		let dir = tempfile::tempdir().unwrap();
		let lock = StateLock::acquire(dir.path()).unwrap();
		let path = dir.path().join(LOCK_FILE);
		// Someone removes the file and another registrar locks a fresh one.
		std::fs::remove_file(&path).unwrap();
		let other = StateLock::acquire(dir.path()).unwrap();
		assert!(!lock.is_owner());
		assert!(matches!(lock.release(), Err(StateError::NotOwner(_))));
		// The other registrar's record is intact and it still holds its lock.
		assert_eq!(std::fs::read_to_string(&path).unwrap().trim(), other.record());
		assert!(other.is_owner());
		assert!(matches!(StateLock::acquire(dir.path()), Err(StateError::Locked { .. })));
	}

	#[test]
	fn release_leaves_an_overwritten_record_alone() {
		let dir = tempfile::tempdir().unwrap();
		let lock = StateLock::acquire(dir.path()).unwrap();
		let path = dir.path().join(LOCK_FILE);
		std::fs::write(&path, "pid=1 token=someone-else\n").unwrap();
		assert!(!lock.is_owner());
		assert!(matches!(lock.release(), Err(StateError::NotOwner(_))));
		assert_eq!(std::fs::read_to_string(&path).unwrap(), "pid=1 token=someone-else\n");
	}

	#[test]
	fn the_lock_is_refused_to_another_process() {
		let dir = tempfile::tempdir().unwrap();
		let _lock = StateLock::acquire(dir.path()).unwrap();
		// flock(1) from util-linux, when present, tries the same lock from another process.
		let path = dir.path().join(LOCK_FILE);
		match std::process::Command::new("flock").arg("-n").arg(&path).arg("true").status() {
			Ok(status) => assert!(!status.success(), "another process got the lock"),
			Err(_) => eprintln!("flock(1) not installed; cross-process check skipped"),
		}
	}

	#[test]
	fn state_file_round_trips_and_is_absent_at_first() {
		let dir = tempfile::tempdir().unwrap();
		assert_eq!(PersistedState::load(dir.path()).unwrap(), None);
		let state = PersistedState {
			version: STATE_VERSION,
			node_id: "12D3KooW".into(),
			owner: "5Grw".into(),
			phase: Phase::Registered,
			registered_at: Some(7),
			confirmed_block: Some(9),
			confirmed_hash: Some("0xab".into()),
			registrations: 1,
			rearms: 2,
			last_outcome: Some("registered".into()),
			last_error: None,
			updated_at: unix_now(),
			record_seq: 4,
			last_heartbeat_period: Some(12),
		};
		state.save(dir.path()).unwrap();
		assert_eq!(PersistedState::load(dir.path()).unwrap(), Some(state.clone()));
		// A state file written before records and heartbeats existed still reads.
		let mut old = serde_json::to_value(&state).unwrap();
		let object = old.as_object_mut().unwrap();
		object.remove("record_seq");
		object.remove("last_heartbeat_period");
		std::fs::write(dir.path().join(STATE_FILE), old.to_string()).unwrap();
		let read = PersistedState::load(dir.path()).unwrap().unwrap();
		assert_eq!((read.record_seq, read.last_heartbeat_period), (0, None));
		assert_eq!(read.registrations, state.registrations);
		std::fs::write(dir.path().join(STATE_FILE), "{not json").unwrap();
		assert!(matches!(PersistedState::load(dir.path()), Err(StateError::Corrupt { .. })));
	}
}
