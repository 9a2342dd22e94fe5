//! 信访举报 and 问题线索: the public page files a report (CSRF bound to the page's cookie, text
//! and evidence limits, per-address rate, executables refused, scripts kept as text), answers a
//! receipt code and a query password, and the status page says the same for a wrong code and a
//! wrong password and locks out; the reporter's identity is sealed (the raw row holds neither
//! name nor contact) and shown only to the holder of `petition:reporter`, audited; everyone but
//! the 纪检组 gets a 404 and an audit row; the 纪检组 accepts reports into the register and
//! disposes of clues (the 函询 reply due 15 working days on, skipping holidays), merges
//! duplicates, turns a clue into a finding, exports the register and imports hand entries.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use qingfeng_store::reporter_key::ReporterKey;
use qingfeng_store::{args, Actor, StoreError};
use qingfeng_web::WebConfig;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::support::{read_xlsx, seed_org, user, write_xlsx, Org, Resp, Server, User};

async fn servers() -> Vec<Server> {
    let mut out = Vec::new();
    for db in qingfeng_store::testing::engines().await {
        let config = WebConfig { reporter_key: Some(ReporterKey::for_tests()), ..Default::default() };
        out.push(Server::start_with(db, config).await);
    }
    out
}

/// A browser on the public page: keeps the page's cookie.
fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

fn token_of(html: &str) -> String {
    let at = html.find("name=\"csrf_token\" value=\"").expect("a csrf_token field") + 25;
    html[at..].split('"').next().unwrap().to_string()
}

async fn public_token(s: &Server, c: &Client, path: &str) -> String {
    let r = s.send(c.get(s.url(path))).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {path}: {}", s.engine, r.text());
    token_of(&r.text())
}

/// Files a report on the public page: fields plus (name, bytes) evidence files.
async fn file(s: &Server, c: &Client, fields: &[(&str, &str)], files: Vec<(&str, Vec<u8>)>) -> Resp {
    let token = public_token(s, c, "/report").await;
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in files {
        form = form.part("evidence", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    }
    s.send(c.post(s.url("/report")).multipart(form)).await
}

const SCRIPT: &str = "<script>alert('x')</script>某科长在2026年春节前收受管理对象礼金两千元";

fn report<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("subject_name", "赵强"),
        ("subject_unit", "督查室"),
        ("subject_post", "科员"),
        ("content", SCRIPT),
        ("happened", "2026年春节前"),
        ("password", "query-pass-1"),
        ("password_again", "query-pass-1"),
    ];
    f.extend_from_slice(extra);
    f
}

fn receipt_of(r: &Resp) -> String {
    let html = r.text();
    let at = html.find("id=\"receipt-code\">").unwrap_or_else(|| panic!("a receipt code: {html}")) + 18;
    html[at..].split('<').next().unwrap().trim().to_string()
}

async fn status(s: &Server, c: &Client, code: &str, password: &str) -> Resp {
    let token = public_token(s, c, "/report/status").await;
    s.send(c.post(s.url("/report/status")).form(&[
        ("csrf_token", token.as_str()),
        ("code", code),
        ("password", password),
    ]))
    .await
}

async fn set(s: &Server, key: &str, value: &str) {
    let r = s.write_json(reqwest::Method::PUT, "/api/v1/settings", &json!({ key: value })).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] setting {key}: {}", s.engine, r.text());
}

/// The 纪检组 (jj) and its 组长 (zz: also holds `petition:reporter` through a custom role).
async fn group(s: &Server, org: &Org) -> (User, User) {
    let jj = user(s, "jj", Some(org.person("陈静")), &["supervisor"]).await;
    let r = s
        .post_json(
            "/api/v1/roles",
            &json!({"key": "group_head", "name": "纪检组长（举报人信息）", "scope": "all", "permissions": ["petition:reporter"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] role: {}", s.engine, r.text());
    let zz = user(s, "zz", None, &["supervisor", "group_head"]).await;
    (jj, zz)
}

async fn last_petition(s: &Server) -> i64 {
    let (id,): (i64,) = s.db.fetch_one("SELECT MAX(id) FROM petitions", args![]).await.unwrap();
    id
}

#[tokio::test]
async fn a_public_report_is_filed_sealed_and_answered() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (jj, zz) = group(&s, &org).await;
        let c = browser();
        let page = s.send(c.get(s.url("/report"))).await.text();
        assert!(page.contains("网上信访举报") && !page.contains("我的待办"), "[{e}] a plain page without the menu");

        let pdf = b"%PDF-1.4 scanned receipt".to_vec();
        let r = file(
            &s,
            &c,
            &report(&[("reporter_name", "孙实名"), ("reporter_contact", "13912345678")]),
            vec![("收据.pdf", pdf)],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let code = receipt_of(&r);
        assert_eq!(code.len(), 19, "[{e}] XXXX-XXXX-XXXX-XXXX: {code}");
        let id = last_petition(&s).await;

        // a dump of the row holds neither the name nor the contact, nor the code
        let (sealed, anonymous): (Option<Vec<u8>>, bool) =
            s.db.fetch_one("SELECT identity_sealed, anonymous FROM petitions WHERE id = $1", args![id]).await.unwrap();
        let sealed = sealed.expect("a sealed identity");
        assert!(!anonymous, "[{e}]");
        for secret in ["孙实名", "13912345678"] {
            assert!(
                !sealed.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "[{e}] {secret} in the sealed bytes"
            );
            let pat = format!("%{secret}%");
            let (n,): (i64,) =
                s.db.fetch_one(
                    "SELECT COUNT(*) FROM petitions WHERE subject_name LIKE $1 OR content LIKE $1 OR happened LIKE $1 \
                     OR subject_unit LIKE $1 OR COALESCE(receipt_key, '') LIKE $1 OR answer LIKE $1",
                    args![pat.clone()],
                )
                .await
                .unwrap();
            assert_eq!(n, 0, "[{e}] {secret} in a column");
            let (a,): (i64,) =
                s.db.fetch_one("SELECT COUNT(*) FROM audit_log WHERE diff LIKE $1", args![pat]).await.unwrap();
            assert_eq!(a, 0, "[{e}] {secret} in the audit trail");
        }
        let (n,): (i64,) =
            s.db.fetch_one("SELECT COUNT(*) FROM petitions WHERE receipt_key = $1", args![code.clone()]).await.unwrap();
        assert_eq!(n, 0, "[{e}] the receipt code is not stored as such");
        // without the key (or with another) the identity cannot be shown
        let none = qingfeng_store::petitions::identity(&s.db, &Actor::system(), None, id).await;
        assert!(matches!(none, Err(StoreError::Refused(_))), "[{e}] {none:?}");
        let other = ReporterKey::from_secret(b"another key");
        let wrong = qingfeng_store::petitions::identity(&s.db, &Actor::system(), Some(&other), id).await;
        assert!(matches!(wrong, Err(StoreError::Refused(_))), "[{e}] {wrong:?}");

        // the status page: received, nothing else
        let st = status(&s, &c, &code.to_lowercase(), "query-pass-1").await;
        assert_eq!(st.status, StatusCode::OK, "[{e}] {}", st.text());
        assert!(st.text().contains("已收到，等待受理") && !st.text().contains("赵强"), "[{e}] {}", st.text());

        // the group reads it: the script is text
        let detail = jj.get(&s, &format!("/petitions/{id}")).await.text();
        assert!(
            detail.contains("&#60;script&#62;alert") && !detail.contains("<script>alert"),
            "[{e}] escaped: {detail}"
        );
        assert!(detail.contains("收据.pdf") && !detail.contains("孙实名"), "[{e}] evidence listed, identity hidden");
        assert!(!detail.contains("显示举报人信息"), "[{e}] no identity action without the permission");
        let files = jj.get(&s, &format!("/api/v1/petitions/{id}/files")).await.json();
        let fid = files[0]["id"].as_i64().unwrap();
        let got = jj.get(&s, &format!("/api/v1/petitions/{id}/files/{fid}")).await;
        assert_eq!(got.bytes, b"%PDF-1.4 scanned receipt".to_vec(), "[{e}] evidence kept");

        // identity: 404 and an audit row without the permission; shown and audited with it
        let refused = jj.post(&s, &format!("/api/v1/petitions/{id}/identity"), &json!({})).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "[{e}] {}", refused.text());
        assert_eq!(s.audit_count_of("petition_identity", "view_refused").await, 1, "[{e}]");
        let before = s.audit_count_of("petition", "view_identity").await;
        let shown = zz.post(&s, &format!("/api/v1/petitions/{id}/identity"), &json!({})).await;
        assert_eq!(shown.status, StatusCode::OK, "[{e}] {}", shown.text());
        assert_eq!(shown.json(), json!({"name": "孙实名", "contact": "13912345678"}), "[{e}]");
        let page = zz.form(&s, &format!("/petitions/{id}/identity"), &[]).await.text();
        assert!(page.contains("孙实名") && page.contains("已记入操作日志"), "[{e}] {page}");
        assert_eq!(s.audit_count_of("petition", "view_identity").await, before + 2, "[{e}] every view audited");

        // accepted, inquired, concluded with an answer the filer reads
        let r = jj.post(&s, &format!("/api/v1/petitions/{id}/accept"), &json!({"person_id": org.person("赵强")})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] accept: {}", r.text());
        let clue = r.json()["clue_id"].as_i64().unwrap();
        let st = status(&s, &c, &code, "query-pass-1").await.text();
        assert!(st.contains("已受理，正在办理"), "[{e}] {st}");
        let r = jj.post(&s, &format!("/api/v1/clues/{clue}/dispose"), &json!({"disposition": "谈话函询"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let r = jj
            .post(
                &s,
                &format!("/api/v1/clues/{clue}/conclude"),
                &json!({"result": "函询回复说明属实，已退还礼金，予以批评教育", "answer": "经核查，反映的问题部分属实，已依规处理。"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let st = status(&s, &c, &code, "query-pass-1").await.text();
        assert!(st.contains("已办结") && st.contains("经核查，反映的问题部分属实"), "[{e}] {st}");
        assert!(!st.contains("退还礼金"), "[{e}] the filer reads the answer only, not the result");
        s.finish().await;
    }
}

#[tokio::test]
async fn the_public_page_refuses_bad_input_and_floods() {
    for s in servers().await {
        let e = s.engine.clone();
        let c = browser();
        let long = "字".repeat(5001);
        let r = file(&s, &c, &report(&[("content", long.as_str())]), vec![]).await;
        // the second "content" field wins in the form reader: the long text
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] {}", r.text());
        assert!(r.text().contains("反映的主要问题不能超过5000个字"), "[{e}] {}", r.text());
        let empty = file(&s, &c, &[("subject_name", ""), ("content", ""), ("password", "x")], vec![]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}]");
        let t = empty.text();
        assert!(
            t.contains("被反映人不能为空") && t.contains("至少写10个字") && t.contains("查询密码应为"),
            "[{e}] {t}"
        );

        let exe = file(&s, &c, &report(&[]), vec![("照片.jpg", b"MZ\x90\x00\x03 this program".to_vec())]).await;
        assert_eq!(exe.status, StatusCode::BAD_REQUEST, "[{e}] {}", exe.text());
        assert!(exe.text().contains("可执行文件"), "[{e}] {}", exe.text());
        let odd = file(&s, &c, &report(&[]), vec![("a.txt", b"plain text".to_vec())]).await;
        assert!(odd.text().contains("类型不支持"), "[{e}] {}", odd.text());

        // a form without the page's token (another site, a script) is refused
        let form = reqwest::multipart::Form::new().text("subject_name", "赵强").text("content", SCRIPT);
        let forged = s.send(browser().post(s.url("/report")).multipart(form)).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "[{e}] {}", forged.text());
        assert_eq!(s.count("petitions").await, 0, "[{e}] nothing stored from refused filings");
        assert_eq!(s.count("private_attachments").await, 0, "[{e}]");

        // 3 per 10 minutes from one address (the default); the rest refused
        for i in 0..3 {
            let r = file(&s, &c, &report(&[]), vec![]).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] filing {i}: {}", r.text());
        }
        for _ in 0..3 {
            let r = file(&s, &c, &report(&[]), vec![]).await;
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "[{e}] {}", r.text());
            assert!(r.text().contains("提交过于频繁"), "[{e}]");
        }
        assert_eq!(s.count("petitions").await, 3, "[{e}] only what was accepted");
        set(&s, "petition.max_reports", "4").await;
        assert_eq!(file(&s, &c, &report(&[]), vec![]).await.status, StatusCode::OK, "[{e}] the setting counts");
        s.finish().await;
    }
}

#[tokio::test]
async fn wrong_codes_and_passwords_look_the_same_and_lock_out() {
    for s in servers().await {
        let e = s.engine.clone();
        let c = browser();
        let code = receipt_of(&file(&s, &c, &report(&[]), vec![]).await);
        let wrong_password = status(&s, &c, &code, "not-the-password").await;
        let wrong_code = status(&s, &c, "AAAA-BBBB-CCCC-DDDD", "query-pass-1").await;
        assert_eq!(wrong_password.status, wrong_code.status, "[{e}]");
        assert_eq!(wrong_password.text(), wrong_code.text(), "[{e}] one answer for both");
        assert!(wrong_code.text().contains("受理编号或查询密码不正确"), "[{e}]");
        // five failures (the default) lock the address and the code, even for the right password
        for _ in 0..3 {
            status(&s, &c, &code, "still-wrong").await;
        }
        let locked = status(&s, &c, &code, "query-pass-1").await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "[{e}] {}", locked.text());
        assert!(locked.text().contains("查询失败次数过多"), "[{e}]");
        set(&s, "petition.max_query_failures", "50").await;
        let open = status(&s, &c, &code, "query-pass-1").await;
        assert_eq!(open.status, StatusCode::OK, "[{e}] {}", open.text());
        s.finish().await;
    }
}

/// A report entered by hand; answers its id.
async fn by_hand(jj: &User, s: &Server, name: &str, content: &str) -> i64 {
    let body = json!({"source": "来信", "subject_name": name, "subject_unit": "综合科", "subject_post": "科长",
                      "content": content, "received_on": qingfeng_store::fulfilment::today().to_string()});
    let r = jj.post(s, "/api/v1/petitions", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.engine, r.text());
    r.json()["id"].as_i64().unwrap()
}

async fn accept(jj: &User, s: &Server, id: i64, body: Value) -> i64 {
    let r = jj.post(s, &format!("/api/v1/petitions/{id}/accept"), &body).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] accept: {}", s.engine, r.text());
    r.json()["clue_id"].as_i64().unwrap()
}

/// The day `n` working days after `from`: Monday to Friday, less the `off` days.
fn working_days_after(from: NaiveDate, n: i64, off: &[NaiveDate]) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !off.contains(&day) {
            left -= 1;
        }
    }
    day
}

#[tokio::test]
async fn the_group_disposes_merges_converts_and_exports_clues() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (jj, _) = group(&s, &org).await;
        let today = qingfeng_store::fulfilment::today();
        // three holidays on the next three weekdays
        let off: Vec<NaiveDate> = (1..10)
            .map(|i| today + Duration::days(i))
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .take(3)
            .collect();
        let r = s
            .post_json(
                "/api/v1/holidays",
                &json!({"from": off[0].to_string(), "to": off[0].to_string(), "kind": "holiday", "name": "测试假日"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        for d in &off[1..] {
            s.post_json("/api/v1/holidays", &json!({"from": d.to_string(), "kind": "holiday", "name": "测试假日"}))
                .await;
        }

        let mut clues = Vec::new();
        for c in ["违规使用公务用车办私事", "违规收受礼品礼金", "工作日中午饮酒", "长期不在岗吃空饷", "违规公款吃喝"]
        {
            let id = by_hand(&jj, &s, "王芳", &format!("反映{c}，时间地点详见来信原件")).await;
            clues.push(accept(&jj, &s, id, json!({"person_id": org.person("王芳")})).await);
        }
        let first = jj.get(&s, &format!("/api/v1/clues/{}", clues[0])).await.json();
        let year = today.year();
        assert_eq!(first["register_no"], json!(format!("线索〔{year}〕第1号")), "[{e}] {first}");
        assert_eq!(first["state"], "pending", "[{e}]");

        // 谈话函询: the reply due 15 working days on, holidays skipped
        let r =
            jj.post(&s, &format!("/api/v1/clues/{}/dispose", clues[0]), &json!({"disposition": "talk_inquiry"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let due = working_days_after(today, 15, &off);
        assert_eq!(r.json()["due_on"], json!(due.to_string()), "[{e}] reply due");
        assert_eq!(r.json()["state"], "inquiring", "[{e}]");
        // 初步核实 needs a deadline; 予以了结 a reason
        let r = jj.post(&s, &format!("/api/v1/clues/{}/dispose", clues[1]), &json!({"disposition": "初步核实"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}] {}", r.text());
        assert_eq!(r.json()["error"]["field"], "due_on", "[{e}]");
        let deadline = (today + Duration::days(30)).to_string();
        let r = jj
            .post(
                &s,
                &format!("/api/v1/clues/{}/dispose", clues[1]),
                &json!({"disposition": "初步核实", "due_on": deadline}),
            )
            .await;
        assert_eq!((r.status, r.json()["state"].clone()), (StatusCode::OK, json!("checking")), "[{e}] {}", r.text());
        let r = jj.post(&s, &format!("/api/v1/clues/{}/dispose", clues[2]), &json!({"disposition": "暂存待查"})).await;
        assert_eq!(r.json()["state"], "shelved", "[{e}] {}", r.text());
        let r = jj.post(&s, &format!("/api/v1/clues/{}/dispose", clues[3]), &json!({"disposition": "予以了结"})).await;
        assert_eq!(r.json()["error"]["field"], "note", "[{e}] {}", r.text());
        let r = jj
            .post(
                &s,
                &format!("/api/v1/clues/{}/dispose", clues[3]),
                &json!({"disposition": "予以了结", "note": "反映人所述情况经查已于去年处理"}),
            )
            .await;
        assert_eq!(
            (r.json()["state"].clone(), r.json()["result"].clone()),
            (json!("closed"), json!("反映人所述情况经查已于去年处理")),
            "[{e}]"
        );
        let again =
            jj.post(&s, &format!("/api/v1/clues/{}/dispose", clues[3]), &json!({"disposition": "暂存待查"})).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "[{e}] a closed clue is not disposed again");
        let steps = r.json()["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["note"].as_str().unwrap().to_string())
            .collect::<Vec<_>>();
        assert!(steps.iter().any(|n| n.contains("处置方式：予以了结")), "[{e}] steps in words: {steps:?}");

        // a duplicate merged: both originals visible on the clue it joined
        let r = jj.post(&s, &format!("/api/v1/clues/{}/merge", clues[4]), &json!({"into": clues[1]})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["state"], "merged", "[{e}]");
        let joined = jj.get(&s, &format!("/api/v1/clues/{}", clues[1])).await.json();
        assert_eq!(joined["petitions"].as_array().unwrap().len(), 2, "[{e}] both originals: {joined}");
        let self_merge = jj.post(&s, &format!("/api/v1/clues/{}/merge", clues[1]), &json!({"into": clues[1]})).await;
        assert_eq!(self_merge.status, StatusCode::UNPROCESSABLE_ENTITY, "[{e}]");

        // a clue becomes a finding (once)
        let body = json!({"unit_id": org.unit("ZHK"), "category": "违规收送名贵特产和礼品礼金"});
        let r = jj.post(&s, &format!("/api/v1/clues/{}/to-finding", clues[1]), &body).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let fid = r.json()["finding_id"].as_i64().unwrap();
        let finding = jj.get(&s, &format!("/api/v1/findings/{fid}")).await.json();
        assert_eq!(finding["source"], "petition", "[{e}] {finding}");
        let twice = jj.post(&s, &format!("/api/v1/clues/{}/to-finding", clues[1]), &body).await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "[{e}]");

        // filters and the register export
        let shelved = jj.get(&s, "/api/v1/clues?state=暂存待查").await.json();
        assert_eq!(shelved["total"], 1, "[{e}]");
        let closed = jj.get(&s, "/api/v1/clues?disposition=close").await.json();
        assert_eq!(closed["total"], 1, "[{e}]");
        let rows = read_xlsx(&jj.get(&s, "/api/v1/clues/export.xlsx").await.bytes);
        let header = rows.iter().position(|r| r.first().map(String::as_str) == Some("编号")).expect("header row");
        assert_eq!(
            rows[header][..9].to_vec(),
            ["编号", "受理日期", "来源", "被反映人", "单位职务", "反映的主要问题", "处置方式", "办理结果", "状态"],
            "[{e}]"
        );
        let body: Vec<&Vec<String>> = rows[header + 1..].iter().filter(|r| r[0].starts_with("线索")).collect();
        assert_eq!(body.len(), 5, "[{e}] {rows:?}");
        assert_eq!(body[0][0], format!("线索〔{year}〕第1号"), "[{e}]");
        assert!(body.iter().any(|r| r[6] == "予以了结" && r[7].contains("去年处理")), "[{e}] {body:?}");

        // the discipline form takes a clue of the register
        let r = jj
            .post(
                &s,
                "/api/v1/discipline-records",
                &json!({"person_id": org.person("王芳"), "form": "第一种形态", "measure": "批评教育",
                        "decided_on": today.to_string(), "deciding_body": "派驻纪检监察组", "clue_id": clues[0],
                        "basis": "函询回复属实"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        assert_eq!(r.json()["clue_id"], json!(clues[0]), "[{e}]");
        let r = jj
            .post(
                &s,
                "/api/v1/discipline-records",
                &json!({"person_id": org.person("王芳"), "form": "第一种形态", "measure": "批评教育",
                        "decided_on": today.to_string(), "deciding_body": "派驻纪检监察组", "clue_id": 999999,
                        "basis": "函询回复属实"}),
            )
            .await;
        assert_eq!(r.json()["error"]["field"], "clue_id", "[{e}] {}", r.text());

        // the integrity file's view of a person's clues
        let mine = qingfeng_store::clues::for_person(&s.db, org.person("王芳")).await.unwrap();
        assert_eq!(mine.len(), 4, "[{e}] merged duplicates left out");
        let open = qingfeng_store::clues::open_for_person(&s.db, org.person("王芳")).await.unwrap();
        assert_eq!(open.len(), 2, "[{e}] under inquiry and under check: {open:?}");
        s.finish().await;
    }
}

#[tokio::test]
async fn nobody_but_the_group_sees_reports_or_clues() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (jj, _) = group(&s, &org).await;
        let id = by_hand(&jj, &s, "赵强", "反映违规发放津补贴问题，详见来信").await;
        let clue = accept(&jj, &s, id, json!({})).await;
        let member = user(&s, "gb", Some(org.person("赵强")), &["member"]).await;
        let leader = user(&s, "ld", Some(org.person("李明")), &["leader"]).await;
        let before = s.audit_count_of("clue", "view_refused").await;
        for (who, u) in [("一般干部", &member), ("分管领导", &leader)] {
            for path in [format!("/api/v1/clues/{clue}"), format!("/api/v1/petitions/{id}"), "/api/v1/clues".into()] {
                let r = u.get(&s, &path).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] {who} {path}: {}", r.text());
            }
            let r = u.post(&s, &format!("/api/v1/petitions/{id}/identity"), &json!({})).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] {who} identity");
            let page = u.get(&s, &format!("/clues/{clue}")).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "[{e}] {who} page");
            assert!(!page.text().contains("津补贴"), "[{e}]");
        }
        assert_eq!(s.audit_count_of("clue", "view_refused").await, before + 6, "[{e}] each refusal audited");
        // the administrator holds every permission but is not the group
        let r = s.get(&format!("/api/v1/clues/{clue}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] admin");
        let menu = member.get(&s, "/").await.text();
        assert!(!menu.contains("问题线索"), "[{e}] no menu entry");
        let menu = jj.get(&s, "/").await.text();
        assert!(menu.contains("问题线索") && menu.contains("信访举报"), "[{e}] the group's menu");
        s.finish().await;
    }
}

#[tokio::test]
async fn hand_entries_import_after_every_row_is_valid() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (jj, zz) = group(&s, &org).await;
        let header: Vec<String> =
            ["来源", "收到日期", "被反映人", "单位", "职务", "反映的主要问题", "发生时间", "举报人姓名", "联系方式"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let row = |cells: [&str; 9]| cells.iter().map(|c| c.to_string()).collect::<Vec<String>>();
        let today = qingfeng_store::fulfilment::today().to_string();
        let good = row([
            "来信",
            &today,
            "赵强",
            "督查室",
            "科员",
            "反映其违规操办升学宴并收受礼金",
            "2026年8月",
            "钱来信",
            "县城关镇",
        ]);
        let bad_source = row(["网上举报", &today, "王芳", "综合科", "科长", "反映其上班时间炒股问题严重", "", "", ""]);
        let empty = row(["12388 电话", &today, "", "综合科", "", "反映其违规兼职取酬", "", "", ""]);
        let short = row(["上级转办", &today, "周伟", "信息科", "", "短", "", "", ""]);
        let bytes = write_xlsx(&[header.clone(), good.clone(), bad_source, empty, short]);
        let r = jj.upload(&s, "/api/v1/petitions/import?commit=true", bytes).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let report = r.json();
        assert_eq!(report["committed"], json!(false), "[{e}] {report}");
        let errors = report["errors"].as_array().unwrap();
        assert!(errors.iter().any(|x| x["row"] == 3 && x["column"] == "来源"), "[{e}] {report}");
        assert!(errors.iter().any(|x| x["row"] == 4 && x["column"] == "被反映人"), "[{e}] {report}");
        assert!(errors.iter().any(|x| x["row"] == 5 && x["column"] == "反映的主要问题"), "[{e}] {report}");
        assert_eq!(s.count("petitions").await, 0, "[{e}] nothing written");
        let r = jj.upload(&s, "/api/v1/petitions/import?commit=true", write_xlsx(&[header, good])).await;
        assert_eq!(r.json()["created"], json!(1), "[{e}] {}", r.text());
        let id = last_petition(&s).await;
        let shown = zz.post(&s, &format!("/api/v1/petitions/{id}/identity"), &json!({})).await.json();
        assert_eq!(shown["name"], "钱来信", "[{e}] sealed on import");
        let list = jj.get(&s, "/api/v1/petitions?state=received&source=来信").await.json();
        assert_eq!(list["total"], 1, "[{e}]");
        s.finish().await;
    }
}
