//! 廉政风险防控 pages: the register (台账) with its filters and the unit's 排查 actions, one point
//! with the review steps, the proposal form, and the heat map.

mod form;
mod heat;
mod point;
mod register;

use qingfeng_domain::risk::{RiskCategory, RiskLevel, RiskState};

use crate::http::Opt;
pub use form::{create, edit, edit_form, new_form};
pub use heat::heat_map;
pub use point::{accept, point, raise, return_point};
pub use register::{carry_forward, register, submit};

/// The CSS class of a level tag.
pub fn level_class(level: &str) -> &'static str {
    match RiskLevel::from_key(level) {
        Some(RiskLevel::High) => "red",
        Some(RiskLevel::Medium) => "yellow",
        Some(RiskLevel::Low) => "green",
        None => "grey",
    }
}

/// The CSS class of a state tag.
pub fn state_class(state: &str) -> &'static str {
    match RiskState::from_key(state) {
        Some(RiskState::Draft) => "grey",
        Some(RiskState::Submitted) => "yellow",
        Some(RiskState::Returned) => "late",
        Some(RiskState::Accepted) => "green",
        None => "",
    }
}

fn level_options(selected: Option<RiskLevel>) -> Vec<Opt> {
    RiskLevel::ALL.iter().rev().map(|l| Opt::new(l.key(), l.label(), selected == Some(*l))).collect()
}

fn category_options(selected: Option<RiskCategory>) -> Vec<Opt> {
    RiskCategory::ALL.iter().map(|c| Opt::new(c.key(), c.label(), selected == Some(*c))).collect()
}

/// Years offered by the year pickers: next year down to five years ago.
fn year_options(selected: i32) -> Vec<Opt> {
    let this = crate::features::risk::service::this_year();
    (this - 5..=this + 1).rev().map(|y| Opt::new(y, format!("{y} 年"), y == selected)).collect()
}
