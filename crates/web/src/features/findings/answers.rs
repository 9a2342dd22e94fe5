//! What the findings API answers, as typed records (and so as schemas in the OpenAPI document):
//! a finding with everything around it, and a campaign with its progress.

use chrono::NaiveDate;
use qingfeng_store::findings::{self as store, Campaign, CampaignUnit, Finding, Measure, Stats, StepRecord, Update};
use qingfeng_store::fulfilment::today;
use qingfeng_store::Scope;
use serde::Serialize;

use super::service::{actions_for, campaign_view};
use crate::auth::Principal;
use crate::http::ApiResult;
use crate::AppState;

/// A finding with its steps, measures (each with its progress updates), the findings that
/// reopened it, and the actions the caller may take now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FindingDetail {
    #[serde(flatten)]
    pub finding: Finding,
    pub measures: Vec<MeasureDetail>,
    pub steps: Vec<StepRecord>,
    pub recurrences: Vec<Recurrence>,
    /// keys of the steps the caller may take: edit, feedback, add_measure, report_progress,
    /// request_sign_off, sign_off, return, look_back
    pub actions: Vec<&'static str>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeasureDetail {
    #[serde(flatten)]
    pub measure: Measure,
    pub updates: Vec<Update>,
}

/// A finding recorded at a look-back because the problem came back.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Recurrence {
    pub id: i64,
    pub state: String,
}

/// The answer to a look-back: the finding, and the new finding's id when the problem recurred.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LookBackAnswer {
    #[serde(flatten)]
    pub detail: FindingDetail,
    pub reopened: Option<i64>,
}

/// The answer to a progress update: its id and the measure as it now stands.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProgressAnswer {
    pub id: i64,
    pub measure: Measure,
}

/// A campaign with its units, the linked tasks the caller sees, and its progress over the
/// findings in the caller's scope.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignDetail {
    #[serde(flatten)]
    pub campaign: Campaign,
    pub units: Vec<CampaignUnit>,
    pub tasks: Vec<CampaignTask>,
    pub progress: Stats,
    pub overdue_measures: Vec<Measure>,
}

/// A task linked to a campaign, as the campaign shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignTask {
    pub id: i64,
    pub title: String,
    pub plan_title: String,
    pub lead_unit_name: String,
    pub deadline: NaiveDate,
    pub state: String,
    pub state_label: String,
    pub latest_update: Option<String>,
}

pub async fn campaign_detail(state: &AppState, p: &Principal, id: i64) -> ApiResult<CampaignDetail> {
    let c = campaign_view(state, p, id).await?;
    let tasks = c
        .tasks
        .into_iter()
        .map(|t| CampaignTask {
            id: t.id,
            title: t.title,
            plan_title: t.plan_title,
            lead_unit_name: t.lead_unit_name,
            deadline: t.deadline,
            state: t.state,
            state_label: t.state_label,
            latest_update: t.latest_update,
        })
        .collect();
    Ok(CampaignDetail {
        campaign: c.campaign,
        units: c.units,
        tasks,
        progress: c.progress,
        overdue_measures: c.overdue_measures,
    })
}

pub async fn finding_detail(state: &AppState, p: &Principal, f: Finding) -> ApiResult<FindingDetail> {
    let db = &state.db;
    let updates = store::updates(db, f.id).await?;
    let measures = store::measures(db, f.id, today())
        .await?
        .into_iter()
        .map(|measure| {
            let updates = updates.iter().filter(|u| u.measure_id == measure.id).cloned().collect();
            MeasureDetail { measure, updates }
        })
        .collect();
    let recurrences =
        store::recurrences(db, f.id).await?.into_iter().map(|(id, state)| Recurrence { id, state }).collect();
    Ok(FindingDetail {
        measures,
        steps: store::steps(db, f.id).await?,
        recurrences,
        actions: actions_for(state, p, &f).await?,
        finding: f,
    })
}

/// The finding `id` as it stands after a step the caller took (the step checked the scope).
pub async fn after_step(state: &AppState, p: &Principal, id: i64) -> ApiResult<FindingDetail> {
    let f = store::get(&state.db, &Scope::all(), id, today()).await?;
    finding_detail(state, p, f).await
}
