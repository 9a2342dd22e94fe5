//! Long exports in the background, so that a page can show how far they have got: starting
//! one answers at once with a job; the job writes its sheet batch by batch into a file and
//! counts the records written; the page polls the job and downloads the file when it is done.
//!
//! A job belongs to the account that started it (any other account is told 404) and needs
//! the permission it was started with, also when read. Jobs live in the process that runs
//! them, with their files in the temporary directory, and are dropped [`KEEP`] after they
//! start: behind several replicas, a session must stay on one replica (sticky sessions) to
//! follow a job; the plain `export.xlsx` routes work anywhere.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::response::Response;
use qingfeng_domain::access::Permission;
use qingfeng_store::progress::{self, Progress};
use serde::Serialize;

use super::ApiError;
use crate::auth::Principal;

/// How long a job and its file are kept after it starts.
pub const KEEP: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone, PartialEq)]
enum State {
    Running,
    Done,
    Failed(String),
}

/// One export in the background.
#[derive(Debug)]
pub struct Job {
    pub id: String,
    owner: i64,
    permission: Permission,
    /// the download's file name
    pub filename: String,
    pub progress: Arc<Progress>,
    state: Mutex<State>,
    started: Instant,
    path: PathBuf,
}

/// What the status route answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobStatus {
    pub id: String,
    /// `running`, `done` or `failed`
    pub state: String,
    /// records written so far
    pub written: u64,
    /// records to write
    pub total: u64,
    /// why the export failed
    pub message: Option<String>,
    /// where the file is downloaded once done
    pub file_url: Option<String>,
}

impl Job {
    pub fn status(&self) -> JobStatus {
        let (_, written, total) = self.progress.get();
        let state = self.state.lock().expect("job state").clone();
        let (key, message) = match &state {
            State::Running => ("running", None),
            State::Done => ("done", None),
            State::Failed(m) => ("failed", Some(m.clone())),
        };
        JobStatus {
            id: self.id.clone(),
            state: key.into(),
            written,
            total,
            message,
            file_url: (state == State::Done).then(|| format!("/api/v1/export-jobs/{}/file", self.id)),
        }
    }

    /// The finished file as a download, streamed from disk; 404 while the job runs.
    pub async fn download(&self) -> Result<Response, ApiError> {
        if *self.state.lock().expect("job state") != State::Done {
            return Err(ApiError::NotFound);
        }
        super::xlsx::xlsx_file(&self.path, &self.filename, false).await
    }
}

/// The export jobs of this process.
#[derive(Debug, Clone, Default)]
pub struct Jobs {
    jobs: Arc<Mutex<HashMap<String, Arc<Job>>>>,
}

impl Jobs {
    /// Starts `run(path)` in the background for `p`, who needs `permission` to follow it;
    /// `run` writes the file `path` and counts what it writes ([`progress::begin`], [`progress::tick`]).
    pub fn start<F, Fut>(&self, p: &Principal, permission: Permission, filename: &str, run: F) -> Arc<Job>
    where
        F: FnOnce(PathBuf) -> Fut,
        Fut: Future<Output = Result<(), ApiError>> + Send + 'static,
    {
        self.sweep();
        let id = new_id();
        let path = temp_path(&id);
        let job = Arc::new(Job {
            id: id.clone(),
            owner: p.account_id,
            permission,
            filename: filename.to_string(),
            progress: Arc::new(Progress::default()),
            state: Mutex::new(State::Running),
            started: Instant::now(),
            path: path.clone(),
        });
        self.jobs.lock().expect("jobs").insert(id, job.clone());
        let task = tokio::spawn(progress::watch(job.progress.clone(), run(path)));
        let watched = job.clone();
        tokio::spawn(async move {
            let failed = |detail: String| {
                tracing::error!(job = %watched.id, %detail, "export failed");
                State::Failed(ApiError::Internal(detail).parts().1)
            };
            let state = match task.await {
                Ok(Ok(())) => State::Done,
                Ok(Err(ApiError::Internal(detail))) => failed(detail),
                Ok(Err(e)) => State::Failed(e.parts().1),
                Err(e) => failed(e.to_string()),
            };
            *watched.state.lock().expect("job state") = state;
        });
        job
    }

    /// The job `id` if `p` started it and still holds its permission; else None (404).
    pub fn get(&self, p: &Principal, id: &str) -> Option<Arc<Job>> {
        let job = self.jobs.lock().expect("jobs").get(id).cloned()?;
        (job.owner == p.account_id && p.can(job.permission)).then_some(job)
    }

    /// Drops the jobs started more than [`KEEP`] ago, with their files.
    fn sweep(&self) {
        let mut jobs = self.jobs.lock().expect("jobs");
        jobs.retain(|_, job| {
            let keep = job.started.elapsed() < KEEP;
            if !keep {
                let _ = std::fs::remove_file(&job.path);
            }
            keep
        });
    }
}

/// Runs an export now (`run` as for [`Jobs::start`]) and answers its file, streamed from a
/// temporary file that is removed once opened.
pub async fn export_now<F, Fut>(filename: &str, run: F) -> Result<Response, ApiError>
where
    F: FnOnce(PathBuf) -> Fut,
    Fut: Future<Output = Result<(), ApiError>>,
{
    let path = temp_path(&new_id());
    if let Err(e) = run(path.clone()).await {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    super::xlsx::xlsx_file(&path, filename, true).await
}

/// Where an export is written.
fn temp_path(id: &str) -> PathBuf {
    std::env::temp_dir().join(format!("qingfeng-export-{id}.xlsx"))
}

/// 128 random bits, hex.
fn new_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
