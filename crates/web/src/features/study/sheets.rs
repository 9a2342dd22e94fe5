//! A session's attendance as a printable sign-in sheet (签到表): one row per person on the
//! list, with the attendance the organiser recorded and an empty column to sign; and the same
//! sheet filled in, imported as the session's attendance (every row checked against who may
//! attend, the errors named by row and column, written only when the valid rows are accepted).

use std::collections::HashMap;

use qingfeng_domain::study::{AbsenceReason, AttendanceRow, AttendanceStatus};
use qingfeng_domain::text::trim_all;
use qingfeng_office::{CellValue, Column};
use qingfeng_store::study::Session;
use qingfeng_store::{imports, Db, Scope};

use super::service::{self, kind_label, RollPerson, SessionDetail};
use crate::auth::Principal;
use crate::http::ApiError;
use crate::sheets::heading::Heading;
use crate::sheets::{read_upload, ImportReport};
use crate::AppState;

const HEADERS: [&str; 8] = ["序号", "姓名", "单位（科室）", "职务", "出席情况", "缺席原因", "补学日期", "本人签名"];

fn columns() -> Vec<Column> {
    vec![
        Column::text(HEADERS[0], 6.0),
        Column::text(HEADERS[1], 10.0),
        Column::text(HEADERS[2], 18.0),
        Column::text(HEADERS[3], 14.0),
        Column::text(HEADERS[4], 9.0),
        Column::text(HEADERS[5], 9.0),
        Column::text(HEADERS[6], 12.0),
        Column::text(HEADERS[7], 14.0),
    ]
}

pub async fn attendance(db: &Db, scope: &Scope, d: &SessionDetail) -> Result<Vec<u8>, ApiError> {
    let s = &d.session;
    let rows: Vec<Vec<CellValue>> = d
        .attendance
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let absent = a.status == "absent";
            vec![
                CellValue::from((n + 1) as i64),
                a.name.clone().into(),
                a.unit_name.clone().into(),
                a.title.clone().into(),
                (if absent { "缺席" } else { "出席" }).to_string().into(),
                AbsenceReason::from_key(&a.reason).map_or("", AbsenceReason::label).to_string().into(),
                a.makeup_date.map(|x| x.to_string()).unwrap_or_default().into(),
                String::new().into(),
            ]
        })
        .collect();
    let list = format!("{}签到表", kind_label(&s.kind, &s.meeting_type));
    let heading = Heading::load(db, scope, &list)
        .await?
        .unit(Some(s.unit_id), false)
        .filter("日期", Some(s.entry_date.to_string()))
        .filter("地点", Some(s.place.clone()))
        .filter("主题", Some(s.topic.clone()))
        .filter("组织者", s.organiser_name.clone());
    let columns = columns();
    Ok(heading.table("签到表", &columns, &rows).print_columns(8).write()?)
}

/// The sign-in sheet as a template to fill in: the same columns, no rows.
pub fn template() -> Result<Vec<u8>, ApiError> {
    Ok(qingfeng_office::template("签到表", Some("签到表（出席情况导入）"), &import_columns())?)
}

/// The columns an import reads: the sign-in sheet's, with 姓名 and 出席情况 required.
fn import_columns() -> Vec<Column> {
    let mut c = columns();
    c[1] = Column::text(HEADERS[1], 10.0).required();
    c[4] = Column::text(HEADERS[4], 9.0).required();
    c
}

/// The person a row names among those who may attend: by name, and by 单位（科室） when names
/// repeat; else the message for the 姓名 cell.
fn person_in_roll(roll: &[RollPerson], name: &str, unit: &str, whose: &str) -> Result<i64, String> {
    let named: Vec<&RollPerson> = roll.iter().filter(|r| r.name == name).collect();
    let in_unit: Vec<&&RollPerson> = named.iter().filter(|r| r.unit_name == unit).collect();
    match (named.as_slice(), in_unit.as_slice()) {
        ([], _) => Err(format!("“{name}”不是{whose}")),
        ([one], _) => Ok(one.id),
        (_, [one]) => Ok(one.id),
        _ => Err(format!("“{name}”有重名，请在“单位（科室）”列写明其单位")),
    }
}

/// One row as attendance, or the errors of its cells.
fn read_row(roll: &[RollPerson], whose: &str, c: &[String]) -> Result<AttendanceRow, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let person =
        person_in_roll(roll, trim_all(&c[1]), trim_all(&c[2]), whose).map_err(|m| errors.push((HEADERS[1], m)));
    let status = AttendanceStatus::parse(trim_all(&c[4]));
    if status.is_none() {
        errors.push((HEADERS[4], format!("出席情况应为{}之一", AttendanceStatus::label_list())));
    }
    let reason = AbsenceReason::parse(trim_all(&c[5]));
    if status == Some(AttendanceStatus::Absent) && reason.is_none() {
        errors.push((HEADERS[5], format!("缺席应写明原因：{}之一", AbsenceReason::label_list())));
    }
    match (person, status) {
        (Ok(person_id), Some(status)) if errors.is_empty() => Ok(AttendanceRow {
            person_id,
            status,
            reason: reason.filter(|_| status == AttendanceStatus::Absent),
            note: String::new(),
        }),
        _ => Err(errors),
    }
}

/// Validates every row of a session's sign-in sheet against who may attend it; with `commit`,
/// writes the valid ones as a correction of the session (a new version of its entry, the
/// present its participants). Rows of people not on the sheet keep their record.
pub async fn import(
    state: &AppState,
    p: &Principal,
    session: &Session,
    bytes: &[u8],
    commit: bool,
) -> Result<ImportReport, ApiError> {
    let table = read_upload(bytes, import_columns()).await?;
    let (mut report, bad) = ImportReport::of_table(&table);
    let unit = service::session_unit(state, p, Some(session.unit_id)).await?;
    let roll = service::roll(state, &unit, session.entry_date).await?;
    let whose = if unit.kind == "branch" {
        format!("本支部党员（{}，{}）", unit.name, session.entry_date)
    } else {
        format!("本单位人员（{}）", unit.name)
    };
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut accepted: Vec<AttendanceRow> = Vec::new();
    for r in &table.rows {
        let mut errors = Vec::new();
        match read_row(&roll, &whose, &r.cells) {
            Ok(row) => match seen.insert(row.person_id, r.row_number) {
                Some(first) => errors.push((HEADERS[1], format!("与第{first}行是同一人"))),
                None if !bad.contains(&r.row_number) => accepted.push(row),
                None => {}
            },
            Err(e) => errors = e,
        }
        report.add_row_errors(&table, r.row_number, errors);
    }
    report.errors.sort_by_key(|e| e.row);
    report.valid = accepted.len();
    if commit && !accepted.is_empty() {
        let skipped = table.rows.len() - accepted.len();
        let (current, entry) = service::attendance_correction(state, p, session, &accepted).await?;
        let (_, written) = imports::attendance(&state.db, &p.actor(), &current, &entry, &accepted, skipped).await?;
        report.record(written);
    }
    Ok(report)
}
