//! 问题线索 in Excel: the register (问题线索登记表: 编号, 受理日期, 来源, 被反映人, 单位职务,
//! 反映的主要问题, 处置方式, 办理结果, 状态) and the validate-then-commit import of reports
//! entered by hand (来信, 来访, 12388, 上级转办), which then wait in the inbox for acceptance.

use qingfeng_domain::petitions::{PetitionFields, Source};
use qingfeng_office::{CellValue, Column, ReadRow};
use qingfeng_store::clues::{self as store, ClueFilter};
use qingfeng_store::imports::Written;
use qingfeng_store::petitions;

use crate::auth::Principal;
use crate::features::petitions::service::{require_group, validate};
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, ApiResult, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::{read_upload, row_result, ImportReport, RowError};
use crate::AppState;

fn register_columns() -> Vec<Column> {
    vec![
        Column::text("编号", 20.0),
        Column::date("受理日期", 12.0),
        Column::text("来源", 12.0),
        Column::text("被反映人", 10.0),
        Column::text("单位职务", 22.0),
        Column::text("反映的主要问题", 48.0),
        Column::text("处置方式", 10.0),
        Column::text("办理结果", 36.0),
        Column::text("状态", 12.0),
    ]
}

/// The register of the clues the caller sees that match the filter, oldest number first.
pub async fn register(state: &AppState, p: &Principal, f: &ClueFilter) -> Result<Vec<u8>, ApiError> {
    require_group(state, p, "clue", 0).await?;
    let list = store::list(&state.db, &p.scope, f, None, qingfeng_domain::time::office_today()).await?.items;
    let rows: Vec<Vec<CellValue>> = list
        .iter()
        .rev()
        .map(|c| {
            let merged = c.merged_into.map(|m| format!("（并入线索编号 {m}）")).unwrap_or_default();
            vec![
                (&c.register_no).into(),
                c.received_on.into(),
                (&c.source_label).into(),
                (&c.subject_name).into(),
                format!("{} {}", c.subject_unit, c.subject_post).trim().to_string().into(),
                (&c.summary).into(),
                (&c.disposition_label).into(),
                (&c.result).into(),
                format!("{}{merged}", c.state_label).into(),
            ]
        })
        .collect();
    let heading = Heading::load(&state.db, &p.scope, "问题线索登记表")
        .await?
        .filter("年度", f.year.map(|y| y.to_string()))
        .filter("状态", f.state.map(|s| s.label().to_string()))
        .filter("处置方式", f.disposition.map(|d| d.label().to_string()))
        .filter("关键词", f.q.clone());
    let columns = register_columns();
    Ok(heading.table("问题线索登记表", &columns, &rows).write()?)
}

const H_SOURCE: &str = "来源";
const H_RECEIVED: &str = "收到日期";
const H_NAME: &str = "被反映人";
const H_UNIT: &str = "单位";
const H_POST: &str = "职务";
const H_CONTENT: &str = "反映的主要问题";
const H_HAPPENED: &str = "发生时间";
const H_REPORTER: &str = "举报人姓名";
const H_CONTACT: &str = "联系方式";

fn import_columns(for_writing: bool) -> Vec<Column> {
    let sources: Vec<String> = Source::BY_HAND.iter().map(|s| s.label().to_string()).collect();
    let source = Column::text(H_SOURCE, 12.0).required();
    vec![
        if for_writing { source.choices(sources) } else { source },
        Column::date(H_RECEIVED, 12.0).required(),
        Column::text(H_NAME, 10.0).required(),
        Column::text(H_UNIT, 16.0),
        Column::text(H_POST, 12.0),
        Column::text(H_CONTENT, 48.0).required(),
        Column::text(H_HAPPENED, 14.0),
        Column::text(H_REPORTER, 10.0),
        Column::text(H_CONTACT, 16.0),
    ]
}

fn column_of(field: &str) -> &'static str {
    match field {
        "source" => H_SOURCE,
        "received_on" => H_RECEIVED,
        "subject_name" => H_NAME,
        "subject_unit" => H_UNIT,
        "subject_post" => H_POST,
        "happened" => H_HAPPENED,
        "reporter_name" => H_REPORTER,
        "reporter_contact" => H_CONTACT,
        _ => H_CONTENT,
    }
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template(
        "信访举报",
        Some("来信、来访、12388 电话和上级转办的举报（每行一件；举报人姓名和联系方式可不填，导入后加密保存）"),
        &import_columns(true),
    )?)
}

fn fields_of(c: &[String]) -> PetitionFields {
    PetitionFields {
        source: c[0].clone(),
        received_on: c[1].clone(),
        subject_name: c[2].clone(),
        subject_unit: c[3].clone(),
        subject_post: c[4].clone(),
        content: c[5].clone(),
        happened: c[6].clone(),
        reporter_name: c[7].clone(),
        reporter_contact: c[8].clone(),
        person_id: None,
    }
}

async fn check_row(
    state: &AppState,
    p: &Principal,
    r: &ReadRow,
    errs: &mut Vec<RowError>,
) -> Result<Option<(qingfeng_domain::petitions::PetitionDraft, Option<i64>)>, ApiError> {
    row_result(validate(state, p, &fields_of(&r.cells)).await, r.row_number, column_of, errs)
}

/// Validates every row; with `commit` and every row valid, writes them in one transaction.
pub async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    require_group(state, p, "petition", 0).await?;
    let table = read_upload(bytes, import_columns(false)).await?;
    let (mut report, bad) = ImportReport::of_table(&table);
    let mut drafts = Vec::new();
    for r in table.rows.iter().filter(|r| !bad.contains(&r.row_number)) {
        let mut errs = Vec::new();
        if let Some(d) = check_row(state, p, r, &mut errs).await? {
            drafts.push(d);
            report.valid += 1;
        }
        report.errors.extend(errs);
    }
    if report.ready_to_write(commit, drafts.len()) {
        let key = state.config.reporter_key.as_ref();
        let n = petitions::create_many(&state.db, &p.actor(), &drafts, key).await?;
        report.record(Written { created: n, updated: 0 });
    }
    Ok(report)
}

/// The sheet of the import page and of `POST …/import`.
pub struct PetitionSheet;

impl SheetImport for PetitionSheet {
    const TITLE: &'static str = "信访举报";
    const TEMPLATE_FILE: &'static str = "信访举报导入模板.xlsx";
    const KIND: &'static str = "petitions";
    const NOUN: &'static str = "件举报";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    async fn may_open(state: &AppState, p: &Principal) -> ApiResult<()> {
        require_group(state, p, "petition", 0).await
    }

    fn page(p: &Principal) -> ImportPage {
        let mut page = ImportPage::new(
            Nav::new(p, "petitions"),
            "导入来信来访等举报",
            "/clues/import",
            "/api/v1/petitions/import-template.xlsx",
        );
        page.rules = &[
            "每行一件举报；来源写来信、来访、12388 电话或上级转办",
            "举报人姓名和联系方式可不填（匿名），填写的导入后加密保存",
            "有错误的行列出行号、列和原因，全部改正后才写入；导入的举报在信访举报中等待受理",
        ];
        page
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(state, p, bytes, commit).await
    }
}
