//! Demo 考核: this year's round computed from the demo's responsibility items, tasks, findings
//! and decision meetings, a business score for every assessed unit, one deduction with its
//! reason, published — so the results page, a breakdown and a unit head's view have content.

use chrono::{Datelike, NaiveDate};
use qingfeng_store::assessments::{self, BusinessScore};
use qingfeng_store::{Actor, Db, Scope};

/// The deduction the demo's assessors made, on the first department assessed.
const DEDUCTION: (i64, &str) = (-200, "年度党风廉政建设工作总结逾期 10 天报送，经考核组研究扣 2 分。");

pub async fn seed(db: &Db, today: NaiveDate) -> anyhow::Result<usize> {
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    let year = today.year();
    let units: Vec<BusinessScore> = assessments::business_scores(db, &Scope::all(), year).await?;
    // business scores between 82 and 97.5, in half points, spread over the units
    let scores: Vec<(i64, i64, String)> =
        units.iter().enumerate().map(|(i, u)| (u.unit_id, 8200 + (i as i64 * 350) % 1600, String::new())).collect();
    assessments::set_business_scores(db, &actor, year, &scores).await?;
    let round = assessments::create_round(db, &actor, year, &format!("{year} 年度党风廉政建设考核")).await?;
    let rules = assessments::rules(db).await?;
    let n = assessments::compute(db, &actor, round, &rules, today).await?;
    if let Some(unit) = units.get(1) {
        assessments::adjust(db, &actor, round, unit.unit_id, None, DEDUCTION.0, DEDUCTION.1).await?;
    }
    assessments::publish(db, &actor, round).await?;
    Ok(n)
}
