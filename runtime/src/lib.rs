//! A development runtime around the registration pallet.
//!
//! Primitive types are those of the reference chain: 32-byte accounts from `MultiSignature`,
//! `u64` block numbers, `u128` balances with 18 decimals and 6-second blocks. Besides the
//! registration pallet (as `Registration`) it has what a local chain driven by polkadot.js needs:
//! timestamp, balances, transaction payment, sudo (root calls), a minimal pallet-staking (so
//! validators can bond) and pallet-proxy (reports through a proxy). It has no consensus pallets:
//! blocks are produced by chopsticks (see `scripts/chain.sh`).

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime!` and `impl_runtime_apis!` expand to more than clippy likes.
#![allow(clippy::new_without_default, clippy::too_many_arguments)]

extern crate alloc;

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod genesis;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_election_provider_support::NoElection;
use frame_support::{
	derive_impl,
	genesis_builder_helper::{build_state, get_preset},
	parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, ConstU8, InstanceFilter},
	weights::{
		constants::{RocksDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		ConstantMultiplier, Weight,
	},
	PalletId,
};
use frame_system::{limits::BlockWeights, EnsureRoot};
use pallet_transaction_payment::{FungibleAdapter, RuntimeDispatchInfo};
use scale_info::TypeInfo;
use sp_api::impl_runtime_apis;
use sp_core::OpaqueMetadata;
use sp_runtime::{
	generic,
	traits::{BlakeTwo256, Block as BlockT, IdentifyAccount, Verify},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult, MultiAddress, MultiSignature, Perbill,
};
use sp_version::RuntimeVersion;

/// A signature of an extrinsic.
pub type Signature = MultiSignature;
/// An account id: 32 bytes, from the signature's signer.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// A balance: 18 decimals.
pub type Balance = u128;
/// A block number.
pub type BlockNumber = u64;
/// An account's transaction index.
pub type Nonce = u32;
/// A hash.
pub type Hash = sp_core::H256;
/// The address format of extrinsics.
pub type Address = MultiAddress<AccountId, ()>;
/// The block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// The transaction extensions, checked in this order.
pub type TxExtension = (
	// First: general transactions of calls with `#[pallet::authorize]` (the registry's fee-less
	// records and heartbeats) are validated by the call itself and dispatched as `Authorized`.
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	// Last: gives back to the block the weight the extensions above refund after `CheckWeight`
	// counted it (`ChargeTransactionPayment` refunds all of its own for a transaction without a
	// signer, a general fee-less record or heartbeat). No data in the transaction.
	frame_system::WeightReclaim<Runtime>,
);
/// An extrinsic as it arrives.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// A block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// Dispatches blocks to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
>;

/// One unit of the currency.
pub const UNIT: Balance = 1_000_000_000_000_000_000;
/// Transaction fee per picosecond of weight: 5·10⁻¹² UNIT, so a millisecond costs 0.005 UNIT.
pub const FEE_PER_PICOSECOND: Balance = 5_000_000;
/// Transaction fee per byte of an extrinsic: 10⁻⁶ UNIT.
pub const FEE_PER_BYTE: Balance = UNIT / 1_000_000;
/// Milliseconds per block.
pub const MILLISECS_PER_BLOCK: u64 = 6_000;
/// Blocks per minute.
pub const MINUTES: BlockNumber = 60_000 / MILLISECS_PER_BLOCK;
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Declares [`VERSION`] with `spec_version` `$spec_version` (`#[runtime_version]` reads the fields
/// as literals, so the two builds below differ by the literal passed).
macro_rules! runtime_version {
	($spec_version:tt) => {
		/// The runtime's version.
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("registration-dev"),
			impl_name: alloc::borrow::Cow::Borrowed("registration-dev"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: RUNTIME_API_VERSIONS,
			transaction_version: 1,
			system_version: 1,
		};
	};
}

// The dev chain runs spec_version 1. `build.rs` also builds the same runtime with the feature
// `next-spec-version` (spec_version 2): the wasm a chain is upgraded to in the end-to-end test
// of a runtime upgrade (`e2e/test/upgrade.test.mjs`).
#[cfg(not(feature = "next-spec-version"))]
runtime_version!(1);
#[cfg(feature = "next-spec-version")]
runtime_version!(2);

/// The dev runtime built with `spec_version` 2 (see `build.rs`): `WASM_BINARY` is the wasm a
/// chain of this runtime upgrades to in the end-to-end test.
#[cfg(feature = "std")]
pub mod next_spec {
	include!(concat!(env!("OUT_DIR"), "/registration_dev_runtime_next_spec"));
}

#[frame_support::runtime]
mod runtime {
	/// The runtime.
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	/// Accounts, blocks, events.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	/// The block timestamp (chopsticks sets it in every block).
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	/// Balances.
	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;
	/// Transaction fees.
	#[runtime::pallet_index(3)]
	pub type TransactionPayment = pallet_transaction_payment;
	/// Root calls from a dev key.
	#[runtime::pallet_index(4)]
	pub type Sudo = pallet_sudo;
	/// Bonding of validator stake.
	#[runtime::pallet_index(5)]
	pub type Staking = pallet_staking;
	/// Proxies (deregistration reports through a proxy).
	#[runtime::pallet_index(6)]
	pub type Proxy = pallet_proxy;
	/// The node registry.
	#[runtime::pallet_index(7)]
	pub type Registration = pallet_registration;
	/// Multi-block migrations (the registry's migration from the reference layout).
	#[runtime::pallet_index(8)]
	pub type MultiBlockMigrations = pallet_migrations;
}

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const Version: RuntimeVersion = VERSION;
	/// Two seconds of compute per 6-second block, and a 5 MiB proof.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(2 * WEIGHT_REF_TIME_PER_SECOND, 5 * 1024 * 1024),
		NORMAL_DISPATCH_RATIO,
	);
	pub RuntimeBlockLength: frame_system::limits::BlockLength =
		frame_system::limits::BlockLength::builder()
			.max_length(5 * 1024 * 1024)
			.modify_max_length_for_class(frame_support::dispatch::DispatchClass::Normal, |max| {
				*max = NORMAL_DISPATCH_RATIO * *max
			})
			.build();
	pub const SS58Prefix: u16 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = ConstU64<2400>;
	type DbWeight = RocksDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	/// While a migration runs, blocks hold only inherents and the migration's step.
	type MultiBlockMigrator = MultiBlockMigrations;
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = ConstU64<{ MILLISECS_PER_BLOCK / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<{ UNIT / 1_000 }>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = ConstU32<8>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	/// Priced so that spam costs something: a registration (about 2.3 ms of weight with its
	/// database accesses, and 535 bytes) pays about 0.01 UNIT (see the test below).
	type WeightToFee = ConstantMultiplier<Balance, ConstU128<FEE_PER_PICOSECOND>>;
	type LengthToFee = ConstantMultiplier<Balance, ConstU128<FEE_PER_BYTE>>;
	type FeeMultiplierUpdate = ();
	type WeightInfo = ();
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

type NoElectionOf = NoElection<(AccountId, BlockNumber, Staking, ConstU32<100>, ConstU32<64>)>;

parameter_types! {
	pub const SessionsPerEra: sp_staking::SessionIndex = 6;
	pub const BondingDuration: sp_staking::EraIndex = 28;
}

/// Only what a development chain needs: accounts can bond, unbond and nominate; there are no
/// elections or rewards (blocks come from chopsticks, not from validators).
impl pallet_staking::Config for Runtime {
	type OldCurrency = Balances;
	type Currency = Balances;
	type CurrencyBalance = Balance;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = Timestamp;
	type CurrencyToVote = sp_staking::currency_to_vote::U128CurrencyToVote;
	type ElectionProvider = NoElectionOf;
	type GenesisElectionProvider = NoElectionOf;
	type NominationsQuota = pallet_staking::FixedNominationsQuota<16>;
	type HistoryDepth = ConstU32<84>;
	type RewardRemainder = ();
	type RuntimeEvent = RuntimeEvent;
	type Slash = ();
	type Reward = ();
	type SessionsPerEra = SessionsPerEra;
	type BondingDuration = BondingDuration;
	type SlashDeferDuration = ();
	type AdminOrigin = EnsureRoot<AccountId>;
	type SessionInterface = ();
	type EraPayout = ();
	type NextNewSession = ();
	type MaxExposurePageSize = ConstU32<64>;
	type MaxValidatorSet = ConstU32<100>;
	type VoterList = pallet_staking::UseNominatorsAndValidatorsMap<Self>;
	type TargetList = pallet_staking::UseValidatorsMap<Self>;
	type MaxUnlockingChunks = ConstU32<32>;
	type MaxControllersInDeprecationBatch = ConstU32<100>;
	type EventListeners = ();
	type Filter = frame_support::traits::Nothing;
	type BenchmarkingConfig = StakingBenchmarkingConfig;
	type WeightInfo = ();
}

/// Sizes pallet-staking's own benchmarks would use (this runtime does not run them).
pub struct StakingBenchmarkingConfig;
impl pallet_staking::BenchmarkingConfig for StakingBenchmarkingConfig {
	type MaxValidators = ConstU32<100>;
	type MaxNominators = ConstU32<100>;
}

/// What a proxy may do for its account.
#[derive(
	Copy,
	Clone,
	Eq,
	PartialEq,
	Ord,
	PartialOrd,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	MaxEncodedLen,
	TypeInfo,
	Default,
)]
pub enum ProxyType {
	/// Anything.
	#[default]
	Any,
	/// Only deregistration reports: a validator's reporting key.
	Reporting,
}

impl InstanceFilter<RuntimeCall> for ProxyType {
	fn filter(&self, call: &RuntimeCall) -> bool {
		match self {
			ProxyType::Any => true,
			ProxyType::Reporting => matches!(
				call,
				RuntimeCall::Registration(
					pallet_registration::Call::submit_deregistration_report { .. }
				)
			),
		}
	}

	fn is_superset(&self, other: &Self) -> bool {
		self == &ProxyType::Any || self == other
	}
}

impl pallet_proxy::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type ProxyType = ProxyType;
	type ProxyDepositBase = ConstU128<{ UNIT / 100 }>;
	type ProxyDepositFactor = ConstU128<{ UNIT / 100 }>;
	type MaxProxies = ConstU32<32>;
	type WeightInfo = pallet_proxy::weights::SubstrateWeight<Runtime>;
	type MaxPending = ConstU32<32>;
	type CallHasher = BlakeTwo256;
	type AnnouncementDepositBase = ConstU128<{ UNIT / 100 }>;
	type AnnouncementDepositFactor = ConstU128<{ UNIT / 100 }>;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const RegistrationPalletId: PalletId = PalletId(*b"py/nodrg");
	pub const ConsensusShare: Perbill = Perbill::from_percent(50);
	/// A fifth of the block's compute and proof: a full tally (64 nodes removed, each with its
	/// record, bond and fleet entries) is charged about two thirds of it, and the sweep needs
	/// the rest to check `MAX_NODES` nodes in time (`integrity_test` checks both).
	pub RegistrationHookBudget: Weight = Perbill::from_percent(20) * RuntimeBlockWeights::get().max_block;
}

/// Registration constants of the development chain (short periods, so that tests and people
/// trying it see cooldowns and rounds end).
pub mod registration {
	use super::*;
	/// Blocks a removed node and its owner wait: 2 minutes.
	pub const COOLDOWN: BlockNumber = 2 * MINUTES;
	/// A deregistration round: 10 blocks (1 minute).
	pub const CONSENSUS_PERIOD: BlockNumber = 10;
	/// Validator stake needed: 1,000 units.
	pub const STAKE_THRESHOLD: Balance = 1_000 * UNIT;
	/// Initial fee of every node type: 1 unit.
	pub const INITIAL_FEE: Balance = UNIT;
	/// Longest challenge lifetime: 10 minutes.
	pub const MAX_CHALLENGE_LIFETIME: BlockNumber = 10 * MINUTES;
	/// An ownership offer stays open for an hour.
	pub const OFFER_LIFETIME: BlockNumber = HOURS;
	/// An owner consent may be valid for up to 30 days ahead.
	pub const MAX_CONSENT_LIFETIME: BlockNumber = 30 * DAYS;
	/// Revoked consents kept per owner.
	pub const MAX_REVOKED_CONSENTS: u32 = 16;
	/// A liveness period: 10 blocks (1 minute), so the dev chain's tests see nodes go offline
	/// quickly; a production chain would use an hour or so.
	pub const HEARTBEAT_PERIOD: BlockNumber = 10;
	/// A node is `Offline` after 2 silent periods.
	pub const OFFLINE_AFTER_PERIODS: u32 = 2;
	/// Most validator nodes: 32, so each may be the first to report 2 of a round's 64 nodes.
	pub const MAX_VALIDATORS: u32 = 32;
	/// The most nodes: what the hook budget's sweep checks in time with 10-block liveness
	/// periods (`Registration::sweep_capacity`, checked by `integrity_test`). Longer periods
	/// carry more: hourly ones about 60 times as many.
	#[cfg(not(feature = "runtime-benchmarks"))]
	pub const MAX_NODES: u32 = 1_400;
	/// The benchmarks measure registration with 100,000 nodes stored, so that the generated
	/// weights hold for registries up to that size (and over-charge this runtime's 1,400): the
	/// runtime they run in has room for them.
	#[cfg(feature = "runtime-benchmarks")]
	pub const MAX_NODES: u32 = 1_000_000;
	/// The most nodes per owner (a fleet); 1 in the reference's rules (feature
	/// `reference-rules`, the configuration the reference chain's SDK is tested against).
	#[cfg(not(feature = "reference-rules"))]
	pub const MAX_NODES_PER_OWNER: u32 = 16;
	/// The most nodes per owner in the reference's rules: one.
	#[cfg(feature = "reference-rules")]
	pub const MAX_NODES_PER_OWNER: u32 = 1;
	/// The deposit (bond) of compute and GPU miners at genesis: 10 units; none in the
	/// reference's rules.
	#[cfg(not(feature = "reference-rules"))]
	pub const DEPOSIT: Balance = 10 * UNIT;
	/// No deposit in the reference's rules.
	#[cfg(feature = "reference-rules")]
	pub const DEPOSIT: Balance = 0;
}

parameter_types! {
	/// A consensus removal slashes half of the node's bond.
	pub const BondSlashShare: Perbill = Perbill::from_percent(50);
	/// Slashed bonds go to the registry's account (where fees go).
	pub RegistrationAccount: AccountId =
		sp_runtime::traits::AccountIdConversion::into_account_truncating(&RegistrationPalletId::get());
}

impl pallet_registration::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type OnBondSlashed =
		frame_support::traits::tokens::imbalance::ResolveTo<RegistrationAccount, Balances>;
	type MaxNodesPerOwner = ConstU32<{ registration::MAX_NODES_PER_OWNER }>;
	type BondSlashShare = BondSlashShare;
	type Staking = Staking;
	type ForceOrigin = EnsureRoot<AccountId>;
	type FeeOrigin = EnsureRoot<AccountId>;
	type Eligibility = ();
	type OnNodeUnregistered = ();
	type ReporterResolver = ();
	type Credits = ();
	type OnNodeOffline = ();
	type OwnerSignature = Signature;
	type InitialNodeTypeFee =
		pallet_registration::UniformInitialFee<ConstU128<{ registration::INITIAL_FEE }>>;
	type PalletId = RegistrationPalletId;
	type NodeCooldownPeriod = ConstU64<{ registration::COOLDOWN }>;
	type MaxConsentLifetime = ConstU64<{ registration::MAX_CONSENT_LIFETIME }>;
	type MaxRevokedConsents = ConstU32<{ registration::MAX_REVOKED_CONSENTS }>;
	type OwnershipOfferLifetime = ConstU64<{ registration::OFFER_LIFETIME }>;
	type MaxDeregRequestsPerPeriod = ConstU32<10>;
	type ReportCounterClearInterval = ConstU64<{ HOURS }>;
	type ConsensusThreshold = ConstU32<2>;
	type ConsensusShare = ConsensusShare;
	type ConsensusPeriod = ConstU64<{ registration::CONSENSUS_PERIOD }>;
	type BlocksPerDay = ConstU64<DAYS>;
	type MinerStakeThreshold = ConstU128<{ registration::STAKE_THRESHOLD }>;
	type MinNodeTypeFee = ConstU128<{ UNIT / 100 }>;
	type MaxNodeTypeFee = ConstU128<{ 10_000 * UNIT }>;
	type MaxChallengeLifetime = ConstU64<{ registration::MAX_CHALLENGE_LIFETIME }>;
	type MaxWhitelistedValidators = ConstU32<256>;
	type MaxNodesPerReport = ConstU32<16>;
	type MaxReportsPerRound = ConstU32<64>;
	type MaxReportedNodesPerRound = ConstU32<64>;
	type MaxValidators = ConstU32<{ registration::MAX_VALIDATORS }>;
	type MaxNodes = ConstU32<{ registration::MAX_NODES }>;
	type HookWeightBudget = RegistrationHookBudget;
	type MaxAddresses = ConstU32<8>;
	type MaxAddressLen = ConstU32<128>;
	type MaxVersionLen = ConstU32<64>;
	type MaxCapabilities = ConstU32<16>;
	type MaxCapabilityLen = ConstU32<64>;
	type HeartbeatPeriod = ConstU64<{ registration::HEARTBEAT_PERIOD }>;
	type OfflineAfterPeriods = ConstU32<{ registration::OFFLINE_AFTER_PERIODS }>;
	type MaxPageSize = ConstU32<100>;
	// Heartbeats rank high, as im-online's did; records rank below every paid transaction.
	type HeartbeatPriority =
		ConstU64<{ sp_runtime::transaction_validity::TransactionPriority::MAX / 2 }>;
	type RecordPriority = ConstU64<0>;
	type WeightInfo = pallet_registration::weights::SubstrateWeight<Runtime>;
	type BenchmarkHelper = ();
}

parameter_types! {
	/// What migrations may use of each block: 80% of its compute and proof.
	pub MbmServiceWeight: Weight = Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

/// Runs the registry's migration from the reference pallet's layout (storage version 0) or
/// from version 1, step by step, after a runtime upgrade. On a chain at version 2 (a fresh dev
/// chain: genesis stores the pallet's version) it ends in its first step without a change.
impl pallet_migrations::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	#[cfg(not(feature = "runtime-benchmarks"))]
	type Migrations = (
		pallet_registration::migrations::LazyMigrationToV3<
			Runtime,
			pallet_registration::weights::SubstrateWeight<Runtime>,
		>,
	);
	// pallet-migrations' own benchmarks (not run here) need mocked migrations.
	#[cfg(feature = "runtime-benchmarks")]
	type Migrations = pallet_migrations::mock_helpers::MockedMigrations;
	/// The registry migration's cursor encodes in at most 275 bytes.
	type CursorMaxLen = ConstU32<512>;
	/// Its identifier in 21 (`("pallet-registration", 0, 2)`).
	type IdentifierMaxLen = ConstU32<64>;
	type MigrationStatusHandler = ();
	/// A failed migration leaves the chain stuck (transactions stay out) for governance to fix.
	type FailedMigrationHandler = frame_support::migrations::FreezeChainOnFailedMigration;
	type MaxServiceWeight = MbmServiceWeight;
	type WeightInfo = pallet_migrations::weights::SubstrateWeight<Runtime>;
}

#[cfg(feature = "runtime-benchmarks")]
mod benches {
	frame_benchmarking::define_benchmarks!([pallet_registration, Registration]);
}

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}

		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}

		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}

		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, genesis::preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			genesis::preset_names()
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::WhitelistedStorageKeys;

			let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::traits::Hooks;

	#[test]
	fn constants_pass_the_pallets_integrity_tests() {
		sp_io::TestExternalities::default().execute_with(|| {
			<Registration as Hooks<BlockNumber>>::integrity_test();
			// The migration's cursor and identifier fit, the service weight fits in a block,
			// and `frame_system` knows the migrator.
			<MultiBlockMigrations as Hooks<BlockNumber>>::integrity_test();
		});
	}

	/// The state a chain of this runtime starts with.
	fn genesis() -> sp_io::TestExternalities {
		use sp_runtime::BuildStorage;
		RuntimeGenesisConfig::default().build_storage().expect("genesis builds").into()
	}

	/// Builds block `number` as a node would: initialize (a runtime upgrade runs its hooks
	/// here), the timestamp inherent, finalize (a multi-block migration steps here, after the
	/// inherents). Returns whether the block could hold transactions, and its events.
	fn build_block(number: BlockNumber) -> (sp_runtime::ExtrinsicInclusionMode, Vec<RuntimeEvent>) {
		use sp_runtime::traits::Header as _;
		let parent = System::block_hash(number - 1);
		let header =
			Header::new(number, Default::default(), Default::default(), parent, Default::default());
		let mode = Executive::initialize_block(&header);
		let timestamp = RuntimeCall::Timestamp(pallet_timestamp::Call::set {
			now: number * MILLISECS_PER_BLOCK,
		});
		Executive::apply_extrinsic(UncheckedExtrinsic::new_bare(timestamp))
			.expect("the inherent applies")
			.expect("the inherent succeeds");
		Executive::finalize_block();
		(mode, System::events().into_iter().map(|record| record.event).collect())
	}

	/// Makes the next block run the runtime upgrade hooks, as after `set_code`.
	fn upgrade_pending() {
		let mut older = VERSION;
		older.spec_version = 0;
		frame_system::LastRuntimeUpgrade::<Runtime>::put(
			frame_system::LastRuntimeUpgradeInfo::from(older),
		);
	}

	/// Every key and value under the registry pallet's prefix.
	fn registry_storage() -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
		let prefix = sp_io::hashing::twox_128(b"Registration").to_vec();
		let mut entries = Vec::new();
		let mut from = prefix.clone();
		while let Some(key) = sp_io::storage::next_key(&from).filter(|k| k.starts_with(&prefix)) {
			entries.push((key.clone(), frame_support::storage::unhashed::get_raw(&key)));
			from = key;
		}
		entries
	}

	fn migrations_event(event: pallet_migrations::Event<Runtime>) -> RuntimeEvent {
		RuntimeEvent::MultiBlockMigrations(event)
	}

	#[test]
	fn a_fresh_chain_is_at_the_registrys_storage_version_and_upgrades_without_a_change() {
		use frame_support::traits::{GetStorageVersion, StorageVersion};
		use sp_runtime::ExtrinsicInclusionMode::{AllExtrinsics, OnlyInherents};
		// Blocks 1 and 2 of a fresh chain, with or without a runtime upgrade before block 2.
		let two_blocks = |upgrade: bool| {
			genesis().execute_with(|| {
				assert_eq!(Registration::on_chain_storage_version(), StorageVersion::new(3));
				assert_eq!(
					Registration::on_chain_storage_version(),
					Registration::in_code_storage_version()
				);
				let (mode, events) = build_block(1);
				assert_eq!(mode, AllExtrinsics);
				assert!(
					!events
						.iter()
						.any(|event| matches!(event, RuntimeEvent::MultiBlockMigrations(_))),
					"no upgrade, no migration: {events:?}"
				);
				if upgrade {
					upgrade_pending();
				}
				let (mode, events) = build_block(2);
				(mode, events, registry_storage(), build_block(3).0)
			})
		};
		let (_, _, registry_without_upgrade, _) = two_blocks(false);
		let (mode, events, registry, next_mode) = two_blocks(true);
		// pallet-migrations took block 2: the migration ended in its first step.
		assert_eq!(mode, OnlyInherents);
		assert!(events.contains(&migrations_event(pallet_migrations::Event::UpgradeStarted {
			migrations: 1
		})));
		assert!(events.iter().any(|event| matches!(
			event,
			RuntimeEvent::MultiBlockMigrations(pallet_migrations::Event::MigrationCompleted {
				index: 0,
				..
			})
		)));
		assert!(events.contains(&migrations_event(pallet_migrations::Event::UpgradeCompleted)));
		assert!(
			!events.iter().any(|event| matches!(event, RuntimeEvent::Registration(_))),
			"the registry migration did nothing: {events:?}"
		);
		assert_eq!(registry, registry_without_upgrade, "the registry is as without the upgrade");
		assert_eq!(next_mode, AllExtrinsics);
	}

	#[test]
	fn a_chain_in_the_reference_layout_migrates_after_an_upgrade() {
		use frame_support::traits::{GetStorageVersion, StorageVersion};
		use pallet_registration::{NodeType, Status};
		use sp_core::Pair as _;
		genesis().execute_with(|| {
			build_block(1);
			// The reference's layout: no storage version, one node keyed by its raw PeerId.
			let _ = frame_support::storage::unhashed::clear_prefix(
				&sp_io::hashing::twox_128(b"Registration"),
				None,
				None,
			);
			let key = sp_core::ed25519::Pair::from_seed(&[7; 32]);
			let raw_peer_id = [&[0u8, 0x24, 0x08, 0x01, 0x12, 0x20][..], &key.public().0].concat();
			let owner = AccountId::new([9; 32]);
			let record =
				(raw_peer_id.clone(), NodeType::StorageMiner, Status::Online, 1u64, owner.clone());
			let encoded_key = raw_peer_id.encode();
			let storage_key = [
				&frame_support::storage::storage_prefix(
					b"Registration",
					b"ColdkeyNodeRegistrationV2",
				)[..],
				&sp_io::hashing::blake2_128(&encoded_key),
				&encoded_key,
			]
			.concat();
			frame_support::storage::unhashed::put_raw(&storage_key, &record.encode());
			assert_eq!(Registration::on_chain_storage_version(), StorageVersion::new(0));

			upgrade_pending();
			let (mode, events) = build_block(2);
			assert_eq!(mode, sp_runtime::ExtrinsicInclusionMode::OnlyInherents);
			assert!(events.contains(&RuntimeEvent::Registration(
				pallet_registration::Event::MigrationCompleted { from_version: 0, nodes: 1 }
			)));
			assert!(events.contains(&migrations_event(pallet_migrations::Event::UpgradeCompleted)));
			assert_eq!(Registration::on_chain_storage_version(), StorageVersion::new(3));
			// Re-keyed by the base58 text, which the owner index names.
			let node_id = pallet_registration::OwnerToNode::<Runtime>::get(&owner)
				.expect("the owner index is rebuilt")
				.into_inner();
			assert_eq!(node_id.len(), 1);
			assert!(frame_support::storage::unhashed::get_raw(&storage_key).is_none());
			assert_eq!(
				pallet_registration::ColdkeyNodeRegistrationV2::<Runtime>::get(&node_id[0])
					.map(|node| node.owner),
				Some(owner)
			);
			assert_eq!(build_block(3).0, sp_runtime::ExtrinsicInclusionMode::AllExtrinsics);
		});
	}

	/// The runtime's transaction extensions for a signed transaction of `era` and `nonce`, with
	/// no tip.
	fn tx_extension(era: sp_runtime::generic::Era, nonce: Nonce) -> TxExtension {
		(
			frame_system::AuthorizeCall::new(),
			frame_system::CheckNonZeroSender::new(),
			frame_system::CheckSpecVersion::new(),
			frame_system::CheckTxVersion::new(),
			frame_system::CheckGenesis::new(),
			frame_system::CheckEra::from(era),
			frame_system::CheckNonce::from(nonce),
			frame_system::CheckWeight::new(),
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
			frame_system::WeightReclaim::new(),
		)
	}

	/// A registration as the SDK sends it (base58 node id, 200-byte challenge), signed: the
	/// transaction fee it pays, printed, within 0.005..=0.02 UNIT.
	#[test]
	fn a_registration_pays_about_a_hundredth_of_a_unit() {
		use frame_support::dispatch::GetDispatchInfo;
		use frame_support::BoundedVec;
		use pallet_registration::{Libp2pKeyType, NodeType};
		let account = AccountId::new([1; 32]);
		let call =
			RuntimeCall::Registration(pallet_registration::Call::register_node_with_coldkey {
				node_type: NodeType::StorageMiner,
				node_id: BoundedVec::truncate_from(vec![b'1'; 52]),
				pay_in_credits: false,
				owner: account.clone(),
				main_key_type: Libp2pKeyType::Ed25519,
				main_public_key: BoundedVec::truncate_from(vec![0; 32]),
				main_sig: BoundedVec::truncate_from(vec![0; 64]),
				challenge_bytes: BoundedVec::truncate_from(vec![0; 200]),
				node_id_hex: BoundedVec::truncate_from(vec![0; 38]),
			});
		let extension = tx_extension(sp_runtime::generic::Era::mortal(64, 0), 0);
		let signature = MultiSignature::Sr25519(sp_core::sr25519::Signature::from_raw([0; 64]));
		let extrinsic =
			UncheckedExtrinsic::new_signed(call.clone(), account.into(), signature, extension);
		let length = extrinsic.encode().len() as u32;
		sp_io::TestExternalities::default().execute_with(|| {
			let fee = TransactionPayment::compute_fee(length, &call.get_dispatch_info(), 0);
			println!("registration: {length} bytes, fee {fee} ({} UNIT)", fee as f64 / UNIT as f64);
			assert!((UNIT / 200..=UNIT / 50).contains(&fee), "fee {fee} is not about 0.01 UNIT");
		});
	}

	/// Every call sits in blocks, pools and queues as a `RuntimeCall`: the consent and rotation
	/// calls box their large parameters so that the enum stays small (printed).
	#[test]
	fn a_runtime_call_stays_small() {
		let size = core::mem::size_of::<RuntimeCall>();
		println!("RuntimeCall: {size} bytes");
		assert!(size <= 256, "RuntimeCall is {size} bytes");
	}

	/// A node of key seed `seed`, registered by root for `owner` in the current block, and its
	/// signing key.
	fn registered_node(seed: u8, owner: &AccountId) -> sp_core::ed25519::Pair {
		use sp_core::Pair as _;
		let key = sp_core::ed25519::Pair::from_seed(&[seed; 32]);
		let peer = pallet_registration::peer_id::Ed25519PeerId::from_public_key(key.public().0);
		assert!(Registration::force_register_coldkey_node(
			RuntimeOrigin::root(),
			owner.clone(),
			pallet_registration::NodeType::StorageMiner,
			frame_support::BoundedVec::truncate_from(peer.to_raw().to_vec()),
		)
		.is_ok());
		key
	}

	/// `key`'s record with `capabilities` (and one address naming it), and the
	/// `publish_node_record` call that publishes it for the node registered in `registered_at`.
	fn record_call(
		key: &sp_core::ed25519::Pair,
		seq: u64,
		capabilities: Vec<Vec<u8>>,
		registered_at: BlockNumber,
	) -> RuntimeCall {
		use frame_support::BoundedVec;
		use sp_core::Pair as _;
		let peer = pallet_registration::peer_id::Ed25519PeerId::from_public_key(key.public().0);
		let mut address = vec![0xa5, 0x03, 38];
		address.extend_from_slice(&peer.to_raw());
		let record = pallet_registration::NodeRecord::<Runtime> {
			seq,
			addresses: BoundedVec::truncate_from(vec![BoundedVec::truncate_from(address)]),
			version: BoundedVec::truncate_from(b"node/1".to_vec()),
			capabilities: BoundedVec::truncate_from(
				capabilities.into_iter().map(BoundedVec::truncate_from).collect(),
			),
		};
		let statement = pallet_registration::RecordStatement::<Runtime> {
			domain: pallet_registration::RECORD_DOMAIN,
			genesis_hash: Registration::genesis_hash(),
			peer_id: peer.to_raw(),
			registered_at,
			key_epoch: 0,
			record: record.clone(),
		};
		RuntimeCall::Registration(pallet_registration::Call::publish_node_record {
			node_id: BoundedVec::truncate_from(peer.to_raw().to_vec()),
			record: Box::new(record),
			signature: BoundedVec::truncate_from(key.sign(&statement.encode()).0.to_vec()),
		})
	}

	/// `key`'s `heartbeat` call for `period`, version "v".
	fn heartbeat_call(key: &sp_core::ed25519::Pair, period: u32) -> RuntimeCall {
		use frame_support::BoundedVec;
		use sp_core::Pair as _;
		let peer = pallet_registration::peer_id::Ed25519PeerId::from_public_key(key.public().0);
		let version: pallet_registration::VersionOf<Runtime> =
			BoundedVec::truncate_from(b"v".to_vec());
		let statement = pallet_registration::HeartbeatStatement::<Runtime> {
			domain: pallet_registration::HEARTBEAT_DOMAIN,
			genesis_hash: Registration::genesis_hash(),
			peer_id: peer.to_raw(),
			period,
			version: version.clone(),
		};
		RuntimeCall::Registration(pallet_registration::Call::heartbeat {
			node_id: BoundedVec::truncate_from(peer.to_raw().to_vec()),
			period,
			version,
			signature: BoundedVec::truncate_from(key.sign(&statement.encode()).0.to_vec()),
		})
	}

	/// A general transaction of `call` with no signer: its extensions as a signed one's, immortal,
	/// nonce 0, no tip. `AuthorizeCall` makes it `Authorized` when the call authorizes it.
	fn general(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_transaction(
			call,
			tx_extension(sp_runtime::generic::Era::Immortal, 0),
		)
	}

	/// A fee-less transaction of `call`: bare while the pallet has its bare path, else general.
	fn fee_less(call: RuntimeCall) -> UncheckedExtrinsic {
		if pallet_registration::BARE_FEE_LESS_PATH {
			UncheckedExtrinsic::new_bare(call)
		} else {
			general(call)
		}
	}

	/// The origin `fee_less`'s transaction dispatches with.
	fn fee_less_origin() -> RuntimeOrigin {
		if pallet_registration::BARE_FEE_LESS_PATH {
			RuntimeOrigin::none()
		} else {
			frame_system::RawOrigin::Authorized.into()
		}
	}

	/// A fee-less record or heartbeat is the same transaction bare or general (issue 28, item 4):
	/// the pool's validity (priority, tags, longevity, propagation), the block weight it uses
	/// and what it dispatches to, and neither pays a fee. Without the feature `bare-fee-less`
	/// the bare one is refused and the general one is all there is.
	#[test]
	fn fee_less_transactions_are_the_same_bare_and_general() {
		use sp_runtime::{
			traits::TransactionExtension,
			transaction_validity::{TransactionSource, UnknownTransaction},
		};
		// Makes the call of a registered node's key.
		type MakeCall<'a> = &'a dyn Fn(&sp_core::ed25519::Pair) -> RuntimeCall;
		let owner = AccountId::new([9; 32]);
		// In a fresh chain after block 1 with the node registered: the pool's validity of the
		// transaction (`validate_transaction` runs in a block of its own), and what applying it in
		// block 2 did, used of the block, and its events.
		let outcome = |bare: bool, make: MakeCall| {
			let transaction = || {
				build_block(1);
				let call = make(&registered_node(7, &owner));
				if bare {
					UncheckedExtrinsic::new_bare(call)
				} else {
					general(call)
				}
			};
			let validity = genesis().execute_with(|| {
				let xt = transaction();
				Executive::validate_transaction(
					TransactionSource::External,
					xt,
					System::block_hash(1),
				)
			});
			let (applied, used, events, length) = genesis().execute_with(|| {
				use sp_runtime::traits::Header as _;
				let xt = transaction();
				let length = xt.encoded_size();
				let header = Header::new(
					2,
					Default::default(),
					Default::default(),
					System::block_hash(1),
					Default::default(),
				);
				Executive::initialize_block(&header);
				let used = || System::block_weight().total();
				let (before, registry_before) = (used(), registry_storage());
				let applied = Executive::apply_extrinsic(xt);
				let used = used().saturating_sub(before);
				let mut events: Vec<_> =
					System::events().into_iter().map(|record| record.event).collect();
				// What it did to the registry: its storage, which changed if it applied.
				let registry = registry_storage();
				assert_eq!(registry != registry_before, applied.is_ok());
				events.retain(|event| !matches!(event, RuntimeEvent::System(_)));
				(applied, used, (events, registry), length)
			});
			(validity, applied, used, events, length)
		};
		let calls: [(&str, MakeCall); 2] = [
			("record", &|key| record_call(key, 1, Vec::new(), 1)),
			("heartbeat", &|key| heartbeat_call(key, 0)),
		];
		for (name, make) in calls {
			let (general_validity, general_applied, general_used, general_events, general_length) =
				outcome(false, make);
			let general_validity = general_validity.expect("the general one is valid");
			assert_eq!(general_applied, Ok(Ok(())), "{name}: the general one applies");
			// No fee: no event but the registry's (and the system's, left out).
			let fee_paid = |(events, _): &(Vec<RuntimeEvent>, _)| {
				events.iter().any(|event| !matches!(event, RuntimeEvent::Registration(_)))
			};
			assert!(!fee_paid(&general_events), "{name}: no fee");
			let (bare_validity, bare_applied, bare_used, bare_events, bare_length) =
				outcome(true, make);
			if !pallet_registration::BARE_FEE_LESS_PATH {
				assert_eq!(bare_validity, Err(UnknownTransaction::NoUnsignedValidator.into()));
				assert_eq!(bare_applied, Err(UnknownTransaction::NoUnsignedValidator.into()));
				continue;
			}
			let bare_validity = bare_validity.expect("the bare one is valid");
			println!(
				"{name}: priority {}, longevity {}, block weight {} ps / {} B bare",
				bare_validity.priority,
				bare_validity.longevity,
				bare_used.ref_time(),
				bare_used.proof_size()
			);
			assert_eq!(bare_validity, general_validity, "{name}: the pool sees one transaction");
			assert_eq!(bare_applied, Ok(Ok(())));
			// The authorization is the same weight either way (in the call's weight, bare; as
			// `AuthorizeCall`'s, general). A general transaction also runs the other extensions,
			// which a bare one skips: it uses their weight more, less what they refund for a
			// transaction without a signer (all of `CheckNonce`'s and `ChargeTransactionPayment`'s),
			// and its extensions' bytes, which the block's proof size counts.
			let extensions = tx_extension(sp_runtime::generic::Era::Immortal, 0);
			let probe = RuntimeCall::System(frame_system::Call::remark { remark: Vec::new() });
			let overhead = [
				extensions.1.weight(&probe),
				extensions.2.weight(&probe),
				extensions.3.weight(&probe),
				extensions.4.weight(&probe),
				extensions.5.weight(&probe),
				extensions.7.weight(&probe),
				extensions.9.weight(&probe),
			]
			.into_iter()
			.fold(Weight::zero(), |sum, weight| sum.saturating_add(weight))
			.saturating_add(Weight::from_parts(0, (general_length - bare_length) as u64));
			println!(
				"{name}: general uses {} ps / {} B more; the extensions' overhead {} ps / {} B",
				general_used.saturating_sub(bare_used).ref_time(),
				general_used.saturating_sub(bare_used).proof_size(),
				overhead.ref_time(),
				overhead.proof_size()
			);
			assert_eq!(general_used, bare_used.saturating_add(overhead), "{name}: block weight");
			assert!(!fee_paid(&bare_events), "{name}: no fee");
			// The same registry events and storage.
			assert_eq!(bare_events, general_events, "{name}: the same effect");
		}
	}

	/// Only calls that authorize themselves go through as signer-less general transactions:
	/// anything else is refused by the pool, paid calls above all.
	#[test]
	fn a_general_transaction_without_a_signer_carries_only_authorized_calls() {
		use sp_runtime::transaction_validity::TransactionSource;
		genesis().execute_with(|| {
			build_block(1);
			let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
			let refused = Executive::validate_transaction(
				TransactionSource::External,
				general(remark),
				System::block_hash(1),
			);
			assert!(refused.is_err(), "{refused:?}");
			// A forged heartbeat is refused as it is on the bare path.
			let key = registered_node(7, &AccountId::new([9; 32]));
			let mut forged = heartbeat_call(&key, 0);
			if let RuntimeCall::Registration(pallet_registration::Call::heartbeat {
				signature,
				..
			}) = &mut forged
			{
				signature[0] ^= 1;
			}
			assert_eq!(
				Executive::validate_transaction(
					TransactionSource::External,
					general(forged),
					System::block_hash(1),
				),
				Err(sp_runtime::transaction_validity::InvalidTransaction::BadProof.into())
			);
		});
	}

	/// The most capabilities a record holds here, each of the longest length and numbered
	/// from `first`.
	fn capabilities(first: u32) -> Vec<Vec<u8>> {
		(first..first + 16)
			.map(|i| {
				let mut text = alloc::format!("/capability/{i}/").into_bytes();
				text.resize(64, b'x');
				text
			})
			.collect()
	}

	/// A record that replaces all of its node's capabilities with as many others writes each
	/// old and each new index entry: the weight charges every one of those writes (and more
	/// for its reads and compute), measured here by counting the keys that changed.
	#[test]
	fn a_record_that_swaps_its_capabilities_is_charged_every_write() {
		use frame_support::{traits::UnfilteredDispatchable, weights::constants::RocksDbWeight};
		genesis().execute_with(|| {
			build_block(1);
			let key = registered_node(7, &AccountId::new([9; 32]));
			let first = record_call(&key, 1, capabilities(0), 1);
			assert!(first.dispatch_bypass_filter(fee_less_origin()).is_ok());
			System::set_block_number(registration::HEARTBEAT_PERIOD + 1);
			let before = registry_storage();
			let swap = record_call(&key, 2, capabilities(16), 1);
			let declared = frame_support::dispatch::GetDispatchInfo::get_dispatch_info(&swap);
			assert!(swap.dispatch_bypass_filter(fee_less_origin()).is_ok());
			let after = registry_storage();
			let before: alloc::collections::BTreeMap<_, _> = before.into_iter().collect();
			let after: alloc::collections::BTreeMap<_, _> = after.into_iter().collect();
			let changed = before
				.keys()
				.chain(after.keys())
				.collect::<alloc::collections::BTreeSet<_>>()
				.into_iter()
				.filter(|key| before.get(*key) != after.get(*key))
				.count();
			let writes = RocksDbWeight::get().writes(changed as u64);
			println!(
				"capability swap: {changed} keys written; weight {} ps, of which writes {} ps",
				declared.call_weight.ref_time(),
				writes.ref_time()
			);
			assert_eq!(changed, 33, "16 entries out, 16 in, and the record");
			assert!(declared.call_weight.ref_time() >= writes.ref_time());
		});
	}

	/// The pool ranks fee-less records below every paid transaction (even one without a tip),
	/// and heartbeats above (D21).
	#[test]
	fn fee_less_records_rank_below_paid_transactions_and_heartbeats_above() {
		use sp_core::Pair as _;
		use sp_runtime::transaction_validity::TransactionSource;
		genesis().execute_with(|| {
			build_block(1);
			let key = registered_node(7, &AccountId::new([9; 32]));
			let record = fee_less(record_call(&key, 1, Vec::new(), 1));
			// The pool validates for the next block, which lies in period 0.
			let heartbeat = fee_less(heartbeat_call(&key, 0));
			// A paid remark without a tip, signed by a funded account.
			let payer = sp_core::sr25519::Pair::from_seed(&[1; 32]);
			let account: AccountId = sp_runtime::traits::IdentifyAccount::into_account(
				sp_runtime::MultiSigner::from(payer.public()),
			);
			let _ = <Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(
				&account,
				1_000 * UNIT,
			);
			let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
			let extension = tx_extension(sp_runtime::generic::Era::Immortal, 0);
			let payload = sp_runtime::generic::SignedPayload::new(call.clone(), extension.clone())
				.expect("the implicit data builds");
			let signature = payload.using_encoded(|bytes| payer.sign(bytes));
			let paid = UncheckedExtrinsic::new_signed(
				call,
				account.into(),
				MultiSignature::Sr25519(signature),
				extension,
			);
			let parent = System::block_hash(1);
			let priority = |xt: UncheckedExtrinsic| {
				Executive::validate_transaction(TransactionSource::External, xt, parent)
					.expect("valid")
					.priority
			};
			let (record, paid, heartbeat) = (priority(record), priority(paid), priority(heartbeat));
			println!("priorities: record {record}, paid {paid}, heartbeat {heartbeat}");
			assert!(record < paid, "a record ranks below a paid transaction");
			assert!(paid < heartbeat, "a heartbeat ranks above");
		});
	}

	#[test]
	fn registration_keeps_its_call_index_and_pallet_index() {
		let call = RuntimeCall::Registration(pallet_registration::Call::set_fee_charging {
			enabled: true,
		});
		assert_eq!(&call.encode()[..2], &[7, 6]);
	}
}
