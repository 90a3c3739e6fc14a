//! Builds the runtime's WebAssembly blobs with substrate-wasm-builder:
//!
//! - the dev runtime (`WASM_BINARY`): what `chain-spec` puts into the dev chain's genesis;
//! - the same runtime with `spec_version` 2 (feature `next-spec-version`,
//!   `next_spec::WASM_BINARY`) in the reference's rules (feature `reference-rules`: one node per
//!   owner, no deposit): the code the end-to-end test upgrades that chain to and the reference
//!   chain's SDK registers against (`chain-spec --next-spec-wasm`, `e2e/test/upgrade.test.mjs`).
//!
//! The two builds run one after the other in the same wasm project (`wbuild/<crate>` in the
//! target directory), so the second compiles only this crate again: about 23 s more per change of
//! the runtime or the pallet on a 2-core machine. They must not run side by side, as two build
//! scripts would: they share that project's directory.

fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_feature("next-spec-version")
			// The reference's rules (one node per owner, no deposit): the reference chain's SDK
			// registers against the chain upgraded to this blob.
			.enable_feature("reference-rules")
			// The blob's name and the name of the file in OUT_DIR that `next_spec` includes.
			.set_file_name("registration_dev_runtime_next_spec")
			.build();
	}
}
