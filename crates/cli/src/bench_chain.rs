//! `qingfeng bench-fulfilment`: times the recomputation of a year's fulfilment (every item
//! evaluated from its month counts, rolled up per unit and level, written as a snapshot).
//! Each run first bumps the fulfilment version, as any ledger write would, so every run really
//! recomputes. Benchmarks measure; tests never assert on time.

use std::time::{Duration, Instant};

use qingfeng_store::fulfilment::{recompute_with_stats, this_year, today, RecomputeStats};
use qingfeng_store::responsibility::bump_version;
use qingfeng_store::{args, settings, Arg, Db};

#[derive(clap::Args)]
pub struct BenchFulfilmentArgs {
    /// Year to recompute (default: the current year).
    #[arg(long)]
    year: Option<i64>,
    /// Number of timed recomputations.
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

async fn count(db: &Db, sql: &str, args: Vec<Arg>) -> anyhow::Result<i64> {
    let (n,): (i64,) = db.fetch_one(sql, args).await?;
    Ok(n)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub async fn run(db: &Db, args: &BenchFulfilmentArgs) -> anyhow::Result<()> {
    let year = args.year.unwrap_or_else(this_year);
    let runs = args.runs.max(1);
    let as_of = today();
    let lead_days = settings::lead_days(db).await?;
    let entries = count(db, "SELECT COUNT(*) FROM ledger_entries WHERE entry_year = $1", args![year]).await?;
    let credits = count(db, "SELECT COUNT(*) FROM ledger_credits WHERE year = $1", args![year]).await?;
    let people = count(db, "SELECT COUNT(*) FROM people WHERE status = 'active'", vec![]).await?;
    println!("年度：        {year}（截至 {as_of}，提前 {lead_days} 天提醒）");
    println!("在职人员：    {people}");
    println!("台账记录：    {entries}");
    println!("计入关系：    {credits}");

    let mut times = Vec::with_capacity(runs);
    let mut last = RecomputeStats::default();
    for run in 1..=runs {
        let mut tx = db.begin().await?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
        let started = Instant::now();
        let (snapshot, stats) = recompute_with_stats(db, year, as_of, lead_days).await?;
        let elapsed = started.elapsed();
        println!(
            "第 {run} 次：    {:.1} ms（读取 {:.1} ms，计算 {:.1} ms，写入 {:.1} ms；快照 {}）",
            ms(elapsed),
            ms(stats.load),
            ms(stats.evaluate),
            ms(stats.write),
            snapshot.id
        );
        times.push(elapsed);
        last = stats;
    }
    times.sort();
    println!("责任事项：    {}", last.items);
    println!("月度计数行：  {}", last.count_rows);
    println!("汇总行：      {}", last.rollup_rows);
    println!("红黄事项：    {}", last.flagged_rows);
    println!(
        "重算用时：    最短 {:.1} ms，中位 {:.1} ms，最长 {:.1} ms（共 {runs} 次）",
        ms(times[0]),
        ms(times[runs / 2]),
        ms(times[runs - 1])
    );
    Ok(())
}
