//! The state directory: an OS file lock (one registrar per directory) and a state file that
//! survives restarts.
//!
//! - The directory is made private (`0700`) when the registrar creates it, and refused when it
//!   is not a directory, is owned by another user than the one the registrar runs as, or can be
//!   written by its group or by others ([`check_dir`]): whoever can write it could replace the
//!   lock or the state file.
//! - Its files are opened without following symbolic links (`O_NOFOLLOW`), must be regular
//!   files, and are created private (`0600`), so that a link planted in the directory cannot
//!   make the registrar read or overwrite another file.
//! - `registrar.lock` is locked with an exclusive OS lock (`flock` on Unix) for as long as the
//!   registrar runs; the OS drops it if the process dies. The lock file records its holder
//!   (process id and a random token). Releasing checks that the file at the path is still the
//!   one we locked and still names us before it clears the record; the file itself is never
//!   deleted (deleting it would let a second process lock a fresh file while a third still
//!   holds the old one).
//! - `state.json` is the last known registration state, written atomically (a fresh temporary
//!   file, `fsync`, rename).

use serde::{Deserialize, Serialize};
use std::{
	fs::{File, OpenOptions, TryLockError},
	io::{Read, Seek, SeekFrom, Write},
	os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt},
	path::{Path, PathBuf},
};

/// Name of the lock file in the state directory.
pub const LOCK_FILE: &str = "registrar.lock";
/// Name of the state file in the state directory.
pub const STATE_FILE: &str = "state.json";
/// Version of the state file's format.
pub const STATE_VERSION: u32 = 1;
/// The mode of the files the registrar creates in the state directory: its user's alone.
pub const FILE_MODE: u32 = 0o600;
/// The mode of a state directory the registrar creates: its user's alone.
pub const DIR_MODE: u32 = 0o700;

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
	/// A file of the state directory is a symbolic link or not a regular file.
	#[error("{path} is {what}, not a regular file: the registrar does not follow links in its state directory; remove it")]
	NotAFile {
		/// The path.
		path: String,
		/// What it is.
		what: &'static str,
	},
	/// The state directory is not private enough to trust its files.
	#[error("state directory {dir}: {reason}")]
	Insecure {
		/// The directory.
		dir: String,
		/// Why, and what to do.
		reason: String,
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
	move |source| {
		if source.raw_os_error() == Some(libc::ELOOP) {
			// O_NOFOLLOW's answer for a symbolic link.
			return StateError::NotAFile {
				path: path.display().to_string(),
				what: "a symbolic link",
			};
		}
		StateError::Io { what, path: path.display().to_string(), source }
	}
}

/// Opens `path` with `options`, never through a symbolic link, and checks that it is a regular
/// file (not a FIFO or a device, which could block or mislead a read).
fn open_file(
	options: &mut OpenOptions,
	path: &Path,
	what: &'static str,
) -> Result<File, StateError> {
	let file = options
		.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
		.mode(FILE_MODE)
		.open(path)
		.map_err(io_err(what, path))?;
	let meta = file.metadata().map_err(io_err(what, path))?;
	if !meta.is_file() {
		return Err(StateError::NotAFile {
			path: path.display().to_string(),
			what: "not a regular file",
		});
	}
	Ok(file)
}

/// The effective user id of this process.
fn effective_uid() -> u32 {
	// SAFETY: geteuid(2) has no preconditions, cannot fail and touches no memory of ours.
	unsafe { libc::geteuid() }
}

/// Creates `dir` when missing (private: [`DIR_MODE`], as are the parents it creates) and
/// checks it: a directory (a link to one is followed), owned by the user this process runs as,
/// and writable by nobody else (no group or other write bit). Whoever else could write it
/// could replace the lock or the state file.
pub fn check_dir(dir: &Path) -> Result<(), StateError> {
	std::fs::DirBuilder::new()
		.recursive(true)
		.mode(DIR_MODE)
		.create(dir)
		.map_err(io_err("cannot create state directory", dir))?;
	let meta = std::fs::metadata(dir).map_err(io_err("cannot read state directory", dir))?;
	let insecure = |reason: String| StateError::Insecure { dir: dir.display().to_string(), reason };
	if !meta.is_dir() {
		return Err(insecure("not a directory".into()));
	}
	let uid = effective_uid();
	if meta.uid() != uid {
		return Err(insecure(format!(
			"owned by uid {owner}, but the registrar runs as uid {uid}: give it a directory of \
			 its own (chown {uid} {path}; chmod 700 {path})",
			owner = meta.uid(),
			path = dir.display()
		)));
	}
	let mode = meta.permissions().mode() & 0o7777;
	if mode & 0o022 != 0 {
		return Err(insecure(format!(
			"mode {mode:04o} lets other users write in it (they could replace the lock or the \
			 state file): chmod 700 {}",
			dir.display()
		)));
	}
	Ok(())
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
	/// Creates `dir` if needed, checks it ([`check_dir`]) and locks it; fails at once with
	/// [`StateError::Locked`] when another registrar holds it. The lock file is opened without
	/// following links, created private, and made private when an older registrar left it
	/// readable by others.
	pub fn acquire(dir: &Path) -> Result<Self, StateError> {
		check_dir(dir)?;
		let path = dir.join(LOCK_FILE);
		let mut file = open_file(
			OpenOptions::new().read(true).write(true).create(true).truncate(false),
			&path,
			"cannot open lock file",
		)?;
		let mode = file.metadata().map_err(io_err("cannot open lock file", &path))?.mode();
		if mode & 0o077 != 0 {
			file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))
				.map_err(io_err("cannot make the lock file private", &path))?;
		}
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

	/// Whether the lock file at the path (itself, not a link) is still the file we locked and
	/// still names us.
	pub fn is_owner(&self) -> bool {
		let ours = match self.file.metadata() {
			Ok(meta) => (meta.dev(), meta.ino()),
			Err(_) => return false,
		};
		let on_disk = match std::fs::symlink_metadata(&self.path) {
			Ok(meta) => (meta.dev(), meta.ino()),
			Err(_) => return false,
		};
		if ours != on_disk {
			return false;
		}
		// The same file: read it through our own handle.
		let mut content = String::new();
		let mut file = &self.file;
		file.seek(SeekFrom::Start(0)).is_ok()
			&& file.read_to_string(&mut content).is_ok()
			&& content.trim() == self.record
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
	/// The daily budget is spent: no paid transaction is submitted until the window frees
	/// room ([`crate::budget`]).
	OverBudget,
	/// Refused for good with this configuration (a fatal outcome): nothing is submitted again
	/// (a refusal of a submitted registration is remembered: [`RefusedRegistration`]).
	Failed,
	/// Shutting down.
	Stopped,
}

/// A registration the chain refused for good after the registrar paid for its transaction (a
/// fatal outcome of a submission), remembered so that a restart with the same configuration
/// does not pay for the same refusal again: while the chain reads as it did, nothing is
/// submitted (`service::run` says how it is checked and forgotten).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRegistration {
	/// The fingerprint of the configuration it was refused with
	/// ([`crate::RegistrationConfig::fingerprint`]): another configuration is not held back.
	pub config: String,
	/// The pallet error's name, when the chain named one.
	pub pallet_error: Option<String>,
	/// What the chain said.
	pub detail: String,
	/// Unix time of the refusal.
	pub at: u64,
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
	/// it, and above the chain's, within a day of the host's clock:
	/// [`crate::judge::discovery::next_seq`]).
	#[serde(default)]
	pub record_seq: u64,
	/// The period of the last heartbeat this registrar sent.
	#[serde(default)]
	pub last_heartbeat_period: Option<u32>,
	/// The registration the chain last refused for good, while it is remembered.
	#[serde(default)]
	pub refused: Option<RefusedRegistration>,
	/// The genesis hash (`0x` hex) of the chain this registrar signs for, pinned at its first
	/// start ([`crate::genesis`]): a later start refuses another.
	#[serde(default)]
	pub genesis_hash: Option<String>,
	/// The paid transactions of the last 24 hours, with what they cost ([`crate::budget`]).
	#[serde(default)]
	pub spending: crate::budget::Spending,
}

impl PersistedState {
	/// Reads `dir/state.json` (never through a link); `Ok(None)` when there is none yet.
	pub fn load(dir: &Path) -> Result<Option<Self>, StateError> {
		let path = dir.join(STATE_FILE);
		let what = "cannot read state file";
		let mut file = match open_file(OpenOptions::new().read(true), &path, what) {
			Ok(file) => file,
			Err(StateError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
				return Ok(None)
			}
			Err(error) => return Err(error),
		};
		let mut text = String::new();
		file.read_to_string(&mut text).map_err(io_err(what, &path))?;
		serde_json::from_str(&text).map(Some).map_err(|e| StateError::Corrupt {
			path: path.display().to_string(),
			reason: e.to_string(),
		})
	}

	/// Writes `dir/state.json` atomically: a fresh private temporary file (whatever stood at
	/// its name, a link included, is removed first, never written through), `fsync`, rename.
	pub fn save(&self, dir: &Path) -> Result<(), StateError> {
		let path = dir.join(STATE_FILE);
		let tmp = dir.join(format!("{STATE_FILE}.tmp"));
		let text = serde_json::to_string_pretty(self).map_err(|e| StateError::Corrupt {
			path: path.display().to_string(),
			reason: e.to_string(),
		})?;
		match std::fs::remove_file(&tmp) {
			Ok(()) => {}
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
			Err(e) => return Err(io_err("cannot remove the old temporary state file", &tmp)(e)),
		}
		let what = "cannot write state file";
		let mut file = open_file(OpenOptions::new().write(true).create_new(true), &tmp, what)?;
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

	fn mode(path: &Path) -> u32 {
		std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
	}

	fn state() -> PersistedState {
		PersistedState { version: STATE_VERSION, node_id: "12D3KooW".into(), ..Default::default() }
	}

	/// Issue 30, finding 6: the directory was created 0755 and its files 0644.
	#[test]
	fn the_directory_and_its_files_are_created_private() {
		let parent = tempfile::tempdir().unwrap();
		let dir = parent.path().join("registrar");
		let lock = StateLock::acquire(&dir).unwrap();
		assert_eq!(mode(&dir), DIR_MODE);
		assert_eq!(mode(&dir.join(LOCK_FILE)), FILE_MODE);
		state().save(&dir).unwrap();
		assert_eq!(mode(&dir.join(STATE_FILE)), FILE_MODE);
		drop(lock);
		// A lock file an older registrar left readable by all is made private.
		std::fs::set_permissions(dir.join(LOCK_FILE), std::fs::Permissions::from_mode(0o644))
			.unwrap();
		let _lock = StateLock::acquire(&dir).unwrap();
		assert_eq!(mode(&dir.join(LOCK_FILE)), FILE_MODE);
	}

	/// Issue 30, finding 6: the files were opened by name, following links, so a link planted
	/// in the directory made the registrar overwrite (or read) the file it points to.
	#[test]
	fn links_in_the_state_directory_are_never_followed() {
		let dir = tempfile::tempdir().unwrap();
		let elsewhere = tempfile::tempdir().unwrap();
		let victim = elsewhere.path().join("victim");
		std::fs::write(&victim, "keep me\n").unwrap();
		let link = |name: &str| {
			let path = dir.path().join(name);
			let _ = std::fs::remove_file(&path);
			std::os::unix::fs::symlink(&victim, &path).unwrap();
		};
		// The temporary file's name: replaced, not written through.
		link(&format!("{STATE_FILE}.tmp"));
		state().save(dir.path()).unwrap();
		assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
		assert!(std::fs::symlink_metadata(dir.path().join(STATE_FILE)).unwrap().is_file());
		assert_eq!(PersistedState::load(dir.path()).unwrap(), Some(state()));
		// The state file itself: not read.
		link(STATE_FILE);
		match PersistedState::load(dir.path()) {
			Err(StateError::NotAFile { what, .. }) => assert_eq!(what, "a symbolic link"),
			other => panic!("expected NotAFile, got {other:?}"),
		}
		// The lock file: not opened, so not truncated.
		link(LOCK_FILE);
		assert!(matches!(StateLock::acquire(dir.path()), Err(StateError::NotAFile { .. })));
		assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
		// A FIFO is no state file either.
		let fifo = dir.path().join(STATE_FILE);
		std::fs::remove_file(&fifo).unwrap();
		let made = std::process::Command::new("mkfifo").arg(&fifo).status();
		if made.is_ok_and(|status| status.success()) {
			// (O_NONBLOCK is not set, but the check comes after an open that a FIFO without a
			// writer would block: open it for writing too, so the open returns.)
			let _writer = OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
			assert!(matches!(
				PersistedState::load(dir.path()),
				Err(StateError::NotAFile { what: "not a regular file", .. })
			));
		}
	}

	/// Issue 30, finding 6: the directory's owner and mode were never checked.
	#[test]
	fn a_directory_others_can_write_or_another_user_owns_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		for writable in [0o777, 0o770, 0o702, 0o1777] {
			std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(writable))
				.unwrap();
			match StateLock::acquire(dir.path()) {
				Err(StateError::Insecure { reason, .. }) => {
					assert!(reason.contains("chmod 700"), "{reason}")
				}
				other => panic!("mode {writable:o}: expected Insecure, got {other:?}"),
			}
		}
		// Readable by others is the operator's choice (the files in it are private).
		std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
		drop(StateLock::acquire(dir.path()).unwrap());
		// Not a directory.
		let file = dir.path().join("file");
		std::fs::write(&file, "").unwrap();
		assert!(StateLock::acquire(&file).is_err());
		// Another user's (only root can give a directory away).
		if effective_uid() == 0 {
			std::os::unix::fs::chown(dir.path(), Some(65534), None).unwrap();
			match StateLock::acquire(dir.path()) {
				Err(StateError::Insecure { reason, .. }) => {
					assert!(reason.contains("owned by uid 65534"), "{reason}")
				}
				other => panic!("expected Insecure, got {other:?}"),
			}
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
			refused: Some(RefusedRegistration {
				config: "ab".repeat(32),
				pallet_error: Some("InvalidSignature".into()),
				detail: "Registration.InvalidSignature".into(),
				at: 1_750_000_000,
			}),
			genesis_hash: Some(format!("0x{}", "45".repeat(32))),
			spending: crate::budget::Spending {
				entries: vec![crate::budget::Spend {
					at: 1_750_000_000,
					amount: 1_010_000_000_000_000_000,
					estimated: false,
				}],
			},
		};
		state.save(dir.path()).unwrap();
		assert_eq!(PersistedState::load(dir.path()).unwrap(), Some(state.clone()));
		// A state file written before records and heartbeats existed still reads.
		let mut old = serde_json::to_value(&state).unwrap();
		let object = old.as_object_mut().unwrap();
		object.remove("record_seq");
		object.remove("last_heartbeat_period");
		object.remove("refused");
		object.remove("genesis_hash");
		object.remove("spending");
		std::fs::write(dir.path().join(STATE_FILE), old.to_string()).unwrap();
		let read = PersistedState::load(dir.path()).unwrap().unwrap();
		assert_eq!((read.record_seq, read.last_heartbeat_period), (0, None));
		assert_eq!(read.refused, None);
		assert_eq!(read.genesis_hash, None);
		assert!(read.spending.entries.is_empty());
		assert_eq!(read.registrations, state.registrations);
		std::fs::write(dir.path().join(STATE_FILE), "{not json").unwrap();
		assert!(matches!(PersistedState::load(dir.path()), Err(StateError::Corrupt { .. })));
	}
}
