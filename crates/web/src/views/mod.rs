//! Server-rendered pages (askama) with htmx partials.

pub mod dashboard;
pub mod findings;
pub mod import;
pub mod ledger;
pub mod login;
pub mod notifications;
pub mod org;
pub mod plans;
pub mod responsibility;
pub mod system;

pub use crate::http::{render, FormPairs, Nav, Opt, PageError, PagePath as Path, PageResult};
