//! Statements on `apikey`, each a plain function over `&mut DbConnection`.

pub mod batch;
pub mod cap;
pub mod counters;
pub mod keys;
pub mod retention;
pub mod rotation;
pub mod statement;
pub mod usage;
mod usage_insert;
pub mod verify;
