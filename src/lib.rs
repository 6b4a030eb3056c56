//! prodlint: a production-readiness linter for Python web services.

pub mod allocator;
pub mod audit;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod docs;
pub mod edit_map;
pub mod engine;
pub mod fix;
pub mod git;
pub mod git_index;
pub mod hashing;
pub mod ignore_files;
pub mod panics;
pub mod parse;
pub mod paths;
pub mod phases;
pub mod project;
pub mod purpose;
pub mod read;
pub mod redact;
pub mod registry;
pub mod report;
pub mod rules;
pub mod run;
pub mod select;
pub mod server;
pub mod source;
pub mod suppress;
#[cfg(test)]
pub mod test_texts;
pub mod words;
