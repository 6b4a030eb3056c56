//! prodlint: a production-readiness linter for Python web services.

pub mod diagnostic;
pub mod parse;
pub mod registry;
pub mod source;
