//! One function per statement; each takes `&mut DbConnection` and runs on
//! both backends.

pub mod accounts;
pub mod sessions;
pub mod users;
