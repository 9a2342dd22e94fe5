//! The 履职台账 export: the entries the scope sees that match the list's filters, read in
//! batches in the list's order and written row by row in constant memory. Each entry shows
//! only the people and items the reader may open, as the page does ("另有N人").

use std::collections::{HashMap, HashSet};
use std::path::Path;

use qingfeng_domain::access::Permission;
use qingfeng_domain::labels::Labels;
use qingfeng_domain::responsibility::MeetingType;
use qingfeng_office::{CellValue, Column};
use qingfeng_store::ledger::{self, EntryFilter, ExportEntry};
use qingfeng_store::progress::{self, Stage};
use qingfeng_store::query::After;
use qingfeng_store::{Db, Paging, Scope};
use tokio::sync::mpsc::Sender;

use super::service::entry_filter;
use crate::features::exports::long::{read_ahead, LongExport};
use crate::http::{ApiError, ApiResult, Params};
use crate::sheets::heading::Heading;

/// Entries read per batch.
const BATCH: i64 = 500;

/// The list's export (see [`crate::features::exports::long`]).
pub struct DutyLedger;

impl LongExport for DutyLedger {
    type Filter = EntryFilter;
    const FILE_NAME: &'static str = "履职台账.xlsx";
    const PERMISSION: Permission = Permission::LedgerExport;

    fn filter(params: &Params) -> ApiResult<EntryFilter> {
        entry_filter(params)
    }

    async fn write(db: &Db, scope: &Scope, filter: &EntryFilter, path: &Path) -> Result<(), ApiError> {
        write(db, scope, filter, path).await
    }
}

fn columns() -> Vec<Column> {
    vec![
        Column::integer("序号", 6.0),
        Column::date("日期", 12.0),
        Column::text("类型", 10.0),
        Column::text("会议类型", 10.0),
        Column::text("所属单位", 18.0),
        Column::text("地点", 14.0),
        Column::text("参加人员", 24.0),
        Column::text("主要内容", 36.0),
        Column::text("计入责任事项", 30.0),
        Column::text("版本", 6.0),
        Column::text("登记人", 10.0),
    ]
}

/// Writes the 履职台账 into `path`, one row per entry; progress counts entries.
pub async fn write(db: &Db, scope: &Scope, filter: &EntryFilter, path: &Path) -> Result<(), ApiError> {
    let total = ledger::list(db, scope, filter, Some(Paging::new(Some(1), Some(1)))).await?.total;
    progress::begin(Stage::Writing, total.max(0) as usize);
    let labels = qingfeng_store::dicts::labels(db).await?;
    let columns = columns();
    let mut sheet = heading(db, scope, filter, &labels).await?.table("履职台账", &columns, &[]).stream()?;
    let (db, scope, filter) = (db.clone(), scope.clone(), filter.clone());
    let read = move |tx: Sender<Vec<Vec<CellValue>>>| async move {
        let mut visible = Visible { everything: scope.all, people: HashMap::new(), items: HashMap::new() };
        let mut after = After::start(BATCH);
        let mut number = 0;
        loop {
            let batch = ledger::export_batch(&db, &scope, &filter, after).await?;
            let Some(last) = batch.last() else { break };
            after = after.row(last.entry_date, last.id);
            visible.learn(&db, &scope, &batch).await?;
            let rows = batch
                .iter()
                .map(|e| {
                    number += 1;
                    entry_row(number, e, &labels, &visible)
                })
                .collect();
            if tx.send(rows).await.is_err() {
                break;
            }
        }
        Ok(())
    };
    read_ahead(read, |rows: Vec<Vec<CellValue>>| {
        sheet.push(&rows, &[])?;
        progress::tick(rows.len());
        Ok(())
    })
    .await?;
    sheet.save(path)?;
    Ok(())
}

fn entry_row(number: i64, e: &ExportEntry, labels: &Labels, visible: &Visible) -> Vec<CellValue> {
    vec![
        number.into(),
        e.entry_date.into(),
        labels.kind_of(&e.kind).into(),
        MeetingType::from_key(&e.meeting_type).map(MeetingType::label).unwrap_or("").into(),
        (&e.unit_name).into(),
        (&e.place).into(),
        visible.people(&e.people).into(),
        (&e.content).into(),
        visible.items(&e.items).into(),
        format!("第{}版", e.version).into(),
        e.author.clone().unwrap_or_default().into(),
    ]
}

/// Which people and items the reader may open, learnt batch by batch: an entry shows only
/// those, as the page does.
struct Visible {
    /// the reader sees every unit
    everything: bool,
    people: HashMap<i64, bool>,
    items: HashMap<i64, bool>,
}

impl Visible {
    async fn learn(&mut self, db: &Db, scope: &Scope, batch: &[ExportEntry]) -> Result<(), ApiError> {
        if scope.all {
            // whoever sees every unit opens everyone and every item: nothing to ask
            return Ok(());
        }
        let unseen = |known: &HashMap<i64, bool>, folded: &mut dyn Iterator<Item = &String>| -> Vec<i64> {
            let ids: HashSet<i64> =
                folded.flat_map(|f| ledger::unfold(f)).map(|(id, _)| id).filter(|id| !known.contains_key(id)).collect();
            ids.into_iter().collect()
        };
        let new_people = unseen(&self.people, &mut batch.iter().map(|e| &e.people));
        let seen = qingfeng_store::org::people::visible_ids(db, scope, &new_people).await?;
        self.people.extend(new_people.into_iter().map(|id| (id, seen.contains(&id))));
        let new_items = unseen(&self.items, &mut batch.iter().map(|e| &e.items));
        let seen = qingfeng_store::responsibility::visible_item_ids(db, scope, &new_items).await?;
        self.items.extend(new_items.into_iter().map(|id| (id, seen.contains(&id))));
        Ok(())
    }

    /// The participants the reader may open, joined with "、", and "另有N人" for the others.
    fn people(&self, folded: &str) -> String {
        let (shown, hidden) = self.split(&self.people, folded);
        let mut text = shown.join("、");
        if hidden > 0 {
            let sep = if text.is_empty() { "" } else { "、" };
            text.push_str(&format!("{sep}另有{hidden}人"));
        }
        text
    }

    /// The credited items the reader may open, joined with "；" (the others left out).
    fn items(&self, folded: &str) -> String {
        self.split(&self.items, folded).0.join("；")
    }

    /// The names of `folded` the reader may open, and how many others there are.
    fn split<'a>(&self, known: &HashMap<i64, bool>, folded: &'a str) -> (Vec<&'a str>, usize) {
        let (shown, hidden): (Vec<_>, Vec<_>) = ledger::unfold(folded)
            .into_iter()
            .partition(|(id, _)| self.everything || known.get(id).copied().unwrap_or(false));
        (shown.into_iter().map(|(_, name)| name).collect(), hidden.len())
    }
}

/// "…履职台账" with the unit and the filters of the export.
async fn heading(db: &Db, scope: &Scope, filter: &EntryFilter, labels: &Labels) -> Result<Heading, ApiError> {
    let list = match filter.year {
        Some(year) => format!("{year}年度党风廉政建设履职台账"),
        None => "党风廉政建设履职台账".to_string(),
    };
    Ok(Heading::load(db, scope, &list)
        .await?
        .unit(filter.unit_id, filter.include_sub)
        .filter("类型", filter.kind.as_deref().map(|k| labels.kind_of(k)).filter(|k| !k.is_empty()).map(String::from))
        .filter("关键词", filter.q.clone())
        .filter("日期自", filter.from.map(|d| d.to_string()))
        .filter("日期至", filter.to.map(|d| d.to_string())))
}
