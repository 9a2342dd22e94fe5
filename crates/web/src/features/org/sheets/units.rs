//! Units in Excel: the 单位信息 sheet (parents by code, checked for cycles).

use std::collections::HashMap;

use qingfeng_domain::dict::UnitKind;
use qingfeng_domain::org::{UnitDraft, UnitFields};
use qingfeng_domain::FieldErrors;
use qingfeng_office::{CellValue, Column, ReadRow};
use qingfeng_store::imports::{self, ParentRef, UnitWrite};
use qingfeng_store::org::{units, Unit};
use qingfeng_store::{Actor, Db, Scope};

use crate::sheets::heading::Heading;
use crate::sheets::{read_upload, ImportReport, RowError};

pub fn unit_columns() -> Vec<Column> {
    vec![
        Column::text("单位编码", 16.0).required(),
        Column::text("单位名称", 28.0).required(),
        Column::text("单位类型", 12.0).choices(UnitKind::labels()).required(),
        Column::text("上级单位编码", 16.0),
        Column::integer("排序号", 8.0),
    ]
}

pub fn units_template() -> Result<Vec<u8>, crate::http::ApiError> {
    Ok(qingfeng_office::template("单位", Some("单位信息导入表"), &unit_columns())?)
}

pub async fn units_export(db: &Db, scope: &Scope) -> Result<Vec<u8>, crate::http::ApiError> {
    let all = units::all(db, &Scope::all()).await?;
    let code_of: HashMap<i64, String> = all.iter().map(|u| (u.id, u.code.clone())).collect();
    let rows: Vec<Vec<CellValue>> = all
        .iter()
        .filter(|u| scope.covers_unit(u.id, &u.path))
        .map(|u| {
            vec![
                (&u.code).into(),
                (&u.name).into(),
                UnitKind::from_key(&u.kind).map(UnitKind::label).unwrap_or("").into(),
                u.parent_id.and_then(|p| code_of.get(&p).cloned()).into(),
                u.sort_order.into(),
            ]
        })
        .collect();
    let columns = unit_columns();
    Ok(Heading::load(db, scope, "单位信息表").await?.table("单位", &columns, &rows).write()?)
}

fn unit_field_column(field: &str) -> &'static str {
    match field {
        "code" => "单位编码",
        "name" => "单位名称",
        "kind" => "单位类型",
        "sort_order" => "排序号",
        _ => "上级单位编码",
    }
}

struct UnitRow {
    row: usize,
    code: String,
    parent_code: Option<String>,
    fields: UnitFields,
}

/// Validates every unit row (codes, parents in the database or the file, no cycles, scope);
/// with `commit`, writes the valid ones parents-first in one transaction.
pub async fn units_import(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    bytes: &[u8],
    commit: bool,
) -> Result<ImportReport, crate::http::ApiError> {
    let table = read_upload(bytes, unit_columns()).await?;
    let existing = units::all(db, &Scope::all()).await?;
    let by_code: HashMap<String, &Unit> = existing.iter().map(|u| (u.code.clone(), u)).collect();
    let by_id: HashMap<i64, &Unit> = existing.iter().map(|u| (u.id, u)).collect();
    let mut report = ImportReport::default();
    for e in &table.errors {
        report.errors.push(RowError { row: e.row, column: e.column.clone(), message: e.message.clone() });
    }
    // parent links as they will be after the import: database overlaid with the file
    let mut parent_of: HashMap<String, Option<String>> = existing
        .iter()
        .map(|u| (u.code.clone(), u.parent_id.and_then(|p| by_id.get(&p)).map(|p| p.code.clone())))
        .collect();
    let mut rows: Vec<UnitRow> = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for r in &table.rows {
        let row = check_unit_row(scope, &by_code, r, &mut first_row, &mut report);
        parent_of.insert(row.code.clone(), row.parent_code.clone());
        rows.push(row);
    }
    check_unit_parents(&rows, &parent_of, &mut report);
    report.errors.sort_by_key(|e| e.row);
    let valid = valid_unit_rows(&rows, &by_code, &mut report);
    report.valid = valid.len();
    if commit && !valid.is_empty() {
        write_units(db, actor, valid, &parent_of, &by_code, &mut report).await?;
    }
    Ok(report)
}

/// One unit row on its own: code not repeated, valid fields, the unit and its parent in scope.
fn check_unit_row(
    scope: &Scope,
    by_code: &HashMap<String, &Unit>,
    r: &ReadRow,
    first_row: &mut HashMap<String, usize>,
    report: &mut ImportReport,
) -> UnitRow {
    let c = &r.cells;
    let code = qingfeng_domain::text::trim_all(&c[0]).to_string();
    let mut errs = FieldErrors::default();
    if let Some(first) = first_row.insert(code.clone(), r.row_number) {
        errs.push("code", format!("单位编码“{code}”与第{first}行重复"));
    }
    let parent_code = Some(c[3].clone()).filter(|s| !s.is_empty());
    let fields = UnitFields {
        name: c[1].clone(),
        code: code.clone(),
        kind: c[2].clone(),
        parent_id: None,
        sort_order: c[4].parse().unwrap_or(0),
    };
    if let Err(e) = fields.validate() {
        errs.0.extend(e.0);
    }
    // scope: an existing unit must be in scope, and so must the new parent
    if let Some(u) = by_code.get(&code) {
        if !scope.covers_unit(u.id, &u.path) {
            errs.push("code", format!("单位“{}”不在您的数据范围内", u.name));
        }
    }
    match parent_code.as_ref().and_then(|p| by_code.get(p)) {
        Some(p) if !scope.covers_unit(p.id, &p.path) => {
            errs.push("parent_id", format!("上级单位“{}”不在您的数据范围内", p.name))
        }
        None if parent_code.is_none() && !scope.all => {
            errs.push("parent_id", "只有拥有全部数据权限的账号可以新增顶级单位".to_string())
        }
        _ => {}
    }
    for f in errs.0 {
        report.errors.push(RowError {
            row: r.row_number,
            column: unit_field_column(&f.field).into(),
            message: f.message,
        });
    }
    UnitRow { row: r.row_number, code, parent_code, fields }
}

/// Parents must exist (in the database or the file), and the result must have no cycle.
fn check_unit_parents(rows: &[UnitRow], parent_of: &HashMap<String, Option<String>>, report: &mut ImportReport) {
    for r in rows {
        if let Some(p) = &r.parent_code {
            if !parent_of.contains_key(p) {
                report.errors.push(RowError {
                    row: r.row,
                    column: "上级单位编码".into(),
                    message: format!("上级单位编码“{p}”不存在"),
                });
                continue;
            }
        }
        let mut cur = r.parent_code.clone();
        let mut steps = 0;
        while let Some(c) = cur {
            if c == r.code || steps > parent_of.len() {
                report.errors.push(RowError {
                    row: r.row,
                    column: "上级单位编码".into(),
                    message: "上级单位形成循环：单位不能在自己之下".into(),
                });
                break;
            }
            cur = parent_of.get(&c).cloned().flatten();
            steps += 1;
        }
    }
}

/// The rows without errors, less those whose parent is a rejected new row of this file.
fn valid_unit_rows<'r>(
    rows: &'r [UnitRow],
    by_code: &HashMap<String, &Unit>,
    report: &mut ImportReport,
) -> Vec<&'r UnitRow> {
    let bad_rows: std::collections::HashSet<usize> = report.errors.iter().map(|e| e.row).collect();
    let mut valid: Vec<&UnitRow> = rows.iter().filter(|r| !bad_rows.contains(&r.row)).collect();
    // a valid row whose parent is a rejected new row of this file cannot be written either
    let valid_codes: std::collections::HashSet<&str> = valid.iter().map(|r| r.code.as_str()).collect();
    let orphan =
        |r: &&&UnitRow| r.parent_code.as_deref().is_some_and(|p| !by_code.contains_key(p) && !valid_codes.contains(p));
    let orphans: Vec<usize> = valid.iter().filter(orphan).map(|r| r.row).collect();
    for row in &orphans {
        report.errors.push(RowError {
            row: *row,
            column: "上级单位编码".into(),
            message: "上级单位所在行有错误，本行无法导入".into(),
        });
    }
    valid.retain(|r| !orphans.contains(&r.row));
    valid
}

/// Writes the valid units, parents first, in one transaction.
async fn write_units(
    db: &Db,
    actor: &Actor,
    mut valid: Vec<&UnitRow>,
    parent_of: &HashMap<String, Option<String>>,
    by_code: &HashMap<String, &Unit>,
    report: &mut ImportReport,
) -> Result<(), crate::http::ApiError> {
    // parents first: order by depth in the final tree
    let depth = |code: &str| {
        let mut d = 0;
        let mut cur = parent_of.get(code).cloned().flatten();
        while let Some(c) = cur {
            d += 1;
            cur = parent_of.get(&c).cloned().flatten();
        }
        d
    };
    valid.sort_by_key(|r| depth(&r.code));
    let mut writes = Vec::with_capacity(valid.len());
    for r in valid {
        let parent = match &r.parent_code {
            None => ParentRef::Root,
            Some(p) => by_code.get(p).map_or_else(|| ParentRef::New(p.clone()), |u| ParentRef::Existing(u.id)),
        };
        let draft: UnitDraft = r.fields.validate()?;
        writes.push(UnitWrite { id: by_code.get(&r.code).map(|u| u.id), code: r.code.clone(), parent, draft });
    }
    report.record(imports::units(db, actor, &writes, report.errors.len()).await?);
    Ok(())
}
