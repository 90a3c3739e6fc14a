//! Calls the pallet's view functions through the `RuntimeViewFunction` runtime API.
//!
//! The runtime API is `execute_view_function(query_id: ViewFunctionId, input: Vec<u8>) ->
//! Result<Vec<u8>, ViewFunctionDispatchError>` (frame-support), so the call's parameters are
//! the 32-byte id followed by the input **as a length-prefixed `Vec<u8>`**, and the answer is
//! a `Result` around the output bytes. subxt 0.50's view function client (frame-decode 0.18)
//! sends the id followed by the bare input and decodes the answer as the bare output: the
//! runtime then fails to decode its own parameters and panics ("Bad input data provided to
//! execute_view_function"). That is a client-side encoding mismatch, not a pallet or runtime
//! bug; this module encodes the call as the runtime declares it.

use super::ChainConfig;
use crate::{chain_error::ChainError, facts::PALLET};
use codec::{Decode, Encode};
use subxt::client::OnlineClientAtBlock;

/// The runtime API method that executes view functions.
const EXECUTE: &str = "RuntimeViewFunction_execute_view_function";

/// The parameters of the runtime API method (`RuntimeViewFunction_execute_view_function`) for
/// the view function `query_id` with the SCALE-encoded arguments `input`.
pub fn encode_call(query_id: &[u8; 32], input: &[u8]) -> Vec<u8> {
	let mut params = query_id.to_vec();
	input.encode_to(&mut params);
	params
}

/// The output bytes of the runtime API method's answer, a
/// `Result<Vec<u8>, ViewFunctionDispatchError>`.
pub fn decode_answer(mut answer: &[u8]) -> Result<Vec<u8>, ChainError> {
	let input = &mut answer;
	let err = |e: codec::Error| ChainError::Decode(format!("view function answer: {e}"));
	match u8::decode(input).map_err(err)? {
		0 => Vec::<u8>::decode(input).map_err(err),
		1 => {
			let why = match u8::decode(input).map_err(err)? {
				0 => "view functions are not implemented by this runtime",
				1 => "the runtime has no view function with this id",
				2 => "the runtime could not decode the view function's input",
				_ => "unknown dispatch error",
			};
			Err(ChainError::Metadata(format!("view function call failed: {why}")))
		}
		tag => Err(ChainError::Decode(format!("view function answer: result tag {tag}"))),
	}
}

/// Runs the pallet's view function `name` with the SCALE-encoded arguments `input` at `at`;
/// returns the output's SCALE bytes and the output's type id in the metadata.
pub async fn call(
	at: &OnlineClientAtBlock<ChainConfig>,
	name: &str,
	input: &[u8],
) -> Result<(Vec<u8>, u32), ChainError> {
	let metadata = at.metadata();
	let function = metadata
		.pallet_by_name(PALLET)
		.and_then(|pallet| pallet.view_function_by_name(name))
		.ok_or_else(|| ChainError::Metadata(format!("no view function {PALLET}.{name}")))?;
	let params = encode_call(function.query_id(), input);
	let answer = at
		.runtime_apis()
		.call_raw(EXECUTE, Some(&params))
		.await
		.map_err(|e| ChainError::Rpc(format!("view function {name}: {e}")))?;
	Ok((decode_answer(&answer)?, function.output_ty()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_input_is_a_length_prefixed_vec_after_the_id() {
		let params = encode_call(&[7; 32], &[1, 2, 3]);
		assert_eq!(&params[..32], &[7; 32]);
		// Compact length 3, then the bytes: what `input: Vec<u8>` decodes from.
		assert_eq!(&params[32..], &[3 << 2, 1, 2, 3]);
	}

	#[test]
	fn the_answer_is_a_result_around_the_output() {
		let ok: Result<Vec<u8>, ()> = Ok(vec![9, 9]);
		assert_eq!(decode_answer(&ok.encode()).unwrap(), vec![9, 9]);
		// `Err(NotFound(id))`: tag 1, variant 1, then the id.
		let mut not_found = vec![1, 1];
		not_found.extend_from_slice(&[0; 32]);
		let error = decode_answer(&not_found).unwrap_err().to_string();
		assert!(error.contains("no view function with this id"), "{error}");
		assert!(decode_answer(&[5]).is_err());
	}
}
