//! 督查督办: the filters, a decision with its tasks and notes, and the writes (a decision, a
//! 督办, its answer and closing) with every id they name checked against the writer's scope.

use qingfeng_domain::access::Permission;
use qingfeng_domain::decisions::{Body, TopicResult};
use qingfeng_domain::supervision::{
    ImplementationFields, NoteAnswerFields, NoteCloseFields, NoteFields, NoteState, Source,
};
use qingfeng_domain::time::office_today;
use qingfeng_store::org::people;
use qingfeng_store::plans::{self, Task};
use qingfeng_store::supervision::{self as store, Implementation, ImplementationFilter, Note, NoteFilter};
use qingfeng_store::{Page, Paging, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::features::org::service::unit_in_scope;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`implementation_filter`] reads.
pub const IMPLEMENTATION_FILTERS: &[&str] = &["year", "source", "state", "q"];
/// The query parameters [`note_filter`] reads.
pub const NOTE_FILTERS: &[&str] = &["implementation", "state"];

/// `source` (topic / higher, key or label), `state=overdue` (an overdue task or 督办).
pub fn implementation_filter(params: &Params) -> ApiResult<ImplementationFilter> {
    let source =
        match params.str("source") {
            None => None,
            Some(s) => Some(Source::parse(&s).ok_or_else(|| {
                ApiError::bad_request(format!("来源应为{}之一", Source::label_list()), Some("source"))
            })?),
        };
    let overdue = match params.str("state").as_deref() {
        None | Some("") => false,
        Some("overdue") => true,
        Some(_) => return Err(ApiError::bad_request("状态应为 overdue（有逾期事项）", Some("state"))),
    };
    Ok(ImplementationFilter { year: params.int("year")?, source, overdue, q: params.str("q") })
}

pub fn note_filter(params: &Params) -> ApiResult<NoteFilter> {
    let state =
        match params.str("state") {
            None => None,
            Some(s) => Some(NoteState::parse(&s).ok_or_else(|| {
                ApiError::bad_request(format!("状态应为{}之一", NoteState::label_list()), Some("state"))
            })?),
        };
    Ok(NoteFilter { implementation_id: params.int("implementation")?, state, addressee: None })
}

pub async fn list(
    state: &AppState,
    p: &Principal,
    f: &ImplementationFilter,
    paging: Option<Paging>,
) -> ApiResult<Page<Implementation>> {
    Ok(store::list(&state.db, &p.scope, f, paging, office_today()).await?)
}

/// A decision with the tasks and 督办 the reader sees.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImplementationDetail {
    #[serde(flatten)]
    pub implementation: Implementation,
    /// the decision's tasks the reader sees, in tree order
    pub tasks: Vec<Task>,
    /// tasks the reader may not open (counted, not shown)
    pub hidden_tasks: i64,
    pub notes: Vec<Note>,
}

pub async fn detail(state: &AppState, p: &Principal, id: i64) -> ApiResult<ImplementationDetail> {
    let today = office_today();
    let implementation = store::get(&state.db, &p.scope, id, today).await?;
    let tasks = plans::plan_tasks(&state.db, &p.scope, implementation.plan_id).await?;
    let f = NoteFilter { implementation_id: Some(id), ..Default::default() };
    let notes = store::list_notes(&state.db, &p.scope, &f, None, today).await?.items;
    Ok(ImplementationDetail {
        hidden_tasks: (implementation.task_count - tasks.len() as i64).max(0),
        implementation,
        tasks,
        notes,
    })
}

fn refused(field: &str, message: String) -> ApiError {
    StoreError::field(field, message).into()
}

/// The fields with the topic's defaults filled in (title, date, unit, the deciding body), after
/// checking the topic: in scope, passed, not broken down already.
pub async fn with_topic(state: &AppState, p: &Principal, f: &ImplementationFields) -> ApiResult<ImplementationFields> {
    let (Some(topic_id), Some(Source::Topic)) = (f.topic_id, f.source()) else { return Ok(f.clone()) };
    let t = match store::topic_facts(&state.db, &p.scope, topic_id).await {
        Err(StoreError::NotFound) => {
            return Err(refused("topic_id", format!("议题（编号 {topic_id}）不存在或不在您的数据范围内")))
        }
        other => other?,
    };
    if t.result != TopicResult::Passed.key() {
        return Err(refused("topic_id", format!("议题“{}”未表决通过，不能分解落实", t.title)));
    }
    if t.implementation_id.is_some() {
        return Err(refused("topic_id", format!("议题“{}”已经分解落实", t.title)));
    }
    let mut out = f.clone();
    if out.title.trim().is_empty() {
        out.title = t.title;
    }
    if out.issued_on.trim().is_empty() {
        out.issued_on = t.held_on.to_string();
    }
    if out.issuer.trim().is_empty() {
        out.issuer = Body::from_key(&t.body).map_or("", Body::label).to_string();
    }
    out.unit_id = out.unit_id.or(Some(t.unit_id));
    Ok(out)
}

/// Records a decision to implement (with its work plan); answers its id.
pub async fn create(state: &AppState, p: &Principal, f: &ImplementationFields) -> ApiResult<i64> {
    let f = with_topic(state, p, f).await?;
    let d = f.validate(office_today())?;
    Ok(store::create(&state.db, &p.actor(), &p.scope, &d).await?)
}

/// Opens a 督办: the decision, its task, the addressee unit and person all in the writer's scope.
pub async fn open_note(state: &AppState, p: &Principal, f: &NoteFields) -> ApiResult<i64> {
    let today = office_today();
    let d = f.validate(today)?;
    let imp = match store::get(&state.db, &p.scope, d.implementation_id, today).await {
        Err(StoreError::NotFound) => {
            let id = d.implementation_id;
            return Err(refused("implementation_id", format!("决策部署（编号 {id}）不存在或不在您的数据范围内")));
        }
        other => other?,
    };
    if let Some(tid) = d.task_id {
        let task = plans::get_task(&state.db, &p.scope, tid).await.ok().filter(|t| t.plan_id == imp.plan_id);
        if task.is_none() {
            return Err(refused("task_id", format!("任务（编号 {tid}）不属于该决策部署或不在您的数据范围内")));
        }
    }
    if unit_in_scope(state, p, d.unit_id).await.is_err() {
        return Err(refused("unit_id", format!("督办单位（编号 {}）不存在或不在您的数据范围内", d.unit_id)));
    }
    if let Some(pid) = d.person_id {
        if people::get(&state.db, &p.scope, pid).await.is_err() {
            return Err(refused("person_id", format!("督办对象（编号 {pid}）不存在或不在您的数据范围内")));
        }
    }
    Ok(store::create_note(&state.db, &p.actor(), &d, today).await?)
}

pub async fn note(state: &AppState, p: &Principal, id: i64) -> ApiResult<Note> {
    Ok(store::get_note(&state.db, &p.scope, id, office_today()).await?)
}

/// Whether the reader answers for the note: its addressee person, or (with the permission) one
/// whose scope covers the addressee unit; a closed note takes no answer.
pub fn may_answer(p: &Principal, n: &Note) -> bool {
    let me = p.person_id.is_some() && n.person_id == p.person_id;
    p.can(Permission::SupervisionReply)
        && n.closed_on.is_none()
        && (me || (!p.scope.all && p.scope.covers_unit(n.unit_id, &n.unit_path)))
}

/// Whether the reader may close the note: the 纪检组, once it is answered.
pub fn may_close(p: &Principal, n: &Note) -> bool {
    p.can(Permission::SupervisionWrite) && n.closed_on.is_none() && n.answered_on.is_some()
}

pub async fn answer(state: &AppState, p: &Principal, id: i64, f: &NoteAnswerFields) -> ApiResult<Note> {
    let n = note(state, p, id).await?;
    if !may_answer(p, &n) {
        let why = if n.closed_on.is_some() { "该督办已办结" } else { "只有督办对象可以反馈" };
        return Err(ApiError::Forbidden(why.into()));
    }
    let text = f.validate()?;
    store::answer_note(&state.db, &p.actor(), &n, &text, office_today()).await?;
    note(state, p, id).await
}

pub async fn close(state: &AppState, p: &Principal, id: i64, f: &NoteCloseFields) -> ApiResult<Note> {
    let n = note(state, p, id).await?;
    let words = f.validate()?;
    store::close_note(&state.db, &p.actor(), &n, &words, office_today()).await?;
    note(state, p, id).await
}

/// The open 督办 the person answers for (addressed to them, or to their unit with nobody named
/// when they head it), for 我的待办.
pub async fn owed(state: &AppState, p: &Principal, person: &people::Person) -> ApiResult<Vec<Note>> {
    let heads = qingfeng_store::notify::heads_unit(&person.roles, &person.title).is_some();
    let f = NoteFilter { addressee: Some((person.id, heads.then_some(person.unit_id))), ..Default::default() };
    let today = office_today();
    let mut out = Vec::new();
    for s in [NoteState::Overdue, NoteState::Open] {
        let f = NoteFilter { state: Some(s), ..f.clone() };
        out.extend(store::list_notes(&state.db, &p.scope, &f, Some(Paging::new(None, Some(20))), today).await?.items);
    }
    Ok(out)
}

/// Answered 督办 waiting for the 纪检组 to close them.
pub async fn to_close(state: &AppState, p: &Principal) -> ApiResult<Page<Note>> {
    let f = NoteFilter { state: Some(NoteState::Answered), ..Default::default() };
    Ok(store::list_notes(&state.db, &p.scope, &f, Some(Paging::new(None, Some(10))), office_today()).await?)
}
