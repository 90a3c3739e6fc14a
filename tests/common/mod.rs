pub mod mock;
pub mod state_machine;
