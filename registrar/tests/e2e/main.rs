//! End-to-end tests of the registrar against the dev chain: the dev runtime's raw chain spec run
//! by chopsticks, started through the same launcher as the JS tests and `scripts/chain.sh`
//! (`node e2e/chain.mjs --port P`), one chain per test on a free port, so the tests run in
//! parallel. One test binary, a `common` module, one module per feature.
//!
//! Needs `target/registration-dev-spec.json` (or `REGISTRATION_SPEC`) from
//! `scripts/build-chain-spec.sh` and `e2e/node_modules` from `scripts/setup-node-deps.sh`;
//! `registrar/scripts/test.sh` prepares both. Without them each test prints why and passes,
//! unless `REGISTRAR_E2E_REQUIRED=1` (CI) makes that a failure.

#[macro_use]
mod common;

mod cli_errors;
mod consent;
mod discovery;
mod hostile;
mod registration;
mod rotation;
