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
//!
//! Page anchors follow the same rule: where a page read by offset started in a filter's order
//! (the id of the row before it), so that the same page or a deeper one is read again by keyset
//! from there instead of skipping every row before it.

use std::collections::{BTreeMap, HashMap};
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
/// Anchors kept per filter: a 1,000,000-row list at 50 a page has 20,000 pages, and readers
/// jump to a few of them (each page read by offset leaves two); past this the filter's anchors
/// start afresh.
const ANCHORS_PER_FILTER: usize = 128;
/// Filters whose anchors are kept: with [`ANCHORS_PER_FILTER`], at most 65,536 anchors (a few
/// MiB with their keys) however many distinct pages and filters are asked for.
const ANCHORED_FILTERS: usize = 512;

/// The version of the data a total was counted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DataVersion {
    pub generation: u64,
    pub audit_head: i64,
}

/// A filter's anchors: the version and time they were found at, and offset -> id.
type Anchors = (DataVersion, Instant, BTreeMap<i64, i64>);

#[derive(Debug, Default)]
pub(crate) struct CountCache {
    generation: AtomicU64,
    totals: Mutex<HashMap<String, (DataVersion, Instant, i64)>>,
    /// one turn per filter being counted (see [`CountCache::counting`])
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// per filter: offset in its order -> id of the row just before that offset
    anchors: Mutex<HashMap<String, Anchors>>,
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

    /// The deepest anchor of the filter `key` at or before `offset`: (its offset, the id of the
    /// row before it), read at `version`.
    pub fn anchor_at_or_before(&self, key: &str, version: DataVersion, offset: i64) -> Option<(i64, i64)> {
        let anchors = self.anchors.lock().unwrap_or_else(|e| e.into_inner());
        match anchors.get(key) {
            Some((v, at, marks)) if *v == version && at.elapsed() < MAX_AGE => {
                marks.range(..=offset).next_back().map(|(&o, &id)| (o, id))
            }
            _ => None,
        }
    }

    /// Remembers that at `version` the row before `offset` in the filter `key`'s order is `id`.
    pub fn put_anchor(&self, key: &str, version: DataVersion, offset: i64, id: i64) {
        let mut anchors = self.anchors.lock().unwrap_or_else(|e| e.into_inner());
        if anchors.len() >= ANCHORED_FILTERS && !anchors.contains_key(key) {
            anchors.clear();
        }
        let entry = anchors.entry(key.to_string()).or_insert_with(|| (version, Instant::now(), BTreeMap::new()));
        if entry.0 != version || entry.1.elapsed() >= MAX_AGE || entry.2.len() >= ANCHORS_PER_FILTER {
            *entry = (version, Instant::now(), BTreeMap::new());
        }
        entry.2.insert(offset, id);
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

    #[test]
    fn the_deepest_anchor_before_an_offset_is_served_at_its_version() {
        let c = CountCache::default();
        let v = DataVersion { generation: c.generation(), audit_head: 7 };
        c.put_anchor("q", v, 100, 11);
        c.put_anchor("q", v, 300, 33);
        assert_eq!(c.anchor_at_or_before("q", v, 50), None);
        assert_eq!(c.anchor_at_or_before("q", v, 100), Some((100, 11)));
        assert_eq!(c.anchor_at_or_before("q", v, 299), Some((100, 11)));
        assert_eq!(c.anchor_at_or_before("q", v, 5000), Some((300, 33)));
        assert_eq!(c.anchor_at_or_before("other", v, 5000), None);
        c.bump();
        let now = DataVersion { generation: c.generation(), ..v };
        assert_eq!(c.anchor_at_or_before("q", now, 5000), None, "a write drops the anchors");
        c.put_anchor("q", now, 200, 22);
        assert_eq!(c.anchor_at_or_before("q", now, 5000), Some((200, 22)), "older anchors are gone");
        for page in 0..ANCHORS_PER_FILTER as i64 {
            c.put_anchor("q", now, 1000 + page, page);
        }
        assert_eq!(c.anchor_at_or_before("q", now, 300), None, "a full filter starts afresh");
        for filter in 0..=ANCHORED_FILTERS {
            c.put_anchor(&format!("f{filter}"), now, 50, 1);
        }
        assert!(c.anchors.lock().unwrap().len() <= ANCHORED_FILTERS, "the filters kept are bounded");
    }
}
