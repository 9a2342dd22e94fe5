//! The fulfilment engine (落实情况): given the ledger entries credited to a responsibility item,
//! how far the item is fulfilled in a year, as of a date, and how the fulfilment rate falls from
//! the leadership to the staff (上热中温下冷).
//!
//! # Periods
//!
//! A requirement is "`count` times per `Period`". A year splits into calendar windows: one year,
//! two half-years, four quarters or twelve months; each window runs from its first day to its
//! last day inclusive, and its last day is its due date.
//!
//! # The state of one period window, as of a date
//!
//! Only entries dated inside the window and not after `as_of` count (an as-of view never sees
//! the future); two entries on one day are two entries. With `done` the count and `required`
//! the requirement, the first matching rule wins:
//!
//! 1. `done >= required` → [`State::Completed`] (已完成, green), even before the due date;
//! 2. `as_of >= end` → [`State::Overdue`] (滞后, red): as RULES.md says, an unfinished item turns
//!    red on its deadline, and the supervisor sees it (the window joins the rate the day after);
//! 3. `end - as_of <= lead_days` (in days) → [`State::DueSoon`] (临期, yellow): with `lead_days`
//!    5 that is the five days before the due date; with 0, never;
//! 4. `done == 0` → [`State::NotStarted`] (未开展, grey);
//! 5. otherwise → [`State::Normal`] (正常, blue): some done, not yet due.
//!
//! # The state of an item
//!
//! Windows that start after `as_of` are left out. The item's state is the worst state of the
//! windows that have started ([`State`] is ordered by severity, so `max()` is the worst); it is
//! `Completed` only when every started window is. Before its first window starts an item has
//! nothing to show yet and is [`State::NotStarted`], with no windows.
//!
//! # Rates
//!
//! `required` and `done` add up the started windows, `done` capped at `required` per window (a
//! fourth meeting does not make up for a missing one elsewhere). The rate counts only windows
//! that are due (`end < as_of`) or already completed, so that work still in time neither lowers
//! the rate nor is reported as missing: `rate = due_done / due_required`, `None` when nothing is
//! due yet.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::responsibility::{keyed_enum, Level, Period, Requirement};

/// Days before a due date when an item turns 临期 and reminders go out (`RULES.md`: 5 days).
pub const DEFAULT_LEAD_DAYS: u32 = 5;

/// A fall of more than this many percentage points from one level to the next is flagged.
pub const DEFAULT_DROP_THRESHOLD: f64 = 15.0;

/// One calendar window of a period within a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PeriodWindow {
    /// 1-based within the year.
    pub index: u32,
    pub start: NaiveDate,
    /// Inclusive: the due date.
    pub end: NaiveDate,
}

impl PeriodWindow {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

fn first_of_month(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).expect("year within chrono's range")
}

/// The windows of `per` in `year`, in order, covering the year without gaps or overlaps:
/// 1 for a year, 2 half-years, 4 quarters, 12 months.
pub fn windows(year: i32, per: Period) -> Vec<PeriodWindow> {
    (1..=per.per_year()).map(|index| window(year, per, index).expect("index in range")).collect()
}

/// The window of `per` in `year` with the 1-based `index`, or `None` when out of range.
pub fn window(year: i32, per: Period, index: u32) -> Option<PeriodWindow> {
    if index == 0 || index > per.per_year() {
        return None;
    }
    let months = per.months();
    let start = first_of_month(year, (index - 1) * months + 1);
    let end = if index == per.per_year() {
        NaiveDate::from_ymd_opt(year, 12, 31).expect("year within chrono's range")
    } else {
        first_of_month(year, index * months + 1).pred_opt().expect("not the first day of time")
    };
    Some(PeriodWindow { index, start, end })
}

/// The 1-based index of the window of `per` that contains `date` (within `date`'s year).
pub fn window_of(date: NaiveDate, per: Period) -> u32 {
    date.month0() / per.months() + 1
}

keyed_enum!(
    /// The state of a period or an item. Ordered by severity, so `max()` is the worst.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum State {
        /// 已完成: the requirement is met.
        Completed = ("completed", "已完成"),
        /// 正常: some done, not yet due.
        Normal = ("normal", "正常"),
        /// 未开展: nothing done, not yet due.
        NotStarted = ("not_started", "未开展"),
        /// 临期: not met, due within the lead days.
        DueSoon = ("due_soon", "临期"),
        /// 滞后: not met, past the due date.
        Overdue = ("overdue", "滞后"),
    }
);

impl State {
    /// The colour pages and charts use for the state.
    pub fn color(self) -> &'static str {
        match self {
            State::Completed => "green",
            State::Normal => "blue",
            State::NotStarted => "grey",
            State::DueSoon => "yellow",
            State::Overdue => "red",
        }
    }
}

/// The state of `done` out of `required` for something due on `due` (inclusive), as of a date:
/// the rules listed in the module documentation. Also usable for single deadlines.
pub fn deadline_state(required: u32, done: u32, due: NaiveDate, as_of: NaiveDate, lead_days: u32) -> State {
    if done >= required {
        State::Completed
    } else if as_of >= due {
        State::Overdue
    } else if (due - as_of).num_days() <= i64::from(lead_days) {
        State::DueSoon
    } else if done == 0 {
        State::NotStarted
    } else {
        State::Normal
    }
}

/// One started window of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodStatus {
    pub index: u32,
    pub start: NaiveDate,
    pub due: NaiveDate,
    pub required: u32,
    /// Entries counted, capped at `required`.
    pub done: u32,
    /// Entries in the window up to `as_of`, uncapped (three meetings show as three).
    pub entries: u32,
    pub state: State,
}

/// One item for one year, as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemStatus {
    /// The windows that have started by `as_of`, in order.
    pub periods: Vec<PeriodStatus>,
    /// The worst state over `periods`; `NotStarted` when no window has started.
    pub state: State,
    /// Over `periods`.
    pub required: u32,
    /// Over `periods`, capped at `required` in each.
    pub done: u32,
    /// Over the windows that are due (`end < as_of`) or completed: these feed the rate.
    pub due_required: u32,
    pub due_done: u32,
    /// The due date of the earliest window of the year not yet completed (it may be past).
    pub next_due: Option<NaiveDate>,
}

impl ItemStatus {
    /// `due_done / due_required`, between 0 and 1; `None` when nothing is due yet.
    pub fn rate(&self) -> Option<f64> {
        ratio(self.due_done, self.due_required)
    }
}

fn ratio(done: u32, required: u32) -> Option<f64> {
    (required > 0).then(|| f64::from(done) / f64::from(required))
}

/// Evaluates one item for one year as of a date, given the dates of the ledger entries credited
/// to it (any order, any year: only those inside `year` and not after `as_of` count).
pub fn evaluate(year: i32, req: Requirement, credited: &[NaiveDate], as_of: NaiveDate, lead_days: u32) -> ItemStatus {
    let all = windows(year, req.per);
    let mut counts = vec![0u32; all.len()];
    for &d in credited {
        if d.year() == year && d <= as_of {
            let slot = &mut counts[window_of(d, req.per) as usize - 1];
            *slot = slot.saturating_add(1);
        }
    }
    let next_due = all.iter().zip(&counts).find(|(_, &n)| n < req.count).map(|(w, _)| w.end);

    let mut status = ItemStatus {
        periods: Vec::new(),
        state: State::NotStarted,
        required: 0,
        done: 0,
        due_required: 0,
        due_done: 0,
        next_due,
    };
    for (w, &entries) in all.iter().zip(&counts).take_while(|(w, _)| w.start <= as_of) {
        let done = entries.min(req.count);
        let state = deadline_state(req.count, entries, w.end, as_of, lead_days);
        status.required += req.count;
        status.done += done;
        if state == State::Completed || w.end < as_of {
            status.due_required += req.count;
            status.due_done += done;
        }
        status.periods.push(PeriodStatus {
            index: w.index,
            start: w.start,
            due: w.end,
            required: req.count,
            done,
            entries,
            state,
        });
    }
    if let Some(worst) = status.periods.iter().map(|p| p.state).max() {
        status.state = worst;
    }
    status
}

/// A roll-up of items (a person, a unit, a level).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    pub items: u32,
    /// Over started windows, as in [`ItemStatus`].
    pub required: u32,
    pub done: u32,
    /// Over due or completed windows: these feed the rate.
    pub due_required: u32,
    pub due_done: u32,
    /// Items by state; states with no items are absent.
    pub by_state: BTreeMap<State, u32>,
}

impl Tally {
    pub fn add(&mut self, s: &ItemStatus) {
        self.items += 1;
        self.required += s.required;
        self.done += s.done;
        self.due_required += s.due_required;
        self.due_done += s.due_done;
        *self.by_state.entry(s.state).or_default() += 1;
    }

    pub fn merge(&mut self, other: &Tally) {
        self.items += other.items;
        self.required += other.required;
        self.done += other.done;
        self.due_required += other.due_required;
        self.due_done += other.due_done;
        for (&state, &n) in &other.by_state {
            *self.by_state.entry(state).or_default() += n;
        }
    }

    /// `due_done / due_required` over the due or completed windows of all items.
    pub fn rate(&self) -> Option<f64> {
        ratio(self.due_done, self.due_required)
    }

    /// Number of items in `state`.
    pub fn count(&self, state: State) -> u32 {
        self.by_state.get(&state).copied().unwrap_or(0)
    }

    /// The worst state among the items, `None` for an empty tally.
    pub fn worst(&self) -> Option<State> {
        self.by_state.keys().next_back().copied()
    }
}

/// The 上热中温下冷 indicator: the fall in fulfilment rate from one level to the next.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PressureDrop {
    pub from: Level,
    pub to: Level,
    /// Rates between 0 and 1.
    pub from_rate: f64,
    pub to_rate: f64,
    /// `(from_rate - to_rate) * 100` in percentage points, rounded to 6 decimals so that
    /// floating-point noise does not push an exact threshold over; negative when the rate rises.
    pub drop_points: f64,
    /// `drop_points > threshold_points`.
    pub flagged: bool,
}

/// The drops Leadership → Middle and Middle → Staff, in that order. A pair is skipped when either
/// level is missing or has no rate yet.
pub fn pressure_drops(by_level: &BTreeMap<Level, Tally>, threshold_points: f64) -> Vec<PressureDrop> {
    const PAIRS: [(Level, Level); 2] = [(Level::Leadership, Level::Middle), (Level::Middle, Level::Staff)];
    let rate = |l: Level| by_level.get(&l).and_then(Tally::rate);
    PAIRS
        .iter()
        .filter_map(|&(from, to)| {
            let (from_rate, to_rate) = (rate(from)?, rate(to)?);
            let drop_points = ((from_rate - to_rate) * 100.0 * 1e6).round() / 1e6;
            Some(PressureDrop { from, to, from_rate, to_rate, drop_points, flagged: drop_points > threshold_points })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn days_of(year: i32) -> impl Iterator<Item = NaiveDate> {
        d(year, 1, 1).iter_days().take_while(move |x| x.year() == year)
    }

    const Q1: Requirement = Requirement::new(1, Period::Quarter);
    const Q2: Requirement = Requirement::new(2, Period::Quarter);
    const L: u32 = DEFAULT_LEAD_DAYS;

    fn states(s: &ItemStatus) -> Vec<State> {
        s.periods.iter().map(|p| p.state).collect()
    }

    // ---- windows ----

    #[test]
    fn windows_cover_every_year_exactly() {
        for year in [1900, 2000, 2023, 2024, 2025, 2026, 2100] {
            let year_days = if d(year, 12, 31).ordinal() == 366 { 366 } else { 365 };
            for &per in Period::ALL {
                let ws = windows(year, per);
                assert_eq!(ws.len() as u32, per.per_year(), "{year} {per:?}");
                assert_eq!(ws[0].start, d(year, 1, 1));
                assert_eq!(ws.last().unwrap().end, d(year, 12, 31));
                let mut total = 0;
                for (i, w) in ws.iter().enumerate() {
                    assert_eq!(w.index as usize, i + 1);
                    assert!(w.start <= w.end);
                    assert_eq!(w.start.day(), 1, "windows start on the 1st");
                    assert_eq!(w.end.succ_opt().unwrap().day(), 1, "windows end on a month end");
                    assert_eq!(w.start.month0() % per.months(), 0);
                    if i > 0 {
                        assert_eq!(ws[i - 1].end.succ_opt().unwrap(), w.start, "gap or overlap in {year} {per:?}");
                    }
                    assert_eq!(window(year, per, w.index), Some(*w));
                    total += (w.end - w.start).num_days() + 1;
                }
                assert_eq!(total, year_days, "{year} {per:?}");
                assert_eq!(window(year, per, 0), None);
                assert_eq!(window(year, per, per.per_year() + 1), None);
            }
        }
    }

    #[test]
    fn windows_known_dates() {
        let q = windows(2024, Period::Quarter);
        assert_eq!((q[0].start, q[0].end), (d(2024, 1, 1), d(2024, 3, 31)));
        assert_eq!((q[1].start, q[1].end), (d(2024, 4, 1), d(2024, 6, 30)));
        assert_eq!((q[2].start, q[2].end), (d(2024, 7, 1), d(2024, 9, 30)));
        assert_eq!((q[3].start, q[3].end), (d(2024, 10, 1), d(2024, 12, 31)));
        let h = windows(2026, Period::HalfYear);
        assert_eq!((h[0].end, h[1].start), (d(2026, 6, 30), d(2026, 7, 1)));
        let m = windows(2024, Period::Month);
        assert_eq!(m[1].end, d(2024, 2, 29));
        assert_eq!(windows(2026, Period::Month)[1].end, d(2026, 2, 28));
        assert_eq!(windows(2100, Period::Month)[1].end, d(2100, 2, 28));
        assert_eq!(windows(2000, Period::Month)[1].end, d(2000, 2, 29));
        assert_eq!(m[3].end, d(2024, 4, 30));
        assert_eq!(m[11], PeriodWindow { index: 12, start: d(2024, 12, 1), end: d(2024, 12, 31) });
        assert_eq!(
            windows(2026, Period::Year),
            vec![PeriodWindow { index: 1, start: d(2026, 1, 1), end: d(2026, 12, 31) }]
        );
    }

    #[test]
    fn window_of_agrees_with_windows_on_every_day() {
        for year in [2024, 2026] {
            let mut n = 0;
            for day in days_of(year) {
                n += 1;
                for &per in Period::ALL {
                    let ws = windows(year, per);
                    let i = window_of(day, per);
                    assert!(ws[i as usize - 1].contains(day), "{day} {per:?}");
                    assert_eq!(ws.iter().filter(|w| w.contains(day)).count(), 1, "{day} {per:?}");
                }
            }
            assert_eq!(n, if year == 2024 { 366 } else { 365 });
        }
    }

    #[test]
    fn window_of_boundaries() {
        assert_eq!(window_of(d(2026, 1, 1), Period::Quarter), 1);
        assert_eq!(window_of(d(2026, 3, 31), Period::Quarter), 1);
        assert_eq!(window_of(d(2026, 4, 1), Period::Quarter), 2);
        assert_eq!(window_of(d(2026, 12, 31), Period::Quarter), 4);
        assert_eq!(window_of(d(2026, 6, 30), Period::HalfYear), 1);
        assert_eq!(window_of(d(2026, 7, 1), Period::HalfYear), 2);
        assert_eq!(window_of(d(2024, 2, 29), Period::Month), 2);
        assert_eq!(window_of(d(2026, 12, 31), Period::Month), 12);
        assert_eq!(window_of(d(2026, 12, 31), Period::Year), 1);
    }

    // ---- state rules ----

    #[test]
    fn state_labels_colours_and_severity() {
        let all = State::ALL.to_vec();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(sorted, all, "declared from best to worst");
        assert_eq!(all.iter().copied().max(), Some(State::Overdue));
        assert!(State::DueSoon > State::NotStarted && State::NotStarted > State::Normal);
        assert!(State::Normal > State::Completed);
        let colours: Vec<_> = all.iter().map(|s| s.color()).collect();
        assert_eq!(colours, ["green", "blue", "grey", "yellow", "red"]);
        let labels: Vec<_> = all.iter().map(|s| s.label()).collect();
        assert_eq!(labels, ["已完成", "正常", "未开展", "临期", "滞后"]);
        assert_eq!(State::parse("due_soon"), Some(State::DueSoon));
        assert_eq!(State::parse("滞后"), Some(State::Overdue));
    }

    #[test]
    fn deadline_state_rules_and_boundaries() {
        let due = d(2026, 3, 31);
        // completed wins, before, on and after the due date
        for as_of in [d(2026, 1, 1), due, d(2026, 4, 1), d(2027, 1, 1)] {
            assert_eq!(deadline_state(1, 1, due, as_of, L), State::Completed);
            assert_eq!(deadline_state(1, 3, due, as_of, L), State::Completed, "done > required");
            assert_eq!(deadline_state(0, 0, due, as_of, L), State::Completed, "nothing required");
        }
        // on the due date an unfinished item turns red (RULES.md: reminders)
        assert_eq!(deadline_state(1, 0, due, due, L), State::Overdue);
        assert_eq!(deadline_state(1, 0, due, due, 0), State::Overdue);
        assert_eq!(deadline_state(1, 0, due, d(2026, 3, 30), 0), State::NotStarted);
        assert_eq!(deadline_state(1, 0, due, d(2026, 4, 1), L), State::Overdue);
        assert_eq!(deadline_state(1, 0, due, d(2026, 4, 1), 0), State::Overdue);
        assert_eq!(deadline_state(2, 1, due, d(2026, 4, 1), L), State::Overdue, "partly done is still late");
        // lead days boundary: exactly `lead` days before is due soon, one more is not
        assert_eq!(deadline_state(1, 0, due, d(2026, 3, 26), 5), State::DueSoon);
        assert_eq!(deadline_state(1, 0, due, d(2026, 3, 25), 5), State::NotStarted);
        assert_eq!(deadline_state(2, 1, due, d(2026, 3, 26), 5), State::DueSoon);
        assert_eq!(deadline_state(2, 1, due, d(2026, 3, 25), 5), State::Normal);
        // lead days 0: only the due date
        assert_eq!(deadline_state(1, 0, due, d(2026, 3, 30), 0), State::NotStarted);
        assert_eq!(deadline_state(2, 1, due, d(2026, 3, 30), 0), State::Normal);
        // a lead longer than the window: due soon from the start
        assert_eq!(deadline_state(1, 0, due, d(2026, 1, 1), 100), State::DueSoon);
        assert_eq!(deadline_state(1, 0, due, d(2026, 1, 1), u32::MAX), State::DueSoon);
    }

    #[test]
    fn quarter_item_through_the_first_quarter() {
        let none: &[NaiveDate] = &[];
        let s = evaluate(2026, Q1, none, d(2026, 1, 10), L);
        assert_eq!(states(&s), [State::NotStarted]);
        assert_eq!(s.state, State::NotStarted);
        assert_eq!((s.required, s.done, s.due_required, s.due_done), (1, 0, 0, 0));
        assert_eq!(s.rate(), None, "nothing due yet");
        assert_eq!(s.next_due, Some(d(2026, 3, 31)));
        assert_eq!(s.periods[0].start, d(2026, 1, 1));
        assert_eq!(s.periods[0].due, d(2026, 3, 31));

        assert_eq!(evaluate(2026, Q1, none, d(2026, 3, 25), L).state, State::NotStarted);
        assert_eq!(evaluate(2026, Q1, none, d(2026, 3, 26), L).state, State::DueSoon);
        let on_due = evaluate(2026, Q1, none, d(2026, 3, 31), L);
        assert_eq!(on_due.state, State::Overdue, "red on the due date (RULES.md)");
        assert_eq!(on_due.rate(), None, "the window counts toward the rate only once it has ended");

        let after = evaluate(2026, Q1, none, d(2026, 4, 1), L);
        assert_eq!(states(&after), [State::Overdue, State::NotStarted]);
        assert_eq!(after.state, State::Overdue);
        assert_eq!((after.required, after.done, after.due_required, after.due_done), (2, 0, 1, 0));
        assert_eq!(after.rate(), Some(0.0));
        assert_eq!(after.next_due, Some(d(2026, 3, 31)), "the missed window is still the earliest open one");
    }

    #[test]
    fn normal_due_soon_and_overdue_when_partly_done() {
        let e = [d(2026, 1, 5)];
        let s = evaluate(2026, Q2, &e, d(2026, 2, 1), L);
        assert_eq!(s.state, State::Normal);
        assert_eq!((s.periods[0].done, s.periods[0].entries), (1, 1));
        assert_eq!(s.rate(), None);
        assert_eq!(evaluate(2026, Q2, &e, d(2026, 3, 28), L).state, State::DueSoon);
        let late = evaluate(2026, Q2, &e, d(2026, 4, 1), L);
        assert_eq!(late.periods[0].state, State::Overdue);
        assert_eq!(late.rate(), Some(0.5));
    }

    #[test]
    fn completed_counts_at_once_and_caps_extra_entries() {
        let e = [d(2026, 1, 5)];
        // an entry dated as_of counts
        let s = evaluate(2026, Q1, &e, d(2026, 1, 5), L);
        assert_eq!(s.state, State::Completed);
        assert_eq!((s.due_required, s.due_done), (1, 1), "a completed window feeds the rate before its due date");
        assert_eq!(s.rate(), Some(1.0));
        assert_eq!(s.next_due, Some(d(2026, 6, 30)));
        // the day before, it is not seen yet
        assert_eq!(evaluate(2026, Q1, &e, d(2026, 1, 4), L).state, State::NotStarted);

        let many = [d(2026, 2, 1), d(2026, 1, 5), d(2026, 3, 31)];
        let s = evaluate(2026, Q1, &many, d(2026, 3, 31), L);
        assert_eq!(s.state, State::Completed);
        assert_eq!((s.periods[0].done, s.periods[0].entries), (1, 3));
        assert_eq!((s.required, s.done), (1, 1));
    }

    #[test]
    fn two_entries_on_one_day_are_two() {
        let e = [d(2026, 2, 10), d(2026, 2, 10)];
        let s = evaluate(2026, Q2, &e, d(2026, 2, 10), L);
        assert_eq!(s.state, State::Completed);
        assert_eq!(s.done, 2);
    }

    #[test]
    fn entries_outside_the_year_or_after_as_of_are_ignored() {
        let e = [d(2025, 12, 31), d(2027, 1, 1), d(2025, 3, 1), d(2027, 3, 1)];
        let s = evaluate(2026, Q1, &e, d(2027, 6, 1), L);
        assert_eq!(s.periods.len(), 4);
        assert!(s.periods.iter().all(|p| p.state == State::Overdue && p.entries == 0));
        assert_eq!((s.due_required, s.due_done), (4, 0));

        // a later entry does not change an earlier as-of view
        let e = [d(2026, 2, 1)];
        assert_eq!(evaluate(2026, Q1, &e, d(2026, 1, 31), L).state, State::NotStarted);
        assert_eq!(evaluate(2026, Q1, &e, d(2026, 2, 1), L).state, State::Completed);
    }

    #[test]
    fn entries_on_window_boundaries() {
        let e = [d(2026, 1, 1), d(2026, 3, 31), d(2026, 4, 1), d(2026, 12, 31)];
        let end = d(2026, 12, 31);
        let s = evaluate(2026, Q1, &e, end, L);
        let entries: Vec<_> = s.periods.iter().map(|p| p.entries).collect();
        assert_eq!(entries, [2, 1, 0, 1]);
        assert_eq!(states(&s), [State::Completed, State::Completed, State::Overdue, State::Completed]);

        let half = evaluate(2026, Requirement::new(1, Period::HalfYear), &[d(2026, 6, 30), d(2026, 7, 1)], end, L);
        assert_eq!(half.periods.iter().map(|p| p.entries).collect::<Vec<_>>(), [1, 1]);

        let month =
            evaluate(2024, Requirement::new(1, Period::Month), &[d(2024, 2, 29), d(2024, 3, 1)], d(2024, 3, 1), L);
        assert_eq!(states(&month), [State::Overdue, State::Completed, State::Completed]);

        let year = evaluate(2026, Requirement::new(1, Period::Year), &[d(2026, 12, 31)], end, L);
        assert_eq!(year.state, State::Completed);
        assert_eq!(
            evaluate(2026, Requirement::new(1, Period::Year), &[d(2026, 1, 1)], d(2026, 1, 1), L).state,
            State::Completed
        );
    }

    #[test]
    fn item_state_is_the_worst_period() {
        // Q1 done, Q2 missed, Q3 two days from its due date
        let s = evaluate(2026, Q1, &[d(2026, 2, 1)], d(2026, 9, 28), L);
        assert_eq!(states(&s), [State::Completed, State::Overdue, State::DueSoon]);
        assert_eq!(s.state, State::Overdue);
        assert_eq!(s.next_due, Some(d(2026, 6, 30)));

        // Q1 done, Q2 half done and in time
        let s = evaluate(2026, Q2, &[d(2026, 1, 2), d(2026, 3, 3), d(2026, 4, 4)], d(2026, 5, 1), L);
        assert_eq!(states(&s), [State::Completed, State::Normal]);
        assert_eq!(s.state, State::Normal);

        // Q1 done, Q2 nothing yet, in time
        let s = evaluate(2026, Q1, &[d(2026, 1, 2)], d(2026, 4, 2), L);
        assert_eq!(s.state, State::NotStarted);

        // every started window done
        let s = evaluate(2026, Q1, &[d(2026, 1, 2), d(2026, 4, 2)], d(2026, 5, 1), L);
        assert_eq!(s.state, State::Completed);
        assert_eq!(s.next_due, Some(d(2026, 9, 30)), "the next window, not yet started");
        assert_eq!(s.periods.len(), 2);

        // the whole year done
        let e: Vec<_> = [1, 4, 7, 10].iter().map(|&m| d(2026, m, 15)).collect();
        let s = evaluate(2026, Q1, &e, d(2027, 1, 1), L);
        assert_eq!(s.state, State::Completed);
        assert_eq!(s.next_due, None);
        assert_eq!(s.rate(), Some(1.0));
    }

    #[test]
    fn before_the_year_nothing_has_started() {
        let s = evaluate(2026, Q1, &[d(2025, 12, 1)], d(2025, 12, 31), L);
        assert!(s.periods.is_empty());
        assert_eq!(s.state, State::NotStarted);
        assert_eq!((s.required, s.done, s.due_required, s.due_done), (0, 0, 0, 0));
        assert_eq!(s.rate(), None);
        assert_eq!(s.next_due, Some(d(2026, 3, 31)));
    }

    #[test]
    fn rate_counts_due_or_completed_windows_and_caps_done() {
        // Q1: 3 entries (capped at 2); Q2: 1 (overdue); Q3: 2 (completed early); Q4 not started
        let e = [d(2026, 1, 1), d(2026, 2, 1), d(2026, 3, 1), d(2026, 5, 1), d(2026, 7, 2), d(2026, 7, 3)];
        let s = evaluate(2026, Q2, &e, d(2026, 8, 1), L);
        assert_eq!(states(&s), [State::Completed, State::Overdue, State::Completed]);
        assert_eq!((s.required, s.done), (6, 5));
        assert_eq!((s.due_required, s.due_done), (6, 5));
        assert_eq!(s.rate(), Some(5.0 / 6.0));

        // Q3 only half done and in time: it does not count yet
        let s = evaluate(2026, Q2, &e[..5], d(2026, 8, 1), L);
        assert_eq!(states(&s), [State::Completed, State::Overdue, State::Normal]);
        assert_eq!((s.required, s.done), (6, 4));
        assert_eq!((s.due_required, s.due_done), (4, 3));
        assert_eq!(s.rate(), Some(0.75));

        // on Q3's due date it still does not count; the day after it does
        assert_eq!(evaluate(2026, Q2, &e[..5], d(2026, 9, 30), L).due_required, 4);
        assert_eq!(evaluate(2026, Q2, &e[..5], d(2026, 10, 1), L).due_required, 6);
    }

    // ---- invariants over every day ----

    /// A small deterministic generator, so the property test needs no extra crate.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, bound: u32) -> u32 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) % u64::from(bound)) as u32
        }
    }

    fn patterns(year: i32) -> Vec<Vec<NaiveDate>> {
        let mut rng = Lcg(u64::from(year.unsigned_abs()));
        let every = |n: usize| days_of(year).step_by(n).collect::<Vec<_>>();
        let random = |rng: &mut Lcg, n: usize| -> Vec<NaiveDate> {
            (0..n).map(|_| d(year, 1, 1) + chrono::Duration::days(i64::from(rng.next(400)) - 17)).collect()
        };
        let edges: Vec<_> = (1..=12)
            .flat_map(|m| [d(year, m, 1), windows(year, Period::Month)[m as usize - 1].end])
            .chain([d(year - 1, 12, 31), d(year + 1, 1, 1)])
            .collect();
        vec![
            vec![],
            every(10),
            every(45),
            every(1),
            edges,
            random(&mut rng, 5),
            random(&mut rng, 30),
            random(&mut rng, 90),
        ]
    }

    #[test]
    fn invariants_hold_on_every_day() {
        for year in [2024, 2026] {
            for entries in patterns(year) {
                for &per in Period::ALL {
                    for count in [1, 2, 3] {
                        let req = Requirement::new(count, per);
                        for lead in [0, DEFAULT_LEAD_DAYS, 40] {
                            check_year(year, req, &entries, lead);
                        }
                    }
                }
            }
        }
    }

    fn check_year(year: i32, req: Requirement, entries: &[NaiveDate], lead: u32) {
        let all = windows(year, req.per);
        // the oracle: each window's entries, sorted, so "up to as_of" is a partition point
        let in_window: Vec<Vec<NaiveDate>> = all
            .iter()
            .map(|w| {
                let mut v: Vec<_> = entries.iter().copied().filter(|x| w.contains(*x)).collect();
                v.sort();
                v
            })
            .collect();
        let seen = |i: usize, as_of: NaiveDate| in_window[i].partition_point(|x| *x <= as_of) as u32;
        let mut prev: Option<ItemStatus> = None;
        let from = d(year - 1, 12, 20);
        for as_of in from.iter_days().take_while(|x| *x <= d(year + 1, 1, 10)) {
            let s = evaluate(year, req, entries, as_of, lead);
            let ctx = || format!("{year} {req:?} lead {lead} as of {as_of}");
            let started: Vec<_> = all.iter().filter(|w| w.start <= as_of).collect();
            assert_eq!(s.periods.len(), started.len(), "{}", ctx());
            let (mut req_sum, mut done_sum, mut due_req, mut due_done) = (0, 0, 0, 0);
            for (p, w) in s.periods.iter().zip(&started) {
                assert_eq!((p.index, p.start, p.due), (w.index, w.start, w.end), "{}", ctx());
                assert_eq!(p.entries, seen(w.index as usize - 1, as_of), "{}", ctx());
                assert_eq!(p.required, req.count);
                assert!(p.done <= p.required, "{}", ctx());
                assert_eq!(p.done, p.entries.min(p.required));
                assert_eq!(p.state == State::Completed, p.done >= p.required, "{}", ctx());
                assert_eq!(p.state == State::Overdue, p.done < p.required && as_of >= p.due, "{}", ctx());
                if p.state == State::DueSoon {
                    assert!(as_of <= p.due && (p.due - as_of).num_days() <= i64::from(lead), "{}", ctx());
                }
                if matches!(p.state, State::NotStarted | State::Normal) {
                    assert!((p.due - as_of).num_days() > i64::from(lead), "{}", ctx());
                    assert_eq!(p.state == State::NotStarted, p.done == 0, "{}", ctx());
                }
                req_sum += p.required;
                done_sum += p.done;
                if p.state == State::Completed || p.due < as_of {
                    due_req += p.required;
                    due_done += p.done;
                }
            }
            assert_eq!((s.required, s.done, s.due_required, s.due_done), (req_sum, done_sum, due_req, due_done));
            assert!(s.due_done <= s.due_required && s.due_required <= s.required, "{}", ctx());
            if let Some(r) = s.rate() {
                assert!((0.0..=1.0).contains(&r), "{}", ctx());
            }
            match s.periods.iter().map(|p| p.state).max() {
                Some(worst) => assert_eq!(s.state, worst, "{}", ctx()),
                None => assert_eq!(s.state, State::NotStarted, "{}", ctx()),
            }
            assert_eq!(
                s.state == State::Completed,
                !s.periods.is_empty() && s.periods.iter().all(|p| p.state == State::Completed),
                "{}",
                ctx()
            );
            if as_of > d(year, 12, 31) {
                assert!(matches!(s.state, State::Completed | State::Overdue), "{}", ctx());
                assert_eq!(s.due_required, s.required, "after the year everything is due");
            }
            // next_due: the earliest window not completed, counting entries up to as_of
            let open = all.iter().find(|w| seen(w.index as usize - 1, as_of) < req.count);
            assert_eq!(s.next_due, open.map(|w| w.end), "{}", ctx());
            // as days pass, nothing already done is undone
            if let Some(p) = &prev {
                assert!(s.done >= p.done && s.due_done >= p.due_done && s.due_required >= p.due_required, "{}", ctx());
                for (a, b) in p.periods.iter().zip(&s.periods) {
                    assert!(b.done >= a.done);
                    if a.state == State::Completed {
                        assert_eq!(b.state, State::Completed, "{}", ctx());
                    }
                    if a.state == State::Overdue {
                        assert!(matches!(b.state, State::Overdue | State::Completed), "{}", ctx());
                    }
                }
            }
            prev = Some(s);
        }
    }

    // ---- roll-ups ----

    fn status(req: Requirement, entries: &[NaiveDate], as_of: NaiveDate) -> ItemStatus {
        evaluate(2026, req, entries, as_of, L)
    }

    #[test]
    fn tally_adds_and_merges() {
        let as_of = d(2026, 8, 1);
        let a = status(Q1, &[d(2026, 1, 2), d(2026, 4, 2), d(2026, 7, 2)], as_of); // completed 3/3
        let b = status(Q1, &[d(2026, 1, 2)], as_of); // Q2 overdue: 1/2 due
        let c = status(Requirement::new(1, Period::Year), &[], as_of); // not started, nothing due
        assert_eq!((a.state, b.state, c.state), (State::Completed, State::Overdue, State::NotStarted));

        let mut t = Tally::default();
        assert_eq!(t.rate(), None);
        assert_eq!(t.worst(), None);
        for s in [&a, &b, &c] {
            t.add(s);
        }
        assert_eq!(t.items, 3);
        assert_eq!((t.required, t.done), (3 + 3 + 1, 3 + 1));
        assert_eq!((t.due_required, t.due_done), (3 + 2, 3 + 1));
        assert_eq!(t.rate(), Some(4.0 / 5.0));
        assert_eq!(t.count(State::Completed), 1);
        assert_eq!(t.count(State::Overdue), 1);
        assert_eq!(t.count(State::NotStarted), 1);
        assert_eq!(t.count(State::DueSoon), 0);
        assert_eq!(t.worst(), Some(State::Overdue));

        let (mut left, mut right) = (Tally::default(), Tally::default());
        left.add(&a);
        right.add(&b);
        right.add(&c);
        let mut merged = left.clone();
        merged.merge(&right);
        assert_eq!(merged, t);
        let mut other_way = right.clone();
        other_way.merge(&left);
        assert_eq!(other_way, t);
        let mut with_empty = t.clone();
        with_empty.merge(&Tally::default());
        assert_eq!(with_empty, t);

        // items with nothing due give no rate
        let mut only_c = Tally::default();
        only_c.add(&c);
        assert_eq!(only_c.rate(), None);
    }

    fn tally(due_done: u32, due_required: u32) -> Tally {
        Tally { items: 1, required: due_required, done: due_done, due_required, due_done, ..Tally::default() }
    }

    fn levels(l: Option<Tally>, m: Option<Tally>, s: Option<Tally>) -> BTreeMap<Level, Tally> {
        [(Level::Leadership, l), (Level::Middle, m), (Level::Staff, s)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }

    #[test]
    fn pressure_drops_by_level() {
        let map = levels(Some(tally(100, 100)), Some(tally(84, 100)), Some(tally(84, 100)));
        let drops = pressure_drops(&map, DEFAULT_DROP_THRESHOLD);
        assert_eq!(drops.len(), 2);
        assert_eq!((drops[0].from, drops[0].to), (Level::Leadership, Level::Middle));
        assert_eq!((drops[1].from, drops[1].to), (Level::Middle, Level::Staff));
        assert_eq!((drops[0].from_rate, drops[0].to_rate), (1.0, 0.84));
        assert_eq!(drops[0].drop_points, 16.0);
        assert!(drops[0].flagged);
        assert_eq!(drops[1].drop_points, 0.0);
        assert!(!drops[1].flagged);
    }

    #[test]
    fn pressure_drop_threshold_is_exclusive() {
        // exactly 15 points, by several fractions that are not exact in binary
        for (a, b) in [((20, 20), (17, 20)), ((19, 20), (16, 20)), ((100, 100), (85, 100)), ((3, 4), (3, 5))] {
            let map = levels(Some(tally(a.0, a.1)), Some(tally(b.0, b.1)), None);
            let drops = pressure_drops(&map, DEFAULT_DROP_THRESHOLD);
            assert_eq!(drops.len(), 1);
            assert_eq!(drops[0].drop_points, 15.0, "{a:?} {b:?}");
            assert!(!drops[0].flagged, "exactly the threshold is not flagged: {a:?} {b:?}");
        }
        // just above
        for (a, b) in [((1000, 1000), (849, 1000)), ((20, 20), (1699, 2000))] {
            let map = levels(None, Some(tally(a.0, a.1)), Some(tally(b.0, b.1)));
            let drops = pressure_drops(&map, DEFAULT_DROP_THRESHOLD);
            assert_eq!(drops.len(), 1);
            assert_eq!((drops[0].from, drops[0].to), (Level::Middle, Level::Staff));
            assert!(drops[0].drop_points > 15.0);
            assert!(drops[0].flagged, "{a:?} {b:?}");
        }
        // another threshold
        let map = levels(Some(tally(9, 10)), Some(tally(8, 10)), None);
        assert!(pressure_drops(&map, 9.99)[0].flagged);
        assert!(!pressure_drops(&map, 10.0)[0].flagged);
    }

    #[test]
    fn pressure_drops_skip_missing_rates_and_allow_rises() {
        assert!(pressure_drops(&BTreeMap::new(), DEFAULT_DROP_THRESHOLD).is_empty());
        // no middle level: neither pair can be formed
        let map = levels(Some(tally(10, 10)), None, Some(tally(1, 10)));
        assert!(pressure_drops(&map, DEFAULT_DROP_THRESHOLD).is_empty());
        // staff have nothing due yet
        let map = levels(Some(tally(10, 10)), Some(tally(5, 10)), Some(tally(0, 0)));
        let drops = pressure_drops(&map, DEFAULT_DROP_THRESHOLD);
        assert_eq!(drops.len(), 1);
        assert_eq!(drops[0].drop_points, 50.0);
        assert!(drops[0].flagged);
        // the rate rises further down: a negative drop, never flagged
        let map = levels(Some(tally(5, 10)), Some(tally(10, 10)), Some(tally(10, 10)));
        let drops = pressure_drops(&map, DEFAULT_DROP_THRESHOLD);
        assert_eq!(drops[0].drop_points, -50.0);
        assert!(!drops[0].flagged);
        assert!(!drops[1].flagged);
    }

    #[test]
    fn roll_up_from_items_to_levels() {
        let as_of = d(2026, 7, 15);
        let half = Requirement::new(1, Period::HalfYear);
        let mut by_level: BTreeMap<Level, Tally> = BTreeMap::new();
        // leadership: both did their first half-year
        for _ in 0..2 {
            by_level.entry(Level::Leadership).or_default().add(&status(half, &[d(2026, 3, 1)], as_of));
        }
        // middle: one of two
        by_level.entry(Level::Middle).or_default().add(&status(half, &[d(2026, 3, 1)], as_of));
        by_level.entry(Level::Middle).or_default().add(&status(half, &[], as_of));
        // staff: none of three
        for _ in 0..3 {
            by_level.entry(Level::Staff).or_default().add(&status(half, &[], as_of));
        }
        let drops = pressure_drops(&by_level, DEFAULT_DROP_THRESHOLD);
        let points: Vec<_> = drops.iter().map(|p| (p.drop_points, p.flagged)).collect();
        assert_eq!(points, [(50.0, true), (50.0, true)]);

        let mut whole = Tally::default();
        for t in by_level.values() {
            whole.merge(t);
        }
        assert_eq!(whole.items, 7);
        assert_eq!(whole.rate(), Some(3.0 / 7.0));
        assert_eq!(whole.count(State::Overdue), 4);
        assert_eq!(whole.count(State::NotStarted), 3, "the second half-year has started and is not done");
        assert_eq!(whole.count(State::Completed), 0);
        assert_eq!(whole.count(State::DueSoon) + whole.count(State::Normal), 0);
    }
}
