//! 谈心谈话: checks of a talk as entered, who reads a discipline talk's summary, and the
//! coverage of a branch (R-BR-5) and of a leadership group for a year.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::ledger::EntryDraft;
use qingfeng_domain::talks::{branch_pairs, talked, CoveragePair, PairKind, TalkDraft, TalkFields, TalkKind};
use qingfeng_domain::time::office_today;
use qingfeng_store::ledger::Named;
use qingfeng_store::org::branches;
use qingfeng_store::talks::{self as store, FollowUpRow, TalkFilter, TalkRow};
use qingfeng_store::StoreError;
use serde::Serialize;

use crate::auth::Principal;
use crate::features::findings::service::is_discipline_group;
use crate::features::ledger::service::{self as ledger_service, person_visible};
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`talk_filter`] reads.
pub const TALK_FILTERS: &[&str] = &["year", "kind", "person"];

pub fn talk_filter(params: &Params) -> ApiResult<TalkFilter> {
    let kind = match params.str("kind") {
        None => None,
        Some(k) => Some(
            TalkKind::parse(&k)
                .ok_or_else(|| {
                    ApiError::bad_request(format!("谈话类型应为{}之一", TalkKind::label_list()), Some("kind"))
                })?
                .key()
                .to_string(),
        ),
    };
    Ok(TalkFilter { year: params.int("year")?, kind, person_id: params.int("person")? })
}

/// Checks a talk as entered: its fields, that a 诫勉谈话 comes from the 纪检组, that every person
/// named is one the operator can see (each side named as its own field).
async fn checked(state: &AppState, p: &Principal, f: &TalkFields) -> ApiResult<TalkDraft> {
    let d = f.validate(office_today())?;
    if d.kind.group_only() && !is_discipline_group(state, p).await? {
        return Err(StoreError::field("talk_kind", format!("{}只能由纪检监察组登记", d.kind.label())).into());
    }
    let sides = [("talkers", "谈话人", &d.talkers), ("counterparts", "谈话对象", &d.counterparts)];
    for (field, label, ids) in sides {
        for id in ids.iter() {
            if !person_visible(state, p, *id).await? {
                return Err(StoreError::field(field, format!("{label}（编号 {id}）不存在或不在您的数据范围内")).into());
            }
        }
    }
    for f in &d.follow_ups {
        if !person_visible(state, p, f.person_id).await? {
            let msg = format!("后续事项责任人（编号 {}）不存在或不在您的数据范围内", f.person_id);
            return Err(StoreError::field("follow_ups", msg).into());
        }
    }
    Ok(d)
}

/// Checks a new talk ([`checked`]), then the ledger entry's own checks (the unit in scope).
pub async fn validate(state: &AppState, p: &Principal, f: &TalkFields) -> ApiResult<(TalkDraft, EntryDraft)> {
    let d = checked(state, p, f).await?;
    let entry = ledger_service::validate(state, p, &d.entry_fields(), None).await?;
    Ok((d, entry))
}

/// A recorded talk as the edit form starts from it, for a writer who may correct it: one who
/// reads its summary (a discipline talk's is the 纪检组's and the people concerned's), and for
/// a 诫勉谈话 the 纪检组 only.
pub async fn editable(state: &AppState, p: &Principal, id: i64) -> ApiResult<(TalkRow, TalkDraft)> {
    let row = store::get(&state.db, &p.scope, id).await?;
    let shown = view(state, p, row.clone()).await?;
    let before = store::draft_of(&state.db, &row).await?.ok_or(ApiError::NotFound)?;
    if shown.summary_hidden || (before.kind.group_only() && !is_discipline_group(state, p).await?) {
        return Err(ApiError::Forbidden(format!("{}只能由纪检监察组或当事人更正", before.kind.label())));
    }
    Ok((row, before))
}

/// Corrects a talk: a new version of its ledger entry with the new fields and the reason,
/// audited. Returns the new version's id.
pub async fn correct(state: &AppState, p: &Principal, id: i64, f: &TalkFields) -> ApiResult<i64> {
    let (_, before) = editable(state, p, id).await?;
    let d = checked(state, p, f).await?;
    let current = qingfeng_store::ledger::get(&state.db, &p.scope, id).await?;
    let mut fields = d.entry_fields();
    fields.reason = f.reason.clone();
    let entry = ledger_service::validate(state, p, &fields, Some(&current)).await?;
    Ok(store::correct(&state.db, &p.actor(), &current, &before, &d, &entry).await?)
}

/// A talk as a reader sees it: a discipline talk's topics and summary are blank unless the
/// reader is the 纪检组 or took part in it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TalkView {
    #[serde(flatten)]
    pub talk: TalkRow,
    /// 谈心谈话, 诫勉谈话 …
    pub kind_label: String,
    pub talkers: Vec<Named>,
    pub counterparts: Vec<Named>,
    pub follow_ups: Vec<FollowUpRow>,
    /// true when the topics and summary are withheld from this reader
    pub summary_hidden: bool,
}

pub async fn view(state: &AppState, p: &Principal, mut talk: TalkRow) -> ApiResult<TalkView> {
    let db = &state.db;
    let talkers = store::people(db, talk.id, "talker").await?;
    let counterparts = store::people(db, talk.id, "counterpart").await?;
    let kind = TalkKind::from_key(&talk.talk_kind);
    let took_part = p.person_id.is_some_and(|me| talkers.iter().chain(&counterparts).any(|x| x.id == me));
    let summary_hidden = kind.is_some_and(TalkKind::restricted) && !took_part && !is_discipline_group(state, p).await?;
    let mut follow_ups = store::follow_ups(db, talk.id).await?;
    if summary_hidden {
        talk.summary.clear();
        talk.topics.clear();
        follow_ups.clear();
    }
    Ok(TalkView {
        kind_label: kind.map_or("", TalkKind::label).to_string(),
        talk,
        talkers,
        counterparts,
        follow_ups,
        summary_hidden,
    })
}

/// Current talks in the reader's scope, each as the reader may see it.
pub async fn list(
    state: &AppState,
    p: &Principal,
    f: &TalkFilter,
    paging: Option<qingfeng_store::Paging>,
) -> ApiResult<qingfeng_store::Page<TalkView>> {
    let page = store::list(&state.db, &p.scope, f, paging).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for t in page.items {
        items.push(view(state, p, t).await?);
    }
    Ok(qingfeng_store::Page::new(items, page.total, page.page, page.per_page))
}

/// A person in a coverage matrix.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct CoveragePerson {
    pub id: i64,
    pub name: String,
    /// 书记 / 委员 / 党员, or 主要负责人 / 班子成员 / 科室负责人
    pub part: String,
}

/// Counts of one kind of pair.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CoverageCount {
    pub kind: PairKind,
    pub label: String,
    pub done: usize,
    pub total: usize,
}

/// Who has talked with whom in a year: the pairs asked for, each done or missing.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub year: i32,
    /// the branch or unit counted
    pub unit_id: i64,
    pub unit_name: String,
    /// the day whose roll is counted (the year's last day, or today in the current year)
    pub on: NaiveDate,
    pub people: Vec<CoveragePerson>,
    pub pairs: Vec<CoveragePair>,
    pub counts: Vec<CoverageCount>,
    pub done: usize,
    pub total: usize,
}

fn counted_day(year: i32) -> ApiResult<NaiveDate> {
    let today = office_today();
    if year < 2000 || year > today.year() {
        return Err(ApiError::bad_request(format!("年度应在 2000 至 {} 之间", today.year()), Some("year")));
    }
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");
    Ok(end.min(today))
}

async fn talked_pairs(state: &AppState, year: i32) -> ApiResult<HashSet<(i64, i64)>> {
    Ok(store::pairs(&state.db, i64::from(year)).await?.into_iter().collect())
}

fn summed(
    year: i32,
    unit: (i64, String),
    on: NaiveDate,
    people: Vec<CoveragePerson>,
    pairs: Vec<CoveragePair>,
) -> Coverage {
    let kinds = [
        PairKind::CommitteeCommittee,
        PairKind::CommitteeMember,
        PairKind::MemberMember,
        PairKind::PrincipalLeader,
        PairKind::LeaderHead,
    ];
    let counts = kinds
        .iter()
        .map(|k| CoverageCount {
            kind: *k,
            label: k.label().to_string(),
            done: pairs.iter().filter(|x| x.kind == *k && x.done).count(),
            total: pairs.iter().filter(|x| x.kind == *k).count(),
        })
        .filter(|c| c.total > 0)
        .collect();
    Coverage {
        year,
        unit_id: unit.0,
        unit_name: unit.1,
        on,
        done: pairs.iter().filter(|x| x.done).count(),
        total: pairs.len(),
        people,
        pairs,
        counts,
    }
}

/// R-BR-5 for a branch in the reader's scope: its roll on the counted day, every two members.
pub async fn branch_coverage(state: &AppState, p: &Principal, year: i32, branch_id: i64) -> ApiResult<Coverage> {
    let on = counted_day(year)?;
    let branch = match branches::get(&state.db, &p.scope, branch_id).await {
        Err(StoreError::NotFound) => {
            return Err(ApiError::bad_request("党支部不存在或不在您的数据范围内", Some("branch")));
        }
        other => other?,
    };
    let roll = branches::members_on(&state.db, branch_id, on).await?;
    let done = talked_pairs(state, year).await?;
    let pairs = branch_pairs(&roll.iter().map(|m| (m.person_id, m.post.is_some())).collect::<Vec<_>>(), &done);
    let people = roll
        .iter()
        .map(|m| CoveragePerson {
            id: m.person_id,
            name: m.name.clone(),
            part: m.post().map_or("党员", |x| x.label()).to_string(),
        })
        .collect();
    Ok(summed(year, (branch.id, branch.name), on, people, pairs))
}

/// The leadership duties of a unit in the reader's scope: its 主要负责人 with every 班子成员,
/// and each 班子成员 with the heads of the divisions in their charge.
pub async fn leadership_coverage(state: &AppState, p: &Principal, year: i32, unit_id: i64) -> ApiResult<Coverage> {
    let on = counted_day(year)?;
    let group = super::leadership::group(state, p, unit_id).await?;
    let done = talked_pairs(state, year).await?;
    let mut pairs = Vec::new();
    for principal in &group.principals {
        for leader in &group.leaders {
            let (a, b) = (principal.id, leader.id);
            pairs.push(CoveragePair { a, b, kind: PairKind::PrincipalLeader, done: talked(&done, a, b) });
        }
    }
    for (leader, heads) in &group.heads {
        for head in heads {
            let (a, b) = (*leader, head.id);
            pairs.push(CoveragePair { a, b, kind: PairKind::LeaderHead, done: talked(&done, a, b) });
        }
    }
    let mut people: Vec<CoveragePerson> = group.principals.clone();
    people.extend(group.leaders.iter().cloned());
    for h in group.heads.iter().flat_map(|(_, hs)| hs) {
        if !people.iter().any(|x| x.id == h.id) {
            people.push(h.clone());
        }
    }
    Ok(summed(year, (group.unit_id, group.unit_name), on, people, pairs))
}
