//! Recording a finding and changing it before feedback.

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::findings::{FindingFields, FindingState, Origin, Severity, Source};
use qingfeng_domain::FieldErrors;
use qingfeng_store::findings::{self as store};
use qingfeng_store::fulfilment::today;
use qingfeng_store::org::people;
use qingfeng_store::{now, Scope};

use super::{campaign_options, category_options, leader_opts, people_options, person_opts, unit_options, with_status};
use crate::auth::{Ctx, Principal};
use crate::features::findings::service::{apply_edit, origin_for, validate_finding};
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, FormTarget, Nav, Opt, PageError, PagePath, PageResult};
use crate::AppState;

#[derive(Template)]
#[template(path = "findings/form.html")]
struct FindingForm {
    nav: Nav,
    heading: String,
    action: String,
    cancel: String,
    self_check: bool,
    today: String,
    f: FindingFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    sources: Vec<Opt>,
    categories: Vec<Opt>,
    severities: Vec<Opt>,
    leaders: Vec<Opt>,
    persons: Vec<Opt>,
    campaigns: Vec<Opt>,
    /// the 廉政风险点 the finding may name: (unit id, option)
    risk_points: Vec<(i64, Opt)>,
}

async fn finding_form(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    origin: Origin,
    f: FindingFields,
    errors: FieldErrors,
) -> PageResult {
    let FormTarget { heading, action, cancel } = target;
    let people_list = people_options(state, p).await?;
    let self_check = origin == Origin::SelfCheck;
    let source = Source::parse(&f.source);
    let labels = qingfeng_store::dicts::labels(&state.db).await?;
    let category = labels.parse_category(&f.category);
    let severity = Severity::parse(&f.severity);
    let failed = !errors.is_empty();
    let page = FindingForm {
        nav: Nav::new(p, "findings"),
        heading,
        action,
        cancel,
        self_check,
        today: today().to_string(),
        units: unit_options(&state.db, &p.scope, f.unit_id).await?,
        sources: Source::ALL
            .iter()
            .filter(|s| !self_check || **s == Source::SelfCheck)
            .map(|s| Opt::new(s.key(), s.label(), source == Some(*s)))
            .collect(),
        categories: category_options(&labels, category),
        severities: Severity::ALL.iter().map(|s| Opt::new(s.key(), s.label(), severity == Some(*s))).collect(),
        leaders: leader_opts(&people_list, f.responsible_leader_id),
        persons: person_opts(&people_list, f.responsible_person_id),
        campaigns: campaign_options(&state.db, f.campaign_id).await?,
        risk_points: risk_point_options(state, p, f.risk_point_id).await?,
        f,
        errors,
    };
    let res = render(&page)?;
    Ok(if failed { with_status(res, StatusCode::UNPROCESSABLE_ENTITY) } else { res })
}

/// This year's and last year's points of the units in scope, labelled with their unit.
async fn risk_point_options(
    state: &AppState,
    p: &Principal,
    selected: Option<i64>,
) -> Result<Vec<(i64, Opt)>, PageError> {
    let year = chrono::Datelike::year(&today());
    let points = qingfeng_store::risk::points_for_findings(&state.db, &p.scope, year).await?;
    Ok(points
        .into_iter()
        .map(|r| {
            let level = qingfeng_domain::risk::RiskLevel::from_key(&r.level).map(|l| l.label()).unwrap_or("未评定");
            let label = format!("{} · {}（{} 年，{}）", r.unit_name, r.point, r.year, level);
            (r.unit_id, Opt::new(r.id, label, selected == Some(r.id)))
        })
        .collect())
}

fn fields_from(form: &FormPairs) -> FindingFields {
    let id = |k: &str| form.get(k).trim().parse::<i64>().ok();
    FindingFields {
        unit_id: id("unit_id"),
        source: form.get("source"),
        category: form.get("category"),
        description: form.get("description"),
        severity: form.get("severity"),
        found_on: form.get("found_on"),
        responsible_leader_id: id("responsible_leader_id"),
        responsible_person_id: id("responsible_person_id"),
        campaign_id: id("campaign_id"),
        risk_point_id: id("risk_point_id"),
    }
}

pub(super) fn form_errors(e: ApiError) -> Result<FieldErrors, PageError> {
    match e {
        ApiError::Invalid(f) => Ok(f),
        other => Err(PageError(other)),
    }
}

pub async fn new_form(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let origin = origin_for(&state, &p).await?;
    let mut f = FindingFields {
        found_on: today().to_string(),
        unit_id: params.int("unit")?,
        campaign_id: params.int("campaign")?,
        severity: Severity::General.key().into(),
        ..Default::default()
    };
    if origin == Origin::SelfCheck {
        f.source = Source::SelfCheck.key().into();
        if f.unit_id.is_none() {
            if let Some(me) = p.person_id {
                f.unit_id = people::get(&state.db, &Scope::all(), me).await.ok().map(|m| m.unit_id);
            }
        }
    }
    let heading = if origin == Origin::SelfCheck { "登记自查问题" } else { "登记问题" };
    finding_form(&state, &p, FormTarget::new(heading, "/findings/new", "/findings"), origin, f, FieldErrors::default())
        .await
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let origin = origin_for(&state, &p).await?;
    let f = fields_from(&form);
    let result = match validate_finding(&state, &p, &f, origin, None).await {
        Ok(d) => store::create(&state.db, &p.actor(), &d, origin, now()).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(see_other(format!("/findings/{id}"))),
        Err(e) => {
            let heading = if origin == Origin::SelfCheck { "登记自查问题" } else { "登记问题" };
            finding_form(&state, &p, FormTarget::new(heading, "/findings/new", "/findings"), origin, f, form_errors(e)?)
                .await
        }
    }
}

pub async fn edit_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    if f.state() != FindingState::Recorded {
        return Err(PageError(ApiError::Conflict("问题已反馈，不能再修改；只有已登记、尚未反馈的问题可以修改".into())));
    }
    finding_form(
        &state,
        &p,
        FormTarget::new(format!("修改问题（编号 {id}）"), format!("/findings/{id}/edit"), format!("/findings/{id}")),
        f.origin(),
        f.fields(),
        FieldErrors::default(),
    )
    .await
}

pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    let fields = fields_from(&form);
    match apply_edit(&state, &p, &f, &fields).await {
        Ok(()) => Ok(see_other(format!("/findings/{id}"))),
        Err(e) => {
            finding_form(
                &state,
                &p,
                FormTarget::new(
                    format!("修改问题（编号 {id}）"),
                    format!("/findings/{id}/edit"),
                    format!("/findings/{id}"),
                ),
                f.origin(),
                fields,
                form_errors(e)?,
            )
            .await
        }
    }
}
