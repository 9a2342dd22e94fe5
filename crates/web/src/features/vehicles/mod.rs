//! 公务用车: vehicles with their designated parking place, trips (派车单) checked against
//! R-CAR-1…4 on every save and as a dry run, the flagged trips the 纪检组 reviews and turns
//! into findings, the 派车单 import and the monthly 公务用车使用登记表.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::vehicles::{TripFields, VehicleFields};
use qingfeng_store::vehicles::{Trip, Vehicle};

use crate::features::findings::checked_api;
use crate::features::findings::from_checks::{CheckAnswer, ConvertFields, Converted};
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    let book = book
        .add(M::GET, "/api/v1/vehicles", P::VehicleRead, "公务用车列表", api::list)
        .returns_page::<Vehicle>()
        .query(service::VEHICLE_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/vehicles", P::VehicleWrite, "登记公务用车", api::create)
        .body::<VehicleFields>()
        .returns::<Vehicle>()
        .add(M::GET, "/api/v1/vehicles/{id}", P::VehicleRead, "公务用车详情", api::get)
        .returns::<Vehicle>()
        .add(M::PATCH, "/api/v1/vehicles/{id}", P::VehicleWrite, "修改公务用车", api::update)
        .patch::<VehicleFields>()
        .returns::<Vehicle>()
        .add(M::GET, "/api/v1/vehicle-trips", P::VehicleRead, "出车记录列表", api::trips)
        .returns_page::<Trip>()
        .query(service::TRIP_FILTERS)
        .paged()
        .add(
            M::POST,
            "/api/v1/vehicle-trips",
            P::VehicleWrite,
            "出车登记（检查未通过的也保存并标记）",
            checked_api::create::<service::Trips>,
        )
        .body::<TripFields>()
        .returns::<Trip>()
        .add(
            M::POST,
            "/api/v1/vehicle-trips/check",
            P::VehicleWrite,
            "检查出车记录（不保存）",
            checked_api::check::<service::Trips>,
        )
        .body::<TripFields>()
        .returns::<CheckAnswer>()
        .add(M::GET, "/api/v1/vehicle-trips/export.xlsx", P::VehicleRead, "导出公务用车使用登记表", api::export)
        .query(service::TRIP_FILTERS)
        .sheet::<sheets::TripSheet>(P::VehicleWrite, "/api/v1/vehicle-trips", "/vehicles/trips/import")
        .add(
            M::GET,
            "/api/v1/vehicle-trips/{id}",
            P::VehicleRead,
            "出车记录详情（含检查结果）",
            checked_api::get::<service::Trips>,
        )
        .returns::<Trip>()
        .add(
            M::PATCH,
            "/api/v1/vehicle-trips/{id}",
            P::VehicleWrite,
            "修改出车记录",
            checked_api::update::<service::Trips>,
        )
        .patch::<TripFields>()
        .returns::<Trip>()
        .add(
            M::POST,
            "/api/v1/vehicle-trips/{id}/findings",
            P::VehicleConvert,
            "将出车记录未通过的检查转为问题（纪检监察组）",
            checked_api::convert::<service::Trips>,
        )
        .body::<ConvertFields>()
        .returns::<Converted>();
    book.add(M::GET, "/vehicles", P::VehicleRead, "公务用车页", pages::list)
        .add(M::POST, "/vehicles", P::VehicleWrite, "登记公务用车", pages::create)
        .add(M::GET, "/vehicles/{id}/edit", P::VehicleWrite, "修改公务用车表单", pages::edit_form)
        .add(M::POST, "/vehicles/{id}/edit", P::VehicleWrite, "保存公务用车", pages::edit)
        .add(M::GET, "/vehicles/trips", P::VehicleRead, "出车记录页（按车辆、按月，含待核实）", pages::trips)
        .add(M::GET, "/vehicles/trips/new", P::VehicleWrite, "出车登记表单", pages::new_trip_form)
        .add(M::POST, "/vehicles/trips/new", P::VehicleWrite, "出车登记", pages::create_trip)
        .add(M::POST, "/vehicles/trips/check", P::VehicleWrite, "边录入边检查（表单片段）", pages::check)
        .add(M::GET, "/vehicles/trips/{id}", P::VehicleRead, "出车记录详情页", pages::trip)
        .add(M::GET, "/vehicles/trips/{id}/edit", P::VehicleWrite, "修改出车记录表单", pages::edit_trip_form)
        .add(M::POST, "/vehicles/trips/{id}/edit", P::VehicleWrite, "保存出车记录", pages::edit_trip)
        .add(M::POST, "/vehicles/trips/{id}/convert", P::VehicleConvert, "转为问题", pages::convert)
}
