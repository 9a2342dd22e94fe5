//! The readable audit trail: sentences with people's names, Chinese actions and labels, old → new
//! values in words and links to the records; its filters; the chain check as a button that
//! reports 链完整, and the first tampered record after the database is altered; the export keeps
//! the raw record beside the words.

use chrono::Duration;
use qingfeng_store::args;
use qingfeng_store::fulfilment::today;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{read_xlsx, seed_org, servers, user, Server};

fn day(n: i64) -> String {
    (today() + Duration::days(n)).to_string()
}

async fn verify(s: &Server) -> String {
    let form = [("csrf_token", s.csrf.as_str())];
    let r = s.send(s.client.post(s.url("/system/audit/verify")).form(&form)).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] verify: {}", s.engine, r.text());
    r.text()
}

#[tokio::test]
async fn the_trail_reads_as_sentences_and_the_chain_check_finds_tampering() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let jijian = user(&s, "jijian", Some(org.person("陈静")), &["supervisor"]).await;
        let wang = user(&s, "wangfang", Some(org.person("王芳")), &["principal"]).await;

        // a finding through to its sign-off
        let body = json!({"unit_id": org.unit("ZHK"), "source": "巡察", "category": "违规公款吃喝",
            "description": "以调研名义在酒店安排公款宴请", "severity": "较重", "found_on": day(-20)});
        let fid = jijian.post(&s, "/api/v1/findings", &body).await.json()["id"].as_i64().unwrap();
        jijian.post(&s, &format!("/api/v1/findings/{fid}/feedback"), &json!({})).await;
        let m = json!({"text": "退还费用", "responsible_person_id": org.person("王芳"), "deadline": day(10)});
        let mid = wang.post(&s, &format!("/api/v1/findings/{fid}/measures"), &m).await.json()["id"].as_i64().unwrap();
        let done = json!({"update_date": day(0), "text": "费用已退还", "completes": true});
        wang.post(&s, &format!("/api/v1/rectifications/{mid}/updates"), &done).await;
        wang.post(&s, &format!("/api/v1/findings/{fid}/sign-off-request"), &json!({"evidence": "退款凭证"})).await;
        let r = jijian.post(&s, &format!("/api/v1/findings/{fid}/sign-off"), &json!({"note": "整改到位"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] sign off: {}", r.text());
        // a person edited by the admin: unit, rank and title change
        let zhou = org.person("周伟");
        let r = s
            .patch_json(
                &format!("/api/v1/people/{zhou}"),
                &json!({"unit_id": org.unit("DCS"), "rank": "乡科级", "title": "副主任"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] edit person: {}", r.text());

        let html = s.get("/system/audit").await.text();
        let sign_off = format!("<strong>陈静</strong> 将<a href=\"/findings/{fid}\">问题 #{fid}《以调研名义在酒店安排公款宴请》</a>验收销号");
        assert!(html.contains(&sign_off), "[{e}] the sign-off as a sentence: {html}");
        assert!(html.contains("状态：</span>待验收 → 已销号"), "[{e}] the state in words");
        assert!(html.contains("说明：</span>整改到位"), "[{e}] the note");
        assert!(
            html.contains(&format!(
                "<strong>admin</strong> 修改<a href=\"/org/people/{zhou}\">人员 #{zhou}《周伟》</a>"
            )),
            "[{e}] person edit"
        );
        assert!(html.contains("单位：</span>信息科 → 督查室"), "[{e}] units by name");
        assert!(html.contains("职级：</span>职工 → 乡科级"), "[{e}] ranks by label");
        assert!(html.contains("<strong>王芳</strong> 为<a href=\"/findings/"), "[{e}] the request, by name");
        let trail = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
        for raw in ["unit_id", "sign_off", "\"state\"", "fed_back", "rank", "{", "null"] {
            assert!(!trail.contains(raw), "[{e}] no raw {raw} in the trail: {trail}");
        }

        // filters: person, object, action, dates
        let by_person = s.get("/system/audit?person=%E9%99%88%E9%9D%99").await.text();
        assert!(by_person.contains(&sign_off) && !by_person.contains("<strong>admin</strong>"), "[{e}] by person");
        let by_action = s.get("/system/audit?action=sign_off").await.text();
        assert!(by_action.contains(&sign_off) && !by_action.contains("反馈给责任单位"), "[{e}] by action");
        let by_entity = s.get("/system/audit?entity=person").await.text();
        assert!(by_entity.contains("人员 #") && !by_entity.contains("问题 #"), "[{e}] by object type");
        let past = s.get(&format!("/system/audit?to={}", day(-5))).await.text();
        assert!(past.contains("没有符合条件的记录"), "[{e}] by date");

        // the export has the words and keeps the raw record
        let rows = read_xlsx(&s.download("/api/v1/audit-log/export.xlsx?person=%E9%99%88%E9%9D%99").await);
        let header = rows.iter().position(|r| r.iter().any(|c| c == "操作说明")).expect("header row");
        let col = |name: &str| rows[header].iter().position(|c| c == name).unwrap_or_else(|| panic!("column {name}"));
        let row = rows.iter().find(|r| r[col("操作")] == "验收销号").expect("the sign-off row");
        assert!(row[col("操作说明")].contains("陈静 将问题"), "[{e}] {row:?}");
        assert!(row[col("变更说明")].contains("待验收 → 已销号"), "[{e}] {row:?}");
        assert_eq!(row[col("账号")], "jijian", "[{e}] the raw account stays");
        assert!(row[col("变更内容")].contains("signed_off"), "[{e}] the raw change stays: {row:?}");
        // the chain check: intact, then tampered in the database
        let page = verify(&s).await;
        assert!(page.contains("链完整"), "[{e}] intact chain: {page}");
        let (target, original): (i64, String) =
            s.db.fetch_one("SELECT id, diff FROM audit_log WHERE action = 'sign_off' AND entity = 'finding'", vec![])
                .await
                .unwrap();
        s.db.execute("UPDATE audit_log SET diff = $1 WHERE id = $2", args!["{}", target]).await.unwrap();
        let page = verify(&s).await;
        assert!(page.contains(&format!("第 {target} 条起被篡改")), "[{e}] the tampered record: {page}");
        assert!(!page.contains("链完整"), "[{e}] not intact");
        s.db.execute("UPDATE audit_log SET diff = $1 WHERE id = $2", args![original, target]).await.unwrap();
        assert!(verify(&s).await.contains("链完整"), "[{e}] intact again once restored");
        // without the CSRF token the check is refused
        let r = s.send(s.client.post(s.url("/system/audit/verify"))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] verify without CSRF");

        s.finish().await;
    }
}
