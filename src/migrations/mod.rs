//! Storage migrations.
//!
//! [`LazyMigrationToV3`] brings a chain that runs the reference pallet (storage version 0), this
//! pallet before its discovery indexes (storage version 1) or before fleets (storage version 2)
//! to storage version 3, as a
//! multi-block migration (`pallet-migrations`): bounded, weighed steps that resume from a
//! cursor, safe on a registry of any size. The repository's `docs/upgrading.md` says how to add it
//! to a runtime and what it changes.

#[cfg(feature = "try-runtime")]
mod checks;
mod rules;
mod v0;
mod v3;

pub use v3::{LazyMigrationToV3, MigrationCursor, MigrationPhase, MAX_CURSOR_KEY_LEN};

#[cfg(feature = "runtime-benchmarks")]
pub(crate) use v0::{put_v0, v0_prefix, NodeInfoV0, V0_MAX_WHITELIST};
#[cfg(feature = "runtime-benchmarks")]
pub(crate) use v3::Migrator;
