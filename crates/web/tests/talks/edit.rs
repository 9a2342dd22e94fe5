//! Correcting a talk: a new version of its ledger entry with the new fields and the reason,
//! audited; the old version stays as history; coverage follows the current version; a
//! discipline talk is corrected only by those who read it (a 诫勉谈话 by the 纪检组).

use reqwest::StatusCode;
use serde_json::json;

use super::{branch, talk, year};
use crate::support::{assert_api_error, seed_org, servers, user};

#[tokio::test]
async fn a_talk_is_corrected_as_a_new_version_with_its_reason() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (b, sun, _qian) = branch(&s, &org).await;
        let (chen, wang, zhou, zhao) = (org.person("陈静"), org.person("王芳"), org.person("周伟"), org.person("赵强"));
        let unit = org.unit("JGDZB");
        let r = s.post_json("/api/v1/talks", &talk("谈心谈话", unit, &[chen], &[wang, sun])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        let coverage = format!("/api/v1/talks/coverage?year={}&branch={b}", year());
        assert_eq!(s.get(&coverage).await.json()["done"], json!(2), "[{e}]");

        // no reason: refused naming it, nothing written
        let mut fixed = talk("谈心谈话", unit, &[chen], &[wang]);
        fixed["topics"] = json!("工作作风（更正）");
        let (talks, audits) = (s.count("talks").await, s.audit_count_of("talk", "update").await);
        let r = s.post_json(&format!("/api/v1/talks/{id}/versions"), &fixed).await;
        assert_api_error(&e, "no reason", &r, 422, Some("reason"));
        assert_eq!((s.count("talks").await, s.audit_count_of("talk", "update").await), (talks, audits), "[{e}]");

        fixed["reason"] = json!("孙党员未参加，登记有误");
        let r = s.post_json(&format!("/api/v1/talks/{id}/versions"), &fixed).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let t = r.json();
        let new_id = t["id"].as_i64().unwrap();
        assert_ne!(new_id, id, "[{e}] a new version");
        assert_eq!(t["counterparts"].as_array().unwrap().len(), 1, "[{e}] {t}");
        assert_eq!(t["topics"], json!("工作作风（更正）"), "[{e}]");
        assert_eq!(s.audit_count_of("talk", "update").await, audits + 1, "[{e}] audited");
        let trail: Vec<(String,)> =
            s.db.fetch_all(
                "SELECT diff FROM audit_log WHERE entity = 'talk' AND action = 'update'",
                qingfeng_store::args![],
            )
            .await
            .unwrap();
        assert!(trail[0].0.contains("孙党员未参加") && trail[0].0.contains("counterparts"), "[{e}] {trail:?}");
        // the list holds the current version; the old one stays readable; coverage follows
        let list = s.get(&format!("/api/v1/talks?year={}", year())).await.json();
        assert_eq!(list["total"], json!(1), "[{e}] {list}");
        assert_eq!(list["items"][0]["id"], json!(new_id), "[{e}]");
        assert_eq!(s.get(&format!("/api/v1/talks/{id}")).await.status, StatusCode::OK, "[{e}]");
        assert_eq!(s.get(&coverage).await.json()["done"], json!(1), "[{e}] 陈–孙 no longer talked");
        // the old version cannot be corrected again
        let r = s.post_json(&format!("/api/v1/talks/{id}/versions"), &fixed).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "[{e}] {}", r.text());

        // the pages: the form filled in, the reason asked for, a saved correction shown
        let page = s.get(&format!("/talks/{new_id}/edit")).await.text();
        assert!(page.contains("更正谈话记录") && page.contains("工作作风（更正）"), "[{e}] {page}");
        let reason_missing = s
            .write_raw(
                reqwest::Method::POST,
                &format!("/talks/{new_id}/edit"),
                "application/x-www-form-urlencoded",
                &format!(
                    "csrf_token={}&talk_kind=heart&date={}&unit_id={unit}&talkers={chen}&counterparts={wang}&topics=x",
                    s.csrf,
                    super::today()
                ),
            )
            .await;
        assert!(reason_missing.text().contains("更正理由"), "[{e}] {}", reason_missing.text());
        assert_eq!(s.count("talks").await, talks + 1, "[{e}] nothing written by the refused form");
        let detail = s.get(&format!("/talks/{new_id}")).await.text();
        assert!(detail.contains(&format!("/talks/{new_id}/edit")), "[{e}] 更正 offered");

        // a 诫勉谈话: the administrator (not the 纪检组) may not correct it
        let jj = user(&s, "jj", Some(zhou), &["supervisor"]).await;
        let r = jj.post(&s, "/api/v1/talks", &talk("诫勉谈话", org.unit("DCS"), &[zhou], &[zhao])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let admonition = r.json()["id"].as_i64().unwrap();
        let mut body = talk("诫勉谈话", org.unit("DCS"), &[zhou], &[zhao]);
        body["reason"] = json!("补充内容");
        let r = s.post_json(&format!("/api/v1/talks/{admonition}/versions"), &body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] {}", r.text());
        let r = jj.post(&s, &format!("/api/v1/talks/{admonition}/versions"), &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] the 纪检组 corrects it: {}", r.text());
        s.finish().await;
    }
}
