//! 个人有关事项 pages: the list (the person's own; the group's register with filters), the form,
//! a report with its files and the group's review, and who must report.

use askama::Template;
use axum::extract::Multipart;
use chrono::NaiveDate;
use qingfeng_domain::personal::{LifeEvent, PersonalReportFields, ReportKind, Review, ReviewFields};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::personal_reports::{self as store, Obligation, PersonalReport};
use qingfeng_store::private_files::PrivateFile;

use super::service::{self, is_group, reader, report_filter, REPORT_FILTERS};
use crate::auth::{Ctx, Principal};
use crate::http::{
    form_errors, percent_encode, render, see_other, ApiError, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult,
    Pager, Params,
};
use crate::AppState;

/// The caller's own standing: must they report, and is this year's annual report in.
struct Standing {
    year: i64,
    due: NaiveDate,
    filed: Option<NaiveDate>,
}

#[derive(Template)]
#[template(path = "personal_reports/list.html")]
struct ListPage {
    nav: Nav,
    group: bool,
    rows: Vec<PersonalReport>,
    pager: Pager,
    kinds: Vec<Opt>,
    reviews: Vec<Opt>,
    year: String,
    late: String,
    export_year: i64,
    standing: Option<Standing>,
}

async fn standing(state: &AppState, p: &Principal) -> Result<Option<Standing>, ApiError> {
    let Some(pid) = p.person_id else { return Ok(None) };
    if !store::must_report(&state.db, pid).await? {
        return Ok(None);
    }
    let year = i64::from(chrono::Datelike::year(&office_today()));
    let md = qingfeng_store::notify::annual_month_day(&state.db).await?;
    let filed = store::annual_of(&state.db, pid, year).await?.map(|r| r.1);
    Ok(Some(Standing { year, due: qingfeng_domain::personal::annual_due(year as i32, md), filed }))
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = report_filter(&params)?;
    let page = store::list(&state.db, reader(&p), &filter, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> = REPORT_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let review = params.str("review").unwrap_or_default();
    let mut reviews = vec![Opt::new("pending", "待核查", review == "pending")];
    reviews.extend(Review::ALL.iter().map(|r| Opt::new(r.key(), r.label(), review == r.key())));
    render(&ListPage {
        nav: Nav::new(&p, "personal-reports"),
        group: is_group(&p),
        pager: Pager::new("/personal-reports", &page, &keep),
        rows: page.items,
        kinds: ReportKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), filter.kind == Some(*k))).collect(),
        reviews,
        year: params.str("year").unwrap_or_default(),
        late: params.str("late").unwrap_or_default(),
        export_year: service::year_of(&params)?,
        standing: standing(&state, &p).await?,
    })
}

#[derive(Template)]
#[template(path = "personal_reports/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    f: PersonalReportFields,
    errors: FieldErrors,
    kinds: Vec<Opt>,
    events: Vec<Opt>,
    /// the people the group may file for (empty for anyone else)
    people: Vec<Opt>,
    today: String,
}

async fn form_page(state: &AppState, p: &Principal, f: PersonalReportFields, errors: FieldErrors) -> PageResult {
    let people = if is_group(p) {
        let year = i64::from(chrono::Datelike::year(&office_today()));
        let list = store::obligations(&state.db, &p.scope, year).await?;
        let chosen = f.person_id;
        list.iter()
            .map(|o| {
                Opt::new(o.person_id, format!("{}（{}）", o.person_name, o.unit_name), chosen == Some(o.person_id))
            })
            .collect()
    } else {
        Vec::new()
    };
    let kind = ReportKind::parse(&f.kind);
    let event = LifeEvent::parse(&f.event_kind);
    render(&FormPage {
        nav: Nav::new(p, "personal-reports"),
        target: FormTarget::new("填报个人有关事项", "/personal-reports/new", "/personal-reports"),
        kinds: ReportKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), kind == Some(*k))).collect(),
        events: LifeEvent::ALL.iter().map(|k| Opt::new(k.key(), k.label(), event == Some(*k))).collect(),
        people,
        today: office_today().to_string(),
        f,
        errors,
    })
}

pub async fn new_form(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let f = PersonalReportFields {
        kind: params.str("kind").unwrap_or_else(|| "annual".into()),
        year: Some(i64::from(chrono::Datelike::year(&office_today()))),
        ..Default::default()
    };
    form_page(&state, &p, f, FieldErrors::default()).await
}

fn fields_from(form: &FormPairs) -> PersonalReportFields {
    PersonalReportFields {
        person_id: form.get("person_id").trim().parse().ok(),
        kind: form.get("kind"),
        year: form.get("year").trim().parse().ok(),
        event_kind: form.get("event_kind"),
        event_date: form.get("event_date"),
        content: form.get("content"),
    }
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/personal-reports/{id}"))),
        Err(e) => form_page(&state, &p, f, form_errors(e, "person_id")?).await,
    }
}

#[derive(Template)]
#[template(path = "personal_reports/detail.html")]
struct DetailPage {
    nav: Nav,
    r: PersonalReport,
    files: Vec<PrivateFile>,
    group: bool,
    may_attach: bool,
    results: Vec<Opt>,
    review: ReviewFields,
    errors: FieldErrors,
    file_error: Option<String>,
}

async fn detail_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    review: ReviewFields,
    errors: FieldErrors,
    file_error: Option<String>,
) -> PageResult {
    let d = service::detail(state, p, id).await?;
    let chosen = Review::parse(&review.result);
    render(&DetailPage {
        nav: Nav::new(p, "personal-reports"),
        group: is_group(p),
        may_attach: is_group(p) || p.person_id == Some(d.report.person_id),
        r: d.report,
        files: d.attachments,
        results: Review::ALL.iter().map(|r| Opt::new(r.key(), r.label(), chosen == Some(*r))).collect(),
        review,
        errors,
        file_error,
    })
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    detail_page(&state, &p, id, ReviewFields::default(), FieldErrors::default(), params.str("message")).await
}

pub async fn review(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = ReviewFields { result: form.get("result"), note: form.get("note") };
    match service::review(&state, &p, id, &f).await {
        Ok(()) => Ok(see_other(format!("/personal-reports/{id}"))),
        Err(e) => detail_page(&state, &p, id, f, form_errors(e, "result")?, None).await,
    }
}

pub async fn upload(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, m: Multipart) -> PageResult {
    let r = store::get(&state.db, reader(&p), id).await?;
    let result = service::add_file(&state, &p, service::FILES, id, r.person_id, m).await;
    service::after_upload(result, &format!("/personal-reports/{id}"))
}

#[derive(Template)]
#[template(path = "personal_reports/obligations.html")]
struct ObligationsPage {
    nav: Nav,
    year: i64,
    due: NaiveDate,
    people: Vec<Obligation>,
    missing: usize,
    overdue: bool,
    may_mark: bool,
    error: Option<String>,
}

async fn obligations_page(state: &AppState, p: &Principal, year: i64, error: Option<String>) -> PageResult {
    let o = service::obligations(state, p, year).await?;
    render(&ObligationsPage {
        nav: Nav::new(p, "personal-obligations"),
        overdue: office_today() > o.due,
        year: o.year,
        due: o.due,
        missing: o.missing,
        people: o.people,
        may_mark: p.can(qingfeng_domain::access::Permission::PersonWrite),
        error,
    })
}

pub async fn obligations(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    obligations_page(&state, &p, service::year_of(&params)?, params.str("error")).await
}

pub async fn mark(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let who = qingfeng_domain::text::normalize_name(&form.get("person"));
    let person = match who.parse::<i64>() {
        Ok(id) => Ok(id),
        Err(_) => {
            let named = crate::sheets::names::people_named(&state.db, std::slice::from_ref(&who)).await?;
            crate::sheets::names::person_named(&named, &who, None).map_err(|m| format!("{m}；重名时请填写人员编号"))
        }
    };
    let person = match person {
        Ok(id) => id,
        Err(m) => return Ok(see_other(format!("/personal-reports/obligations?error={}", percent_encode(&m)))),
    };
    match service::mark(&state, &p, person, &form.get("reason")).await {
        Ok(()) => Ok(see_other("/personal-reports/obligations")),
        Err(ApiError::Invalid(e)) => {
            let message = e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；");
            Ok(see_other(format!("/personal-reports/obligations?error={}", percent_encode(&message))))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn unmark(Ctx { state, p }: Ctx, PagePath(person): PagePath<i64>) -> PageResult {
    service::unmark(&state, &p, person).await?;
    Ok(see_other("/personal-reports/obligations"))
}
