//! `registrar`: keep a libp2p node registered in the registration pallet.
//!
//! Commands: `sign` (print the call's parameters for polkadot.js apps), `register` (one
//! attempt), `status` (what the chain says about the node), `run` (the loop, as a service),
//! `consent` (an owner consent file for offline signing), `rotate` (move a node to a new
//! key) and `nodes` (list registered nodes, their records' signatures checked).
//! Secrets are read from files or environment variables named on the command line, never from
//! the command line itself. This file only dispatches: the flags are in [`cli`], the commands'
//! bodies in the library.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;

use clap::Parser;
use cli::{failed, Cli, CliError, Command};
use std::process::ExitCode;

fn print_json(value: &impl serde::Serialize) -> Result<(), CliError> {
	let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
	println!("{text}");
	Ok(())
}

async fn dispatch(command: Command) -> Result<ExitCode, CliError> {
	match command {
		Command::Sign(args) => {
			let signed = registrar::commands::sign(args.request()?).await.map_err(failed)?;
			print_json(&signed)?;
			Ok(ExitCode::SUCCESS)
		}
		Command::Register(args) => {
			let config = args.config()?;
			let outcome = registrar::commands::register(&config).await.map_err(failed)?;
			print_json(&outcome)?;
			Ok(cli::exit_code(outcome.class))
		}
		Command::Status(args) => {
			let status = registrar::commands::status(args.request()?).await.map_err(failed)?;
			print_json(&status)?;
			Ok(ExitCode::SUCCESS)
		}
		Command::Run(args) => {
			registrar::run_registration_loop(args.config()?).await.map_err(failed)?;
			Ok(ExitCode::SUCCESS)
		}
		Command::Consent(args) => {
			let confirm = args.confirmation()?;
			let done =
				registrar::commands::consent(args.request()?, confirm).await.map_err(failed)?;
			print_json(&done.report)?;
			Ok(done.refused.map_or(ExitCode::SUCCESS, cli::exit_code))
		}
		Command::Rotate(args) => {
			let request = args.request()?;
			let outcome = registrar::commands::rotate(&request).await.map_err(failed)?;
			print_json(&outcome)?;
			Ok(cli::exit_code(outcome.class))
		}
		Command::Nodes(args) => {
			let listing = registrar::commands::nodes(&args.request()).await.map_err(failed)?;
			if args.json {
				print_json(&listing)?;
			} else {
				print!("{}", registrar::commands::render_nodes(&listing));
			}
			Ok(ExitCode::SUCCESS)
		}
	}
}

fn main() -> ExitCode {
	let args: Vec<String> = std::env::args().collect();
	if let Some(message) = cli::secret_on_the_command_line(&args) {
		eprintln!("error: {message}");
		return CliError::Usage(message).exit_code();
	}
	let cli = Cli::parse_from(args);
	for name in cli.command.secret_env_vars() {
		// SAFETY: the process has one thread here: the arguments are parsed, and neither the
		// logger nor the async runtime below has started (nothing before main starts threads).
		// So nothing reads or changes the environment while the secret is moved out of it.
		unsafe {
			registrar::keys::take_env_secret(name);
		}
	}
	let filter = tracing_subscriber::EnvFilter::try_from_default_env()
		.or_else(|_| tracing_subscriber::EnvFilter::try_new(&cli.log))
		.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
	tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.with_writer(std::io::stderr)
		.init();
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(error) => {
			eprintln!("error: cannot start the async runtime: {error}");
			return ExitCode::FAILURE;
		}
	};
	// Printed once, on stderr, with the exit code the README's table gives its kind.
	match runtime.block_on(dispatch(cli.command)) {
		Ok(code) => code,
		Err(error) => {
			eprintln!("error: {}", error.message());
			error.exit_code()
		}
	}
}
