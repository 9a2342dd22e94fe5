//! The monthly 四风 report in Excel, laid out as the higher 纪委 receives it.

use qingfeng_office::{CellValue, Column};
use qingfeng_store::{Db, Scope};

use super::service::FourWindsReport;
use crate::http::ApiError;
use crate::sheets::heading::Heading;

const HEADERS: [&str; 7] = [
    "类别",
    "当月问题数",
    "当月批评教育和处理人数",
    "当月其中党纪政务处分人数",
    "本年累计问题数",
    "本年累计批评教育和处理人数",
    "本年累计其中党纪政务处分人数",
];

pub async fn export(db: &Db, scope: &Scope, r: &FourWindsReport) -> Result<Vec<u8>, ApiError> {
    let columns: Vec<Column> = HEADERS
        .iter()
        .enumerate()
        .map(|(i, h)| if i == 0 { Column::text(h, 34.0) } else { Column::integer(h, 14.0) })
        .collect();
    let cells: Vec<Vec<CellValue>> = r
        .lines
        .iter()
        .map(|l| {
            let indent = match l.level {
                "item" => "　　",
                "group" => "　",
                _ => "",
            };
            let (m, y) = (l.month, l.year);
            let mut row: Vec<CellValue> = vec![format!("{indent}{}", l.label).into()];
            row.extend([m.problems, m.handled, m.sanctioned, y.problems, y.handled, y.sanctioned].map(CellValue::from));
            row
        })
        .collect();
    let heading = Heading::load(db, scope, &format!("{}年{}月“四风”问题统计表", &r.month[..4], &r.month[5..]))
        .await?
        .filter("统计期间", format!("{} 至 {}（本年累计自 {}）", r.from, r.to, r.year_from));
    Ok(heading.table("四风月报", &columns, &cells).write()?)
}
