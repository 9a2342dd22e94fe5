//! `GET /api/openapi.json`, generated once at start-up from the route table, so it cannot drift
//! from the router: each operation's permission, path and query parameters, request body (a
//! `$ref` into `components.schemas`, derived with `utoipa::ToSchema`) and response codes.
//! The success bodies of the main records (units, tasks, findings, campaigns, ledger entries)
//! are described too; the other answers only by their status codes.

use std::sync::Arc;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Map, Value};

use crate::auth::Access;
use crate::http::routing::{Answer, Body, Schemas};
use crate::http::RouteSpec;

/// The document, serialized once when the router is built.
#[derive(Clone)]
pub struct Document(pub Arc<Vec<u8>>);

impl Document {
    pub fn new(specs: &[RouteSpec]) -> Self {
        Document(Arc::new(serde_json::to_vec(&build(specs)).expect("a JSON value serializes")))
    }
}

/// `GET /api/openapi.json`
pub async fn document(Extension(doc): Extension<Document>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], doc.0.as_ref().clone()).into_response()
}

/// Every status an operation of this method may answer. Errors share one body
/// (`{"error": {code, message, field}}`): 400 malformed request or path id, 401 not signed in,
/// 403 no permission or beyond the data scope, 404 absent or outside the scope, 409 a step
/// the record's state refuses (a submitted ledger entry, a superseded version, a finding
/// already fed back), 422 invalid fields, 503 the database busy with other writers (retry),
/// 500 an internal error. A POST answers 201 when it creates a record, 200 otherwise.
fn responses(method: &axum::http::Method) -> Value {
    let error = json!({"$ref": "#/components/responses/Error"});
    let mut out = Map::new();
    out.insert("200".into(), json!({"description": "成功"}));
    if method == axum::http::Method::POST {
        out.insert("201".into(), json!({"description": "已创建"}));
    }
    let mut codes = vec!["400", "401", "403", "404", "422", "500", "503"];
    if method != axum::http::Method::GET {
        codes.push("409");
    }
    for code in codes {
        out.insert(code.into(), error.clone());
    }
    Value::Object(out)
}

/// The schema of a query parameter, by its name: ids, years and paging are integers, the flags
/// booleans, `from`/`to` dates, everything else (dictionary keys, the search text) a string.
fn query_schema(name: &str) -> Value {
    match name {
        "page" => json!({"type": "integer", "minimum": 1}),
        "per_page" => json!({"type": "integer", "minimum": 1, "maximum": 200}),
        "after" => {
            json!({"type": "integer", "description": "上一页返回的 next_after：按键集读取下一页（页码仅用于显示）"})
        }
        "before" => {
            json!({"type": "integer", "description": "下一页返回的 prev_before：按键集读取上一页（页码仅用于显示）"})
        }
        "include_sub" | "supervised" | "unread" | "overdue" | "open" | "recurrence" | "include_inactive" | "commit" => {
            json!({"type": "boolean"})
        }
        "from" | "to" => json!({"type": "string", "format": "date"}),
        n if n == "unit" || n == "year" || n.ends_with("_id") || ID_PARAMS.contains(&n) => {
            json!({"type": "integer"})
        }
        _ => json!({"type": "string"}),
    }
}

/// Query parameters that name a record by its id.
const ID_PARAMS: &[&str] = &["plan", "task", "person", "item", "campaign", "finding"];

/// The success body of a route; adds the schemas it refers to.
fn answer_schema(answer: Answer, schemas: &mut Schemas) -> Value {
    let of = |name: String| json!({"$ref": format!("#/components/schemas/{name}")});
    match answer {
        Answer::One(t) => of(t(schemas)),
        Answer::Page(t) => json!({"type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
            "items": {"type": "array", "items": of(t(schemas))},
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "next_after": {"type": "integer", "description": "按键集分页的列表：本页最后一条的 id，作为 after 读取下一页"},
            "prev_before": {"type": "integer", "description": "按键集分页的列表（非第一页）：本页第一条的 id，作为 before 读取上一页"}}}),
    }
}

/// The `requestBody` of a route; adds the schemas it refers to.
fn request_body(body: Body, schemas: &mut Schemas) -> Value {
    let json_body = |name: String, description: &str| {
        json!({"required": true, "description": description,
               "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}})
    };
    match body {
        Body::Json(of) => json_body(of(schemas), "JSON 对象"),
        Body::Patch(of) => json_body(of(schemas), "JSON merge patch：只写要修改的字段"),
        Body::Upload => json!({"required": true, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}}}}}}),
    }
}

pub fn build(specs: &[RouteSpec]) -> Value {
    let mut paths = Map::new();
    let mut schemas: Schemas = Vec::new();
    for r in specs.iter().filter(|r| r.path.starts_with("/api/") || r.path == "/healthz") {
        let path = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        let mut params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer"}}))
            .collect();
        params.extend(r.query.iter().map(|name| json!({"name": name, "in": "query", "schema": query_schema(name)})));
        let mut op = json!({
            "summary": r.summary,
            "parameters": params,
            "responses": responses(&r.method),
        });
        match r.access {
            Access::Public => op["security"] = json!([]),
            Access::SignedIn => {}
            Access::Permission(p) => op["x-permission"] = json!(p),
        }
        if let Some(body) = r.body {
            op["requestBody"] = request_body(body, &mut schemas);
        }
        if let Some(answer) = r.answer {
            let content = json!({"application/json": {"schema": answer_schema(answer, &mut schemas)}});
            for code in ["200", "201"] {
                if let Some(ok) = op["responses"].get_mut(code) {
                    ok["content"] = content.clone();
                }
            }
        }
        path[r.method.as_str().to_lowercase()] = op;
    }
    let mut components = Map::new();
    components.insert(
        "Error".into(),
        json!({"type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": ["string", "null"]}}}}}),
    );
    for (name, schema) in schemas {
        components.insert(name, serde_json::to_value(schema).expect("a schema serializes"));
    }
    json!({
        "openapi": "3.1.0",
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
            "schemas": components,
        },
        "security": [{"session": []}, {"bearer": []}],
        "paths": paths,
    })
}
