//! The yearly 责任书 as a Word document, laid out for signing: the title, the two parties, the
//! items of the list with their requirement and source, the signature and date lines. The
//! signing date is recorded back on the list page (`POST /responsibility/lists/{id}/pledge`).

use qingfeng_office::docx::{DocTable, Document};
use qingfeng_store::fulfilment::requirement;
use qingfeng_store::org::units;
use qingfeng_store::responsibility::{self as resp, ItemFilter, List};
use qingfeng_store::Scope;

use crate::auth::Principal;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// The .docx of list `id` and its file name.
pub async fn document(state: &AppState, p: &Principal, id: i64) -> ApiResult<(Vec<u8>, String)> {
    let list = resp::list(&state.db, &p.scope, id).await?;
    let filter = ItemFilter { list_id: Some(id), active_only: true, ..Default::default() };
    // the whole list is printed: whoever may open the list signs for all of it
    let items = resp::items(&state.db, &Scope::all(), &filter, None).await?.items;
    let office = office_name(state).await?;
    let rows = items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            vec![(n + 1).to_string(), i.text.clone(), requirement(i.req_count, &i.req_period).label(), i.source.clone()]
        })
        .collect();
    let doc = pledge(&list, &office, rows).into_bytes().map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((doc, format!("{}年度党风廉政建设责任书（{}）.docx", list.year, signer(&list))))
}

/// The party that signs for the list: the person, or the unit.
fn signer(list: &List) -> String {
    match &list.person_name {
        Some(name) => format!("{name}，{}", list.unit_name),
        None => list.unit_name.clone(),
    }
}

/// The office at the root of the unit tree (中共XX县委办公室), which issues the 责任书.
async fn office_name(state: &AppState) -> ApiResult<String> {
    Ok(units::root_name(&state.db).await?.unwrap_or_else(|| "本单位".to_string()))
}

fn pledge(list: &List, office: &str, rows: Vec<Vec<String>>) -> Document {
    let party_b = signer(list);
    let count = rows.len();
    Document::new()
        .title(format!("{}年度党风廉政建设责任书", list.year))
        .line(format!("甲方（责任下达）：{office}领导班子"))
        .line(format!("乙方（责任承担）：{party_b}"))
        .paragraph(format!(
            "为落实党风廉政建设主体责任，坚持一级抓一级、层层抓落实，甲方与乙方签订本责任书。\
             乙方对下列{count}项责任事项负责，按要求开展并在履职台账中如实记录，接受甲方和派驻纪检监察组的监督检查。"
        ))
        .table(DocTable {
            headers: ["序号", "责任事项", "工作要求", "依据"].map(String::from).to_vec(),
            widths: vec![2, 12, 5, 7],
            rows,
        })
        .paragraph(format!("本责任书自签订之日起至{}年12月31日止有效，一式两份，甲乙双方各执一份。", list.year))
        .signatures(vec![("甲方（签字）".to_string(), office.to_string()), ("乙方（签字）".to_string(), party_b)])
}
