//! 整改台账 in Excel: the export in the layout offices use, and the validate-then-commit import
//! of finding lists received from 巡察 and 审计.
//!
//! The sheet starts with the ten columns of the 整改台账 — 序号, 问题描述, 问题类别, 整改措施,
//! 责任领导, 责任人, 整改时限, 整改进展, 完成情况, 是否销号 — one row per rectification measure
//! (a finding without measures gets one row), followed by the finding's own columns that make the
//! file import back: 责任单位, 问题来源, 严重程度, 发现日期, 问题责任领导, 问题责任人, 专项整治,
//! 办理状态 and 问题编号.
//!
//! On import, rows sharing a 问题编号 (or, without one, a 序号) are one finding; its values are read
//! from its first row, and the measure columns are not imported (the unit makes its plan in the
//! system after the feedback). A row whose 问题编号 is a finding in scope is compared with it:
//! unchanged findings are left alone, so an exported file imports back without changing anything;
//! a changed finding is updated only while it is still recorded. Other rows create findings —
//! recorded by the discipline-inspection group, or the unit's own 自查 findings. Units are given
//! by name, code or "名称（编码）" and must be in the operator's scope; people by name (several
//! people of that name: the one in the finding's unit). Every row is checked before anything is
//! written; with `commit`, the valid findings are written in one transaction.

use std::collections::HashMap;

use chrono::NaiveDate;

use qingfeng_domain::findings::{FindingDraft, FindingFields, FindingState, Origin, Severity, Source};
use qingfeng_domain::labels::Labels;
use qingfeng_office::{Column, ReadRow, ReadTable};
use qingfeng_store::findings as store;
use qingfeng_store::fulfilment::today;
use qingfeng_store::imports::{self, FindingWrite};
use qingfeng_store::org::Unit;
use qingfeng_store::{now, Actor, Db, Scope, StoreError};

use super::service::origin_for;
use crate::auth::Principal;
use crate::http::{import_flow::ImportPage, sheet_import::SheetImport, ApiError, Nav};
use crate::sheets::names::{people_named, person_named, UnitIndex};
use crate::sheets::{read_upload, ImportReport, RowError};
use crate::AppState;

pub const H_NUMBER: &str = "序号";
pub const H_DESCRIPTION: &str = "问题描述";
pub const H_CATEGORY: &str = "问题类别";
pub const H_MEASURE: &str = "整改措施";
pub const H_LEADER: &str = "责任领导";
pub const H_PERSON: &str = "责任人";
pub const H_DEADLINE: &str = "整改时限";
pub const H_PROGRESS: &str = "整改进展";
pub const H_DONE: &str = "完成情况";
pub const H_SIGNED_OFF: &str = "是否销号";
pub const H_UNIT: &str = "责任单位";
pub const H_SOURCE: &str = "问题来源";
pub const H_SEVERITY: &str = "严重程度";
pub const H_FOUND_ON: &str = "发现日期";
pub const H_F_LEADER: &str = "问题责任领导";
pub const H_F_PERSON: &str = "问题责任人";
pub const H_CAMPAIGN: &str = "专项整治";
pub const H_STATE: &str = "办理状态";
pub const H_ID: &str = "问题编号";

const C_NUMBER: usize = 0;
const C_DESCRIPTION: usize = 1;
const C_CATEGORY: usize = 2;
const C_MEASURE: usize = 3;
const C_LEADER: usize = 4;
const C_PERSON: usize = 5;
const C_UNIT: usize = 10;
const C_SOURCE: usize = 11;
const C_SEVERITY: usize = 12;
const C_FOUND_ON: usize = 13;
const C_F_LEADER: usize = 14;
const C_F_PERSON: usize = 15;
const C_CAMPAIGN: usize = 16;
const C_ID: usize = 18;
/// The printed columns: the ten of the 整改台账; the finding's own columns after them are for
/// the import.
pub(super) const PRINTED: usize = 10;
/// Columns of the finding (not of a measure), merged over the rows of its measures.
pub(super) const FINDING_COLUMNS: &[usize] =
    &[C_NUMBER, C_DESCRIPTION, C_CATEGORY, 9, 10, 11, 12, 13, 14, 15, 16, 17, C_ID];

/// The columns, in order. For writing (`names`: the office's category names and order, 字典管理)
/// they carry the drop-down lists; reading accepts keys, labels and short category names, so it
/// checks the values itself.
pub fn columns(names: Option<&Labels>) -> Vec<Column> {
    let for_writing = names.is_some();
    let choices = |c: Column, list: Vec<String>| if for_writing { c.choices(list) } else { c };
    let categories = names.map(|l| l.categories().iter().map(|(_, n)| n.clone()).collect()).unwrap_or_default();
    let labels = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        Column::text(H_NUMBER, 6.0),
        Column::text(H_DESCRIPTION, 36.0).required(),
        choices(Column::text(H_CATEGORY, 16.0), categories).required(),
        Column::text(H_MEASURE, 32.0),
        Column::text(H_LEADER, 10.0),
        Column::text(H_PERSON, 10.0),
        Column::date(H_DEADLINE, 12.0),
        Column::text(H_PROGRESS, 30.0),
        Column::text(H_DONE, 14.0),
        Column::text(H_SIGNED_OFF, 9.0),
        Column::text(H_UNIT, 18.0).required(),
        choices(Column::text(H_SOURCE, 10.0), labels(&Source::ALL.iter().map(|s| s.label()).collect::<Vec<_>>())),
        choices(Column::text(H_SEVERITY, 9.0), labels(&Severity::ALL.iter().map(|s| s.label()).collect::<Vec<_>>())),
        Column::date(H_FOUND_ON, 12.0),
        Column::text(H_F_LEADER, 12.0),
        Column::text(H_F_PERSON, 12.0),
        Column::text(H_CAMPAIGN, 18.0),
        Column::text(H_STATE, 9.0),
        Column::integer(H_ID, 9.0),
    ]
}

/// Field of FindingFields → column header, for validation errors.
fn field_column(field: &str) -> &'static str {
    match field {
        "unit_id" => H_UNIT,
        "source" => H_SOURCE,
        "category" => H_CATEGORY,
        "description" => H_DESCRIPTION,
        "severity" => H_SEVERITY,
        "found_on" => H_FOUND_ON,
        "responsible_leader_id" => H_F_LEADER,
        "responsible_person_id" => H_F_PERSON,
        "campaign_id" => H_CAMPAIGN,
        _ => H_ID,
    }
}

pub async fn template(db: &Db) -> Result<Vec<u8>, ApiError> {
    let names = qingfeng_store::dicts::labels(db).await?;
    Ok(qingfeng_office::template("整改台账", Some("问题整改台账"), &columns(Some(&names)))?)
}

/// Validates every row; with `commit`, writes the valid findings in one transaction.
pub async fn import(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    origin: Origin,
    bytes: &[u8],
    commit: bool,
) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, columns(None)).await?;
    let mut names: Vec<String> = table
        .rows
        .iter()
        .flat_map(|r| [C_LEADER, C_PERSON, C_F_LEADER, C_F_PERSON].map(|c| r.cells[c].clone()))
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    let ctx = FindingImport {
        db,
        scope,
        origin,
        today: today(),
        index: UnitIndex::load(db).await?,
        people: people_named(db, &names).await?,
        campaigns: qingfeng_store::findings::campaigns_by_name(db).await?,
        labels: qingfeng_store::dicts::labels(db).await?,
    };
    let mut report = ImportReport::default();
    for e in &table.errors {
        report.errors.push(RowError { row: e.row, column: e.column.clone(), message: e.message.clone() });
    }
    let mut writes: Vec<FindingWrite> = Vec::new();
    for members in groups(&table) {
        check_members(&table, &members, &mut report);
        let (write, errs) = ctx.check_finding(&table, &members).await?;
        if let Some(w) = write {
            writes.extend(w);
            report.valid += 1;
        }
        report.errors.extend(errs);
    }
    report.errors.sort_by_key(|e| e.row);
    if commit && !writes.is_empty() {
        let written = imports::write_rows(db, actor, origin, &writes, report.errors.len(), now()).await?;
        report.record(written);
    }
    report.committed = commit && report.valid > 0;
    Ok(report)
}

/// The rows of one finding: same 问题编号, or same 序号 when there is none.
fn groups(table: &ReadTable) -> Vec<Vec<usize>> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, r) in table.rows.iter().enumerate() {
        let c = &r.cells;
        let key = if !c[C_ID].is_empty() {
            format!("id:{}", c[C_ID])
        } else if !c[C_NUMBER].is_empty() {
            format!("no:{}", c[C_NUMBER])
        } else {
            format!("row:{}", r.row_number)
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    groups.into_iter().map(|(_, rows)| rows).collect()
}

/// Rows sharing a finding's number must describe the same finding of the same unit.
fn check_members(table: &ReadTable, members: &[usize], report: &mut ImportReport) {
    let first = &table.rows[members[0]];
    let (c, row) = (&first.cells, first.row_number);
    for &other in &members[1..] {
        let o = &table.rows[other];
        if o.cells[C_DESCRIPTION] != c[C_DESCRIPTION] || o.cells[C_UNIT] != c[C_UNIT] {
            report.errors.push(RowError {
                row: o.row_number,
                column: H_DESCRIPTION.into(),
                message: format!(
                    "与第{row}行序号（或问题编号）相同，但问题描述或责任单位不同；不同的问题请使用不同的序号"
                ),
            });
        }
    }
}

fn push(errs: &mut Vec<RowError>, row: usize, column: &str, message: String) {
    errs.push(RowError { row, column: column.into(), message });
}

/// What an import checks its findings against.
struct FindingImport<'a> {
    db: &'a Db,
    scope: &'a Scope,
    origin: Origin,
    today: NaiveDate,
    index: UnitIndex,
    people: HashMap<String, Vec<(i64, String)>>,
    campaigns: HashMap<String, Vec<(i64, Vec<String>)>>,
    /// the office's category names (字典管理), read as their keys
    labels: Labels,
}

impl FindingImport<'_> {
    /// One finding (the first of its rows): what to write, if anything, and the row's errors.
    /// `Some(None)` is a valid row that changes nothing.
    async fn check_finding(
        &self,
        table: &ReadTable,
        members: &[usize],
    ) -> Result<(Option<Option<FindingWrite>>, Vec<RowError>), ApiError> {
        let r = &table.rows[members[0]];
        let (c, row) = (&r.cells, r.row_number);
        let mut errs: Vec<RowError> = Vec::new();
        let existing = self.existing(r, &mut errs).await?;
        let unit = self.check_unit(r, &mut errs);
        // the finding's own leader and person; a plain list without measures names them in the
        // 责任领导 / 责任人 columns
        let no_measure = c[C_MEASURE].is_empty();
        let pick = |own: usize, plain: usize| if !c[own].is_empty() || !no_measure { own } else { plain };
        let leader = self.person_id(r, pick(C_F_LEADER, C_LEADER), unit, &mut errs);
        let person = self.person_id(r, pick(C_F_PERSON, C_PERSON), unit, &mut errs);
        let campaign = self.check_campaign(r, unit, &mut errs);
        let fields = FindingFields {
            unit_id: unit.map(|u| u.id),
            source: c[C_SOURCE].clone(),
            // an office name (字典管理) reads as its key; anything else as the rules read it
            category: self.labels.parse_category(&c[C_CATEGORY]).map_or(c[C_CATEGORY].clone(), |x| x.key().to_string()),
            description: c[C_DESCRIPTION].clone(),
            severity: c[C_SEVERITY].clone(),
            found_on: c[C_FOUND_ON].clone(),
            responsible_leader_id: leader,
            responsible_person_id: person,
            campaign_id: campaign,
            // the sheet has no column for it: an existing finding keeps its 廉政风险点 in its unit
            risk_point_id: existing
                .as_ref()
                .filter(|f| Some(f.unit_id) == unit.map(|u| u.id))
                .and_then(|f| f.risk_point_id),
        };
        // an existing finding keeps its origin (and so its source rule)
        let row_origin = existing.as_ref().map(|f| f.origin()).unwrap_or(self.origin);
        let draft = match fields.validate(self.today, row_origin) {
            Ok(d) => Some(d),
            Err(fe) => {
                for f in fe.0 {
                    let column = field_column(&f.field);
                    let reported = (f.field == "unit_id" && !c[C_UNIT].is_empty())
                        || table.errors.iter().any(|e| e.row == row && e.column == column);
                    if !reported {
                        push(&mut errs, row, column, f.message);
                    }
                }
                None
            }
        };
        if let (Some(f), Some(d)) = (&existing, &draft) {
            self.check_change(row, f, d, &mut errs);
        }
        let cell_errors = members.iter().any(|i| table.errors.iter().any(|e| e.row == table.rows[*i].row_number));
        let write = match draft {
            Some(d) if errs.is_empty() && !cell_errors => Some(match existing {
                Some(f) if f.draft() == d => None,
                Some(f) => Some(FindingWrite::Update { id: f.id, before: Box::new(f.draft()), after: d }),
                None => Some(FindingWrite::Create(d)),
            }),
            _ => None,
        };
        Ok((write, errs))
    }

    /// An existing finding, by its number.
    async fn existing(&self, r: &ReadRow, errs: &mut Vec<RowError>) -> Result<Option<store::Finding>, ApiError> {
        let Ok(id) = r.cells[C_ID].parse::<i64>() else { return Ok(None) };
        match store::get(self.db, self.scope, id, self.today).await {
            Ok(f) => Ok(Some(f)),
            Err(StoreError::NotFound) => {
                let message = format!("问题编号 {id} 不存在或不在您的数据范围内；新增问题请将问题编号留空");
                push(errs, r.row_number, H_ID, message);
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The 责任单位: it exists and is in scope.
    fn check_unit(&self, r: &ReadRow, errs: &mut Vec<RowError>) -> Option<&Unit> {
        let cell = &r.cells[C_UNIT];
        match self.index.resolve(cell) {
            _ if cell.is_empty() => None,
            Ok(u) if self.scope.covers_unit(u.id, &u.path) => Some(u),
            Ok(u) => {
                push(errs, r.row_number, H_UNIT, format!("责任单位“{}”不在您的数据范围内", u.name));
                None
            }
            Err(m) => {
                push(errs, r.row_number, H_UNIT, m);
                None
            }
        }
    }

    /// A person by name in column `col`; of several of that name, the one in the unit or below.
    fn person_id(&self, r: &ReadRow, col: usize, unit: Option<&Unit>, errs: &mut Vec<RowError>) -> Option<i64> {
        let name = r.cells[col].as_str();
        if name.is_empty() {
            return None;
        }
        let header = columns(None)[col].header.clone();
        match person_named(&self.people, name, unit.map(|u| u.path.as_str())) {
            Ok(id) => Some(id),
            Err(m) => {
                push(errs, r.row_number, &header, m);
                None
            }
        }
    }

    /// The 专项整治 by name: one campaign of that name, whose units hold the finding's unit.
    fn check_campaign(&self, r: &ReadRow, unit: Option<&Unit>, errs: &mut Vec<RowError>) -> Option<i64> {
        let name = r.cells[C_CAMPAIGN].as_str();
        match self.campaigns.get(name).map(Vec::as_slice) {
            _ if name.is_empty() => None,
            Some([(id, paths)]) => {
                if let Some(u) = unit {
                    if !paths.is_empty() && !paths.iter().any(|p| u.path.starts_with(p.as_str())) {
                        push(errs, r.row_number, H_CAMPAIGN, format!("责任单位不在专项整治“{name}”的范围内"));
                    }
                }
                Some(*id)
            }
            Some(_) => {
                push(errs, r.row_number, H_CAMPAIGN, format!("专项整治“{name}”有重名，请在系统中关联"));
                None
            }
            None => {
                push(errs, r.row_number, H_CAMPAIGN, format!("专项整治“{name}”不存在"));
                None
            }
        }
    }

    /// A change of a recorded finding: only before feedback, and the group's only by the group.
    fn check_change(&self, row: usize, f: &store::Finding, d: &FindingDraft, errs: &mut Vec<RowError>) {
        if f.draft() == *d {
            return;
        }
        if f.state() != FindingState::Recorded {
            let message = format!("问题编号 {} 已{}，不能通过导入修改；如需更正请联系纪检监察组", f.id, f.state_label);
            push(errs, row, H_ID, message);
        } else if f.origin() == Origin::Supervision && self.origin != Origin::Supervision {
            push(errs, row, H_ID, format!("问题编号 {} 由纪检监察组登记，只能由纪检监察组修改", f.id));
        }
    }
}

/// The 问题清单 sheet of the import page and of `POST /api/v1/findings/import`. Findings
/// imported by the 纪检组 are its supervision's; anyone else's are the unit's own checks.
pub struct FindingSheet;

impl SheetImport for FindingSheet {
    const TITLE: &'static str = "问题清单";
    const TEMPLATE_FILE: &'static str = "问题清单导入模板.xlsx";
    const KIND: &'static str = "findings";
    const NOUN: &'static str = "个问题";

    async fn template(state: &AppState) -> Result<Vec<u8>, ApiError> {
        template(&state.db).await
    }

    fn page(p: &Principal) -> ImportPage {
        let heading = "问题清单导入（巡察、审计等反馈的问题）";
        ImportPage::new(Nav::new(p, "findings"), heading, "/findings/import", "/api/v1/findings/import-template.xlsx")
    }

    async fn import(state: &AppState, p: &Principal, bytes: &[u8], commit: bool) -> Result<ImportReport, ApiError> {
        let origin = origin_for(state, p).await?;
        import(&state.db, &p.actor(), &p.scope, origin, bytes, commit).await
    }
}
