//! Importing people and units from their sheets: upload, validate every row, confirm.

use axum::extract::Multipart;

use crate::auth::{Ctx, Principal};
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

/// What the people sheet asks beyond filling the template.
const PEOPLE_SHEET_RULES: &[&str] = &[
    "“系统编号”有值的行修改该人员，留空的行新增人员；姓名中的空格（含全角空格）导入时去除。",
    "“身份证号”选填，须为18位有效号码（末位X大小写均可），出生日期留空时取自身份证号；脱敏显示的号码（含 *）在修改人员时保持原号码不变。",
    "同一人不能导入两次：身份证号在文件中重复或已登记在其他人员名下的行不导入；未填身份证号时，姓名和出生日期与文件中其他行或已有人员相同的行不导入。",
    "“所在党支部”填党支部名称（仅中共党员、预备党员），自导入之日起编入；留空表示不在党支部；文件中没有这一列时，人员的党支部保持不变，支委职务在党支部页面设置。",
];

fn page_for(kind: Kind, p: &Principal) -> ImportPage {
    let (heading, action, template_url, active) = match kind {
        Kind::People => ("人员导入", "/org/people-import", "/api/v1/people/import-template.xlsx", "people-import"),
        Kind::Units => ("单位导入", "/org/units-import", "/api/v1/units/import-template.xlsx", "units-import"),
    };
    let mut page = ImportPage::new(Nav::new(p, active), heading, action, template_url);
    if kind == Kind::People {
        page.rules = PEOPLE_SHEET_RULES;
    }
    page
}

pub async fn people_page(p: Principal) -> PageResult {
    render(&page_for(Kind::People, &p))
}

pub async fn units_page(p: Principal) -> PageResult {
    render(&page_for(Kind::Units, &p))
}

pub async fn people_submit(Ctx { state, p }: Ctx, multipart: Multipart) -> PageResult {
    submit(state, p, multipart, Kind::People).await
}

pub async fn units_submit(Ctx { state, p }: Ctx, multipart: Multipart) -> PageResult {
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
