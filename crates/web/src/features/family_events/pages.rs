//! 婚丧喜庆 pages: the list (cut for leaders), the advance report form with the 廉洁承诺, and a
//! record with its flags, the actual figures, the gifts handed in and the files.

use askama::Template;
use axum::extract::Multipart;
use qingfeng_domain::family::{ActualFields, EventKind, FamilyEventFields, DEFAULT_PLEDGE};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;

use super::service::{self, event_filter, EventView, HandInFields, EVENT_FILTERS};
use crate::auth::{Ctx, Principal};
use crate::features::personal_reports::service::{add_file, after_upload, is_group};
use crate::http::{
    form_errors, percent_encode, render, see_other, ApiError, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult,
    Pager, Params,
};
use crate::AppState;

#[derive(Template)]
#[template(path = "family_events/list.html")]
struct ListPage {
    nav: Nav,
    group: bool,
    me: Option<i64>,
    rows: Vec<EventView>,
    pager: Pager,
    kinds: Vec<Opt>,
    year: String,
    export_query: String,
}

impl ListPage {
    fn is_me(&self, person: &i64) -> bool {
        self.me == Some(*person)
    }
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = event_filter(&params)?;
    let page = service::list(&state, &p, &filter, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> = EVENT_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    render(&ListPage {
        nav: Nav::new(&p, "family-events"),
        group: is_group(&p),
        me: p.person_id,
        pager: Pager::new("/family-events", &page, &keep),
        export_query: serde_urlencoded::to_string(&keep).unwrap_or_default(),
        rows: page.items,
        kinds: EventKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), filter.kind == Some(*k))).collect(),
        year: params.str("year").unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "family_events/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    f: FamilyEventFields,
    errors: FieldErrors,
    kinds: Vec<Opt>,
    limits: qingfeng_domain::family::Limits,
    today: String,
}

async fn form_page(state: &AppState, p: &Principal, f: FamilyEventFields, errors: FieldErrors) -> PageResult {
    let chosen = EventKind::parse(&f.kind);
    render(&FormPage {
        nav: Nav::new(p, "family-events"),
        target: FormTarget::new("报告婚丧喜庆事宜", "/family-events/new", "/family-events"),
        kinds: EventKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), chosen == Some(*k))).collect(),
        limits: service::rules(state).await?.limits,
        today: office_today().to_string(),
        f,
        errors,
    })
}

pub async fn new_form(Ctx { state, p }: Ctx) -> PageResult {
    let f = FamilyEventFields { pledge_text: DEFAULT_PLEDGE.into(), ..Default::default() };
    form_page(&state, &p, f, FieldErrors::default()).await
}

fn number(form: &FormPairs, key: &str) -> Option<i64> {
    let v = form.get(key);
    let v = v.trim();
    if v.is_empty() {
        None
    } else {
        // a number that does not read is out of range for the domain check
        Some(v.parse().unwrap_or(-1))
    }
}

fn fields_from(form: &FormPairs) -> FamilyEventFields {
    FamilyEventFields {
        person_id: None,
        kind: form.get("kind"),
        event_date: form.get("event_date"),
        place: form.get("place"),
        relation: form.get("relation"),
        planned_people: number(form, "planned_people"),
        planned_tables: number(form, "planned_tables"),
        planned_cars: number(form, "planned_cars"),
        joint: form.get("joint") == "1",
        joint_note: form.get("joint_note"),
        pledge: form.get("pledge") == "1",
        pledge_text: form.get("pledge_text"),
    }
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/family-events/{id}"))),
        Err(e) => form_page(&state, &p, f, form_errors(e, "kind")?).await,
    }
}

#[derive(Template)]
#[template(path = "family_events/detail.html")]
struct DetailPage {
    nav: Nav,
    v: EventView,
    e: qingfeng_store::family_events::FamilyEvent,
    actual: ActualFields,
    errors: FieldErrors,
    message: Option<String>,
    may_report: bool,
    today: String,
}

async fn detail_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    actual: ActualFields,
    errors: FieldErrors,
    message: Option<String>,
) -> PageResult {
    let mut v = service::detail(state, p, id).await?;
    let e = v.detail.take().ok_or(ApiError::NotFound)?;
    render(&DetailPage {
        nav: Nav::new(p, "family-events"),
        may_report: e.actual_reported_on.is_none() && e.event_date <= office_today(),
        today: office_today().to_string(),
        v,
        e,
        actual,
        errors,
        message,
    })
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    detail_page(&state, &p, id, ActualFields::default(), FieldErrors::default(), params.str("message")).await
}

pub async fn actual(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = ActualFields {
        actual_people: number(&form, "actual_people"),
        actual_tables: number(&form, "actual_tables"),
        actual_cars: number(&form, "actual_cars"),
        client_gifts: form.get("client_gifts") == "1",
        gift_note: form.get("gift_note"),
        gifts_handed_in_on: form.get("gifts_handed_in_on"),
    };
    match service::report_actual(&state, &p, id, &f).await {
        Ok(()) => Ok(see_other(format!("/family-events/{id}"))),
        Err(ApiError::Conflict(m)) => detail_page(&state, &p, id, f, FieldErrors::default(), Some(m)).await,
        Err(e) => detail_page(&state, &p, id, f.clone(), form_errors(e, "actual_people")?, None).await,
    }
}

pub async fn hand_in(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = HandInFields { handed_in_on: form.get("handed_in_on") };
    let message = match service::hand_in(&state, &p, id, &f).await {
        Ok(()) => "已登记上交日期".to_string(),
        Err(ApiError::Invalid(e)) => e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；"),
        Err(ApiError::Conflict(m)) => m,
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(format!("/family-events/{id}?message={}", percent_encode(&message))))
}

pub async fn upload(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, m: Multipart) -> PageResult {
    let e = service::readable(&state, &p, id).await?;
    let result = add_file(&state, &p, service::FILES, id, e.person_id, m).await;
    after_upload(result, &format!("/family-events/{id}"))
}
