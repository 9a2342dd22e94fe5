//! `qingfeng`: the one binary — serve, migrate, demo, import, export, token, audit.

mod backup;
mod bench;
mod bench_chain;
mod demo;
mod demo_accounts;
mod demo_assessments;
mod demo_budgets;
mod demo_cases;
mod demo_chain;
mod demo_decisions;
mod demo_discipline;
mod demo_findings;
mod demo_holidays;
mod demo_integrity;
mod demo_matters;
mod demo_petitions;
mod demo_receptions;
mod demo_reports;
mod demo_risk;
mod demo_study;
mod demo_supervision;
mod demo_talks;
mod demo_vehicles;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use qingfeng_store::{accounts, audit, audit_key, Actor, Db, Scope};
use qingfeng_web::features::org::sheets as org_sheets;
use qingfeng_web::sheets::ImportReport;
use qingfeng_web::{AppState, WebConfig};

#[derive(Parser)]
#[command(name = "qingfeng", version, about = "清风 — 党风廉政建设主体责任管理系统")]
struct Cli {
    /// Directory for the embedded SQLite database, uploads, the audit key (`audit.key`, unless
    /// QINGFENG_AUDIT_KEY is set) and the published audit heads (`audit-heads.log`).
    #[arg(long, global = true, env = "QINGFENG_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// `postgres://…` selects PostgreSQL; default: SQLite file in the data directory.
    #[arg(long, global = true, env = "QINGFENG_DATABASE_URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        #[arg(long, env = "QINGFENG_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Fill an empty database with the demo 县委办 (changes nothing when data exists).
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (serve behind HTTPS).
        #[arg(long, env = "QINGFENG_SECURE_COOKIES", default_value_t = false)]
        secure_cookies: bool,
        /// Minutes of inactivity after which a session ends.
        #[arg(long, env = "QINGFENG_SESSION_IDLE_MINUTES", default_value_t = 30)]
        idle_minutes: i64,
        /// Reverse proxies (addresses or ranges, comma-separated, e.g. `10.0.0.0/8,127.0.0.1`)
        /// whose X-Forwarded-For names the client for the lock-out, login log and audit trail.
        /// Default: none, and the header is ignored.
        #[arg(long, env = "QINGFENG_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_net)]
        trusted_proxies: Vec<ipnet::IpNet>,
        /// The background job (reminders, webhook deliveries): `on` in every replica (a lease
        /// lets one work at a time), `off` to leave it to other replicas. Pause between passes:
        /// setting `jobs.interval_seconds` (default 60).
        #[arg(long, env = "QINGFENG_JOBS", value_enum, default_value = "on")]
        jobs: Switch,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database with a generated organisation; with --ledger, also the current
    /// year's responsibility lists and that many generated duty-ledger entries.
    Demo {
        #[arg(long, value_enum, default_value = "county")]
        scale: demo::Scale,
        /// Ledger entries to generate for the current year (0: none). On a database that already
        /// has an organisation, only the lists and entries are generated.
        #[arg(long, default_value_t = 0)]
        ledger: usize,
        /// Findings (with rectification measures in every state) to generate for the current
        /// year (0: none); like --ledger, also on a database that already has an organisation.
        #[arg(long, default_value_t = 0)]
        findings: usize,
        /// Seed of the ledger and findings generators.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Validate (and with --commit, write) a spreadsheet of people or units.
    Import {
        what: Sheet,
        file: PathBuf,
        #[arg(long)]
        commit: bool,
    },
    /// Export people or units to a spreadsheet.
    Export { what: Sheet, file: PathBuf },
    /// API tokens for integrations.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a consistent copy of the database to FILE while the server may run (SQLite:
    /// VACUUM INTO; PostgreSQL: pg_dump). The audit key is not in it: keep that apart.
    Backup {
        /// the new file (an existing one is never overwritten)
        file: PathBuf,
    },
    /// Restore a backup into an empty data directory (or an empty PostgreSQL database), then
    /// check it: its tables and the audit chain.
    Restore { file: PathBuf },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The background job of reminders and outbound deliveries.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Measure the people-list request against a running server.
    Bench(bench::BenchArgs),
    /// Time the recomputation of a year's fulfilment on the database.
    BenchFulfilment(bench_chain::BenchFulfilmentArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Sheet {
    People,
    Units,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for an account; it is printed once.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "")]
        name: String,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Switch {
    On,
    Off,
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Run one pass now (unless another replica holds the lease) and print what it did.
    RunOnce {
        /// Remind as of this day (YYYY-MM-DD) instead of today in China time.
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the keyed hash chain and check it against the published heads; exit 1 and name the
    /// first broken record if it was tampered with.
    Verify {
        /// A copy of the published heads kept elsewhere (default: `audit-heads.log` in the data
        /// directory).
        #[arg(long)]
        heads: Option<PathBuf>,
    },
    /// Publish the chain's head now (as `serve` does at start and daily): a signed line in
    /// `audit-heads.log`, the log, and the webhook if one is set.
    Publish,
}

/// glibc raises its mmap threshold to the size of a large block once one is freed, so later
/// blocks of that size come from a heap arena and stay there after they are freed. Each sign-in
/// checks its password with argon2 in a 19 MiB block: under load the server grew by 19 MiB a
/// sign-in, to about 200 MiB, and never gave it back (scripts/load.sh). A fixed threshold
/// keeps every block of 1 MiB or more in a mapping of its own, returned when freed; it costs a
/// `mmap` per such block, nothing beside an argon2 hash or an export's buffers.
fn keep_large_blocks_mapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a malloc parameter; called before any other thread starts
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() -> ExitCode {
    keep_large_blocks_mapped();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
        .block_on(main_async())
}

async fn main_async() -> ExitCode {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    // QINGFENG_LOG_FORMAT=json: one JSON object a line, for a log collector
    if std::env::var("QINGFENG_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt()
            // colour codes only for a terminal: a log file or journald gets plain lines
            .with_ansi(std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .with_env_filter(filter)
            .init();
    }
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// An address (`127.0.0.1`) or a range (`10.0.0.0/8`) of trusted proxies.
fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("无法识别的地址或网段：“{s}”（例如 10.0.0.0/8 或 127.0.0.1）"))
}

/// Opens the database with the audit key (`QINGFENG_AUDIT_KEY`, else `audit.key` in the data
/// directory, created when `create_key` and missing); refuses a key the audit chain was not
/// sealed with, so nothing is written that would not verify. Creates `admin` on first start.
async fn open_db(cli: &Cli) -> anyhow::Result<Db> {
    let (db, source) = connect(cli, true).await?;
    if !audit::key_matches(&db).await? {
        bail!(
            "审计密钥与数据库不符（{source}，密钥指纹 {}）：用它写入的审计记录将无法校验，已停止。\
             请使用写入审计链时的密钥（环境变量 QINGFENG_AUDIT_KEY 或数据目录中的 audit.key）；\
             可用 qingfeng audit verify 检查",
            db.audit_key().fingerprint()
        );
    }
    ensure_admin(&db).await?;
    // every command counts days in the office's time zone (the setting office.time_zone)
    qingfeng_store::settings::apply_office_time_zone(&db).await?;
    Ok(db)
}

/// The key of reporters' identities (信访举报), created on first start like the audit key.
fn load_reporter_key(cli: &Cli) -> anyhow::Result<qingfeng_store::reporter_key::ReporterKey> {
    let (key, source) =
        qingfeng_store::reporter_key::ReporterKey::load(&cli.data_dir, true).map_err(anyhow::Error::msg)?;
    if let audit_key::KeySource::NewFile(path) = &source {
        println!(
            "已生成举报人信息密钥文件 {}：请与数据库备份分开另行保存一份，丢失后举报人信息将无法读取",
            path.display()
        );
    }
    Ok(key)
}

async fn connect(cli: &Cli, create_key: bool) -> anyhow::Result<(Db, audit_key::KeySource)> {
    let (key, source) = audit_key::AuditKey::load(&cli.data_dir, create_key).map_err(anyhow::Error::msg)?;
    if let audit_key::KeySource::NewFile(path) = &source {
        println!("已生成审计密钥文件 {}：请与数据库备份分开另行保存一份", path.display());
    }
    let url = match &cli.database_url {
        Some(u) => u.clone(),
        None => {
            std::fs::create_dir_all(&cli.data_dir)
                .with_context(|| format!("cannot create data directory {}", cli.data_dir.display()))?;
            format!("sqlite:{}", cli.data_dir.join("qingfeng.db").display())
        }
    };
    let db = Db::connect_with_key(&url, key).await.context("cannot open the database")?;
    Ok((db, source))
}

/// The password of accounts created at start: `QINGFENG_ADMIN_PASSWORD`, or a random one
/// (true: generated, to be shown once and changed at first sign-in).
fn initial_password() -> (String, bool) {
    match std::env::var("QINGFENG_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (random_password(), true),
    }
}

/// On first start with no account at all, creates `admin`.
async fn ensure_admin(db: &Db) -> anyhow::Result<()> {
    if accounts::count(db).await? > 0 {
        return Ok(());
    }
    let (password, generated) = initial_password();
    accounts::create(db, &Actor::system(), "admin", &password, None, &["admin"], generated).await?;
    if generated {
        println!("已创建管理员账号 admin，初始密码：{password}");
        println!("（只显示这一次，请登录后立即修改）");
    } else {
        println!("已创建管理员账号 admin（密码取自 QINGFENG_ADMIN_PASSWORD）");
    }
    Ok(())
}

/// `qingfeng audit verify`: the key first, then the published heads, then the chain.
async fn verify_audit(cli: &Cli, heads: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let (db, source) = connect(cli, false).await?;
    if !audit::key_matches(&db).await? {
        // a wrong key would also fail every line of the heads file: say what is really wrong
        if let audit::Verification::WrongKey { reason } = audit::verify(&db).await? {
            println!("审计链无法校验：{reason}（所用密钥取自{source}）");
            return Ok(ExitCode::from(1));
        }
    }
    let path = heads.map(Into::into).unwrap_or_else(|| cli.data_dir.join(audit::HEADS_FILE));
    let published = match std::fs::read_to_string(&path) {
        Ok(text) => match audit::parse_heads(db.audit_key(), &text) {
            Ok(h) => h,
            Err(e) => {
                println!("已发布的链头文件 {} 不可信：{e}", path.display());
                return Ok(ExitCode::from(1));
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && heads.is_none() => {
            println!("提示：没有找到已发布的链头文件 {}，只校验了数据库中的链，链尾被截断时无法发现", path.display());
            Vec::new()
        }
        Err(e) => bail!("无法读取链头文件 {}：{e}", path.display()),
    };
    match audit::verify_with_heads(&db, &published).await? {
        audit::Verification::Intact { records } => {
            println!("审计链完整：共 {records} 条记录");
            if let Some(last) = published.iter().max_by_key(|h| (h.last_id, h.at)) {
                println!(
                    "与 {} 中 {} 个已发布的链头一致（最近：{} 发布，到第 {} 条）",
                    path.display(),
                    published.len(),
                    last.at_text(),
                    last.last_id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        audit::Verification::Broken { record_id, reason } => {
            println!("审计链被破坏：第 {record_id} 条记录：{reason}");
            Ok(ExitCode::from(1))
        }
        audit::Verification::WrongKey { reason } => {
            println!("审计链无法校验：{reason}（所用密钥取自{source}）");
            Ok(ExitCode::from(1))
        }
    }
}

fn random_password() -> String {
    use rand::seq::SliceRandom;
    use rand::Rng;
    const SETS: [&str; 4] = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "!@#%*-_+"];
    let mut rng = rand::thread_rng();
    let mut chars: Vec<char> =
        SETS.iter().map(|s| s.chars().nth(rng.gen_range(0..s.len())).expect("in range")).collect();
    let all: Vec<char> = SETS.concat().chars().collect();
    while chars.len() < 16 {
        chars.push(all[rng.gen_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    chars.into_iter().collect()
}

fn print_report(r: &ImportReport) {
    for e in &r.errors {
        println!("第{}行「{}」：{}", e.row, e.column, e.message);
    }
    println!("有效 {} 行，错误 {} 处", r.valid, r.errors.len());
    if r.committed {
        println!("已导入：新增 {} 行，更新 {} 行", r.created, r.updated);
    } else if r.valid > 0 {
        println!("未写入任何数据；确认无误后加 --commit 导入有效行");
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Serve { listen, demo, secure_cookies, idle_minutes, trusted_proxies, jobs } => {
            let db = open_db(&cli).await?;
            let reporter_key = load_reporter_key(&cli)?;
            if *demo {
                match demo::seed_demo(&db).await? {
                    Some(s) => {
                        let entries = demo_chain::seed(&db).await?;
                        let risk = demo_risk::seed(&db).await?;
                        demo_findings::seed(&db, &risk).await?;
                        demo_talks::seed(&db).await?;
                        demo_matters::seed(&db).await?;
                        demo_study::seed(&db).await?;
                        demo_holidays::seed(&db, &Actor { username: "demo".into(), ..Actor::system() }).await?;
                        demo_decisions::seed(&db).await?;
                        demo_vehicles::seed(&db, qingfeng_domain::time::office_today()).await?;
                        demo_receptions::seed(&db).await?;
                        demo_budgets::seed(&db, qingfeng_domain::time::office_today()).await?;
                        demo_supervision::seed(&db, qingfeng_domain::time::office_today()).await?;
                        demo_reports::seed(&db, qingfeng_domain::time::office_today()).await?;
                        demo_discipline::seed(&db, qingfeng_domain::time::office_today()).await?;
                        demo_assessments::seed(&db, qingfeng_domain::time::office_today()).await?;
                        let receipt =
                            demo_petitions::seed(&db, &reporter_key, qingfeng_domain::time::office_today()).await?;
                        println!("已生成演示数据：{} 个单位，{} 人，{} 条履职台账记录", s.units, s.people, entries);
                        let (password, generated) = initial_password();
                        let created = demo_accounts::seed(&db, &password, generated).await?;
                        if generated {
                            println!("演示账号（初始密码：{password}，只显示这一次，登录后须修改）：");
                        } else {
                            println!("演示账号（密码与 admin 相同，取自 QINGFENG_ADMIN_PASSWORD）：");
                        }
                        for (username, role, person) in created {
                            println!("  {username:<8} {role}（{person}）");
                        }
                        demo_petitions::grant_group_head(&db).await?;
                        if let Some(code) = receipt {
                            let pw = demo_petitions::DEMO_QUERY_PASSWORD;
                            println!("演示网上举报：受理编号 {code}，查询密码 {pw}（/report/status 查询）");
                        }
                        demo_integrity::seed(&db).await?;
                    }
                    None => println!("数据库已有数据，未生成演示数据"),
                }
            }
            // the chain's head, published outside the database at start and then daily
            qingfeng_web::jobs::audit_heads::publish(&db, &cli.data_dir).await.map_err(anyhow::Error::msg)?;
            qingfeng_web::jobs::audit_heads::spawn_daily(db.clone(), cli.data_dir.clone());
            let target = backup::Target::new(cli.database_url.as_deref(), &cli.data_dir);
            backup::spawn_nightly(db.clone(), target, cli.data_dir.clone());
            let listener =
                tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            println!("清风已启动：http://{}", listener.local_addr()?);
            if *jobs == Switch::On {
                qingfeng_web::jobs::spawn_loop(db.clone());
            } else {
                println!("后台提醒任务已关闭（QINGFENG_JOBS=off）");
            }
            let state = AppState {
                db,
                config: Arc::new(WebConfig {
                    secure_cookies: *secure_cookies,
                    idle_minutes: *idle_minutes,
                    trusted_proxies: trusted_proxies.clone(),
                    data_dir: Some(cli.data_dir.clone()),
                    reporter_key: Some(reporter_key),
                }),
                jobs: Default::default(),
            };
            serve_until_signal(state, listener).await?;
        }
        Command::Migrate => {
            open_db(&cli).await?;
            println!("数据库已是最新版本");
        }
        Command::Demo { scale, ledger, findings, seed } => {
            let db = open_db(&cli).await?;
            let started = std::time::Instant::now();
            match demo::seed_scale(&db, *scale).await? {
                Some(s) => println!(
                    "已生成：{} 个单位，{} 人，用时 {:.1} 秒",
                    s.units,
                    s.people,
                    started.elapsed().as_secs_f64()
                ),
                None if *ledger > 0 || *findings > 0 => println!("数据库已有组织数据，只生成责任清单、履职台账和问题"),
                None => bail!("数据库已有数据：演示数据只能生成到空数据库"),
            }
            if *ledger > 0 {
                let actor = Actor { username: "demo".into(), ..Actor::system() };
                let year = qingfeng_store::fulfilment::this_year();
                let started = std::time::Instant::now();
                let r = qingfeng_store::responsibility::generate(&db, &actor, &Scope::all(), year).await?;
                println!(
                    "已生成 {year} 年责任清单：新建清单 {} 份，责任事项 {} 项，用时 {:.1} 秒",
                    r.lists_created,
                    r.items_created,
                    started.elapsed().as_secs_f64()
                );
                let started = std::time::Instant::now();
                let n = qingfeng_store::ledger_bulk::generate_entries(&db, &actor, year, *ledger, *seed).await?;
                let secs = started.elapsed().as_secs_f64();
                let (participants, credits, counts): (i64, i64, i64) = db
                    .fetch_one(
                        "SELECT (SELECT COUNT(*) FROM ledger_participants), (SELECT COUNT(*) FROM ledger_credits WHERE year = $1), \
                         (SELECT COUNT(*) FROM item_month_counts WHERE year = $1)",
                        qingfeng_store::args![year],
                    )
                    .await?;
                println!(
                    "已生成 {year} 年履职台账：{n} 条记录，参加人员 {participants} 人次，计入责任事项 {credits} 次，月度计数 {counts} 行，用时 {secs:.1} 秒（每秒 {:.0} 条）",
                    n as f64 / secs.max(1e-9)
                );
            }
            if *findings > 0 {
                let actor = Actor { username: "demo".into(), ..Actor::system() };
                let year = qingfeng_store::fulfilment::this_year();
                let started = std::time::Instant::now();
                let (f, m) = qingfeng_store::findings_bulk::generate(&db, &actor, year, *findings, *seed).await?;
                println!(
                    "已生成 {year} 年问题 {f} 个、整改措施 {m} 条，用时 {:.1} 秒",
                    started.elapsed().as_secs_f64()
                );
            }
        }
        Command::Import { what, file, commit } => {
            let db = open_db(&cli).await?;
            let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let actor = Actor { account_id: None, username: "cli".into(), address: "local".into(), words: None };
            let report = match what {
                Sheet::People => org_sheets::people_import(&db, &actor, &Scope::all(), &bytes, *commit).await,
                Sheet::Units => org_sheets::units_import(&db, &actor, &Scope::all(), &bytes, *commit).await,
            }
            .map_err(|e| anyhow::anyhow!(e.parts().1))?;
            print_report(&report);
            if !report.errors.is_empty() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Export { what, file } => {
            let db = open_db(&cli).await?;
            let bytes = match what {
                Sheet::People => org_sheets::people_export(&db, &Scope::all(), &Default::default(), true).await,
                Sheet::Units => org_sheets::units_export(&db, &Scope::all()).await,
            }
            .map_err(|e| anyhow::anyhow!(e.parts().1))?;
            std::fs::write(file, bytes).with_context(|| format!("cannot write {}", file.display()))?;
            println!("已导出到 {}", file.display());
        }
        Command::Token { command: TokenCommand::Create { user, name } } => {
            let db = open_db(&cli).await?;
            let Some(account) = accounts::by_username(&db, user).await? else { bail!("账号 {user} 不存在") };
            let actor = Actor { account_id: None, username: "cli".into(), address: "local".into(), words: None };
            let token = accounts::create_token(&db, &actor, account.id, name).await?;
            println!("{token}");
        }
        Command::Backup { file } => {
            let db = open_db(&cli).await?;
            let target = backup::Target::new(cli.database_url.as_deref(), &cli.data_dir);
            backup::backup(&db, &target, file).await?;
            println!("已备份到 {}（审计密钥不在备份中，请另行保存）", file.display());
            db.close().await;
        }
        Command::Restore { file } => {
            // without the key the restored chain cannot be checked: ask for it before writing
            audit_key::AuditKey::load(&cli.data_dir, false)
                .map_err(|e| anyhow::anyhow!("{e}。恢复前请先放好审计密钥，用它校验恢复的审计链；未写入任何数据"))?;
            let target = backup::Target::new(cli.database_url.as_deref(), &cli.data_dir);
            backup::restore(&target, file).await?;
            let (db, _) = connect(&cli, false).await?;
            backup::print_counts(&db).await?;
            db.close().await;
            return verify_audit(&cli, None).await;
        }
        Command::Audit { command: AuditCommand::Verify { heads } } => {
            return verify_audit(&cli, heads.as_deref()).await;
        }
        Command::Audit { command: AuditCommand::Publish } => {
            let db = open_db(&cli).await?;
            let head =
                qingfeng_web::jobs::audit_heads::publish(&db, &cli.data_dir).await.map_err(anyhow::Error::msg)?;
            println!(
                "已发布审计链头：第 {} 条记录，哈希 {}（{}）",
                head.last_id,
                head.last_hash,
                cli.data_dir.join(audit::HEADS_FILE).display()
            );
        }
        Command::Jobs { command: JobsCommand::RunOnce { date } } => {
            let db = open_db(&cli).await?;
            let jobs = qingfeng_web::jobs::holder_id();
            let today = date.unwrap_or_else(qingfeng_store::fulfilment::today);
            let report = qingfeng_web::jobs::run_once_as(&db, &jobs, today).await?;
            print!("{report}");
            db.close().await;
        }
        Command::Bench(args) => bench::run(args).await?,
        Command::BenchFulfilment(args) => {
            let db = open_db(&cli).await?;
            bench_chain::run(&db, args).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How long requests in flight may take to finish after a stop signal.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(30);

/// SIGTERM (systemd, docker, Kubernetes) or Ctrl-C: the name of the signal received.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "SIGINT",
            },
            Err(_) => tokio::signal::ctrl_c().await.map(|_| "SIGINT").unwrap_or("SIGINT"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

/// Serves until a stop signal, then stops accepting connections, lets the requests in flight
/// finish (at most [`DRAIN`]) and says that it stopped.
async fn serve_until_signal(state: AppState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let server = qingfeng_web::serve_until(state, listener, async move {
        let mut stopped = stopped;
        let _ = stopped.wait_for(|s| *s).await;
    });
    tokio::pin!(server);
    tokio::select! {
        r = &mut server => r?,
        name = stop_signal() => {
            tracing::info!("收到 {name}，正在停止：不再接受新的连接，等待进行中的请求完成");
            let _ = stop.send(true);
            match tokio::time::timeout(DRAIN, &mut server).await {
                Ok(r) => r?,
                Err(_) => tracing::warn!("{} 秒后仍有请求未完成，强制停止", DRAIN.as_secs()),
            }
        }
    }
    tracing::info!("清风已停止");
    Ok(())
}
