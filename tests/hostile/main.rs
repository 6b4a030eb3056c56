//! Attacks from a repository prodlint did not write, each built here and
//! run through the real binary with a watchdog (a hang fails the test; no
//! duration is asserted) and, where memory is at stake, an address-space
//! cap on the child: data never lost by `--fix`, secrets never shown,
//! nothing of the repository's run, special files and limits handled.

#[path = "../common/mod.rs"]
mod common;
mod harness;
mod output;
mod secrets;
mod special_files;
mod time;
mod writes;
