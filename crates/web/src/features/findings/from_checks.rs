//! Records whose rule checks can fail (三重一大 meetings, vehicle trips, …) share two steps: the
//! live checks panel of their forms (htmx dry run) and the 纪检组's 转为问题 of a failed check.

use askama::Template;
use qingfeng_domain::decisions::Check;
use serde::{Deserialize, Serialize};

use crate::http::{render, see_other, ApiError, ApiResult, PageResult};

#[derive(Template)]
#[template(path = "partials/checks.html")]
struct ChecksPanel {
    checks: Vec<Check>,
    missing: Vec<String>,
    failed_word: &'static str,
}

/// The checks panel of a form as typed: each rule's result (a failed one 不符合), or what the
/// input still lacks.
pub fn checks_panel(result: ApiResult<Vec<Check>>) -> PageResult {
    panel(result, "不符合")
}

/// The checks panel where a failed check only asks for review (待核实), never condemns.
pub fn review_panel(result: ApiResult<Vec<Check>>) -> PageResult {
    panel(result, "待核实")
}

fn panel(result: ApiResult<Vec<Check>>, failed_word: &'static str) -> PageResult {
    let (checks, missing) = match result {
        Ok(checks) => (checks, Vec::new()),
        Err(ApiError::Invalid(e)) => (Vec::new(), e.0.into_iter().map(|x| x.message).collect()),
        Err(ApiError::Forbidden(m)) => (Vec::new(), vec![m]),
        Err(e) => return Err(e.into()),
    };
    render(&ChecksPanel { checks, missing, failed_word })
}

/// A check as a record's page shows it, with the finding it became.
pub struct CheckRow {
    pub c: Check,
    pub finding: Option<i64>,
}

/// A record's checks with the findings (rule, finding id) the 纪检组 raised from them.
pub fn check_rows(checks: &[Check], findings: &[(String, i64)]) -> Vec<CheckRow> {
    let finding = |rule: &str| findings.iter().find(|(r, _)| r == rule).map(|(_, f)| *f);
    checks.iter().map(|c| CheckRow { c: c.clone(), finding: finding(&c.rule) }).collect()
}

/// The failed check a 转为问题 names: refused when the rule is not one of the record's checks
/// (`kind` names them, "三重一大会议") or when it passed (`what` names the record, "该会议").
pub fn failed_check<'a>(checks: &'a [Check], rule: &str, kind: &str, what: &str) -> ApiResult<&'a Check> {
    let Some(c) = checks.iter().find(|c| c.rule == rule) else {
        return Err(ApiError::bad_request(format!("规则“{rule}”不是{kind}的检查项"), Some("rule")));
    };
    if c.ok {
        return Err(ApiError::Conflict(format!("{what}的 {rule} 检查已通过，无需转为问题")));
    }
    Ok(c)
}

/// The page answer of a 转为问题: the new finding, or back to the record with the refusal.
pub fn converted_page(result: ApiResult<i64>, back: &str) -> PageResult {
    match result {
        Ok(fid) => Ok(see_other(format!("/findings/{fid}"))),
        Err(e) => {
            let (_, message, _) = e.parts();
            let q = serde_urlencoded::to_string([("refused", message)]).unwrap_or_default();
            Ok(see_other(format!("{back}?{q}")))
        }
    }
}

/// A dry run's answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckAnswer {
    pub checks: Vec<Check>,
}

/// Which failed check to turn into a finding.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertFields {
    /// the rule, e.g. R-DEC-1 or R-CAR-2
    pub rule: String,
}

/// The finding a check became.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Converted {
    pub finding_id: i64,
}
