//! One file per endpoint.

pub mod delete_expired;
pub mod verify;
