//! Writes a raw chain spec of the development chain, without a node binary: the genesis storage
//! is built natively from the `development` preset and the runtime's wasm is added as `:code`.
//!
//! Usage: `chain-spec [OUTPUT]` (default `target/registration-dev-spec.json`, printed to stdout
//! with `-`). chopsticks runs the result with `--genesis`.

use registration_dev_runtime::{genesis, RuntimeGenesisConfig, WASM_BINARY};
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let output =
		std::env::args().nth(1).unwrap_or_else(|| "target/registration-dev-spec.json".into());
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
		if let Some(dir) = std::path::Path::new(&output).parent() {
			std::fs::create_dir_all(dir)?;
		}
		std::fs::write(&output, text)?;
		eprintln!("wrote {output} ({} storage entries, wasm {} bytes)", top.len(), wasm.len());
	}
	Ok(())
}
