//! `GET /metrics`: Prometheus text for an account with `metrics:read` (the administrator, or a
//! scraper's API token), refused to anyone else; requests counted by route template and status.

use reqwest::StatusCode;

use crate::support::{seed_org, servers, user};

#[tokio::test]
async fn metrics_count_requests_by_route_for_those_allowed() {
    for s in servers().await {
        let e = s.engine.clone();
        let org = seed_org(&s).await;
        assert_eq!(s.get(&format!("/api/v1/units/{}", org.unit("ZHK"))).await.status, StatusCode::OK);
        assert_eq!(s.get("/api/v1/units/999999").await.status, StatusCode::NOT_FOUND);
        let r = s.get("/metrics").await;
        assert_eq!(r.status, StatusCode::OK, "[{e}] {}", r.text());
        let text = r.text();
        for expected in [
            r#"qingfeng_http_requests_total{method="GET",route="/api/v1/units/{id}",status="200"} 1"#,
            r#"qingfeng_http_requests_total{method="GET",route="/api/v1/units/{id}",status="404"} 1"#,
            r#"qingfeng_http_request_duration_seconds_count{method="GET",route="/api/v1/units/{id}"} 2"#,
            "qingfeng_outbound_waiting ",
            "qingfeng_db_pool_connections ",
            "# TYPE qingfeng_job_passes counter",
            "# EOF",
        ] {
            assert!(text.contains(expected), "[{e}] {expected} missing in:\n{text}");
        }
        assert!(
            r.headers.get("content-type").unwrap().to_str().unwrap().starts_with("application/openmetrics-text"),
            "[{e}]"
        );
        let member = user(&s, "member", Some(org.person("赵强")), &["member"]).await;
        assert_eq!(member.get(&s, "/metrics").await.status, StatusCode::FORBIDDEN, "[{e}] a cadre");
    }
}
