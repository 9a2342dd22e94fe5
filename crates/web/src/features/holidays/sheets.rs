//! 节假日安排 in Excel: the year's days (printed, and the file that imports back) and the
//! validate-then-commit import of a calendar typed from the State Council's notice. A row with
//! a date already entered replaces that day's kind and name; the same date twice in the file,
//! an impossible date or an unknown kind is a row error.

use std::collections::{HashMap, HashSet};

use qingfeng_domain::calendar::{DayKind, HolidayFields};
use qingfeng_office::{CellValue, Column};
use qingfeng_store::holidays::{self as store, Holiday};
use qingfeng_store::{now, Actor, Db, Scope};

use crate::auth::Principal;
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::{read_upload, ImportReport, RowError};
use crate::AppState;

const HEADERS: [&str; 4] = ["日期", "星期", "类型", "节日名称"];

/// The columns, in order; `for_writing` adds the drop-down of the two kinds.
pub fn columns(for_writing: bool) -> Vec<Column> {
    let kinds = Column::text(HEADERS[2], 8.0).required();
    let kinds =
        if for_writing { kinds.choices(DayKind::ALL.iter().map(|k| k.label().to_string()).collect()) } else { kinds };
    vec![
        Column::date(HEADERS[0], 12.0).required(),
        Column::text(HEADERS[1], 6.0),
        kinds,
        Column::text(HEADERS[3], 14.0).required(),
    ]
}

fn field_column(field: &str) -> &'static str {
    match field {
        "kind" => HEADERS[2],
        "name" => HEADERS[3],
        _ => HEADERS[0],
    }
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template("节假日安排", Some("节假日安排（放假和调休上班日）"), &columns(true))?)
}

fn row_of(h: &Holiday) -> Vec<CellValue> {
    vec![h.day.into(), h.weekday.clone().into(), h.kind_label.clone().into(), h.name.clone().into()]
}

pub async fn export(db: &Db, scope: &Scope, year: i32) -> Result<Vec<u8>, ApiError> {
    let days = store::list(db, Some(year)).await?;
    let rows: Vec<Vec<CellValue>> = days.iter().map(row_of).collect();
    let heading = Heading::load(db, scope, &format!("{year}年节假日安排")).await?;
    let columns = columns(false);
    Ok(heading.table("节假日安排", &columns, &rows).write()?)
}

/// Validates every row; with `commit`, writes the valid ones in one transaction.
pub async fn import(db: &Db, actor: &Actor, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, columns(false)).await?;
    let mut report = ImportReport::default();
    report.warn_unknown_columns(&table);
    let mut bad: HashSet<usize> = HashSet::new();
    for e in &table.errors {
        report.errors.push(RowError { row: e.row, column: e.column.clone(), message: e.message.clone() });
        bad.insert(e.row);
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut accepted = Vec::new();
    for r in &table.rows {
        let c = &r.cells;
        let fields = HolidayFields { from: c[0].clone(), to: String::new(), kind: c[2].clone(), name: c[3].clone() };
        let mut errors: Vec<(&str, String)> = Vec::new();
        if let Some(first) = seen.insert(c[0].trim().to_string(), r.row_number).filter(|_| !c[0].trim().is_empty()) {
            errors.push((HEADERS[0], format!("与第{first}行是同一天")));
        }
        match fields.validate() {
            Ok(days) if errors.is_empty() && !bad.contains(&r.row_number) => accepted.extend(days),
            Ok(_) => {}
            Err(e) => errors.extend(e.0.into_iter().map(|f| (field_column(&f.field), f.message))),
        }
        let reported: Vec<String> =
            table.errors.iter().filter(|e| e.row == r.row_number).map(|e| e.column.clone()).collect();
        for (column, message) in errors.into_iter().filter(|(c, _)| !reported.iter().any(|r| r == c)) {
            report.errors.push(RowError { row: r.row_number, column: column.to_string(), message });
        }
    }
    report.errors.sort_by_key(|e| e.row);
    report.valid = accepted.len();
    if commit && !accepted.is_empty() {
        let skipped = table.rows.len() - accepted.len();
        report.record(store::put(db, actor, &accepted, Some(skipped), now()).await?);
    }
    Ok(report)
}

/// The sheet of the import page and of `POST …/import`.
pub struct HolidaySheet;

impl SheetImport for HolidaySheet {
    const TITLE: &'static str = "节假日安排";
    const TEMPLATE_FILE: &'static str = "节假日安排导入模板.xlsx";
    const KIND: &'static str = "holidays";
    const NOUN: &'static str = "天";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    fn page(p: &Principal) -> ImportPage {
        let url = "/api/v1/holidays/import-template.xlsx";
        let mut page = ImportPage::new(Nav::new(p, "holidays"), "节假日安排导入", "/system/holidays/import", url);
        page.rules = &[
            "每行一天：日期、类型（放假或上班）、节日名称；“星期”列只供核对，不导入。",
            "已录入的日期按文件中的类型和名称更新；不存在的日期（如 2026-02-30）、同一天出现两次的行报错。",
        ];
        page
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(&state.db, &p.actor(), bytes, commit).await
    }
}
