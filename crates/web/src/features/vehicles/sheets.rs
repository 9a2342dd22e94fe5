//! 公务用车 in Excel: the 派车单 / trip-log template and its validate-then-commit import (every
//! row validated and every error reported with its row and column; written only when every row
//! is valid and the import is confirmed; a valid row that fails a rule check is imported and
//! flagged), and the monthly 公务用车使用登记表 with the same columns plus the unit and the
//! failed checks, so an export imports back.

use qingfeng_domain::vehicles::{checks, CostKind, TripDraft, TripFields};
use qingfeng_office::{CellValue, Column, ReadRow};
use qingfeng_store::imports::Written;
use qingfeng_store::vehicles::{self as store, TripFilter, VehicleFilter};

use super::service;
use crate::auth::Principal;
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::{read_upload, ImportReport, RowError};
use crate::AppState;

/// (field, header) in the sheet's order; the first three are required.
const COLUMNS: &[(&str, &str)] = &[
    ("vehicle_id", "号牌"),
    ("departed_on", "出车日期"),
    ("departed_time", "出车时间"),
    ("returned_on", "收车日期"),
    ("returned_time", "收车时间"),
    ("purpose", "事由"),
    ("destination", "目的地"),
    ("mileage_start", "出车里程"),
    ("mileage_end", "收车里程"),
    ("distance_km", "行驶里程（公里）"),
    ("cost_kind", "费用类别"),
    ("cost", "油费或充电费（元）"),
    ("driver", "驾驶员"),
    ("approver", "审批人"),
    ("special_approval", "特殊审批"),
    ("note", "备注"),
];
const H_UNIT: &str = "使用单位";
const H_FAILED: &str = "检查提示";

fn header(field: &str) -> &'static str {
    COLUMNS.iter().find(|(f, _)| *f == field).map_or("备注", |(_, h)| h)
}

fn columns(for_writing: bool) -> Vec<Column> {
    COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (field, h))| {
            let c = match *field {
                "departed_on" | "returned_on" => Column::date(h, 12.0),
                "purpose" | "destination" | "special_approval" => Column::text(h, 24.0),
                _ => Column::text(h, 11.0),
            };
            let c = if i < 3 { c.required() } else { c };
            if for_writing && *field == "cost_kind" {
                c.choices(CostKind::ALL.iter().map(|k| k.label().to_string()).collect())
            } else {
                c
            }
        })
        .collect()
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template(
        "派车单",
        Some("派车单（公务用车使用登记），每次出车一行；时间填如 08:30，里程填里程表读数或行驶里程"),
        &columns(true),
    )?)
}

/// The monthly register (or any filter of the trip list) in the import's columns.
pub async fn register(state: &AppState, p: &Principal, f: &TripFilter) -> Result<Vec<u8>, ApiError> {
    let trips = store::list_trips(&state.db, &p.scope, f, None, true).await?.items;
    let n = |v: Option<i64>| -> CellValue { v.map_or(CellValue::Empty, CellValue::Integer) };
    let rows: Vec<Vec<CellValue>> = trips
        .iter()
        .map(|t| {
            vec![
                (&t.plate).into(),
                t.departed_on.into(),
                (&t.departed_time).into(),
                t.returned_on.into(),
                (&t.returned_time).into(),
                (&t.purpose).into(),
                (&t.destination).into(),
                n(t.mileage_start),
                n(t.mileage_end),
                n(t.distance_km),
                (&t.cost_kind_label).into(),
                t.fields().cost.into(),
                (&t.driver).into(),
                (&t.approver).into(),
                (&t.special_approval).into(),
                (&t.note).into(),
                (&t.unit_name).into(),
                t.failed_rules.replace(',', "、").into(),
            ]
        })
        .collect();
    let mut cols = columns(false);
    cols.push(Column::text(H_UNIT, 16.0));
    cols.push(Column::text(H_FAILED, 16.0));
    let month = f.from.zip(f.to).map(|(a, b)| format!("{a} 至 {b}"));
    let heading = Heading::load(&state.db, &p.scope, "公务用车使用登记表")
        .await?
        .unit(f.unit_id, true)
        .filter("期间", month)
        .filter("只看待核实", f.flagged.then(|| "是".to_string()));
    Ok(heading.table("公务用车使用登记表", &cols, &rows).write()?)
}

fn fields_of(c: &[String], vehicle_id: Option<i64>) -> TripFields {
    TripFields {
        vehicle_id,
        departed_on: c[1].clone(),
        departed_time: c[2].clone(),
        returned_on: c[3].clone(),
        returned_time: c[4].clone(),
        purpose: c[5].clone(),
        destination: c[6].clone(),
        mileage_start: c[7].clone(),
        mileage_end: c[8].clone(),
        distance_km: c[9].clone(),
        cost_kind: c[10].clone(),
        cost: c[11].clone(),
        driver: c[12].clone(),
        approver: c[13].clone(),
        special_approval: c[14].clone(),
        note: c[15].clone(),
    }
}

/// Reads one row: the trip, or its errors.
async fn check_row(
    state: &AppState,
    p: &Principal,
    plates: &[(String, i64)],
    r: &ReadRow,
    errs: &mut Vec<RowError>,
) -> Result<Option<TripDraft>, ApiError> {
    let (c, row) = (&r.cells, r.row_number);
    let plate: String = c[0].chars().filter(|ch| !ch.is_whitespace() && *ch != '·').collect::<String>().to_uppercase();
    let Some(vehicle_id) = plates.iter().find(|(p, _)| *p == plate).map(|(_, id)| *id) else {
        let message = format!("号牌“{}”不是您数据范围内已登记的车辆，请先在“公务用车”中登记", c[0]);
        errs.push(RowError { row, column: header("vehicle_id").into(), message });
        return Ok(None);
    };
    match service::validate_trip(state, p, &fields_of(c, Some(vehicle_id))).await {
        Ok(d) => Ok(Some(d)),
        Err(ApiError::Invalid(fe)) => {
            for e in fe.0 {
                errs.push(RowError { row, column: header(&e.field).into(), message: e.message });
            }
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Validates every row; with `commit` and every row valid, writes them in one transaction.
/// Rows that fail a rule check are named in the warnings: they are imported and flagged.
pub async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, columns(false)).await?;
    let (mut report, bad) = ImportReport::of_table(&table);
    let plates: Vec<(String, i64)> = store::list_vehicles(&state.db, &p.scope, &VehicleFilter::default(), None)
        .await?
        .items
        .into_iter()
        .map(|v| (v.plate.replace('·', ""), v.id))
        .collect();
    let rules = store::trip_rules(&state.db).await?;
    let mut drafts = Vec::new();
    for r in table.rows.iter().filter(|r| !bad.contains(&r.row_number)) {
        let mut errs = Vec::new();
        if let Some(d) = check_row(state, p, &plates, r, &mut errs).await? {
            let failed: Vec<String> = checks(&d, None, &rules)
                .into_iter()
                .filter(|c| !c.ok)
                .map(|c| format!("{} {}", c.rule, c.message))
                .collect();
            if !failed.is_empty() {
                report.warnings.push(format!("第 {} 行导入后标为待核实：{}", r.row_number, failed.join("；")));
            }
            drafts.push(d);
            report.valid += 1;
        }
        report.errors.extend(errs);
    }
    report.errors.sort_by_key(|e| e.row);
    if commit && report.errors.is_empty() && !drafts.is_empty() {
        let created = store::create_trips(&state.db, &p.actor(), &drafts).await?;
        report.record(Written { created, updated: 0 });
    } else if commit && !report.errors.is_empty() {
        report.warnings.push("有错误的行：请改正全部错误后重新上传，本次未写入任何记录".into());
    }
    Ok(report)
}

/// The sheet of the import page and of `POST …/import`.
pub struct TripSheet;

impl SheetImport for TripSheet {
    const TITLE: &'static str = "派车单";
    const TEMPLATE_FILE: &'static str = "派车单导入模板.xlsx";
    const KIND: &'static str = "vehicle_trips";
    const NOUN: &'static str = "条出车记录";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    fn page(p: &Principal) -> ImportPage {
        ImportPage::new(
            Nav::new(p, "vehicle-trips"),
            "派车单导入",
            "/vehicles/trips/import",
            "/api/v1/vehicle-trips/import-template.xlsx",
        )
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(state, p, bytes, commit).await
    }
}
