//! 四种形态 and sanctions: the 纪检组 records them for people in its scope; a person reads
//! their own; anyone else who asks for one gets a 404 and leaves an audit row.

use qingfeng_domain::access::Permission;
use qingfeng_domain::discipline::{Form, RecordDraft, RecordFields};
use qingfeng_domain::findings::Category;
use qingfeng_domain::time::office_today;
use qingfeng_store::discipline::{self as store, DisciplineRecord, RecordFilter};
use qingfeng_store::findings;
use qingfeng_store::org::people;
use qingfeng_store::query::Reader;
use qingfeng_store::{Page, Paging, StoreError};

use crate::auth::Principal;
use crate::features::findings::service::is_discipline_group;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`record_filter`] reads.
pub const RECORD_FILTERS: &[&str] =
    &["person", "form", "from", "to", "category", "group", "four_winds", "sanctions", "in_effect", "q"];

/// The 纪检组 (holding the permission to read these records, which the built-in administrator
/// does not exercise): every record in its scope. Anyone else: their own.
pub async fn reader<'a>(state: &AppState, p: &'a Principal) -> ApiResult<Reader<'a>> {
    Ok(if p.can(Permission::DisciplineRead) && is_discipline_group(state, p).await? {
        Reader::Group(&p.scope)
    } else {
        // an account without a person has no records: id 0 matches none
        Reader::Own(p.person_id.unwrap_or(0))
    })
}

pub async fn is_group(state: &AppState, p: &Principal) -> ApiResult<bool> {
    Ok(matches!(reader(state, p).await?, Reader::Group(_)))
}

pub fn record_filter(params: &Params) -> ApiResult<RecordFilter> {
    let form =
        match params.str("form") {
            None => None,
            Some(s) => Some(Form::parse(&s).ok_or_else(|| {
                ApiError::bad_request(format!("参数 form 应为{}之一", Form::label_list()), Some("form"))
            })?),
        };
    let categories = categories_param(params)?;
    Ok(RecordFilter {
        person_id: params.int("person")?,
        form,
        from: params.date("from")?,
        to: params.date("to")?,
        categories,
        sanctions_only: params.bool("sanctions")?.unwrap_or(false),
        in_effect_on: params.bool("in_effect")?.unwrap_or(false).then(office_today),
        q: params.str("q"),
    })
}

/// The categories of the finding behind a record: `category` (one), `group` (形式主义官僚主义 or
/// 享乐主义奢靡之风) or `four_winds=true` (all of the 四风).
fn categories_param(params: &Params) -> ApiResult<Option<Vec<Category>>> {
    if let Some(s) = params.str("category") {
        let c = Category::parse_loose(&s)
            .ok_or_else(|| ApiError::bad_request(format!("参数 category“{s}”不在问题类别字典中"), Some("category")))?;
        return Ok(Some(vec![c]));
    }
    if let Some(g) = params.str("group") {
        let cs: Vec<Category> = Category::ALL.iter().copied().filter(|c| c.is_four_winds() && c.group() == g).collect();
        if cs.is_empty() {
            return Err(ApiError::bad_request("参数 group 应为形式主义官僚主义或享乐主义奢靡之风", Some("group")));
        }
        return Ok(Some(cs));
    }
    Ok(params
        .bool("four_winds")?
        .unwrap_or(false)
        .then(|| Category::ALL.iter().copied().filter(|c| c.is_four_winds()).collect()))
}

pub async fn list(
    state: &AppState,
    p: &Principal,
    params: &Params,
    paging: Option<Paging>,
) -> ApiResult<Page<DisciplineRecord>> {
    let f = record_filter(params)?;
    Ok(store::list(&state.db, reader(state, p).await?, &f, paging, office_today()).await?)
}

/// A record the caller may read; for anyone else a 404 and an audit row saying who asked.
pub async fn get(state: &AppState, p: &Principal, id: i64) -> ApiResult<DisciplineRecord> {
    match store::get(&state.db, reader(state, p).await?, id, office_today()).await {
        Err(StoreError::NotFound) => {
            store::log_refused_view(&state.db, &p.actor(), id).await?;
            Err(ApiError::NotFound)
        }
        other => Ok(other?),
    }
}

async fn require_group(state: &AppState, p: &Principal) -> ApiResult<()> {
    if is_group(state, p).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden("只有纪检监察组可以登记运用“四种形态”和处分的情况".into()))
    }
}

/// Checks a record: its fields, the person in the writer's scope, the finding (if any) in it.
/// Answers the draft and the person's unit.
async fn checked(state: &AppState, p: &Principal, f: &RecordFields) -> ApiResult<(RecordDraft, i64)> {
    let d = f.validate(office_today())?;
    let person = people::get(&state.db, &p.scope, d.person_id).await.map_err(|_| {
        ApiError::from(StoreError::field(
            "person_id",
            format!("被处理人（编号 {}）不存在或不在您的数据范围内", d.person_id),
        ))
    })?;
    if let Some(fid) = d.finding_id {
        if findings::get(&state.db, &p.scope, fid, office_today()).await.is_err() {
            let msg = format!("问题（编号 {fid}）不存在或不在您的数据范围内");
            return Err(StoreError::field("finding_id", msg).into());
        }
    }
    if let Some(cid) = d.clue_id {
        if crate::features::clues::service::get(state, p, cid).await.is_err() {
            let msg = format!("问题线索（编号 {cid}）不存在或不在您的数据范围内");
            return Err(StoreError::field("clue_id", msg).into());
        }
    }
    Ok((d, person.unit_id))
}

/// The last day a measure affects promotion, from the 影响期 setting in force today.
async fn effect_until(state: &AppState, d: &RecordDraft) -> ApiResult<Option<chrono::NaiveDate>> {
    let months = match d.measure.effect_setting() {
        Some(key) => qingfeng_store::settings::number(&state.db, key, d.measure.effect_default()).await?,
        None => 0,
    };
    Ok(d.effect_until(months))
}

pub async fn create(state: &AppState, p: &Principal, f: &RecordFields) -> ApiResult<i64> {
    require_group(state, p).await?;
    let (d, unit_id) = checked(state, p, f).await?;
    let until = effect_until(state, &d).await?;
    Ok(store::create(&state.db, &p.actor(), &d, unit_id, until).await?)
}

pub async fn update(state: &AppState, p: &Principal, id: i64, f: &RecordFields) -> ApiResult<()> {
    require_group(state, p).await?;
    let before = get(state, p, id).await?;
    let (d, _) = checked(state, p, f).await?;
    let until = effect_until(state, &d).await?;
    Ok(store::update(&state.db, &p.actor(), id, &before, &d, until).await?)
}

/// The stored record's fields, for the edit form and a merge patch.
pub async fn fields_of(state: &AppState, p: &Principal, id: i64) -> ApiResult<RecordFields> {
    require_group(state, p).await?;
    get(state, p, id).await?.draft().map(|d| d.fields()).ok_or(ApiError::NotFound)
}
