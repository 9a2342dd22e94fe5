//! Totals of list queries, counted once per filter and data version.
//!
//! Every list answers with its total, and counting a filter over a province's rows costs more
//! than reading the page itself (a scan of every match, where the page stops after 50). The
//! total of a query text with its arguments is kept until the data may have changed:
//!
//! - any write through this process's [`crate::Db`] bumps its write generation (after commit);
//! - a write from elsewhere (another replica, the command line) that is audited moves the head
//!   of the audit chain, which is read with each lookup (one row);
//! - anything else (an unaudited write by another process) is caught by a short age limit.
//!
//! The generation is read before counting, so a count that raced a commit is stored under the
//! older generation and is never served after that commit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a total is trusted when nothing this process can see has changed.
/// A minute: counting a province's ledger takes up to a second, and a replica's unaudited
/// writes (session touches, the outbound queue) do not change what a list counts.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Distinct filters kept; past this the cache starts afresh (a burst of distinct searches
/// cannot grow it without bound).
const CAPACITY: usize = 4096;

/// The version of the data a total was counted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DataVersion {
    pub generation: u64,
    pub audit_head: i64,
}

#[derive(Debug, Default)]
pub(crate) struct CountCache {
    generation: AtomicU64,
    totals: Mutex<HashMap<String, (DataVersion, Instant, i64)>>,
    /// one turn per filter being counted (see [`CountCache::counting`])
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl CountCache {
    /// Called after every committed write of this process.
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn get(&self, key: &str, version: DataVersion) -> Option<i64> {
        let totals = self.totals.lock().unwrap_or_else(|e| e.into_inner());
        match totals.get(key) {
            Some((v, at, total)) if *v == version && at.elapsed() < MAX_AGE => Some(*total),
            _ => None,
        }
    }

    /// The turn to count the filter `key`: whoever holds it counts, the others wait and then
    /// find the total in the cache.
    pub fn counting(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        if turns.len() >= CAPACITY {
            // a turn dropped here while held only lets a second counter in once
            turns.clear();
        }
        turns.entry(key.to_string()).or_default().clone()
    }

    pub fn put(&self, key: String, version: DataVersion, total: i64) {
        let mut totals = self.totals.lock().unwrap_or_else(|e| e.into_inner());
        if totals.len() >= CAPACITY {
            totals.clear();
        }
        totals.insert(key, (version, Instant::now(), total));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_is_served_only_at_the_version_it_was_counted() {
        let c = CountCache::default();
        let v = DataVersion { generation: c.generation(), audit_head: 7 };
        c.put("q".into(), v, 42);
        assert_eq!(c.get("q", v), Some(42));
        assert_eq!(c.get("other", v), None);
        c.bump();
        assert_eq!(c.get("q", DataVersion { generation: c.generation(), audit_head: 7 }), None);
        assert_eq!(c.get("q", DataVersion { audit_head: 8, ..v }), None);
    }
}
