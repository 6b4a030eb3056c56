//! Runs tests/hostile/time.rs on its own until tests/hostile/main.rs
//! declares it (`mod time;`).

#[path = "hostile/time.rs"]
mod time;
