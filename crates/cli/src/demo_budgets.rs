//! Demo 三公经费: the 2026 budgets of 综合科 (which keeps the vehicles), 接待办 and the office,
//! the finance office's ledger of 2025 and 2026, so that the execution page compares with last
//! year and 综合科's 公务用车 budget stands past the warning share (85 % of it spent).

use chrono::NaiveDate;
use qingfeng_domain::budgets::{BudgetCategory as C, BudgetDraft, SpendingDraft};
use qingfeng_store::{budgets, Actor, Db};

/// (unit code, day, category, 元, note)
type Line = (&'static str, (i32, u32, u32), C, i64, &'static str);

const LEDGER: &[Line] = &[
    ("XWB-ZHK", (2025, 3, 18), C::Vehicles, 9_800, "公务用车年度保险"),
    ("XWB-ZHK", (2025, 9, 6), C::Vehicles, 6_200, "公务用车维修保养"),
    ("XWB-JDB", (2025, 4, 22), C::Reception, 18_600, "接待省市检查组"),
    ("XWB-JDB", (2025, 11, 3), C::Reception, 21_400, "接待兄弟县考察组"),
    ("XWB", (2025, 8, 12), C::Abroad, 26_000, "因公出国（境）考察"),
    ("XWB-ZHK", (2026, 3, 20), C::Vehicles, 9_600, "公务用车年度保险"),
    ("XWB-JDB", (2026, 4, 16), C::Reception, 12_300, "接待市委巡察组"),
    ("XWB-JDB", (2026, 9, 24), C::Reception, 9_900, "接待兄弟县考察组"),
];

async fn unit(db: &Db, code: &str) -> anyhow::Result<Option<i64>> {
    let row: Option<(i64,)> =
        db.fetch_optional("SELECT id FROM units WHERE code = $1", qingfeng_store::args![code]).await?;
    Ok(row.map(|r| r.0))
}

/// Enters the ledger and the budgets (after the trips); answers how many budgets.
pub async fn seed(db: &Db, today: NaiveDate) -> anyhow::Result<usize> {
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    let mut lines = Vec::new();
    for (code, (y, m, d), category, yuan, note) in LEDGER {
        let (Some(unit_id), Some(spent_on)) = (unit(db, code).await?, NaiveDate::from_ymd_opt(*y, *m, *d)) else {
            continue;
        };
        if spent_on <= today {
            lines.push(SpendingDraft {
                unit_id,
                spent_on,
                category: *category,
                amount_cents: yuan * 100,
                note: note.to_string(),
            });
        }
    }
    budgets::add_spending(db, &actor, &lines, "import").await?;
    let mut n = 0;
    let rows = budgets::execution(db, &qingfeng_store::Scope::all(), 2026, None).await?;
    // 综合科's vehicles: 85 % of the budget spent, so the page shows its warning
    let vehicles_spent =
        rows.iter().find(|r| r.category == C::Vehicles.key() && r.unit_name == "综合科").map_or(0, |r| r.spent_cents);
    for (code, category, cents) in [
        ("XWB-ZHK", C::Vehicles, (vehicles_spent * 100 / 85).max(1_000_000)),
        ("XWB-JDB", C::Reception, 6_000_000),
        ("XWB", C::Abroad, 3_000_000),
    ] {
        let Some(unit_id) = unit(db, code).await? else { continue };
        let d = BudgetDraft { unit_id, year: 2026, category, amount_cents: (cents + 99) / 100 * 100 };
        budgets::put_budget(db, &actor, &d).await?;
        n += 1;
    }
    Ok(n)
}
