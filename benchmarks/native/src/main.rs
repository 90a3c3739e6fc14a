//! Runs the pallet's benchmarks (`src/benchmarking.rs`) natively on the shared mock runtime, with
//! frame-benchmarking's own `run_benchmark` and `Analysis`, and writes `src/weights.rs`.
//!
//! This is the interim measurement until weights come from the wasm runtime with
//! frame-omni-bencher: the timing is native code on this machine (usually faster than wasm), and
//! storage access is counted by [`CountingExt`], which plays the part of the bencher's database
//! backend. Proof sizes use the bencher's default `MaxEncodedLen` estimate.
//!
//! Usage: `cargo run --release -p registration-native-weights -- [--steps N] [--repeat N]
//! [--output PATH]`.

#[path = "../../../tests/common/mock.rs"]
#[allow(unused_imports)]
mod mock;

mod counting;

use frame_benchmarking::{
	Analysis, BenchmarkParameter, BenchmarkResult, BenchmarkSelector, Benchmarking,
};
use frame_support::traits::{StorageInfoTrait, WhitelistedStorageKeys};
use std::{collections::BTreeMap, fmt::Write as _};

/// The bencher's default assumption for maps without `max_values`: a million entries.
const WORST_CASE_MAP_VALUES: u32 = 1_000_000;
/// The bencher's default extra trie layers per storage prefix.
const ADDITIONAL_TRIE_LAYERS: u32 = 2;

struct Options {
	steps: u32,
	repeat: u32,
	output: String,
}

fn options() -> Options {
	let mut options = Options { steps: 10, repeat: 20, output: "src/weights.rs".into() };
	let mut args = std::env::args().skip(1);
	while let Some(arg) = args.next() {
		let value = args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
		match arg.as_str() {
			"--steps" => options.steps = value.parse().expect("--steps takes a number"),
			"--repeat" => options.repeat = value.parse().expect("--repeat takes a number"),
			"--output" => options.output = value,
			other => panic!("unknown option {other}"),
		}
	}
	options
}

/// The component values to run: `steps` points from low to high (all of them when fewer).
fn points(low: u32, high: u32, steps: u32) -> Vec<u32> {
	if high <= low {
		return vec![low];
	}
	let steps = steps.max(2);
	let mut values: Vec<u32> = (0..steps)
		.map(|i| low + ((high - low) as u64 * i as u64 / (steps - 1) as u64) as u32)
		.collect();
	values.dedup();
	values
}

/// Worst-case proof size of one run, the way the bencher estimates it in `MaxEncodedLen` mode:
/// for every key read, the trie path to it plus the largest encoded value of its storage item.
fn proof_size(result: &BenchmarkResult, storage: &[frame_support::traits::StorageInfo]) -> u32 {
	let mut total = 0u32;
	let mut prefixes = std::collections::BTreeSet::new();
	for (key, reads, _, whitelisted) in &result.keys {
		if *whitelisted || *reads == 0 {
			continue;
		}
		let info = storage.iter().find(|info| key.starts_with(&info.prefix));
		let max_values = info.and_then(|i| i.max_values).unwrap_or(WORST_CASE_MAP_VALUES);
		let max_size = info.and_then(|i| i.max_size).unwrap_or_else(|| {
			panic!("read of a key without a MaxEncodedLen bound: 0x{}", hex(key))
		});
		let depth = (max_values.max(1) as f64).log(16.0).ceil() as u32;
		total += depth * 15 * 33 + max_size;
		if prefixes.insert(key.iter().take(32).copied().collect::<Vec<u8>>()) {
			total += 15 * 33 * ADDITIONAL_TRIE_LAYERS;
		}
	}
	total
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Measured {
	name: String,
	component: Option<(String, u32, u32)>,
	base_time: u128,
	slope_time: u128,
	base_reads: u128,
	slope_reads: u128,
	base_writes: u128,
	slope_writes: u128,
	base_proof: u128,
	slope_proof: u128,
	runs: usize,
}

fn analyse(results: &Vec<BenchmarkResult>, selector: BenchmarkSelector) -> (u128, u128) {
	let analysis = Analysis::median_slopes(results, selector)
		.or_else(|_| Analysis::min_squares_iqr(results, selector))
		.expect("analysis of the runs");
	let slope = analysis.slopes.first().copied().unwrap_or_default();
	(analysis.base, slope)
}

fn measure(name: &str, params: &[(BenchmarkParameter, u32, u32)], options: &Options) -> Measured {
	let storage = mock::AllPalletsWithSystem::storage_info();
	// As a runtime's `dispatch_benchmark` does: keys every block touches anyway.
	let whitelist = mock::AllPalletsWithSystem::whitelisted_storage_keys();
	let component = params.first().copied();
	let values = match component {
		Some((_, low, high)) => points(low, high, options.steps),
		None => vec![0],
	};
	let mut results = Vec::new();
	let mut verified = false;
	for value in values {
		let c: Vec<(BenchmarkParameter, u32)> =
			component.map(|(param, _, _)| vec![(param, value)]).unwrap_or_default();
		// One extra run per benchmark checks its outcome; measured runs skip the checks.
		for repeat in 0..=options.repeat {
			let verify = !verified && repeat == 0;
			let mut ext = mock::ExtBuilder::default().build();
			let mut run = ext
				.execute_with(|| {
					counting::with_counting(|| {
						<mock::Registration as Benchmarking>::run_benchmark(
							name.as_bytes(),
							&c,
							&whitelist,
							verify,
							1,
						)
					})
				})
				.unwrap_or_else(|e| panic!("benchmark {name} failed: {e:?}"));
			if verify {
				verified = true;
				continue;
			}
			for result in run.iter_mut() {
				result.proof_size = proof_size(result, &storage);
			}
			results.extend(run);
		}
	}
	let (base_time, slope_time) = analyse(&results, BenchmarkSelector::ExtrinsicTime);
	let (base_reads, slope_reads) = analyse(&results, BenchmarkSelector::Reads);
	let (base_writes, slope_writes) = analyse(&results, BenchmarkSelector::Writes);
	let (base_proof, slope_proof) = analyse(&results, BenchmarkSelector::ProofSize);
	Measured {
		name: name.to_string(),
		component: component.map(|(param, low, high)| (format!("{param:?}"), low, high)),
		base_time,
		slope_time,
		base_reads,
		slope_reads,
		base_writes,
		slope_writes,
		base_proof,
		slope_proof,
		runs: results.len(),
	}
}

fn render(measured: &[Measured], options: &Options) -> String {
	let date = std::process::Command::new("date")
		.arg("-u")
		.arg("+%Y-%m-%d")
		.output()
		.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
		.unwrap_or_default();
	let cpu = std::fs::read_to_string("/proc/cpuinfo")
		.ok()
		.and_then(|s| {
			s.lines()
				.find(|l| l.starts_with("model name"))
				.and_then(|l| l.split(':').nth(1))
				.map(|m| m.trim().to_string())
		})
		.unwrap_or_else(|| "unknown".into());
	let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
	let mut out = String::new();
	writeln!(
		out,
		"//! Weights of the registration pallet's calls and hook steps.
//!
//! MEASURED NATIVELY, as an interim until the dev runtime's wasm is benchmarked with
//! frame-omni-bencher: every benchmark of `src/benchmarking.rs` ran through frame-benchmarking's
//! own `run_benchmark` on the shared mock runtime (native code, release build) and
//! `Analysis::median_slopes` fitted the results. Storage reads and writes are counted per distinct
//! key by the runner's counting externalities (as the bencher's database backend does); proof
//! sizes are the bencher's default `MaxEncodedLen` estimate (trie path for a 1,000,000-entry map
//! plus 2 extra layers per prefix, plus the item's largest value). Native code usually runs faster
//! than wasm, so treat the ref_time here as a lower bound.
//!
//! DATE: {date}, MACHINE: {cpu} ({cores} cores)
//! STEPS: {steps}, REPEAT: {repeat}
//! COMMAND: `cargo run --release -p registration-native-weights -- --steps {steps} --repeat {repeat}`
//!          (script: `benchmarks/native-weights.sh`)

#![allow(unused_parens, unused_imports, unused_variables)]
#![allow(clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{{
	traits::Get,
	weights::{{constants::RocksDbWeight, Weight}},
}};

/// Weight functions needed by the pallet.
pub trait WeightInfo {{",
		steps = options.steps,
		repeat = options.repeat,
	)
	.ok();
	for m in measured {
		let arg = m.component.as_ref().map(|(c, _, _)| format!("{}: u32", c.to_lowercase()));
		writeln!(out, "\t/// Weight of `{}`.", m.name).ok();
		writeln!(out, "\tfn {}({}) -> Weight;", m.name, arg.unwrap_or_default()).ok();
	}
	writeln!(out, "}}\n").ok();
	for (ty, db, header) in [
		(
			"SubstrateWeight<T>",
			"T::DbWeight::get()",
			"/// Weights for the pallet, with the runtime's database weights.\npub struct SubstrateWeight<T>(PhantomData<T>);\nimpl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {",
		),
		("()", "RocksDbWeight::get()", "/// For tests and the mock: RocksDB database weights.\nimpl WeightInfo for () {"),
	] {
		let _ = ty;
		writeln!(out, "{header}").ok();
		for m in measured {
			let (arg, var) = match &m.component {
				Some((c, low, high)) => {
					let v = c.to_lowercase();
					(format!("{v}: u32"), Some((v, *low, *high)))
				},
				None => (String::new(), None),
			};
			writeln!(out, "\t/// Measured over {} runs.", m.runs).ok();
			if let Some((v, low, high)) = &var {
				writeln!(out, "\t/// The range of component `{v}` is `[{low}, {high}]`.").ok();
			}
			writeln!(out, "\tfn {}({arg}) -> Weight {{", m.name).ok();
			// The analysis reports time in picoseconds: ref_time's unit.
			writeln!(out, "\t\tWeight::from_parts({}, {})", m.base_time.max(1_000), m.base_proof)
			.ok();
			if let Some((v, _, _)) = &var {
				if m.slope_time > 0 || m.slope_proof > 0 {
					writeln!(
						out,
						"\t\t\t.saturating_add(Weight::from_parts({}, {}).saturating_mul({v}.into()))",
						m.slope_time, m.slope_proof
					)
					.ok();
				}
			}
			if m.base_reads > 0 {
				writeln!(out, "\t\t\t.saturating_add({db}.reads({}))", m.base_reads).ok();
			}
			if let Some((v, _, _)) = &var {
				if m.slope_reads > 0 {
					writeln!(
						out,
						"\t\t\t.saturating_add({db}.reads(({} as u64).saturating_mul({v}.into())))",
						m.slope_reads
					)
					.ok();
				}
			}
			if m.base_writes > 0 {
				writeln!(out, "\t\t\t.saturating_add({db}.writes({}))", m.base_writes).ok();
			}
			if let Some((v, _, _)) = &var {
				if m.slope_writes > 0 {
					writeln!(
						out,
						"\t\t\t.saturating_add({db}.writes(({} as u64).saturating_mul({v}.into())))",
						m.slope_writes
					)
					.ok();
				}
			}
			writeln!(out, "\t}}").ok();
		}
		writeln!(out, "}}\n").ok();
	}
	out.trim_end().to_string() + "\n"
}

fn main() {
	let options = options();
	let metadata = {
		let mut ext = mock::ExtBuilder::default().build();
		ext.execute_with(|| <mock::Registration as Benchmarking>::benchmarks(false))
	};
	let mut measured = Vec::new();
	let mut table: BTreeMap<String, String> = BTreeMap::new();
	for benchmark in metadata {
		let name = String::from_utf8(benchmark.name.clone()).expect("utf8 name");
		let m = measure(&name, &benchmark.components, &options);
		table.insert(
			name.clone(),
			format!(
				"{:<32} {:>12} ps {:>10} ps/c  reads {:>2}+{:>2}/c  writes {:>2}+{:>2}/c  proof {:>6}+{:>5}/c",
				name,
				m.base_time,
				m.slope_time,
				m.base_reads,
				m.slope_reads,
				m.base_writes,
				m.slope_writes,
				m.base_proof,
				m.slope_proof
			),
		);
		measured.push(m);
	}
	for line in table.values() {
		println!("{line}");
	}
	std::fs::write(&options.output, render(&measured, &options)).expect("write the weights file");
	println!("wrote {}", options.output);
}
