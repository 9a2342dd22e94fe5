//! People in Excel: the 人员信息 sheet (with 分管 units by code).

use std::collections::HashMap;

use qingfeng_domain::dict::{
    parse_roles, roles_to_labels, Gender, PersonStatus, PoliticalStatus, Rank, ResponsibilityRole,
};
use qingfeng_domain::org::PersonFields;
use qingfeng_office::{CellValue, Column, ReadRow, ReadTable};
use qingfeng_store::imports::{self, PersonWrite};
use qingfeng_store::org::branches::{self, Seat};
use qingfeng_store::org::{people, units, Person, PersonFilter, Unit};
use qingfeng_store::{Actor, Db, Scope, StoreError, StoreResult};

use super::duplicates::{Duplicates, RowKey};
use crate::sheets::heading::Heading;
use crate::sheets::{read_upload, ImportReport, RowError};

const YES: &str = "是";
const NO: &str = "否";

fn yes_no() -> Vec<String> {
    vec![YES.into(), NO.into()]
}

fn yes_no_value(b: bool) -> &'static str {
    if b {
        YES
    } else {
        NO
    }
}

const P_ID: usize = 0;
const P_NAME: usize = 1;
const P_GENDER: usize = 2;
const P_UNIT_CODE: usize = 3;
const P_UNIT_NAME: usize = 4;
const P_TITLE: usize = 5;
const P_RANK: usize = 6;
const P_POLITICAL: usize = 7;
const P_ROLES: usize = 8;
const P_STATUS: usize = 9;
const P_BIRTH: usize = 10;
const P_PARTY: usize = 11;
const P_POWER: usize = 12;
// column 13 (监督对象) is derived: exported for reading, ignored on import
const P_OVERRIDE: usize = 14;
const P_REASON: usize = 15;
const P_IN_CHARGE: usize = 16;
const P_ID_NUMBER: usize = 17;
const P_BRANCH: usize = 18;
// A new column goes at the end of `people_columns` with the next position here; the file's own
// column order does not matter (columns are found by header).

const H_ID_NUMBER: &str = "身份证号";
const H_BRANCH: &str = "所在党支部";

/// The people sheet's columns, in order. `unit_names` feeds the drop-down of 所在单位, `ranks`
/// that of 职级 ([`rank_choices`]).
pub fn people_columns(unit_names: Vec<String>, ranks: Vec<String>, branch_names: Vec<String>) -> Vec<Column> {
    vec![
        Column::integer("系统编号", 10.0),
        Column::text("姓名", 12.0).required(),
        Column::text("性别", 8.0).choices(Gender::labels()).required(),
        Column::text("单位编码", 14.0),
        Column::text("所在单位", 22.0).choices(unit_names),
        Column::text("职务", 18.0),
        Column::text("职级", 12.0).choices(ranks).required(),
        Column::text("政治面貌", 14.0).choices(PoliticalStatus::labels()).required(),
        Column::text("责任角色", 22.0),
        Column::text("人员状态", 10.0).choices(PersonStatus::labels()),
        Column::date("出生日期", 13.0),
        Column::date("入党时间", 13.0),
        Column::text("行使公权力", 11.0).choices(yes_no()),
        Column::text("监督对象", 10.0).choices(yes_no()),
        Column::text("监督对象手动调整", 16.0).choices(yes_no()),
        Column::text("调整理由", 24.0),
        Column::text("分管单位编码", 24.0),
        Column::text(H_ID_NUMBER, 21.0),
        Column::text(H_BRANCH, 20.0).choices(branch_names),
    ]
}

/// Field name of PersonFields → column header, for reporting validation errors.
fn person_field_column(field: &str) -> &'static str {
    match field {
        "name" => "姓名",
        "gender" => "性别",
        "unit_id" => "所在单位",
        "title" => "职务",
        "rank" => "职级",
        "political_status" => "政治面貌",
        "roles" => "责任角色",
        "status" => "人员状态",
        "birth_date" => "出生日期",
        "party_join_date" => "入党时间",
        "supervision_override_reason" => "调整理由",
        "in_charge_of" => "分管单位编码",
        "id_number" => H_ID_NUMBER,
        "party_branch_id" | "branch_post" => H_BRANCH,
        _ => "系统编号",
    }
}

async fn unit_names(db: &Db, scope: &Scope) -> StoreResult<Vec<String>> {
    let mut names: Vec<String> = units::all(db, scope).await?.into_iter().map(|u| u.name).collect();
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    Ok(names)
}

/// The 职级 a sheet accepts: the dictionary's names, then the levels themselves.
pub async fn rank_choices(db: &Db) -> StoreResult<Vec<String>> {
    let mut names: Vec<String> = qingfeng_store::dicts::list(db, "rank").await?.into_iter().map(|e| e.value).collect();
    names.extend(Rank::labels().into_iter().filter(|l| !names.contains(l)).collect::<Vec<_>>());
    Ok(names)
}

/// A person's 职级 as lists show it: the dictionary name, else the level.
pub fn rank_shown(p: &Person) -> String {
    if p.rank_name.is_empty() {
        Rank::from_key(&p.rank).map(Rank::label).unwrap_or("").to_string()
    } else {
        p.rank_name.clone()
    }
}

pub async fn people_template(db: &Db, scope: &Scope) -> Result<Vec<u8>, crate::http::ApiError> {
    let cols = people_columns(unit_names(db, scope).await?, rank_choices(db).await?, branch_names(db, scope).await?);
    Ok(qingfeng_office::template("人员", Some("人员信息导入表"), &cols)?)
}

/// One person as a sheet row; the 身份证号 masked unless `whole_id`.
fn person_row(p: &Person, in_charge_codes: &str, whole_id: bool) -> Vec<CellValue> {
    let label = |key: &str, f: fn(&str) -> Option<&'static str>| f(key).unwrap_or("").to_string();
    let roles: Vec<ResponsibilityRole> = parse_roles(&p.roles.replace(',', "、")).unwrap_or_default();
    vec![
        p.id.into(),
        (&p.name).into(),
        label(&p.gender, |k| Gender::from_key(k).map(Gender::label)).into(),
        (&p.unit_code).into(),
        (&p.unit_name).into(),
        (&p.title).into(),
        rank_shown(p).into(),
        label(&p.political_status, |k| PoliticalStatus::from_key(k).map(PoliticalStatus::label)).into(),
        roles_to_labels(&roles).into(),
        label(&p.status, |k| PersonStatus::from_key(k).map(PersonStatus::label)).into(),
        p.birth_date.into(),
        p.party_join_date.into(),
        yes_no_value(p.exercises_public_power).into(),
        yes_no_value(p.in_supervision_scope).into(),
        p.supervision_override.map(yes_no_value).into(),
        (&p.supervision_override_reason).into(),
        in_charge_codes.into(),
        p.id_number
            .as_deref()
            .map(|n| if whole_id { n.to_string() } else { qingfeng_domain::id_number::mask(n) })
            .into(),
        p.party_branch_name.as_deref().unwrap_or("").into(),
    ]
}

/// Exports the people matching the filter, within scope; 身份证号 whole only with `whole_ids`
/// (those who manage people), masked otherwise. A masked number imports back as unchanged.
pub async fn people_export(
    db: &Db,
    scope: &Scope,
    filter: &PersonFilter,
    whole_ids: bool,
) -> Result<Vec<u8>, crate::http::ApiError> {
    let list = people::list_all(db, scope, filter).await?;
    let codes = in_charge_codes(db).await?;
    let rows: Vec<Vec<CellValue>> =
        list.iter().map(|p| person_row(p, codes.get(&p.id).map(String::as_str).unwrap_or(""), whole_ids)).collect();
    let cols = people_columns(unit_names(db, scope).await?, rank_choices(db).await?, branch_names(db, scope).await?);
    let label =
        |key: &Option<String>, f: fn(&str) -> Option<&'static str>| key.as_deref().and_then(f).map(str::to_string);
    let heading = Heading::load(db, scope, "人员信息表")
        .await?
        .unit(filter.unit_id, filter.include_sub)
        .filter("人员状态", label(&filter.status, |k| PersonStatus::from_key(k).map(PersonStatus::label)))
        .filter("职级", label(&filter.rank, |k| Rank::from_key(k).map(Rank::label)).or(filter.rank.clone()))
        .filter("监督对象", filter.in_supervision_scope.map(|b| yes_no_value(b).to_string()))
        .filter("关键词", filter.q.clone());
    Ok(heading.table("人员", &cols, &rows).write()?)
}

/// person id → "code1、code2" of the units they are in charge of.
async fn in_charge_codes(db: &Db) -> StoreResult<HashMap<i64, String>> {
    let rows = people::in_charge_unit_codes(db).await?;
    let mut out: HashMap<i64, String> = HashMap::new();
    for (pid, code) in rows {
        let e = out.entry(pid).or_default();
        if !e.is_empty() {
            e.push('、');
        }
        e.push_str(&code);
    }
    Ok(out)
}

/// Lookup of units for resolving rows: by code, and by name when the name is unique.
struct UnitIndex {
    by_code: HashMap<String, Unit>,
    by_name: HashMap<String, Vec<Unit>>,
}

impl UnitIndex {
    async fn load(db: &Db) -> StoreResult<Self> {
        let all = units::all(db, &Scope::all()).await?;
        let mut by_name: HashMap<String, Vec<Unit>> = HashMap::new();
        for u in &all {
            by_name.entry(u.name.clone()).or_default().push(u.clone());
        }
        Ok(UnitIndex { by_code: all.into_iter().map(|u| (u.code.clone(), u)).collect(), by_name })
    }

    fn resolve(&self, code: &str, name: &str) -> Result<&Unit, String> {
        if !code.is_empty() {
            return self.by_code.get(code).ok_or_else(|| format!("单位编码“{code}”不存在"));
        }
        match self.by_name.get(name).map(Vec::as_slice) {
            _ if name.is_empty() => Err("所在单位不能为空".into()),
            Some([u]) => Ok(u),
            Some(_) => Err(format!("单位名称“{name}”不唯一，请填写单位编码")),
            None => Err(format!("单位“{name}”不存在")),
        }
    }
}

fn parse_yes_no(v: &str) -> Option<bool> {
    match v {
        YES => Some(true),
        NO => Some(false),
        _ => None,
    }
}

/// Validates every row; with `commit`, writes the valid ones in one transaction.
pub async fn people_import(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    bytes: &[u8],
    commit: bool,
) -> Result<ImportReport, crate::http::ApiError> {
    let table = read_upload(bytes, people_columns(vec![], rank_choices(db).await?, vec![])).await?;
    let ranks = qingfeng_store::dicts::rank_names(db).await?;
    let numbers = id_numbers(db, &table).await?;
    let keys: Vec<RowKey> = table
        .rows
        .iter()
        .zip(&numbers)
        .map(|(r, n)| RowKey::new(r.row_number, &r.cells[P_ID], &r.cells[P_NAME], &r.cells[P_BIRTH], n))
        .collect();
    let duplicates = Duplicates::load(db, &keys).await?;
    let branches = BranchIndex::load(db, scope).await?;
    let ctx = PersonImport { db, scope, index: UnitIndex::load(db).await?, table: &table, ranks, duplicates, branches };
    let mut report = ImportReport::default();
    report.warn_unknown_columns(&table);
    for e in &table.errors {
        report.errors.push(RowError { row: e.row, column: e.column.clone(), message: e.message.clone() });
    }
    let mut seen_ids: HashMap<i64, usize> = HashMap::new();
    let mut valid_rows: Vec<PersonWrite> = Vec::new();
    for ((row, number), key) in table.rows.iter().zip(numbers).zip(&keys) {
        let (valid, errs) = ctx.check_row(row, number, key, &mut seen_ids).await?;
        qingfeng_store::progress::tick(1);
        valid_rows.extend(valid);
        report.errors.extend(errs);
    }
    report.errors.sort_by_key(|e| e.row);
    report.valid = valid_rows.len();
    if commit && !valid_rows.is_empty() {
        let written = imports::people(db, actor, &valid_rows, report.errors.len()).await?;
        report.record(written);
    }
    Ok(report)
}

/// The 身份证号 each row stores: its cell, except on a row updating a person (系统编号) when the
/// file has no 身份证号 column (an older template) or shows that person's number masked (an
/// export by someone who does not manage people): then the person keeps theirs.
async fn id_numbers(db: &Db, table: &ReadTable) -> StoreResult<Vec<String>> {
    let absent = table.absent_columns.iter().any(|c| c == H_ID_NUMBER);
    let mut out = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let cell = &row.cells[P_ID_NUMBER];
        let kept = match row.cells[P_ID].parse::<i64>() {
            Ok(id) if absent || cell.contains('*') => match people::get(db, &Scope::all(), id).await {
                Ok(p) => p.id_number.filter(|n| absent || qingfeng_domain::id_number::mask(n) == *cell),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e),
            },
            _ => None,
        };
        out.push(kept.unwrap_or_else(|| cell.clone()));
    }
    Ok(out)
}

fn push(errs: &mut Vec<RowError>, row: usize, column: &str, message: String) {
    errs.push(RowError { row, column: column.into(), message });
}

/// What a people import checks its rows against.
struct PersonImport<'a> {
    db: &'a Db,
    scope: &'a Scope,
    index: UnitIndex,
    table: &'a ReadTable,
    /// the 职级 dictionary
    ranks: Vec<qingfeng_domain::org::RankName>,
    duplicates: Duplicates,
    branches: BranchIndex,
}

/// The party branches a sheet names: every branch by name, and those inside the scope.
struct BranchIndex {
    by_name: HashMap<String, i64>,
    in_scope: Vec<i64>,
}

impl BranchIndex {
    async fn load(db: &Db, scope: &Scope) -> StoreResult<Self> {
        let in_scope = branches::list(db, scope).await?.into_iter().map(|b| b.id).collect();
        Ok(BranchIndex { by_name: branches::ids_by_name(db).await?, in_scope })
    }
}

/// The names of the branches inside the scope, for the drop-down of 所在党支部.
async fn branch_names(db: &Db, scope: &Scope) -> StoreResult<Vec<String>> {
    Ok(branches::list(db, scope).await?.into_iter().map(|b| b.name).collect())
}

impl PersonImport<'_> {
    /// One row: the person to write when it is valid, and its errors.
    async fn check_row(
        &self,
        row: &ReadRow,
        id_number: String,
        key: &RowKey,
        seen_ids: &mut HashMap<i64, usize>,
    ) -> Result<(Option<PersonWrite>, Vec<RowError>), crate::http::ApiError> {
        let c = &row.cells;
        let mut errs: Vec<RowError> = Vec::new();
        let id = self.check_id(row, seen_ids, &mut errs).await?;
        for (column, message) in self.duplicates.check(key, self.scope) {
            push(&mut errs, row.row_number, column, message);
        }
        let unit = self.check_unit(row, &mut errs);
        let in_charge = self.check_in_charge(row, id, &mut errs).await?;
        let seat = self.check_branch(row, id, &mut errs).await?;
        let override_flag = if c[P_OVERRIDE].is_empty() { None } else { parse_yes_no(&c[P_OVERRIDE]) };
        let fields = PersonFields {
            name: c[P_NAME].clone(),
            gender: c[P_GENDER].clone(),
            unit_id: unit.map(|u| u.id),
            title: c[P_TITLE].clone(),
            rank: c[P_RANK].clone(),
            rank_name: String::new(),
            political_status: c[P_POLITICAL].clone(),
            roles: vec![c[P_ROLES].clone()],
            status: c[P_STATUS].clone(),
            birth_date: c[P_BIRTH].clone(),
            party_join_date: c[P_PARTY].clone(),
            id_number,
            exercises_public_power: parse_yes_no(&c[P_POWER]).unwrap_or(false),
            supervision_override: override_flag,
            supervision_override_reason: c[P_REASON].clone(),
            in_charge_of: Some(in_charge.clone()),
            party_branch_id: seat.and_then(|s| s.branch),
            branch_post: String::new(),
        };
        let draft = match fields.validate_with(&self.ranks) {
            Ok(d) => Some(d),
            Err(fe) => {
                for f in fe.0 {
                    let column = person_field_column(&f.field);
                    // the unit was already reported when it could not be resolved, and a cell the
                    // reader already rejected (a date it could not parse) is reported once
                    let reported = (f.field == "unit_id" && unit.is_none())
                        || self.table.errors.iter().any(|e| e.row == row.row_number && e.column == column);
                    if !reported {
                        push(&mut errs, row.row_number, column, f.message);
                    }
                }
                None
            }
        };
        if let Some(d) = &draft {
            if !in_charge.is_empty() && !d.may_be_in_charge() {
                push(&mut errs, row.row_number, "分管单位编码", "只有主要负责人或班子成员可以分管单位".into());
            }
        }
        let cell_errors = self.table.errors.iter().any(|e| e.row == row.row_number);
        let valid = (errs.is_empty() && !cell_errors).then(|| PersonWrite {
            id,
            draft: draft.expect("valid"),
            in_charge,
            seat,
        });
        Ok((valid, errs))
    }

    /// The 所在党支部 by name (empty: none): a branch that exists, inside the scope unless the
    /// person already belongs to it; committee posts stay as they are. None when the file has
    /// no such column (the person's branch stays).
    async fn check_branch(
        &self,
        row: &ReadRow,
        id: Option<i64>,
        errs: &mut Vec<RowError>,
    ) -> Result<Option<Seat>, crate::http::ApiError> {
        if self.table.absent_columns.iter().any(|c| c == H_BRANCH) {
            return Ok(None);
        }
        let name = row.cells[P_BRANCH].trim();
        if name.is_empty() {
            return Ok(Some(Seat { branch: None, post: None }));
        }
        let Some(&branch) = self.branches.by_name.get(name) else {
            push(errs, row.row_number, H_BRANCH, format!("党支部“{name}”不存在"));
            return Ok(None);
        };
        let current = match id {
            Some(id) => people::get(self.db, &Scope::all(), id).await.ok().and_then(|p| p.party_branch_id),
            None => None,
        };
        if current != Some(branch) && !self.branches.in_scope.contains(&branch) {
            push(errs, row.row_number, H_BRANCH, format!("党支部“{name}”不在您的数据范围内"));
            return Ok(None);
        }
        Ok(Some(Seat { branch: Some(branch), post: None }))
    }

    /// The 系统编号 of an existing person: not repeated, and a person in scope.
    async fn check_id(
        &self,
        row: &ReadRow,
        seen_ids: &mut HashMap<i64, usize>,
        errs: &mut Vec<RowError>,
    ) -> Result<Option<i64>, crate::http::ApiError> {
        let Ok(id) = row.cells[P_ID].parse::<i64>() else { return Ok(None) };
        if let Some(first) = seen_ids.insert(id, row.row_number) {
            push(errs, row.row_number, "系统编号", format!("系统编号 {id} 与第{first}行重复"));
        } else {
            match people::get(self.db, self.scope, id).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => {
                    let message = format!("系统编号 {id} 的人员不存在或不在您的数据范围内，新增人员请留空");
                    push(errs, row.row_number, "系统编号", message)
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Some(id))
    }

    /// The 所在单位, by code or name: it exists and is in scope.
    fn check_unit(&self, row: &ReadRow, errs: &mut Vec<RowError>) -> Option<&Unit> {
        let c = &row.cells;
        match self.index.resolve(&c[P_UNIT_CODE], &c[P_UNIT_NAME]) {
            Ok(u) if self.scope.covers_unit(u.id, &u.path) => Some(u),
            Ok(u) => {
                push(errs, row.row_number, "所在单位", format!("单位“{}”不在您的数据范围内", u.name));
                None
            }
            Err(m) => {
                push(errs, row.row_number, if c[P_UNIT_CODE].is_empty() { "所在单位" } else { "单位编码" }, m);
                None
            }
        }
    }

    /// The 分管 units by code. One outside the operator's scope may stay (the person already
    /// has it) but not be added: otherwise an account with the 分管 scope would see beyond the
    /// operator's.
    async fn check_in_charge(
        &self,
        row: &ReadRow,
        id: Option<i64>,
        errs: &mut Vec<RowError>,
    ) -> Result<Vec<i64>, crate::http::ApiError> {
        let current_in_charge = match id {
            Some(id) => people::in_charge_of(self.db, id).await?,
            None => Vec::new(),
        };
        let mut in_charge = Vec::new();
        for code in row.cells[P_IN_CHARGE].split(['、', ',', '，', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
            match self.index.by_code.get(code) {
                Some(u) if self.scope.covers_unit(u.id, &u.path) || current_in_charge.contains(&u.id) => {
                    in_charge.push(u.id)
                }
                Some(u) => {
                    push(errs, row.row_number, "分管单位编码", format!("分管单位“{}”不在您的数据范围内", u.name))
                }
                None => push(errs, row.row_number, "分管单位编码", format!("单位编码“{code}”不存在")),
            }
        }
        Ok(in_charge)
    }
}
