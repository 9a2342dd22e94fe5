//! 重大事项请示报告台账 in Excel: what the office hands over at an inspection, one row a
//! request or report, with the answer and whether it is overdue.

use qingfeng_office::{CellValue, Column};
use qingfeng_store::major_matters::MatterRow;
use qingfeng_store::{Db, Scope};

use crate::http::ApiError;
use crate::sheets::heading::Heading;

const HEADERS: [&str; 12] = [
    "序号",
    "类别",
    "单位",
    "请示报告人",
    "报送对象",
    "三重一大类别",
    "事项",
    "报送日期",
    "批复期限",
    "批复日期",
    "批复意见",
    "状态",
];

fn columns() -> Vec<Column> {
    let widths = [6.0, 8.0, 16.0, 10.0, 12.0, 12.0, 30.0, 12.0, 12.0, 12.0, 30.0, 10.0];
    HEADERS
        .iter()
        .zip(widths)
        .map(|(h, w)| if h.ends_with("日期") || h.ends_with("期限") { Column::date(h, w) } else { Column::text(h, w) })
        .collect()
}

/// 已批复, 逾期未批复, 待批复, or — for a report.
fn state_of(m: &MatterRow) -> &'static str {
    match (m.kind.as_str(), m.answered_on, m.overdue) {
        ("request", Some(_), _) => "已批复",
        ("request", None, true) => "逾期未批复",
        ("request", None, false) => "待批复",
        _ => "—",
    }
}

fn row_of(n: usize, m: &MatterRow) -> Vec<CellValue> {
    vec![
        CellValue::from((n + 1) as i64),
        m.kind_label.clone().into(),
        m.unit_name.clone().into(),
        m.person_name.clone().into(),
        m.addressee.clone().into(),
        m.category_label.clone().into(),
        m.title.clone().into(),
        m.submitted_on.into(),
        m.answer_due.into(),
        m.answered_on.into(),
        m.answer.clone().into(),
        state_of(m).to_string().into(),
    ]
}

pub async fn export(db: &Db, scope: &Scope, rows: &[MatterRow]) -> Result<Vec<u8>, ApiError> {
    let cells: Vec<Vec<CellValue>> = rows.iter().enumerate().map(|(n, m)| row_of(n, m)).collect();
    let heading = Heading::load(db, scope, "重大事项请示报告台账").await?;
    let columns = columns();
    Ok(heading.table("请示报告", &columns, &cells).write()?)
}
