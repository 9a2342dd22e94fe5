//! 个人有关事项报告台账 (.xlsx) for the 纪检监察组: every report of the year in its scope, and a
//! row for each person who must report and has not filed the annual report. Contents are left
//! out: the register shows who reported what kind of matter when, and the review.

use qingfeng_office::{CellValue, Column};
use qingfeng_store::personal_reports::{self as store, ReportFilter};

use super::service::{self, reader};
use crate::auth::Principal;
use crate::http::ApiError;
use crate::sheets::heading::Heading;
use crate::AppState;

fn columns() -> Vec<Column> {
    vec![
        Column::text("序号", 6.0),
        Column::text("姓名", 10.0),
        Column::text("单位", 16.0),
        Column::text("报告类型", 12.0),
        Column::text("事项", 22.0),
        Column::text("报告日期", 12.0),
        Column::date("应报日期", 12.0),
        Column::text("按期", 8.0),
        Column::text("核查结果", 10.0),
        Column::text("核查说明", 24.0),
    ]
}

pub async fn export(state: &AppState, p: &Principal, year: i64) -> Result<Vec<u8>, ApiError> {
    let filter = ReportFilter { year: Some(year), ..Default::default() };
    let reports = store::list(&state.db, reader(p), &filter, None).await?.items;
    let mut rows: Vec<Vec<CellValue>> = Vec::new();
    for r in &reports {
        let matter = match (&r.event_date, r.kind.as_str()) {
            (_, "annual") => format!("{} 年度", r.year),
            (Some(d), _) => format!("{}（{d}）", r.event_kind_label),
            (None, _) => r.event_kind_label.clone(),
        };
        rows.push(vec![
            CellValue::from(rows.len() as i64 + 1),
            r.person_name.clone().into(),
            r.unit_name.clone().into(),
            r.kind_label.clone().into(),
            matter.into(),
            r.reported_on.to_string().into(),
            r.due_on.into(),
            (if r.late { "逾期" } else { "按期" }).into(),
            r.review_label.clone().into(),
            r.review_note.clone().into(),
        ]);
    }
    let o = service::obligations(state, p, year).await?;
    for m in o.people.iter().filter(|m| m.report_id.is_none()) {
        rows.push(vec![
            CellValue::from(rows.len() as i64 + 1),
            m.person_name.clone().into(),
            m.unit_name.clone().into(),
            "年度集中报告".into(),
            format!("{year} 年度").into(),
            "未报告".into(),
            o.due.into(),
            (if qingfeng_domain::time::office_today() > o.due { "逾期未报" } else { "未到期" }).into(),
            "".into(),
            "".into(),
        ]);
    }
    let heading = Heading::load(&state.db, &p.scope, &format!("{year}年度个人有关事项报告台账")).await?;
    let columns = columns();
    Ok(heading.table("个人有关事项", &columns, &rows).write()?)
}
