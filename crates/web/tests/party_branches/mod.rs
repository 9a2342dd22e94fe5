//! 党支部: membership with its history, the committee (书记, 副书记, 委员) and the roles it
//! implies, and the scope of a 支部书记 account, which follows the branch they lead (members from
//! several divisions), not the division they sit in.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_api_error, header_row, read_xlsx, seed_org, servers, user, write_xlsx, Org, Server};

async fn add_person(s: &Server, body: Value) -> i64 {
    let r = s.post_json("/api/v1/people", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", s.engine, r.text());
    r.json()["id"].as_i64().unwrap()
}

async fn change(s: &Server, path: &str, body: Value) -> Value {
    let r = s
        .send(
            s.client
                .request(
                    if path.ends_with("committee") { reqwest::Method::PUT } else { reqwest::Method::POST },
                    s.url(path),
                )
                .header("X-CSRF-Token", &s.csrf)
                .json(&body),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {path} {body}: {}", s.engine, r.text());
    r.json()
}

fn names(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().or(m["person_name"].as_str()).unwrap().to_string())
        .collect();
    out.sort();
    out
}

/// 机关党支部 with 陈静 (sits in the branch unit) as 书记, 王芳 (综合科) and 孙党员 (督查室)
/// as members; 钱非员 is a party member of 综合科 in no branch.
async fn branch_with_members(s: &Server, org: &Org) -> (i64, i64, i64, i64) {
    let b = org.unit("JGDZB");
    let base = format!("/api/v1/party-branches/{b}");
    change(s, &format!("{base}/members"), json!({"person_id": org.person("陈静"), "date": "2025-01-01"})).await;
    change(
        s,
        &format!("{base}/committee"),
        json!({"person_id": org.person("陈静"), "post": "书记", "date": "2025-01-01"}),
    )
    .await;
    change(s, &format!("{base}/members"), json!({"person_id": org.person("王芳"), "date": "2025-03-01"})).await;
    // a new person placed in the branch from the person form's API
    let sun = add_person(
        s,
        json!({"name": "孙党员", "gender": "男", "unit_id": org.unit("DCS"), "rank": "below_section",
               "political_status": "中共党员", "roles": ["cadre"], "party_branch_id": b}),
    )
    .await;
    let qian = add_person(
        s,
        json!({"name": "钱非员", "gender": "女", "unit_id": org.unit("ZHK"), "rank": "below_section",
               "political_status": "中共党员", "roles": ["cadre"]}),
    )
    .await;
    (b, sun, qian, org.person("王芳"))
}

#[tokio::test]
async fn membership_with_history_and_committee() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let audits = s.audit_count_of("party_branch_member", "update").await;
        let (b, sun, _qian, wang) = branch_with_members(&s, &org).await;
        let base = format!("/api/v1/party-branches/{b}");
        assert_eq!(s.audit_count_of("party_branch_member", "update").await, audits + 3, "[{e}] each move audited");

        // today: three members from three units, 陈静 书记
        let d = s.get(&base).await.json();
        assert_eq!(names(&d["members"]), ["孙党员", "王芳", "陈静"], "[{e}] {d}");
        assert_eq!(d["divisions"], 3, "[{e}] members sit in three units: {d}");
        assert_eq!(d["secretary_name"], "陈静", "[{e}]");
        assert_eq!(d["members"][0]["name"], "陈静", "[{e}] the committee first");
        let list = s.get("/api/v1/party-branches").await.json();
        assert_eq!(list["items"][0]["members"], 3, "[{e}] {list}");
        // the page shows the members a page at a time; the count stays the whole branch's
        let third = d["members"][2]["name"].as_str().unwrap().to_string();
        let rows = |page: &str| page.matches("设置职务</button>").count();
        let page = s.get(&format!("/party-branches/{b}?per_page=2")).await.text();
        assert!(page.contains("党员 3 人") && page.contains("共 3 条，第 1 / 2 页"), "[{e}] {page}");
        assert_eq!(rows(&page), 2, "[{e}] page 1 holds two members");
        assert!(!page.contains(&format!("{third}的支委职务")), "[{e}] the third is on page 2");
        let page = s.get(&format!("/party-branches/{b}?per_page=2&page=2")).await.text();
        assert_eq!(rows(&page), 1, "[{e}] page 2 holds the third");
        assert!(page.contains(&format!("{third}的支委职务")) && page.contains("上一页"), "[{e}] {page}");
        let page = s.get(&format!("/party-branches/{b}?on=2025-06-01&per_page=1")).await.text();
        assert!(page.contains("on=2025-06-01&amp;page=2"), "[{e}] the day is kept in the links: {page}");

        // 委员: the member gains the role 支部委员 and their list follows
        let d = change(
            &s,
            &format!("{base}/committee"),
            json!({"person_id": wang, "post": "member", "date": "2025-04-01"}),
        )
        .await;
        assert_eq!(d["committee"].as_array().unwrap().len(), 2, "[{e}] {d}");
        let p = s.get(&format!("/api/v1/people/{wang}")).await.json();
        assert!(p["roles"].as_array().unwrap().contains(&json!("branch_committee")), "[{e}] {p}");
        assert_eq!(p["party_branch_post"], "member", "[{e}]");

        // the roll on a past day: before 王芳 joined only 陈静
        let past = s.get(&format!("{base}?on=2025-02-01")).await.json();
        assert_eq!(names(&past["members"]), ["陈静"], "[{e}] {past}");
        assert_eq!(past["committee"][0]["post"], "secretary", "[{e}]");

        // 王芳 leaves: the post ends with the membership, the role goes, the history stays
        change(&s, &format!("{base}/members/remove"), json!({"person_id": wang})).await;
        let p = s.get(&format!("/api/v1/people/{wang}")).await.json();
        assert!(p["party_branch_id"].is_null() && p["party_branch_post"].is_null(), "[{e}] {p}");
        assert!(!p["roles"].as_array().unwrap().contains(&json!("branch_committee")), "[{e}] {p}");
        let then = s.get(&format!("{base}?on=2025-06-01")).await.json();
        assert_eq!(names(&then["members"]), ["王芳", "陈静"], "[{e}] 孙党员 joined today: {then}");
        assert_eq!(then["members"][1]["post"], "member", "[{e}] 王芳 was 委员 that day: {then}");
        let page = s.get(&format!("/org/people/{wang}")).await.text();
        assert!(
            page.contains("党支部与支委职务记录") && page.contains("委员（2025-04-01 至"),
            "[{e}] history on the person page"
        );

        // refusals name the field: not a party member, not a member, an unknown post, a future day
        let zhao = org.person("赵强");
        let r = s.post_json(&format!("{base}/members"), &json!({"person_id": zhao})).await;
        let err = assert_api_error(&e, "masses", &r, 422, Some("party_branch_id"));
        assert!(err["message"].as_str().unwrap().contains("政治面貌"), "[{e}] {err}");
        let r = s
            .send(
                s.client
                    .put(s.url(&format!("{base}/committee")))
                    .header("X-CSRF-Token", &s.csrf)
                    .json(&json!({"person_id": wang, "post": "委员"})),
            )
            .await;
        assert_api_error(&e, "not a member", &r, 422, Some("person_id"));
        let r = s
            .send(
                s.client
                    .put(s.url(&format!("{base}/committee")))
                    .header("X-CSRF-Token", &s.csrf)
                    .json(&json!({"person_id": sun, "post": "组长"})),
            )
            .await;
        assert_api_error(&e, "unknown post", &r, 422, Some("post"));
        let r = s.post_json(&format!("{base}/members"), &json!({"person_id": wang, "date": "2999-01-01"})).await;
        assert_api_error(&e, "future", &r, 422, Some("date"));
        let r = s.patch_json(&format!("/api/v1/people/{zhao}"), &json!({"party_branch_id": b})).await;
        assert_api_error(&e, "masses on the form", &r, 422, Some("party_branch_id"));
        let r = s.get(&format!("/api/v1/party-branches/{}", org.unit("ZHK"))).await;
        assert_api_error(&e, "a division is no branch", &r, 404, None);

        // a new 书记 ends the previous one's post; the person form moves a member between branches
        let d = change(&s, &format!("{base}/committee"), json!({"person_id": sun, "post": "secretary"})).await;
        assert_eq!(d["secretary_name"], "孙党员", "[{e}] {d}");
        let chen = s.get(&format!("/api/v1/people/{}", org.person("陈静"))).await.json();
        assert!(!chen["roles"].as_array().unwrap().contains(&json!("branch_secretary")), "[{e}] {chen}");

        // the audit trail reads in words
        let trail = s.get("/system/audit").await.text();
        assert!(
            trail.contains("支委职务") && trail.contains("所在党支部") && trail.contains("机关党支部"),
            "[{e}] audit words"
        );
        s.finish().await;
    }
}

#[tokio::test]
async fn a_branch_secretary_sees_the_branch_members_wherever_they_sit() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (b, sun, qian, wang) = branch_with_members(&s, &org).await;
        let zhibu = user(&s, "zhibu1", Some(org.person("陈静")), &["branch_secretary"]).await;

        // members from 综合科 and 督查室, not 钱非员 of 综合科 nor the others
        let people = zhibu.get(&s, "/api/v1/people?per_page=100").await.json();
        assert_eq!(names(&people["items"]), ["孙党员", "王芳", "陈静"], "[{e}] {people}");
        assert_eq!(zhibu.get(&s, &format!("/api/v1/people/{qian}")).await.status, StatusCode::NOT_FOUND, "[{e}]");
        assert_eq!(zhibu.get(&s, &format!("/api/v1/people/{sun}")).await.status, StatusCode::OK, "[{e}]");
        // the branch and its records, not the divisions its members sit in
        let branches = zhibu.get(&s, "/api/v1/party-branches").await.json();
        assert_eq!(branches["total"], 1, "[{e}] {branches}");
        let d = zhibu.get(&s, &format!("/api/v1/party-branches/{b}")).await.json();
        assert_eq!((d["members"].as_array().unwrap().len(), d["hidden_members"].as_i64()), (3, Some(0)), "[{e}] {d}");
        assert_eq!(zhibu.get(&s, &format!("/api/v1/units/{b}")).await.status, StatusCode::OK, "[{e}]");
        assert_eq!(zhibu.get(&s, &format!("/api/v1/units/{}", org.unit("ZHK"))).await.status, StatusCode::NOT_FOUND);
        let lists = zhibu.get(&s, "/api/v1/responsibility-items?per_page=100").await.json();
        let owners: Vec<i64> =
            lists["items"].as_array().unwrap().iter().filter_map(|i| i["person_id"].as_i64()).collect();
        assert!(owners.contains(&wang) && !owners.contains(&qian), "[{e}] the members' items: {owners:?}");

        // writes: a member's post yes; someone outside the scope cannot be added
        let r = zhibu
            .send(
                &s,
                reqwest::Method::PUT,
                &format!("/api/v1/party-branches/{b}/committee"),
                Some(&json!({"person_id": wang, "post": "委员"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let r = zhibu.post(&s, &format!("/api/v1/party-branches/{b}/members"), &json!({"person_id": qian})).await;
        assert_api_error(&e, "outside the scope", &r, 422, Some("person_id"));

        // no longer 书记: the account sees only its own records
        change(
            &s,
            &format!("/api/v1/party-branches/{b}/committee"),
            json!({"person_id": org.person("陈静"), "post": ""}),
        )
        .await;
        let people = zhibu.get(&s, "/api/v1/people").await.json();
        assert_eq!(names(&people["items"]), ["陈静"], "[{e}] {people}");
        s.finish().await;
    }
}

#[tokio::test]
async fn the_people_sheet_carries_the_branch() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let (_b, sun, _qian, wang) = branch_with_members(&s, &org).await;

        // the export names each member's branch, and the template offers the branches
        let rows = read_xlsx(&s.download("/api/v1/people/export.xlsx").await);
        let h = header_row(&rows, &["姓名", "所在党支部"]).expect("the export has 所在党支部");
        let col = rows[h].iter().position(|c| c == "所在党支部").unwrap();
        let name = rows[h].iter().position(|c| c == "姓名").unwrap();
        let branch_of = |who: &str| rows.iter().find(|r| r[name] == who).map(|r| r[col].clone()).unwrap();
        assert_eq!((branch_of("孙党员"), branch_of("赵强")), ("机关党支部".into(), String::new()), "[{e}]");

        // an import: a new member by branch name, one leaving (empty cell), an unknown branch
        // and a non-member named as a row error each
        let header = ["系统编号", "姓名", "性别", "所在单位", "职级", "政治面貌", "所在党支部"];
        let zhao = org.person("赵强").to_string();
        let (sun_id, wang_id) = (sun.to_string(), wang.to_string());
        let sheet: Vec<Vec<String>> = [
            header.to_vec(),
            vec!["", "吴新党", "男", "督查室", "科级以下", "中共党员", "机关党支部"],
            vec![&sun_id, "孙党员", "男", "督查室", "科级以下", "中共党员", ""],
            vec![&wang_id, "王芳", "女", "综合科", "乡科级", "中共党员", "机关第九党支部"],
            vec![&zhao, "赵强", "男", "督查室", "科级以下", "群众", "机关党支部"],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        let report = s.import("/api/v1/people/import", write_xlsx(&sheet)).await;
        let errors: Vec<(i64, String, String)> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["row"].as_i64().unwrap(),
                    x["column"].as_str().unwrap().into(),
                    x["message"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(errors.len(), 2, "[{e}] {report}");
        assert_eq!((errors[0].0, errors[0].1.as_str()), (4, "所在党支部"), "[{e}] {errors:?}");
        assert!(errors[0].2.contains("机关第九党支部"), "[{e}] the unknown branch is named: {errors:?}");
        assert_eq!((errors[1].0, errors[1].1.as_str()), (5, "所在党支部"), "[{e}] {errors:?}");
        let report = s.import("/api/v1/people/import?commit=true", write_xlsx(&sheet)).await;
        assert_eq!((report["created"].as_i64(), report["updated"].as_i64()), (Some(1), Some(1)), "[{e}] {report}");
        let d = s.get(&format!("/api/v1/party-branches/{}", org.unit("JGDZB"))).await.json();
        assert_eq!(names(&d["members"]), ["吴新党", "王芳", "陈静"], "[{e}] 孙党员 left, 吴新党 joined: {d}");

        // a sheet without the column leaves the branch as it is
        let old: Vec<Vec<String>> =
            [header[..6].to_vec(), vec![&wang_id, "王芳", "女", "综合科", "乡科级", "中共党员"]]
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
        let report = s.import("/api/v1/people/import?commit=true", write_xlsx(&old)).await;
        assert_eq!(report["updated"], 1, "[{e}] {report}");
        let p = s.get(&format!("/api/v1/people/{wang}")).await.json();
        assert_eq!(p["party_branch_name"], "机关党支部", "[{e}] {p}");
        s.finish().await;
    }
}
