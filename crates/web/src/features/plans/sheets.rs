//! 任务分解表 in Excel: the template, the export of a plan's task tree, and the validate-then-
//! commit import into a plan.
//!
//! The sheet is the one offices keep: 序号 (1, 1.1, 1.1.2 — the hierarchy), 工作任务, 牵头单位,
//! 责任人, 配合单位, 完成时限, 同部署业务工作, 进展情况 and 状态. The last two are written for
//! reading and ignored on import (progress is reported in the system, the state is derived).
//!
//! On import a row whose 序号 is already a task of the plan updates that task; other rows create
//! tasks. Every row is checked, and the whole resulting tree is checked (a parent for every row, no
//! sub-task ending after its parent), before anything is written; with `commit` the valid rows are
//! written parents first in one transaction. Export → import gives back the same tree.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use qingfeng_domain::plans::{deadline_within_parent, format_number, parse_number, TaskDraft, TaskFields};
use qingfeng_office::{CellValue, Column, ReadRow, ReadTable};
use qingfeng_store::imports::{self, ParentRef, TaskWrite};
use qingfeng_store::org::Unit;
use qingfeng_store::plans::{self, can_deploy_under, can_edit, Task, WorkPlan};
use qingfeng_store::{Actor, Db, Scope};

use crate::http::ApiError;
use crate::sheets::heading::Heading;
use crate::sheets::names::{people_named, UnitIndex};
use crate::sheets::{read_upload, ImportReport, RowError};

const C_NUMBER: usize = 0;
const C_TITLE: usize = 1;
const C_LEAD: usize = 2;
const C_PERSON: usize = 3;
const C_SUPPORT: usize = 4;
const C_DEADLINE: usize = 5;
const C_BUSINESS: usize = 6;

const H_NUMBER: &str = "序号";
const H_TITLE: &str = "工作任务";
const H_LEAD: &str = "牵头单位";
const H_PERSON: &str = "责任人";
const H_SUPPORT: &str = "配合单位";
const H_DEADLINE: &str = "完成时限";
const H_BUSINESS: &str = "同部署业务工作";

/// The columns of the 任务分解表, in order.
pub fn task_columns() -> Vec<Column> {
    vec![
        Column::text(H_NUMBER, 8.0).required(),
        Column::text(H_TITLE, 48.0).required(),
        Column::text(H_LEAD, 18.0).required(),
        Column::text(H_PERSON, 10.0),
        Column::text(H_SUPPORT, 24.0),
        Column::date(H_DEADLINE, 13.0).required(),
        Column::text(H_BUSINESS, 24.0),
        Column::text("进展情况", 36.0),
        Column::text("状态", 8.0),
    ]
}

/// Field of TaskFields → column header, for validation errors.
fn field_column(field: &str) -> &'static str {
    match field {
        "title" => H_TITLE,
        "lead_unit_id" => H_LEAD,
        "lead_person_id" => H_PERSON,
        "support_unit_ids" => H_SUPPORT,
        "deadline" => H_DEADLINE,
        "business_work" => H_BUSINESS,
        _ => H_NUMBER,
    }
}

pub fn tasks_template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template("任务分解表", Some("任务分解表"), &task_columns())?)
}

/// The exported columns: 工作项目 (the first-level task a row belongs to, merged over the rows
/// of its tasks; not read back) and the 任务分解表's columns.
fn export_columns() -> Vec<Column> {
    let mut columns = vec![Column::text("工作项目", 16.0)];
    columns.extend(task_columns());
    columns
}

/// The first-level task (work item) of a task number: "1.2.3" → "1".
fn work_item(number: &str) -> &str {
    number.split('.').next().unwrap_or(number)
}

/// Exports the tasks of a plan the scope sees, numbered within the whole plan; each work
/// item's cell spans the rows of its tasks.
pub async fn tasks_export(db: &Db, scope: &Scope, plan: &WorkPlan) -> Result<Vec<u8>, ApiError> {
    let tasks = plans::plan_tasks(db, scope, plan.id).await?;
    let index = UnitIndex::load(db).await?;
    let item_title = |number: &str| {
        let item = work_item(number);
        tasks.iter().find(|t| t.number == item).map_or_else(|| item.to_string(), |t| format!("{item}　{}", t.title))
    };
    let rows: Vec<Vec<CellValue>> = tasks
        .iter()
        .map(|t| {
            let support: Vec<String> = t.support_units.iter().map(|u| index.label(u.id, &u.name)).collect();
            vec![
                item_title(&t.number).into(),
                (&t.number).into(),
                (&t.title).into(),
                index.label(t.lead_unit_id, &t.lead_unit_name).into(),
                t.lead_person_name.clone().into(),
                support.join("、").into(),
                t.deadline.into(),
                (&t.business_work).into(),
                t.latest_update.clone().into(),
                (&t.state_label).into(),
            ]
        })
        .collect();
    let heading = Heading::load(db, scope, &format!("{}年度党风廉政建设任务分解表", plan.year))
        .await?
        .unit(Some(plan.unit_id), false)
        .filter("工作要点", Some(plan.title.clone()));
    let columns = export_columns();
    let mut table = heading.table("任务分解表", &columns, &rows);
    let mut first = 0;
    for (i, t) in tasks.iter().enumerate() {
        let next = tasks.get(i + 1).map(|n| work_item(&n.number));
        if next != Some(work_item(&t.number)) {
            table = table.span(first, i + 1 - first, 0);
            first = i + 1;
        }
    }
    Ok(table.write()?)
}

/// One checked row of the sheet.
struct Row {
    row: usize,
    number: Vec<u32>,
    key: String,
    /// The task of the plan with this number, when the row updates it.
    existing: Option<i64>,
    title: String,
    lead_unit_id: i64,
    lead_person_id: Option<i64>,
    support_unit_ids: Vec<i64>,
    deadline: NaiveDate,
    business_work: String,
}

fn parent_key(number: &[u32]) -> Option<String> {
    (number.len() > 1).then(|| format_number(&number[..number.len() - 1]))
}

/// Validates every row; with `commit`, writes the valid ones parents first in one transaction.
pub async fn tasks_import(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    plan: &WorkPlan,
    bytes: &[u8],
    commit: bool,
) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, task_columns()).await?;
    let mut names: Vec<String> =
        table.rows.iter().map(|r| r.cells[C_PERSON].clone()).filter(|n| !n.is_empty()).collect();
    names.sort();
    names.dedup();
    let existing = plans::plan_tasks(db, &Scope::all(), plan.id).await?;
    let ctx = TaskImport {
        scope,
        plan,
        index: UnitIndex::load(db).await?,
        by_number: existing.iter().enumerate().map(|(i, t)| (t.number.clone(), i)).collect(),
        existing,
        people: people_named(db, &names).await?,
        plan_in_scope: scope.covers_unit(plan.unit_id, &plan.unit_path),
    };
    let mut report = ImportReport::default();
    for e in &table.errors {
        report.errors.push(RowError { row: e.row, column: e.column.clone(), message: e.message.clone() });
    }
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<Row> = Vec::new();
    for r in &table.rows {
        let (row, errs) = ctx.check_row(&table, r, &mut first_row);
        rows.extend(row);
        report.errors.extend(errs);
    }
    let valid = ctx.check_tree(&rows, &first_row, &mut report);
    report.errors.sort_by_key(|e| e.row);
    let to_write: Vec<&Row> = rows.iter().zip(valid).filter(|(_, v)| *v).map(|(r, _)| r).collect();
    report.valid = to_write.len();
    if commit && !to_write.is_empty() {
        ctx.write(db, actor, to_write, &mut report).await?;
    }
    Ok(report)
}

/// What an import into one plan checks its rows against.
struct TaskImport<'a> {
    scope: &'a Scope,
    plan: &'a WorkPlan,
    index: UnitIndex,
    /// the plan's tasks before the import
    existing: Vec<Task>,
    /// where each number is in `existing`
    by_number: HashMap<String, usize>,
    /// the people the sheet names, by name
    people: HashMap<String, Vec<(i64, String)>>,
    plan_in_scope: bool,
}

fn push(errs: &mut Vec<RowError>, row: usize, column: &str, message: String) {
    errs.push(RowError { row, column: column.into(), message });
}

impl TaskImport<'_> {
    /// The plan's task with this number.
    fn numbered(&self, key: &str) -> Option<&Task> {
        self.by_number.get(key).map(|&i| &self.existing[i])
    }

    /// One row on its own: its number, units, person and fields. Returns the row when it is valid.
    fn check_row(
        &self,
        table: &ReadTable,
        r: &ReadRow,
        first_row: &mut HashMap<String, usize>,
    ) -> (Option<Row>, Vec<RowError>) {
        let c = &r.cells;
        let mut errs: Vec<RowError> = Vec::new();
        let (number, key) = self.check_number(r, first_row, &mut errs);
        let current = self.numbered(&key);
        // units named on the row: they exist, and those not already on the task are in scope
        let named_before: HashSet<i64> =
            current.map(|t| t.support_units.iter().map(|u| u.id).chain([t.lead_unit_id]).collect()).unwrap_or_default();
        let (lead, support) = self.check_units(r, &named_before, &mut errs);
        let lead_person_id = self.check_person(r, lead, &mut errs);
        let fields = TaskFields {
            plan_id: Some(self.plan.id),
            parent_id: None,
            title: c[C_TITLE].clone(),
            lead_unit_id: lead.map(|u| u.id),
            lead_person_id,
            support_unit_ids: support,
            deadline: c[C_DEADLINE].clone(),
            business_work: c[C_BUSINESS].clone(),
            sort_order: i64::from(number.as_ref().and_then(|n| n.last().copied()).unwrap_or(0)),
        };
        let draft = match fields.validate() {
            Ok(d) => Some(d),
            Err(fe) => {
                for f in fe.0 {
                    let column = field_column(&f.field);
                    // a unit that could not be resolved, or a cell the reader already rejected, is reported once
                    let reported = (f.field == "lead_unit_id" && !c[C_LEAD].is_empty())
                        || table.errors.iter().any(|e| e.row == r.row_number && e.column == column);
                    if !reported {
                        push(&mut errs, r.row_number, column, f.message);
                    }
                }
                None
            }
        };
        let cell_errors = table.errors.iter().any(|e| e.row == r.row_number);
        let row = match (number, draft) {
            (Some(number), Some(d)) if errs.is_empty() && !cell_errors => Some(Row {
                row: r.row_number,
                number,
                key,
                existing: current.map(|t| t.id),
                title: d.title,
                lead_unit_id: d.lead_unit_id,
                lead_person_id: d.lead_person_id,
                support_unit_ids: d.support_unit_ids,
                deadline: d.deadline,
                business_work: d.business_work,
            }),
            _ => None,
        };
        (row, errs)
    }

    /// The 序号: well formed, not repeated, and a task the importer may change or create.
    fn check_number(
        &self,
        r: &ReadRow,
        first_row: &mut HashMap<String, usize>,
        errs: &mut Vec<RowError>,
    ) -> (Option<Vec<u32>>, String) {
        let cell = &r.cells[C_NUMBER];
        let number = parse_number(cell);
        let key = number.as_deref().map(format_number).unwrap_or_default();
        match &number {
            None if !cell.is_empty() => {
                push(errs, r.row_number, H_NUMBER, format!("序号“{cell}”格式不对，应为 1、1.1、1.1.2 这样的数字"))
            }
            None => {}
            Some(_) => {
                if let Some(first) = first_row.insert(key.clone(), r.row_number) {
                    push(errs, r.row_number, H_NUMBER, format!("序号 {key} 与第{first}行重复"));
                }
            }
        }
        if let Some(t) = self.numbered(&key) {
            if !can_edit(self.scope, t) {
                let message = format!("本要点序号 {key} 的任务“{}”由其他单位部署，您不能修改", t.title);
                push(errs, r.row_number, H_NUMBER, message);
            }
        } else if number.as_ref().is_some_and(|n| n.len() == 1) && !self.plan_in_scope {
            let message = format!("只有工作要点的部署单位（{}）可以新增一级任务", self.plan.unit_name);
            push(errs, r.row_number, H_NUMBER, message);
        }
        (number, key)
    }

    /// The lead and support units: they exist, and those new to the task are in scope.
    fn check_units(
        &self,
        r: &ReadRow,
        named_before: &HashSet<i64>,
        errs: &mut Vec<RowError>,
    ) -> (Option<&Unit>, Vec<i64>) {
        let c = &r.cells;
        let in_scope = |u: &Unit| named_before.contains(&u.id) || self.scope.covers_unit(u.id, &u.path);
        let lead = match self.index.resolve(&c[C_LEAD]) {
            _ if c[C_LEAD].is_empty() => None,
            Ok(u) if in_scope(u) => Some(u),
            Ok(u) => {
                push(errs, r.row_number, H_LEAD, format!("牵头单位“{}”不在您的数据范围内", u.name));
                None
            }
            Err(m) => {
                push(errs, r.row_number, H_LEAD, m);
                None
            }
        };
        let mut support = Vec::new();
        for name in c[C_SUPPORT].split(['、', ',', '，', ';', '；', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
            match self.index.resolve(name) {
                Ok(u) if in_scope(u) => support.push(u.id),
                Ok(u) => push(errs, r.row_number, H_SUPPORT, format!("配合单位“{}”不在您的数据范围内", u.name)),
                Err(m) => push(errs, r.row_number, H_SUPPORT, m),
            }
        }
        (lead, support)
    }

    /// The 责任人 by name; of several people of that name, the one in the lead unit or below it.
    fn check_person(&self, r: &ReadRow, lead: Option<&Unit>, errs: &mut Vec<RowError>) -> Option<i64> {
        let person = r.cells[C_PERSON].as_str();
        if person.is_empty() {
            return None;
        }
        let candidates = self.people.get(person).map(Vec::as_slice).unwrap_or_default();
        let in_lead: Vec<i64> = match lead {
            Some(u) => candidates.iter().filter(|(_, path)| path.starts_with(&u.path)).map(|(id, _)| *id).collect(),
            None => vec![],
        };
        match (candidates, in_lead.as_slice()) {
            ([], _) => {
                push(errs, r.row_number, H_PERSON, format!("人员“{person}”不存在"));
                None
            }
            ([(id, _)], _) => Some(*id),
            (_, [id]) => Some(*id),
            _ => {
                let message = format!("人员“{person}”有重名，且不能按牵头单位确定是哪一位，请在系统中修改");
                push(errs, r.row_number, H_PERSON, message);
                None
            }
        }
    }

    /// The tree after the import: the plan's tasks overlaid with the valid rows, checked until no
    /// row is rejected any more (rejecting a row can strand the rows below it). Returns which
    /// rows stay valid.
    fn check_tree(&self, rows: &[Row], row_no: &HashMap<String, usize>, report: &mut ImportReport) -> Vec<bool> {
        let mut valid: Vec<bool> = vec![true; rows.len()];
        loop {
            let overlay: HashMap<&str, usize> =
                rows.iter().enumerate().filter(|(i, _)| valid[*i]).map(|(i, r)| (r.key.as_str(), i)).collect();
            let mut rejected: Vec<(usize, RowError)> = Vec::new();
            for (i, r) in rows.iter().enumerate().filter(|(i, _)| valid[*i]) {
                let mut errs = Vec::new();
                self.check_parent(rows, &overlay, row_no, r, &mut errs);
                self.check_children(&overlay, r, &mut errs);
                rejected.extend(errs.into_iter().map(|e| (i, e)));
            }
            if rejected.is_empty() {
                return valid;
            }
            for (i, e) in rejected {
                valid[i] = false;
                report.errors.push(e);
            }
        }
    }

    /// The row's parent: in the file or the plan, deployable under, and not ending before it.
    fn check_parent(
        &self,
        rows: &[Row],
        overlay: &HashMap<&str, usize>,
        row_no: &HashMap<String, usize>,
        r: &Row,
        errs: &mut Vec<RowError>,
    ) {
        let Some(pk) = parent_key(&r.number) else { return };
        let deadline_of = |key: &str| -> Option<NaiveDate> {
            match overlay.get(key) {
                Some(i) => Some(rows[*i].deadline),
                None => self.numbered(key).map(|t| t.deadline),
            }
        };
        let Some(pd) = deadline_of(&pk) else {
            let message = match row_no.get(&pk) {
                Some(n) => format!("上级任务（序号 {pk}，第{n}行）有错误，本行无法导入"),
                None => format!("上级任务（序号 {pk}）不存在，请先填写序号为 {pk} 的行"),
            };
            return push(errs, r.row, H_NUMBER, message);
        };
        if r.existing.is_none() && !overlay.contains_key(pk.as_str()) {
            if let Some(parent) = self.numbered(&pk) {
                if !can_deploy_under(self.scope, parent) {
                    let message = format!("上级任务（序号 {pk}）的牵头单位不在您的数据范围内，不能在其下分解任务");
                    push(errs, r.row, H_NUMBER, message);
                }
            }
        }
        if !deadline_within_parent(r.deadline, pd) {
            let message = format!("完成时限不能晚于上级任务（序号 {pk}）的完成时限（{pd}）");
            push(errs, r.row, H_DEADLINE, message);
        }
    }

    /// Sub-tasks of the plan that the file leaves as they are may not end after this row.
    fn check_children(&self, overlay: &HashMap<&str, usize>, r: &Row, errs: &mut Vec<RowError>) {
        if r.existing.is_none() {
            return;
        }
        let prefix = format!("{}.", r.key);
        let late = self.existing.iter().find(|t| {
            t.number.starts_with(&prefix)
                && t.number[prefix.len()..].split('.').count() == 1
                && !overlay.contains_key(t.number.as_str())
                && !deadline_within_parent(t.deadline, r.deadline)
        });
        if let Some(t) = late {
            let message = format!("完成时限不能早于下级任务（序号 {}）的完成时限（{}）", t.number, t.deadline);
            push(errs, r.row, H_DEADLINE, message);
        }
    }

    /// Writes the valid rows, parents first, in one transaction.
    async fn write(
        &self,
        db: &Db,
        actor: &Actor,
        to_write: Vec<&Row>,
        report: &mut ImportReport,
    ) -> Result<(), ApiError> {
        let writes = self.task_writes(to_write);
        report.record(imports::tasks(db, actor, self.plan.id, &writes, report.errors.len()).await?);
        Ok(())
    }

    /// The rows as the store writes them: parents first, each with its parent and place.
    fn task_writes(&self, mut to_write: Vec<&Row>) -> Vec<TaskWrite> {
        let (plan, existing) = (self.plan, &self.existing);
        // parents first, siblings in number order
        to_write.sort_by(|a, b| a.number.len().cmp(&b.number.len()).then_with(|| a.number.cmp(&b.number)));
        let mut last_sort: BTreeMap<Option<i64>, i64> = BTreeMap::new();
        for t in existing {
            let e = last_sort.entry(t.parent_id).or_insert(0);
            *e = (*e).max(t.sort_order);
        }
        let id_of: HashMap<&str, i64> = existing.iter().map(|t| (t.number.as_str(), t.id)).collect();
        let mut writes = Vec::with_capacity(to_write.len());
        for r in to_write {
            let parent = match parent_key(&r.number) {
                None => ParentRef::Root,
                Some(pk) => id_of.get(pk.as_str()).map_or(ParentRef::New(pk), |id| ParentRef::Existing(*id)),
            };
            let component = i64::from(*r.number.last().expect("a number has parts"));
            let sort_order = match r.existing {
                Some(id) => existing.iter().find(|t| t.id == id).map_or(component, |t| t.sort_order),
                // existing siblings keep their order; new rows go after them
                None => {
                    let siblings_last = match &parent {
                        ParentRef::Root => last_sort.get(&None),
                        ParentRef::Existing(id) => last_sort.get(&Some(*id)),
                        ParentRef::New(_) => None,
                    };
                    component.max(siblings_last.map_or(0, |s| s + 1))
                }
            };
            let draft = TaskDraft {
                plan_id: plan.id,
                parent_id: None,
                title: r.title.clone(),
                lead_unit_id: r.lead_unit_id,
                lead_person_id: r.lead_person_id,
                support_unit_ids: r.support_unit_ids.clone(),
                deadline: r.deadline,
                business_work: r.business_work.clone(),
                sort_order,
            };
            writes.push(TaskWrite { id: r.existing, key: r.key.clone(), parent, draft });
        }
        writes
    }
}
