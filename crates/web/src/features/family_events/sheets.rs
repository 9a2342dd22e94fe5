//! 婚丧喜庆事宜报告台账 (.xlsx): the records of the list, cut as the list is — a leader's copy
//! holds who, what kind, when, on time and the rules broken; the person's and the group's the
//! planned and actual figures and the gifts too.

use qingfeng_office::{CellValue, Column};
use qingfeng_store::family_events::EventFilter;

use super::service::{self, EventView};
use crate::auth::Principal;
use crate::http::ApiError;
use crate::sheets::heading::Heading;
use crate::AppState;

fn columns() -> Vec<Column> {
    vec![
        Column::text("序号", 6.0),
        Column::text("姓名", 10.0),
        Column::text("单位", 16.0),
        Column::text("事项", 12.0),
        Column::date("操办日期", 12.0),
        Column::date("报告日期", 12.0),
        Column::date("应报日期", 12.0),
        Column::text("拟（人/桌/车）", 14.0),
        Column::text("实际（人/桌/车）", 14.0),
        Column::text("管理服务对象礼金礼品", 18.0),
        Column::text("提示（规则）", 40.0),
    ]
}

fn row_of(n: usize, v: &EventView) -> Vec<CellValue> {
    let flags: Vec<String> =
        v.flags
            .iter()
            .map(|f| {
                if f.message.is_empty() {
                    format!("{} {}", f.rule, f.title)
                } else {
                    format!("{} {}", f.rule, f.message)
                }
            })
            .collect();
    let (planned, actual, gifts) = match &v.detail {
        Some(e) => (
            format!("{}/{}/{}", e.planned_people, e.planned_tables, e.planned_cars),
            match e.actual_reported_on {
                Some(_) => format!(
                    "{}/{}/{}",
                    e.actual_people.unwrap_or(0),
                    e.actual_tables.unwrap_or(0),
                    e.actual_cars.unwrap_or(0)
                ),
                None => "未报告".into(),
            },
            match (e.client_gifts, e.gifts_handed_in_on) {
                (false, _) => "无".to_string(),
                (true, Some(d)) => format!("{d} 已上交"),
                (true, None) => "未上交".to_string(),
            },
        ),
        None => ("—".into(), "—".into(), "—".into()),
    };
    vec![
        CellValue::from(n as i64 + 1),
        v.person_name.clone().into(),
        v.unit_name.clone().into(),
        v.kind_label.clone().into(),
        v.event_date.into(),
        v.reported_on.into(),
        v.report_due.into(),
        planned.into(),
        actual.into(),
        gifts.into(),
        flags.join("；").into(),
    ]
}

pub async fn export(state: &AppState, p: &Principal, filter: &EventFilter) -> Result<Vec<u8>, ApiError> {
    let views = service::list(state, p, filter, None).await?.items;
    let rows: Vec<Vec<CellValue>> = views.iter().enumerate().map(|(n, v)| row_of(n, v)).collect();
    let heading = Heading::load(&state.db, &p.scope, "婚丧喜庆事宜报告台账")
        .await?
        .filter("年度", filter.year.map(|y| y.to_string()));
    let columns = columns();
    Ok(heading.table("婚丧喜庆", &columns, &rows).write()?)
}
