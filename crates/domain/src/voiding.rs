//! 作废 (voiding): which records can be voided, and the reason every voiding and restoring needs.

use serde::{Deserialize, Serialize};

use crate::responsibility::keyed_enum;
use crate::text::{check_required, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// The kinds of record that can be voided instead of deleted.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Voidable {
        LedgerEntry = ("ledger_entry", "台账记录"),
        Finding = ("finding", "问题"),
        Task = ("task", "任务"),
        Person = ("person", "人员"),
    }
);

/// Longest reason kept, in characters.
pub const REASON_MAX: usize = 500;

/// The reason for voiding or restoring, trimmed; an error names the `reason` field.
pub fn reason(text: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    check_required(&mut errors, "reason", "原因", text, REASON_MAX);
    errors.into_result().map(|()| trim_all(text).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert_eq!(reason("  重复登记 ").unwrap(), "重复登记");
        let empty = reason("\u{3000}").unwrap_err();
        assert_eq!(empty.first().unwrap().field, "reason");
        assert!(reason(&"长".repeat(REASON_MAX + 1)).is_err());
        assert!(reason(&"长".repeat(REASON_MAX)).is_ok());
    }
}
