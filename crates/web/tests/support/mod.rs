//! Test support: the real server on 127.0.0.1:0 over a fresh database of every engine the run
//! has, an admin account, and clients that speak HTTP to it the way a browser (session cookie +
//! CSRF token) and an integration (bearer token) do.

use std::io::Cursor;
use std::sync::Arc;

use qingfeng_store::{accounts, args, audit, Actor, Db, Engine};
use qingfeng_web::{AppState, WebConfig};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::redirect::Policy;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "Passw0rd!x";

/// An answer, read completely.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Resp {
    async fn read(r: reqwest::Response) -> Resp {
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = r.bytes().await.expect("read response body").to_vec();
        Resp { status, headers, bytes }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The body as JSON; panics with the body when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
}

/// A running server with an admin signed in.
pub struct Server {
    /// "Sqlite" or "Postgres", for assertion messages.
    pub engine: String,
    pub base: String,
    pub db: Db,
    pub admin_id: i64,
    /// Cookie-store client signed in through `POST /api/v1/session`; does not follow redirects.
    pub client: Client,
    /// The CSRF token of `client`'s session.
    pub csrf: String,
    /// Client sending `Authorization: Bearer` with an API token of the admin.
    pub bearer: Client,
    /// Client without cookies or token; does not follow redirects.
    pub anon: Client,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// A client that keeps no cookies and follows no redirects.
pub fn plain_client() -> Client {
    Client::builder().redirect(Policy::none()).build().expect("build client")
}

/// A fresh, migrated database of the given engine.
pub async fn fresh_db(engine: Engine) -> Db {
    match engine {
        Engine::Sqlite => qingfeng_store::testing::sqlite().await,
        Engine::Postgres => qingfeng_store::testing::postgres().await.expect("PostgreSQL configured"),
    }
}

/// One started server per engine of the run.
pub async fn servers() -> Vec<Server> {
    let mut out = Vec::new();
    for db in qingfeng_store::testing::engines().await {
        out.push(Server::start(db).await);
    }
    out
}

impl Server {
    /// Starts the real server on port 0 over `db`, creates the admin account, signs the cookie
    /// client in and issues a bearer token.
    pub async fn start(db: Db) -> Server {
        Server::start_with(db, WebConfig::default()).await
    }

    /// [`Server::start`] with a configuration of its own.
    pub async fn start_with(db: Db, config: WebConfig) -> Server {
        let engine = format!("{:?}", db.engine());
        let admin = accounts::create(&db, &Actor::system(), ADMIN, ADMIN_PASSWORD, None, &["admin"], false)
            .await
            .expect("create admin account");
        let token = accounts::create_token(&db, &Actor::system(), admin.id, "tests").await.expect("create API token");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let state = AppState { db: db.clone(), config: Arc::new(config), jobs: Default::default() };
        let task = tokio::spawn(qingfeng_web::serve(state, listener));
        let base = format!("http://{addr}");

        let client =
            Client::builder().cookie_store(true).redirect(Policy::none()).build().expect("build cookie client");
        let r = client
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": ADMIN, "password": ADMIN_PASSWORD}))
            .send()
            .await
            .expect("login request");
        let r = Resp::read(r).await;
        assert_eq!(r.status, StatusCode::OK, "[{engine}] login: {}", r.text());
        let csrf = r.json()["csrf_token"].as_str().expect("csrf_token in the login answer").to_string();
        assert!(!csrf.is_empty(), "[{engine}] empty csrf token");

        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).expect("header value"));
        let bearer =
            Client::builder().default_headers(headers).redirect(Policy::none()).build().expect("build bearer client");

        Server { engine, base, db, admin_id: admin.id, client, csrf, bearer, anon: plain_client(), task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        Resp::read(req.send().await.expect("request reaches the server")).await
    }

    /// GET with the session cookie.
    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.client.get(self.url(path))).await
    }

    /// A JSON write with the session cookie and the CSRF header.
    pub async fn write_json(&self, method: Method, path: &str, body: &Value) -> Resp {
        self.send(self.client.request(method, self.url(path)).header("X-CSRF-Token", &self.csrf).json(body)).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.write_json(Method::POST, path, body).await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> Resp {
        self.write_json(Method::PATCH, path, body).await
    }

    /// A raw body with the session cookie, the CSRF header and the given content type.
    pub async fn write_raw(&self, method: Method, path: &str, ctype: &str, body: &str) -> Resp {
        self.send(
            self.client
                .request(method, self.url(path))
                .header("X-CSRF-Token", &self.csrf)
                .header("Content-Type", ctype)
                .body(body.to_string()),
        )
        .await
    }

    /// GET with the bearer token.
    pub async fn bearer_get(&self, path: &str) -> Resp {
        self.send(self.bearer.get(self.url(path))).await
    }

    /// Downloads a file with the session cookie; asserts 200.
    pub async fn download(&self, path: &str) -> Vec<u8> {
        let r = self.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] GET {path}: {}", self.engine, r.text());
        r.bytes
    }

    /// Uploads `bytes` as the multipart field `file` (with the CSRF header).
    pub async fn upload(&self, path: &str, bytes: Vec<u8>) -> Resp {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name("upload.xlsx")
            .mime_str("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .expect("mime");
        let form = reqwest::multipart::Form::new().part("file", part);
        self.send(self.client.post(self.url(path)).header("X-CSRF-Token", &self.csrf).multipart(form)).await
    }

    /// Uploads and expects a 200 JSON import report.
    pub async fn import(&self, path: &str, bytes: Vec<u8>) -> Value {
        let r = self.upload(path, bytes).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] POST {path}: {}", self.engine, r.text());
        r.json()
    }

    pub async fn audit_count(&self) -> i64 {
        let (n,): (i64,) =
            self.db.fetch_one("SELECT COUNT(*) FROM audit_log", vec![]).await.expect("count audit records");
        n
    }

    pub async fn audit_count_of(&self, entity: &str, action: &str) -> i64 {
        let (n,): (i64,) = self
            .db
            .fetch_one("SELECT COUNT(*) FROM audit_log WHERE entity = $1 AND action = $2", args![entity, action])
            .await
            .expect("count audit records");
        n
    }

    pub async fn count(&self, table: &str) -> i64 {
        // the table name comes from the tests themselves, never from input
        let (n,): (i64,) =
            self.db.fetch_one(&format!("SELECT COUNT(*) FROM {table}"), vec![]).await.expect("count rows");
        n
    }

    /// `total` of a JSON list, read with the bearer token.
    pub async fn list_total(&self, path: &str) -> i64 {
        let r = self.bearer_get(path).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] GET {path}: {}", self.engine, r.text());
        r.json()["total"].as_i64().expect("total")
    }

    /// Ends the test for this server: the audit chain must be intact.
    pub async fn finish(self) {
        let v = audit::verify(&self.db).await.expect("verify audit chain");
        assert!(matches!(v, audit::Verification::Intact { .. }), "[{}] audit chain: {v:?}", self.engine);
        self.task.abort();
        self.db.close().await;
    }
}

/// Whether a text contains at least one CJK ideograph.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

/// Asserts the API error envelope `{"error": {"code", "message", "field"}}` with a Chinese
/// message, the status, and (when given) the field. Returns the error object.
pub fn assert_api_error(engine: &str, what: &str, r: &Resp, status: u16, field: Option<&str>) -> Value {
    assert_eq!(r.status.as_u16(), status, "[{engine}] {what}: status (body {})", r.text());
    let body = r.json();
    let e = &body["error"];
    assert!(e["code"].as_str().is_some_and(|c| !c.is_empty()), "[{engine}] {what}: error.code in {body}");
    let message = e["message"].as_str().unwrap_or_default();
    assert!(has_cjk(message), "[{engine}] {what}: message should be Chinese, got {body}");
    assert!(
        e.as_object().is_some_and(|o| o.contains_key("field")),
        "[{engine}] {what}: error.field key missing in {body}"
    );
    if let Some(f) = field {
        assert_eq!(e["field"].as_str(), Some(f), "[{engine}] {what}: error.field in {body}");
    }
    e.clone()
}

// ------------------------------------------------------------------ seed data

/// A small organisation created through the API.
pub struct Org {
    /// unit ids by code
    pub units: std::collections::HashMap<&'static str, i64>,
    /// person ids by name
    pub people: std::collections::HashMap<&'static str, i64>,
}

impl Org {
    pub fn unit(&self, code: &str) -> i64 {
        self.units[code]
    }
    pub fn person(&self, name: &str) -> i64 {
        self.people[name]
    }
}

/// (code, name, kind, parent code, sort order). 机关党支部 is added last but sorts first, as
/// happens when an office adds a unit later.
pub const UNITS: &[(&str, &str, &str, Option<&str>, i64)] = &[
    ("XWB", "县委办公室", "organ", None, 1),
    ("ZHK", "综合科", "department", Some("XWB"), 2),
    ("DCS", "督查室", "内设机构", Some("XWB"), 3),
    ("XXK", "信息科", "department", Some("ZHK"), 1),
    ("JGDZB", "机关党支部", "branch", Some("XWB"), 1),
];

/// Creates [`UNITS`] and five people through the JSON API.
pub async fn seed_org(s: &Server) -> Org {
    let mut units = std::collections::HashMap::new();
    for (code, name, kind, parent, sort) in UNITS {
        let parent_id = parent.map(|p| units[p]);
        let r = s
            .post_json(
                "/api/v1/units",
                &json!({"name": name, "code": code, "kind": kind, "parent_id": parent_id, "sort_order": sort}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] seed unit {code}: {}", s.engine, r.text());
        units.insert(*code, r.json()["id"].as_i64().expect("unit id"));
    }
    let people_spec = [
        (
            "李明",
            json!({"name": "李明", "gender": "男", "unit_id": units["XWB"], "title": "主任", "rank": "county",
                   "political_status": "中共党员", "roles": ["principal"], "birth_date": "1970-02-03",
                   "party_join_date": "1995-07-01", "exercises_public_power": true, "in_charge_of": [units["ZHK"]]}),
        ),
        (
            "王芳",
            json!({"name": "王芳", "gender": "female", "unit_id": units["ZHK"], "title": "科长", "rank": "乡科级",
                   "political_status": "party_member", "roles": ["一般干部"], "birth_date": "1985-03-01"}),
        ),
        (
            "赵强",
            json!({"name": "赵强", "gender": "男", "unit_id": units["DCS"], "title": "科员", "rank": "below_section",
                   "political_status": "群众", "roles": ["staff"], "exercises_public_power": true}),
        ),
        (
            "陈静",
            json!({"name": "陈静", "gender": "女", "unit_id": units["JGDZB"], "title": "支部书记", "rank": "township",
                   "political_status": "中共预备党员", "roles": ["branch_secretary", "cadre"]}),
        ),
        (
            "周伟",
            json!({"name": "周伟", "gender": "男", "unit_id": units["XXK"], "rank": "职工",
                   "political_status": "共青团员", "roles": ["staff"], "supervision_override": true,
                   "supervision_override_reason": "负责政府采购"}),
        ),
    ];
    let mut people = std::collections::HashMap::new();
    for (name, body) in people_spec {
        let r = s.post_json("/api/v1/people", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] seed person {name}: {}", s.engine, r.text());
        people.insert(name, r.json()["id"].as_i64().expect("person id"));
    }
    Org { units, people }
}

// ------------------------------------------------------------------ spreadsheets

/// The text of a .docx's body, tags removed (each paragraph on its own line).
pub fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a .docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml").expect("word/document.xml").read_to_string(&mut xml).expect("utf-8");
    let xml = xml.replace("</w:p>", "\n");
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The first worksheet of an .xlsx as text cells (dates as YYYY-MM-DD), a merged cell's value on
/// every row it spans (as the import reads it). Panics on an invalid file.
pub fn read_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).expect("a valid .xlsx");
    let range = wb.worksheet_range_at(0).expect("at least one sheet").expect("readable sheet");
    let start = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Int(i) => i.to_string(),
                    Data::Float(f) => f.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(dt) => qingfeng_office::excel_serial_to_date(dt.as_f64())
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| dt.as_f64().to_string()),
                    Data::Error(e) => format!("#ERROR {e:?}"),
                })
                .collect()
        })
        .collect();
    for ((r0, c), (r1, _)) in merged_regions(bytes) {
        let (r0, r1, c) = ((r0 - start.0) as usize, (r1 - start.0) as usize, (c - start.1) as usize);
        let value = rows.get(r0).and_then(|r| r.get(c)).cloned().unwrap_or_default();
        for row in rows.iter_mut().take(r1 + 1).skip(r0 + 1) {
            if let Some(cell) = row.get_mut(c) {
                *cell = value.clone();
            }
        }
    }
    rows
}

/// The merged regions of the first sheet, as ((first row, first column), (last row, last column)), 0-based.
pub fn merged_regions(bytes: &[u8]) -> Vec<((u32, u32), (u32, u32))> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid .xlsx");
    let name = wb.sheet_names()[0].clone();
    let regions = wb.worksheet_merge_cells(&name).expect("the sheet").expect("its merged cells");
    regions.into_iter().map(|d| (d.start, d.end)).collect()
}

/// Index of the first row that contains every one of `headers`.
pub fn header_row(rows: &[Vec<String>], headers: &[&str]) -> Option<usize> {
    rows.iter().position(|r| headers.iter().all(|h| r.iter().any(|c| c == h)))
}

/// The sheet with the column headed `header` removed from every row.
pub fn without_column(rows: &[Vec<String>], header: &str) -> Vec<Vec<String>> {
    let h = header_row(rows, &[header]).expect("header row");
    let col = rows[h].iter().position(|c| c == header).expect("column");
    rows.iter().map(|r| r.iter().enumerate().filter(|(i, _)| *i != col).map(|(_, c)| c.clone()).collect()).collect()
}

/// Writes rows of text to an .xlsx, as a user editing a sheet by hand would save it.
pub fn write_xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write(r as u32, c as u16, v.as_str()).expect("write cell");
            }
        }
    }
    wb.save_to_buffer().expect("save xlsx")
}

/// A signed-in user other than the admin.
pub struct User {
    pub name: String,
    pub client: Client,
    pub csrf: String,
}

pub const PASSWORD: &str = "Initial#2026";
pub const CHANGED: &str = "Changed#2026x";

impl User {
    pub async fn send(&self, s: &Server, method: Method, path: &str, body: Option<&Value>) -> Resp {
        let mut req = self.client.request(method.clone(), s.url(path));
        if method != Method::GET {
            req = req.header("X-CSRF-Token", &self.csrf);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        s.send(req).await
    }
    pub async fn get(&self, s: &Server, path: &str) -> Resp {
        self.send(s, Method::GET, path, None).await
    }
    pub async fn post(&self, s: &Server, path: &str, body: &Value) -> Resp {
        self.send(s, Method::POST, path, Some(body)).await
    }
    pub async fn patch(&self, s: &Server, path: &str, body: &Value) -> Resp {
        self.send(s, Method::PATCH, path, Some(body)).await
    }
    /// A url-encoded form post, as the browser sends it (CSRF token in the form).
    pub async fn form(&self, s: &Server, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", self.csrf.as_str())];
        all.extend_from_slice(fields);
        s.send(self.client.post(s.url(path)).form(&all)).await
    }
    /// An .xlsx upload in the multipart field `file`.
    pub async fn upload(&self, s: &Server, path: &str, bytes: Vec<u8>) -> Resp {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("list.xlsx");
        let form = reqwest::multipart::Form::new().part("file", part);
        s.send(self.client.post(s.url(path)).header("X-CSRF-Token", &self.csrf).multipart(form)).await
    }
}

pub async fn login(s: &Server, username: &str, password: &str) -> (Client, Resp) {
    let client = Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap();
    let r =
        s.send(client.post(s.url("/api/v1/session")).json(&json!({"username": username, "password": password}))).await;
    (client, r)
}

/// Signs an existing account in.
pub async fn sign_in(s: &Server, username: &str, password: &str) -> User {
    let (client, r) = login(s, username, password).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] login {username}: {}", s.engine, r.text());
    let csrf = r.json()["csrf_token"].as_str().unwrap().to_string();
    User { name: username.to_string(), client, csrf }
}

/// Creates an account through the API (as admin), signs it in and changes the initial password.
pub async fn user(s: &Server, name: &str, person_id: Option<i64>, roles: &[&str]) -> User {
    let r = s
        .post_json(
            "/api/v1/accounts",
            &json!({"username": name, "password": PASSWORD, "person_id": person_id, "roles": roles}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] create account {name}: {}", s.engine, r.text());
    assert_eq!(r.json()["must_change_password"], json!(true));
    let u = sign_in(s, name, PASSWORD).await;
    // the initial password blocks everything else
    let blocked = u.get(s, "/api/v1/units").await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN, "[{}] {name} before changing the password", s.engine);
    let r = u
        .send(s, Method::PUT, "/api/v1/me/password", Some(&json!({"old_password": PASSWORD, "new_password": CHANGED})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {name} changes password: {}", s.engine, r.text());
    u
}

// ------------------------------------------------------------------ printing (LibreOffice)

/// `soffice` on the PATH, or None.
pub fn soffice() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("soffice")).find(|p| p.is_file())
}

/// Converts `files` in `dir` to PDF in one LibreOffice run (its own profile, so that a
/// LibreOffice open elsewhere does not take the job).
pub fn convert_all(soffice: &std::path::Path, dir: &std::path::Path, files: &[std::path::PathBuf]) {
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let out = std::process::Command::new(soffice)
        .args([profile.as_str(), "--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(files)
        .output()
        .expect("run soffice");
    assert!(out.status.success(), "soffice failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The text of each page of a PDF (pdftotext -layout, pages split at form feeds).
pub fn pdf_pages(pdf: &std::path::Path) -> Vec<String> {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(String::from).collect()
}

/// `soffice`, or None after a loud message when it is missing (a failure when
/// `QINGFENG_REQUIRE_OFFICE` is set: scripts/test.sh sets it and installs LibreOffice).
pub fn soffice_or_skip(what: &str) -> Option<std::path::PathBuf> {
    let found = soffice();
    if found.is_none() {
        let required = std::env::var_os("QINGFENG_REQUIRE_OFFICE").is_some();
        assert!(!required, "QINGFENG_REQUIRE_OFFICE is set but soffice (LibreOffice) is not on the PATH");
        eprintln!("\n*** SKIPPED: {what} were not printed to PDF: soffice (LibreOffice) is not installed. ***");
        eprintln!("*** Install libreoffice and poppler-utils, or run scripts/test.sh which does. ***\n");
    }
    found
}
