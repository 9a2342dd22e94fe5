//! 典型案例库 in Excel: the export (printed for a 警示教育 session, and the file that imports
//! back) and the validate-then-commit import of case lists an office receives (通报汇编).
//!
//! A row whose 案例编号 is a stored case updates it (an unchanged row changes nothing, so an
//! exported file imports back as it is); other rows add cases. The same 案例名称 and 通报日期
//! twice in the file, or as a stored case without its 编号, is a row error.

use std::collections::{HashMap, HashSet};

use qingfeng_domain::text::trim_all;
use qingfeng_domain::time::office_today;
use qingfeng_domain::warning_cases::{Discipline, WarningCaseFields};
use qingfeng_office::{CellValue, Column};
use qingfeng_store::imports::{self, CaseWrite};
use qingfeng_store::warning_cases::{self as store, CaseFilter, WarningCase};
use qingfeng_store::{now, Actor, Db, Scope};

use crate::auth::Principal;
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::{read_upload, ImportReport, RowError};
use crate::AppState;

const HEADERS: [&str; 10] = [
    "序号",
    "案例名称",
    "通报日期",
    "违反的纪律",
    "处理结果",
    "基本案情",
    "警示意义",
    "来源文件",
    "使用次数",
    "案例编号",
];
const C_ID: usize = 9;

/// The columns, in order; `for_writing` adds the drop-down of the six disciplines.
pub fn columns(for_writing: bool) -> Vec<Column> {
    let disciplines = Column::text(HEADERS[3], 10.0).required();
    let disciplines = if for_writing {
        disciplines.choices(Discipline::ALL.iter().map(|d| d.label().to_string()).collect())
    } else {
        disciplines
    };
    vec![
        Column::text(HEADERS[0], 6.0),
        Column::text(HEADERS[1], 28.0).required(),
        Column::date(HEADERS[2], 12.0).required(),
        disciplines,
        Column::text(HEADERS[4], 18.0),
        Column::text(HEADERS[5], 40.0).required(),
        Column::text(HEADERS[6], 30.0),
        Column::text(HEADERS[7], 18.0),
        Column::integer(HEADERS[8], 8.0),
        Column::integer(HEADERS[C_ID], 9.0),
    ]
}

fn field_column(field: &str) -> &'static str {
    match field {
        "title" => HEADERS[1],
        "case_date" => HEADERS[2],
        "discipline" => HEADERS[3],
        "sanction" => HEADERS[4],
        "summary" => HEADERS[5],
        "lesson" => HEADERS[6],
        "source" => HEADERS[7],
        _ => HEADERS[C_ID],
    }
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template("典型案例", Some("典型案例库"), &columns(true))?)
}

fn row_of(n: usize, c: &WarningCase) -> Vec<CellValue> {
    vec![
        CellValue::from((n + 1) as i64),
        c.title.clone().into(),
        c.case_date.into(),
        c.discipline_label.clone().into(),
        c.sanction.clone().into(),
        c.summary.clone().into(),
        c.lesson.clone().into(),
        c.source.clone().into(),
        c.use_count.into(),
        c.id.into(),
    ]
}

pub async fn export(db: &Db, scope: &Scope, filter: &CaseFilter) -> Result<Vec<u8>, ApiError> {
    let cases = store::list(db, filter, None).await?.items;
    let rows: Vec<Vec<CellValue>> = cases.iter().enumerate().map(|(n, c)| row_of(n, c)).collect();
    let heading = Heading::load(db, scope, "典型案例库")
        .await?
        .filter("违反的纪律", filter.discipline.map(|d| d.label().to_string()))
        .filter("年度", filter.year.map(|y| y.to_string()))
        .filter("关键词", filter.q.clone());
    let columns = columns(false);
    Ok(heading.table("典型案例", &columns, &rows).print_columns(8).write()?)
}

/// Validates every row; with `commit`, writes the valid ones in one transaction.
pub async fn import(db: &Db, actor: &Actor, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, columns(false)).await?;
    let stored = store::list(db, &CaseFilter::default(), None).await?.items;
    let by_id: HashMap<i64, &WarningCase> = stored.iter().map(|c| (c.id, c)).collect();
    let by_title: HashMap<(String, String), i64> =
        stored.iter().map(|c| ((c.title.clone(), c.case_date.to_string()), c.id)).collect();
    let mut report = ImportReport::default();
    let mut bad: HashSet<usize> = HashSet::new();
    for e in &table.errors {
        report.errors.push(RowError { row: e.row, column: e.column.clone(), message: e.message.clone() });
        bad.insert(e.row);
    }
    let today = office_today();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut accepted = Vec::new();
    for r in &table.rows {
        let c = &r.cells;
        let fields = WarningCaseFields {
            title: c[1].clone(),
            case_date: c[2].clone(),
            discipline: c[3].clone(),
            sanction: c[4].clone(),
            summary: c[5].clone(),
            lesson: c[6].clone(),
            source: c[7].clone(),
        };
        let mut errors = Vec::new();
        let key = (trim_all(&fields.title).to_string(), trim_all(&fields.case_date).to_string());
        let id: Option<i64> = trim_all(&c[C_ID]).parse().ok();
        match id {
            Some(id) if !by_id.contains_key(&id) => errors.push((HEADERS[C_ID], format!("案例编号 {id} 不存在"))),
            None => {
                if let Some(existing) = by_title.get(&key) {
                    errors.push((HEADERS[1], format!("与已有案例重复（案例编号 {existing}），更新请填写案例编号")));
                }
            }
            _ => {}
        }
        // a row with an 编号 updates that case; other rows are told apart by name and date
        let file_key = match id {
            Some(i) => (i.to_string(), String::new()),
            None => key,
        };
        if let Some(first) = seen.insert(file_key, r.row_number) {
            errors.push((HEADERS[1], format!("与第{first}行是同一案例（案例名称和通报日期或案例编号相同）")));
        }
        let draft = match fields.validate(today) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.extend(e.0.into_iter().map(|f| (field_column(&f.field), f.message)));
                None
            }
        };
        for (column, message) in &errors {
            report.errors.push(RowError { row: r.row_number, column: column.to_string(), message: message.clone() });
        }
        if let (true, false, Some(draft)) = (errors.is_empty(), bad.contains(&r.row_number), draft) {
            let before = id.and_then(|i| by_id.get(&i)).and_then(|c| c.draft().map(|d| (c.id, d)));
            accepted.push(match before {
                Some((id, before)) => CaseWrite::Update { id, before: Box::new(before), after: draft },
                None => CaseWrite::Create(draft),
            });
        }
    }
    report.errors.sort_by_key(|e| e.row);
    report.valid = accepted.len();
    if commit && !accepted.is_empty() {
        let skipped = table.rows.len() - accepted.len();
        report.record(imports::write_rows(db, actor, (), &accepted, skipped, now()).await?);
    }
    Ok(report)
}

/// The sheet of the import page and of `POST …/import`.
pub struct CaseSheet;

impl SheetImport for CaseSheet {
    const TITLE: &'static str = "典型案例";
    const TEMPLATE_FILE: &'static str = "典型案例导入模板.xlsx";
    const KIND: &'static str = "warning_cases";
    const NOUN: &'static str = "个案例";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    fn page(p: &Principal) -> ImportPage {
        let url = "/api/v1/warning-cases/import-template.xlsx";
        ImportPage::new(Nav::new(p, "warning-cases"), "典型案例导入", "/warning-cases/import", url)
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(&state.db, &p.actor(), bytes, commit).await
    }
}
