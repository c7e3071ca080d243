//! One file per endpoint.

pub mod reference;
pub mod schema;
