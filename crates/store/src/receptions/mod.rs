//! 公务接待: receptions with their guests and meals; the checks of
//! `qingfeng_domain::receptions` are evaluated against the local settings on every save (the
//! failed rules are kept for the lists, and the 纪检组 is told of newly failing ones) and on every
//! read; failed checks the 纪检组 turned into findings; the year's spending per unit for the
//! 三公经费 budgets ([`spending_by_unit_year`]).
//!
//! A reception is read through its host unit (仅本人: one the reader's account recorded).
//! The scanned 公函 is a private attachment of kind [`LETTER_FILES`].

mod read;
mod write;

pub use read::{
    get, list, settings, spending_by_unit_year, Reception, ReceptionFilter, ReceptionGuest, ReceptionMeal,
    ReceptionSummary,
};
pub use write::{create, create_many, link_finding, update};

/// The `record_kind` of a reception's scanned 公函 in `private_attachments`.
pub const LETTER_FILES: &str = "reception";
