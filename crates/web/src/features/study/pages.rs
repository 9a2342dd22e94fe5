//! 学习教育 pages: the sessions, the session form (the roll of the chosen branch or unit with
//! each person's attendance), a session with its make-ups, per-person figures, the branch
//! calendar and the young-cadre view.

use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use qingfeng_domain::access::Permission;
use qingfeng_domain::responsibility::{EntryKind, MeetingType};
use qingfeng_domain::study::{
    AbsenceReason, AttendanceFields, AttendanceStatus, MakeupFields, SessionFields, SlotState, SESSION_KINDS,
};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::{branches, units};
use qingfeng_store::study::{self as store, PersonFigures, Session};

use super::service::{
    self, kind_label, may_record, session_filter, status_label, year_of, BranchCalendar, PersonYear, RollPerson,
    SessionDetail, YouthView,
};
use crate::auth::{Ctx, Principal};
use crate::http::import_flow::ImportPage;
use crate::http::{
    form_errors, render, see_other, FormPairs, Nav, Opt, PageError, PagePath, PageResult, Pager, Params,
};
use crate::AppState;

/// A page answered for a refused form carries 422.
fn refused_if(mut res: axum::response::Response, failed: bool) -> axum::response::Response {
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

fn kinds(selected: &str) -> Vec<Opt> {
    SESSION_KINDS.iter().map(|k| Opt::new(k.key(), k.label(), k.key() == selected)).collect()
}

async fn unit_opts(state: &AppState, p: &Principal, selected: Option<i64>) -> Result<Vec<Opt>, PageError> {
    let list = units::all(&state.db, &p.scope).await?;
    Ok(list
        .iter()
        .map(|u| {
            let branch = if u.kind == "branch" { "（党支部）" } else { "" };
            Opt::new(u.id, format!("{}{}{}", "　".repeat(u.depth()), u.name, branch), selected == Some(u.id))
        })
        .collect())
}

/// A session as a list row shows it.
struct Row {
    s: Session,
    kind: String,
}

#[derive(Template)]
#[template(path = "study/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    kinds: Vec<Opt>,
    units: Vec<Opt>,
    year: String,
    pager: Pager,
    can_write: bool,
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = session_filter(&params)?;
    let page = store::list(&state.db, &p.scope, &filter, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> =
        service::SESSION_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    render(&ListPage {
        nav: Nav::new(&p, "study"),
        pager: Pager::new("/study", &page, &keep),
        rows: page.items.into_iter().map(|s| Row { kind: kind_label(&s.kind, &s.meeting_type), s }).collect(),
        kinds: kinds(filter.kind.as_deref().unwrap_or("")),
        units: unit_opts(&state, &p, filter.unit_id).await?,
        year: params.str("year").unwrap_or_default(),
        can_write: p.can(Permission::LedgerWrite),
    })
}

/// One person of the roll with the attendance entered for them.
struct RollRow {
    person: RollPerson,
    status: String,
    reason: String,
    note: String,
}

#[derive(Template)]
#[template(path = "study/form.html")]
struct FormPage {
    nav: Nav,
    f: SessionFields,
    kinds: Vec<Opt>,
    meeting_types: Vec<Opt>,
    units: Vec<Opt>,
    organisers: Vec<Opt>,
    statuses: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    roll: Vec<RollRow>,
    unit_note: String,
    today: String,
    errors: FieldErrors,
}

async fn form(state: &AppState, p: &Principal, f: SessionFields, errors: FieldErrors) -> PageResult {
    let date = qingfeng_domain::text::parse_ymd(&f.date).unwrap_or_else(|_| office_today());
    let unit = match f.unit_id {
        Some(id) => service::session_unit(state, p, Some(id)).await.ok(),
        None => None,
    };
    let roll = match &unit {
        Some(u) => service::roll(state, u, date).await?,
        None => Vec::new(),
    };
    let unit_note = match &unit {
        Some(u) if u.kind == "branch" => format!("名单为{}在 {date} 的党员", u.name),
        Some(u) => format!("名单为{}及下属单位的在职人员", u.name),
        None => "请先选择所属单位或党支部，再载入名单".to_string(),
    };
    let entered = |id: i64| f.attendance.iter().find(|a| a.person_id == Some(id));
    let rows = roll
        .into_iter()
        .map(|x| {
            let a = entered(x.id);
            RollRow {
                status: a.map_or_else(
                    || if f.attendance.is_empty() { "present".into() } else { String::new() },
                    |a| a.status.clone(),
                ),
                reason: a.map(|a| a.reason.clone()).unwrap_or_default(),
                note: a.map(|a| a.note.clone()).unwrap_or_default(),
                person: x,
            }
        })
        .collect::<Vec<_>>();
    let mut organisers: Vec<Opt> =
        rows.iter().map(|r| Opt::new(r.person.id, &r.person.name, f.organiser_id == Some(r.person.id))).collect();
    if let Some(me) = p.person_id.filter(|me| !rows.iter().any(|r| r.person.id == *me)) {
        let mine = qingfeng_store::org::people::get(&state.db, &qingfeng_store::Scope::all(), me).await?;
        organisers.insert(0, Opt::new(me, mine.name, f.organiser_id == Some(me)));
    }
    let failed = !errors.is_empty();
    let res = render(&FormPage {
        nav: Nav::new(p, "study"),
        kinds: kinds(&f.kind),
        meeting_types: MeetingType::ALL
            .iter()
            .map(|t| Opt::new(t.key(), t.label(), MeetingType::parse(&f.meeting_type) == Some(*t)))
            .collect(),
        units: unit_opts(state, p, f.unit_id).await?,
        organisers,
        statuses: AttendanceStatus::ALL.iter().map(|s| (s.key(), s.label())).collect(),
        reasons: AbsenceReason::ALL.iter().map(|s| (s.key(), s.label())).collect(),
        roll: rows,
        unit_note,
        today: office_today().to_string(),
        f,
        errors,
    })?;
    Ok(refused_if(res, failed))
}

pub async fn new_form(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let mut unit_id = params.int("unit")?;
    if unit_id.is_none() {
        // a 支部书记 records their own branch's sessions
        if let Some(me) = p.person_id {
            unit_id = branches::led_by(&state.db, me).await?.first().copied();
        }
    }
    let f = SessionFields {
        kind: params.str("kind").unwrap_or_else(|| EntryKind::Study.key().into()),
        date: params.str("date").unwrap_or_else(|| office_today().to_string()),
        unit_id,
        organiser_id: p.person_id,
        ..Default::default()
    };
    form(&state, &p, f, FieldErrors::default()).await
}

fn fields_from(form: &FormPairs) -> SessionFields {
    let ids = |k: &str| form.all(k).iter().filter_map(|s| s.parse().ok()).collect::<Vec<i64>>();
    let attendance = ids("roll")
        .into_iter()
        .filter(|id| !form.get(&format!("att_{id}")).is_empty())
        .map(|id| AttendanceFields {
            person_id: Some(id),
            status: form.get(&format!("att_{id}")),
            reason: form.get(&format!("reason_{id}")),
            note: form.get(&format!("note_{id}")),
        })
        .collect();
    SessionFields {
        kind: form.get("kind"),
        meeting_type: form.get("meeting_type"),
        date: form.get("date"),
        place: form.get("place"),
        topic: form.get("topic"),
        materials: form.get("materials"),
        organiser_id: form.get("organiser_id").parse().ok(),
        unit_id: form.get("unit_id").parse().ok(),
        attendance,
        cases: ids("cases"),
    }
}

pub async fn create(Ctx { state, p }: Ctx, form_data: FormPairs) -> PageResult {
    let f = fields_from(&form_data);
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/study/{id}"))),
        Err(e) => form(&state, &p, f, form_errors(e, "unit_id")?).await,
    }
}

struct AttendeeRow {
    person_id: i64,
    name: String,
    unit_name: String,
    status: String,
    absent: bool,
    note: String,
    makeup: String,
}

#[derive(Template)]
#[template(path = "study/detail.html")]
struct DetailPage {
    nav: Nav,
    d: SessionDetail,
    kind: String,
    rows: Vec<AttendeeRow>,
    can_record: bool,
    today: String,
    errors: FieldErrors,
}

async fn detail_page(state: &AppState, p: &Principal, id: i64, errors: FieldErrors) -> PageResult {
    let d = service::detail(state, p, id).await?;
    let rows = d
        .attendance
        .iter()
        .map(|a| AttendeeRow {
            person_id: a.person_id,
            name: a.name.clone(),
            unit_name: a.unit_name.clone(),
            status: status_label(&a.status, &a.reason),
            absent: a.status == AttendanceStatus::Absent.key(),
            note: a.note.clone(),
            makeup: a
                .makeup_date
                .map(|x| format!("{x}{}", a.makeup_note.as_deref().map(|n| format!(" {n}")).unwrap_or_default()))
                .unwrap_or_default(),
        })
        .collect();
    let failed = !errors.is_empty();
    let res = render(&DetailPage {
        nav: Nav::new(p, "study"),
        kind: kind_label(&d.session.kind, &d.session.meeting_type),
        can_record: may_record(p, &d.session),
        rows,
        d,
        today: office_today().to_string(),
        errors,
    })?;
    Ok(refused_if(res, failed))
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    detail_page(&state, &p, id, FieldErrors::default()).await
}

pub async fn add_makeup(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form_data: FormPairs) -> PageResult {
    let f = MakeupFields {
        person_id: form_data.get("person_id").parse().ok(),
        date: form_data.get("date"),
        note: form_data.get("note"),
    };
    match service::add_makeup(&state, &p, id, &f).await {
        Ok(_) => Ok(see_other(format!("/study/{id}"))),
        Err(e) => detail_page(&state, &p, id, form_errors(e, "person_id")?).await,
    }
}

#[derive(Template)]
#[template(path = "study/people.html")]
struct PeoplePage {
    nav: Nav,
    year: i64,
    units: Vec<Opt>,
    rows: Vec<PersonFigures>,
}

pub async fn people(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let year = year_of(&params)?;
    let unit = params.int("unit")?;
    render(&PeoplePage {
        nav: Nav::new(&p, "study-people"),
        rows: store::figures(&state.db, &p.scope, year, unit, None).await?,
        units: unit_opts(&state, &p, unit).await?,
        year,
    })
}

struct PersonRow {
    entry_id: i64,
    date: String,
    kind: String,
    topic: String,
    unit_name: String,
    status: String,
    makeup: String,
}

#[derive(Template)]
#[template(path = "study/person.html")]
struct PersonPage {
    nav: Nav,
    py: PersonYear,
    rows: Vec<PersonRow>,
}

pub async fn person(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    let py = service::person_year(&state, &p, id, year_of(&params)?).await?;
    let rows = py
        .sessions
        .iter()
        .map(|s| PersonRow {
            entry_id: s.entry_id,
            date: s.entry_date.to_string(),
            kind: kind_label(&s.kind, &s.meeting_type),
            topic: s.topic.clone(),
            unit_name: s.unit_name.clone(),
            status: status_label(&s.status, &s.reason),
            makeup: s.makeup_date.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    render(&PersonPage { nav: Nav::new(&p, "study-people"), py, rows })
}

#[derive(Template)]
#[template(path = "study/calendar.html")]
struct CalendarPage {
    nav: Nav,
    branches: Vec<Opt>,
    year: i64,
    cal: Option<BranchCalendar>,
}

impl CalendarPage {
    fn class(&self, s: &SlotState) -> &'static str {
        match s {
            SlotState::Met => "ok",
            SlotState::Missed => "bad",
            SlotState::Open => "open",
        }
    }
}

pub async fn calendar(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let year = year_of(&params)?;
    let list = branches::list(&state.db, &p.scope).await?;
    let chosen = params.int("branch")?.or_else(|| list.first().map(|b| b.id));
    let cal = match chosen {
        Some(b) => Some(service::calendar(&state, &p, b, year).await?),
        None => None,
    };
    render(&CalendarPage {
        nav: Nav::new(&p, "study-calendar"),
        branches: list.iter().map(|b| Opt::new(b.id, &b.name, chosen == Some(b.id))).collect(),
        year,
        cal,
    })
}

#[derive(Template)]
#[template(path = "study/youth.html")]
struct YouthPage {
    nav: Nav,
    v: YouthView,
}

pub async fn youth(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let v = service::youth(&state, &p, year_of(&params)?).await?;
    render(&YouthPage { nav: Nav::new(&p, "young-cadres"), v })
}

const IMPORT_RULES: &[&str] = &[
    "可先“导出签到表”，按实际出席情况填写“出席情况”（出席或缺席）和“缺席原因”（公差、病假、事假或其他）后上传。",
    "只能登记本支部党员（当天名单）或本单位人员；重名时在“单位（科室）”列写明单位。未列入表中的人员保持原登记。",
    "导入后学习记录形成更正版本（原记录保留），出席人员计入台账参加人员。",
];

fn import_view(p: &Principal, s: &Session) -> ImportPage {
    let mut page = ImportPage::new(
        Nav::new(p, "study"),
        "导入签到表",
        format!("/study/{}/attendance/import", s.id),
        "/api/v1/study-sessions/attendance-template.xlsx",
    );
    page.template_label = "签到表模板";
    page.target = Some((format!("/study/{}", s.id), format!("{}（{}）", s.topic, s.entry_date)));
    page.rules = IMPORT_RULES;
    page
}

pub async fn import_page(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let s = store::get(&state.db, &p.scope, id).await?;
    render(&import_view(&p, &s))
}

/// Upload → validate every row → confirm to record the attendance (a correction of the session).
pub async fn import_submit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, multipart: Multipart) -> PageResult {
    let s = store::get(&state.db, &p.scope, id).await?;
    let flow = import_view(&p, &s).flow(format!("study_attendance:{id}"));
    let (state, p, s) = (&state, &p, &s);
    flow.run(&state.db, p, multipart, "人", move |bytes, commit| async move {
        super::sheets::import(state, p, s, &bytes, commit).await
    })
    .await
}
