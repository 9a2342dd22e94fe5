//! A session's attendance as a printable sign-in sheet (签到表): one row per person on the
//! list, with the attendance the organiser recorded and an empty column to sign.

use qingfeng_domain::study::AbsenceReason;
use qingfeng_office::{CellValue, Column};
use qingfeng_store::{Db, Scope};

use super::service::{kind_label, SessionDetail};
use crate::http::ApiError;
use crate::sheets::heading::Heading;

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
