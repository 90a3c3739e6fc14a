//! Externalities that count storage access the way the bencher's database backend does.
//!
//! frame-benchmarking asks the externalities for read and write counts, the keys touched and a
//! whitelist; test externalities do not keep them. [`CountingExt`] wraps the current
//! externalities, forwards every operation and keeps those counts: the first read of a key not
//! yet read or written counts as a read, later ones as repeat reads; likewise for writes.
//! `reset_read_write_count` (called by the benchmark right before the measured code) starts the
//! count afresh. `commit` and `wipe` need no work: every run gets fresh externalities.

use sp_externalities::{Extension, ExtensionStore, Externalities, MultiRemovalResults};
use sp_storage::{ChildInfo, StateVersion, TrackedStorageKey};
use std::{any::Any, collections::BTreeMap};

#[derive(Default, Clone, Copy)]
struct KeyCount {
	reads: u32,
	writes: u32,
	/// The key was read before this run wrote it: the value came from the database.
	read_first: bool,
}

/// Counting wrapper around the current externalities.
pub struct CountingExt<'a> {
	inner: &'a mut dyn Externalities,
	keys: BTreeMap<Vec<u8>, KeyCount>,
	counts: (u32, u32, u32, u32),
	whitelist: Vec<TrackedStorageKey>,
}

impl CountingExt<'_> {
	fn whitelisted(&self, key: &[u8]) -> bool {
		self.whitelist.iter().any(|w| w.key == key)
	}

	fn read(&mut self, key: &[u8]) {
		if self.whitelisted(key) {
			return;
		}
		let entry = self.keys.entry(key.to_vec()).or_default();
		if entry.reads == 0 && entry.writes == 0 {
			self.counts.0 += 1;
			entry.read_first = true;
		} else {
			self.counts.1 += 1;
		}
		entry.reads += 1;
	}

	fn write(&mut self, key: &[u8]) {
		if self.whitelisted(key) {
			return;
		}
		let entry = self.keys.entry(key.to_vec()).or_default();
		if entry.writes == 0 {
			self.counts.2 += 1;
		} else {
			self.counts.3 += 1;
		}
		entry.writes += 1;
	}
}

/// Runs `f` with the current externalities wrapped in a [`CountingExt`].
pub fn with_counting<R>(f: impl FnOnce() -> R) -> R {
	sp_externalities::with_externalities(|inner| {
		let mut counting = CountingExt {
			inner,
			keys: BTreeMap::new(),
			counts: (0, 0, 0, 0),
			whitelist: Vec::new(),
		};
		sp_externalities::set_and_run_with_externalities(&mut counting, f)
	})
	.expect("called inside externalities")
}

impl ExtensionStore for CountingExt<'_> {
	fn extension_by_type_id(&mut self, type_id: core::any::TypeId) -> Option<&mut dyn Any> {
		self.inner.extension_by_type_id(type_id)
	}

	fn register_extension_with_type_id(
		&mut self,
		type_id: core::any::TypeId,
		extension: Box<dyn Extension>,
	) -> Result<(), sp_externalities::Error> {
		self.inner.register_extension_with_type_id(type_id, extension)
	}

	fn deregister_extension_by_type_id(
		&mut self,
		type_id: core::any::TypeId,
	) -> Result<(), sp_externalities::Error> {
		self.inner.deregister_extension_by_type_id(type_id)
	}
}

impl Externalities for CountingExt<'_> {
	fn set_offchain_storage(&mut self, key: &[u8], value: Option<&[u8]>) {
		self.inner.set_offchain_storage(key, value)
	}

	fn storage(&mut self, key: &[u8]) -> Option<Vec<u8>> {
		self.read(key);
		self.inner.storage(key)
	}

	fn storage_hash(&mut self, key: &[u8]) -> Option<Vec<u8>> {
		self.read(key);
		self.inner.storage_hash(key)
	}

	fn child_storage_hash(&mut self, child_info: &ChildInfo, key: &[u8]) -> Option<Vec<u8>> {
		self.read(key);
		self.inner.child_storage_hash(child_info, key)
	}

	fn child_storage(&mut self, child_info: &ChildInfo, key: &[u8]) -> Option<Vec<u8>> {
		self.read(key);
		self.inner.child_storage(child_info, key)
	}

	fn exists_storage(&mut self, key: &[u8]) -> bool {
		self.read(key);
		self.inner.exists_storage(key)
	}

	fn next_storage_key(&mut self, key: &[u8]) -> Option<Vec<u8>> {
		let next = self.inner.next_storage_key(key);
		if let Some(next) = &next {
			self.read(next);
		}
		next
	}

	fn next_child_storage_key(&mut self, child_info: &ChildInfo, key: &[u8]) -> Option<Vec<u8>> {
		self.inner.next_child_storage_key(child_info, key)
	}

	fn kill_child_storage(
		&mut self,
		child_info: &ChildInfo,
		maybe_limit: Option<u32>,
		maybe_cursor: Option<&[u8]>,
	) -> MultiRemovalResults {
		self.inner.kill_child_storage(child_info, maybe_limit, maybe_cursor)
	}

	fn clear_prefix(
		&mut self,
		prefix: &[u8],
		maybe_limit: Option<u32>,
		maybe_cursor: Option<&[u8]>,
	) -> MultiRemovalResults {
		let result = self.inner.clear_prefix(prefix, maybe_limit, maybe_cursor);
		for _ in 0..result.loops {
			self.write(prefix);
		}
		result
	}

	fn clear_child_prefix(
		&mut self,
		child_info: &ChildInfo,
		prefix: &[u8],
		maybe_limit: Option<u32>,
		maybe_cursor: Option<&[u8]>,
	) -> MultiRemovalResults {
		self.inner.clear_child_prefix(child_info, prefix, maybe_limit, maybe_cursor)
	}

	fn place_storage(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
		self.write(&key);
		self.inner.place_storage(key, value)
	}

	fn place_child_storage(
		&mut self,
		child_info: &ChildInfo,
		key: Vec<u8>,
		value: Option<Vec<u8>>,
	) {
		self.write(&key);
		self.inner.place_child_storage(child_info, key, value)
	}

	fn storage_root(&mut self, state_version: StateVersion) -> Vec<u8> {
		self.inner.storage_root(state_version)
	}

	fn child_storage_root(
		&mut self,
		child_info: &ChildInfo,
		state_version: StateVersion,
	) -> Vec<u8> {
		self.inner.child_storage_root(child_info, state_version)
	}

	fn storage_append(&mut self, key: Vec<u8>, value: Vec<u8>) {
		self.write(&key);
		self.inner.storage_append(key, value)
	}

	fn storage_start_transaction(&mut self) {
		self.inner.storage_start_transaction()
	}

	fn storage_rollback_transaction(&mut self) -> Result<(), ()> {
		self.inner.storage_rollback_transaction()
	}

	fn storage_commit_transaction(&mut self) -> Result<(), ()> {
		self.inner.storage_commit_transaction()
	}

	fn wipe(&mut self) {}

	fn commit(&mut self) {}

	fn read_write_count(&self) -> (u32, u32, u32, u32) {
		self.counts
	}

	fn reset_read_write_count(&mut self) {
		self.counts = (0, 0, 0, 0);
		self.keys.clear();
	}

	fn get_whitelist(&self) -> Vec<TrackedStorageKey> {
		self.whitelist.clone()
	}

	fn set_whitelist(&mut self, new: Vec<TrackedStorageKey>) {
		self.whitelist = new;
	}

	fn get_read_and_written_keys(&self) -> Vec<(Vec<u8>, u32, u32, bool)> {
		self.keys
			.iter()
			// Reads of a value this run wrote first never reach the database or the proof.
			.map(|(key, c)| {
				let reads = if c.read_first { c.reads } else { 0 };
				(key.clone(), reads, c.writes, self.whitelisted(key))
			})
			.collect()
	}
}
