//! The meeting form: members with attendance, then each topic with a row per member (speaking
//! order, view, vote, 回避 and its reason). 更新议题表格 redraws the topic grids after members
//! change (nothing is saved); the checks panel asks `/decisions/check` (htmx) as the recorder
//! types and shows each rule's result or what the input still lacks.

use askama::Template;
use qingfeng_domain::decisions::{
    Body, DecidedBy, MeetingFields, MemberFields, RecusalFields, SpeechFields, TopicCategory, TopicFields, TopicResult,
    Vote, VoteFields, VotingMethod,
};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::decisions as store;

use super::body_options;
use crate::auth::{Ctx, Principal};
use crate::features::decisions::service;
use crate::features::findings::checked_api::Checked;
use crate::features::findings::from_checks::checks_panel;
use crate::features::findings::pages::{people_options, person_opts, unit_options, Pick};
use crate::http::{form_errors, render_form, see_other, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult};
use crate::AppState;

/// Blank member rows offered below the members entered, and the fewest rows shown.
const BLANK_MEMBERS: usize = 3;
const MIN_MEMBERS: usize = 7;

struct MemberRow {
    people: Vec<Opt>,
    present: bool,
    reason: String,
    opinion: String,
}

/// One member's line in a topic's grid.
struct GridRow {
    /// index of the member row
    j: usize,
    name: String,
    order: String,
    view: String,
    votes: Vec<Opt>,
    recused: bool,
    reason: String,
}

struct TopicBlock {
    i: usize,
    title: String,
    amount: String,
    categories: Vec<Opt>,
    decided_by: Vec<Opt>,
    voting: Vec<Opt>,
    results: Vec<Opt>,
    grid: Vec<GridRow>,
}

#[derive(Template)]
#[template(path = "decisions/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    today: String,
    f: MeetingFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    bodies: Vec<Opt>,
    chairs: Vec<Opt>,
    recorders: Vec<Opt>,
    members: Vec<MemberRow>,
    topics: Vec<TopicBlock>,
}

fn keyed_opts<T: Copy + PartialEq>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    chosen: Option<T>,
) -> Vec<Opt> {
    all.iter().map(|x| Opt::new(key(*x), label(*x), chosen == Some(*x))).collect()
}

fn topic_block(i: usize, t: &TopicFields, f: &MeetingFields, picks: &[Pick]) -> TopicBlock {
    let label =
        |pid: i64| picks.iter().find(|x| x.id() == pid).map_or_else(|| format!("#{pid}"), |x| x.label().to_string());
    let grid = f
        .members
        .iter()
        .enumerate()
        .filter_map(|(j, m)| m.person_id.map(|pid| (j, pid)))
        .map(|(j, pid)| {
            let speech = t.speeches.iter().position(|s| s.person_id == Some(pid));
            let vote = t.votes.iter().find(|v| v.person_id == Some(pid)).and_then(|v| Vote::parse(&v.vote));
            let recusal = t.recusals.iter().find(|r| r.person_id == Some(pid));
            GridRow {
                j,
                name: label(pid),
                order: speech.map(|k| (k + 1).to_string()).unwrap_or_default(),
                view: speech.map(|k| t.speeches[k].view.clone()).unwrap_or_default(),
                votes: keyed_opts(Vote::ALL, Vote::key, Vote::label, vote),
                recused: recusal.is_some(),
                reason: recusal.map(|r| r.reason.clone()).unwrap_or_default(),
            }
        })
        .collect();
    TopicBlock {
        i,
        title: t.title.clone(),
        amount: t.amount.clone(),
        categories: keyed_opts(
            TopicCategory::ALL,
            TopicCategory::key,
            TopicCategory::label,
            TopicCategory::parse(&t.category),
        ),
        decided_by: keyed_opts(DecidedBy::ALL, DecidedBy::key, DecidedBy::label, DecidedBy::parse(&t.decided_by)),
        voting: keyed_opts(
            VotingMethod::ALL,
            VotingMethod::key,
            VotingMethod::label,
            VotingMethod::parse(&t.voting_method),
        ),
        results: keyed_opts(TopicResult::ALL, TopicResult::key, TopicResult::label, TopicResult::parse(&t.result)),
        grid,
    }
}

async fn form_page(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    f: MeetingFields,
    errors: FieldErrors,
) -> PageResult {
    let picks = people_options(state, p).await?;
    let blanks = BLANK_MEMBERS.max(MIN_MEMBERS.saturating_sub(f.members.len()));
    let members = f
        .members
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(MemberFields::default(), blanks))
        .map(|m| MemberRow {
            people: person_opts(&picks, m.person_id),
            present: m.present,
            reason: m.absence_reason,
            opinion: m.written_opinion,
        })
        .collect();
    let blank = TopicFields::default();
    let mut topics: Vec<TopicBlock> = f.topics.iter().enumerate().map(|(i, t)| topic_block(i, t, &f, &picks)).collect();
    if f.topics.last().is_none_or(|t| t != &blank) {
        topics.push(topic_block(f.topics.len(), &blank, &f, &picks));
    }
    let refused = !errors.is_empty();
    render_form(
        &FormPage {
            nav: Nav::new(p, "decisions"),
            target,
            today: office_today().to_string(),
            units: unit_options(&state.db, &p.scope, f.unit_id).await?,
            bodies: body_options(Body::parse(&f.body)),
            chairs: person_opts(&picks, f.chair_id),
            recorders: person_opts(&picks, f.recorder_id),
            members,
            topics,
            f,
            errors,
        },
        refused,
    )
}

fn id(v: &str) -> Option<i64> {
    v.trim().parse().ok()
}

fn topic_from(form: &FormPairs, i: usize, members: &[MemberFields]) -> TopicFields {
    let g = |k: &str| form.get(&format!("t{i}_{k}"));
    let mut speeches: Vec<(usize, SpeechFields)> = Vec::new();
    let mut votes = Vec::new();
    let mut recusals = Vec::new();
    for (j, m) in members.iter().enumerate() {
        let Some(pid) = m.person_id else { continue };
        let (order, view) = (g(&format!("{j}_order")), g(&format!("{j}_view")));
        if !order.trim().is_empty() || !view.trim().is_empty() {
            let rank = order.trim().parse::<usize>().unwrap_or(1000 + j);
            speeches.push((rank, SpeechFields { person_id: Some(pid), view }));
        }
        let vote = g(&format!("{j}_vote"));
        if !vote.trim().is_empty() {
            votes.push(VoteFields { person_id: Some(pid), vote });
        }
        if g(&format!("{j}_recuse")) == "1" {
            recusals.push(RecusalFields { person_id: Some(pid), reason: g(&format!("{j}_reason")) });
        }
    }
    speeches.sort_by_key(|(rank, _)| *rank);
    TopicFields {
        title: g("title"),
        category: g("category"),
        amount: g("amount"),
        decided_by: g("decided_by"),
        voting_method: g("voting"),
        result: g("result"),
        speeches: speeches.into_iter().map(|(_, s)| s).collect(),
        votes,
        recusals,
    }
}

/// The fields of a submitted form. Member rows keep their position (blank rows included) so
/// the topic grids, keyed by member row, read back to the right person.
fn fields_from(form: &FormPairs) -> MeetingFields {
    let (people, present, reasons, opinions) =
        (form.all("m_person"), form.all("m_present"), form.all("m_reason"), form.all("m_opinion"));
    let members: Vec<MemberFields> = (0..people.len())
        .map(|j| MemberFields {
            person_id: id(&people[j]),
            present: present.get(j).is_none_or(|v| v != "0"),
            absence_reason: reasons.get(j).cloned().unwrap_or_default(),
            written_opinion: opinions.get(j).cloned().unwrap_or_default(),
        })
        .collect();
    let count =
        form.get("topic_count").trim().parse::<usize>().unwrap_or(0).min(qingfeng_domain::decisions::TOPICS_MAX + 1);
    let topics = (0..count).map(|i| topic_from(form, i, &members)).filter(|t| t != &TopicFields::default()).collect();
    MeetingFields {
        unit_id: id(&form.get("unit_id")),
        body: form.get("body"),
        held_on: form.get("held_on"),
        place: form.get("place"),
        chair_id: id(&form.get("chair_id")),
        recorder_id: id(&form.get("recorder_id")),
        item_by_item: form.get("item_by_item") != "0",
        members: members.into_iter().filter(|m| m.person_id.is_some()).collect(),
        topics,
    }
}

fn new_target() -> FormTarget {
    FormTarget::new("登记决策会议", "/decisions/new", "/decisions")
}

fn edit_target(id: i64) -> FormTarget {
    FormTarget::new(
        format!("修改决策会议记录（编号 {id}）"),
        format!("/decisions/{id}/edit"),
        format!("/decisions/{id}"),
    )
}

pub async fn new_form(Ctx { state, p }: Ctx) -> PageResult {
    let f = MeetingFields {
        held_on: office_today().to_string(),
        body: Body::PartyGroup.key().into(),
        ..Default::default()
    };
    form_page(&state, &p, new_target(), f, FieldErrors::default()).await
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    if form.get("_refresh") == "1" {
        return form_page(&state, &p, new_target(), f, FieldErrors::default()).await;
    }
    match service::Meetings::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/decisions/{id}"))),
        Err(e) => form_page(&state, &p, new_target(), f, form_errors(e, "unit_id")?).await,
    }
}

pub async fn edit_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let m = store::get(&state.db, &p.scope, id).await?;
    form_page(&state, &p, edit_target(id), m.fields(), FieldErrors::default()).await
}

pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let m = store::get(&state.db, &p.scope, id).await?;
    let f = fields_from(&form);
    if form.get("_refresh") == "1" {
        return form_page(&state, &p, edit_target(id), f, FieldErrors::default()).await;
    }
    match service::Meetings::edit(&state, &p, &m, &f).await {
        Ok(()) => Ok(see_other(format!("/decisions/{id}"))),
        Err(e) => form_page(&state, &p, edit_target(id), f, form_errors(e, "unit_id")?).await,
    }
}

/// `POST /decisions/check` (htmx): the checks of the form as typed, or what it still lacks.
pub async fn check(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    checks_panel(service::Meetings::dry_run(&state, &p, &f).await)
}
