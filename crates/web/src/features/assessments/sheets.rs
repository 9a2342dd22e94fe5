//! 考核 in Excel: the results of a round, and the business scores of a year (export, template
//! and the validate-then-commit import; an export imports back unchanged).

use std::collections::HashSet;

use qingfeng_domain::assessment::Indicator;
use qingfeng_office::{CellValue, Column};
use qingfeng_store::assessments as store;

use super::service::{self, score_text, BusinessFields, RoundDetail};
use crate::auth::Principal;
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::names::UnitIndex;
use crate::sheets::{read_upload, ImportReport, RowError};
use crate::AppState;

const H_YEAR: &str = "年度";
const H_UNIT: &str = "单位";
const H_SCORE: &str = "业务考核得分";
const H_NOTE: &str = "备注";

fn columns() -> Vec<Column> {
    vec![
        Column::integer(H_YEAR, 8.0).required(),
        Column::text(H_UNIT, 22.0).required(),
        // a unit left without a score is not imported (the export lists every unit to fill in)
        Column::text(H_SCORE, 14.0),
        Column::text(H_NOTE, 30.0),
    ]
}

fn column_of(field: &str) -> &'static str {
    match field {
        "year" => H_YEAR,
        "unit_id" => H_UNIT,
        "score" => H_SCORE,
        _ => H_NOTE,
    }
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template(
        "业务考核得分",
        Some("每个单位一行：年度、单位（名称或编码）、业务考核得分（0–100，最多两位小数，不填的单位不导入）、备注"),
        &columns(),
    )?)
}

/// The business scores of a year in the reader's scope (units without a score left blank).
pub async fn business_export(state: &AppState, p: &Principal, year: i32) -> Result<Vec<u8>, ApiError> {
    let index = UnitIndex::load(&state.db).await?;
    let rows: Vec<Vec<CellValue>> = service::business_scores(state, p, year)
        .await?
        .iter()
        .map(|b| {
            vec![
                i64::from(year).into(),
                index.label(b.unit_id, &b.unit_name).into(),
                b.score.map(|s| score_text(Some(s))).unwrap_or_default().into(),
                b.note.clone().unwrap_or_default().into(),
            ]
        })
        .collect();
    let heading = Heading::load(&state.db, &p.scope, "业务考核得分").await?.filter("年度", Some(year.to_string()));
    Ok(heading.table("业务考核得分", &columns(), &rows).write()?)
}

/// Validates every row (all errors reported); with `commit` and no error, writes them all.
pub async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, columns()).await?;
    let (mut report, bad) = ImportReport::of_table(&table);
    let index = UnitIndex::load(&state.db).await?;
    let mut by_year: Vec<(i32, i64, i64, String)> = Vec::new();
    let mut seen = HashSet::new();
    for r in table.rows.iter().filter(|r| !bad.contains(&r.row_number) && !r.cells[2].trim().is_empty()) {
        let (c, row) = (&r.cells, r.row_number);
        let unit = match index.resolve(&c[1]) {
            Ok(u) => u.id,
            Err(message) => {
                report.errors.push(RowError { row, column: H_UNIT.into(), message });
                continue;
            }
        };
        let f = BusinessFields {
            year: c[0].trim().parse().ok(),
            unit_id: Some(unit),
            score: c[2].clone(),
            note: c[3].clone(),
        };
        match service::check_business(state, p, &f).await {
            Ok(v) if !seen.insert((v.0, v.1)) => report.errors.push(RowError {
                row,
                column: H_UNIT.into(),
                message: format!("{} 年度的“{}”在表中出现了不止一次", v.0, c[1].trim()),
            }),
            Ok(v) => {
                by_year.push(v);
                report.valid += 1;
            }
            Err(ApiError::Invalid(fe)) => {
                for e in fe.0 {
                    report.errors.push(RowError { row, column: column_of(&e.field).into(), message: e.message });
                }
            }
            Err(e) => return Err(e),
        }
    }
    if report.ready_to_write(commit, by_year.len()) {
        let mut written = qingfeng_store::imports::Written { created: 0, updated: 0 };
        let years: std::collections::BTreeSet<i32> = by_year.iter().map(|v| v.0).collect();
        for y in years {
            let rows: Vec<(i64, i64, String)> =
                by_year.iter().filter(|v| v.0 == y).map(|v| (v.1, v.2, v.3.clone())).collect();
            let w = store::set_business_scores(&state.db, &p.actor(), y, &rows).await?;
            written.created += w.created;
            written.updated += w.updated;
        }
        report.record(written);
    }
    Ok(report)
}

/// The results of a round: units, then leaders, each indicator's score, the adjustments, the
/// party-building total, the business score and the grade.
pub async fn results_export(state: &AppState, p: &Principal, d: &RoundDetail) -> Result<Vec<u8>, ApiError> {
    let mut cols = vec![Column::text("类别", 10.0), Column::text("单位", 20.0), Column::text("姓名", 10.0)];
    for i in Indicator::ALL {
        cols.push(Column::text(i.label(), 10.0));
    }
    for h in ["加减分", "党建考核得分", "业务考核得分", "等次"] {
        cols.push(Column::text(h, 12.0));
    }
    let rows: Vec<Vec<CellValue>> = d
        .units
        .iter()
        .chain(d.leaders.iter())
        .map(|v| {
            let mut cells: Vec<CellValue> = vec![
                if v.row.is_leader() { "班子成员" } else { "单位" }.into(),
                (&v.row.unit_name).into(),
                v.row.person_name.clone().unwrap_or_default().into(),
            ];
            cells.extend(v.lines.iter().map(|l| CellValue::from(l.score_text.clone())));
            cells.extend([
                (&v.adjustment_text).into(),
                (&v.total_text).into(),
                (if v.row.is_leader() { String::new() } else { v.business_text.clone() }).into(),
                (&v.row.grade_label).into(),
            ]);
            cells
        })
        .collect();
    let state_label = if d.round.published() { "已发布" } else { "未发布（草稿）" };
    let heading = Heading::load(&state.db, &p.scope, &d.round.title).await?.filter("状态", Some(state_label.into()));
    Ok(heading.table("考核结果", &cols, &rows).write()?)
}

/// The sheet of the import page and of `POST …/import`.
pub struct BusinessScoreSheet;

impl SheetImport for BusinessScoreSheet {
    const TITLE: &'static str = "业务考核得分";
    const TEMPLATE_FILE: &'static str = "业务考核得分导入模板.xlsx";
    const KIND: &'static str = "assessment_business";
    const NOUN: &'static str = "个单位";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    fn page(p: &Principal) -> ImportPage {
        ImportPage::new(
            Nav::new(p, "assessment-business"),
            "业务考核得分导入",
            "/assessments/business/import",
            "/api/v1/assessments/business-scores/import-template.xlsx",
        )
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(state, p, bytes, commit).await
    }
}
