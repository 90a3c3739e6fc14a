//! How a fee-less record or heartbeat reaches the pool: as a general transaction (extrinsic
//! format 5) that no account signs, which the runtime's `AuthorizeCall` extension admits by the
//! call's own `#[pallet::authorize]` check, or as a bare transaction, which the pallet's
//! `ValidateUnsigned` admits (deprecated in FRAME, which removes it after April 2027).
//!
//! Whether a runtime takes general ones is read from its metadata
//! ([`general_extension_version`]): once per connection to choose the path, which is
//! [`crate::judge::discovery::fee_less_path`]'s decision, and again at the block a general one
//! is built at, for its extension version.

use super::ChainConfig;
use crate::{chain_error::ChainError, facts::PALLET};
use subxt::{
	config::{ClientState, DefaultExtrinsicParamsBuilder, TransactionExtensions},
	dynamic::Value,
	ext::frame_decode::extrinsics::{encode_v5_general, ExtrinsicTypeInfo},
	Metadata,
};

/// The transaction extension that authorizes a general transaction by its call
/// (`frame_system::AuthorizeCall`), as the metadata names it.
pub const AUTHORIZE_CALL: &str = "AuthorizeCall";

/// The extrinsic format version of general transactions.
pub const GENERAL_FORMAT_VERSION: u8 = 5;

/// The first byte of a general transaction, after its compact length: the format version 5 in
/// the low six bits and the general type `0b01` in the top two (`sp_runtime`'s
/// `Preamble::General`).
pub const GENERAL_PREAMBLE: u8 = 0b0100_0000 | GENERAL_FORMAT_VERSION;

/// Whether a runtime whose extrinsic format versions are `versions` and whose transaction
/// extensions are `extensions` (by name) takes general transactions authorized by their call.
pub fn accepts_general<'a>(versions: &[u8], mut extensions: impl Iterator<Item = &'a str>) -> bool {
	versions.contains(&GENERAL_FORMAT_VERSION) && extensions.any(|name| name == AUTHORIZE_CALL)
}

/// The transaction extension version of the general transactions sent to the runtime of
/// `metadata`: the newest version it lists (as subxt encodes its own), when the runtime takes
/// extrinsic format 5 and that version's extensions include `AuthorizeCall`; `None` when it
/// does not take general transactions authorized by their call.
pub fn general_extension_version(metadata: &Metadata) -> Option<u8> {
	let version = metadata.extrinsic_extension_version_info().ok()?.max()?;
	let extrinsic = metadata.extrinsic();
	let extensions = extrinsic.transaction_extensions_by_version(version)?;
	accepts_general(extrinsic.supported_versions(), extensions.map(|e| e.identifier()))
		.then_some(version)
}

/// The pallet's call `call` with the arguments `values` as a general transaction without a
/// signer, with the transaction extensions of `extension_version` in `state`'s runtime.
///
/// No account signs it: the pallet's `#[pallet::authorize]` check admits it (`AuthorizeCall`
/// makes its origin `Authorized`; the node key's signature in the arguments covers the genesis
/// hash), and `CheckNonce` and `ChargeTransactionPayment` act on a signed origin only. The
/// explicit values are those of a transaction without a signer: immortal (the pallet's check
/// makes it valid until its liveness period ends), nonce 0, no tip. The implicit ones (genesis
/// hash, spec and transaction versions) are never in a transaction, and no signature commits
/// to them here.
pub fn encode_general(
	state: &ClientState<ChainConfig>,
	extension_version: u8,
	call: &str,
	values: Vec<Value>,
) -> Result<Vec<u8>, ChainError> {
	let params = DefaultExtrinsicParamsBuilder::<ChainConfig>::new().immortal().nonce(0).tip(0);
	let extensions =
		<ChainConfig as subxt::Config>::TransactionExtensions::new(state, params.build())
			.map_err(|e| ChainError::Metadata(format!("{call}: transaction extensions: {e}")))?;
	let metadata = &*state.metadata;
	encode_v5_general(
		PALLET,
		call,
		&subxt::ext::scale_value::Composite::unnamed(values),
		extension_version,
		&extensions,
		metadata,
		metadata.types(),
	)
	.map_err(|e| ChainError::Metadata(format!("{call} as a general transaction: {e}")))
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::{Compact, Decode, Encode};
	use scale_info::{meta_type, MetaType};
	use sp_runtime::{
		generic::{Era, Preamble},
		traits::ExtensionVariant,
	};

	#[test]
	fn general_transactions_need_format_5_and_authorize_call() {
		let runtime = ["AuthorizeCall", "CheckNonZeroSender", "CheckSpecVersion", "CheckNonce"];
		assert!(accepts_general(&[4, 5], runtime.into_iter()));
		assert!(accepts_general(&[5], runtime.into_iter()));
		// Without AuthorizeCall, or without format 5, the pallet's calls cannot be authorized.
		assert!(!accepts_general(&[4, 5], runtime[1..].iter().copied()));
		assert!(!accepts_general(&[4], runtime.into_iter()));
		assert!(!accepts_general(&[4, 5], std::iter::empty()));
	}

	#[test]
	fn the_preamble_is_format_5_general() {
		assert_eq!(GENERAL_PREAMBLE, 0x45);
	}

	/// The dev runtime's transaction extensions, by name, with their explicit and implicit
	/// types.
	fn dev_extensions() -> Vec<(&'static str, MetaType, MetaType)> {
		use sp_core::H256;
		vec![
			("AuthorizeCall", meta_type::<()>(), meta_type::<()>()),
			("CheckNonZeroSender", meta_type::<()>(), meta_type::<()>()),
			("CheckSpecVersion", meta_type::<()>(), meta_type::<u32>()),
			("CheckTxVersion", meta_type::<()>(), meta_type::<u32>()),
			("CheckGenesis", meta_type::<()>(), meta_type::<H256>()),
			("CheckMortality", meta_type::<Era>(), meta_type::<H256>()),
			("CheckNonce", meta_type::<Compact<u32>>(), meta_type::<()>()),
			("CheckWeight", meta_type::<()>(), meta_type::<()>()),
			("ChargeTransactionPayment", meta_type::<Compact<u128>>(), meta_type::<()>()),
		]
	}

	/// The pallet's `heartbeat` (call index 23) as the metadata describes it.
	#[derive(scale_info::TypeInfo)]
	#[allow(dead_code, non_camel_case_types)]
	enum RegistrationCall {
		#[codec(index = 23)]
		heartbeat { node_id: Vec<u8>, period: u32, version: Vec<u8>, signature: Vec<u8> },
	}

	#[derive(scale_info::TypeInfo)]
	#[allow(dead_code)]
	enum RuntimeCall {
		#[codec(index = 8)]
		Registration(RegistrationCall),
	}

	#[derive(scale_info::TypeInfo)]
	enum Nothing {}

	/// Metadata (v16) of a runtime with the pallet's `heartbeat` at index 8, extrinsic format
	/// `versions` and the transaction extensions `extensions` (version 0).
	fn metadata(
		versions: Vec<u8>,
		extensions: Vec<(&'static str, MetaType, MetaType)>,
	) -> Metadata {
		use subxt::ext::frame_metadata::v16;
		let pallet = v16::PalletMetadata {
			name: PALLET,
			storage: None,
			calls: Some(v16::PalletCallMetadata {
				ty: meta_type::<RegistrationCall>(),
				deprecation_info: v16::EnumDeprecationInfo::nothing_deprecated(),
			}),
			event: None,
			constants: vec![],
			error: None,
			associated_types: vec![],
			view_functions: vec![],
			index: 8,
			docs: vec![],
			deprecation_info: v16::ItemDeprecationInfo::NotDeprecated,
		};
		let by_version = [(0u8, (0..extensions.len() as u32).map(Compact).collect())];
		let extrinsic = v16::ExtrinsicMetadata {
			versions,
			address_ty: meta_type::<()>(),
			call_ty: meta_type::<RuntimeCall>(),
			signature_ty: meta_type::<()>(),
			transaction_extensions_by_version: by_version.into_iter().collect(),
			transaction_extensions: extensions
				.into_iter()
				.map(|(identifier, ty, implicit)| v16::TransactionExtensionMetadata {
					identifier,
					ty,
					implicit,
				})
				.collect(),
		};
		let outer_enums = v16::OuterEnums {
			call_enum_ty: meta_type::<RuntimeCall>(),
			event_enum_ty: meta_type::<Nothing>(),
			error_enum_ty: meta_type::<Nothing>(),
		};
		let custom = v16::CustomMetadata { map: Default::default() };
		let runtime =
			v16::RuntimeMetadataV16::new(vec![pallet], extrinsic, vec![], outer_enums, custom);
		Metadata::try_from(runtime).unwrap()
	}

	fn heartbeat_values() -> Vec<Value> {
		vec![
			Value::from_bytes(b"node"),
			Value::u128(7),
			Value::from_bytes(b"v1"),
			Value::from_bytes([9u8; 64]),
		]
	}

	fn state(metadata: Metadata) -> ClientState<ChainConfig> {
		ClientState {
			genesis_hash: [1u8; 32].into(),
			spec_version: 100,
			transaction_version: 1,
			metadata: std::sync::Arc::new(metadata),
		}
	}

	#[test]
	fn the_metadata_says_whether_the_runtime_takes_general_transactions() {
		assert_eq!(general_extension_version(&metadata(vec![4, 5], dev_extensions())), Some(0));
		let without_authorize_call = dev_extensions().into_iter().skip(1).collect();
		assert_eq!(general_extension_version(&metadata(vec![4, 5], without_authorize_call)), None);
		assert_eq!(general_extension_version(&metadata(vec![4], dev_extensions())), None);
	}

	#[test]
	fn a_general_transaction_has_no_signer_and_the_dev_runtimes_extensions() {
		let state = state(metadata(vec![4, 5], dev_extensions()));
		let bytes = encode_general(&state, 0, "heartbeat", heartbeat_values()).unwrap();
		// The compact length, then the whole transaction.
		let mut cursor = &bytes[..];
		let len = Compact::<u32>::decode(&mut cursor).unwrap().0;
		assert_eq!(len as usize, cursor.len());
		let call = (8u8, 23u8, b"node".to_vec(), 7u32, b"v1".to_vec(), vec![9u8; 64]).encode();
		// The general preamble and extension version 0; the explicit values of the extensions
		// that have any: immortal, nonce 0, tip 0; then the call. No address, no signature.
		let mut expected = vec![GENERAL_PREAMBLE, 0, 0, 0, 0];
		expected.extend(&call);
		assert_eq!(cursor, expected);

		// sp_runtime's own decoding of the dev runtime's explicit values.
		type Explicit = (Era, Compact<u32>, Compact<u128>);
		let mut rest = cursor;
		let preamble = Preamble::<(), (), Explicit>::decode(&mut rest).unwrap();
		let Preamble::General(ExtensionVariant::V0((era, nonce, tip))) = preamble else {
			panic!("not a general transaction of extension version 0");
		};
		assert_eq!((era, nonce.0, tip.0), (Era::Immortal, 0, 0));
		assert_eq!(rest, call);

		// frame-decode's reading with the metadata: format 5, general, the call.
		let decoded = subxt::ext::frame_decode::extrinsics::decode_extrinsic(
			&mut &bytes[..],
			&*state.metadata,
			state.metadata.types(),
		)
		.unwrap();
		assert_eq!(decoded.version(), 5);
		assert_eq!(decoded.ty(), subxt::ext::frame_decode::extrinsics::ExtrinsicType::General);
		assert!(!decoded.is_signed());
		assert_eq!(decoded.transaction_extension_payload().unwrap().version(), 0);
		assert_eq!((decoded.pallet_name(), decoded.call_name()), (PALLET, "heartbeat"));
	}

	#[test]
	fn arguments_that_are_not_the_calls_are_refused() {
		let state = state(metadata(vec![4, 5], dev_extensions()));
		let error = encode_general(&state, 0, "heartbeat", vec![Value::u128(1)]).unwrap_err();
		assert!(error.to_string().contains("heartbeat as a general transaction"), "{error}");
		let error = encode_general(&state, 0, "no_such_call", heartbeat_values()).unwrap_err();
		assert!(matches!(error, ChainError::Metadata(_)), "{error}");
	}
}
