//! The 履职台账 export: the entries the scope sees that match the list's filters, read in
//! batches in the list's order and written row by row in constant memory. Each entry shows
//! only the people and items the reader may open, as the page does ("另有N人").

use std::collections::{HashMap, HashSet};
use std::path::Path;

use qingfeng_domain::access::Permission;
use qingfeng_domain::labels::Labels;
use qingfeng_domain::responsibility::MeetingType;
use qingfeng_office::{CellValue, Column};
use qingfeng_store::ledger::{self, Entry, EntryFilter, EntryNamed};
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
    let read = move |tx: Sender<(Vec<Entry>, Names)>| async move {
        let mut visible = Visible::default();
        let mut after = After::start(BATCH);
        loop {
            let batch = ledger::list_batch(&db, &scope, &filter, after).await?;
            let Some(last) = batch.last() else { break };
            after = after.row(last.entry_date, last.id);
            let ids: Vec<i64> = batch.iter().map(|e| e.id).collect();
            let people = ledger::participants_of(&db, &ids).await?;
            let items = ledger::credited_items_of(&db, &ids).await?;
            visible.learn(&db, &scope, &people, &items).await?;
            let names = Names { people: visible.names(&people, true), items: visible.names(&items, false) };
            if tx.send((batch, names)).await.is_err() {
                break;
            }
        }
        Ok(())
    };
    let mut number = 0;
    read_ahead(read, |(batch, names): (Vec<Entry>, Names)| {
        for e in &batch {
            number += 1;
            let row = entry_row(number, e, &labels, names.people.get(&e.id), names.items.get(&e.id));
            sheet.push(&[row], &[])?;
        }
        progress::tick(batch.len());
        Ok(())
    })
    .await?;
    sheet.save(path)?;
    Ok(())
}

fn entry_row(
    number: i64,
    e: &Entry,
    labels: &Labels,
    people: Option<&String>,
    items: Option<&String>,
) -> Vec<CellValue> {
    vec![
        number.into(),
        e.entry_date.into(),
        labels.kind_of(&e.kind).into(),
        MeetingType::from_key(&e.meeting_type).map(MeetingType::label).unwrap_or("").into(),
        (&e.unit_name).into(),
        (&e.place).into(),
        people.cloned().into(),
        (&e.content).into(),
        items.cloned().into(),
        format!("第{}版", e.version).into(),
        e.author.clone().unwrap_or_default().into(),
    ]
}

/// Entry id → the people and the items of a batch the reader may open, joined.
struct Names {
    people: HashMap<i64, String>,
    items: HashMap<i64, String>,
}

/// Which people and items the reader may open, learnt batch by batch.
#[derive(Default)]
struct Visible {
    people: HashMap<i64, bool>,
    items: HashMap<i64, bool>,
}

impl Visible {
    async fn learn(
        &mut self,
        db: &Db,
        scope: &Scope,
        people: &[EntryNamed],
        items: &[EntryNamed],
    ) -> Result<(), ApiError> {
        let unseen = |known: &HashMap<i64, bool>, named: &[EntryNamed]| -> Vec<i64> {
            let ids: HashSet<i64> = named.iter().map(|n| n.id).filter(|id| !known.contains_key(id)).collect();
            ids.into_iter().collect()
        };
        let new_people = unseen(&self.people, people);
        let seen = qingfeng_store::org::people::visible_ids(db, scope, &new_people).await?;
        self.people.extend(new_people.into_iter().map(|id| (id, seen.contains(&id))));
        let new_items = unseen(&self.items, items);
        let seen = qingfeng_store::responsibility::visible_item_ids(db, scope, &new_items).await?;
        self.items.extend(new_items.into_iter().map(|id| (id, seen.contains(&id))));
        Ok(())
    }

    /// Entry id → the names the reader may open, joined ("、" for people, with "另有N人"
    /// for those hidden; "；" for items, the hidden ones left out).
    fn names(&self, named: &[EntryNamed], people: bool) -> HashMap<i64, String> {
        let known = if people { &self.people } else { &self.items };
        let mut shown: HashMap<i64, (Vec<&str>, usize)> = HashMap::new();
        for n in named {
            let entry = shown.entry(n.entry_id).or_default();
            if known.get(&n.id).copied().unwrap_or(false) {
                entry.0.push(&n.name);
            } else {
                entry.1 += 1;
            }
        }
        shown
            .into_iter()
            .map(|(id, (names, hidden))| {
                let mut text = names.join(if people { "、" } else { "；" });
                if people && hidden > 0 {
                    let sep = if text.is_empty() { "" } else { "、" };
                    text.push_str(&format!("{sep}另有{hidden}人"));
                }
                (id, text)
            })
            .collect()
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
