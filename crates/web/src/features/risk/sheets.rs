//! 廉政风险防控台账 in Excel: the export in the layout offices use and the validate-then-commit
//! import of a unit's proposals.
//!
//! The sheet starts with the ten printed columns of the 台账 — 序号, 单位, 岗位/业务流程, 风险类别,
//! 风险点, 表现形式, 风险等级, 防控措施, 部门负责人, 责任领导 — followed by 职权事项, 年度, 状态 and
//! 风险点编号, which make the file import back. 防控措施 holds one measure a line:
//! "1. 措施（责任人：姓名；复查：2026-06-30）".
//!
//! On import, a row whose 风险点编号 is a point in scope is compared with it: unchanged points are
//! left alone, so an exported file imports back without changing anything; a changed point is
//! updated only while it is a draft or returned. Other rows propose new points (drafts). Units by
//! name, code or "名称（编码）", in the operator's scope; people by name (of several, the one in
//! the point's unit). Every row is checked before anything is written; with `commit`, the valid
//! rows are written in one transaction.

use std::collections::HashMap;

use qingfeng_domain::risk::{MeasureFields, RiskCategory, RiskLevel, RiskPointFields};
use qingfeng_office::{CellValue, Column, ReadRow};
use qingfeng_store::fulfilment::today;
use qingfeng_store::imports::{self, RiskWrite};
use qingfeng_store::risk::{self as store, RiskFilter, RiskPoint};
use qingfeng_store::{now, StoreError};

use crate::auth::Principal;
use crate::features::risk::service;
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::heading::Heading;
use crate::sheets::names::{people_named, person_named, UnitIndex};
use crate::sheets::{read_upload, ImportReport, RowError};
use crate::AppState;

const H_UNIT: &str = "单位";
const H_POST: &str = "岗位/业务流程";
const H_CATEGORY: &str = "风险类别";
const H_POINT: &str = "风险点";
const H_MANIFESTATION: &str = "表现形式";
const H_LEVEL: &str = "风险等级";
const H_MEASURES: &str = "防控措施";
const H_HEAD: &str = "部门负责人";
const H_LEADER: &str = "责任领导";
const H_POWER: &str = "职权事项";
const H_YEAR: &str = "年度";
const H_ID: &str = "风险点编号";

const C_UNIT: usize = 1;
const C_POST: usize = 2;
const C_CATEGORY: usize = 3;
const C_POINT: usize = 4;
const C_MANIFESTATION: usize = 5;
const C_LEVEL: usize = 6;
const C_MEASURES: usize = 7;
const C_HEAD: usize = 8;
const C_LEADER: usize = 9;
const C_POWER: usize = 10;
const C_YEAR: usize = 11;
const C_ID: usize = 13;
/// The printed columns (the office's 台账); the rest are for the import.
const PRINTED: usize = 10;

/// The columns, in order; `for_writing` adds the drop-down lists.
pub fn columns(for_writing: bool) -> Vec<Column> {
    let choices = |c: Column, list: Vec<String>| if for_writing { c.choices(list) } else { c };
    vec![
        Column::text("序号", 6.0),
        Column::text(H_UNIT, 14.0).required(),
        Column::text(H_POST, 14.0).required(),
        choices(Column::text(H_CATEGORY, 12.0), RiskCategory::ALL.iter().map(|c| c.label().to_string()).collect())
            .required(),
        Column::text(H_POINT, 28.0).required(),
        Column::text(H_MANIFESTATION, 28.0),
        choices(Column::text(H_LEVEL, 8.0), RiskLevel::ALL.iter().rev().map(|l| l.label().to_string()).collect()),
        Column::text(H_MEASURES, 40.0),
        Column::text(H_HEAD, 10.0),
        Column::text(H_LEADER, 10.0),
        Column::text(H_POWER, 16.0),
        Column::integer(H_YEAR, 8.0),
        Column::text("状态", 8.0),
        Column::integer(H_ID, 10.0),
    ]
}

/// Field of RiskPointFields → column header, for validation errors.
fn field_column(field: &str) -> &'static str {
    match field {
        "unit_id" => H_UNIT,
        "year" => H_YEAR,
        "category" => H_CATEGORY,
        "post" => H_POST,
        "power" => H_POWER,
        "point" => H_POINT,
        "manifestation" => H_MANIFESTATION,
        "level" => H_LEVEL,
        "head_id" => H_HEAD,
        "leader_id" => H_LEADER,
        "measures" => H_MEASURES,
        _ => H_ID,
    }
}

/// The measures of a point, one a line, as the 防控措施 cell holds them.
fn measures_cell(p: &RiskPoint) -> String {
    let line = |(i, m): (usize, &store::RiskMeasure)| match m.review_on {
        Some(d) => format!("{}. {}（责任人：{}；复查：{d}）", i + 1, m.text, m.person_name),
        None => format!("{}. {}（责任人：{}）", i + 1, m.text, m.person_name),
    };
    p.measures.iter().enumerate().map(line).collect::<Vec<_>>().join("\n")
}

/// One measure line read back: (text, person name, review date text).
fn parse_measure(line: &str) -> (String, String, String) {
    let line = line.trim();
    let body = line.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(['.', '、', '．', ')', '）']);
    let body = if body.len() < line.len() { body.trim() } else { line };
    let Some((text, tail)) = body.rsplit_once("（责任人：") else {
        return (body.to_string(), String::new(), String::new());
    };
    let tail = tail.trim_end_matches('）');
    let (person, review) = match tail.split_once('；') {
        Some((p, r)) => (p, r.trim_start_matches("复查：")),
        None => (tail, ""),
    };
    (text.trim().to_string(), person.trim().to_string(), review.trim().to_string())
}

pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template("廉政风险防控台账", Some("廉政风险点申报表"), &columns(true))?)
}

/// The 廉政风险防控台账 of the points the caller sees that match the filter.
pub async fn export(state: &AppState, p: &Principal, filter: &RiskFilter) -> Result<Vec<u8>, ApiError> {
    let points = store::list(&state.db, &p.scope, filter, None, today()).await?.items;
    let index = UnitIndex::load(&state.db).await?;
    let rows: Vec<Vec<CellValue>> = points
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let level = if r.occurred() { format!("{}（已发生）", r.level_label) } else { r.level_label.clone() };
            vec![
                (n as i64 + 1).into(),
                index.label(r.unit_id, "").into(),
                (&r.post).into(),
                (&r.category_label).into(),
                (&r.point).into(),
                (&r.manifestation).into(),
                if r.level.is_empty() { CellValue::Empty } else { level.into() },
                measures_cell(r).into(),
                r.head_name.clone().into(),
                r.leader_name.clone().into(),
                (&r.power).into(),
                r.year.into(),
                (&r.state_label).into(),
                r.id.into(),
            ]
        })
        .collect();
    let heading = Heading::load(&state.db, &p.scope, "廉政风险防控台账")
        .await?
        .unit(filter.unit_id, filter.include_sub)
        .filter("年度", filter.year.map(|y| y.to_string()))
        .filter("风险等级", filter.level.map(|l| l.label().to_string()))
        .filter("风险类别", filter.category.map(|c| c.label().to_string()))
        .filter("状态", filter.state.map(|s| s.label().to_string()))
        .filter("已发生", filter.occurred.then(|| "是".to_string()))
        .filter("关键词", filter.q.clone());
    let columns = columns(true);
    Ok(heading.table("廉政风险防控台账", &columns, &rows).print_columns(PRINTED).write()?)
}

fn push(errs: &mut Vec<RowError>, row: usize, column: &str, message: impl Into<String>) {
    errs.push(RowError { row, column: column.into(), message: message.into() });
}

/// What an import checks its rows against.
struct RiskImport<'a> {
    state: &'a AppState,
    p: &'a Principal,
    index: UnitIndex,
    people: HashMap<String, Vec<(i64, String)>>,
}

impl RiskImport<'_> {
    fn person(&self, row: usize, col: &str, name: &str, path: Option<&str>, errs: &mut Vec<RowError>) -> Option<i64> {
        if name.is_empty() {
            return None;
        }
        person_named(&self.people, name, path).map_err(|m| push(errs, row, col, m)).ok()
    }

    /// The fields of a row, people and unit resolved (errors for the cells that do not).
    fn fields(&self, r: &ReadRow, errs: &mut Vec<RowError>) -> RiskPointFields {
        let (c, row) = (&r.cells, r.row_number);
        let unit = match self.index.resolve(&c[C_UNIT]) {
            _ if c[C_UNIT].is_empty() => None,
            Ok(u) => Some(u),
            Err(m) => {
                push(errs, row, H_UNIT, m);
                None
            }
        };
        let path = unit.map(|u| u.path.as_str());
        let mut measures = Vec::new();
        for line in c[C_MEASURES].lines().filter(|l| !l.trim().is_empty()) {
            let (text, person, review_on) = parse_measure(line);
            let person_id = self.person(row, H_MEASURES, &person, path, errs);
            measures.push(MeasureFields { text, person_id, review_on });
        }
        RiskPointFields {
            unit_id: unit.map(|u| u.id),
            year: c[C_YEAR].parse().ok(),
            category: c[C_CATEGORY].clone(),
            post: c[C_POST].clone(),
            power: c[C_POWER].clone(),
            point: c[C_POINT].clone(),
            manifestation: c[C_MANIFESTATION].clone(),
            // an exported level reads "高（已发生）"
            level: c[C_LEVEL].split('（').next().unwrap_or_default().to_string(),
            head_id: self.person(row, H_HEAD, &c[C_HEAD], path, errs),
            leader_id: self.person(row, H_LEADER, &c[C_LEADER], path, errs),
            measures,
        }
    }

    /// One row: what to write, if anything (`Some(None)`: valid, nothing changes), and its errors.
    async fn check(&self, r: &ReadRow) -> Result<(Option<Option<RiskWrite>>, Vec<RowError>), ApiError> {
        let row = r.row_number;
        let mut errs = Vec::new();
        let existing = match r.cells[C_ID].parse::<i64>() {
            Err(_) => None,
            Ok(id) => match store::get(&self.state.db, &self.p.scope, id, today()).await {
                Ok(p) => Some(p),
                Err(StoreError::NotFound) => {
                    push(&mut errs, row, H_ID, format!("风险点编号 {id} 不存在或不在您的数据范围内；新增请将编号留空"));
                    None
                }
                Err(e) => return Err(e.into()),
            },
        };
        let fields = self.fields(r, &mut errs);
        if !errs.is_empty() {
            return Ok((None, errs));
        }
        let draft = match service::validate(self.state, self.p, &fields).await {
            Ok(d) => d,
            Err(ApiError::Invalid(fe)) => {
                for f in fe.0 {
                    push(&mut errs, row, field_column(&f.field), f.message);
                }
                return Ok((None, errs));
            }
            Err(e) => return Err(e),
        };
        let write = match existing {
            None => Some(RiskWrite::Create(draft)),
            Some(p) if p.draft() == draft => None,
            Some(p) if !p.state().editable() => {
                let m = format!("风险点编号 {} {}，不能通过导入修改", p.id, p.state_label);
                push(&mut errs, row, H_ID, m);
                return Ok((None, errs));
            }
            Some(p) => Some(RiskWrite::Update { id: p.id, before: Box::new(p.draft()), after: draft }),
        };
        Ok((Some(write), errs))
    }
}

/// Validates every row; with `commit`, writes the valid ones in one transaction.
pub async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, columns(false)).await?;
    let mut names: Vec<String> = table
        .rows
        .iter()
        .flat_map(|r| {
            let measures: Vec<String> = r.cells[C_MEASURES].lines().map(|l| parse_measure(l).1).collect();
            measures.into_iter().chain([r.cells[C_HEAD].clone(), r.cells[C_LEADER].clone()])
        })
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    let ctx = RiskImport {
        state,
        p,
        index: UnitIndex::load(&state.db).await?,
        people: people_named(&state.db, &names).await?,
    };
    let mut report = ImportReport::default();
    for e in &table.errors {
        report.errors.push(RowError { row: e.row, column: e.column.clone(), message: e.message.clone() });
    }
    let mut writes = Vec::new();
    for r in &table.rows {
        if table.errors.iter().any(|e| e.row == r.row_number) {
            continue;
        }
        let (write, errs) = ctx.check(r).await?;
        if let Some(w) = write {
            writes.extend(w);
            report.valid += 1;
        }
        report.errors.extend(errs);
    }
    report.errors.sort_by_key(|e| e.row);
    if commit && !writes.is_empty() {
        let written = imports::write_rows(&state.db, &p.actor(), (), &writes, report.errors.len(), now()).await?;
        report.record(written);
    }
    report.committed = commit && report.valid > 0;
    Ok(report)
}

/// The sheet of the import page and of `POST …/import`.
pub struct RiskPointSheet;

impl SheetImport for RiskPointSheet {
    const TITLE: &'static str = "廉政风险点";
    const TEMPLATE_FILE: &'static str = "廉政风险点导入模板.xlsx";
    const KIND: &'static str = "risk_points";
    const NOUN: &'static str = "个风险点";

    async fn template(_state: &AppState) -> Result<Vec<u8>, ApiError> {
        template()
    }

    fn page(p: &Principal) -> ImportPage {
        ImportPage::new(
            Nav::new(p, "risk"),
            "廉政风险点导入",
            "/risk/import",
            "/api/v1/risk-points/import-template.xlsx",
        )
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        import(state, p, bytes, commit).await
    }
}

#[cfg(test)]
mod tests {
    use super::parse_measure;

    #[test]
    fn measure_lines_read_back() {
        let (t, p, r) = parse_measure("1. 报销“三签”制度（责任人：田维涛；复查：2027-01-31）");
        assert_eq!((t.as_str(), p.as_str(), r.as_str()), ("报销“三签”制度", "田维涛", "2027-01-31"));
        let (t, p, r) = parse_measure("2、双人验收（责任人：赵江）");
        assert_eq!((t.as_str(), p.as_str(), r.as_str()), ("双人验收", "赵江", ""));
        assert_eq!(parse_measure("没有责任人的措施").1, "");
    }
}
