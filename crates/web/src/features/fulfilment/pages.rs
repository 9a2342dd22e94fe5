//! 落实情况: the pressure-transmission dashboard. The same figures are printed in tables (every
//! number drills down) and drawn by ECharts from `/api/v1/fulfilment` (assets/app.js).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use serde_json::Value;

use super::service::report;
use crate::auth::Principal;
use crate::http::Params;
use crate::http::{render, Nav, PageResult};
use crate::AppState;

pub struct Flag {
    pub item_id: i64,
    pub owner: String,
    pub text: String,
    pub done: i64,
    pub required: i64,
    pub due: String,
}

#[derive(Template)]
#[template(path = "fulfilment/dashboard.html")]
struct Dashboard {
    nav: Nav,
    year: i64,
    years: Vec<i64>,
    as_of: String,
    lead_days: u64,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    unit_q: String,
    up_link: Option<String>,
    api: String,
    total_rate: String,
    total_items: u64,
    red_total: i64,
    yellow_total: i64,
    /// (from, to, amount, what it is, flagged)
    pressure: Vec<(String, String, String, &'static str, bool)>,
    /// (id, name, items, rate, overdue, due_soon)
    units: Vec<(i64, String, u64, String, u64, u64)>,
    /// (key, label, items, rate, overdue, due_soon)
    levels: Vec<(String, String, u64, String, u64, u64)>,
    red: Vec<Flag>,
    yellow: Vec<Flag>,
}

/// How the fulfilment rate changes from one level to the next, in words: a drop (落差), a
/// rise (the lower level does better), or no change.
fn describe_drop(points: f64) -> (String, &'static str) {
    if points >= 0.05 {
        (format!("{points:.1} 个百分点"), "落实率落差")
    } else if points <= -0.05 {
        (format!("{:.1} 个百分点", -points), "落实率不降反升")
    } else {
        ("0 个百分点".to_string(), "落实率持平")
    }
}

fn rate(t: &Value) -> String {
    t["rate"].as_f64().map(|r| format!("{r:.1}%")).unwrap_or_else(|| "—".into())
}

fn flags(v: &Value) -> Vec<Flag> {
    v["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| Flag {
                    item_id: f["item_id"].as_i64().unwrap_or(0),
                    owner: f["person_name"]
                        .as_str()
                        .map(|p| format!("{}（{}）", p, f["unit_name"].as_str().unwrap_or("")))
                        .unwrap_or_else(|| f["unit_name"].as_str().unwrap_or("").to_string()),
                    text: f["text"].as_str().unwrap_or("").to_string(),
                    done: f["done"].as_i64().unwrap_or(0),
                    required: f["required"].as_i64().unwrap_or(0),
                    due: f["next_due"].as_str().unwrap_or("").to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

pub async fn page(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    // a scope of one's own records only (仅本人) holds no unit to roll up: one's own items,
    // with their states, are the dashboard
    if let Some(me) = p.scope.person_id.filter(|_| p.scope.is_self_only()) {
        let year = params.int("year")?.map(|y| format!("year={y}&")).unwrap_or_default();
        return Ok(Redirect::to(&format!("/responsibility/items?{year}person={me}")).into_response());
    }
    let r = report(&state, &p, &params).await?;
    let year = r["year"].as_i64().unwrap_or(2026);
    let unit_id = r["unit"]["id"].as_i64();
    let unit_q = unit_id.map(|u| format!("&unit={u}")).unwrap_or_default();
    let tally = |t: &Value| {
        (
            t["items"].as_u64().unwrap_or(0),
            rate(t),
            t["overdue"].as_u64().unwrap_or(0),
            t["due_soon"].as_u64().unwrap_or(0),
        )
    };
    let units = r["by_unit"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| {
                    let (items, rt, red, yellow) = tally(&u["tally"]);
                    (
                        u["unit_id"].as_i64().unwrap_or(0),
                        u["unit_name"].as_str().unwrap_or("").to_string(),
                        items,
                        rt,
                        red,
                        yellow,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let levels = r["by_level"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|l| {
                    let (items, rt, red, yellow) = tally(&l["tally"]);
                    (
                        l["level"].as_str().unwrap_or("").to_string(),
                        l["label"].as_str().unwrap_or("").to_string(),
                        items,
                        rt,
                        red,
                        yellow,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let pressure = r["pressure"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    let (amount, what) = describe_drop(d["drop_points"].as_f64().unwrap_or(0.0));
                    (
                        d["from"].as_str().unwrap_or("").to_string(),
                        d["to"].as_str().unwrap_or("").to_string(),
                        amount,
                        what,
                        d["flagged"].as_bool().unwrap_or(false),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let up_link = unit_id.map(|_| match r["unit"]["parent_id"].as_i64() {
        Some(pid) => format!("/dashboard?year={year}&unit={pid}"),
        None => format!("/dashboard?year={year}"),
    });
    let this = qingfeng_store::fulfilment::this_year();
    render(&Dashboard {
        nav: Nav::new(&p, "dashboard"),
        year,
        years: (this - 3..=this).rev().collect(),
        as_of: r["as_of"].as_str().unwrap_or("").to_string(),
        lead_days: r["lead_days"].as_u64().unwrap_or(5),
        unit_name: r["unit"]["name"].as_str().map(str::to_string),
        api: format!("/api/v1/fulfilment?year={year}{unit_q}"),
        unit_q,
        unit_id,
        up_link,
        total_rate: rate(&r["total"]),
        total_items: r["total"]["items"].as_u64().unwrap_or(0),
        red_total: r["red"]["total"].as_i64().unwrap_or(0),
        yellow_total: r["yellow"]["total"].as_i64().unwrap_or(0),
        pressure,
        units,
        levels,
        red: flags(&r["red"]),
        yellow: flags(&r["yellow"]),
    })
}

#[cfg(test)]
mod tests {
    use super::describe_drop;

    #[test]
    fn drops_rises_and_no_change_read_as_such() {
        assert_eq!(describe_drop(16.23), ("16.2 个百分点".to_string(), "落实率落差"));
        assert_eq!(describe_drop(-1.0), ("1.0 个百分点".to_string(), "落实率不降反升"));
        assert_eq!(describe_drop(0.0), ("0 个百分点".to_string(), "落实率持平"));
        assert_eq!(describe_drop(-0.01), ("0 个百分点".to_string(), "落实率持平"));
    }
}
