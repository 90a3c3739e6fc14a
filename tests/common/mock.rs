//! The mock runtime shared by the integration tests (`tests/`) and the benchmark test suite
//! (`src/benchmarking.rs`): real pallet-balances and pallet-staking, 32-byte accounts and `u64`
//! block numbers as on the reference chain.

use codec::Encode;
use frame_election_provider_support::NoElection;
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, Hooks, SortedMembers},
	weights::Weight,
	PalletId,
};
use frame_system::{EnsureRoot, EnsureSignedBy};
use pallet_registration::{
	self as registration, peer_id::Ed25519PeerId, CreditsError, NodeId, NodeIdParam, NodeType,
	RegisterChallenge, REGISTER_DOMAIN,
};
use sp_core::{ed25519, Pair, H256};
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage, DispatchResult, Perbill};
use std::cell::RefCell;

/// Account ids of the mock: 32 bytes, as on the reference chain.
pub type AccountId = AccountId32;
/// Balances of the mock.
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Staking: pallet_staking,
		Registration: registration,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
	type MultiBlockMigrator = MockMigrator;
}

/// Says whether a multi-block migration runs ([`MigrationOngoing`]); the mock has no
/// pallet-migrations.
pub struct MockMigrator;
impl frame_support::migrations::MultiStepMigrator for MockMigrator {
	fn ongoing() -> bool {
		MigrationOngoing::get()
	}
	fn step() -> Weight {
		Weight::zero()
	}
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

type NoElectionOf = NoElection<(AccountId, u64, Staking, ConstU32<16>, ConstU32<16>)>;

#[derive_impl(pallet_staking::config_preludes::TestDefaultConfig)]
impl pallet_staking::Config for Test {
	type OldCurrency = Balances;
	type Currency = Balances;
	type UnixTime = Timestamp;
	type AdminOrigin = EnsureRoot<AccountId>;
	type EraPayout = ();
	type ElectionProvider = NoElectionOf;
	type GenesisElectionProvider = NoElectionOf;
	type VoterList = pallet_staking::UseNominatorsAndValidatorsMap<Self>;
	type TargetList = pallet_staking::UseValidatorsMap<Self>;
}

/// The mock's minimum validator stake.
pub const STAKE_THRESHOLD: Balance = 1_000;
/// Cooldown after a removal.
pub const COOLDOWN: u64 = 20;
/// Blocks an ownership offer stays open.
pub const OFFER_LIFETIME: u64 = 10;
/// Most addresses in a node record.
pub const MAX_ADDRESSES: u32 = 4;
/// Most capabilities in a node record.
pub const MAX_CAPABILITIES: u32 = 4;
/// Most nodes in one page of the paged view functions.
pub const MAX_PAGE: u32 = 5;
/// Length of a liveness period.
pub const HEARTBEAT_PERIOD: u64 = 10;
/// Silent periods before a node is `Offline`.
pub const OFFLINE_AFTER: u32 = 2;
/// Longest owner consent lifetime.
pub const MAX_CONSENT_LIFETIME: u64 = 1_000;
/// Revoked consents kept per owner.
pub const MAX_REVOKED_CONSENTS: u32 = 3;
/// Most validator nodes.
pub const MAX_VALIDATORS: u32 = 6;
/// Most nodes in the registry (the harness raises it for its 100,000).
pub const MAX_NODES: u32 = 10_000;
/// Most validators on the whitelist.
pub const MAX_WHITELISTED: u32 = 8;
/// Most nodes one validator reports in a round.
pub const MAX_REPORTS_PER_ROUND: u32 = 6;
/// Most distinct nodes reported in a round: a share of 2 per validator.
pub const MAX_REPORTED_NODES: u32 = 12;
/// Length of a deregistration round.
pub const CONSENSUS_PERIOD: u64 = 10;
/// Length of the report rate-limit window.
pub const REPORT_WINDOW: u64 = 50;
/// Report calls per window.
pub const MAX_REPORT_CALLS: u32 = 3;
/// Blocks after which an unused fee halves.
pub const BLOCKS_PER_DAY: u64 = 100;
/// Longest challenge lifetime.
pub const MAX_LIFETIME: u64 = 100;
/// Fee floor.
pub const MIN_FEE: Balance = 10;
/// Fee cap.
pub const MAX_FEE: Balance = 10_000;
/// Initial fee of validators (other types: [`INITIAL_FEE`]).
pub const INITIAL_VALIDATOR_FEE: Balance = 500;
/// Initial fee of the other node types.
pub const INITIAL_FEE: Balance = 100;
/// The account holding fee authority (besides root).
pub const FEE_AUTHORITY: AccountId = AccountId32::new([0xfe; 32]);

parameter_types! {
	pub const RegistrationPalletId: PalletId = PalletId(*b"py/nodrg");
	pub const ConsensusShare: Perbill = Perbill::from_percent(50);
	/// Test-adjustable consensus period (to show `integrity_test` refuses zero).
	pub static ConsensusPeriodParam: u64 = CONSENSUS_PERIOD;
	/// Test-adjustable existential deposit of the currency.
	pub static ExistentialDeposit: Balance = 1;
	/// Test-adjustable cooldown (an upgrade may change it).
	pub static CooldownParam: u64 = COOLDOWN;
	/// Test-adjustable rate-limit window.
	pub static ReportWindowParam: u64 = REPORT_WINDOW;
	/// Test-adjustable liveness period (an upgrade may change it).
	pub static HeartbeatPeriodParam: u64 = HEARTBEAT_PERIOD;
	/// Test-adjustable silence allowance.
	pub static OfflineAfterParam: u32 = OFFLINE_AFTER;
	/// Test-adjustable consent lifetime bound.
	pub static MaxConsentLifetimeParam: u64 = MAX_CONSENT_LIFETIME;
	/// Test-adjustable revocation bound.
	pub static MaxRevokedConsentsParam: u32 = MAX_REVOKED_CONSENTS;
	/// Test-adjustable whitelist bound.
	pub static MaxWhitelistedParam: u32 = MAX_WHITELISTED;
	/// Test-adjustable ballot bound.
	pub static MaxReportsPerRoundParam: u32 = MAX_REPORTS_PER_ROUND;
	/// Test-adjustable bound of the round's list.
	pub static MaxReportedNodesParam: u32 = MAX_REPORTED_NODES;
	/// Test-adjustable bound of a version (an upgrade may lower it).
	pub static MaxVersionLenParam: u32 = 32;
	/// Test-adjustable bound of a record's capabilities.
	pub static MaxCapabilitiesParam: u32 = MAX_CAPABILITIES;
	/// Test-adjustable bound of a capability's length.
	pub static MaxCapabilityLenParam: u32 = 48;
	/// Test-adjustable fleet bound (1: the reference's one node per owner).
	pub static MaxNodesPerOwnerParam: u32 = 1;
	/// The share of a bond a consensus removal slashes.
	pub const BondSlashShare: Perbill = Perbill::from_percent(40);
	/// Test-adjustable registry bound.
	pub static MaxNodesParam: u32 = MAX_NODES;
	/// Test-adjustable hook budget.
	pub static HookBudget: Weight = Weight::from_parts(2_000_000_000_000, 10 * 1024 * 1024);
	/// Whether a multi-block migration runs (for `try_state`).
	pub static MigrationOngoing: bool = false;
	/// Accounts the eligibility check refuses.
	pub static Ineligible: Vec<AccountId> = Vec::new();
	/// (proxy, validator) pairs the reporter resolver maps.
	pub static ReporterProxies: Vec<(AccountId, AccountId)> = Vec::new();
	/// Credits per account; `None` means the runtime has no credits system.
	pub static Credits: Option<Vec<(AccountId, Balance)>> = None;
}

thread_local! {
	/// Calls of the unregistration hook: (node id, owner, type).
	pub static UNREGISTERED: RefCell<Vec<(Vec<u8>, AccountId, NodeType)>> = const { RefCell::new(Vec::new()) };
}

thread_local! {
	/// Calls of the offline hook: (node id, owner, type).
	pub static OFFLINE: RefCell<Vec<(Vec<u8>, AccountId, NodeType)>> = const { RefCell::new(Vec::new()) };
}

/// Records every node the sweep finds silent.
pub struct RecordOffline;
impl registration::OnNodeOffline<AccountId> for RecordOffline {
	fn on_node_offline(node_id: &[u8], owner: &AccountId, node_type: NodeType) {
		OFFLINE.with(|o| o.borrow_mut().push((node_id.to_vec(), owner.clone(), node_type)));
	}
	fn weight() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
}

/// Fee authority members.
pub struct FeeAuthorities;
impl SortedMembers<AccountId> for FeeAuthorities {
	fn sorted_members() -> Vec<AccountId> {
		vec![FEE_AUTHORITY]
	}
}

/// Eligibility refusing the accounts in [`Ineligible`].
pub struct MockEligibility;
impl registration::NodeEligibility<AccountId> for MockEligibility {
	fn is_eligible(owner: &AccountId, _: NodeType) -> bool {
		!Ineligible::get().contains(owner)
	}
}

/// Records every unregistration.
pub struct RecordUnregistered;
impl registration::OnNodeUnregistered<AccountId> for RecordUnregistered {
	fn on_node_unregistered(node_id: &[u8], owner: &AccountId, node_type: NodeType) {
		UNREGISTERED.with(|u| u.borrow_mut().push((node_id.to_vec(), owner.clone(), node_type)));
	}
}

/// Resolves proxies listed in [`ReporterProxies`].
pub struct MockResolver;
impl registration::ResolveReporter<AccountId> for MockResolver {
	fn resolve(who: AccountId) -> AccountId {
		ReporterProxies::get()
			.into_iter()
			.find(|(proxy, _)| *proxy == who)
			.map(|(_, validator)| validator)
			.unwrap_or(who)
	}
}

/// Credits kept in [`Credits`].
pub struct MockCredits;
impl registration::CreditsPayment<AccountId, Balance> for MockCredits {
	fn pay(who: &AccountId, amount: Balance) -> Result<(), CreditsError> {
		let Some(mut credits) = Credits::get() else { return Err(CreditsError::Unsupported) };
		let entry = credits.iter_mut().find(|(account, _)| account == who);
		match entry {
			Some((_, balance)) if *balance >= amount => *balance -= amount,
			_ => return Err(CreditsError::Insufficient),
		}
		Credits::set(Some(credits));
		Ok(())
	}
}

/// Initial fees: validators pay more.
pub struct MockInitialFee;
impl registration::InitialNodeTypeFee<Balance> for MockInitialFee {
	fn initial_fee(node_type: NodeType) -> Balance {
		match node_type {
			NodeType::Validator => INITIAL_VALIDATOR_FEE,
			_ => INITIAL_FEE,
		}
	}
}

/// Receives slashed bonds: their total is kept in [`SLASHED`].
pub struct RecordSlashes;
impl frame_support::traits::OnUnbalanced<registration::CreditOf<Test>> for RecordSlashes {
	fn on_nonzero_unbalanced(credit: registration::CreditOf<Test>) {
		use frame_support::traits::Imbalance;
		SLASHED.with(|s| *s.borrow_mut() += credit.peek());
		// Dropping the credit burns it (the total issuance goes down with it).
	}
}

thread_local! {
	/// The total of the bonds slashed to [`RecordSlashes`].
	pub static SLASHED: RefCell<Balance> = const { RefCell::new(0) };
}

impl registration::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type OnBondSlashed = RecordSlashes;
	type MaxNodesPerOwner = MaxNodesPerOwnerParam;
	type BondSlashShare = BondSlashShare;
	type Staking = Staking;
	type ForceOrigin = EnsureRoot<AccountId>;
	type FeeOrigin = frame_support::traits::EitherOfDiverse<
		EnsureRoot<AccountId>,
		EnsureSignedBy<FeeAuthorities, AccountId>,
	>;
	type Eligibility = MockEligibility;
	type OnNodeUnregistered = RecordUnregistered;
	type ReporterResolver = MockResolver;
	type Credits = MockCredits;
	type OnNodeOffline = RecordOffline;
	type OwnerSignature = sp_runtime::MultiSignature;
	type InitialNodeTypeFee = MockInitialFee;
	type PalletId = RegistrationPalletId;
	type NodeCooldownPeriod = CooldownParam;
	type MaxConsentLifetime = MaxConsentLifetimeParam;
	type MaxRevokedConsents = MaxRevokedConsentsParam;
	type OwnershipOfferLifetime = frame_support::traits::ConstU64<OFFER_LIFETIME>;
	type MaxDeregRequestsPerPeriod = ConstU32<MAX_REPORT_CALLS>;
	type ReportCounterClearInterval = ReportWindowParam;
	type ConsensusThreshold = ConstU32<2>;
	type ConsensusShare = ConsensusShare;
	type ConsensusPeriod = ConsensusPeriodParam;
	type BlocksPerDay = frame_support::traits::ConstU64<BLOCKS_PER_DAY>;
	type MinerStakeThreshold = ConstU128<STAKE_THRESHOLD>;
	type MinNodeTypeFee = ConstU128<MIN_FEE>;
	type MaxNodeTypeFee = ConstU128<MAX_FEE>;
	type MaxChallengeLifetime = frame_support::traits::ConstU64<MAX_LIFETIME>;
	type MaxWhitelistedValidators = MaxWhitelistedParam;
	type MaxNodesPerReport = ConstU32<4>;
	type MaxReportsPerRound = MaxReportsPerRoundParam;
	type MaxReportedNodesPerRound = MaxReportedNodesParam;
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type MaxNodes = MaxNodesParam;
	type HookWeightBudget = HookBudget;
	type MaxAddresses = ConstU32<MAX_ADDRESSES>;
	type MaxAddressLen = ConstU32<64>;
	type MaxVersionLen = MaxVersionLenParam;
	type MaxCapabilities = MaxCapabilitiesParam;
	type MaxCapabilityLen = MaxCapabilityLenParam;
	type HeartbeatPeriod = HeartbeatPeriodParam;
	type OfflineAfterPeriods = OfflineAfterParam;
	type MaxPageSize = ConstU32<MAX_PAGE>;
	type HeartbeatPriority = frame_support::traits::ConstU64<1_000>;
	type RecordPriority = frame_support::traits::ConstU64<0>;
	type WeightInfo = ();
	type BenchmarkHelper = ();
}

/// A well-known account: `[n; 32]`.
pub fn account(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}

/// Starting balance of every funded account.
pub const FUNDS: Balance = 1_000_000;

/// A node's libp2p Ed25519 key.
#[derive(Clone)]
pub struct NodeKey {
	/// The key pair.
	pub pair: ed25519::Pair,
}

impl NodeKey {
	/// The key made from seed `[n; 32]`.
	pub fn new(n: u8) -> Self {
		Self::from_seed([n; 32])
	}
	/// The key made from `seed`.
	pub fn from_seed(seed: [u8; 32]) -> Self {
		Self { pair: ed25519::Pair::from_seed(&seed) }
	}
	/// The public key.
	pub fn public(&self) -> [u8; 32] {
		self.pair.public().0
	}
	/// Its PeerId.
	pub fn peer(&self) -> Ed25519PeerId {
		Ed25519PeerId::from_public_key(self.public())
	}
	/// The raw 38-byte PeerId.
	pub fn raw(&self) -> Vec<u8> {
		self.peer().to_raw().to_vec()
	}
	/// The base58 PeerId text.
	pub fn base58(&self) -> Vec<u8> {
		self.peer().to_node_id().to_vec()
	}
	/// Signs `message`.
	pub fn sign(&self, message: &[u8]) -> Vec<u8> {
		self.pair.sign(message).0.to_vec()
	}
}

/// A challenge for `owner` and `key`, built in block `block_number`, valid to `expires_at`.
pub fn challenge(
	owner: &AccountId,
	key: &NodeKey,
	block_number: u64,
	expires_at: u64,
	nonce: u8,
) -> RegisterChallenge<AccountId, u64> {
	RegisterChallenge {
		domain: REGISTER_DOMAIN,
		genesis_hash: Registration::genesis_hash(),
		account: owner.clone(),
		node_id_hash: H256(sp_io::hashing::blake2_256(&key.raw())),
		ipfs_peer_id_hash: H256(sp_io::hashing::blake2_256(b"")),
		block_number,
		nonce: [nonce; 32],
		expires_at,
	}
}

/// Every parameter of `register_node_with_coldkey`, ready to change one and submit.
#[derive(Clone)]
pub struct Registering {
	/// Signer.
	pub signer: AccountId,
	/// `node_type`.
	pub node_type: NodeType,
	/// `node_id`.
	pub node_id: Vec<u8>,
	/// `pay_in_credits`.
	pub pay_in_credits: bool,
	/// `owner`.
	pub owner: AccountId,
	/// `main_public_key`.
	pub public_key: Vec<u8>,
	/// `main_sig`.
	pub signature: Vec<u8>,
	/// `challenge_bytes`.
	pub challenge: Vec<u8>,
	/// `node_id_hex`.
	pub node_id_hex: Vec<u8>,
}

impl Registering {
	/// A valid registration of `key` for `owner` in the current block (base58 node id).
	pub fn new(owner: &AccountId, key: &NodeKey, node_type: NodeType) -> Self {
		let now = System::block_number();
		Self::with_challenge(owner, key, node_type, challenge(owner, key, now, now + 10, 0x42))
	}

	/// A registration signing `challenge` (any content) with `key`.
	pub fn with_challenge(
		owner: &AccountId,
		key: &NodeKey,
		node_type: NodeType,
		challenge: RegisterChallenge<AccountId, u64>,
	) -> Self {
		Self::with_bytes(owner, key, node_type, challenge.encode())
	}

	/// A registration signing `bytes` with `key`.
	pub fn with_bytes(
		owner: &AccountId,
		key: &NodeKey,
		node_type: NodeType,
		bytes: Vec<u8>,
	) -> Self {
		Self {
			signer: owner.clone(),
			node_type,
			node_id: key.base58(),
			pay_in_credits: false,
			owner: owner.clone(),
			public_key: key.public().to_vec(),
			signature: key.sign(&bytes),
			challenge: bytes,
			node_id_hex: key.raw(),
		}
	}

	/// The call's parameters.
	pub fn call(&self) -> registration::Call<Test> {
		registration::Call::register_node_with_coldkey {
			node_type: self.node_type,
			node_id: self.node_id.clone().try_into().expect("node id within bound"),
			pay_in_credits: self.pay_in_credits,
			owner: self.owner.clone(),
			main_key_type: registration::Libp2pKeyType::Ed25519,
			main_public_key: self.public_key.clone().try_into().expect("key within bound"),
			main_sig: self.signature.clone().try_into().expect("signature within bound"),
			challenge_bytes: self.challenge.clone().try_into().expect("challenge within bound"),
			node_id_hex: self.node_id_hex.clone().try_into().expect("node id within bound"),
		}
	}

	/// Submits it.
	pub fn submit(&self) -> DispatchResult {
		use frame_support::traits::UnfilteredDispatchable;
		self.call()
			.dispatch_bypass_filter(RuntimeOrigin::signed(self.signer.clone()))
			.map(|_| ())
			.map_err(|e| e.error)
	}
}

/// An owner's account key: the account is its public key, as on a chain with `MultiSignature`.
// A test helper made a few times per test: the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum OwnerKey {
	/// An sr25519 account (the keyring's default).
	Sr25519(sp_core::sr25519::Pair),
	/// An ed25519 account.
	Ed25519(ed25519::Pair),
	/// An ecdsa account (its id is `blake2_256` of the compressed public key).
	Ecdsa(sp_core::ecdsa::Pair),
}

impl OwnerKey {
	/// The sr25519 key made from seed `[n; 32]`, its account funded with [`FUNDS`].
	pub fn new(n: u8) -> Self {
		let key = Self::Sr25519(sp_core::sr25519::Pair::from_seed(&[n; 32]));
		key.fund();
		key
	}

	/// Gives the account [`FUNDS`].
	pub fn fund(&self) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(&self.account(), FUNDS);
	}

	/// The account.
	pub fn account(&self) -> AccountId {
		use sp_runtime::traits::IdentifyAccount;
		let signer: sp_runtime::MultiSigner = match self {
			Self::Sr25519(pair) => pair.public().into(),
			Self::Ed25519(pair) => pair.public().into(),
			Self::Ecdsa(pair) => pair.public().into(),
		};
		signer.into_account()
	}

	/// Signs `message` as the account.
	pub fn sign(&self, message: &[u8]) -> sp_runtime::MultiSignature {
		match self {
			Self::Sr25519(pair) => pair.sign(message).into(),
			Self::Ed25519(pair) => pair.sign(message).into(),
			Self::Ecdsa(pair) => pair.sign(message).into(),
		}
	}

	/// Signs `message` as wallets sign raw bytes: wrapped in `<Bytes>`…`</Bytes>`.
	pub fn sign_wrapped(&self, message: &[u8]) -> sp_runtime::MultiSignature {
		self.sign(&[b"<Bytes>", message, b"</Bytes>"].concat())
	}
}

/// A consent of `owner` for `key` as `node_type`: fee limit [`MAX_FEE`], valid `lifetime`
/// blocks from now, no rotation.
pub fn consent(
	owner: &AccountId,
	key: &NodeKey,
	node_type: NodeType,
	lifetime: u64,
) -> registration::OwnerConsentOf<Test> {
	registration::OwnerConsent {
		domain: registration::CONSENT_DOMAIN,
		genesis_hash: Registration::genesis_hash(),
		owner: owner.clone(),
		peer_id: key.peer().to_raw(),
		node_type,
		max_fee: MAX_FEE,
		max_deposit: MAX_FEE,
		valid_until: System::block_number() + lifetime,
		nonce: 1,
		may_rotate: false,
	}
}

/// Every parameter of `register_node_with_consent`, ready to change one and submit.
#[derive(Clone)]
pub struct Consenting {
	/// Signer (the submitter).
	pub submitter: AccountId,
	/// `node_type`.
	pub node_type: NodeType,
	/// `consent`.
	pub consent: registration::OwnerConsentOf<Test>,
	/// `owner_signature`.
	pub owner_signature: sp_runtime::MultiSignature,
	/// `main_public_key`.
	pub public_key: Vec<u8>,
	/// `main_sig`.
	pub signature: Vec<u8>,
	/// `challenge_bytes`.
	pub challenge: Vec<u8>,
}

impl Consenting {
	/// A valid registration of `key` for `owner`, submitted by account 30 with the owner's
	/// consent (valid 100 blocks, signed bare) and a fresh challenge.
	pub fn new(owner: &OwnerKey, key: &NodeKey, node_type: NodeType) -> Self {
		let consent = consent(&owner.account(), key, node_type, 100);
		let owner_signature = owner.sign(&consent.encode());
		Self::with_consent(consent, owner_signature, key, node_type)
	}

	/// A registration of `key` with `consent` and `owner_signature` (any content), with a
	/// fresh challenge for `consent.owner`.
	pub fn with_consent(
		consent: registration::OwnerConsentOf<Test>,
		owner_signature: sp_runtime::MultiSignature,
		key: &NodeKey,
		node_type: NodeType,
	) -> Self {
		let now = System::block_number();
		let bytes = challenge(&consent.owner, key, now, now + 10, 0x43).encode();
		Self {
			submitter: account(30),
			node_type,
			consent,
			owner_signature,
			public_key: key.public().to_vec(),
			signature: key.sign(&bytes),
			challenge: bytes,
		}
	}

	/// The call's parameters.
	pub fn call(&self) -> registration::Call<Test> {
		registration::Call::register_node_with_consent {
			node_type: self.node_type,
			consent: Box::new(self.consent.clone()),
			owner_signature: self.owner_signature.clone(),
			main_public_key: self.public_key.clone().try_into().expect("key within bound"),
			main_sig: self.signature.clone().try_into().expect("signature within bound"),
			challenge_bytes: self.challenge.clone().try_into().expect("challenge within bound"),
		}
	}

	/// Submits it.
	pub fn submit(&self) -> DispatchResult {
		use frame_support::traits::UnfilteredDispatchable;
		self.call()
			.dispatch_bypass_filter(RuntimeOrigin::signed(self.submitter.clone()))
			.map(|_| ())
			.map_err(|e| e.error)
	}
}

/// Every parameter of `rotate_node_key`, ready to change one and submit.
#[derive(Clone)]
pub struct Rotating {
	/// Signer.
	pub signer: AccountId,
	/// `node_id` (the current one).
	pub node_id: Vec<u8>,
	/// `new_public_key`.
	pub new_public_key: Vec<u8>,
	/// `new_key_sig`.
	pub new_key_sig: Vec<u8>,
	/// `challenge_bytes`.
	pub challenge: Vec<u8>,
	/// `rotation`.
	pub rotation: registration::KeyRotationOf<Test>,
	/// `old_key_sig`.
	pub old_key_sig: Vec<u8>,
	/// `consent`.
	pub consent: Option<registration::SignedConsentOf<Test>>,
}

impl Rotating {
	/// A valid rotation of `owner`'s node from `old` to `new`, signed by the owner.
	pub fn new(owner: &AccountId, old: &NodeKey, new: &NodeKey) -> Self {
		let now = System::block_number();
		let challenge = challenge(owner, new, now, now + 10, 0x44).encode();
		let rotation = registration::KeyRotation {
			domain: registration::ROTATE_DOMAIN,
			genesis_hash: Registration::genesis_hash(),
			owner: owner.clone(),
			old_peer_id: old.peer().to_raw(),
			new_peer_id: new.peer().to_raw(),
			challenge_hash: H256(sp_io::hashing::blake2_256(&challenge)),
		};
		Self {
			signer: owner.clone(),
			node_id: old.base58(),
			new_public_key: new.public().to_vec(),
			new_key_sig: new.sign(&challenge),
			challenge,
			old_key_sig: old.sign(&rotation.encode()),
			rotation,
			consent: None,
		}
	}

	/// Signs the statement again with `old` (after a change to it).
	pub fn resign(&mut self, old: &NodeKey) {
		self.old_key_sig = old.sign(&self.rotation.encode());
	}

	/// Submits it.
	pub fn submit(&self) -> DispatchResult {
		Registration::rotate_node_key(
			RuntimeOrigin::signed(self.signer.clone()),
			node_param(self.node_id.clone()),
			self.new_public_key.clone().try_into().expect("key within bound"),
			self.new_key_sig.clone().try_into().expect("signature within bound"),
			self.challenge.clone().try_into().expect("challenge within bound"),
			Box::new(self.rotation.clone()),
			self.old_key_sig.clone().try_into().expect("signature within bound"),
			self.consent.clone().map(Box::new),
		)
	}
}

/// A record of sequence number `seq` with one TCP address of `key`'s node (its `/p2p/`
/// component included), version `node/1.0` and `capabilities`.
pub fn node_record(
	seq: u64,
	key: &NodeKey,
	capabilities: &[&str],
) -> registration::NodeRecord<Test> {
	let mut address = vec![0x04, 10, 0, 0, 1, 0x06, 0x76, 0x5d, 0xa5, 0x03, 38];
	address.extend_from_slice(&key.raw());
	registration::NodeRecord {
		seq,
		addresses: vec![address.try_into().expect("within MaxAddressLen")]
			.try_into()
			.expect("within MaxAddresses"),
		version: b"node/1.0".to_vec().try_into().expect("within MaxVersionLen"),
		capabilities: capabilities
			.iter()
			.map(|c| c.as_bytes().to_vec().try_into().expect("within MaxCapabilityLen"))
			.collect::<Vec<_>>()
			.try_into()
			.expect("within MaxCapabilities"),
	}
}

/// `key`'s signature of `record`'s statement, for its node registered at `registered_at`, at
/// the node's current key epoch.
pub fn record_signature(
	key: &NodeKey,
	registered_at: u64,
	record: &registration::NodeRecord<Test>,
) -> Vec<u8> {
	let key_epoch = registration::NodeKeyEpoch::<Test>::get(node_id(key));
	record_signature_at(key, registered_at, key_epoch, record)
}

/// `key`'s signature of `record`'s statement, for its node registered at `registered_at`, at
/// key epoch `key_epoch`.
pub fn record_signature_at(
	key: &NodeKey,
	registered_at: u64,
	key_epoch: u32,
	record: &registration::NodeRecord<Test>,
) -> Vec<u8> {
	let statement = registration::RecordStatement::<Test> {
		domain: registration::RECORD_DOMAIN,
		genesis_hash: Registration::genesis_hash(),
		peer_id: key.peer().to_raw(),
		registered_at,
		key_epoch,
		record: record.clone(),
	};
	key.sign(&statement.encode())
}

/// The `heartbeat` call of `key` for `period` with `version`, signed by its key.
pub fn heartbeat_of(key: &NodeKey, period: u32, version: &[u8]) -> registration::Call<Test> {
	let version: registration::VersionOf<Test> = version.to_vec().try_into().expect("short");
	let statement = registration::HeartbeatStatement::<Test> {
		domain: registration::HEARTBEAT_DOMAIN,
		genesis_hash: Registration::genesis_hash(),
		peer_id: key.peer().to_raw(),
		period,
		version: version.clone(),
	};
	registration::Call::heartbeat {
		node_id: node_param(key.base58()),
		period,
		version,
		signature: key.sign(&statement.encode()).try_into().expect("64 bytes"),
	}
}

/// The origin of a fee-less record or heartbeat: none (a bare transaction) while the pallet
/// has its bare path (the feature `bare-fee-less`), else `Authorized` (a general transaction
/// that `AuthorizeCall` let through). The suite runs both ways (`scripts/test.sh`).
pub fn fee_less_origin() -> RuntimeOrigin {
	if registration::BARE_FEE_LESS_PATH {
		RuntimeOrigin::none()
	} else {
		frame_system::RawOrigin::Authorized.into()
	}
}

/// The pool's check of a fee-less `call`, on the path [`fee_less_origin`] takes: the pallet's
/// `validate_unsigned`, or the call's `#[pallet::authorize]` (a call without one is refused as
/// `validate_unsigned` refuses it, `InvalidTransaction::Call`).
pub fn validate_fee_less(
	call: &registration::Call<Test>,
) -> sp_runtime::transaction_validity::TransactionValidity {
	#[allow(deprecated)]
	use frame_support::pallet_prelude::{
		Authorize, InvalidTransaction, TransactionSource, ValidateUnsigned,
	};
	if registration::BARE_FEE_LESS_PATH {
		#[allow(deprecated)]
		Registration::validate_unsigned(TransactionSource::External, call)
	} else {
		call.authorize(TransactionSource::External)
			.unwrap_or(Err(InvalidTransaction::Call.into()))
			.map(|(valid, _unspent)| valid)
	}
}

/// What a fee-less call's actual weight adds for `check`, the pool check `pre_dispatch` runs
/// again in the block: all of it on the bare path, nothing on the authorized one (which pays
/// it as the authorization's weight, outside the call).
pub fn in_block_check(check: Weight) -> Weight {
	if registration::BARE_FEE_LESS_PATH {
		check
	} else {
		Weight::zero()
	}
}

/// `key`'s heartbeat for `period` with `version`, signed and sent fee-less
/// ([`fee_less_origin`]).
pub fn heartbeat_call(key: &NodeKey, period: u32, version: &[u8]) -> DispatchResult {
	use frame_support::traits::UnfilteredDispatchable;
	heartbeat_of(key, period, version)
		.dispatch_bypass_filter(fee_less_origin())
		.map(|_| ())
		.map_err(|e| e.error)
}

/// `key`'s `record`, signed for its node registered at block 1, published fee-less
/// ([`fee_less_origin`]).
pub fn publish_record(key: &NodeKey, record: registration::NodeRecord<Test>) -> DispatchResult {
	let signature = record_signature(key, 1, &record);
	Registration::publish_node_record(
		fee_less_origin(),
		node_param(key.raw()),
		Box::new(record),
		signature.try_into().expect("64 bytes"),
	)
	.map(|_| ())
	.map_err(|e| e.error)
}

/// Registers `key` for `owner` with a fresh valid challenge; panics on failure.
pub fn register(owner: &AccountId, key: &NodeKey, node_type: NodeType) {
	assert_ok!(Registering::new(owner, key, node_type).submit());
}

/// Bonds `amount` of `who`'s funds in pallet-staking.
pub fn bond(who: &AccountId, amount: Balance) {
	assert_ok!(Staking::bond(
		RuntimeOrigin::signed(who.clone()),
		amount,
		pallet_staking::RewardDestination::Staked
	));
}

/// Registers a validator node for `owner` after bonding enough stake.
pub fn register_validator(owner: &AccountId, key: &NodeKey) {
	bond(owner, STAKE_THRESHOLD);
	register(owner, key, NodeType::Validator);
}

/// A node id parameter (either form) from bytes.
pub fn node_param(bytes: Vec<u8>) -> NodeIdParam {
	NodeIdParam::truncate_from(bytes)
}

/// The id the registry stores for `key`: its base58 PeerId.
pub fn node_id(key: &NodeKey) -> NodeId {
	NodeId::truncate_from(key.base58())
}

/// Registers `node_id` (either form) for `owner` through the force origin.
pub fn force_register(owner: &AccountId, node_type: NodeType, node_id: Vec<u8>) -> DispatchResult {
	Registration::force_register_coldkey_node(
		RuntimeOrigin::root(),
		owner.clone(),
		node_type,
		node_param(node_id),
	)
}

/// Offers the node of `key` from `from` to `to`, and `to` accepts it.
pub fn hand_over(from: &AccountId, key: &NodeKey, to: &AccountId) -> DispatchResult {
	Registration::swap_node_owner(
		RuntimeOrigin::signed(from.clone()),
		node_param(key.raw()),
		to.clone(),
	)?;
	Registration::accept_node_ownership(RuntimeOrigin::signed(to.clone()), node_param(key.raw()))
}

/// Validator `who` reports the nodes of `keys` (raw form).
pub fn report(who: u8, keys: &[&NodeKey]) -> DispatchResult {
	let node_ids: Vec<NodeIdParam> = keys.iter().map(|key| node_param(key.raw())).collect();
	Registration::submit_deregistration_report(
		RuntimeOrigin::signed(account(who)),
		node_ids.try_into().expect("within MaxNodesPerReport"),
	)
}

/// Validators `1..=n` (keys `1..=n`) and a GPU miner of account 20 (key 20), the target of their
/// reports; clears the events.
pub fn validators_and_target(n: u8) -> NodeKey {
	for v in 1..=n {
		register_validator(&account(v), &NodeKey::new(v));
	}
	let target = NodeKey::new(20);
	register(&account(20), &target, NodeType::GpuMiner);
	registration_events();
	target
}

/// GPU miners of accounts `ids`, each with the key of the same number.
pub fn gpu_miners(ids: std::ops::RangeInclusive<u8>) -> Vec<NodeKey> {
	ids.map(|i| {
		let key = NodeKey::new(i);
		register(&account(i), &key, NodeType::GpuMiner);
		key
	})
	.collect()
}

/// Runs blocks up to and including `n`, calling the pallet's `on_initialize` in each.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Registration::on_initialize(next);
	}
}

/// The pallet's events since the last call, oldest first.
pub fn registration_events() -> Vec<registration::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Registration(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// Builds test externalities.
pub struct ExtBuilder {
	funded: Vec<AccountId>,
	genesis: registration::GenesisConfig<Test>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			funded: (1..=40).map(account).chain([FEE_AUTHORITY]).collect(),
			genesis: registration::GenesisConfig {
				fee_charging_enabled: false,
				deregistration_enabled: true,
				..Default::default()
			},
		}
	}
}

impl ExtBuilder {
	/// Changes the pallet's genesis config.
	pub fn genesis(mut self, f: impl FnOnce(&mut registration::GenesisConfig<Test>)) -> Self {
		f(&mut self.genesis);
		self
	}

	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let storage = RuntimeGenesisConfig {
			balances: pallet_balances::GenesisConfig {
				balances: self.funded.iter().map(|a| (a.clone(), FUNDS)).collect(),
				..Default::default()
			},
			registration: self.genesis,
			..Default::default()
		}
		.build_storage()
		.expect("mock genesis builds");
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.register_extension(sp_keystore::KeystoreExt::new(
			sp_keystore::testing::MemoryKeystore::new(),
		));
		ext.execute_with(|| {
			System::set_block_number(1);
			HookBudget::set(Weight::from_parts(2_000_000_000_000, 10 * 1024 * 1024));
			ConsensusPeriodParam::set(CONSENSUS_PERIOD);
			ExistentialDeposit::set(1);
			CooldownParam::set(COOLDOWN);
			ReportWindowParam::set(REPORT_WINDOW);
			MaxWhitelistedParam::set(MAX_WHITELISTED);
			MaxConsentLifetimeParam::set(MAX_CONSENT_LIFETIME);
			HeartbeatPeriodParam::set(HEARTBEAT_PERIOD);
			OfflineAfterParam::set(OFFLINE_AFTER);
			OFFLINE.with(|o| o.borrow_mut().clear());
			MaxRevokedConsentsParam::set(MAX_REVOKED_CONSENTS);
			MaxReportsPerRoundParam::set(MAX_REPORTS_PER_ROUND);
			MaxReportedNodesParam::set(MAX_REPORTED_NODES);
			Ineligible::set(Vec::new());
			MigrationOngoing::set(false);
			MaxNodesParam::set(MAX_NODES);
			MaxNodesPerOwnerParam::set(1);
			SLASHED.with(|s| *s.borrow_mut() = 0);
			MaxVersionLenParam::set(32);
			MaxCapabilitiesParam::set(MAX_CAPABILITIES);
			MaxCapabilityLenParam::set(48);
			ReporterProxies::set(Vec::new());
			Credits::set(None);
			UNREGISTERED.with(|u| u.borrow_mut().clear());
		});
		ext
	}

	/// Runs `test`, then checks every invariant of the pallet.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Registration::do_try_state().expect("invariants hold after the test");
		});
	}
}

/// Runs `test` on the default externalities and checks the invariants after it.
pub fn new_test_ext(test: impl FnOnce()) {
	ExtBuilder::default().build_and_execute(test)
}
