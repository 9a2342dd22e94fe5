//! 谈心谈话 pages: the list, a talk, the talk form and the coverage matrix.

use askama::Template;
use axum::extract::RawQuery;
use chrono::Datelike;
use qingfeng_domain::access::Permission;
use qingfeng_domain::talks::{FollowUpFields, TalkFields, TalkKind};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::{branches, people, units, PersonFilter};
use qingfeng_store::talks as store;
use qingfeng_store::{Paging, Scope};

use super::service::{self, talk_filter, Coverage, TalkView};
use super::suggest::{self as suggest, Suggestions};
use crate::auth::{Ctx, Principal};
use crate::http::{
    form_errors, render, see_other, ApiError, ApiResult, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult, Pager,
    Params,
};
use crate::AppState;

fn kind_options(chosen: Option<TalkKind>) -> Vec<Opt> {
    TalkKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), chosen == Some(*k))).collect()
}

#[derive(Template)]
#[template(path = "talks/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<TalkView>,
    kinds: Vec<Opt>,
    year: String,
    export_query: String,
    pager: Pager,
    can_write: bool,
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = talk_filter(&params)?;
    let page = service::list(&state, &p, &filter, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> =
        service::TALK_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    render(&ListPage {
        nav: Nav::new(&p, "talks"),
        pager: Pager::new("/talks", &page, &keep),
        export_query: serde_urlencoded::to_string(&keep).unwrap_or_default(),
        rows: page.items,
        kinds: kind_options(filter.kind.as_deref().and_then(TalkKind::from_key)),
        year: params.str("year").unwrap_or_default(),
        can_write: p.can(Permission::TalkWrite),
    })
}

#[derive(Template)]
#[template(path = "talks/detail.html")]
struct DetailPage {
    nav: Nav,
    t: TalkView,
    can_edit: bool,
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let talk = store::get(&state.db, &p.scope, id).await?;
    let t = service::view(&state, &p, talk).await?;
    let can_edit = p.can(Permission::TalkWrite) && !t.summary_hidden;
    render(&DetailPage { nav: Nav::new(&p, "talks"), t, can_edit })
}

/// One follow-up row of the form.
struct FollowUpRow {
    people: Vec<Opt>,
    deadline: String,
    content: String,
}

#[derive(Template)]
#[template(path = "talks/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    today: String,
    f: TalkFields,
    errors: FieldErrors,
    kinds: Vec<Opt>,
    units: Vec<Opt>,
    talkers: Vec<Opt>,
    counterparts: Vec<Opt>,
    follow_ups: Vec<FollowUpRow>,
    /// topics suggested for the counterparts chosen
    sets: Vec<Suggestions>,
    /// a correction of a recorded talk (asks for the reason)
    correcting: bool,
}

fn new_target() -> FormTarget {
    FormTarget::new("登记谈话", "/talks/new", "/talks")
}

fn edit_target(id: i64) -> FormTarget {
    FormTarget::new("更正谈话记录", format!("/talks/{id}/edit"), format!("/talks/{id}"))
}

async fn form_page(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    mut f: TalkFields,
    errors: FieldErrors,
) -> PageResult {
    let correcting = target.action.ends_with("/edit");
    let me = match p.person_id {
        Some(id) => people::get(&state.db, &Scope::all(), id).await.ok(),
        None => None,
    };
    if f.unit_id.is_none() {
        f.unit_id = me.as_ref().map(|m| m.unit_id);
    }
    let unit_list = units::all(&state.db, &p.scope).await?;
    let pf = PersonFilter { status: Some("active".into()), ..Default::default() };
    let mut people_list = people::list(&state.db, &p.scope, &pf, Paging::new(Some(1), Some(500))).await?.items;
    if let Some(m) = me {
        if !people_list.iter().any(|x| x.id == m.id) {
            people_list.insert(0, m);
        }
    }
    let options = |chosen: &[i64]| -> Vec<Opt> {
        people_list
            .iter()
            .map(|x| Opt::new(x.id, format!("{}（{}）", x.name, x.unit_name), chosen.contains(&x.id)))
            .collect()
    };
    let mut rows: Vec<FollowUpFields> = f.follow_ups.clone();
    rows.resize(rows.len().max(2), FollowUpFields::default());
    let follow_ups = rows
        .iter()
        .map(|r| FollowUpRow {
            people: options(&r.person_id.into_iter().collect::<Vec<_>>()),
            deadline: r.deadline.clone(),
            content: r.content.clone(),
        })
        .collect();
    render(&FormPage {
        nav: Nav::new(p, "talks"),
        target,
        correcting,
        today: office_today().to_string(),
        kinds: kind_options(TalkKind::parse(&f.talk_kind)),
        units: unit_list.iter().map(|u| Opt::new(u.id, &u.name, f.unit_id == Some(u.id))).collect(),
        talkers: options(&f.talkers),
        counterparts: options(&f.counterparts),
        follow_ups,
        sets: suggestion_sets(state, p, &f.counterparts).await?,
        f,
        errors,
    })
}

pub async fn new_form(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let f = TalkFields {
        talk_kind: params.str("kind").unwrap_or_default(),
        talkers: p.person_id.into_iter().collect(),
        counterparts: params.int("counterpart")?.into_iter().collect(),
        date: office_today().to_string(),
        ..Default::default()
    };
    form_page(&state, &p, new_target(), f, FieldErrors::default()).await
}

/// The form of a recorded talk, filled with its fields.
pub async fn edit_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let (_, d) = service::editable(&state, &p, id).await?;
    let f = TalkFields {
        talk_kind: d.kind.key().to_string(),
        date: d.date.to_string(),
        place: d.place,
        unit_id: Some(d.unit_id),
        talkers: d.talkers,
        counterparts: d.counterparts,
        topics: d.topics,
        summary: d.summary,
        follow_ups: d
            .follow_ups
            .into_iter()
            .map(|x| FollowUpFields {
                person_id: Some(x.person_id),
                deadline: x.deadline.to_string(),
                content: x.content,
            })
            .collect(),
        reason: String::new(),
    };
    form_page(&state, &p, edit_target(id), f, FieldErrors::default()).await
}

/// Saves a correction: a new version of the talk, then its page.
pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    match service::correct(&state, &p, id, &f).await {
        Ok(new_id) => Ok(see_other(format!("/talks/{new_id}"))),
        Err(e) => form_page(&state, &p, edit_target(id), f, form_errors(e, "talk_kind")?).await,
    }
}

/// Suggestions for each of the first counterparts the reader may see (others are left out).
async fn suggestion_sets(state: &AppState, p: &Principal, counterparts: &[i64]) -> ApiResult<Vec<Suggestions>> {
    let mut sets = Vec::new();
    for id in counterparts.iter().take(SUGGESTED_PEOPLE) {
        match suggest::suggestions(state, p, *id).await {
            Ok(s) => sets.push(s),
            Err(ApiError::BadRequest { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(sets)
}

/// Suggestions are drawn for at most this many counterparts of a talk.
const SUGGESTED_PEOPLE: usize = 3;

#[derive(Template)]
#[template(path = "talks/suggestions.html")]
struct SuggestionsPart {
    sets: Vec<Suggestions>,
}

/// `GET /talks/suggestions?counterparts=…` (or `?person=`): the form's suggestions, as htmx
/// swaps them in when the counterparts change.
pub async fn suggestions(Ctx { state, p }: Ctx, RawQuery(query): RawQuery) -> PageResult {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "counterparts" || k == "person")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    render(&SuggestionsPart { sets: suggestion_sets(&state, &p, &ids).await? })
}

fn ids(form: &FormPairs, key: &str) -> Vec<i64> {
    form.all(key).iter().filter_map(|v| v.trim().parse().ok()).collect()
}

fn fields_from(form: &FormPairs) -> TalkFields {
    let (who, when, what) = (form.all("fu_person"), form.all("fu_deadline"), form.all("fu_content"));
    let follow_ups = (0..who.len().max(when.len()).max(what.len()))
        .map(|i| FollowUpFields {
            person_id: who.get(i).and_then(|v| v.trim().parse().ok()),
            deadline: when.get(i).cloned().unwrap_or_default(),
            content: what.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    TalkFields {
        talk_kind: form.get("talk_kind"),
        date: form.get("date"),
        place: form.get("place"),
        unit_id: form.get("unit_id").trim().parse().ok(),
        talkers: ids(form, "talkers"),
        counterparts: ids(form, "counterparts"),
        topics: form.get("topics"),
        summary: form.get("summary"),
        follow_ups,
        reason: form.get("reason"),
    }
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    let result = match service::validate(&state, &p, &f).await {
        Ok((d, entry)) => store::create(&state.db, &p.actor(), &d, &entry).await.map_err(Into::into),
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(see_other(format!("/talks/{id}"))),
        Err(e) => form_page(&state, &p, new_target(), f, form_errors(e, "talk_kind")?).await,
    }
}

/// One cell of the coverage matrix.
struct Cell {
    /// "self", "done", "missing" or "" (no talk asked for between the two)
    state: &'static str,
    title: String,
}

#[derive(Template)]
#[template(path = "talks/coverage.html")]
struct CoveragePage {
    nav: Nav,
    year: i32,
    branches: Vec<Opt>,
    units: Vec<Opt>,
    c: Option<Coverage>,
    grid: Vec<Vec<Cell>>,
}

fn grid(c: &Coverage) -> Vec<Vec<Cell>> {
    let name = |id: i64| c.people.iter().find(|x| x.id == id).map_or(String::new(), |x| x.name.clone());
    c.people
        .iter()
        .map(|row| {
            c.people
                .iter()
                .map(|col| {
                    if row.id == col.id {
                        return Cell { state: "self", title: String::new() };
                    }
                    let pair =
                        c.pairs.iter().find(|x| (x.a, x.b) == (row.id, col.id) || (x.b, x.a) == (row.id, col.id));
                    match pair {
                        Some(x) => Cell {
                            state: if x.done { "done" } else { "missing" },
                            title: format!(
                                "{} 与 {}（{}）：{}",
                                name(row.id),
                                name(col.id),
                                x.kind.label(),
                                if x.done { "已谈" } else { "未谈" }
                            ),
                        },
                        None => Cell { state: "", title: String::new() },
                    }
                })
                .collect()
        })
        .collect()
}

pub async fn coverage(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let year = params.int("year")?.map_or_else(|| office_today().year(), |y| y as i32);
    let branch = params.int("branch")?;
    let unit = params.int("unit")?;
    let branch_list = branches::list(&state.db, &p.scope).await?;
    let branch = branch.or(if unit.is_none() { branch_list.first().map(|b| b.id) } else { None });
    let c = match (branch, unit) {
        (Some(b), _) => Some(service::branch_coverage(&state, &p, year, b).await?),
        (None, Some(u)) => Some(service::leadership_coverage(&state, &p, year, u).await?),
        (None, None) => None,
    };
    let unit_list = units::all(&state.db, &p.scope).await?;
    render(&CoveragePage {
        nav: Nav::new(&p, "talks"),
        year,
        branches: branch_list.iter().map(|b| Opt::new(b.id, &b.name, branch == Some(b.id))).collect(),
        units: unit_list
            .iter()
            .filter(|u| u.kind != "branch")
            .map(|u| Opt::new(u.id, &u.name, branch.is_none() && unit == Some(u.id)))
            .collect(),
        grid: c.as_ref().map(grid).unwrap_or_default(),
        c,
    })
}
