//! Lists under bad paging and search input: a clamped value or a 4xx naming the parameter, never
//! a 500 or a walk past the end; and the responsibility items' `level` filter, now an SQL
//! condition on the person's stored level, following a change of 职务.

use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{assert_api_error, seed_org, servers};

const LISTS: &[&str] = &[
    "/api/v1/people",
    "/api/v1/ledger-entries",
    "/api/v1/responsibility-items",
    "/api/v1/findings",
    "/api/v1/rectifications",
    "/api/v1/tasks",
    "/api/v1/audit-log",
];

#[tokio::test]
async fn bad_paging_and_search_are_clamped_or_refused() {
    for s in servers().await {
        let e = s.engine.clone();
        seed_org(&s).await;
        let long_q = format!("{}{}", "张".repeat(5_000), "x".repeat(5_000));
        for list in LISTS {
            let first = s.get(&format!("{list}?per_page=5")).await;
            assert_eq!(first.status, StatusCode::OK, "[{e}] {list}: {}", first.text());
            let total = first.json()["total"].as_i64().unwrap();

            let zero = s.get(&format!("{list}?page=0&per_page=5")).await;
            assert_eq!(zero.status, StatusCode::OK, "[{e}] {list} page=0");
            assert_eq!(zero.json()["page"], json!(1), "[{e}] {list}: page=0 reads page 1");
            assert_eq!(zero.json()["items"], first.json()["items"], "[{e}] {list}: page=0 is the first page");

            let huge = s.get(&format!("{list}?per_page=100000")).await;
            assert_eq!(huge.status, StatusCode::OK, "[{e}] {list} per_page=100000");
            assert_eq!(huge.json()["per_page"], json!(200), "[{e}] {list}: per_page is capped");

            let far = s.get(&format!("{list}?page=99999999&per_page=50")).await;
            assert_eq!(far.status, StatusCode::OK, "[{e}] {list} page=99999999: {}", far.text());
            assert_eq!(far.json()["items"], json!([]), "[{e}] {list}: past the end is empty");
            assert_eq!(far.json()["total"], json!(total), "[{e}] {list}: the total still counted");

            let sorted = s.get(&format!("{list}?per_page=5&sort=name;DROP%20TABLE%20people")).await;
            assert_eq!(sorted.status, StatusCode::OK, "[{e}] {list}: an unknown sort key is ignored");
            assert_eq!(sorted.json()["items"], first.json()["items"], "[{e}] {list}: the order is the list's own");

            for bad in ["page=x", "per_page=1e9"] {
                let r = s.get(&format!("{list}?{bad}")).await;
                let field = bad.split('=').next().unwrap();
                assert_api_error(&e, &format!("{list}?{bad}"), &r, 400, Some(field));
            }
        }
        for list in ["/api/v1/people", "/api/v1/ledger-entries", "/api/v1/responsibility-items", "/api/v1/findings"] {
            let r = s.get(&format!("{list}?q={long_q}")).await;
            assert_api_error(&e, &format!("{list} with a q of 10,000 characters"), &r, 400, Some("q"));
            let ok = s.get(&format!("{list}?q={}", "张".repeat(100))).await;
            assert_eq!(ok.status, StatusCode::OK, "[{e}] {list}: a q of 100 characters is searched");
        }
        let page = s.get(&format!("/org?q={long_q}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "[{e}] the page refuses it too");
    }
}

fn year() -> i64 {
    i64::from(qingfeng_store::fulfilment::today().year())
}

/// The person's items filed under `level` (responsibility-items?level=).
async fn items_at(s: &crate::support::Server, person: i64, level: &str) -> usize {
    let r = s
        .get(&format!("/api/v1/responsibility-items?year={}&person={person}&level={level}&per_page=200", year()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "[{}] {}", s.engine, r.text());
    r.json()["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn the_level_filter_follows_a_change_of_post() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let r = s
            .post_json(
                "/api/v1/people",
                &json!({"name": "孙亮", "gender": "男", "unit_id": org.unit("ZHK"), "title": "一级科员", "rank": "county",
                        "political_status": "中共党员", "roles": ["cadre"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let sun = r.json()["id"].as_i64().unwrap();
        let staff = items_at(&s, sun, "staff").await;
        assert!(staff > 0, "[{e}] a cadre's items are filed as staff");
        assert_eq!(items_at(&s, sun, "middle").await, 0, "[{e}] and not as middle");

        let r = s.patch_json(&format!("/api/v1/people/{sun}"), &json!({"title": "综合科科长"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert!(items_at(&s, sun, "middle").await > 0, "[{e}] a 科长's items are filed as middle");
        assert_eq!(items_at(&s, sun, "staff").await, 0, "[{e}] and no longer as staff");
        assert_eq!(items_at(&s, sun, "leadership").await, 0, "[{e}] nor as leadership");
    }
}

/// The ids of a list read page by page, by offset (`page`) or by keyset (`after`).
async fn walk(s: &crate::support::Server, list: &str, by_keyset: bool) -> Vec<i64> {
    let mut ids = Vec::new();
    let (mut page, mut after) = (1, None::<i64>);
    loop {
        let mut url = format!("{list}?per_page=2&page={page}");
        if let (true, Some(a)) = (by_keyset, after) {
            url = format!("{url}&after={a}");
        }
        let r = s.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {url}: {}", s.engine, r.text());
        let body = r.json();
        let items = body["items"].as_array().unwrap();
        if items.is_empty() {
            return ids;
        }
        ids.extend(items.iter().map(|i| i["id"].as_i64().unwrap()));
        after = body["next_after"].as_i64();
        assert!(ids.len() < 2000, "[{}] {list}: the walk ends", s.engine);
        page += 1;
    }
}

/// Adds a 科员 named `name` to `unit` through the API; answers their id.
async fn add_person(s: &crate::support::Server, name: &str, unit: i64) -> i64 {
    let added = s
        .post_json(
            "/api/v1/people",
            &json!({"name": name, "gender": "男", "unit_id": unit, "title": "科员",
                    "rank": "below_section", "political_status": "群众", "roles": ["staff"]}),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "[{}] {name}: {}", s.engine, added.text());
    added.json()["id"].as_i64().expect("a person's id")
}

/// The ids of a list read page by page from its last page back to its first: by offset, or by
/// keyset (`before`, the `prev_before` of the page after) from the last page on.
async fn walk_back(s: &crate::support::Server, list: &str, total: i64, by_keyset: bool) -> Vec<i64> {
    let (mut pages, mut before) = (Vec::new(), None::<i64>);
    for page in (1..=(total + 1) / 2).rev() {
        let mut url = format!("{list}?per_page=2&page={page}");
        if let (true, Some(b)) = (by_keyset, before) {
            url = format!("{url}&before={b}");
        }
        let r = s.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {url}: {}", s.engine, r.text());
        let body = r.json();
        pages.push(body["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect::<Vec<_>>());
        before = body["prev_before"].as_i64();
        if by_keyset && page > 1 {
            assert!(before.is_some(), "[{}] {url}: a page past the first names its first row", s.engine);
        }
    }
    pages.into_iter().rev().flatten().collect()
}

#[tokio::test]
async fn keyset_pages_are_the_offset_pages() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        for list in LISTS {
            let total = s.get(&format!("{list}?per_page=1")).await.json()["total"].as_i64().unwrap();
            let by_offset = walk(&s, list, false).await;
            assert_eq!(by_offset.len() as i64, total, "[{e}] {list}: the pages hold every row");
            assert_eq!(walk(&s, list, true).await, by_offset, "[{e}] {list}: after= reads the same rows in order");
            // the first walk left where each page starts: read again forwards and backwards from there
            assert_eq!(walk(&s, list, false).await, by_offset, "[{e}] {list}: offset pages read again");
            assert_eq!(
                walk_back(&s, list, total, false).await,
                by_offset,
                "[{e}] {list}: offset pages from the last back"
            );
            // the lists read by keyset name the first page's last row; those must read backwards by `before`
            let keyset = s.get(&format!("{list}?per_page=1")).await.json()["next_after"].is_i64();
            assert_eq!(
                walk_back(&s, list, total, keyset).await,
                by_offset,
                "[{e}] {list}: before= reads them backwards"
            );
        }
        // a person added to the first unit moves every later row one place: no page may start
        // where it started before the write
        let people = walk(&s, "/api/v1/people", false).await;
        add_person(&s, "钱七", org.unit("XWB")).await;
        // backwards first: a forward walk would find each page's start again before using it
        let after_write = walk_back(&s, "/api/v1/people", people.len() as i64 + 1, false).await;
        assert_eq!(walk(&s, "/api/v1/people", true).await, after_write, "[{e}] offset pages after a write");
        assert_eq!(after_write.len(), people.len() + 1, "[{e}] the added person is listed once");
        let first = s.get("/api/v1/people?per_page=2").await.json();
        let last = first["next_after"].as_i64().expect("a page that may have more rows names its last id");
        assert_eq!(first["items"][1]["id"].as_i64(), Some(last), "[{e}] next_after is the page's last id");
        assert!(first.get("prev_before").is_none(), "[{e}] the first page has nothing before it");
        let second = s.get("/api/v1/people?per_page=2&page=2").await.json();
        let head = second["prev_before"].as_i64().expect("a page past the first names its first id");
        assert_eq!(second["items"][0]["id"].as_i64(), Some(head), "[{e}] prev_before is the page's first id");
        let html = s.get("/org/people?per_page=2&page=2").await.text();
        assert!(html.contains(&format!("&amp;before={head}")), "[{e}] 上一页 reads back by keyset: {html}");
    }
}

/// The names `q` finds among the people.
async fn found(s: &crate::support::Server, q: &str) -> Vec<String> {
    let r = s.get(&format!("/api/v1/people?per_page=200&q={q}")).await;
    assert_eq!(r.status, StatusCode::OK, "[{}] q={q}: {}", s.engine, r.text());
    r.json()["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn people_are_found_by_any_part_of_name_post_or_unit() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let r = s
            .post_json(
                "/api/v1/people",
                &json!({"name": "欧阳明月", "gender": "女", "unit_id": org.unit("DCS"), "title": "二级主任科员",
                        "rank": "county", "political_status": "中共党员", "roles": ["cadre"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "[{e}] {}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        for q in ["欧", "阳明", "欧阳明月", "主任科", "月"] {
            assert!(found(&s, q).await.contains(&"欧阳明月".to_string()), "[{e}] q={q} finds her");
        }
        for q in ["明阳", "欧阳明月月", "科主"] {
            assert!(!found(&s, q).await.contains(&"欧阳明月".to_string()), "[{e}] q={q} does not");
        }
        let unit_name =
            s.get(&format!("/api/v1/units/{}", org.unit("DCS"))).await.json()["name"].as_str().unwrap().to_string();
        let part: String = unit_name.chars().take(2).collect();
        assert!(found(&s, &part).await.contains(&"欧阳明月".to_string()), "[{e}] q={part} finds the unit's people");

        let r = s.patch_json(&format!("/api/v1/people/{id}"), &json!({"name": "欧阳晓", "title": "科员"})).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert!(found(&s, "明月").await.is_empty(), "[{e}] the old name is no longer found");
        assert!(!found(&s, "主任科").await.contains(&"欧阳晓".to_string()), "[{e}] nor the old post");
        assert_eq!(found(&s, "晓").await, ["欧阳晓"], "[{e}] the new name is");
    }
}

#[tokio::test]
async fn after_or_before_a_row_outside_the_scope_reads_nothing() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let first = s.get("/api/v1/people?per_page=50").await.json();
        let hidden = first["items"][0]["id"].as_i64().unwrap();
        assert_ne!(hidden, org.person("赵强"), "[{e}] the first person is someone else");
        // a 一般干部 sees only themselves: a row they cannot see names no place to start from
        let own = crate::support::user(&s, "zhao", Some(org.person("赵强")), &["member"]).await;
        let r = own.get(&s, &format!("/api/v1/people?per_page=50&after={hidden}")).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["items"], json!([]), "[{e}] after= a hidden row reads nothing");
        let all = s.get(&format!("/api/v1/people?per_page=50&after={hidden}")).await;
        assert!(!all.json()["items"].as_array().unwrap().is_empty(), "[{e}] the administrator reads on from it");
        // nor, backwards, a place to end at
        // someone after 赵强 in the list's order (his unit, a later id), whom he cannot see
        let last = add_person(&s, "孙八", org.unit("DCS")).await;
        let r = own.get(&s, &format!("/api/v1/people?per_page=50&page=2&before={last}")).await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        assert_eq!(r.json()["items"], json!([]), "[{e}] before= a hidden row reads nothing");
        let all = s.get(&format!("/api/v1/people?per_page=50&page=2&before={last}")).await;
        assert!(!all.json()["items"].as_array().unwrap().is_empty(), "[{e}] the administrator reads back from it");
    }
}
