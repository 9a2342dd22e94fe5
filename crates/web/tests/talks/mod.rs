//! 谈心谈话: a talk is a ledger entry credited to both sides' items (one record, every list);
//! discipline talks keep their summary from readers other than the 纪检组 and the people
//! concerned; bad input is refused naming the field, nothing written; the coverage matrix of a
//! branch and of a leadership group against hand-counted pairs.

mod edit;
mod import;
mod suggestions;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, read_xlsx, seed_org, servers, user, Org, Server};

pub(super) fn today() -> String {
    qingfeng_store::fulfilment::today().to_string()
}

pub(super) fn year() -> i64 {
    use chrono::Datelike;
    i64::from(qingfeng_store::fulfilment::today().year())
}

async fn add_person(s: &Server, body: Value) -> i64 {
    let r = s.post_json("/api/v1/people", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.engine, r.text());
    r.json()["id"].as_i64().unwrap()
}

async fn branch_change(s: &Server, method: reqwest::Method, path: &str, body: Value) {
    let r = s.send(s.client.request(method, s.url(path)).header("X-CSRF-Token", &s.csrf).json(&body)).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {path} {body}: {}", s.engine, r.text());
}

/// 机关党支部: 陈静 书记, 王芳 委员, 孙党员 and 钱党员 plain members. Returns (branch, 孙, 钱).
pub(super) async fn branch(s: &Server, org: &Org) -> (i64, i64, i64) {
    let b = org.unit("JGDZB");
    let base = format!("/api/v1/party-branches/{b}");
    for (name, post) in [("陈静", "书记"), ("王芳", "委员")] {
        let person = org.person(name);
        branch_change(
            s,
            reqwest::Method::POST,
            &format!("{base}/members"),
            json!({"person_id": person, "date": "2025-01-01"}),
        )
        .await;
        branch_change(
            s,
            reqwest::Method::PUT,
            &format!("{base}/committee"),
            json!({"person_id": person, "post": post, "date": "2025-01-01"}),
        )
        .await;
    }
    let mut plain = Vec::new();
    for name in ["孙党员", "钱党员"] {
        plain.push(
            add_person(
                s,
                json!({"name": name, "gender": "男", "unit_id": org.unit("DCS"), "rank": "below_section",
                       "political_status": "中共党员", "roles": ["cadre"], "party_branch_id": b}),
            )
            .await,
        );
    }
    (b, plain[0], plain[1])
}

pub(super) fn talk(kind: &str, unit: i64, talkers: &[i64], counterparts: &[i64]) -> Value {
    json!({"talk_kind": kind, "date": today(), "place": "会议室", "unit_id": unit, "talkers": talkers,
           "counterparts": counterparts, "topics": "廉洁自律", "summary": "秘密内容：谈到的具体问题",
           "follow_ups": [{"person_id": counterparts[0], "deadline": today(), "content": "提交整改说明"}]})
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect()
}

async fn item_id(s: &Server, person: i64, code: &str) -> i64 {
    let r = s.get(&format!("/api/v1/responsibility-items?year={}&person={person}&per_page=100", year())).await;
    let items = r.json()["items"].as_array().unwrap().clone();
    let item = items.iter().find(|i| i["code"] == json!(code));
    item.unwrap_or_else(|| panic!("[{}] no {code} for {person} in {items:?}", s.engine))["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_talk_is_credited_to_both_sides_and_bad_input_is_refused() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (_b, sun, _qian) = branch(&s, &org).await;
        let (chen, wang) = (org.person("陈静"), org.person("王芳"));
        let audits = s.audit_count_of("talk", "create").await;
        let r = s.post_json("/api/v1/talks", &talk("谈心谈话", org.unit("JGDZB"), &[chen], &[wang, sun])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let t = r.json();
        assert_eq!(t["kind_label"], json!("谈心谈话"), "[{e}] {t}");
        assert_eq!(ids(&t["talkers"]), vec![chen], "[{e}]");
        assert_eq!(t["follow_ups"].as_array().unwrap().len(), 1, "[{e}] {t}");
        assert_eq!(s.audit_count_of("talk", "create").await, audits + 1, "[{e}] audited");
        let id = t["id"].as_i64().unwrap();

        // one record, every list: the ledger entry is credited to the secretary's R-BR-5 and
        // the 科长's DUTY-HEAD-2 (谈心谈话 with the division's cadres)
        let entry = s.get(&format!("/api/v1/ledger-entries/{id}")).await.json();
        let credited = ids(&entry["credited_items"]);
        for (person, code) in [(chen, "R-BR-5"), (wang, "DUTY-HEAD-2")] {
            let item = item_id(&s, person, code).await;
            assert!(credited.contains(&item), "[{e}] {code} of {person} credited: {entry}");
        }
        let of_wang = s.get(&format!("/api/v1/ledger-entries?person={wang}")).await.json();
        assert!(ids(&of_wang["items"]).contains(&id), "[{e}] the entry is in 王芳's ledger: {of_wang}");
        let mine = s.get(&format!("/api/v1/talks?person={sun}&year={}", year())).await.json();
        assert_eq!(mine["total"], json!(1), "[{e}] {mine}");

        // bad input: the field named, nothing written
        let talks = s.count("talks").await;
        let entries = s.count("ledger_entries").await;
        let mut no_counterpart = talk("谈心谈话", org.unit("JGDZB"), &[chen], &[wang]);
        no_counterpart["counterparts"] = json!([]);
        let cases = [
            ("no counterpart", no_counterpart, "counterparts"),
            (
                "future date",
                {
                    let mut t = talk("谈心谈话", org.unit("JGDZB"), &[chen], &[wang]);
                    t["date"] = json!("2999-01-01");
                    t
                },
                "date",
            ),
            ("unknown person", talk("谈心谈话", org.unit("JGDZB"), &[chen], &[999_999]), "counterparts"),
            ("unknown talker", talk("谈心谈话", org.unit("JGDZB"), &[999_998], &[wang]), "talkers"),
            ("unknown kind", talk("闲聊", org.unit("JGDZB"), &[chen], &[wang]), "talk_kind"),
            // the administrator is not the 纪检组
            ("诫勉 by admin", talk("诫勉谈话", org.unit("DCS"), &[chen], &[wang]), "talk_kind"),
        ];
        for (what, body, field) in cases {
            let r = s.post_json("/api/v1/talks", &body).await;
            assert_api_error(&e, what, &r, 422, Some(field));
        }
        assert_eq!(
            (s.count("talks").await, s.count("ledger_entries").await),
            (talks, entries),
            "[{e}] nothing written"
        );
    }
}

#[tokio::test]
async fn discipline_talks_hide_their_summary() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (zhao, zhou, li, wang) = (org.person("赵强"), org.person("周伟"), org.person("李明"), org.person("王芳"));
        // 吴副: a 班子成员 in charge of 督查室 (赵强's division)
        let wu = add_person(
            &s,
            json!({"name": "吴副", "gender": "男", "unit_id": org.unit("XWB"), "title": "副主任", "rank": "township",
                   "political_status": "中共党员", "roles": ["leadership_member"], "in_charge_of": [org.unit("DCS")]}),
        )
        .await;
        let jj = user(&s, "jj", Some(zhou), &["supervisor"]).await;
        let r = jj.post(&s, "/api/v1/talks", &talk("诫勉谈话", org.unit("DCS"), &[zhou], &[zhao])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] the 纪检组 records a 诫勉谈话: {}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        let path = format!("/api/v1/talks/{id}");
        let concerned = user(&s, "zhao", Some(zhao), &["member"]).await;
        let leader = user(&s, "wu", Some(wu), &["leader"]).await;
        let principal = user(&s, "li", Some(li), &["principal"]).await;
        let member = user(&s, "wang", Some(wang), &["member"]).await;
        for (who, u) in [("纪检组", &jj), ("当事人", &concerned)] {
            let t = u.get(&s, &path).await.json();
            assert_eq!(t["summary"], json!("秘密内容：谈到的具体问题"), "[{e}] {who} reads the summary: {t}");
            assert_eq!(t["summary_hidden"], json!(false), "[{e}] {who}");
        }
        for (who, u) in [("分管领导", &leader), ("主要负责人", &principal)] {
            let t = u.get(&s, &path).await.json();
            assert_eq!(t["kind_label"], json!("诫勉谈话"), "[{e}] {who} sees that a talk took place: {t}");
            assert_eq!((t["summary"].as_str(), t["topics"].as_str()), (Some(""), Some("")), "[{e}] {who}: {t}");
            assert_eq!(t["follow_ups"], json!([]), "[{e}] {who}: {t}");
            assert_eq!(t["summary_hidden"], json!(true), "[{e}] {who}");
            let page = u.get(&s, &format!("/talks/{id}")).await.text();
            assert!(page.contains("仅纪检监察组和当事人可见") && !page.contains("秘密内容"), "[{e}] {who} page");
            let list = u.get(&s, "/api/v1/talks").await.text();
            assert!(!list.contains("秘密内容") && list.contains("诫勉谈话"), "[{e}] {who} list: {list}");
            // the ledger entry does not carry the topics either
            let entry = u.get(&s, &format!("/api/v1/ledger-entries/{id}")).await.json();
            assert_eq!(entry["content"], json!("诫勉谈话"), "[{e}] {who}: {entry}");
        }
        let sheet = read_xlsx(&leader.get(&s, "/api/v1/talks/export.xlsx").await.bytes);
        let text = format!("{sheet:?}");
        assert!(text.contains("诫勉谈话") && !text.contains("秘密内容"), "[{e}] export: {text}");
        // a member who took no part does not see it at all
        assert_eq!(member.get(&s, &path).await.status, StatusCode::NOT_FOUND, "[{e}] member");
        assert!(!member.get(&s, "/talks").await.text().contains("诫勉谈话</td>"), "[{e}] member list");
        // a 提醒谈话 by the 分管领导 is restricted too; a 诫勉谈话 by them is refused
        let r = leader.post(&s, "/api/v1/talks", &talk("诫勉谈话", org.unit("DCS"), &[wu], &[zhao])).await;
        assert_api_error(&e, "诫勉 by 分管领导", &r, 422, Some("talk_kind"));
        let r = leader.post(&s, "/api/v1/talks", &talk("提醒谈话", org.unit("DCS"), &[wu], &[zhao])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let t = principal.get(&s, &format!("/api/v1/talks/{}", r.json()["id"])).await.json();
        assert_eq!(t["summary_hidden"], json!(true), "[{e}] 提醒谈话 hidden from the principal: {t}");
    }
}

fn count(c: &Value, kind: &str) -> (u64, u64) {
    let k = c["counts"].as_array().unwrap().iter().find(|k| k["kind"] == json!(kind));
    k.map_or((0, 0), |k| (k["done"].as_u64().unwrap(), k["total"].as_u64().unwrap()))
}

#[tokio::test]
async fn coverage_of_a_branch_and_a_leadership_group() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (b, sun, qian) = branch(&s, &org).await;
        let (chen, wang, li) = (org.person("陈静"), org.person("王芳"), org.person("李明"));
        let unit = org.unit("JGDZB");
        // 陈静 (书记) with 王芳 (委员) and 孙; 孙 as counterpart of 钱 (the other direction counts)
        for (talkers, counterparts) in [(vec![chen], vec![wang, sun]), (vec![qian], vec![sun])] {
            let r = s.post_json("/api/v1/talks", &talk("谈心谈话", unit, &talkers, &counterparts)).await;
            assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        }
        // hand count: 4 members → 6 pairs: 陈–王 (支委–支委, done), 陈–孙 陈–钱 王–孙 王–钱
        // (支委–党员, 1 done), 孙–钱 (党员–党员, done)
        let c = s.get(&format!("/api/v1/talks/coverage?year={}&branch={b}", year())).await.json();
        assert_eq!((c["done"].as_u64(), c["total"].as_u64()), (Some(3), Some(6)), "[{e}] {c}");
        assert_eq!(count(&c, "committee_committee"), (1, 1), "[{e}]");
        assert_eq!(count(&c, "committee_member"), (1, 4), "[{e}]");
        assert_eq!(count(&c, "member_member"), (1, 1), "[{e}]");
        let missing: Vec<(i64, i64)> = c["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["done"] == json!(false))
            .map(|p| (p["a"].as_i64().unwrap(), p["b"].as_i64().unwrap()))
            .collect();
        for pair in [(chen, qian), (wang, sun), (wang, qian)] {
            assert!(missing.contains(&pair) || missing.contains(&(pair.1, pair.0)), "[{e}] {pair:?} missing: {c}");
        }
        let page = s.get(&format!("/talks/coverage?year={}&branch={b}", year())).await.text();
        assert!(page.contains("应谈 6 对，已谈 3 对"), "[{e}] {page}");
        assert_eq!(page.matches("cell missing").count(), 6, "[{e}] each missing pair twice in the matrix");

        // leadership group of 县委办: 李明 (主要负责人) with 吴副 (班子成员); 吴副 with the head of
        // 督查室 (in his charge), 郑主任; 赵强 (科员) is no head
        let wu = add_person(
            &s,
            json!({"name": "吴副", "gender": "男", "unit_id": org.unit("XWB"), "title": "副主任", "rank": "township",
                   "political_status": "中共党员", "roles": ["leadership_member"], "in_charge_of": [org.unit("DCS")]}),
        )
        .await;
        let zheng = add_person(
            &s,
            json!({"name": "郑主任", "gender": "男", "unit_id": org.unit("DCS"), "title": "主任", "rank": "township",
                   "political_status": "中共党员", "roles": ["cadre"]}),
        )
        .await;
        let r = s.post_json("/api/v1/talks", &talk("谈心谈话", org.unit("DCS"), &[zheng], &[wu])).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let c = s.get(&format!("/api/v1/talks/coverage?year={}&unit={}", year(), org.unit("XWB"))).await.json();
        assert_eq!(count(&c, "principal_leader"), (0, 1), "[{e}] {c}");
        assert_eq!(count(&c, "leader_head"), (1, 1), "[{e}] {c}");
        let pair = &c["pairs"][0];
        assert_eq!((pair["a"].as_i64(), pair["b"].as_i64()), (Some(li), Some(wu)), "[{e}] {c}");

        // bad parameters name themselves
        let r = s.get("/api/v1/talks/coverage?year=2026").await;
        assert_api_error(&e, "no branch", &r, 400, Some("branch"));
        let r = s.get(&format!("/api/v1/talks/coverage?year=1999&branch={b}")).await;
        assert_api_error(&e, "bad year", &r, 400, Some("year"));
        let r = s.get(&format!("/api/v1/talks/coverage?branch={}", org.unit("ZHK"))).await;
        assert_api_error(&e, "not a branch", &r, 400, Some("branch"));
    }
}
