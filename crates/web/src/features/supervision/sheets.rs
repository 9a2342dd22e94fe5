//! 督查督办台账 in Excel: one block a decision — its own line (source, document, requirements,
//! progress), then each task the reader sees and each 督办 — with the decision's columns merged
//! over its block.

use qingfeng_office::{CellValue, Column};
use qingfeng_store::supervision::Implementation;

use super::service;
use crate::auth::Principal;
use crate::http::ApiError;
use crate::sheets::heading::Heading;
use crate::AppState;

const HEADERS: [&str; 14] = [
    "序号",
    "来源",
    "文号",
    "决策日期",
    "决策事项",
    "落实单位",
    "完成进度",
    "类别",
    "任务或督办事项",
    "责任单位",
    "责任人",
    "期限",
    "进展或反馈情况",
    "状态",
];

/// The decision's own columns, merged over its block.
const DECISION_COLUMNS: std::ops::Range<usize> = 0..7;

fn columns() -> Vec<Column> {
    let widths = [6.0, 12.0, 16.0, 12.0, 28.0, 14.0, 16.0, 8.0, 32.0, 14.0, 10.0, 12.0, 32.0, 12.0];
    HEADERS
        .iter()
        .zip(widths)
        .map(|(h, w)| if h.ends_with("日期") || *h == "期限" { Column::date(h, w) } else { Column::text(h, w) })
        .collect()
}

fn progress_text(d: &Implementation) -> String {
    let mut s = format!("{}/{} 项任务完成（{}%）", d.completed_count, d.task_count, d.progress);
    if d.overdue_count > 0 {
        s.push_str(&format!("，逾期 {} 项", d.overdue_count));
    }
    s
}

/// The block of one decision: its line, its tasks, its 督办.
async fn block(state: &AppState, p: &Principal, n: usize, d: &Implementation) -> Result<Vec<Vec<CellValue>>, ApiError> {
    let detail = service::detail(state, p, d.id).await?;
    let head = |rows: &mut Vec<Vec<CellValue>>, tail: Vec<CellValue>| {
        let mut row: Vec<CellValue> = vec![
            CellValue::from((n + 1) as i64),
            d.source_label.clone().into(),
            d.doc_number.clone().into(),
            d.issued_on.into(),
            d.title.clone().into(),
            d.unit_name.clone().into(),
            progress_text(d).into(),
        ];
        row.extend(tail);
        rows.push(row);
    };
    let mut rows = Vec::new();
    let requirements =
        if d.requirements.is_empty() { "（工作要求未填写）".to_string() } else { d.requirements.clone() };
    let summary = if d.has_overdue() { "有逾期事项" } else { "正常推进" };
    head(
        &mut rows,
        vec![
            "决策部署".into(),
            requirements.into(),
            d.unit_name.clone().into(),
            CellValue::Empty,
            CellValue::Empty,
            CellValue::Empty,
            summary.into(),
        ],
    );
    for t in &detail.tasks {
        let people = if t.support_units.is_empty() {
            t.lead_unit_name.clone()
        } else {
            let support: Vec<&str> = t.support_units.iter().map(|u| u.name.as_str()).collect();
            format!("{}（配合：{}）", t.lead_unit_name, support.join("、"))
        };
        head(
            &mut rows,
            vec![
                "任务".into(),
                format!("{} {}", t.number, t.title).into(),
                people.into(),
                t.lead_person_name.clone().into(),
                t.deadline.into(),
                t.latest_update.clone().into(),
                t.state_label.clone().into(),
            ],
        );
    }
    if detail.hidden_tasks > 0 {
        head(&mut rows, vec!["任务".into(), format!("另有 {} 项任务不在您的数据范围内", detail.hidden_tasks).into()]);
        if let Some(last) = rows.last_mut() {
            last.resize(HEADERS.len(), CellValue::Empty);
        }
    }
    for x in &detail.notes {
        let answer = match x.answered_on {
            Some(day) => format!("{day} 反馈：{}", x.answer),
            None => String::new(),
        };
        head(
            &mut rows,
            vec![
                "督办".into(),
                x.text.clone().into(),
                x.unit_name.clone().into(),
                x.person_name.clone().into(),
                x.deadline.into(),
                answer.into(),
                x.state_label.clone().into(),
            ],
        );
    }
    Ok(rows)
}

pub async fn export(state: &AppState, p: &Principal, decisions: &[Implementation]) -> Result<Vec<u8>, ApiError> {
    let mut rows: Vec<Vec<CellValue>> = Vec::new();
    let mut spans = Vec::new();
    for (n, d) in decisions.iter().enumerate() {
        let first = rows.len();
        rows.extend(block(state, p, n, d).await?);
        spans.push((first, rows.len() - first));
    }
    let heading = Heading::load(&state.db, &p.scope, "督查督办台账").await?;
    let columns = columns();
    let mut table = heading.table("督查督办", &columns, &rows);
    for (first, count) in spans {
        for c in DECISION_COLUMNS {
            table = table.span(first, count, c);
        }
    }
    Ok(table.write()?)
}
