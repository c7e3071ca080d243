//! Rules with no HTTP types: passwords, sign-up and sign-in.

pub mod credentials;
pub mod password;
