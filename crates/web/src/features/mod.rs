//! The features of 清风, one folder each: `mod.rs` registers its routes, `service.rs` holds its
//! operations (validation, scope checks, who may act) shared by `api.rs` (JSON handlers) and
//! `pages.rs` (HTML handlers and their view models); `sheets.rs` its Excel import and export.
//! See docs/feature-recipe.md.

pub mod accounts;
pub mod assessments;
pub mod audit;
pub mod budgets;
pub mod clues;
pub mod decisions;
pub mod discipline;
pub mod exports;
pub mod family_events;
pub mod findings;
pub mod four_winds;
pub mod fulfilment;
pub mod holidays;
pub mod home;
pub mod integrity_files;
pub mod ledger;
pub mod major_matters;
pub mod notifications;
pub mod org;
pub mod party_branches;
pub mod personal_reports;
pub mod petitions;
pub mod plans;
pub mod receptions;
pub mod reports;
pub mod responsibility;
pub mod risk;
pub mod session;
pub mod study;
pub mod supervision;
pub mod system;
pub mod talks;
pub mod vehicles;
pub mod voiding;
pub mod warning_cases;
