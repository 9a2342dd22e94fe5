//! Upload → validate every row → confirm, the same for every sheet a page imports. The
//! uploaded file waits in the database between the two steps, so the confirming request may
//! reach any replica. While a step runs, the page asks how far it has got ([`current`]): the
//! rows read, checked and written, counted in the import's task (`qingfeng_store::progress`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use askama::Template;
use axum::extract::Multipart;
use qingfeng_store::progress::{self, Progress};
use qingfeng_store::{pending_imports, Db};

use super::{render, ApiError, Nav, PageError, PageResult};
use crate::auth::Principal;
use crate::sheets::ImportReport;

/// The page an import starts from: how to fill the sheet, and the upload form.
#[derive(Template)]
#[template(path = "partials/import_page.html")]
pub struct ImportPage {
    pub nav: Nav,
    pub heading: String,
    /// where the form posts to
    pub action: String,
    pub template_url: &'static str,
    pub template_label: &'static str,
    /// what the rows are imported into (a link and its label), when not the whole office
    pub target: Option<(String, String)>,
    /// the sheet's own rules, between downloading the template and uploading
    pub rules: &'static [&'static str],
    message: Option<String>,
    message_class: &'static str,
    report: Option<ImportReport>,
    pending: Option<String>,
}

impl ImportPage {
    pub fn new(nav: Nav, heading: impl Into<String>, action: impl Into<String>, template_url: &'static str) -> Self {
        ImportPage {
            nav,
            heading: heading.into(),
            action: action.into(),
            template_url,
            template_label: "导入模板",
            target: None,
            rules: &[],
            message: None,
            message_class: "",
            report: None,
            pending: None,
        }
    }

    /// The flow that this page's form posts to: a confirmation is taken only for `kind`.
    pub fn flow(self, kind: impl Into<String>) -> UploadFlow {
        UploadFlow { kind: kind.into(), action: self.action, nav: self.nav }
    }
}

/// What an upload answers with: the report of every row, and the token to confirm with.
#[derive(Template)]
#[template(path = "partials/import_result.html")]
struct ImportResult {
    nav: Nav,
    action: String,
    message: Option<String>,
    message_class: &'static str,
    report: Option<ImportReport>,
    pending: Option<String>,
}

/// Upload → validate every row → confirm, the same for every sheet. The first submit validates
/// the file and keeps it in `pending_imports` under a token (in the database, so the
/// confirmation may reach any replica; only the latest upload of an account is kept); the
/// confirmation, carrying the token, writes the valid rows.
pub struct UploadFlow {
    /// `pending_imports.kind`: a confirmation is taken only for the sheet it was made for
    pub kind: String,
    /// where the page posts to
    pub action: String,
    pub nav: Nav,
}

impl UploadFlow {
    /// `import(bytes, commit)` validates (and with `commit` writes) the sheet; `noun` counts
    /// its rows in the completion message ("行", "项任务", "个问题").
    pub async fn run<F, Fut>(self, db: &Db, p: &Principal, multipart: Multipart, noun: &str, import: F) -> PageResult
    where
        F: FnOnce(Vec<u8>, bool) -> Fut,
        Fut: std::future::Future<Output = Result<ImportReport, ApiError>>,
    {
        let mut view = ImportResult {
            nav: self.nav,
            action: self.action,
            message: None,
            message_class: "info",
            report: None,
            pending: None,
        };
        let fail = |mut view: ImportResult, message: &str| {
            view.message = Some(message.to_string());
            view.message_class = "error";
            render(&view)
        };
        let upload = read_upload(multipart).await.map_err(PageError)?;
        let bytes = match (upload.file, &upload.pending) {
            (Some(f), _) if !upload.commit => f,
            (_, Some(token)) if upload.commit => match take_pending(db, p, &self.kind, token).await? {
                Some(b) => b,
                None => return fail(view, "待导入的文件已失效，请重新上传"),
            },
            _ => return fail(view, "请选择要上传的 Excel 文件"),
        };
        let watched = Running::start(p);
        let result = progress::watch(watched.progress.clone(), import(bytes.clone(), upload.commit)).await;
        drop(watched);
        match result {
            Ok(report) if report.committed => {
                if let Some(token) = &upload.pending {
                    pending_imports::remove(db, token).await?;
                }
                view.message = Some(format!(
                    "导入完成：新增 {} {noun}，更新 {} {noun}；内容未变的保持不变。",
                    report.created, report.updated
                ));
                view.message_class = "ok";
                view.report = Some(report);
            }
            Ok(report) => {
                if report.valid > 0 && !upload.commit {
                    view.pending = Some(keep_pending(db, p, &self.kind, bytes).await?);
                }
                view.report = Some(report);
            }
            Err(ApiError::BadRequest { message, .. }) => return fail(view, &message),
            Err(e) => return Err(PageError(e)),
        }
        render(&view)
    }
}

/// The imports running in this process, by the session that runs them (one at a time each).
fn running() -> &'static Mutex<HashMap<String, Arc<Progress>>> {
    static RUNNING: OnceLock<Mutex<HashMap<String, Arc<Progress>>>> = OnceLock::new();
    RUNNING.get_or_init(Default::default)
}

/// An import step being watched: its counter is the session's until the step ends.
struct Running {
    key: String,
    progress: Arc<Progress>,
}

impl Running {
    fn start(p: &Principal) -> Self {
        let me = Running { key: p.csrf_token().to_string(), progress: Arc::new(Progress::default()) };
        if !me.key.is_empty() {
            running().lock().expect("imports").insert(me.key.clone(), me.progress.clone());
        }
        me
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut all = running().lock().expect("imports");
        if all.get(&self.key).is_some_and(|p| Arc::ptr_eq(p, &self.progress)) {
            all.remove(&self.key);
        }
    }
}

/// How far the caller's import step (in this browser session) has got, while it runs.
pub fn current(p: &Principal) -> Option<Arc<Progress>> {
    let key = p.csrf_token();
    (!key.is_empty()).then(|| running().lock().expect("imports").get(key).cloned()).flatten()
}

struct Upload {
    file: Option<Vec<u8>>,
    pending: Option<String>,
    commit: bool,
}

async fn read_upload(mut m: Multipart) -> Result<Upload, ApiError> {
    let mut u = Upload { file: None, pending: None, commit: false };
    while let Some(field) = m.next_field().await.map_err(|_| ApiError::bad_request("上传内容无法读取", Some("file")))?
    {
        match field.name().unwrap_or("") {
            "file" => {
                let data = field
                    .bytes()
                    .await
                    .map_err(|_| ApiError::bad_request("上传文件无法读取或超过 20MB", Some("file")))?;
                if !data.is_empty() {
                    u.file = Some(data.to_vec());
                }
            }
            "pending" => u.pending = field.text().await.ok().filter(|s| !s.is_empty()),
            "commit" => u.commit = field.text().await.ok().as_deref() == Some("true"),
            _ => {}
        }
    }
    Ok(u)
}

async fn take_pending(db: &Db, p: &Principal, kind: &str, token: &str) -> Result<Option<Vec<u8>>, ApiError> {
    Ok(pending_imports::get(db, token, p.account_id, kind).await?)
}

/// Keeps a validated upload for its confirmation; older uploads of the account are dropped.
async fn keep_pending(db: &Db, p: &Principal, kind: &str, bytes: Vec<u8>) -> Result<String, ApiError> {
    Ok(pending_imports::keep(db, p.account_id, kind, bytes).await?)
}
