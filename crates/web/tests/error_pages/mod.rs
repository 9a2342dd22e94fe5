//! Error pages: a page refused by the guard is an HTML page in the layout naming the page, an
//! unknown URL a real 404 (HTML, JSON under /api/), and a missing or expired session sends the
//! browser to the login page and back (local paths only).

use reqwest::StatusCode;

use crate::support::{seed_org, servers, user, CHANGED};

#[tokio::test]
async fn refused_page_is_html_in_the_layout_and_api_stays_json() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let member = user(&s, "err_member", Some(org.person("周伟")), &["member"]).await;

        let r = member.get(&s, "/campaigns").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] member opens 专项整治");
        assert!(r.header("content-type").unwrap_or_default().starts_with("text/html"), "[{e}] HTML, not JSON");
        let html = r.text();
        assert!(html.contains("您没有查看专项整治的权限，如需开通请联系管理员"), "[{e}] names the page: {html}");
        assert!(html.contains("class=\"sidebar\""), "[{e}] drawn inside the layout with the side menu");
        assert!(!html.contains("campaign:read"), "[{e}] no permission key shown to the reader");

        // a refused form names what it does
        let r = member.form(&s, "/campaigns", &[("name", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] member deploys a campaign");
        assert!(r.text().contains("您没有部署专项整治的权限"), "[{e}] refused form: {}", r.text());

        // the API keeps JSON
        let r = member.get(&s, "/api/v1/campaigns").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{e}] API refused");
        assert_eq!(r.json()["error"]["code"], "forbidden", "[{e}] API answers JSON");
        s.finish().await;
    }
}

#[tokio::test]
async fn unknown_urls_are_404_pages_or_json() {
    for s in servers().await {
        let e = s.engine.clone();
        let r = s.get("/no-such-page").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] unknown page");
        let html = r.text();
        assert!(html.contains("找不到页面") && html.contains("/no-such-page"), "[{e}] 404 page: {html}");
        assert!(html.contains("class=\"sidebar\""), "[{e}] signed in: inside the layout");

        let r = s.send(s.anon.get(s.url("/no-such-page"))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] unknown page, anonymous");
        assert!(r.text().contains("找不到页面"), "[{e}] anonymous 404 page");
        assert!(!r.text().contains("class=\"sidebar\""), "[{e}] anonymous: no menu");

        let r = s.get("/api/v1/no-such-thing").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{e}] unknown API path");
        assert_eq!(r.json()["error"]["code"], "not_found", "[{e}] JSON under /api/");
        s.finish().await;
    }
}

#[tokio::test]
async fn sign_in_returns_to_the_page_and_never_elsewhere() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        let _ = user(&s, "err_back", Some(org.person("周伟")), &["member"]).await;

        // no session, and an expired (unknown) one: to the login page with ?next=
        for cookie in [None, Some("qf_session=expired-or-forged")] {
            let mut req = s.anon.get(s.url("/ledger?year=2026"));
            if let Some(c) = cookie {
                req = req.header("Cookie", c);
            }
            let r = s.send(req).await;
            assert!(r.status.is_redirection(), "[{e}] {cookie:?}: {}", r.status);
            assert_eq!(
                r.header("location").as_deref(),
                Some("/login?next=%2Fledger%3Fyear%3D2026"),
                "[{e}] {cookie:?}"
            );
        }
        // an htmx fragment sends the browser back to the page it shows
        let r = s
            .send(
                s.anon
                    .get(s.url("/notifications/badge"))
                    .header("HX-Request", "true")
                    .header("HX-Current-URL", s.url("/findings?state=open")),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{e}] htmx");
        assert_eq!(r.header("hx-redirect").as_deref(), Some("/login?next=%2Ffindings%3Fstate%3Dopen"), "[{e}] htmx");

        // the login page carries next and signing in goes there
        let page = s.send(s.anon.get(s.url("/login?next=%2Fledger%3Fyear%3D2026"))).await;
        assert!(
            page.text().contains("name=\"next\" value=\"/ledger?year=2026\""),
            "[{e}] hidden next: {}",
            page.text()
        );
        let sign_in = |next: &'static str| {
            let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none());
            let client = client.build().unwrap();
            let req = client.post(s.url("/login")).header("Origin", s.base.clone()).form(&[
                ("username", "err_back"),
                ("password", CHANGED),
                ("next", next),
            ]);
            s.send(req)
        };
        let r = sign_in("/ledger?year=2026").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] signed in: {}", r.text());
        assert_eq!(r.header("location").as_deref(), Some("/ledger?year=2026"), "[{e}] back to the page");
        for evil in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"] {
            let r = sign_in(evil).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "[{e}] signed in ({evil})");
            assert_eq!(r.header("location").as_deref(), Some("/"), "[{e}] no open redirect to {evil}");
        }
        // signed in already: /login?next= goes on to the page, a foreign next to the start page
        let r = s.get("/login?next=%2Fledger").await;
        assert_eq!(r.header("location").as_deref(), Some("/ledger"), "[{e}] signed in, local next");
        let r = s.get("/login?next=%2F%2Fevil.example").await;
        assert_eq!(r.header("location").as_deref(), Some("/"), "[{e}] signed in, foreign next");
        s.finish().await;
    }
}
