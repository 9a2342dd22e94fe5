//! 问题整改 pages: the 问题清单 with filters, a finding with its timeline, measures and updates and
//! the form of every step the user may take, the new/edit finding form, campaigns (专项整治) and a
//! campaign's progress, the rectification dashboard, and the finding-list import.

mod campaigns;
mod detail;
mod form;
mod list;
mod stats;

use axum::http::StatusCode;
use axum::response::Response;
use qingfeng_domain::findings::{Category, FindingState};
use qingfeng_domain::labels::Labels;
use qingfeng_store::findings::{self as store, Tally};
use qingfeng_store::org::{people, units, PersonFilter};
use qingfeng_store::{Db, Paging, Scope};

use crate::auth::Principal;
use crate::http::{Opt, PageError};
use crate::AppState;
pub use campaigns::{campaign, campaigns, create_campaign};
pub use detail::{
    evidence, feedback, finding, look_back, measure, progress, request_sign_off, return_finding, sign_off,
};
pub use form::{create, edit, edit_form, new_form};
pub use list::page;
pub use stats::dashboard;

pub(crate) fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// The CSS class of a state tag.
pub fn state_class(state: &str) -> &'static str {
    match FindingState::from_key(state) {
        Some(FindingState::Recorded) => "grey",
        Some(FindingState::FedBack) => "blue",
        Some(FindingState::Rectifying) => "doing",
        Some(FindingState::SignOffRequested) => "yellow",
        Some(FindingState::SignedOff) => "green",
        None => "",
    }
}

fn rate_text(t: &Tally) -> String {
    t.rate.map(|r| format!("{r:.1}%")).unwrap_or_else(|| "—".into())
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::time::local_time(t)
}

pub(crate) async fn unit_options(db: &Db, scope: &Scope, selected: Option<i64>) -> Result<Vec<Opt>, PageError> {
    Ok(units::all(db, scope)
        .await?
        .iter()
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), selected == Some(u.id)))
        .collect())
}

async fn campaign_options(db: &Db, selected: Option<i64>) -> Result<Vec<Opt>, PageError> {
    Ok(store::list_campaigns(db, None, Some(Paging::new(Some(1), Some(200))))
        .await?
        .items
        .iter()
        .map(|c| Opt::new(c.id, &c.name, selected == Some(c.id)))
        .collect())
}

/// The categories in the office's order, with its names.
fn category_options(labels: &Labels, selected: Option<Category>) -> Vec<Opt> {
    labels.categories().iter().map(|(c, name)| Opt::new(c.key(), name, selected == Some(*c))).collect()
}

/// People offered as responsible leader or person: those in the operator's scope (the whole
/// organisation for the group), active, capped.
pub(crate) async fn people_options(state: &AppState, p: &Principal) -> Result<Vec<Pick>, PageError> {
    let pf = PersonFilter { status: Some("active".into()), ..Default::default() };
    let list = people::list(&state.db, &p.scope, &pf, Paging::new(Some(1), Some(Paging::MAX_PER_PAGE))).await?;
    Ok(list.items.into_iter().map(|x| Pick::new(x.id, &x.name, &x.unit_name, &x.roles, &x.title)).collect())
}

/// A person offered by a picker: "姓名（单位）", and whether they lead (班子成员, 主要负责人, 科室负责人,
/// 支部书记), as the 责任领导 picker offers only leaders.
pub struct Pick {
    id: i64,
    label: String,
    leader: bool,
}

impl Pick {
    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    fn new(id: i64, name: &str, unit: &str, roles: &str, title: &str) -> Self {
        let roles = qingfeng_domain::dict::parse_roles(&roles.replace(',', "、")).unwrap_or_default();
        let level = qingfeng_domain::responsibility::person_level(&roles, title);
        Pick {
            id, label: format!("{name}（{unit}）"), leader: level != qingfeng_domain::responsibility::Level::Staff
        }
    }
}

pub(crate) fn person_opts(all: &[Pick], selected: Option<i64>) -> Vec<Opt> {
    all.iter().map(|x| Opt::new(x.id, &x.label, selected == Some(x.id))).collect()
}

/// The 责任领导 picker: the leaders among `all`, and whoever is selected already.
pub(crate) fn leader_opts(all: &[Pick], selected: Option<i64>) -> Vec<Opt> {
    all.iter()
        .filter(|x| x.leader || selected == Some(x.id))
        .map(|x| Opt::new(x.id, &x.label, selected == Some(x.id)))
        .collect()
}
