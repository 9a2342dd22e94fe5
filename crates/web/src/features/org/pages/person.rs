//! A person: detail page, new and edit forms.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::dict::{parse_roles, BranchPost, Gender, PersonStatus, PoliticalStatus, Rank, ResponsibilityRole};
use qingfeng_domain::org::{PersonFields, RankName};
use qingfeng_domain::FieldErrors;
use qingfeng_store::dicts;
use qingfeng_store::org::{branches, people, units, Person, Unit};

use super::{field_errors, invalid_status, label, role_labels};
use crate::auth::{Ctx, Principal};
use crate::features::org::service::{check_draft_scope, person_fields_of, seat_in_scope, shown_to};
use crate::http::ApiError;
use crate::http::Params;
use crate::http::{render, see_other, FormPairs, Nav, Opt, PagePath, PageResult};
use crate::AppState;

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
    /// the 职务 dictionary, offered while typing
    titles: Vec<String>,
    politicals: Vec<Opt>,
    roles: Vec<Opt>,
    statuses: Vec<Opt>,
    overrides: Vec<Opt>,
    in_charge: Vec<Opt>,
    /// 所在党支部 and 支委职务
    branches: Vec<Opt>,
    posts: Vec<Opt>,
}

/// The 职级 select: the dictionary's names with their level, then the bare levels.
fn rank_options(names: &[RankName], current: &str) -> Vec<Opt> {
    let current = current.trim();
    let mut opts: Vec<Opt> = names
        .iter()
        .map(|r| Opt::new(&r.name, format!("{}（{}）", r.name, r.level.label()), r.name == current))
        .collect();
    for level in Rank::ALL {
        if !names.iter().any(|r| r.name == level.label()) {
            let selected = Rank::parse(current) == Some(*level);
            opts.push(Opt::new(level.key(), format!("{}（只填层级）", level.label()), selected));
        }
    }
    opts
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
    let rank_names = dicts::rank_names(&state.db).await?;
    let derived = f.validate_with(&rank_names).map(|d| d.derived_supervision_scope()).unwrap_or(false);
    let titles = dicts::list(&state.db, "title").await?.into_iter().map(|e| e.value).collect();
    let mut branches = vec![Opt::new("", "（不在党支部）", f.party_branch_id.is_none())];
    for b in branches::list(&state.db, &p.scope).await? {
        branches.push(Opt::new(b.id, &b.name, f.party_branch_id == Some(b.id)));
    }
    let post = BranchPost::parse(f.branch_post.trim());
    let mut posts = vec![Opt::new("", "（无）", post.is_none())];
    posts.extend(BranchPost::ALL.iter().map(|x| Opt::new(x.key(), x.label(), post == Some(*x))));
    let form = PersonForm {
        nav: Nav::new(p, "org"),
        heading: heading.into(),
        action,
        cancel,
        genders: dict_opts!(Gender, f.gender),
        units: all_units.iter().map(|u| Opt::new(u.id, indent(u), f.unit_id == Some(u.id))).collect(),
        ranks: rank_options(&rank_names, &f.rank),
        titles,
        politicals: dict_opts!(PoliticalStatus, f.political_status),
        roles: ResponsibilityRole::ALL.iter().map(|r| Opt::new(r.key(), r.label(), role_sel.contains(r))).collect(),
        statuses: dict_opts!(PersonStatus, f.status),
        overrides: vec![
            Opt::new("", "不调整（按自动判定）", f.supervision_override.is_none()),
            Opt::new("true", "调整为：是监督对象", f.supervision_override == Some(true)),
            Opt::new("false", "调整为：不是监督对象", f.supervision_override == Some(false)),
        ],
        in_charge: all_units.iter().map(|u| Opt::new(u.id, indent(u), in_charge_sel.contains(&u.id))).collect(),
        branches,
        posts,
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
    let party_branch_id = match form.get("party_branch_id").trim() {
        "" => None,
        s => s.parse().map(Some).unwrap_or_else(|_| {
            errors.push("party_branch_id", "所在党支部无效");
            None
        }),
    };
    let fields = PersonFields {
        name: form.get("name"),
        gender: form.get("gender"),
        unit_id,
        title: form.get("title"),
        rank: form.get("rank"),
        rank_name: String::new(),
        political_status: form.get("political_status"),
        roles: form.all("roles"),
        status: form.get("status"),
        birth_date: form.get("birth_date"),
        party_join_date: form.get("party_join_date"),
        id_number: form.get("id_number"),
        exercises_public_power: form.get("exercises_public_power") == "true",
        supervision_override: match form.get("supervision_override").as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        supervision_override_reason: form.get("supervision_override_reason"),
        in_charge_of: Some(in_charge),
        party_branch_id,
        branch_post: form.get("branch_post"),
    };
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

pub async fn new_person(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let f = PersonFields {
        unit_id: params.int("unit")?,
        status: "active".into(),
        exercises_public_power: true,
        in_charge_of: Some(vec![]),
        ..Default::default()
    };
    person_form(&state, &p, "新增人员", "/org/people/new".into(), "/org".into(), f, FieldErrors::default()).await
}

pub async fn create_person(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let result: Result<Person, ApiError> = async {
        let fields = person_fields_from_form(&form)?;
        let draft = fields.validate_with(&dicts::rank_names(&state.db).await?)?;
        check_draft_scope(&state, &p, &draft, fields.in_charge_of.as_deref(), &[]).await?;
        let seat = seat_in_scope(&state, &p, &fields, None).await?;
        Ok(people::create(&state.db, &p.actor(), &draft, fields.in_charge_of.as_deref(), Some(seat)).await?)
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

pub async fn edit_person(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
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

pub async fn update_person(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let person = people::get(&state.db, &p.scope, id).await?;
    let result: Result<(), ApiError> = async {
        let mut fields = person_fields_from_form(&form)?;
        let draft = fields.validate_with(&dicts::rank_names(&state.db).await?)?;
        // The form lists only the units the operator sees: 分管 units outside that stay as they are.
        let current_in_charge = people::in_charge_of(&state.db, id).await?;
        let hidden = hidden_units(&state, &p, &current_in_charge).await?;
        if let Some(list) = fields.in_charge_of.as_mut() {
            list.extend(hidden.iter().filter(|u| !list.contains(u)).collect::<Vec<_>>());
        }
        check_draft_scope(&state, &p, &draft, fields.in_charge_of.as_deref(), &current_in_charge).await?;
        let seat = seat_in_scope(&state, &p, &fields, person.party_branch_id).await?;
        let in_charge = fields.in_charge_of.as_deref();
        people::update(&state.db, &p.actor(), id, &draft, in_charge, Some(seat), "").await?;
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
    /// 党支部 history: (branch id, branch, from, to, 支委职务 held in that period)
    memberships: Vec<(i64, String, String, String, String)>,
    can_write: bool,
}

/// The person's branch periods, each with the committee posts held during it.
async fn membership_rows(state: &AppState, id: i64) -> Result<Vec<(i64, String, String, String, String)>, ApiError> {
    let posts = branches::posts_of(&state.db, id).await?;
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "至今".into());
    Ok(branches::memberships(&state.db, id)
        .await?
        .into_iter()
        .map(|m| {
            let held: Vec<String> = posts
                .iter()
                .filter(|x| {
                    x.branch_id == m.branch_id
                        && x.from_date >= m.from_date
                        && m.to_date.is_none_or(|t| x.from_date < t)
                })
                .map(|x| {
                    let label = BranchPost::from_key(&x.post).map_or("", BranchPost::label);
                    format!("{label}（{} 至 {}）", x.from_date, day(x.to_date))
                })
                .collect();
            (m.branch_id, m.branch_name, m.from_date.to_string(), day(m.to_date), held.join("；"))
        })
        .collect())
}

pub async fn person_detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
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
        ("职级", crate::features::org::sheets::rank_shown(&person)),
        ("政治面貌", label(&person.political_status, PoliticalStatus::from_key, PoliticalStatus::label).to_string()),
        ("责任角色", role_labels(&person.roles)),
        ("人员状态", label(&person.status, PersonStatus::from_key, PersonStatus::label).to_string()),
        ("出生日期", person.birth_date.map(|d| d.to_string()).unwrap_or_default()),
        ("入党时间", person.party_join_date.map(|d| d.to_string()).unwrap_or_default()),
        ("身份证号", shown_to(&p, person.clone()).id_number.unwrap_or_default()),
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
        ("中共党员", yes_no(PoliticalStatus::parse(&person.political_status).is_some_and(|s| s.is_party_member()))),
        ("所在党支部", person.party_branch_name.clone().unwrap_or_else(|| "（无）".into())),
        (
            "支委职务",
            person
                .party_branch_post
                .as_deref()
                .and_then(BranchPost::from_key)
                .map_or("（无）", BranchPost::label)
                .into(),
        ),
    ];
    let status_label = |k: &str| label(k, PersonStatus::from_key, PersonStatus::label).to_string();
    let transfers = people::transfers(&state.db, id)
        .await?
        .into_iter()
        .map(|t| {
            (
                qingfeng_domain::time::office_minute(t.changed_at),
                with_post(t.from_unit_name.unwrap_or_default(), &t.from_title),
                with_post(t.to_unit_name, &t.to_title),
                status_label(&t.from_status),
                status_label(&t.to_status),
                t.note,
            )
        })
        .collect();
    render(&PersonDetail {
        nav: Nav::new(&p, "org"),
        facts,
        transfers,
        memberships: membership_rows(&state, id).await?,
        can_write: p.can(Permission::PersonWrite),
        p: person,
    })
}

/// A unit with the post held there ("秘书科（科长）"), as the transfer history shows it.
fn with_post(unit: String, title: &str) -> String {
    if title.trim().is_empty() {
        unit
    } else {
        format!("{unit}（{}）", title.trim())
    }
}
