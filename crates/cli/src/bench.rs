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
    /// Path and query to request.
    #[arg(long, default_value = "/api/v1/people?per_page=50&q=张")]
    path: String,
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

pub async fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let url = format!("{}{}", args.url.trim_end_matches('/'), args.path);
    // warm-up, and a check that the request works at all
    let first = client.get(&url).bearer_auth(&args.token).send().await.context("server not reachable")?;
    if !first.status().is_success() {
        bail!("request failed: {}", first.status());
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
    println!("request:      GET {}", args.path);
    println!("matches:      {total}");
    println!("requests:     {} ({} concurrent)", times.len(), args.concurrency);
    println!("p50:          {:.1} ms", pct(0.50).as_secs_f64() * 1000.0);
    println!("p95:          {:.1} ms", pct(0.95).as_secs_f64() * 1000.0);
    println!("max:          {:.1} ms", times.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0));
    println!("throughput:   {:.1} requests/s", times.len() as f64 / elapsed.as_secs_f64());
    if let Some(pid) = args.pid {
        match peak_rss_kib(pid) {
            Some(kib) => println!("server peak:  {:.1} MiB (VmHWM)", kib as f64 / 1024.0),
            None => println!("server peak:  unknown (no /proc/{pid}/status)"),
        }
    }
    Ok(())
}
