//! 单位与人员: the unit tree beside a paged, searchable people list; create and edit forms.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use qingfeng_domain::dict::{
    parse_roles, roles_to_labels, Gender, PersonStatus, PoliticalStatus, Rank, ResponsibilityRole, UnitKind,
};
use qingfeng_domain::org::{PersonFields, UnitFields};
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::{people, units, Person, Unit};
use qingfeng_store::StoreError;

use super::service::{check_draft_scope, filter_from, person_fields_of};
use super::service::{check_parent_scope, unit_fields_of, unit_in_scope};
use super::sheets;
use crate::auth::Principal;
use crate::http::import_flow::UploadFlow;
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, FormTarget, Nav, Opt, PageError, PagePath, PageResult};
use crate::sheets::ImportReport;
use crate::AppState;

pub struct TreeNode {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind: &'static str,
    pub depth: usize,
    pub active: bool,
}

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub gender: &'static str,
    pub unit: String,
    pub title: String,
    pub rank: &'static str,
    pub political: &'static str,
    pub roles: String,
    pub status: &'static str,
    pub supervised: bool,
}

fn label<T: Copy>(key: &str, parse: fn(&str) -> Option<T>, label: fn(T) -> &'static str) -> &'static str {
    parse(key).map(label).unwrap_or("")
}

fn role_labels(keys: &str) -> String {
    roles_to_labels(&parse_roles(&keys.replace(',', "、")).unwrap_or_default())
}

impl From<&Person> for PersonRow {
    fn from(p: &Person) -> Self {
        PersonRow {
            id: p.id,
            name: p.name.clone(),
            gender: label(&p.gender, Gender::from_key, Gender::label),
            unit: p.unit_name.clone(),
            title: p.title.clone(),
            rank: label(&p.rank, Rank::from_key, Rank::label),
            political: label(&p.political_status, PoliticalStatus::from_key, PoliticalStatus::label),
            roles: role_labels(&p.roles),
            status: label(&p.status, PersonStatus::from_key, PersonStatus::label),
            supervised: p.in_supervision_scope,
        }
    }
}

#[derive(Template)]
#[template(path = "org/people_table.html")]
struct PeopleTable {
    rows: Vec<PersonRow>,
    total: i64,
    page: i64,
    pages: i64,
    base_query: String,
}

#[derive(Template)]
#[template(path = "org/org.html")]
struct OrgPage {
    nav: Nav,
    tree: Vec<TreeNode>,
    selected: Option<Unit>,
    q: String,
    table: String,
    export_query: String,
    can_write_units: bool,
    can_write_people: bool,
    can_export: bool,
}

fn query_string(pairs: &[(&str, String)]) -> String {
    serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>()).unwrap_or_default()
}

async fn people_table_html(state: &AppState, p: &Principal, params: &Params) -> Result<String, PageError> {
    let filter = filter_from(params)?;
    let paging = params.paging()?;
    let page = people::list(&state.db, &p.scope, &filter, paging).await?;
    let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
    let base_query = query_string(&[
        ("unit", filter.unit_id.map(|u| u.to_string()).unwrap_or_default()),
        ("q", filter.q.clone().unwrap_or_default()),
    ]);
    let t = PeopleTable {
        rows: page.items.iter().map(PersonRow::from).collect(),
        total: page.total,
        page: page.page,
        pages,
        base_query,
    };
    t.render().map_err(|e| PageError(ApiError::Internal(e.to_string())))
}

/// `GET /org`
pub async fn page(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    let selected_id = params.int("unit")?;
    let selected = match selected_id {
        Some(id) => Some(unit_in_scope(&state, &p, id).await?),
        None => None,
    };
    let tree = units::all(&state.db, &p.scope)
        .await?
        .into_iter()
        .map(|u| TreeNode {
            id: u.id,
            depth: u.depth().min(6),
            kind: label(&u.kind, UnitKind::from_key, UnitKind::label),
            active: Some(u.id) == selected_id,
            name: u.name,
            code: u.code,
        })
        .collect();
    let table = people_table_html(&state, &p, &params).await?;
    let q = params.str("q").unwrap_or_default();
    let export_query =
        query_string(&[("unit", selected_id.map(|u| u.to_string()).unwrap_or_default()), ("q", q.clone())]);
    render(&OrgPage {
        nav: Nav::new(&p, "org"),
        tree,
        selected,
        q,
        table,
        export_query,
        can_write_units: p.can("unit:write"),
        can_write_people: p.can("person:write"),
        can_export: p.can("person:export"),
    })
}

/// `GET /org/people`: the table alone, for htmx search and paging.
pub async fn people_table(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    Ok(Html(people_table_html(&state, &p, &params).await?).into_response())
}

// ------------------------------------------------------------------ person form

#[derive(Template)]
#[template(path = "org/person_form.html")]
struct PersonForm {
    nav: Nav,
    heading: String,
    action: String,
    cancel: String,
    f: PersonFields,
    errors: FieldErrors,
    derived: bool,
    genders: Vec<Opt>,
    units: Vec<Opt>,
    ranks: Vec<Opt>,
    politicals: Vec<Opt>,
    roles: Vec<Opt>,
    statuses: Vec<Opt>,
    overrides: Vec<Opt>,
    in_charge: Vec<Opt>,
}

macro_rules! dict_opts {
    ($t:ty, $current:expr) => {
        <$t>::ALL.iter().map(|v| Opt::new(v.key(), v.label(), <$t>::parse(&$current) == Some(*v))).collect::<Vec<_>>()
    };
}

async fn person_form(
    state: &AppState,
    p: &Principal,
    heading: &str,
    action: String,
    cancel: String,
    f: PersonFields,
    errors: FieldErrors,
) -> PageResult {
    let all_units = units::all(&state.db, &p.scope).await?;
    let indent = |u: &Unit| format!("{}{}", "　".repeat(u.depth()), u.name);
    let in_charge_sel = f.in_charge_of.clone().unwrap_or_default();
    let role_sel = parse_roles(&f.roles.join("、")).unwrap_or_default();
    let derived = f.validate().map(|d| d.derived_supervision_scope()).unwrap_or(false);
    let form = PersonForm {
        nav: Nav::new(p, "org"),
        heading: heading.into(),
        action,
        cancel,
        genders: dict_opts!(Gender, f.gender),
        units: all_units.iter().map(|u| Opt::new(u.id, indent(u), f.unit_id == Some(u.id))).collect(),
        ranks: dict_opts!(Rank, f.rank),
        politicals: dict_opts!(PoliticalStatus, f.political_status),
        roles: ResponsibilityRole::ALL.iter().map(|r| Opt::new(r.key(), r.label(), role_sel.contains(r))).collect(),
        statuses: dict_opts!(PersonStatus, f.status),
        overrides: vec![
            Opt::new("", "不调整（按自动判定）", f.supervision_override.is_none()),
            Opt::new("true", "调整为：是监督对象", f.supervision_override == Some(true)),
            Opt::new("false", "调整为：不是监督对象", f.supervision_override == Some(false)),
        ],
        in_charge: all_units.iter().map(|u| Opt::new(u.id, indent(u), in_charge_sel.contains(&u.id))).collect(),
        derived,
        f,
        errors,
    };
    render(&form)
}

fn person_fields_from_form(form: &FormPairs) -> Result<PersonFields, FieldErrors> {
    let mut errors = FieldErrors::default();
    let unit_id = match form.get("unit_id").trim() {
        "" => None,
        s => match s.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push("unit_id", "所在单位无效");
                None
            }
        },
    };
    let in_charge: Vec<i64> = form.all("in_charge_of").iter().filter_map(|s| s.parse().ok()).collect();
    let fields = PersonFields {
        name: form.get("name"),
        gender: form.get("gender"),
        unit_id,
        title: form.get("title"),
        rank: form.get("rank"),
        political_status: form.get("political_status"),
        roles: form.all("roles"),
        status: form.get("status"),
        birth_date: form.get("birth_date"),
        party_join_date: form.get("party_join_date"),
        exercises_public_power: form.get("exercises_public_power") == "true",
        supervision_override: match form.get("supervision_override").as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        supervision_override_reason: form.get("supervision_override_reason"),
        in_charge_of: Some(in_charge),
    };
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

fn invalid_status(mut res: axum::response::Response) -> axum::response::Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// Splits a store error into field errors to show on the form, or a page error.
fn field_errors(e: ApiError) -> Result<FieldErrors, PageError> {
    match e {
        ApiError::Invalid(f) => Ok(f),
        ApiError::Forbidden(m) => {
            let mut f = FieldErrors::default();
            f.push("unit_id", m);
            Ok(f)
        }
        other => Err(PageError(other)),
    }
}

pub async fn new_person(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    let f = PersonFields {
        unit_id: params.int("unit")?,
        status: "active".into(),
        exercises_public_power: true,
        in_charge_of: Some(vec![]),
        ..Default::default()
    };
    person_form(&state, &p, "新增人员", "/org/people/new".into(), "/org".into(), f, FieldErrors::default()).await
}

pub async fn create_person(State(state): State<AppState>, p: Principal, form: FormPairs) -> PageResult {
    let result: Result<Person, ApiError> = async {
        let fields = person_fields_from_form(&form)?;
        let draft = fields.validate()?;
        check_draft_scope(&state, &p, &draft, fields.in_charge_of.as_deref(), &[]).await?;
        Ok(people::create(&state.db, &p.actor(), &draft, fields.in_charge_of.as_deref()).await?)
    }
    .await;
    match result {
        Ok(person) => Ok(see_other(format!("/org/people/{}", person.id))),
        Err(e) => {
            let errors = field_errors(e)?;
            let f = person_fields_from_form(&form).unwrap_or_default();
            person_form(&state, &p, "新增人员", "/org/people/new".into(), "/org".into(), f, errors)
                .await
                .map(invalid_status)
        }
    }
}

pub async fn edit_person(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
    let person = people::get(&state.db, &p.scope, id).await?;
    let ic = people::in_charge_of(&state.db, id).await?;
    let f = person_fields_of(&person, Some(ic));
    person_form(
        &state,
        &p,
        &format!("修改人员：{}", person.name),
        format!("/org/people/{id}/edit"),
        format!("/org/people/{id}"),
        f,
        FieldErrors::default(),
    )
    .await
}

/// The units among `ids` that lie outside the operator's scope.
async fn hidden_units(state: &AppState, p: &Principal, ids: &[i64]) -> Result<Vec<i64>, ApiError> {
    let mut hidden = Vec::new();
    for id in ids {
        let u = units::get(&state.db, *id).await?;
        if !p.scope.covers_unit(u.id, &u.path) {
            hidden.push(u.id);
        }
    }
    Ok(hidden)
}

pub async fn update_person(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    let person = people::get(&state.db, &p.scope, id).await?;
    let result: Result<(), ApiError> = async {
        let mut fields = person_fields_from_form(&form)?;
        let draft = fields.validate()?;
        // The form lists only the units the operator sees: 分管 units outside that stay as they are.
        let current_in_charge = people::in_charge_of(&state.db, id).await?;
        let hidden = hidden_units(&state, &p, &current_in_charge).await?;
        if let Some(list) = fields.in_charge_of.as_mut() {
            list.extend(hidden.iter().filter(|u| !list.contains(u)).collect::<Vec<_>>());
        }
        check_draft_scope(&state, &p, &draft, fields.in_charge_of.as_deref(), &current_in_charge).await?;
        people::update(&state.db, &p.actor(), id, &draft, fields.in_charge_of.as_deref(), "").await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(format!("/org/people/{id}"))),
        Err(e) => {
            let errors = field_errors(e)?;
            let f = person_fields_from_form(&form).unwrap_or_default();
            person_form(
                &state,
                &p,
                &format!("修改人员：{}", person.name),
                format!("/org/people/{id}/edit"),
                format!("/org/people/{id}"),
                f,
                errors,
            )
            .await
            .map(invalid_status)
        }
    }
}

#[derive(Template)]
#[template(path = "org/person_detail.html")]
struct PersonDetail {
    nav: Nav,
    p: Person,
    facts: Vec<(&'static str, String)>,
    transfers: Vec<(String, String, String, String, String, String)>,
    can_write: bool,
}

pub async fn person_detail(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
    let person = people::get(&state.db, &p.scope, id).await?;
    let ic = people::in_charge_of(&state.db, id).await?;
    let mut ic_names = Vec::new();
    for u in ic {
        if let Ok(unit) = units::get(&state.db, u).await {
            ic_names.push(unit.name);
        }
    }
    let yes_no = |b: bool| if b { "是" } else { "否" }.to_string();
    let facts = vec![
        ("性别", label(&person.gender, Gender::from_key, Gender::label).to_string()),
        ("所在单位", person.unit_name.clone()),
        ("职务", person.title.clone()),
        ("职级", label(&person.rank, Rank::from_key, Rank::label).to_string()),
        ("政治面貌", label(&person.political_status, PoliticalStatus::from_key, PoliticalStatus::label).to_string()),
        ("责任角色", role_labels(&person.roles)),
        ("人员状态", label(&person.status, PersonStatus::from_key, PersonStatus::label).to_string()),
        ("出生日期", person.birth_date.map(|d| d.to_string()).unwrap_or_default()),
        ("入党时间", person.party_join_date.map(|d| d.to_string()).unwrap_or_default()),
        ("行使公权力", yes_no(person.exercises_public_power)),
        (
            "监督对象",
            match person.supervision_override {
                Some(_) => format!(
                    "{}（手动调整：{}）",
                    yes_no(person.in_supervision_scope),
                    person.supervision_override_reason
                ),
                None => format!("{}（自动判定）", yes_no(person.in_supervision_scope)),
            },
        ),
        ("分管单位", ic_names.join("、")),
    ];
    let status_label = |k: &str| label(k, PersonStatus::from_key, PersonStatus::label).to_string();
    let transfers = people::transfers(&state.db, id)
        .await?
        .into_iter()
        .map(|t| {
            (
                t.changed_at
                    .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                t.from_unit_name.unwrap_or_default(),
                t.to_unit_name,
                status_label(&t.from_status),
                status_label(&t.to_status),
                t.note,
            )
        })
        .collect();
    render(&PersonDetail { nav: Nav::new(&p, "org"), facts, transfers, can_write: p.can("person:write"), p: person })
}

// ------------------------------------------------------------------ unit form

#[derive(Template)]
#[template(path = "org/unit_form.html")]
struct UnitForm {
    nav: Nav,
    heading: String,
    action: String,
    cancel: String,
    f: UnitFields,
    errors: FieldErrors,
    kinds: Vec<Opt>,
    parents: Vec<Opt>,
}

// a form page is its frame (heading, action, cancel), its values, its errors and the unit edited
async fn unit_form(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    f: UnitFields,
    errors: FieldErrors,
    editing: Option<&Unit>,
) -> PageResult {
    let FormTarget { heading, action, cancel } = target;
    let all = units::all(&state.db, &p.scope).await?;
    let parents = all
        .iter()
        // a unit cannot move under itself or its subtree, so those are not offered
        .filter(|u| editing.is_none_or(|e| !u.path.starts_with(&e.path)))
        .map(|u| Opt::new(u.id, format!("{}{}", "　".repeat(u.depth()), u.name), f.parent_id == Some(u.id)))
        .collect();
    let res = render(&UnitForm {
        nav: Nav::new(p, "org"),
        heading,
        action,
        cancel,
        kinds: dict_opts!(UnitKind, f.kind),
        parents,
        f,
        errors: errors.clone(),
    })?;
    Ok(if errors.is_empty() { res } else { invalid_status(res) })
}

fn unit_fields_from_form(form: &FormPairs) -> Result<UnitFields, FieldErrors> {
    let mut errors = FieldErrors::default();
    let parent_id = match form.get("parent_id").trim() {
        "" => None,
        s => s.parse().map(Some).unwrap_or_else(|_| {
            errors.push("parent_id", "上级单位无效");
            None
        }),
    };
    let sort_order = match form.get("sort_order").trim() {
        "" => 0,
        s => s.parse().unwrap_or_else(|_| {
            errors.push("sort_order", "排序号应为整数");
            0
        }),
    };
    let f =
        UnitFields { name: form.get("name"), code: form.get("code"), kind: form.get("kind"), parent_id, sort_order };
    if errors.is_empty() {
        Ok(f)
    } else {
        Err(errors)
    }
}

fn unit_form_fields(form: &FormPairs) -> UnitFields {
    unit_fields_from_form(form).unwrap_or_else(|_| UnitFields {
        name: form.get("name"),
        code: form.get("code"),
        kind: form.get("kind"),
        ..Default::default()
    })
}

async fn parent_for(state: &AppState, id: Option<i64>) -> Result<Option<Unit>, ApiError> {
    match id {
        None => Ok(None),
        Some(id) => match units::get(&state.db, id).await {
            Ok(u) => Ok(Some(u)),
            Err(StoreError::NotFound) => Err(StoreError::field("parent_id", "上级单位不存在").into()),
            Err(e) => Err(e.into()),
        },
    }
}

fn parent_errors(e: ApiError) -> Result<FieldErrors, PageError> {
    match e {
        ApiError::Forbidden(m) => {
            let mut f = FieldErrors::default();
            f.push("parent_id", m);
            Ok(f)
        }
        other => field_errors(other),
    }
}

pub async fn new_unit(State(state): State<AppState>, p: Principal, params: Params) -> PageResult {
    let f = UnitFields { parent_id: params.int("parent")?, kind: "department".into(), ..Default::default() };
    unit_form(&state, &p, FormTarget::new("新增单位", "/org/units/new", "/org"), f, FieldErrors::default(), None).await
}

pub async fn create_unit(State(state): State<AppState>, p: Principal, form: FormPairs) -> PageResult {
    let result: Result<Unit, ApiError> = async {
        let draft = unit_fields_from_form(&form)?.validate()?;
        check_parent_scope(&p, parent_for(&state, draft.parent_id).await?.as_ref())?;
        Ok(units::create(&state.db, &p.actor(), &draft).await?)
    }
    .await;
    match result {
        Ok(u) => Ok(see_other(format!("/org?unit={}", u.id))),
        Err(e) => {
            unit_form(
                &state,
                &p,
                FormTarget::new("新增单位", "/org/units/new", "/org"),
                unit_form_fields(&form),
                parent_errors(e)?,
                None,
            )
            .await
        }
    }
}

pub async fn edit_unit(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
    let u = unit_in_scope(&state, &p, id).await?;
    unit_form(
        &state,
        &p,
        FormTarget::new(format!("修改单位：{}", u.name), format!("/org/units/{id}/edit"), format!("/org?unit={id}")),
        unit_fields_of(&u),
        FieldErrors::default(),
        Some(&u),
    )
    .await
}

pub async fn update_unit(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    form: FormPairs,
) -> PageResult {
    let current = unit_in_scope(&state, &p, id).await?;
    let result: Result<(), ApiError> = async {
        let draft = unit_fields_from_form(&form)?.validate()?;
        if draft.parent_id != current.parent_id {
            check_parent_scope(&p, parent_for(&state, draft.parent_id).await?.as_ref())?;
        }
        units::update(&state.db, &p.actor(), id, &draft).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(format!("/org?unit={id}"))),
        Err(e) => {
            unit_form(
                &state,
                &p,
                FormTarget::new(
                    format!("修改单位：{}", current.name),
                    format!("/org/units/{id}/edit"),
                    format!("/org?unit={id}"),
                ),
                unit_form_fields(&form),
                parent_errors(e)?,
                Some(&current),
            )
            .await
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    People,
    Units,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::People => "people",
            Kind::Units => "units",
        }
    }
}

#[derive(Template)]
#[template(path = "org/import.html")]
struct ImportPage {
    nav: Nav,
    heading: &'static str,
    action: &'static str,
    template_url: &'static str,
    message: Option<String>,
    message_class: &'static str,
    report: Option<ImportReport>,
    pending: Option<String>,
}

fn page_for(kind: Kind, p: &Principal) -> ImportPage {
    let (heading, action, template_url, active) = match kind {
        Kind::People => ("人员导入", "/org/people-import", "/api/v1/people/import-template.xlsx", "people-import"),
        Kind::Units => ("单位导入", "/org/units-import", "/api/v1/units/import-template.xlsx", "units-import"),
    };
    ImportPage {
        nav: Nav::new(p, active),
        heading,
        action,
        template_url,
        message: None,
        message_class: "",
        report: None,
        pending: None,
    }
}

pub async fn people_page(p: Principal) -> PageResult {
    render(&page_for(Kind::People, &p))
}

pub async fn units_page(p: Principal) -> PageResult {
    render(&page_for(Kind::Units, &p))
}

pub async fn people_submit(State(state): State<AppState>, p: Principal, multipart: Multipart) -> PageResult {
    submit(state, p, multipart, Kind::People).await
}

pub async fn units_submit(State(state): State<AppState>, p: Principal, multipart: Multipart) -> PageResult {
    submit(state, p, multipart, Kind::Units).await
}

async fn submit(state: AppState, p: Principal, multipart: Multipart, kind: Kind) -> PageResult {
    let page = page_for(kind, &p);
    let flow = UploadFlow { kind: kind.key().to_string(), action: page.action.to_string(), nav: page.nav };
    let (db, p) = (&state.db, &p);
    flow.run(db, p, multipart, "行", move |bytes, commit| async move {
        match kind {
            Kind::People => sheets::people_import(db, &p.actor(), &p.scope, &bytes, commit).await,
            Kind::Units => sheets::units_import(db, &p.actor(), &p.scope, &bytes, commit).await,
        }
    })
    .await
}
