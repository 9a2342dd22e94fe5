//! Pure domain types and rules of 清风: no I/O, so they are tested fast and exhaustively.

pub mod access;
pub mod assessment;
pub mod budgets;
pub mod calendar;
pub mod decisions;
pub mod dict;
pub mod discipline;
pub mod error;
pub mod family;
pub mod findings;
pub mod fulfilment;
pub mod gaps;
pub mod id_number;
pub mod integrity;
pub mod labels;
pub mod ledger;
pub mod major_matters;
pub mod org;
pub mod personal;
pub mod petitions;
pub mod plans;
pub mod receptions;
pub mod responsibility;
pub mod risk;
pub mod rules;
pub mod search;
pub mod settings;
pub mod study;
pub mod supervision;
pub mod talks;
pub mod text;
pub mod time;
pub mod vehicles;
pub mod voiding;
pub mod warning_cases;

pub use error::{FieldError, FieldErrors};
