//! Building dynamic WHERE clauses from parameters: the placeholder number is always
//! generated here, so a value can never end up spliced into the SQL text.

use crate::Arg;

#[derive(Debug, Default)]
pub struct QueryBuilder {
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl QueryBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a bound value and returns its placeholder, e.g. `$3`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// Adds a condition; `?` marks are replaced in order by placeholders for `values`.
    pub fn and(&mut self, condition: &str, values: Vec<Arg>) -> &mut Self {
        let mut out = String::with_capacity(condition.len() + 8);
        let mut values = values.into_iter();
        for c in condition.chars() {
            if c == '?' {
                let v = values.next().expect("a value for every ? in a condition");
                self.args.push(v);
                out.push_str(&format!("${}", self.args.len()));
            } else {
                out.push(c);
            }
        }
        assert!(values.next().is_none(), "more values than ? in a condition");
        self.conditions.push(out);
        self
    }

    /// " WHERE a AND b" or "".
    pub fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    pub fn args(&self) -> Vec<Arg> {
        self.args.clone()
    }
}

/// `column IN (…)` over `ids` (nothing matches an empty list).
pub fn ids_in(q: &mut QueryBuilder, column: &str, ids: &[i64]) {
    if ids.is_empty() {
        q.and("1 = 0", vec![]);
    } else {
        let marks = vec!["?"; ids.len()].join(", ");
        q.and(&format!("{column} IN ({marks})"), ids.iter().map(|&i| Arg::from(i)).collect());
    }
}

/// Keyset paging of a list ordered `date DESC, id DESC`: the rows after the row (`date`, `id`),
/// at most `limit`. Exports read a long list in such batches; unlike OFFSET, each batch costs
/// the same however deep it is.
#[derive(Debug, Clone, Copy)]
pub struct After {
    pub key: Option<(chrono::NaiveDate, i64)>,
    pub limit: i64,
}

impl After {
    /// The first batch.
    pub fn start(limit: i64) -> Self {
        After { key: None, limit }
    }

    /// The batch after the row (`date`, `id`).
    pub fn row(self, date: chrono::NaiveDate, id: i64) -> Self {
        After { key: Some((date, id)), ..self }
    }

    /// Adds the condition on `date_col` and `id_col` and answers the ORDER BY and LIMIT.
    pub fn restrict(&self, q: &mut QueryBuilder, date_col: &str, id_col: &str) -> String {
        if let Some((date, id)) = self.key {
            // a row value, not `date < ? OR (date = ? AND id < ?)`: PostgreSQL seeks an index on
            // (date, id) to a row value, but walked the OR form from the newest row every batch
            // (a 100,000-finding export 14 s; each batch 70-90 ms by the end)
            q.and(&format!("({date_col}, {id_col}) < (?, ?)"), crate::args![date, id]);
        }
        let limit = q.bind(self.limit);
        format!(" ORDER BY {date_col} DESC, {id_col} DESC LIMIT {limit}")
    }
}

/// One batch of a long list after [`After`]'s row, read as a page is ([`fetch_seek_page`]): the
/// batch's ids through the joins the conditions name, then those rows with every column.
/// `from` and `q` are the list's; it is ordered by `date_col` and `id_col`, descending.
pub async fn fetch_batch<T: crate::FromDbRow>(
    db: &crate::Db,
    list: ListSql<'_>,
    after: After,
) -> crate::StoreResult<Vec<T>> {
    let ListSql { cols, from, mut q, order } = list;
    let [date_col, id_col] = order.keys else { panic!("a batch is read by a date and the id") };
    let order_limit = after.restrict(&mut q, date_col, id_col);
    let key_from = prune_joins(from, &format!("{}{order_limit}", q.where_clause()));
    let ids: Vec<(i64,)> =
        db.fetch_all(&format!("SELECT {id_col} {key_from}{}{order_limit}", q.where_clause()), q.args()).await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut rows = QueryBuilder::new();
    ids_in(&mut rows, id_col, &ids.into_iter().map(|r| r.0).collect::<Vec<_>>());
    db.fetch_all(&format!("SELECT {cols} {from}{} ORDER BY {}", rows.where_clause(), order.order_by()), rows.args())
        .await
}

/// `%text%` for LIKE with `%`, `_` and `\` escaped (use with `ESCAPE '\'`).
pub fn like_contains(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// Bounds `[lo, hi)` of all paths under `path` (itself included): a range an index can serve on both
/// engines, unlike LIKE, whose index use depends on collation settings.
pub fn subtree_range(path: &str) -> (String, String) {
    let mut hi = path.to_string();
    // paths end in '/', and '0' is the byte after it
    hi.pop();
    hi.push('0');
    (path.to_string(), hi)
}

/// The subtree range of a unit given by id; an unknown unit gives a range that holds nothing.
pub async fn unit_subtree_range(db: &crate::Db, unit_id: i64) -> crate::StoreResult<(String, String)> {
    let (path,): (String,) = db
        .fetch_optional("SELECT path FROM units WHERE id = $1", crate::args![unit_id])
        .await?
        .unwrap_or(("/none/".into(),));
    Ok(subtree_range(&path))
}

/// Restricts a list to one unit (`id_col` = the unit) or, with `include_sub`, to its whole
/// subtree (`path_col` between the subtree's bounds).
pub async fn restrict_to_unit(
    db: &crate::Db,
    q: &mut QueryBuilder,
    path_col: &str,
    id_col: &str,
    unit_id: i64,
    include_sub: bool,
) -> crate::StoreResult<()> {
    if include_sub {
        let (lo, hi) = unit_subtree_range(db, unit_id).await?;
        q.and(&format!("{path_col} >= ? AND {path_col} < ?"), vec![lo.into(), hi.into()]);
    } else {
        q.and(&format!("{id_col} = ?"), vec![unit_id.into()]);
    }
    Ok(())
}

/// The total of a filter (`SELECT COUNT(*) {from_where}`), counted once per data version. While
/// one request counts a filter, the others asking for the same total wait for its answer rather
/// than count it again: after a write, four clients on a 1M-row ledger would otherwise run four
/// scans of a second each at once.
/// `version` is read before anything is counted (see [`crate::count_cache`]).
async fn cached_total(
    db: &crate::Db,
    version: crate::count_cache::DataVersion,
    from_where: &str,
    args: &[Arg],
) -> crate::StoreResult<i64> {
    let count_sql = format!("SELECT COUNT(*) {from_where}");
    let key = format!("{count_sql}\u{0}{args:?}");
    if let Some(total) = db.counts.get(&key, version) {
        return Ok(total);
    }
    let turn = db.counts.counting(&key);
    let _counting = turn.lock().await;
    // the request that held the turn may have counted this very version
    if let Some(total) = db.counts.get(&key, version) {
        return Ok(total);
    }
    let (total,): (i64,) = db.fetch_one(&count_sql, args.to_vec()).await?;
    db.counts.put(key, version, total);
    Ok(total)
}

/// `from` without its LEFT JOINs on a primary key (`LEFT JOIN t x ON x.id = …`) whose alias
/// nothing in `used` (the conditions and the order) or in the joins kept names. Such a join
/// adds at most one row to each row and drops none, so the key queries of a list (its ids, its
/// total, its `after` row) give the same answer without it; and SQLite plans better without
/// them: an unused `LEFT JOIN accounts` made it walk the ledger unit by unit and sort 1M rows
/// (3.1 s a page where the same query without it takes 4 ms).
pub(crate) fn prune_joins(from: &str, used: &str) -> String {
    let segments = join_segments(from);
    let mut keep = vec![true; segments.len()];
    loop {
        let mut dropped = false;
        for (k, segment) in segments.iter().enumerate() {
            let Some(alias) = keep[k].then(|| optional_key_join(segment)).flatten() else { continue };
            let named_by_a_kept_join =
                segments.iter().enumerate().any(|(j, other)| j != k && keep[j] && mentions(other, alias));
            if !mentions(used, alias) && !named_by_a_kept_join {
                keep[k] = false;
                dropped = true;
            }
        }
        if !dropped {
            return segments.iter().zip(keep).filter(|(_, kept)| *kept).map(|(s, _)| *s).collect();
        }
    }
}

/// `from` cut before each of its joins: `[" FROM t a", " JOIN u b ON …", " LEFT JOIN …"]`.
fn join_segments(from: &str) -> Vec<&str> {
    let mut cuts = vec![0];
    let mut searched = 0;
    while let Some(found) = from[searched..].find(" JOIN ") {
        let at = searched + found;
        cuts.push(if from[..at].ends_with(" LEFT") { at - " LEFT".len() } else { at });
        searched = at + " JOIN ".len();
    }
    cuts.push(from.len());
    cuts.windows(2).map(|w| &from[w[0]..w[1]]).collect()
}

/// The alias of a segment ` LEFT JOIN table alias ON alias.id = expr` (nothing more in it).
fn optional_key_join(segment: &str) -> Option<&str> {
    let mut words = segment.strip_prefix(" LEFT JOIN ")?.split_whitespace();
    let (_table, alias) = (words.next()?, words.next()?);
    let on_key = words.next()? == "ON" && words.next()? == format!("{alias}.id") && words.next()? == "=";
    (on_key && words.next().is_some() && words.next().is_none()).then_some(alias)
}

/// `text` names `alias.` as a qualifier (not as the end of a longer name: `pl.` is not `l.`).
fn mentions(text: &str, alias: &str) -> bool {
    text.match_indices(&format!("{alias}."))
        .any(|(at, _)| !text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_'))
}

/// Runs a paged list query: `SELECT COUNT(*) {from_where}` for the total, then
/// `SELECT {cols} {from_where} ORDER BY {order}` with LIMIT/OFFSET appended as placeholders.
/// `paging` None returns every row (exports). `from_where` holds the builder's placeholders.
pub async fn fetch_page<T: crate::FromDbRow>(
    db: &crate::Db,
    cols: &str,
    from_where: &str,
    order: &str,
    args: Vec<Arg>,
    paging: Option<crate::Paging>,
) -> crate::StoreResult<crate::Page<T>> {
    let total = cached_total(db, db.data_version().await?, from_where, &args).await?;
    if let Some(p) = paging.filter(|p| p.offset() >= total) {
        // past the last page (page=99999999): nothing to read, and no offset to walk
        return Ok(crate::Page::new(vec![], total, p.page, p.per_page));
    }
    let mut a = args;
    let n = a.len();
    let (limit, page, per_page) = match paging {
        Some(p) => {
            a.push(p.per_page.into());
            a.push(p.offset().into());
            (format!(" LIMIT ${} OFFSET ${}", n + 1, n + 2), p.page, p.per_page)
        }
        None => (String::new(), 1, total.max(1)),
    };
    let items = db.fetch_all(&format!("SELECT {cols} {from_where} ORDER BY {order}{limit}"), a).await?;
    Ok(crate::Page::new(items, total, page, per_page))
}

/// The order of a list read by keyset: sort keys that are never NULL, the last of them the
/// row's id, all ascending or all descending — so that "the rows after row X" is one row-value
/// comparison an index on the keys can serve.
#[derive(Debug, Clone, Copy)]
pub struct SeekOrder {
    pub keys: &'static [&'static str],
    pub desc: bool,
}

impl SeekOrder {
    pub fn order_by(&self) -> String {
        let dir = if self.desc { " DESC" } else { "" };
        self.keys.iter().map(|k| format!("{k}{dir}")).collect::<Vec<_>>().join(", ")
    }

    fn id(&self) -> &'static str {
        self.keys.last().expect("a seek order ends in the id")
    }
}

/// The table alias a key is read from (`u` of `u.sort_path`).
fn table_of(key: &str) -> &str {
    key.split_once('.').map_or(key, |(table, _)| table)
}

/// A list query in parts, for [`fetch_seek_page`]: `SELECT {cols} {from} {q's WHERE}`.
pub struct ListSql<'a> {
    pub cols: &'a str,
    /// `FROM table alias JOIN …`, without the WHERE
    pub from: &'a str,
    pub q: QueryBuilder,
    pub order: SeekOrder,
}

/// Like [`fetch_page`], for the long lists, in two steps: the ids of the page (a narrow query an
/// index on the order can serve, stopping after one page), then those rows with every column
/// (the correlated look-ups of `cols` run for 50 rows, not for every row sorted or skipped).
/// With `paging.after` the page starts after that row by keyset, so a deep page costs what the
/// first does; `page` then only numbers it; `paging.before` likewise ends the page before that
/// row. The answer's `next_after` is the page's last id, its `prev_before` its first.
/// Without `after`, a page starts from where the deepest page at or before it was found to start
/// since the data last changed (an anchor), skipping only the rows between: the first reader of
/// page 2,000 walks 100,000 index entries, the next ones seek.
pub async fn fetch_seek_page<T: crate::FromDbRow>(
    db: &crate::Db,
    list: ListSql<'_>,
    paging: Option<crate::Paging>,
) -> crate::StoreResult<crate::Page<T>> {
    let keys = Keys { from: list.from, order: list.order };
    fetch_seek_page_by(db, list, keys, paging).await
}

/// Where [`fetch_seek_page_by`] reads a page's ids, total and `after` row from.
pub struct Keys<'a> {
    /// `FROM …` that the list's conditions (`q`) are written over, joining every table of the
    /// list's own `from` (without paging, every row is read from it)
    pub from: &'a str,
    /// giving the rows in the same order as the list's own
    pub order: SeekOrder,
}

/// [`fetch_seek_page`] with the ids read from `keys` instead of the list's own `from`: a table
/// whose index holds the list's order for one condition (people found by one gram: the grams
/// carry their unit's place in the tree), walked in order and stopped after a page instead of
/// every match sorted. `list.q`'s conditions are over `keys.from`; the page's rows are then read
/// by id from `list.from`, in `list.order`.
pub async fn fetch_seek_page_by<T: crate::FromDbRow>(
    db: &crate::Db,
    list: ListSql<'_>,
    keys: Keys<'_>,
    paging: Option<crate::Paging>,
) -> crate::StoreResult<crate::Page<T>> {
    let ListSql { cols, from, mut q, order: rows_order } = list;
    let Keys { from: keys_from, order } = keys;
    let order_by = order.order_by();
    let Some(p) = paging else {
        // exports: every row
        let sql = format!("SELECT {cols} {keys_from}{} ORDER BY {order_by}", q.where_clause());
        let items = db.fetch_all(&sql, q.args()).await?;
        let total = items.len() as i64;
        return Ok(crate::Page::new(items, total, 1, total.max(1)));
    };
    // the ids, the total and the `after` row are read without the joins only `cols` needs
    let key_from = prune_joins(keys_from, &format!("{}{order_by}", q.where_clause()));
    let version = db.data_version().await?;
    let total = cached_total(db, version, &format!("{key_from}{}", q.where_clause()), &q.args()).await?;
    let filter = format!("{key_from}{} ORDER BY {order_by}\u{0}{:?}", q.where_clause(), q.args());
    let by_offset = p.after.is_none() && p.before.is_none();
    if by_offset && p.offset() >= total {
        // past the last page (page=99999999): nothing to read, and no offset to walk
        return Ok(crate::Page::new(vec![], total, p.page, p.per_page));
    }
    let Start { seek, skip } = page_start(db, &filter, version, p, order);
    // backwards, the rows before `before` are read nearest first, then turned round
    let walk = seek.map_or(order, |(_, walk)| walk);
    if let Some((from_row, walk)) = seek {
        seek_past(&mut q, &key_from, walk, from_row);
    }
    // a page by offset that skips rows reads the row before it too: where it starts, remembered
    let lead = i64::from(by_offset && skip > 0);
    let limit = q.bind(p.per_page + lead);
    let skip = q.bind(skip - lead);
    let sql = format!(
        "SELECT {} {key_from}{} ORDER BY {} LIMIT {limit} OFFSET {skip}",
        order.id(),
        q.where_clause(),
        walk.order_by()
    );
    let mut ids: Vec<i64> = db.fetch_all::<(i64,)>(&sql, q.args()).await?.into_iter().map(|r| r.0).collect();
    if walk.desc != order.desc {
        ids.reverse();
    }
    if lead == 1 && !ids.is_empty() {
        db.counts.put_anchor(&filter, version, p.offset(), ids.remove(0));
    }
    let full = ids.len() as i64 == p.per_page;
    if by_offset && full {
        db.counts.put_anchor(&filter, version, p.offset() + p.per_page, ids[ids.len() - 1]);
    }
    let next_after = ids.last().copied().filter(|_| full);
    // backwards, a short page is the first: nothing is before it
    let prev_before = ids.first().copied().filter(|_| p.page > 1 && (p.before.is_none() || full));
    let mut rows = QueryBuilder::new();
    ids_in(&mut rows, rows_order.id(), &ids);
    let items = if ids.is_empty() {
        vec![]
    } else {
        let rows_order_by = rows_order.order_by();
        db.fetch_all(&format!("SELECT {cols} {from}{} ORDER BY {rows_order_by}", rows.where_clause()), rows.args())
            .await?
    };
    Ok(crate::Page { items, total, page: p.page, per_page: p.per_page, next_after, prev_before })
}

/// Where a page is read from: the row it follows in the order walked (the list's, or the
/// reverse for `before`), then how many rows are skipped after that.
struct Start {
    seek: Option<(i64, SeekOrder)>,
    skip: i64,
}

/// By `after` or `before`, the page starts at that row; by offset, from the deepest anchor at or
/// before it that the filter has at this data version (see `count_cache`), else from the top.
fn page_start(
    db: &crate::Db,
    filter: &str,
    version: crate::count_cache::DataVersion,
    p: crate::Paging,
    order: SeekOrder,
) -> Start {
    match (p.after, p.before) {
        (Some(after), _) => Start { seek: Some((after, order)), skip: 0 },
        (None, Some(before)) => Start { seek: Some((before, SeekOrder { desc: !order.desc, ..order })), skip: 0 },
        (None, None) => match db.counts.anchor_at_or_before(filter, version, p.offset()) {
            Some((at, id)) => Start { seek: Some((id, order)), skip: p.offset() - at },
            None => Start { seek: None, skip: p.offset() },
        },
    }
}

/// Restricts `q` to the rows after the row `after` in `order` (before it, descending). The row
/// named by `after` is read under the list's own conditions (scope included, the same
/// placeholders): a row the reader cannot see answers an empty page, so its place in the order
/// (a date, a unit) cannot be probed.
fn seek_past(q: &mut QueryBuilder, key_from: &str, order: SeekOrder, after: i64) {
    let keys = order.keys.join(", ");
    let cmp = if order.desc { "<" } else { ">" };
    let conditions = q.where_clause();
    let within = if conditions.is_empty() { " WHERE".to_string() } else { format!("{conditions} AND") };
    q.and(&format!("({keys}) {cmp} (SELECT {keys} {key_from}{within} {} = ?)", order.id()), crate::args![after]);
    if let [first, _, ..] = order.keys {
        if table_of(first) != table_of(order.id()) {
            // the first key alone as well, which an index can start from: PostgreSQL does not
            // start a scan at a row value spanning two tables ((u.sort_path, p.id) > …) and
            // walked every unit before the page (people, page 500 by `after`: 93 -> 0.2 ms)
            q.and(
                &format!("{first} {cmp}= (SELECT {first} {key_from}{within} {} = ?)", order.id()),
                crate::args![after],
            );
        }
    }
}

/// Who reads: the 纪检监察组 (every record in its scope) or a person (their own only).
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    Group(&'a crate::Scope),
    Own(i64),
}

impl Reader<'_> {
    /// Adds the reader's condition on a record of person `p` (joined with its unit `u`).
    pub fn restrict(&self, q: &mut QueryBuilder) {
        match self {
            Reader::Group(scope) => scope.restrict(q, "u.path", "u.id", Some("p.id")),
            Reader::Own(pid) => {
                q.and("p.id = ?", crate::args![*pid]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut q = QueryBuilder::new();
        q.and("a = ?", vec![Arg::from(1i64)]);
        q.and("(b LIKE ? OR c LIKE ?)", vec![Arg::from("x"), Arg::from("y")]);
        assert_eq!(q.where_clause(), " WHERE a = $1 AND (b LIKE $2 OR c LIKE $3)");
        assert_eq!(q.bind(5i64), "$4");
    }

    #[test]
    fn unused_joins_are_left_out_of_the_key_query() {
        let from =
            " FROM tasks t JOIN units lu ON lu.id = t.lead_unit_id LEFT JOIN people lp ON lp.id = t.lead_person_id \
            LEFT JOIN tasks pt ON pt.id = t.parent_id LEFT JOIN units plu ON plu.id = pt.lead_unit_id \
            LEFT JOIN accounts a ON a.id = t.account_id AND a.active = TRUE";
        // inner joins filter rows and a join on more than the key may too: both stay
        assert_eq!(
            prune_joins(from, " WHERE t.year = $1 ORDER BY t.id"),
            " FROM tasks t JOIN units lu ON lu.id = t.lead_unit_id \
            LEFT JOIN accounts a ON a.id = t.account_id AND a.active = TRUE"
        );
        // a join named by the conditions stays, and so does the join it depends on
        let kept = prune_joins(from, " WHERE plu.path >= $1 ORDER BY t.id");
        assert!(kept.contains("LEFT JOIN tasks pt") && kept.contains("LEFT JOIN units plu"), "{kept}");
        assert!(!kept.contains("people lp"), "{kept}");
        // `lp.` inside `plp.` is not a mention of lp
        assert!(!prune_joins(from, " WHERE plp.x = 1").contains("people lp"));
        assert!(prune_joins(from, " WHERE (lp.name LIKE $1)").contains("people lp"));
        assert_eq!(prune_joins("FROM audit_log", " ORDER BY id"), "FROM audit_log");
    }

    #[test]
    fn like_is_escaped() {
        assert_eq!(like_contains("5%_\\"), "%5\\%\\_\\\\%");
    }

    #[test]
    fn subtree_range_covers_exactly_the_subtree() {
        let (lo, hi) = subtree_range("/1/5/");
        for inside in ["/1/5/", "/1/5/9/", "/1/5/99/3/"] {
            assert!(inside >= lo.as_str() && inside < hi.as_str(), "{inside}");
        }
        for outside in ["/1/50/", "/1/4/", "/1/", "/1/6/"] {
            assert!(!(outside >= lo.as_str() && outside < hi.as_str()), "{outside}");
        }
    }
}

/// Which records a list shows with respect to voiding (作废).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Voided {
    /// the live records: what every list and count shows unless asked otherwise
    #[default]
    Live,
    /// only the voided ones (the lists' 已作废 filter)
    Only,
    /// both (reading one record by id)
    Any,
}

impl Voided {
    /// `voided=true` in a query string asks for the voided records.
    pub fn only(flag: bool) -> Self {
        if flag {
            Voided::Only
        } else {
            Voided::Live
        }
    }

    /// Adds the condition on the table's `voided_at` column (`column`).
    pub fn restrict(self, q: &mut QueryBuilder, column: &str) {
        match self {
            Voided::Live => q.and(&format!("{column} IS NULL"), vec![]),
            Voided::Only => q.and(&format!("{column} IS NOT NULL"), vec![]),
            Voided::Any => q,
        };
    }
}
