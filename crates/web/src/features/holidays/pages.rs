//! 节假日安排 page: a year's days with the form to enter more, removal, and the import.

use askama::Template;
use chrono::Datelike;
use qingfeng_domain::calendar::{DayKind, HolidayFields, SOURCE};
use qingfeng_domain::FieldErrors;
use qingfeng_store::holidays::{self as store, Holiday};

use super::service;
use crate::auth::{Ctx, Principal};
use crate::http::{form_errors, render, see_other, FormPairs, Nav, Opt, PagePath, PageResult, Params};
use crate::AppState;

#[derive(Template)]
#[template(path = "holidays/page.html")]
struct HolidayPage {
    nav: Nav,
    year: i32,
    years: Vec<(i32, bool)>,
    rows: Vec<Holiday>,
    holidays: usize,
    workdays: usize,
    f: HolidayFields,
    kinds: Vec<Opt>,
    errors: FieldErrors,
    saved: Option<String>,
    source: &'static str,
}

async fn show(
    state: &AppState,
    p: &Principal,
    year: i32,
    f: HolidayFields,
    errors: FieldErrors,
    saved: Option<String>,
) -> PageResult {
    let rows = store::list(&state.db, Some(year)).await?;
    let mut years = store::years(&state.db).await?;
    for y in [year - 1, year, year + 1] {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable();
    let chosen = DayKind::parse(&f.kind);
    render(&HolidayPage {
        nav: Nav::new(p, "holidays"),
        year,
        years: years.into_iter().map(|y| (y, y == year)).collect(),
        holidays: rows.iter().filter(|h| h.kind == DayKind::Holiday.key()).count(),
        workdays: rows.iter().filter(|h| h.kind == DayKind::Workday.key()).count(),
        rows,
        kinds: DayKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), chosen == Some(*k))).collect(),
        f,
        errors,
        saved,
        source: SOURCE,
    })
}

pub async fn page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let year = service::year_of(&params)?;
    let saved = params.str("saved");
    show(&state, &p, year, HolidayFields::default(), FieldErrors::default(), saved).await
}

pub async fn add(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f =
        HolidayFields { from: form.get("from"), to: form.get("to"), kind: form.get("kind"), name: form.get("name") };
    match service::add(&state, &p, &f).await {
        Ok(s) => {
            let year = s.days.first().map_or(2026, |d| d.day.year());
            let note = format!("已保存：新增 {} 天，修改 {} 天", s.created, s.updated);
            Ok(see_other(format!("/system/holidays?year={year}&saved={}", crate::http::percent_encode(&note))))
        }
        Err(e) => {
            let year = form.get("year").parse().unwrap_or_else(|_| qingfeng_domain::time::office_today().year());
            show(&state, &p, year, f, form_errors(e, "from")?, None).await
        }
    }
}

pub async fn remove(Ctx { state, p }: Ctx, PagePath(day): PagePath<String>) -> PageResult {
    let day = service::remove(&state, &p, &day).await?;
    let note = format!("已删除 {day} 的安排");
    Ok(see_other(format!("/system/holidays?year={}&saved={}", day.year(), crate::http::percent_encode(&note))))
}
