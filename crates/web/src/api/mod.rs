//! The JSON API under /api/v1.

pub mod accounts;
pub mod audit;
pub mod findings;
pub mod fulfilment;
pub mod ledger;
pub mod notifications;
pub mod people;
pub mod plans;
pub mod responsibility;
pub mod session;
pub mod units;

pub use crate::http::{merge_patch, percent_encode, upload, xlsx, ApiJson, Params, Path};
