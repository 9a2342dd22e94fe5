//! The answer of one regulation check (R-DEC-*, R-REC-*, …): its rule, whether the record
//! passes, what was found and the regulation it comes from. Shared by every feature whose
//! records are checked against RULES.md.

use serde::Serialize;

/// One check's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RuleCheck))]
pub struct Check {
    /// the rule's id in RULES.md, e.g. R-DEC-1 or R-REC-2
    pub rule: String,
    pub ok: bool,
    /// what was found, in Chinese
    pub message: String,
    /// the regulation the rule comes from
    pub source: String,
}

/// A check's answer.
pub fn check(rule: &str, ok: bool, message: String, source: &str) -> Check {
    Check { rule: rule.into(), ok, message, source: source.into() }
}
