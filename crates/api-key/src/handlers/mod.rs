//! One file per endpoint.

pub mod create;
pub mod delete;
pub mod delete_expired;
pub mod get;
pub mod input;
pub mod list;
pub mod query;
pub mod rotate;
pub mod stats;
pub mod update;
pub mod usage;
pub mod verify;
