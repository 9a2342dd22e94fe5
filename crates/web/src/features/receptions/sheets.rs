//! 公务接待 in Excel: the 公务接待清单 register (.xlsx, one row per reception), and the template
//! and validate-then-commit import of receptions (one row per reception, with at most one
//! meal). Every row is validated as a typed record is; a row that fails validation is reported
//! with its row, column and reason and nothing is written until every row is valid; a valid row
//! that fails a rule check is imported and flagged (its failed rules listed in the report).

use qingfeng_domain::receptions::{
    checks, GuestFields, MealFields, MealKind, ReceptionDraft, ReceptionFields, VenueKind,
};
use qingfeng_office::{CellValue, Column, ReadRow};
use qingfeng_store::imports::Written;
use qingfeng_store::now;
use qingfeng_store::receptions::{self as store, ReceptionFilter};

use super::service;
use crate::auth::Principal;
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::names::UnitIndex;
use crate::sheets::{read_upload, row_result, ImportReport, RowError};
use crate::AppState;

fn register_columns() -> Vec<Column> {
    vec![
        Column::text("序号", 6.0),
        Column::text("接待单位", 14.0),
        Column::date("接待日期", 12.0),
        Column::date("结束日期", 12.0),
        Column::text("派出单位", 16.0),
        Column::text("公函文号", 18.0),
        Column::text("接待对象（姓名 职务）", 24.0),
        Column::integer("接待对象人数", 8.0),
        Column::text("公务活动项目", 24.0),
        Column::text("活动场所", 16.0),
        Column::text("用餐（陪餐）", 24.0),
        Column::text("餐费（元）", 12.0),
        Column::text("住宿费（元）", 12.0),
        Column::text("交通费（元）", 12.0),
        Column::text("合计（元）", 12.0),
        Column::text("审签人", 8.0),
        Column::text("未通过的检查", 18.0),
        Column::integer("记录编号", 8.0),
    ]
}

fn money(cents: i64) -> String {
    qingfeng_domain::decisions::format_amount(cents)
}

/// The 公务接待清单 register of the receptions the caller sees that match the filter.
pub async fn register(state: &AppState, p: &Principal, f: &ReceptionFilter) -> Result<Vec<u8>, ApiError> {
    let list = store::list(&state.db, &p.scope, f, None).await?.items;
    let mut rows: Vec<Vec<CellValue>> = Vec::new();
    for s in list.iter().rev() {
        let r = store::get(&state.db, &p.scope, s.id).await?;
        let guests: Vec<String> =
            r.guests.iter().map(|g| format!("{} {}", g.name, g.post).trim().to_string()).collect();
        let meals: Vec<String> = r
            .meals
            .iter()
            .map(|m| format!("{} {} {}人（陪{}）", m.served_on, m.kind_label, m.guests, m.accompanying))
            .collect();
        let failed: Vec<String> = r.failed().iter().map(|c| c.rule.clone()).collect();
        rows.push(vec![
            (rows.len() as i64 + 1).into(),
            (&r.unit_name).into(),
            r.starts_on.into(),
            r.ends_on.into(),
            (&r.letter_unit).into(),
            if r.letter_ref.is_empty() { "无公函".into() } else { (&r.letter_ref).into() },
            guests.join("；").into(),
            r.guest_count.into(),
            (&r.purpose).into(),
            (&r.venues).into(),
            meals.join("；").into(),
            money(r.meals.iter().map(|m| m.cost_cents).sum()).into(),
            money(r.accommodation_cents).into(),
            money(r.transport_cents).into(),
            r.total().into(),
            (&r.list_signed_by).into(),
            failed.join("、").into(),
            r.id.into(),
        ]);
    }
    let heading = Heading::load(&state.db, &p.scope, "公务接待清单登记台账")
        .await?
        .unit(f.unit_id, f.include_sub)
        .filter("年度", f.year.map(|y| y.to_string()))
        .filter("检查未通过", f.failed.then(|| "是".to_string()))
        .filter("关键词", f.q.clone());
    let columns = register_columns();
    Ok(heading.table("公务接待清单", &columns, &rows).write()?)
}

const H_UNIT: &str = "接待单位";
const H_REF: &str = "公函文号";
const H_LETTER_DATE: &str = "公函日期";
const H_LETTER_UNIT: &str = "派出单位";
const H_CITY: &str = "来宾所在城市";
const H_GUESTS: &str = "接待对象（姓名 职务，多人用；分隔）";
const H_COUNT: &str = "接待对象人数";
const H_PURPOSE: &str = "公务活动项目";
const H_START: &str = "开始日期";
const H_END: &str = "结束日期";
const H_VENUES: &str = "活动场所";
const H_MEAL_DATE: &str = "用餐日期";
const H_MEAL_KIND: &str = "用餐类型";
const H_MEAL_GUESTS: &str = "就餐接待对象人数";
const H_ACC: &str = "陪餐人数";
const H_COST: &str = "餐费（元）";
const H_ALCOHOL: &str = "是否饮酒";
const H_PREMIUM: &str = "是否有香烟或高档酒水";
const H_VENUE_KIND: &str = "用餐场所类型";
const H_VENUE: &str = "用餐场所";
const H_HOTEL: &str = "住宿费（元）";
const H_TRANSPORT: &str = "交通费（元）";
const H_SIGNED: &str = "审签人";
const H_DOCS: &str = "报销凭证（票据、公函、清单、审批单）";

fn import_columns(for_writing: bool) -> Vec<Column> {
    let yes_no = || vec!["是".to_string(), "否".to_string()];
    let pick = |c: Column, list: Vec<String>| if for_writing { c.choices(list) } else { c };
    vec![
        Column::text(H_UNIT, 16.0).required(),
        Column::text(H_REF, 18.0),
        Column::date(H_LETTER_DATE, 12.0),
        Column::text(H_LETTER_UNIT, 16.0),
        Column::text(H_CITY, 10.0),
        Column::text(H_GUESTS, 28.0),
        Column::integer(H_COUNT, 8.0),
        Column::text(H_PURPOSE, 24.0),
        Column::date(H_START, 12.0).required(),
        Column::date(H_END, 12.0),
        Column::text(H_VENUES, 16.0),
        Column::date(H_MEAL_DATE, 12.0),
        pick(Column::text(H_MEAL_KIND, 10.0), MealKind::ALL.iter().map(|k| k.label().to_string()).collect()),
        Column::integer(H_MEAL_GUESTS, 8.0),
        Column::integer(H_ACC, 8.0),
        Column::text(H_COST, 10.0),
        pick(Column::text(H_ALCOHOL, 8.0), yes_no()),
        pick(Column::text(H_PREMIUM, 10.0), yes_no()),
        pick(Column::text(H_VENUE_KIND, 12.0), VenueKind::ALL.iter().map(|k| k.label().to_string()).collect()),
        Column::text(H_VENUE, 16.0),
        Column::text(H_HOTEL, 10.0),
        Column::text(H_TRANSPORT, 10.0),
        Column::text(H_SIGNED, 8.0),
        Column::text(H_DOCS, 20.0),
    ]
}

/// The column a validation error's field belongs to.
fn column_of(field: &str) -> &'static str {
    let meal = |k: &str| field.starts_with("meals[") && field.ends_with(k);
    match field {
        "unit_id" => H_UNIT,
        "letter_ref" => H_REF,
        "letter_date" => H_LETTER_DATE,
        "letter_unit" => H_LETTER_UNIT,
        "guest_city" => H_CITY,
        "guest_count" => H_COUNT,
        "purpose" => H_PURPOSE,
        "starts_on" => H_START,
        "ends_on" => H_END,
        "venues" => H_VENUES,
        "accommodation_cost" => H_HOTEL,
        "transport_cost" => H_TRANSPORT,
        "list_signed_by" => H_SIGNED,
        f if f.starts_with("guests") => H_GUESTS,
        _ if meal(".date") => H_MEAL_DATE,
        _ if meal(".kind") => H_MEAL_KIND,
        _ if meal(".guests") => H_MEAL_GUESTS,
        _ if meal(".accompanying") || meal(".diners") => H_ACC,
        _ if meal(".cost") => H_COST,
        _ if meal(".venue_kind") => H_VENUE_KIND,
        _ if meal(".venue") => H_VENUE,
        _ => H_PURPOSE,
    }
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template(
        "公务接待",
        Some("公务接待登记（每行一次接待，至多一次用餐；接待对象写“姓名 职务”，多人用；分隔）"),
        &import_columns(true),
    )?)
}

fn number(c: &str) -> Option<i64> {
    c.trim().parse().ok()
}

/// "张三 副局长；李四 科长": each guest of the 派出单位.
fn guests(cell: &str, unit: &str) -> Vec<GuestFields> {
    cell.split([';', '；'])
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(|g| {
            let (name, post) = g.split_once(char::is_whitespace).unwrap_or((g, ""));
            GuestFields { unit: unit.to_string(), name: name.to_string(), post: post.trim().to_string() }
        })
        .collect()
}

/// The reception a row describes (the unit already resolved).
fn fields_of(c: &[String], unit_id: i64) -> ReceptionFields {
    let docs = &c[23];
    let meal = MealFields {
        date: c[11].clone(),
        kind: c[12].clone(),
        guests: number(&c[13]),
        accompanying: number(&c[14]),
        diners: None,
        cost: c[15].clone(),
        alcohol: c[16].trim() == "是",
        premium: c[17].trim() == "是",
        venue_kind: c[18].clone(),
        venue: c[19].clone(),
    };
    ReceptionFields {
        unit_id: Some(unit_id),
        letter_ref: c[1].clone(),
        letter_date: c[2].clone(),
        letter_unit: c[3].clone(),
        guest_city: c[4].clone(),
        guests: guests(&c[5], c[3].trim()),
        guest_count: number(&c[6]),
        purpose: c[7].clone(),
        starts_on: c[8].clone(),
        ends_on: c[9].clone(),
        venues: c[10].clone(),
        meals: if meal == MealFields::default() { Vec::new() } else { vec![meal] },
        accommodation: String::new(),
        accommodation_cost: c[20].clone(),
        transport: String::new(),
        transport_cost: c[21].clone(),
        list_signed_by: c[22].clone(),
        has_invoice: docs.contains("票据"),
        has_letter_copy: docs.contains("公函"),
        has_list: docs.contains("清单"),
        has_approval: docs.contains("审批"),
    }
}

async fn check_row(
    state: &AppState,
    p: &Principal,
    index: &UnitIndex,
    r: &ReadRow,
    errs: &mut Vec<RowError>,
) -> Result<Option<ReceptionDraft>, ApiError> {
    let row = r.row_number;
    let unit = match index.resolve(&r.cells[0]) {
        Ok(u) => u.id,
        Err(m) => {
            errs.push(RowError { row, column: H_UNIT.into(), message: m });
            return Ok(None);
        }
    };
    row_result(service::validate(state, p, &fields_of(&r.cells, unit)).await, row, column_of, errs)
}

/// Validates every row; with `commit` and every row valid, writes them in one transaction. The
/// rows that fail a rule check are named in the warnings (they are imported and flagged).
pub async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, import_columns(false)).await?;
    let index = UnitIndex::load(&state.db).await?;
    let (mut report, bad) = ImportReport::of_table(&table);
    let settings = store::settings(&state.db).await?;
    let mut drafts = Vec::new();
    for r in table.rows.iter().filter(|r| !bad.contains(&r.row_number)) {
        let mut errs = Vec::new();
        if let Some(d) = check_row(state, p, &index, r, &mut errs).await? {
            let failed: Vec<String> = checks(&d, &settings).into_iter().filter(|c| !c.ok).map(|c| c.rule).collect();
            if !failed.is_empty() {
                report.warnings.push(format!(
                    "第 {} 行：检查未通过 {}，导入后标为检查未通过",
                    r.row_number,
                    failed.join("、")
                ));
            }
            drafts.push(d);
            report.valid += 1;
        }
        report.errors.extend(errs);
    }
    if report.ready_to_write(commit, drafts.len()) {
        let ids = store::create_many(&state.db, &p.actor(), &drafts, now()).await?;
        report.record(Written { created: ids.len(), updated: 0 });
    }
    Ok(report)
}

/// The sheet of the import page and of `POST …/import`.
pub struct ReceptionSheet;

impl SheetImport for ReceptionSheet {
    const TITLE: &'static str = "公务接待";
    const TEMPLATE_FILE: &'static str = "公务接待导入模板.xlsx";
    const KIND: &'static str = "receptions";
    const NOUN: &'static str = "次公务接待";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    fn page(p: &Principal) -> ImportPage {
        let mut page = ImportPage::new(
            Nav::new(p, "receptions"),
            "公务接待导入",
            "/receptions/import",
            "/api/v1/receptions/import-template.xlsx",
        );
        page.rules = &[
            "每行一次接待，至多一次用餐；多次用餐的接待导入后在页面上补录",
            "接待对象写“姓名 职务”，多人用“；”分隔，单位取派出单位",
            "报销凭证列写有哪些：票据、公函、清单、审批单",
            "有错误的行列出行号、列和原因，全部改正后才写入；未通过规则检查的行照常导入并标为检查未通过",
        ];
        page
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(state, p, bytes, commit).await
    }
}
