//! Import pages: upload, validate every row and show all errors, then confirm to write the
//! valid rows. The uploaded file waits in the database between the two steps, so the confirming
//! request may reach any replica.

use askama::Template;
use axum::extract::{Multipart, State};
use qingfeng_store::accounts::random_token;
use qingfeng_store::{args, Db};

use super::{render, Nav, PageError, PageResult};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::org_sheets::{self, ImportReport};
use crate::AppState;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    People,
    Units,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::People => "people",
            Kind::Units => "units",
        }
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    nav: Nav,
    heading: &'static str,
    action: &'static str,
    template_url: &'static str,
    message: Option<String>,
    message_class: &'static str,
    report: Option<ImportReport>,
    pending: Option<String>,
}

#[derive(Template)]
#[template(path = "import_result.html")]
struct ImportResult {
    nav: Nav,
    action: &'static str,
    message: Option<String>,
    message_class: &'static str,
    report: Option<ImportReport>,
    pending: Option<String>,
}

fn page_for(kind: Kind, p: &Principal) -> ImportPage {
    let (heading, action, template_url, active) = match kind {
        Kind::People => ("人员导入", "/org/people-import", "/api/v1/people/import-template.xlsx", "people-import"),
        Kind::Units => ("单位导入", "/org/units-import", "/api/v1/units/import-template.xlsx", "units-import"),
    };
    ImportPage {
        nav: Nav::new(p, active),
        heading,
        action,
        template_url,
        message: None,
        message_class: "",
        report: None,
        pending: None,
    }
}

pub async fn people_page(p: Principal) -> PageResult {
    render(&page_for(Kind::People, &p))
}

pub async fn units_page(p: Principal) -> PageResult {
    render(&page_for(Kind::Units, &p))
}

pub async fn people_submit(State(state): State<AppState>, p: Principal, multipart: Multipart) -> PageResult {
    submit(state, p, multipart, Kind::People).await
}

pub async fn units_submit(State(state): State<AppState>, p: Principal, multipart: Multipart) -> PageResult {
    submit(state, p, multipart, Kind::Units).await
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

async fn take_pending(db: &Db, p: &Principal, kind: Kind, token: &str) -> Result<Option<Vec<u8>>, ApiError> {
    let row: Option<(Vec<u8>,)> = db
        .fetch_optional(
            "SELECT content FROM pending_imports WHERE token = $1 AND account_id = $2 AND kind = $3",
            args![token, p.account_id, kind.key()],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

async fn run(db: &Db, p: &Principal, kind: Kind, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    match kind {
        Kind::People => org_sheets::people_import(db, &p.actor(), &p.scope, bytes, commit).await,
        Kind::Units => org_sheets::units_import(db, &p.actor(), &p.scope, bytes, commit).await,
    }
}

async fn submit(state: AppState, p: Principal, multipart: Multipart, kind: Kind) -> PageResult {
    let page = page_for(kind, &p);
    let mut view = ImportResult {
        nav: page.nav,
        action: page.action,
        message: None,
        message_class: "info",
        report: None,
        pending: None,
    };
    let upload = read_upload(multipart).await.map_err(PageError)?;
    let db = &state.db;
    let bytes = match (&upload.file, &upload.pending) {
        (Some(f), _) if !upload.commit => f.clone(),
        (_, Some(token)) if upload.commit => match take_pending(db, &p, kind, token).await? {
            Some(b) => b,
            None => {
                view.message = Some("待导入的文件已失效，请重新上传".into());
                view.message_class = "error";
                return render(&view);
            }
        },
        _ => {
            view.message = Some("请选择要上传的 Excel 文件".into());
            view.message_class = "error";
            return render(&view);
        }
    };
    match run(db, &p, kind, &bytes, upload.commit).await {
        Ok(report) if report.committed => {
            if let Some(token) = &upload.pending {
                db.execute("DELETE FROM pending_imports WHERE token = $1", args![token.clone()]).await?;
            }
            view.message = Some(format!("导入完成：新增 {} 行，更新 {} 行。", report.created, report.updated));
            view.message_class = "ok";
            view.report = Some(report);
        }
        Ok(report) => {
            if report.valid > 0 {
                let token = random_token();
                // old uploads of this account are dropped: only the latest one can be confirmed
                db.execute("DELETE FROM pending_imports WHERE account_id = $1", args![p.account_id]).await?;
                db.execute(
                    "INSERT INTO pending_imports (token, account_id, kind, content, created_at) VALUES ($1, $2, $3, $4, $5)",
                    args![token.clone(), p.account_id, kind.key(), bytes, qingfeng_store::now()],
                )
                .await?;
                view.pending = Some(token);
            }
            view.report = Some(report);
        }
        Err(ApiError::BadRequest { message, .. }) => {
            view.message = Some(message);
            view.message_class = "error";
        }
        Err(e) => return Err(PageError(e)),
    }
    render(&view)
}
