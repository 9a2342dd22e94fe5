//! 督查督办 pages: the 纪检组's political-supervision page (decisions, progress, what is
//! overdue), a decision with its tasks and 督办, the decision form, and a 督办 with its answer
//! and closing forms.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::plans::TaskState;
use qingfeng_domain::supervision::{
    ImplementationFields, NoteAnswerFields, NoteCloseFields, NoteFields, NoteState, Source,
};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::{people, units};
use qingfeng_store::plans::{self, Task, TaskFilter};
use qingfeng_store::supervision::{self as store, Implementation, Note, NoteFilter, TopicFacts};
use qingfeng_store::Paging;

use super::service::{self, ImplementationDetail};
use crate::auth::{Ctx, Principal};
use crate::http::{
    form_errors, render, render_form, see_other, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult, Pager, Params,
};
use crate::AppState;

/// The sums over every decision the filter matches.
#[derive(Default)]
struct Totals {
    decisions: usize,
    tasks: i64,
    completed: i64,
    overdue_tasks: i64,
    open_notes: i64,
    overdue_notes: i64,
}

impl Totals {
    fn of(rows: &[Implementation]) -> Totals {
        let mut t = Totals { decisions: rows.len(), ..Default::default() };
        for r in rows {
            t.tasks += r.task_count;
            t.completed += r.completed_count;
            t.overdue_tasks += r.overdue_count;
            t.open_notes += r.open_notes;
            t.overdue_notes += r.overdue_notes;
        }
        t
    }

    fn progress(&self) -> i64 {
        if self.tasks > 0 {
            self.completed * 100 / self.tasks
        } else {
            0
        }
    }
}

#[derive(Template)]
#[template(path = "supervision/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Implementation>,
    totals: Totals,
    overdue_tasks: Vec<Task>,
    overdue_notes: Vec<Note>,
    sources: Vec<Opt>,
    year: String,
    q: String,
    overdue_only: bool,
    export_query: String,
    pager: Pager,
    can_write: bool,
}

/// How many overdue tasks and 督办 the page lists under "逾期事项".
const OVERDUE_SHOWN: usize = 30;

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let f = service::implementation_filter(&params)?;
    let page = service::list(&state, &p, &f, Some(params.paging()?)).await?;
    let all = service::list(&state, &p, &f, None).await?.items;
    let mut overdue_tasks = Vec::new();
    for d in all.iter().filter(|d| d.overdue_count > 0) {
        let tf = TaskFilter { plan_id: Some(d.plan_id), state: Some(TaskState::Overdue), ..Default::default() };
        overdue_tasks.extend(plans::list_tasks(&state.db, &p.scope, &tf, Paging::new(None, Some(50))).await?.items);
        if overdue_tasks.len() >= OVERDUE_SHOWN {
            break;
        }
    }
    overdue_tasks.truncate(OVERDUE_SHOWN);
    let nf = NoteFilter { state: Some(NoteState::Overdue), ..Default::default() };
    let paging = Paging::new(None, Some(OVERDUE_SHOWN as i64));
    let overdue_notes = store::list_notes(&state.db, &p.scope, &nf, Some(paging), office_today()).await?.items;
    let keep: Vec<(&str, String)> =
        service::IMPLEMENTATION_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let source = f.source;
    render(&ListPage {
        nav: Nav::new(&p, "supervision"),
        pager: Pager::new("/supervision", &page, &keep),
        export_query: serde_urlencoded::to_string(&keep).unwrap_or_default(),
        rows: page.items,
        totals: Totals::of(&all),
        overdue_tasks,
        overdue_notes,
        sources: Source::ALL.iter().map(|s| Opt::new(s.key(), s.label(), source == Some(*s))).collect(),
        year: params.str("year").unwrap_or_default(),
        q: params.str("q").unwrap_or_default(),
        overdue_only: f.overdue,
        can_write: p.can(Permission::ImplementationWrite),
    })
}

#[derive(Template)]
#[template(path = "supervision/detail.html")]
struct DetailPage {
    nav: Nav,
    d: ImplementationDetail,
    can_deploy: bool,
    can_note: bool,
    f: NoteFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    people: Vec<Opt>,
    tasks: Vec<Opt>,
    today: String,
}

/// Units of the scope as options, indented by depth.
async fn unit_options(
    state: &AppState,
    p: &Principal,
    selected: Option<i64>,
) -> Result<Vec<Opt>, crate::http::PageError> {
    Ok(units::all(&state.db, &p.scope)
        .await?
        .iter()
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), selected == Some(u.id)))
        .collect())
}

async fn detail_page(state: &AppState, p: &Principal, id: i64, f: NoteFields, errors: FieldErrors) -> PageResult {
    let d = service::detail(state, p, id).await?;
    let can_note = p.can(Permission::SupervisionWrite);
    let (people_opts, task_opts) = if can_note {
        let pf = people::PersonFilter { status: Some("active".into()), ..Default::default() };
        let list = people::list(&state.db, &p.scope, &pf, Paging::new(Some(1), Some(500))).await?.items;
        (
            list.iter()
                .map(|x| Opt::new(x.id, format!("{}（{}）", x.name, x.unit_name), f.person_id == Some(x.id)))
                .collect(),
            d.tasks
                .iter()
                .map(|t| Opt::new(t.id, format!("{} {}", t.number, t.title), f.task_id == Some(t.id)))
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let refused = !errors.is_empty();
    let page = DetailPage {
        nav: Nav::new(p, "supervision"),
        can_deploy: p.can(Permission::PlanWrite)
            && p.scope.covers_unit(d.implementation.unit_id, &d.implementation.unit_path),
        can_note,
        units: if can_note { unit_options(state, p, f.unit_id).await? } else { Vec::new() },
        people: people_opts,
        tasks: task_opts,
        today: office_today().to_string(),
        d,
        f,
        errors,
    };
    render_form(&page, refused)
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    detail_page(&state, &p, id, NoteFields::default(), FieldErrors::default()).await
}

/// `POST /supervision/{id}/notes`: opens a 督办 on the decision (or one of its tasks).
pub async fn open_note(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let num = |k: &str| form.get(k).trim().parse().ok();
    let f = NoteFields {
        implementation_id: Some(id),
        task_id: num("task_id"),
        text: form.get("text"),
        deadline: form.get("deadline"),
        unit_id: num("unit_id"),
        person_id: num("person_id"),
    };
    match service::open_note(&state, &p, &f).await {
        Ok(note) => Ok(see_other(format!("/supervision/notes/{note}"))),
        Err(e) => detail_page(&state, &p, id, f, form_errors(e, "text")?).await,
    }
}

#[derive(Template)]
#[template(path = "supervision/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    today: String,
    f: ImplementationFields,
    topic: Option<TopicFacts>,
    errors: FieldErrors,
    units: Vec<Opt>,
}

async fn form_page(state: &AppState, p: &Principal, f: ImplementationFields, errors: FieldErrors) -> PageResult {
    let topic = match f.topic_id {
        Some(t) => store::topic_facts(&state.db, &p.scope, t).await.ok(),
        None => None,
    };
    let cancel = topic.as_ref().map_or("/supervision".to_string(), |t| format!("/decisions/{}", t.meeting_id));
    let heading = if topic.is_some() { "三重一大议题分解落实" } else { "录入上级决策部署" };
    let refused = !errors.is_empty();
    let page = FormPage {
        nav: Nav::new(p, "supervision"),
        target: FormTarget::new(heading, "/supervision/new", cancel),
        today: office_today().to_string(),
        units: unit_options(state, p, f.unit_id).await?,
        topic,
        f,
        errors,
    };
    render_form(&page, refused)
}

/// `GET /supervision/new[?topic=ID]`: a 上级决策部署, or the topic's breakdown with its defaults.
pub async fn new_form(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let f = ImplementationFields { topic_id: params.int("topic")?, ..Default::default() };
    let f = match service::with_topic(&state, &p, &f).await {
        Ok(filled) => filled,
        Err(e) => return form_page(&state, &p, f, form_errors(e, "topic_id")?).await,
    };
    form_page(&state, &p, f, FieldErrors::default()).await
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let num = |k: &str| form.get(k).trim().parse().ok();
    let f = ImplementationFields {
        source: form.get("source"),
        topic_id: num("topic_id"),
        doc_number: form.get("doc_number"),
        issuer: form.get("issuer"),
        issued_on: form.get("issued_on"),
        title: form.get("title"),
        requirements: form.get("requirements"),
        unit_id: num("unit_id"),
    };
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/supervision/{id}"))),
        Err(e) => form_page(&state, &p, f, form_errors(e, "unit_id")?).await,
    }
}

#[derive(Template)]
#[template(path = "supervision/note.html")]
struct NotePage {
    nav: Nav,
    n: Note,
    can_answer: bool,
    can_close: bool,
    answer: String,
    close_note: String,
    errors: FieldErrors,
}

async fn note_page(state: &AppState, p: &Principal, id: i64, answer: String, errors: FieldErrors) -> PageResult {
    let n = service::note(state, p, id).await?;
    let refused = !errors.is_empty();
    let page = NotePage {
        nav: Nav::new(p, "supervision"),
        can_answer: service::may_answer(p, &n),
        can_close: service::may_close(p, &n),
        answer: if answer.is_empty() { n.answer.clone() } else { answer },
        close_note: String::new(),
        n,
        errors,
    };
    render_form(&page, refused)
}

pub async fn note(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    note_page(&state, &p, id, String::new(), FieldErrors::default()).await
}

pub async fn answer(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = NoteAnswerFields { answer: form.get("answer") };
    match service::answer(&state, &p, id, &f).await {
        Ok(_) => Ok(see_other(format!("/supervision/notes/{id}"))),
        Err(e) => note_page(&state, &p, id, f.answer, form_errors(e, "answer")?).await,
    }
}

pub async fn close(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = NoteCloseFields { note: form.get("note") };
    match service::close(&state, &p, id, &f).await {
        Ok(_) => Ok(see_other(format!("/supervision/notes/{id}"))),
        Err(crate::http::ApiError::Conflict(m)) => {
            let mut errors = FieldErrors::default();
            errors.push("note", m);
            note_page(&state, &p, id, String::new(), errors).await
        }
        Err(e) => note_page(&state, &p, id, String::new(), form_errors(e, "note")?).await,
    }
}
