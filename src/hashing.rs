//! Hash maps for hot paths: foldhash instead of std's SipHash, which
//! dominated the cost of keying mappings and paths. Its seed is random
//! per process, so keys in a hostile file cannot be chosen to collide
//! (lookups stay constant time on crafted input).

pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
