//! Organisation: units and people, their pages, API and Excel import/export.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/units", P::UnitRead, "单位列表", api::list_units)
        .returns_page::<qingfeng_store::org::Unit>()
        .query(&["q", "kind", "parent_id"])
        .paged()
        .add(M::POST, "/api/v1/units", P::UnitWrite, "新增单位", api::create_unit)
        .returns::<qingfeng_store::org::Unit>()
        .body::<qingfeng_domain::org::UnitFields>()
        .add(M::GET, "/api/v1/units/import-template.xlsx", P::UnitImport, "单位导入模板", api::units_template)
        .add(M::POST, "/api/v1/units/import", P::UnitImport, "导入单位", api::import_units)
        .imports_sheet()
        .add(M::GET, "/api/v1/units/export.xlsx", P::UnitExport, "导出单位", api::export_units)
        .add(M::GET, "/api/v1/units/{id}", P::UnitRead, "单位详情", api::get_unit)
        .returns::<qingfeng_store::org::Unit>()
        .add(M::PATCH, "/api/v1/units/{id}", P::UnitWrite, "修改单位", api::update_unit)
        .returns::<qingfeng_store::org::Unit>()
        .patch::<qingfeng_domain::org::UnitFields>()
        .add(M::GET, "/api/v1/people", P::PersonRead, "人员列表", api::list_people)
        .returns_page::<qingfeng_store::org::Person>()
        .query(service::PERSON_FILTERS)
        .seek_paged()
        .add(M::POST, "/api/v1/people", P::PersonWrite, "新增人员", api::create_person)
        .returns::<service::PersonView>()
        .body::<qingfeng_domain::org::PersonFields>()
        .add(M::GET, "/api/v1/people/import-template.xlsx", P::PersonImport, "人员导入模板", api::people_template)
        .add(M::POST, "/api/v1/people/import", P::PersonImport, "导入人员", api::import_people)
        .imports_sheet()
        .add(M::GET, "/api/v1/people/export.xlsx", P::PersonExport, "导出人员", api::export_people)
        .query(service::PERSON_FILTERS)
        .add(M::GET, "/api/v1/people/{id}", P::PersonRead, "人员详情", api::get_person)
        .returns::<service::PersonView>()
        .add(M::PATCH, "/api/v1/people/{id}", P::PersonWrite, "修改人员", api::update_person)
        .returns::<service::PersonView>()
        .patch::<qingfeng_domain::org::PersonFields>()
        .add(M::GET, "/org", P::PersonRead, "组织机构与人员", pages::page)
        .add(M::GET, "/org/people", P::PersonRead, "人员列表（局部）", pages::people_table)
        .add(M::GET, "/org/people/new", P::PersonWrite, "新增人员表单", pages::new_person)
        .add(M::POST, "/org/people/new", P::PersonWrite, "保存新人员", pages::create_person)
        .add(M::GET, "/org/people/{id}", P::PersonRead, "人员详情页", pages::person_detail)
        .add(M::GET, "/org/people/{id}/edit", P::PersonWrite, "修改人员表单", pages::edit_person)
        .add(M::POST, "/org/people/{id}/edit", P::PersonWrite, "保存人员", pages::update_person)
        .add(M::GET, "/org/units/new", P::UnitWrite, "新增单位表单", pages::new_unit)
        .add(M::POST, "/org/units/new", P::UnitWrite, "保存新单位", pages::create_unit)
        .add(M::GET, "/org/units/{id}/edit", P::UnitWrite, "修改单位表单", pages::edit_unit)
        .add(M::POST, "/org/units/{id}/edit", P::UnitWrite, "保存单位", pages::update_unit)
        .add(M::GET, "/org/people-import", P::PersonImport, "人员导入页", pages::people_page)
        .add(M::POST, "/org/people-import", P::PersonImport, "校验或导入人员", pages::people_submit)
        .add(M::GET, "/org/units-import", P::UnitImport, "单位导入页", pages::units_page)
        .add(M::POST, "/org/units-import", P::UnitImport, "校验或导入单位", pages::units_submit)
}
