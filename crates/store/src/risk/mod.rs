//! 廉政风险防控: risk points of a unit and year with their control measures, the yearly review
//! (提交审核 → 确认 / 退回), raising an occurred point's level, copying last year's register
//! forward, and the figures of the heat map.
//!
//! Each step checks the point's state inside its write transaction and changes it with a
//! conditional UPDATE (`… WHERE state = <the state it read>`), so two reviewers racing on one
//! point cannot both pass; the rules themselves (what acceptance needs, how far a level rises)
//! are `qingfeng_domain::risk`'s. A step tells whoever acts next ([`crate::notify::tell`]).
//!
//! The parts: `read` (the register with its filters, one point, its measures, the points a
//! finding may name), `flow` (proposing, editing and every step of the review) and `figures`
//! (the heat map and the units flagged on it).

mod figures;
pub(crate) mod flow;
mod read;

pub use figures::{heat_map, FlaggedUnit, HeatCell, HeatMap, HeatUnit};
pub use flow::{accept, carry_forward, create, raise, return_point, submit, update};
pub use read::{get, list, measures_of, points_for_findings, RiskFilter, RiskMeasure, RiskPoint, RiskPointOption};
