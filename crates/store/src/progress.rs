//! How far a long piece of work has got — an import's rows checked and then written, an
//! export's records written — for whoever watches it (a page polling the web server). The
//! counter belongs to the task doing the work ([`watch`] puts it there): code that checks or
//! writes rows ticks it with [`begin`] and [`tick`], which do nothing in a task nobody watches.

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

tokio::task_local! {
    static CURRENT: Arc<Progress>;
}

/// What the work is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// reading the upload (no count yet)
    Reading,
    /// checking rows
    Checking,
    /// writing rows (or records)
    Writing,
    /// finished
    Done,
}

impl Stage {
    const ALL: [Stage; 4] = [Stage::Reading, Stage::Checking, Stage::Writing, Stage::Done];

    pub fn key(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Checking => "checking",
            Stage::Writing => "writing",
            Stage::Done => "done",
        }
    }
}

/// A stage and its count: `done` of `total`.
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    /// Starts `stage` over `total` rows, none done yet.
    pub fn begin(&self, stage: Stage, total: u64) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.stage.store(stage as u8, Ordering::Relaxed);
    }

    pub fn tick(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// (stage, done, total)
    pub fn get(&self) -> (Stage, u64, u64) {
        let stage = Stage::ALL.get(self.stage.load(Ordering::Relaxed) as usize).copied().unwrap_or(Stage::Reading);
        (stage, self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }
}

/// Runs `work` with `progress` as its task's counter.
pub async fn watch<F: Future>(progress: Arc<Progress>, work: F) -> F::Output {
    CURRENT.scope(progress, work).await
}

/// Starts `stage` over `total` rows on the watched counter, if any.
pub fn begin(stage: Stage, total: usize) {
    let _ = CURRENT.try_with(|p| p.begin(stage, total as u64));
}

/// `n` more rows done on the watched counter, if any.
pub fn tick(n: usize) {
    let _ = CURRENT.try_with(|p| p.tick(n as u64));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_only_inside_a_watched_task() {
        tick(5);
        let p = Arc::new(Progress::default());
        assert_eq!(p.get(), (Stage::Reading, 0, 0));
        watch(p.clone(), async {
            begin(Stage::Checking, 3);
            tick(1);
            tick(1);
        })
        .await;
        assert_eq!(p.get(), (Stage::Checking, 2, 3));
        tick(1);
        assert_eq!(p.get(), (Stage::Checking, 2, 3), "outside the task nothing counts");
    }
}
