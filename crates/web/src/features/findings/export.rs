//! The 整改台账 export: the findings the scope sees that match the list's filters, read in
//! batches in the list's order and written row by row in constant memory, so a list of any
//! length takes the server's memory of a batch.

use std::collections::HashMap;
use std::path::Path;

use qingfeng_domain::access::Permission;
use qingfeng_domain::findings::FindingState;
use qingfeng_domain::labels::Labels;
use qingfeng_office::CellValue;
use qingfeng_store::findings::{self as store, ExportFinding, ExportMeasure, FindingFilter};
use qingfeng_store::fulfilment::today;
use qingfeng_store::progress::{self, Stage};
use qingfeng_store::query::After;
use qingfeng_store::{Db, Paging, Scope};
use tokio::sync::mpsc::Sender;

use super::service::finding_filter;
use super::sheets::{columns, FINDING_COLUMNS, PRINTED};
use crate::features::exports::long::{read_ahead, LongExport};
use crate::http::{ApiError, ApiResult, Params};
use crate::sheets::heading::Heading;
use crate::sheets::names::UnitIndex;

/// Findings read per batch.
const BATCH: i64 = 500;

/// The list's export (see [`crate::features::exports::long`]).
pub struct FindingLedger;

impl LongExport for FindingLedger {
    type Filter = FindingFilter;
    const FILE_NAME: &'static str = "整改台账.xlsx";
    const PERMISSION: Permission = Permission::FindingExport;

    fn filter(params: &Params) -> ApiResult<FindingFilter> {
        finding_filter(params)
    }

    async fn write(db: &Db, scope: &Scope, filter: &FindingFilter, path: &Path) -> Result<(), ApiError> {
        write(db, scope, filter, path).await
    }
}

/// Writes the 整改台账 into `path`: one row per measure (a finding without measures gets one
/// row), the finding's columns merged over its measures' rows. Progress counts findings.
pub async fn write(db: &Db, scope: &Scope, filter: &FindingFilter, path: &Path) -> Result<(), ApiError> {
    let today = today();
    let total = store::list(db, scope, filter, Some(Paging::new(Some(1), Some(1))), today).await?.total;
    progress::begin(Stage::Writing, total.max(0) as usize);
    let index = UnitIndex::load(db).await?;
    let labels = qingfeng_store::dicts::labels(db).await?;
    let heading = export_heading(db, scope, filter, &labels).await?;
    let columns = columns(Some(&labels));
    let mut sheet = heading.table("整改台账", &columns, &[]).print_columns(PRINTED).stream()?;
    let (db, scope, filter) = (db.clone(), scope.clone(), filter.clone());
    // the rows are made on the reading side: the sheet's side has the writing and compressing.
    // A batch's measures are read while the next batch of findings is, on two connections:
    // each query alone leaves the cores waiting on the hand-over of its rows.
    let read = move |tx: Sender<Vec<Vec<Vec<CellValue>>>>| async move {
        let mut after = After::start(BATCH);
        let mut batch = store::export_batch(&db, &scope, &filter, after, today, &labels).await?;
        let mut number = 0;
        while let Some(last) = batch.last() {
            after = after.row(last.found_on, last.id);
            let ids: Vec<i64> = batch.iter().map(|f| f.id).collect();
            let (of_batch, next) = tokio::try_join!(
                store::export_measures(&db, &ids, today),
                store::export_batch(&db, &scope, &filter, after, today, &labels),
            )?;
            let mut measures: HashMap<i64, Vec<ExportMeasure>> = HashMap::new();
            for m in of_batch {
                measures.entry(m.finding_id).or_default().push(m);
            }
            let findings = batch
                .iter()
                .map(|f| {
                    number += 1;
                    finding_rows(number, f, measures.get(&f.id).map(Vec::as_slice).unwrap_or_default(), &index)
                })
                .collect();
            if tx.send(findings).await.is_err() {
                break;
            }
            batch = next;
        }
        Ok(())
    };
    read_ahead(read, |findings: Vec<Vec<Vec<CellValue>>>| {
        for rows in &findings {
            sheet.push(rows, FINDING_COLUMNS)?;
        }
        progress::tick(findings.len());
        Ok(())
    })
    .await?;
    sheet.save(path)?;
    Ok(())
}

/// A finding's rows: one per measure, or one when it has none.
fn finding_rows(
    number: usize,
    f: &ExportFinding,
    measures: &[ExportMeasure],
    index: &UnitIndex,
) -> Vec<Vec<CellValue>> {
    let signed_off = f.state == FindingState::SignedOff.key();
    let leader = f.responsible_leader_name.clone().unwrap_or_default();
    let person = f.responsible_person_name.clone().unwrap_or_default();
    let head = |row: Vec<CellValue>| {
        let mut full: Vec<CellValue> =
            vec![number.to_string().into(), (&f.description).into(), (&f.category_label).into()];
        full.extend(row);
        full.push(if signed_off { "是" } else { "否" }.into());
        full.extend([
            index.label(f.unit_id, "").into(),
            (&f.source_label).into(),
            (&f.severity_label).into(),
            f.found_on.into(),
            (&leader).into(),
            (&person).into(),
            f.campaign_name.clone().into(),
            (&f.state_label).into(),
            f.id.into(),
        ]);
        full
    };
    if measures.is_empty() {
        let done = if signed_off { "已完成" } else { "尚未制定整改措施" };
        let row =
            vec![CellValue::Empty, (&leader).into(), (&person).into(), CellValue::Empty, CellValue::Empty, done.into()];
        return vec![head(row)];
    }
    measures
        .iter()
        .map(|m| {
            let latest = m.latest_on.zip(m.latest_text.as_ref()).map(|(d, t)| format!("{d}：{t}"));
            head(vec![
                (&m.text).into(),
                m.responsible_leader_name.clone().into(),
                (&m.responsible_person_name).into(),
                m.deadline.into(),
                latest.into(),
                (&m.status_label).into(),
            ])
        })
        .collect()
}

/// "问题整改台账" with the unit and the filters of the export.
async fn export_heading(db: &Db, scope: &Scope, filter: &FindingFilter, names: &Labels) -> Result<Heading, ApiError> {
    let heading = Heading::load(db, scope, "问题整改台账").await?.unit(filter.unit_id, filter.include_sub);
    let campaign = match filter.campaign_id {
        Some(id) => store::get_campaign(db, id).await.ok().map(|c| c.name),
        None => None,
    };
    let yes = |b: bool| b.then(|| "是".to_string());
    Ok(heading
        .filter("办理状态", filter.state.map(|s| s.label().to_string()))
        .filter("问题类别", filter.category.map(|c| names.category(c).to_string()))
        .filter("问题类别组", filter.group.clone())
        .filter("问题来源", filter.source.map(|s| s.label().to_string()))
        .filter("严重程度", filter.severity.map(|s| s.label().to_string()))
        .filter("专项整治", campaign)
        .filter("已逾期", yes(filter.overdue))
        .filter("反弹回潮", yes(filter.recurrence))
        .filter("关键词", filter.q.clone())
        .filter("发现日期自", filter.from.map(|d| d.to_string()))
        .filter("发现日期至", filter.to.map(|d| d.to_string())))
}
