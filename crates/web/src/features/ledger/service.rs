//! 履职台账: validation, link and scope checks of ledger entries, shared by the API and the
//! pages. Submitted entries are never changed; a correction is a new version with a reason.

use qingfeng_domain::ledger::{EntryDraft, EntryFields};
use qingfeng_domain::responsibility::EntryKind;
use qingfeng_domain::time::office_today;
use qingfeng_store::ledger::{self, Entry, EntryFilter, Named};
use qingfeng_store::StoreError;

use crate::auth::Principal;
use crate::http::Params;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// Who may record an entry for a unit: anyone whose scope covers the unit, and anyone recording
/// their own participation in their own unit (仅本人 scope).
pub async fn check_entry_scope(state: &AppState, p: &Principal, d: &EntryDraft) -> ApiResult<()> {
    let unit = match qingfeng_store::org::units::get(&state.db, d.unit_id).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => {
            return Err(StoreError::field("unit_id", format!("所属单位（编号 {}）不存在", d.unit_id)).into())
        }
        Err(e) => return Err(e.into()),
    };
    if p.scope.covers_unit(unit.id, &unit.path) {
        return Ok(());
    }
    if let Some(me) = p.person_id {
        let mine = qingfeng_store::org::people::get(&state.db, &qingfeng_store::Scope::all(), me).await?;
        if mine.unit_id == unit.id && d.participants.contains(&me) {
            return Ok(());
        }
    }
    Err(StoreError::field("unit_id", "所属单位不在您的数据范围内（只能登记本人参加的本单位活动）").into())
}

/// Whether the reader may submit a correction of `e`: the same rule as [`check_entry_scope`]
/// applied to the entry as it stands, so the page offers the button only when it would work.
pub async fn may_correct(state: &AppState, p: &Principal, e: &Entry) -> ApiResult<bool> {
    if !p.can(qingfeng_domain::access::Permission::LedgerWrite) {
        return Ok(false);
    }
    let participants: Vec<i64> = ledger::participants(&state.db, e.id).await?.into_iter().map(|x| x.id).collect();
    if p.scope.covers_unit(e.unit_id, &e.unit_path) {
        return Ok(true);
    }
    Ok(match p.person_id {
        Some(me) => {
            let mine = qingfeng_store::org::people::get(&state.db, &qingfeng_store::Scope::all(), me).await?;
            mine.unit_id == e.unit_id && participants.contains(&me)
        }
        None => false,
    })
}

/// Withdraws an attachment (撤回): the entry must be in the reader's scope and still open to their
/// correction; the store refuses files of others and of superseded versions.
pub async fn withdraw_attachment(state: &AppState, p: &Principal, id: i64) -> ApiResult<ledger::AttachmentMeta> {
    let meta = ledger::attachment_meta(&state.db, &p.scope, id).await?;
    let e = ledger::get(&state.db, &p.scope, meta.entry_id).await?;
    if !may_correct(state, p, &e).await? {
        return Err(ApiError::Forbidden("您不能修改这条台账记录，也不能撤回它的附件".into()));
    }
    Ok(ledger::withdraw_attachment(&state.db, &p.actor(), id).await?)
}

/// What a correction starts from: the participants, linked items and tasks of the version it
/// corrects.
#[derive(Default)]
struct LinksBefore {
    participants: Vec<i64>,
    items: Vec<i64>,
    tasks: Vec<i64>,
}

impl LinksBefore {
    async fn of(state: &AppState, entry_id: i64) -> ApiResult<LinksBefore> {
        let db = &state.db;
        Ok(LinksBefore {
            participants: ledger::participants(db, entry_id).await?.into_iter().map(|x| x.id).collect(),
            items: ledger::linked_items(db, entry_id).await?,
            tasks: ledger::tasks(db, entry_id).await?.into_iter().map(|x| x.id).collect(),
        })
    }
}

pub(crate) fn person_visible(
    state: &AppState,
    p: &Principal,
    id: i64,
) -> impl std::future::Future<Output = ApiResult<bool>> {
    let db = state.db.clone();
    let scope = p.scope.clone();
    async move { Ok(found(qingfeng_store::org::people::get(&db, &scope, id).await)?) }
}

pub(crate) fn item_visible(
    state: &AppState,
    p: &Principal,
    id: i64,
) -> impl std::future::Future<Output = ApiResult<bool>> {
    let db = state.db.clone();
    let scope = p.scope.clone();
    async move { Ok(found(qingfeng_store::responsibility::item(&db, &scope, id).await)?) }
}

fn task_visible(state: &AppState, p: &Principal, id: i64) -> impl std::future::Future<Output = ApiResult<bool>> {
    let db = state.db.clone();
    let scope = p.scope.clone();
    async move { Ok(found(qingfeng_store::plans::get_task(&db, &scope, id).await)?) }
}

/// Participants, linked items and linked tasks newly named must be ones the operator can see:
/// naming a person credits their items, and naming a task shows its title on the entry. Those
/// the corrected version already had stay even when the operator cannot see them (the
/// operator was never shown them, so leaving them out is no decision to drop them).
async fn check_links(state: &AppState, p: &Principal, d: &mut EntryDraft, before: &LinksBefore) -> ApiResult<()> {
    for id in &d.participants {
        if !before.participants.contains(id) && !person_visible(state, p, *id).await? {
            return Err(
                StoreError::field("participants", format!("参加人员（编号 {id}）不存在或不在您的数据范围内")).into()
            );
        }
    }
    for id in &d.items {
        if !before.items.contains(id) && !item_visible(state, p, *id).await? {
            return Err(StoreError::field("items", format!("责任事项（编号 {id}）不存在或不在您的数据范围内")).into());
        }
    }
    for id in &d.tasks {
        if !before.tasks.contains(id) && !task_visible(state, p, *id).await? {
            return Err(StoreError::field("tasks", format!("任务（编号 {id}）不存在或不在您的数据范围内")).into());
        }
    }
    for id in &before.participants {
        if !d.participants.contains(id) && !person_visible(state, p, *id).await? {
            d.participants.push(*id);
        }
    }
    for id in &before.items {
        if !d.items.contains(id) && !item_visible(state, p, *id).await? {
            d.items.push(*id);
        }
    }
    for id in &before.tasks {
        if !d.tasks.contains(id) && !task_visible(state, p, *id).await? {
            d.tasks.push(*id);
        }
    }
    Ok(())
}

/// Validates a new entry (`corrects` None) or a correction of the version `corrects`.
pub async fn validate(
    state: &AppState,
    p: &Principal,
    f: &EntryFields,
    corrects: Option<&Entry>,
) -> ApiResult<EntryDraft> {
    let mut d = f.validate(office_today(), corrects.is_some())?;
    let before = match corrects {
        Some(e) => LinksBefore::of(state, e.id).await?,
        None => LinksBefore::default(),
    };
    check_links(state, p, &mut d, &before).await?;
    check_entry_scope(state, p, &d).await?;
    Ok(d)
}

/// The query parameters [`entry_filter`] reads: the ledger list and its export.
pub const ENTRY_FILTERS: &[&str] =
    &["year", "unit", "include_sub", "person", "kind", "item", "task", "case", "q", "from", "to", "voided"];

pub fn entry_filter(params: &Params) -> ApiResult<EntryFilter> {
    let date = |k: &str| params.date(k);
    Ok(EntryFilter {
        year: params.int("year")?,
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        person_id: params.int("person")?,
        kind: params.str("kind").map(|k| EntryKind::parse(&k).map(|x| x.key().to_string()).unwrap_or(k)),
        item_id: params.int("item")?,
        task_id: params.int("task")?,
        case_id: params.int("case")?,
        q: params.str("q"),
        from: date("from")?,
        to: date("to")?,
        voided: qingfeng_store::query::Voided::only(params.bool("voided")?.unwrap_or(false)),
    })
}

/// An entry as one reader may see it: the participants, credited items, tasks and versions the
/// reader's scope reaches, and how many others there are. The API and the entry page both
/// show this, so neither reveals what the scope hides.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EntryView {
    #[serde(flatten)]
    pub entry: Entry,
    pub participants: Vec<Named>,
    pub hidden_participants: usize,
    pub credited_items: Vec<Named>,
    pub hidden_credited_items: usize,
    pub linked_items: Vec<i64>,
    pub tasks: Vec<Named>,
    pub hidden_tasks: usize,
    /// 典型案例 a 警示教育 entry used (published cases: every reader sees them)
    pub cases: Vec<Named>,
    pub attachments: Vec<ledger::AttachmentMeta>,
    /// Whether this is the entry's latest version (a later one may exist that the reader
    /// cannot open: it no longer includes them).
    pub current: bool,
    pub history: Vec<Entry>,
    pub hidden_versions: usize,
}

/// Splits `all` into what `visible` accepts and the count of the rest.
async fn keep_visible<T, F, Fut>(all: Vec<T>, mut visible: F) -> ApiResult<(Vec<T>, usize)>
where
    F: FnMut(&T) -> Fut,
    Fut: std::future::Future<Output = qingfeng_store::StoreResult<bool>>,
{
    let total = all.len();
    let mut kept = Vec::with_capacity(total);
    for x in all {
        if visible(&x).await? {
            kept.push(x);
        }
    }
    let hidden = total - kept.len();
    Ok((kept, hidden))
}

/// Whether a store lookup within the scope found the record.
fn found<T>(r: qingfeng_store::StoreResult<T>) -> qingfeng_store::StoreResult<bool> {
    match r {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn entry_view(state: &AppState, p: &Principal, e: Entry) -> ApiResult<EntryView> {
    let db = &state.db;
    let scope = &p.scope;
    let (participants, hidden_participants) = keep_visible(ledger::participants(db, e.id).await?, |x: &Named| {
        let id = x.id;
        async move { found(qingfeng_store::org::people::get(db, scope, id).await) }
    })
    .await?;
    let (credited_items, hidden_credited_items) = keep_visible(ledger::credited_items(db, e.id).await?, |x: &Named| {
        let id = x.id;
        async move { found(qingfeng_store::responsibility::item(db, scope, id).await) }
    })
    .await?;
    let (linked_items, _) = keep_visible(ledger::linked_items(db, e.id).await?, |id: &i64| {
        let id = *id;
        async move { found(qingfeng_store::responsibility::item(db, scope, id).await) }
    })
    .await?;
    let (tasks, hidden_tasks) = keep_visible(ledger::tasks(db, e.id).await?, |x: &Named| {
        let id = x.id;
        async move { found(qingfeng_store::plans::get_task(db, scope, id).await) }
    })
    .await?;
    let all_versions = ledger::history(db, e.entry_key).await?;
    let current = all_versions.last().map(|h| h.id) == Some(e.id);
    let (history, hidden_versions) = keep_visible(all_versions, |h: &Entry| {
        let id = h.id;
        async move { found(ledger::get(db, scope, id).await) }
    })
    .await?;
    Ok(EntryView {
        attachments: ledger::attachments(db, e.id).await?,
        cases: ledger::cases(db, e.id).await?,
        entry: e,
        participants,
        hidden_participants,
        credited_items,
        hidden_credited_items,
        linked_items,
        tasks,
        hidden_tasks,
        current,
        history,
        hidden_versions,
    })
}
