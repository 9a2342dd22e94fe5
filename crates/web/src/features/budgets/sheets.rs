//! 三公经费 in Excel: the execution table of a year, and the finance office's spending ledger
//! (单位, 日期, 类别, 金额, 摘要) with its template and validate-then-commit import.

use qingfeng_domain::budgets::{BudgetCategory, SpendingFields};
use qingfeng_office::{CellValue, Column};
use qingfeng_store::budgets::{self as store, Execution};
use qingfeng_store::imports::Written;

use super::service;
use crate::auth::Principal;
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::names::UnitIndex;
use crate::sheets::{read_upload, ImportReport, RowError};
use crate::AppState;

const H_UNIT: &str = "单位";
const H_DATE: &str = "日期";
const H_CATEGORY: &str = "类别";
const H_AMOUNT: &str = "金额（元）";
const H_NOTE: &str = "摘要";

fn columns(for_writing: bool) -> Vec<Column> {
    let cats: Vec<String> = BudgetCategory::ALL.iter().map(|c| c.label().to_string()).collect();
    let cat = Column::text(H_CATEGORY, 22.0).required();
    vec![
        Column::text(H_UNIT, 18.0).required(),
        Column::date(H_DATE, 12.0).required(),
        if for_writing { cat.choices(cats) } else { cat },
        Column::text(H_AMOUNT, 14.0).required(),
        Column::text(H_NOTE, 30.0),
    ]
}

fn column_of(field: &str) -> &'static str {
    match field {
        "unit_id" => H_UNIT,
        "spent_on" => H_DATE,
        "category" => H_CATEGORY,
        "amount" => H_AMOUNT,
        _ => H_NOTE,
    }
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template(
        "三公经费支出明细",
        Some("财务室填报：因公出国（境）、公务用车购置及运行维护、公务接待的每笔支出"),
        &columns(true),
    )?)
}

/// The execution table of a year.
pub async fn execution(state: &AppState, p: &Principal, year: i32, rows: &[Execution]) -> Result<Vec<u8>, ApiError> {
    let cols = vec![
        Column::text("单位", 16.0),
        Column::text("类别", 22.0),
        Column::text("年度预算（元）", 14.0),
        Column::text("已登记（出车、接待）", 14.0),
        Column::text("财务台账", 14.0),
        Column::text("合计支出", 14.0),
        Column::text("执行率", 9.0),
        Column::text("上年同类支出", 14.0),
        Column::text("比上年", 9.0),
        Column::text("状态", 14.0),
    ];
    let cells: Vec<Vec<CellValue>> = rows
        .iter()
        .map(|r| {
            vec![
                (&r.unit_name).into(),
                (&r.category_label).into(),
                r.budget().into(),
                r.recorded().into(),
                r.ledger().into(),
                r.spent().into(),
                r.share().into(),
                r.last_year().into(),
                r.against_last_year().into(),
                (&r.level_label).into(),
            ]
        })
        .collect();
    let heading =
        Heading::load(&state.db, &p.scope, "三公经费预算执行情况").await?.filter("年度", Some(year.to_string()));
    Ok(heading.table("三公经费预算执行情况", &cols, &cells).write()?)
}

/// Validates every row; with `commit` and every row valid, writes them in one transaction.
pub async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, columns(false)).await?;
    let (mut report, bad) = ImportReport::of_table(&table);
    let index = UnitIndex::load(&state.db).await?;
    let mut drafts = Vec::new();
    for r in table.rows.iter().filter(|r| !bad.contains(&r.row_number)) {
        let (c, row) = (&r.cells, r.row_number);
        let unit = match index.resolve(&c[0]) {
            Ok(u) => u.id,
            Err(message) => {
                report.errors.push(RowError { row, column: H_UNIT.into(), message });
                continue;
            }
        };
        let f = SpendingFields {
            unit_id: Some(unit),
            spent_on: c[1].clone(),
            category: c[2].clone(),
            amount: c[3].clone(),
            note: c[4].clone(),
        };
        match service::validate_line(state, p, &f).await {
            Ok(d) => {
                drafts.push(d);
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
    report.errors.sort_by_key(|e| e.row);
    if commit && report.errors.is_empty() && !drafts.is_empty() {
        let created = store::add_spending(&state.db, &p.actor(), &drafts, "import").await?.len();
        report.record(Written { created, updated: 0 });
    } else if commit && !report.errors.is_empty() {
        report.warnings.push("有错误的行：请改正全部错误后重新上传，本次未写入任何记录".into());
    }
    Ok(report)
}

/// The sheet of the import page and of `POST …/import`.
pub struct Spending;

impl SheetImport for Spending {
    const TITLE: &'static str = "三公经费支出明细";
    const TEMPLATE_FILE: &'static str = "三公经费支出明细导入模板.xlsx";
    const KIND: &'static str = "budget_spending";
    const NOUN: &'static str = "笔支出";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    fn page(p: &Principal) -> ImportPage {
        ImportPage::new(
            Nav::new(p, "budgets"),
            "三公经费支出明细导入",
            "/budgets/import",
            "/api/v1/budgets/spending/import-template.xlsx",
        )
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(state, p, bytes, commit).await
    }
}
