//! 问题清单 and 整改: findings, their rectification measures and progress updates, the steps of
//! the flow (who did what, when), campaigns (专项整治) and the figures of the rectification
//! dashboard.
//!
//! Every step goes through the pure state machine in `qingfeng_domain::findings`: the store loads
//! the facts inside the write transaction, asks the machine, and changes the state with a
//! conditional UPDATE (`… WHERE state = <the state it read>`), so two requests racing on one
//! finding cannot both pass. A refusal is `StoreError::Refused` with the machine's message and
//! nothing written. Deadlines and look-back dates stay in the tables for the reminder job.
//!
//! The parts: `read` (lists, filters, one finding, timeline, measures, updates), `flow`
//! (recording, editing and every step of the state machine), `evidence` (整改佐证材料 files),
//! `campaigns` and `figures` (the dashboard). Everything public is re-exported here, so callers write `findings::list`,
//! `findings::sign_off`, `findings::Stats`.

mod campaigns;
mod evidence;
mod export;
mod figures;
mod flow;
mod from_checks;
mod lookups;
mod notices;
mod read;

use chrono::{DateTime, NaiveDate, Utc};

pub use campaigns::{
    campaign_task_ids, campaign_units, create_campaign, get_campaign, list_campaigns, Campaign, CampaignUnit,
};
pub use evidence::{add_evidence, evidence, evidence_file, Evidence, NewEvidence};
pub use export::{export_batch, export_measures, ExportFinding, ExportMeasure};
pub use figures::{stats, KeyTally, LookBackFigures, StateCount, Stats, Tally, UnitTally};
pub use flow::{
    add_measure, add_update, apply_update, create, feedback, insert, look_back, look_back_setting, request_sign_off,
    return_finding, sign_off, update,
};
pub use from_checks::{check_findings, link_check, CheckLink};
pub use lookups::{campaigns_by_name, measure_people};
pub use read::{
    get, get_measure, list, list_measures, measures, recurrences, steps, updates, Finding, FindingFilter, Measure,
    MeasureFilter, StepRecord, Update,
};

/// The calendar day (China Standard Time) of an instant ([`qingfeng_domain::time`]).
pub fn cst_date(at: DateTime<Utc>) -> NaiveDate {
    qingfeng_domain::time::office_date(at)
}

fn label_of<T: Copy>(key: &str, parse: fn(&str) -> Option<T>, label: fn(T) -> &'static str) -> String {
    parse(key).map(label).unwrap_or(key).to_string()
}
