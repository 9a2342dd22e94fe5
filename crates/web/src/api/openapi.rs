//! `GET /api/openapi.json`, generated from the route table so it cannot drift from the router.

use axum::Json;
use serde_json::{json, Map, Value};

use crate::auth::Access;
use crate::routes::specs;

pub async fn document() -> Json<Value> {
    Json(build())
}

pub fn build() -> Value {
    let mut paths = Map::new();
    for r in specs().into_iter().filter(|r| r.path.starts_with("/api/") || r.path == "/healthz") {
        let path = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer"}}))
            .collect();
        let mut op = json!({
            "summary": r.summary,
            "parameters": params,
            "responses": {
                "200": {"description": "成功"},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "422": {"$ref": "#/components/responses/Error"},
            },
        });
        match r.access {
            Access::Public => op["security"] = json!([]),
            Access::SignedIn => {}
            Access::Permission(p) => op["x-permission"] = json!(p),
        }
        if r.method == axum::http::Method::GET
            && !r.path.contains('{')
            && !r.path.ends_with(".xlsx")
            && r.path.starts_with("/api/v1/")
        {
            op["parameters"] = json!([
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                {"name": "q", "in": "query", "schema": {"type": "string"}},
            ]);
        }
        path[r.method.as_str().to_lowercase()] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "清风 qingfeng API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "党风廉政建设主体责任管理系统。列表返回 {items,total,page,per_page}；错误返回 {error:{code,message,field}}。"},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
            "responses": {
                "Error": {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string", "nullable": true}}}}},
            },
        },
        "security": [{"session": []}, {"bearer": []}],
        "paths": paths,
    })
}
