//! 履职台账 pages: the list, the entry form (new, or a correction as a new version), an entry
//! with its history and attachments.

use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use qingfeng_domain::access::Permission;
use qingfeng_domain::labels::Labels;
use qingfeng_domain::ledger::EntryFields;
use qingfeng_domain::responsibility::{EntryKind, MeetingType};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::fulfilment::this_year;
use qingfeng_store::ledger::{self, AttachmentMeta, Entry, Named};
use qingfeng_store::org::{people, units, Person, PersonFilter, Unit};
use qingfeng_store::responsibility::{self as resp, Item, ItemFilter};
use qingfeng_store::{Paging, Scope};

use super::service::{entry_filter, entry_view, may_correct, validate};
use crate::auth::{Ctx, Principal};
use crate::http::read_attachment;
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, FormTarget, Nav, Opt, PageError, PagePath, PageResult};
use crate::AppState;

#[derive(Template)]
#[template(path = "ledger/ledger.html")]
struct LedgerPage {
    nav: Nav,
    /// (id, date, kind, unit, participants, content, version)
    rows: Vec<(i64, String, String, String, i64, String, i64)>,
    year: String,
    q: String,
    kinds: Vec<Opt>,
    query: String,
    total: i64,
    page: i64,
    pages: i64,
    next_after: Option<i64>,
    prev_before: Option<i64>,
    can_write: bool,
    can_export: bool,
    voided: bool,
}

/// "会议研究（党员大会）": the kind as the office names it, and the meeting type when there is one.
fn kind_text(labels: &Labels, e: &Entry) -> String {
    let kind = labels.kind_of(&e.kind);
    match MeetingType::from_key(&e.meeting_type) {
        Some(t) => format!("{kind}（{}）", t.label()),
        None => kind.to_string(),
    }
}

/// The record types to choose from, as the office names them.
fn kind_options(labels: &Labels, selected: Option<EntryKind>) -> Vec<Opt> {
    labels.kinds().iter().map(|(k, name)| Opt::new(k.key(), name, selected == Some(*k))).collect()
}

pub async fn page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = entry_filter(&params)?;
    let labels = qingfeng_store::dicts::labels(&state.db).await?;
    let page = ledger::list(&state.db, &p.scope, &filter, Some(params.paging()?)).await?;
    let rows = page
        .items
        .iter()
        .map(|e| {
            (
                e.id,
                e.entry_date.to_string(),
                kind_text(&labels, e),
                e.unit_name.clone(),
                e.participant_count,
                e.content.chars().take(60).collect(),
                e.version,
            )
        })
        .collect();
    let kind = params.str("kind").and_then(|k| labels.parse_kind(&k));
    let keep: Vec<(&str, String)> = ["year", "kind", "q", "unit", "person", "item", "voided"]
        .iter()
        .filter_map(|k| params.str(k).map(|v| (*k, v)))
        .collect();
    render(&LedgerPage {
        voided: filter.voided == qingfeng_store::query::Voided::Only,
        nav: Nav::new(&p, "ledger"),
        rows,
        year: params.str("year").unwrap_or_default(),
        q: params.str("q").unwrap_or_default(),
        kinds: kind_options(&labels, kind),
        query: serde_urlencoded::to_string(keep).unwrap_or_default(),
        pages: ((page.total + page.per_page - 1) / page.per_page).max(1),
        next_after: page.next_after,
        prev_before: page.prev_before,
        total: page.total,
        page: page.page,
        can_write: p.can(Permission::LedgerWrite),
        can_export: p.can(Permission::LedgerExport),
    })
}

#[derive(Template)]
#[template(path = "ledger/form.html")]
struct EntryForm {
    nav: Nav,
    heading: String,
    action: String,
    cancel: String,
    correction: bool,
    today: String,
    f: EntryFields,
    errors: FieldErrors,
    kinds: Vec<Opt>,
    meeting_types: Vec<Opt>,
    units: Vec<Opt>,
    /// the people offered, each with their unit's id (for the 全体 buttons)
    people: Vec<(Opt, i64)>,
    /// (unit id, unit name, people offered): one 全体 button each
    groups: Vec<(i64, String, usize)>,
    items: Vec<Opt>,
    /// 典型案例 a 警示教育 entry may name
    cases: Vec<Opt>,
}

/// What the entry form offers to choose from.
struct Choices {
    units: Vec<Unit>,
    people: Vec<Person>,
    items: Vec<Item>,
}

/// The operator's units (and their own); the people offered as participants: the chosen unit's
/// subtree (or the operator's scope), capped; the chosen unit's items of the entry's year.
async fn choices(state: &AppState, p: &Principal, f: &EntryFields) -> Result<Choices, PageError> {
    let mut unit_list = units::all(&state.db, &p.scope).await?;
    let me = match p.person_id {
        Some(id) => people::get(&state.db, &Scope::all(), id).await.ok(),
        None => None,
    };
    if let Some(m) = &me {
        if !unit_list.iter().any(|u| u.id == m.unit_id) {
            unit_list.push(units::get(&state.db, m.unit_id).await?);
        }
    }
    let unit_for_people = f.unit_id.or(me.as_ref().map(|m| m.unit_id));
    let pf = PersonFilter {
        unit_id: unit_for_people,
        include_sub: true,
        status: Some("active".into()),
        ..Default::default()
    };
    let mut people_list = people::list(&state.db, &p.scope, &pf, Paging::new(Some(1), Some(200))).await?.items;
    if let Some(m) = me {
        if !people_list.iter().any(|x| x.id == m.id) {
            people_list.insert(0, m);
        }
    }
    let year = f.date.get(0..4).and_then(|y| y.parse().ok()).unwrap_or_else(this_year);
    let item_list = match unit_for_people {
        Some(u) => {
            resp::items(
                &state.db,
                &p.scope,
                &ItemFilter {
                    year: Some(year),
                    unit_id: Some(u),
                    include_sub: false,
                    active_only: true,
                    ..Default::default()
                },
                Some(Paging::new(Some(1), Some(200))),
            )
            .await?
            .items
        }
        None => vec![],
    };
    Ok(Choices { units: unit_list, people: people_list, items: item_list })
}

/// The entry form: its frame (heading, action, cancel), its values, its errors and its mode.
async fn form(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    f: EntryFields,
    errors: FieldErrors,
    correction: bool,
) -> PageResult {
    let FormTarget { heading, action, cancel } = target;
    let Choices { units: unit_list, people: people_list, items: item_list } = choices(state, p, &f).await?;
    let labels = qingfeng_store::dicts::labels(&state.db).await?;
    let kind = labels.parse_kind(&f.kind);
    let failed = !errors.is_empty();
    let cases = qingfeng_store::warning_cases::choices(&state.db)
        .await?
        .into_iter()
        .map(|(id, title)| Opt::new(id, title, f.cases.contains(&id)))
        .collect();
    let page = EntryForm {
        nav: Nav::new(p, "ledger"),
        heading,
        action,
        cancel,
        correction,
        today: office_today().to_string(),
        kinds: kind_options(&labels, kind),
        meeting_types: MeetingType::ALL
            .iter()
            .map(|t| Opt::new(t.key(), t.label(), MeetingType::parse(&f.meeting_type) == Some(*t)))
            .collect(),
        groups: unit_groups(&people_list),
        units: unit_list
            .iter()
            .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), f.unit_id == Some(u.id)))
            .collect(),
        people: people_list
            .iter()
            .map(|x| {
                (Opt::new(x.id, format!("{}（{}）", x.name, x.unit_name), f.participants.contains(&x.id)), x.unit_id)
            })
            .collect(),
        items: item_list
            .iter()
            .map(|i| {
                Opt::new(
                    i.id,
                    format!("{}：{}", i.person_name.clone().unwrap_or_else(|| i.unit_name.clone()), i.text),
                    f.items.contains(&i.id),
                )
            })
            .collect(),
        cases,
        f,
        errors,
    };
    let mut res = render(&page)?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The units of the people offered, in the order they first appear, with how many each has.
fn unit_groups(people_list: &[Person]) -> Vec<(i64, String, usize)> {
    let mut groups: Vec<(i64, String, usize)> = Vec::new();
    for x in people_list {
        match groups.iter_mut().find(|g| g.0 == x.unit_id) {
            Some(g) => g.2 += 1,
            None => groups.push((x.unit_id, x.unit_name.clone(), 1)),
        }
    }
    groups
}

fn fields_from(form: &FormPairs) -> EntryFields {
    let ids = |k: &str| form.all(k).iter().filter_map(|s| s.parse().ok()).collect::<Vec<i64>>();
    EntryFields {
        kind: form.get("kind"),
        meeting_type: form.get("meeting_type"),
        date: form.get("date"),
        place: form.get("place"),
        content: form.get("content"),
        unit_id: form.get("unit_id").parse().ok(),
        participants: ids("participants"),
        items: ids("items"),
        tasks: ids("tasks"),
        cases: ids("cases"),
        reason: form.get("reason"),
    }
}

fn field_errors(e: ApiError) -> Result<FieldErrors, PageError> {
    match e {
        ApiError::Invalid(f) => Ok(f),
        other => Err(PageError(other)),
    }
}

pub async fn new_entry(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let mut f = EntryFields {
        date: office_today().to_string(),
        unit_id: params.int("unit")?,
        // "用此案例登记警示教育" on a case's page
        kind: params.str("kind").unwrap_or_default(),
        cases: params.int("case")?.into_iter().collect(),
        ..Default::default()
    };
    if let Some(me) = p.person_id {
        f.participants.push(me);
        if f.unit_id.is_none() {
            f.unit_id = people::get(&state.db, &Scope::all(), me).await.ok().map(|m| m.unit_id);
        }
    }
    form(&state, &p, FormTarget::new("登记台账记录", "/ledger/new", "/ledger"), f, FieldErrors::default(), false).await
}

pub async fn create(Ctx { state, p }: Ctx, form_data: FormPairs) -> PageResult {
    let f = fields_from(&form_data);
    match validate(&state, &p, &f, None).await {
        Ok(d) => {
            let id = ledger::create(&state.db, &p.actor(), &d).await?;
            Ok(see_other(format!("/ledger/{id}")))
        }
        Err(e) => {
            form(&state, &p, FormTarget::new("登记台账记录", "/ledger/new", "/ledger"), f, field_errors(e)?, false)
                .await
        }
    }
}

fn fields_of(e: &Entry, participants: &[Named], items: Vec<i64>, cases: Vec<i64>) -> EntryFields {
    EntryFields {
        kind: e.kind.clone(),
        meeting_type: e.meeting_type.clone(),
        date: e.entry_date.to_string(),
        place: e.place.clone(),
        content: e.content.clone(),
        unit_id: Some(e.unit_id),
        participants: participants.iter().map(|x| x.id).collect(),
        items,
        tasks: vec![],
        cases,
        reason: String::new(),
    }
}

pub async fn version_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let e = ledger::get(&state.db, &p.scope, id).await?;
    let people_list = ledger::participants(&state.db, id).await?;
    let cases = ledger::cases(&state.db, id).await?.into_iter().map(|c| c.id).collect();
    let f = fields_of(&e, &people_list, ledger::linked_items(&state.db, id).await?, cases);
    form(
        &state,
        &p,
        FormTarget::new(
            format!("更正台账记录（第{}版）", e.version + 1),
            format!("/ledger/{id}/version"),
            format!("/ledger/{id}"),
        ),
        f,
        FieldErrors::default(),
        true,
    )
    .await
}

pub async fn create_version(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form_data: FormPairs) -> PageResult {
    let current = ledger::get(&state.db, &p.scope, id).await?;
    let f = fields_from(&form_data);
    match validate(&state, &p, &f, Some(&current)).await {
        Ok(d) => match ledger::new_version(&state.db, &p.actor(), &current, &d).await {
            Ok(new_id) => Ok(see_other(format!("/ledger/{new_id}"))),
            Err(e) => Err(PageError(e.into())),
        },
        Err(e) => {
            form(
                &state,
                &p,
                FormTarget::new(
                    format!("更正台账记录（第{}版）", current.version + 1),
                    format!("/ledger/{id}/version"),
                    format!("/ledger/{id}"),
                ),
                f,
                field_errors(e)?,
                true,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "ledger/entry.html")]
struct EntryPage {
    nav: Nav,
    e: Entry,
    kind: String,
    created: String,
    current: bool,
    participants: String,
    credited: Vec<Named>,
    hidden_credited: usize,
    tasks: Vec<Named>,
    hidden_tasks: usize,
    cases: Vec<Named>,
    attachments: Vec<AttachmentMeta>,
    attach_error: Option<String>,
    me: i64,
    withdrawable: bool,
    /// (id, version, date, author, reason)
    history: Vec<(i64, i64, String, String, String)>,
    hidden_versions: usize,
    can_write: bool,
    /// Whether a correction by this reader would be accepted (the button is shown only then).
    can_correct: bool,
}

pub async fn entry(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let e = ledger::get(&state.db, &p.scope, id).await?;
    let can_correct = may_correct(&state, &p, &e).await?;
    let v = entry_view(&state, &p, e).await?;
    let names: Vec<&str> = v.participants.iter().map(|x| x.name.as_str()).collect();
    render(&EntryPage {
        nav: Nav::new(&p, "ledger"),
        kind: kind_text(&qingfeng_store::dicts::labels(&state.db).await?, &v.entry),
        created: crate::time::local_time(v.entry.created_at),
        current: v.current,
        participants: match (names.is_empty(), v.hidden_participants) {
            (true, 0) => "无".into(),
            (false, 0) => names.join("、"),
            (true, n) => format!("{n} 人（不在您的数据范围内）"),
            (false, n) => format!("{}，另有 {n} 人不在您的数据范围内", names.join("、")),
        },
        credited: v.credited_items,
        hidden_credited: v.hidden_credited_items,
        tasks: v.tasks,
        hidden_tasks: v.hidden_tasks,
        cases: v.cases,
        attachments: v.attachments,
        attach_error: None,
        me: p.account_id,
        withdrawable: withdrawable(&state, &p, &v.entry, v.current).await?,
        history: v
            .history
            .iter()
            .map(|h| {
                (
                    h.id,
                    h.version,
                    crate::time::local_time(h.created_at),
                    h.author.clone().unwrap_or_default(),
                    h.reason.clone(),
                )
            })
            .collect(),
        hidden_versions: v.hidden_versions,
        can_write: p.can(Permission::LedgerWrite),
        can_correct,
        e: v.entry,
    })
}

#[derive(Template)]
#[template(path = "partials/attachments.html")]
struct Attachments {
    attachments: Vec<AttachmentMeta>,
    attach_error: Option<String>,
    /// the reader's account: the files they uploaded offer 撤回 while `withdrawable`
    me: i64,
    /// the entry is current and the reader may still correct it
    withdrawable: bool,
}

/// Whether the reader's own attachments of `e` may still be withdrawn: `e` is the current
/// version and the reader may correct it (the rule `service::withdraw_attachment` applies).
async fn withdrawable(state: &AppState, p: &Principal, e: &Entry, current: bool) -> Result<bool, PageError> {
    Ok(current && may_correct(state, p, e).await?)
}

/// The attachment list of `e` as the reader sees it, with `attach_error` shown in it.
async fn attachment_list(state: &AppState, p: &Principal, e: &Entry, attach_error: Option<String>) -> PageResult {
    let current = ledger::history(&state.db, e.entry_key).await?.last().map(|h| h.id) == Some(e.id);
    render(&Attachments {
        attachments: ledger::attachments(&state.db, e.id).await?,
        attach_error,
        me: p.account_id,
        withdrawable: withdrawable(state, p, e, current).await?,
    })
}

/// htmx upload: answers the attachment list (with the error, if any, shown in it).
pub async fn upload(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, m: Multipart) -> PageResult {
    let e = ledger::get(&state.db, &p.scope, id).await?;
    let attach_error = match read_attachment(m).await {
        Ok(a) => {
            match ledger::add_attachment(&state.db, &p.actor(), e.id, &a.filename, a.content_type, a.bytes).await {
                Ok(_) => None,
                Err(qingfeng_store::StoreError::Refused(message)) => Some(message),
                Err(other) => return Err(PageError(other.into())),
            }
        }
        Err(ApiError::BadRequest { message, .. }) => Some(message),
        Err(other) => return Err(PageError(other)),
    };
    attachment_list(&state, &p, &e, attach_error).await
}

/// htmx 撤回: answers the attachment list (with the refusal, if any, shown in it).
pub async fn withdraw(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let meta = ledger::attachment_meta(&state.db, &p.scope, id).await?;
    let e = ledger::get(&state.db, &p.scope, meta.entry_id).await?;
    let attach_error = match super::service::withdraw_attachment(&state, &p, id).await {
        Ok(_) => None,
        Err(ApiError::Conflict(message) | ApiError::Forbidden(message)) => Some(message),
        Err(other) => return Err(PageError(other)),
    };
    attachment_list(&state, &p, &e, attach_error).await
}
