//! Importing people and units from their sheets: upload, validate every row, confirm.

use axum::extract::{Multipart, State};

use crate::auth::Principal;
use crate::features::org::sheets;
use crate::http::import_flow::ImportPage;
use crate::http::{render, Nav, PageResult};
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

fn page_for(kind: Kind, p: &Principal) -> ImportPage {
    let (heading, action, template_url, active) = match kind {
        Kind::People => ("人员导入", "/org/people-import", "/api/v1/people/import-template.xlsx", "people-import"),
        Kind::Units => ("单位导入", "/org/units-import", "/api/v1/units/import-template.xlsx", "units-import"),
    };
    ImportPage::new(Nav::new(p, active), heading, action, template_url)
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

async fn submit(state: AppState, p: Principal, multipart: Multipart, kind: Kind) -> PageResult {
    let flow = page_for(kind, &p).flow(kind.key());
    let (db, p) = (&state.db, &p);
    flow.run(db, p, multipart, "行", move |bytes, commit| async move {
        match kind {
            Kind::People => sheets::people_import(db, &p.actor(), &p.scope, &bytes, commit).await,
            Kind::Units => sheets::units_import(db, &p.actor(), &p.scope, &bytes, commit).await,
        }
    })
    .await
}
