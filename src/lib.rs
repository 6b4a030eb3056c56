//! prodlint: a production-readiness linter for Python web services.

pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod parse;
pub mod redact;
pub mod registry;
pub mod rules;
pub mod select;
pub mod source;
pub mod suppress;
