//! Writes a raw chain spec of the development chain, without a node binary: the genesis storage
//! is built natively from the `development` preset and the runtime's wasm is added as `:code`.
//!
//! Usage: `chain-spec [OUTPUT]` (default `target/registration-dev-spec.json`, printed to stdout
//! with `-`). chopsticks runs the result with `--genesis`.
//!
//! `chain-spec --next-spec-wasm [OUTPUT]` writes instead the same runtime's wasm with
//! `spec_version` 2 (default `target/registration-dev-next-spec.wasm`): the code the runtime
//! upgrade test sets with `system.setCode`.

use registration_dev_runtime::{genesis, next_spec, RuntimeGenesisConfig, WASM_BINARY};
use serde_json::{json, Map, Value};
use sp_runtime::BuildStorage;
use std::io::Write;

/// Overlays `patch` on `base`, object by object (as the genesis builder applies presets).
fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

fn hex(bytes: &[u8]) -> String {
	let mut out = String::with_capacity(2 + bytes.len() * 2);
	out.push_str("0x");
	for byte in bytes {
		out.push_str(&format!("{byte:02x}"));
	}
	out
}

/// Writes `bytes` to `output`, creating its directory.
fn write(output: &str, bytes: &[u8]) -> std::io::Result<()> {
	if let Some(dir) = std::path::Path::new(output).parent() {
		std::fs::create_dir_all(dir)?;
	}
	std::fs::write(output, bytes)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let mut args = std::env::args().skip(1).peekable();
	if args.next_if_eq("--next-spec-wasm").is_some() {
		let output = args.next().unwrap_or_else(|| "target/registration-dev-next-spec.wasm".into());
		let wasm = next_spec::WASM_BINARY.ok_or("the runtime was built without its wasm")?;
		write(&output, wasm)?;
		eprintln!("wrote {output} (spec_version 2, {} bytes)", wasm.len());
		return Ok(());
	}
	let output = args.next().unwrap_or_else(|| "target/registration-dev-spec.json".into());
	let wasm = WASM_BINARY.ok_or("the runtime was built without its wasm (SKIP_WASM_BUILD?)")?;

	let mut config = serde_json::to_value(RuntimeGenesisConfig::default())?;
	merge(&mut config, genesis::development());
	let config: RuntimeGenesisConfig = serde_json::from_value(config)?;
	let mut storage = config.build_storage()?;
	storage.top.insert(sp_core::storage::well_known_keys::CODE.to_vec(), wasm.to_vec());

	let top: Map<String, Value> =
		storage.top.iter().map(|(k, v)| (hex(k), Value::String(hex(v)))).collect();
	let spec = json!({
		"name": "Registration Development",
		"id": "registration_dev",
		"chainType": "Development",
		"bootNodes": [],
		"telemetryEndpoints": null,
		"protocolId": null,
		"properties": { "tokenDecimals": 18, "tokenSymbol": "UNIT", "ss58Format": 42 },
		"codeSubstitutes": {},
		"genesis": { "raw": { "top": top, "childrenDefault": {} } },
	});
	let text = serde_json::to_string_pretty(&spec)?;
	if output == "-" {
		std::io::stdout().write_all(text.as_bytes())?;
	} else {
		write(&output, text.as_bytes())?;
		eprintln!("wrote {output} ({} storage entries, wasm {} bytes)", top.len(), wasm.len());
	}
	Ok(())
}
