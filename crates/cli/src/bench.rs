//! `qingfeng bench`: a small load generator for a running server. It measures latency
//! percentiles and throughput of one request, and reads the server's peak memory (VmHWM) from
//! /proc when given its pid. Benchmarks measure; tests never assert on time.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Base URL of the server, e.g. http://127.0.0.1:8080
    #[arg(long)]
    url: String,
    /// API token (from `qingfeng token create`).
    #[arg(long, env = "QINGFENG_BENCH_TOKEN")]
    token: String,
    /// Path and query to request; repeat for several lists. With more than one, each is
    /// measured in turn and the figures are printed as one Markdown table row per path.
    #[arg(long, default_values_t = ["/api/v1/people?per_page=50&q=张".to_string()])]
    path: Vec<String>,
    #[arg(long, default_value_t = 500)]
    requests: usize,
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Server process id, to report its peak resident memory.
    #[arg(long)]
    pid: Option<u32>,
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// What one path measured.
struct Figures {
    path: String,
    total: i64,
    requests: usize,
    p50: Duration,
    p95: Duration,
    max: Duration,
    per_second: f64,
}

pub async fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let mut all = Vec::new();
    for path in &args.path {
        let f = measure(&client, args, path).await?;
        if args.path.len() == 1 {
            print_one(&f, args);
        }
        all.push(f);
    }
    if args.path.len() > 1 {
        println!("| request | matches | p50 ms | p95 ms | max ms | requests/s |");
        println!("|---|---:|---:|---:|---:|---:|");
        for f in &all {
            println!(
                "| `{}` | {} | {:.1} | {:.1} | {:.1} | {:.0} |",
                f.path,
                f.total,
                ms(f.p50),
                ms(f.p95),
                ms(f.max),
                f.per_second
            );
        }
        if let Some(pid) = args.pid {
            println!("server peak:  {}", peak_text(pid));
        }
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn peak_text(pid: u32) -> String {
    match peak_rss_kib(pid) {
        Some(kib) => format!("{:.1} MiB (VmHWM)", kib as f64 / 1024.0),
        None => format!("unknown (no /proc/{pid}/status)"),
    }
}

fn print_one(f: &Figures, args: &BenchArgs) {
    println!("request:      GET {}", f.path);
    println!("matches:      {}", f.total);
    println!("requests:     {} ({} concurrent)", f.requests, args.concurrency);
    println!("p50:          {:.1} ms", ms(f.p50));
    println!("p95:          {:.1} ms", ms(f.p95));
    println!("max:          {:.1} ms", ms(f.max));
    println!("throughput:   {:.1} requests/s", f.per_second);
    if let Some(pid) = args.pid {
        println!("server peak:  {}", peak_text(pid));
    }
}

async fn measure(client: &reqwest::Client, args: &BenchArgs, path: &str) -> anyhow::Result<Figures> {
    let url = format!("{}{}", args.url.trim_end_matches('/'), path);
    // warm-up, and a check that the request works at all
    let first = client.get(&url).bearer_auth(&args.token).send().await.context("server not reachable")?;
    if !first.status().is_success() {
        bail!("{path}: request failed: {}", first.status());
    }
    let body: serde_json::Value = first.json().await?;
    let total = body["total"].as_i64().unwrap_or(-1);

    let per_worker = args.requests.div_ceil(args.concurrency);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let client = client.clone();
        let url = url.clone();
        let token = args.token.clone();
        workers.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_worker);
            for _ in 0..per_worker {
                let t = Instant::now();
                let r = client.get(&url).bearer_auth(&token).send().await?;
                let ok = r.status().is_success();
                r.bytes().await?;
                if !ok {
                    anyhow::bail!("request failed");
                }
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut times: Vec<Duration> = Vec::new();
    for w in workers {
        times.extend(w.await??);
    }
    let elapsed = started.elapsed();
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1).min(times.len() - 1)];
    Ok(Figures {
        path: path.to_string(),
        total,
        requests: times.len(),
        p50: pct(0.50),
        p95: pct(0.95),
        max: times.last().copied().unwrap_or_default(),
        per_second: times.len() as f64 / elapsed.as_secs_f64(),
    })
}
