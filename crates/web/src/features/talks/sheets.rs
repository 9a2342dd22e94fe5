//! 谈心谈话 in Excel: the export of the talks the reader may see (a discipline talk's topics and
//! summary stay blank for those who may not read them).

use qingfeng_office::{CellValue, Column};
use qingfeng_store::talks::TalkFilter;

use super::service;
use crate::auth::Principal;
use crate::http::ApiError;
use crate::sheets::heading::Heading;
use crate::AppState;

fn names(v: &[qingfeng_store::ledger::Named]) -> String {
    v.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join("、")
}

pub async fn export(state: &AppState, p: &Principal, filter: &TalkFilter) -> Result<Vec<u8>, ApiError> {
    let talks = service::list(state, p, filter, None).await?.items;
    let rows: Vec<Vec<CellValue>> = talks
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let follow_ups: Vec<String> =
                t.follow_ups.iter().map(|f| format!("{}：{}（{} 前）", f.person_name, f.content, f.deadline)).collect();
            let summary = if t.summary_hidden {
                "（仅纪检监察组和当事人可见）".to_string()
            } else {
                t.talk.summary.clone()
            };
            vec![
                CellValue::from((n + 1) as i64),
                t.talk.entry_date.into(),
                t.kind_label.clone().into(),
                t.talk.unit_name.clone().into(),
                t.talk.place.clone().into(),
                names(&t.talkers).into(),
                names(&t.counterparts).into(),
                t.talk.topics.clone().into(),
                summary.into(),
                follow_ups.join("；").into(),
                t.talk.id.into(),
            ]
        })
        .collect();
    let kind = filter.kind.as_deref().and_then(qingfeng_domain::talks::TalkKind::from_key);
    let heading = Heading::load(&state.db, &p.scope, "谈心谈话记录")
        .await?
        .filter("年度", filter.year.map(|y| y.to_string()))
        .filter("谈话类型", kind.map(|k| k.label().to_string()));
    let columns = vec![
        Column::text("序号", 6.0),
        Column::date("谈话日期", 12.0),
        Column::text("谈话类型", 12.0),
        Column::text("所属单位", 16.0),
        Column::text("地点", 12.0),
        Column::text("谈话人", 16.0),
        Column::text("谈话对象", 20.0),
        Column::text("谈话主题", 24.0),
        Column::text("谈话内容摘要", 40.0),
        Column::text("后续事项", 30.0),
        Column::integer("记录编号", 9.0),
    ];
    Ok(heading.table("谈心谈话", &columns, &rows).print_columns(9).write()?)
}
