//! 廉政档案 and 党风廉政意见回复, and the reports in .docx: a person's file gathers their posts,
//! talks, reports, findings and sanctions, each part shown as its module allows (the 纪检组 and
//! the person see sanctions; 组织人事 sees dates only of reports and no sanctions); anyone else
//! gets a 404 and an audit row; every view is audited. The reply follows the facts (clean, or
//! 不宜提拔 while a sanction is in its 影响期) and freezes when signed. Every .docx kind opens in
//! LibreOffice with its text and its "— N —" page numbers.

use chrono::{Datelike, Duration};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{
    assert_api_error, convert_all, docx_text, pdf_pages, seed_org, servers, soffice_or_skip, user, Org, Server, User,
};
use crate::talks::talk;

fn today() -> chrono::NaiveDate {
    qingfeng_store::fulfilment::today()
}

/// The keys of the sections shown, and those withheld.
fn sections(file: &Value) -> (Vec<String>, Vec<String>) {
    let mut shown = Vec::new();
    let mut withheld = Vec::new();
    for s in file["sections"].as_array().expect("sections") {
        let key = s["key"].as_str().unwrap().to_string();
        if s["shown"].as_bool().unwrap() {
            shown.push(key);
        } else {
            withheld.push(key);
        }
    }
    (shown, withheld)
}

fn texts(file: &Value, key: &str) -> String {
    let s = file["sections"].as_array().unwrap().iter().find(|s| s["key"] == json!(key)).unwrap();
    s["entries"].as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

/// The organisation, the 纪检组 (陈静) and 王芳, with 王芳's records seeded.
async fn seeded(s: &Server) -> (Org, User, User) {
    let org = seed_org(s).await;
    let jj = user(s, "jj", Some(org.person("陈静")), &["supervisor"]).await;
    let wang = user(s, "wang", Some(org.person("王芳")), &["member"]).await;
    seed(s, &org, &jj, &wang).await;
    (org, jj, wang)
}

/// 王芳's records: a 诫勉谈话 the 纪检组 had with her, a finding she is responsible for, a
/// 政务记过 still in its 影响期 and her annual personal-matter report; a new post.
async fn seed(s: &Server, org: &Org, jj: &User, wang: &User) {
    let e = &s.engine;
    let w = org.person("王芳");
    let r = jj.post(s, "/api/v1/talks", &talk("诫勉谈话", org.unit("ZHK"), &[org.person("陈静")], &[w])).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] talk: {}", r.text());
    let body = json!({"unit_id": org.unit("ZHK"), "source": "监督检查", "category": "违规公款吃喝",
        "description": "接待中违规提供酒水", "found_on": (today() - Duration::days(3)).to_string(),
        "responsible_person_id": w});
    let r = jj.post(s, "/api/v1/findings", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] finding: {}", r.text());
    let finding = r.json()["id"].as_i64().unwrap();
    let body = json!({"person_id": w, "form": "第二种形态", "measure": "政务记过", "decided_on": today().to_string(),
        "deciding_body": "县纪委监委", "finding_id": finding, "basis": "违规公款吃喝问题属实。"});
    let r = jj.post(s, "/api/v1/discipline-records", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] sanction: {}", r.text());
    let body = json!({"kind": "annual", "year": today().year(), "content": "房产一处，无投资"});
    let r = wang.post(s, "/api/v1/personal-reports", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{e}] report: {}", r.text());
    let r = s.patch_json(&format!("/api/v1/people/{w}"), &json!({"title": "副主任"})).await;
    assert_eq!(r.status, StatusCode::OK, "[{e}] new post: {}", r.text());
}

#[tokio::test]
async fn a_file_shows_each_part_to_those_allowed_and_hides_the_rest() {
    for s in servers().await {
        let e = s.engine.clone();
        let (org, jj, wang) = seeded(&s).await;
        let w = org.person("王芳");
        let zhao = user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        let path = format!("/api/v1/integrity-files/{w}");
        let views = s.audit_count_of("integrity_file", "view").await;

        // the 纪检组: every part the system keeps, in time order within each
        let r = jj.get(&s, &path).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let file = r.json();
        assert_eq!(file["viewer"], json!("group"), "[{e}]");
        let (shown, withheld) = sections(&file);
        for key in
            ["posts", "fulfilment", "talks", "study", "personal_reports", "family_events", "findings", "discipline"]
        {
            assert!(shown.contains(&key.to_string()), "[{e}] {key} shown to the group: {shown:?}");
        }
        assert!(shown.contains(&"clues".to_string()) && shown.contains(&"assessments".to_string()), "[{e}]");
        assert!(withheld.is_empty(), "[{e}] nothing withheld from the group: {withheld:?}");
        assert!(texts(&file, "posts").contains("职务由“科长”变更为“副主任”"), "[{e}] {}", texts(&file, "posts"));
        assert!(
            texts(&file, "talks").contains("诫勉谈话：陈静与王芳，谈话主题：廉洁自律"),
            "[{e}] {}",
            texts(&file, "talks")
        );
        assert!(texts(&file, "findings").contains("接待中违规提供酒水"), "[{e}]");
        assert!(
            texts(&file, "discipline").contains("政务记过（县纪委监委决定，影响期至"),
            "[{e}] {}",
            texts(&file, "discipline")
        );
        assert!(
            texts(&file, "personal_reports").contains("核查：待核查"),
            "[{e}] {}",
            texts(&file, "personal_reports")
        );

        // the person: their own sanction and report, not the clues
        let own = wang.get(&s, &path).await.json();
        assert_eq!(own["viewer"], json!("own"), "[{e}] {own}");
        assert!(texts(&own, "discipline").contains("政务记过"), "[{e}]");
        assert!(sections(&own).1.contains(&"clues".to_string()), "[{e}]");
        assert_eq!(own["replies"], json!([]), "[{e}] replies are for the group and 组织人事");

        // a holder of integrity:read outside the group (组织人事, a role of its own): dates and kinds
        let role = json!({"key": "org_dept", "name": "组织人事", "scope": "all",
                          "permissions": ["unit:read", "person:read", "integrity:read"]});
        let r = s.post_json("/api/v1/roles", &role).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] role: {}", r.text());
        let zuzhi = user(&s, "zuzhi", Some(org.person("周伟")), &["org_dept"]).await;
        let org_view = zuzhi.get(&s, &path).await.json();
        assert_eq!(org_view["viewer"], json!("org"), "[{e}] {org_view}");
        assert!(sections(&org_view).1.contains(&"discipline".to_string()), "[{e}] sanctions withheld");
        let reports = texts(&org_view, "personal_reports");
        assert!(reports.contains("个人有关事项") && !reports.contains("核查"), "[{e}] {reports}");
        assert!(!org_view.to_string().contains("政务记过"), "[{e}] no sanction anywhere in the answer");
        assert!(texts(&org_view, "talks").contains("谈话内容仅纪检监察组和谈话双方可见"), "[{e}]");
        assert_eq!(s.audit_count_of("integrity_file", "view").await, views + 3, "[{e}] every view audited");

        // anyone else: as if it did not exist, and an audit row
        let refused = s.audit_count_of("integrity_file", "view_refused").await;
        let r = zhao.get(&s, &path).await;
        assert_api_error(&e, "another member's file", &r, 404, None);
        assert_eq!(zhao.get(&s, &format!("/integrity-files/{w}")).await.status, StatusCode::NOT_FOUND, "[{e}] page");
        assert_eq!(zhao.get(&s, "/api/v1/integrity-files/999999").await.status, StatusCode::NOT_FOUND, "[{e}]");
        assert_eq!(s.audit_count_of("integrity_file", "view_refused").await, refused + 3, "[{e}]");
        assert_eq!(s.audit_count_of("integrity_file", "view").await, views + 3, "[{e}] refusals are not views");

        // the year's published assessment of a 班子成员 (李明, the principal) is on his file
        let r = s.post_json("/api/v1/assessments", &json!({"year": today().year()})).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let round = format!("/api/v1/assessments/{}", r.json()["id"]);
        for step in ["compute", "publish"] {
            let r = s.post_json(&format!("{round}/{step}"), &json!({})).await;
            assert_eq!(r.status, StatusCode::OK, "[{e}] {step}: {}", r.text());
        }
        let li = jj.get(&s, &format!("/api/v1/integrity-files/{}", org.person("李明"))).await.json();
        let assessed = texts(&li, "assessments");
        assert!(assessed.contains(&format!("{}年度考核（县委办公室）：", today().year())), "[{e}] {assessed}");

        // the pages: the group's list and the file; a member is taken to their own
        let html = jj.get(&s, &format!("/integrity-files/{w}")).await.text();
        assert!(
            html.contains("王芳同志廉政档案") && html.contains("政务记过") && html.contains("生成意见回复"),
            "[{e}]"
        );
        assert!(jj.get(&s, "/integrity-files").await.text().contains(&format!("/integrity-files/{w}")), "[{e}]");
        let r = wang.get(&s, "/integrity-files").await;
        assert_eq!(r.header("location").as_deref(), Some(format!("/integrity-files/{w}").as_str()), "[{e}]");
        s.finish().await;
    }
}

async fn generate(jj: &User, s: &Server, person: i64) -> Value {
    let r = jj
        .post(
            s,
            &format!("/api/v1/integrity-files/{person}/replies"),
            &json!({"addressee": "中共某县委组织部", "purpose": "拟提拔"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] reply: {}", s.engine, r.text());
    r.json()
}

#[tokio::test]
async fn the_reply_follows_the_file_and_is_frozen_once_signed() {
    for s in servers().await {
        let e = s.engine.clone();
        let (org, jj, wang) = seeded(&s).await;

        // 赵强 has nothing on file: the standard sentence
        let clean = generate(&jj, &s, org.person("赵强")).await;
        assert_eq!(clean["conclusion"], json!("clean"), "[{e}] {clean}");
        let date = today().format("%Y年%-m月%-d日").to_string();
        let want = format!("经查，截至{date}，未发现赵强同志有违反党风廉政建设规定的问题。");
        assert!(clean["body"].as_str().unwrap().contains(&want), "[{e}] {clean}");
        assert_eq!(clean["number"], json!(""), "[{e}] a draft has no number");

        // 王芳's 政务记过 is in its 影响期: not to be promoted; her open finding is stated
        let r = generate(&jj, &s, org.person("王芳")).await;
        assert_eq!(r["conclusion"], json!("not_suitable"), "[{e}] {r}");
        let body = r["body"].as_str().unwrap();
        assert!(body.contains("受到政务记过") && body.contains("不宜提拔或者进一步使用"), "[{e}] {body}");
        assert!(body.contains("作为责任人的问题1个尚在整改中"), "[{e}] {body}");

        // edited, then signed: numbered, dated, signer named; frozen after
        let id = r["id"].as_i64().unwrap();
        let path = format!("/api/v1/integrity-replies/{id}");
        let edited = format!("{body}\n（经组务会研究。）");
        let r = jj.patch(&s, &path, &json!({"body": edited})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let r = jj.patch(&s, &path, &json!({"addressee": ""})).await;
        assert_api_error(&e, "empty addressee", &r, 422, Some("addressee"));
        let signs = s.audit_count_of("integrity_reply", "sign").await;
        let r = jj.post(&s, &format!("{path}/sign"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let signed = r.json();
        assert_eq!(signed["number"], json!(format!("〔{}〕1号", today().year())), "[{e}] {signed}");
        assert_eq!(
            (signed["signed_on"].as_str(), signed["signer_name"].as_str()),
            (Some(today().to_string().as_str()), Some("陈静")),
            "[{e}]"
        );
        assert!(signed["body"].as_str().unwrap().ends_with("（经组务会研究。）"), "[{e}]");
        assert_eq!(s.audit_count_of("integrity_reply", "sign").await, signs + 1, "[{e}] audited");
        let r = jj.patch(&s, &path, &json!({"body": "改动"})).await;
        assert_api_error(&e, "edit after signing", &r, 409, None);
        let r = jj
            .form(
                &s,
                &format!("/integrity-replies/{id}/edit"),
                &[("addressee", "x"), ("purpose", ""), ("body", "改动")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] the page refuses too");
        let r = jj.post(&s, &format!("{path}/sign"), &json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] signed once");
        assert_eq!(jj.get(&s, &path).await.json()["body"], signed["body"], "[{e}] unchanged");
        // the second reply signed takes the next number
        let r = jj.post(&s, &format!("/api/v1/integrity-replies/{}/sign", clean["id"]), &json!({})).await;
        assert_eq!(r.json()["number"], json!(format!("〔{}〕2号", today().year())), "[{e}]");

        // listed on the file
        let file = jj.get(&s, &format!("/api/v1/integrity-files/{}", org.person("王芳"))).await.json();
        assert_eq!(file["replies"].as_array().unwrap().len(), 1, "[{e}] {file}");

        // only the group drafts; anyone without the right to read files gets a 404 and a row
        let r = wang
            .post(&s, &format!("/api/v1/integrity-files/{}/replies", org.person("赵强")), &json!({"addressee": "部"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}]");
        let r = s
            .post_json(&format!("/api/v1/integrity-files/{}/replies", org.person("赵强")), &json!({"addressee": "部"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] the administrator is not the group");
        let r = generate_bad(&jj, &s, org.person("赵强")).await;
        assert_api_error(&e, "no addressee", &r, 422, Some("addressee"));
        let refused = s.audit_count_of("integrity_reply", "view_refused").await;
        assert_eq!(wang.get(&s, &path).await.status, StatusCode::NOT_FOUND, "[{e}]");
        assert_eq!(s.audit_count_of("integrity_reply", "view_refused").await, refused + 1, "[{e}]");
        s.finish().await;
    }
}

async fn generate_bad(jj: &User, s: &Server, person: i64) -> crate::support::Resp {
    jj.post(s, &format!("/api/v1/integrity-files/{person}/replies"), &json!({"addressee": " "})).await
}

/// One generated document: its name, the bytes and the texts its PDF must show.
struct Doc {
    name: &'static str,
    bytes: Vec<u8>,
    expect: Vec<String>,
}

async fn download(u: &User, s: &Server, path: &str) -> Vec<u8> {
    let r = u.get(s, path).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {path}: {}", s.engine, r.text());
    let ctype = r.header("content-type").unwrap_or_default();
    assert!(ctype.contains("wordprocessingml"), "[{}] {path}: {ctype}", s.engine);
    r.bytes.clone()
}

#[tokio::test]
async fn every_report_kind_opens_in_libreoffice_with_its_text() {
    let mut docs: Vec<Doc> = Vec::new();
    for s in servers().await {
        let e = s.engine.clone();
        let (org, jj, wang) = seeded(&s).await;
        let w = org.person("王芳");
        let li = user(&s, "li", Some(org.person("李明")), &["principal"]).await;
        let reply = generate(&jj, &s, w).await["id"].as_i64().unwrap();
        let y = today().year();

        let annual = download(&li, &s, &format!("/api/v1/reports/annual-responsibility.docx?year={y}")).await;
        let text = docx_text(&annual);
        assert!(text.contains(&format!("县委办公室{y}年度落实党风廉政建设主体责任情况报告")), "[{e}] {text}");
        assert!(text.contains("全年发现问题1个") && text.contains("【待填写："), "[{e}] {text}");
        let statement = download(&wang, &s, "/api/v1/reports/accountability-statement.docx").await;
        let text = docx_text(&statement);
        assert!(text.contains(&format!("王芳同志{y}年度述责述廉报告")) && text.contains("政务记过"), "[{e}] {text}");
        let file = download(&jj, &s, &format!("/api/v1/reports/integrity-file.docx?person={w}")).await;
        assert!(docx_text(&file).contains("王芳同志廉政档案"), "[{e}]");
        let letter = download(&jj, &s, &format!("/api/v1/reports/integrity-reply.docx?id={reply}")).await;
        let text = docx_text(&letter);
        assert!(
            text.contains("关于王芳同志党风廉政情况的回复意见") && text.contains("中共某县委组织部："),
            "[{e}] {text}"
        );

        // bad requests name the parameter; unknown kinds and files of others do not exist
        let r = jj.get(&s, "/api/v1/reports/integrity-file.docx").await;
        assert_api_error(&e, "no person", &r, 400, Some("person"));
        let r = li.get(&s, "/api/v1/reports/annual-responsibility.docx?year=abc").await;
        assert_api_error(&e, "bad year", &r, 400, Some("year"));
        let r = jj.get(&s, "/api/v1/reports/integrity-reply.docx?id=x").await;
        assert_api_error(&e, "bad id", &r, 400, Some("id"));
        for path in ["/api/v1/reports/salaries.docx", "/api/v1/reports/integrity-file.pdf"] {
            assert_api_error(&e, path, &jj.get(&s, path).await, 404, None);
        }
        let r = wang.get(&s, &format!("/api/v1/reports/integrity-file.docx?person={}", org.person("李明"))).await;
        assert_api_error(&e, "another's file", &r, 404, None);
        let r = wang.get(&s, &format!("/api/v1/reports/integrity-reply.docx?id={reply}")).await;
        assert_api_error(&e, "a reply about oneself", &r, 404, None);
        let r = wang.get(&s, "/api/v1/reports/annual-responsibility.docx").await;
        assert_api_error(&e, "annual report without the right", &r, 403, None);
        let page = li.get(&s, "/reports/documents").await.text();
        assert!(page.contains("/api/v1/reports/annual-responsibility.docx?year="), "[{e}] the download button");

        if docs.is_empty() {
            let title = format!("县委办公室{y}年度落实党风廉政建设主体责任情况报告");
            docs = vec![
                Doc { name: "annual", bytes: annual, expect: vec![title, "待填写".into()] },
                Doc {
                    name: "statement", bytes: statement, expect: vec![format!("王芳同志{y}年度述责述廉报告")]
                },
                Doc {
                    name: "file", bytes: file, expect: vec!["王芳同志廉政档案".into(), "任职情况".into()]
                },
                Doc {
                    name: "reply",
                    bytes: letter,
                    expect: vec![
                        "关于王芳同志党风廉政情况的回复意见".into(),
                        "不宜提拔".into(),
                        "派驻纪检监察组".into(),
                    ],
                },
            ];
        }
        s.finish().await;
    }

    let Some(soffice) = soffice_or_skip("the reports") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("qingfeng-docx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let paths: Vec<_> = docs
        .iter()
        .map(|d| {
            let path = dir.join(format!("{}.docx", d.name));
            std::fs::write(&path, &d.bytes).expect("write docx");
            path
        })
        .collect();
    convert_all(&soffice, &dir, &paths);
    if let Some(keep) = std::env::var_os("QINGFENG_KEEP_PRINTS") {
        for d in &docs {
            let _ = std::fs::copy(
                dir.join(format!("{}.pdf", d.name)),
                std::path::Path::new(&keep).join(format!("{}.pdf", d.name)),
            );
        }
    }
    let flat = |p: &str| p.split_whitespace().collect::<String>();
    for d in &docs {
        let pages = pdf_pages(&dir.join(format!("{}.pdf", d.name)));
        assert!(!pages.is_empty() && pages.len() < 10, "{}: {} pages", d.name, pages.len());
        let all: String = pages.iter().map(|p| flat(p)).collect();
        for want in &d.expect {
            assert!(all.contains(&flat(want)), "{}: “{want}” missing:\n{all}", d.name);
        }
        // 28 characters a line (lines of CJK text only: half-width digits take half a cell)
        let widest = pages
            .iter()
            .flat_map(|p| p.lines())
            .map(flat)
            .filter(|l| !l.is_empty() && !l.chars().any(|c| c.is_ascii()))
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        assert!(widest <= 28, "{}: a line of {widest} characters", d.name);
        if d.name == "reply" || d.name == "annual" {
            assert_eq!(widest, 28, "{}: full lines hold 28 characters", d.name);
        }
        for (n, page) in pages.iter().enumerate() {
            let number = format!("—{}—", n + 1);
            assert!(flat(page).contains(&number), "{}: page {} lacks “{number}”:\n{page}", d.name, n + 1);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
