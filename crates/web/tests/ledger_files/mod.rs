//! Ledger attachments: the uploader withdraws (撤回) a file while the entry version is current
//! and open to their correction; refused to another user, after a correction, out of scope.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_api_error, seed_org, servers, user, Resp, Server, User};

async fn attach(s: &Server, who: Option<&User>, entry: i64, name: &str) -> i64 {
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4 sign-in sheet".to_vec()).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let url = s.url(&format!("/api/v1/ledger-entries/{entry}/attachments"));
    let req = match who {
        Some(u) => u.client.post(url).header("X-CSRF-Token", &u.csrf),
        None => s.client.post(url).header("X-CSRF-Token", &s.csrf),
    };
    let r = s.send(req.multipart(form)).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] upload {name}: {}", s.engine, r.text());
    r.json()["id"].as_i64().unwrap()
}

/// The page's 撤回 button: an htmx post answering the attachment list.
async fn withdraw_on_page(s: &Server, id: i64) -> Resp {
    let url = s.url(&format!("/ledger/attachments/{id}/withdraw"));
    s.send(s.client.post(url).header("X-CSRF-Token", &s.csrf).header("HX-Request", "true")).await
}

fn names(entry: &Value) -> Vec<String> {
    entry["attachments"].as_array().unwrap().iter().map(|a| a["filename"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn attachments_are_withdrawn_by_their_uploader_before_a_correction() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let wang = user(&s, "wangfang", Some(org.person("王芳")), &["principal"]).await;
        let zhao = user(&s, "zhaoqiang", Some(org.person("赵强")), &["principal"]).await;
        let body = json!({"kind": "study", "date": "2026-03-02", "place": "会议室", "content": "集中学习",
                          "unit_id": org.unit("ZHK"), "participants": [org.person("王芳")]});
        let r = s.post_json("/api/v1/ledger-entries", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let v1 = r.json()["id"].as_i64().unwrap();
        let wrong = attach(&s, None, v1, "错传的文件.pdf").await;
        let kept = attach(&s, None, v1, "签到表.pdf").await;
        let hers = attach(&s, Some(&wang), v1, "王芳的照片.pdf").await;

        // the page offers 撤回 on the reader's own files only
        let page = s.get(&format!("/ledger/{v1}")).await.text();
        assert!(page.contains(&format!("/ledger/attachments/{wrong}/withdraw")), "[{e}] the uploader's button");
        assert!(!page.contains(&format!("/ledger/attachments/{hers}/withdraw")), "[{e}] not on another's file");
        let hers_page = wang.get(&s, &format!("/ledger/{v1}")).await.text();
        assert!(hers_page.contains(&format!("/ledger/attachments/{hers}/withdraw")), "[{e}] 王芳's own file");
        assert!(!hers_page.contains(&format!("/ledger/attachments/{wrong}/withdraw")), "[{e}] not the admin's");

        // refused to another user (who may correct the entry), and out of scope
        let audit = s.audit_count_of("ledger_attachment", "withdraw").await;
        let r = wang.send(&s, Method::DELETE, &format!("/api/v1/ledger-attachments/{wrong}"), None).await;
        let err = assert_api_error(&e, "another user's file", &r, 409, None);
        assert!(err["message"].as_str().unwrap().contains("本人上传"), "[{e}] {err}");
        let r = zhao.send(&s, Method::DELETE, &format!("/api/v1/ledger-attachments/{hers}"), None).await;
        assert_api_error(&e, "an entry out of scope", &r, 404, None);
        assert_eq!(s.audit_count_of("ledger_attachment", "withdraw").await, audit, "[{e}] nothing written");

        // allowed to the uploader before a correction: gone from the list and the download, audited
        let r = withdraw_on_page(&s, wrong).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] withdraw: {}", r.text());
        assert!(!r.text().contains("错传的文件.pdf") && r.text().contains("签到表.pdf"), "[{e}] {}", r.text());
        let r = wang.send(&s, Method::DELETE, &format!("/api/v1/ledger-attachments/{hers}"), None).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] 王芳 withdraws her own: {}", r.text());
        assert_eq!(r.json()["filename"], "王芳的照片.pdf", "[{e}]");
        let entry = s.get(&format!("/api/v1/ledger-entries/{v1}")).await.json();
        assert_eq!(names(&entry), vec!["签到表.pdf"], "[{e}] {entry}");
        let r = s.get(&format!("/api/v1/ledger-attachments/{wrong}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] a withdrawn file is not served");
        let r = s
            .send(
                s.client.delete(s.url(&format!("/api/v1/ledger-attachments/{wrong}"))).header("X-CSRF-Token", &s.csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] withdrawn once");
        assert_eq!(s.audit_count_of("ledger_attachment", "withdraw").await, audit + 2, "[{e}] audited");
        let trail = s.get("/system/audit?entity=ledger_attachment").await.text();
        assert!(trail.contains("撤回台账附件") && trail.contains("错传的文件.pdf"), "[{e}] the trail in words");

        // refused after a correction: the old version and its files are history
        let mut fix = body.clone();
        fix["content"] = json!("集中学习（更正）");
        fix["reason"] = json!("内容补充");
        let r = s.post_json(&format!("/api/v1/ledger-entries/{v1}/versions"), &fix).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let page = s.get(&format!("/ledger/{v1}")).await.text();
        assert!(page.contains("签到表.pdf") && !page.contains("/withdraw"), "[{e}] no button on history");
        let r = withdraw_on_page(&s, kept).await;
        assert!(r.text().contains("更正版本") && r.text().contains("签到表.pdf"), "[{e}] refused: {}", r.text());
        let r = s
            .send(s.client.delete(s.url(&format!("/api/v1/ledger-attachments/{kept}"))).header("X-CSRF-Token", &s.csrf))
            .await;
        assert_api_error(&e, "a file of a superseded version", &r, 409, None);
        assert_eq!(s.audit_count_of("ledger_attachment", "withdraw").await, audit + 2, "[{e}] nothing more");
        s.finish().await;
    }
}
