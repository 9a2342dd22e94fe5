use super::*;

fn fields() -> ReceptionFields {
    ReceptionFields {
        unit_id: Some(1),
        letter_ref: "市农业农村局函〔2026〕12号".into(),
        letter_date: "2026-03-01".into(),
        letter_unit: "市农业农村局".into(),
        guest_city: "临江市".into(),
        guests: vec![
            GuestFields { unit: "市农业农村局".into(), name: "张三".into(), post: "副局长".into() },
            GuestFields { unit: "市农业农村局".into(), name: "李四".into(), post: "科长".into() },
        ],
        purpose: "调研高标准农田建设".into(),
        starts_on: "2026-03-05".into(),
        ends_on: "2026-03-06".into(),
        venues: "县农业农村局、项目现场".into(),
        meals: vec![MealFields {
            date: "2026-03-05".into(),
            kind: "工作餐".into(),
            guests: Some(2),
            accompanying: Some(2),
            cost: "240".into(),
            venue_kind: "机关食堂".into(),
            ..Default::default()
        }],
        list_signed_by: "李明".into(),
        has_invoice: true,
        has_letter_copy: true,
        has_list: true,
        ..Default::default()
    }
}

fn rule(d: &ReceptionDraft, s: &ReceptionSettings, r: &str) -> Check {
    checks(d, s).into_iter().find(|c| c.rule == r).unwrap()
}

use crate::rules::Check;

#[test]
fn a_complete_reception_passes_every_check() {
    let d = fields().validate().unwrap();
    let all = checks(&d, &ReceptionSettings::default());
    assert_eq!(all.len(), 8);
    assert!(all.iter().all(|c| c.ok), "{all:?}");
    assert!(rule(&d, &ReceptionSettings::default(), "R-REC-7").message.contains("未设置"));
    assert_eq!(d.total_cents(), 24_000);
}

#[test]
fn rec2_every_boundary_from_1_to_40_guests() {
    for g in 1..=40_i64 {
        let max = if g <= 10 { 3 } else { (g + 2) / 3 };
        assert_eq!(max_accompanying(g), max, "{g}");
        for acc in 0..=max {
            assert!(rec2_ok(g, acc), "{g} guests, {acc} accompanying is allowed");
        }
        assert!(!rec2_ok(g, max + 1), "{g} guests, {} accompanying is too many", max + 1);
        // through the whole check as well
        let mut f = fields();
        f.guest_count = Some(g);
        f.meals[0].guests = Some(g);
        f.meals[0].accompanying = Some(max);
        let d = f.validate().unwrap();
        assert!(rule(&d, &ReceptionSettings::default(), "R-REC-2").ok, "{g}/{max}");
        f.meals[0].accompanying = Some(max + 1);
        let d = f.validate().unwrap();
        let c = rule(&d, &ReceptionSettings::default(), "R-REC-2");
        assert!(!c.ok, "{g}/{}", max + 1);
        assert!(c.message.contains(&format!("上限 {max} 人")), "{}", c.message);
    }
    // the cases issue 14 names: exactly 10 allows 3 (4 is flagged), 11 guests allow 4
    assert!(rec2_ok(10, 3) && !rec2_ok(10, 4));
    assert!(rec2_ok(11, 4) && !rec2_ok(11, 5));
    assert!(rec2_ok(12, 4) && !rec2_ok(12, 5));
    assert!(rec2_ok(13, 5) && !rec2_ok(13, 6));
}

#[test]
fn bad_input_names_the_field() {
    type Spoil = Box<dyn Fn(&mut ReceptionFields)>;
    let cases: Vec<(Spoil, &str)> = vec![
        (Box::new(|f| f.meals[0].guests = Some(-1)), "meals[0].guests"),
        (Box::new(|f| f.meals[0].accompanying = Some(-2)), "meals[0].accompanying"),
        (Box::new(|f| f.meals[0].cost = "-5".into()), "meals[0].cost"),
        (Box::new(|f| f.meals[0].cost = "abc".into()), "meals[0].cost"),
        (Box::new(|f| f.accommodation_cost = "-100".into()), "accommodation_cost"),
        (Box::new(|f| f.guest_count = Some(-3)), "guest_count"),
        (Box::new(|f| f.meals[0].date = "2026-03-07".into()), "meals[0].date"),
        (Box::new(|f| f.meals[0].date = "2026-03-04".into()), "meals[0].date"),
        (Box::new(|f| f.meals[0].diners = Some(1)), "meals[0].accompanying"),
        (Box::new(|f| f.meals[0].guests = Some(3)), "meals[0].guests"),
        (Box::new(|f| f.ends_on = "2026-03-01".into()), "ends_on"),
        (Box::new(|f| f.starts_on = String::new()), "starts_on"),
        (Box::new(|f| f.unit_id = None), "unit_id"),
        (Box::new(|f| f.meals[0].kind = "夜宵".into()), "meals[0].kind"),
        (Box::new(|f| f.letter_date = "2026-02-30".into()), "letter_date"),
    ];
    for (change, field) in cases {
        let mut f = fields();
        change(&mut f);
        let e = f.validate().unwrap_err();
        assert!(e.for_field(field).is_some(), "{field}: {e:?}");
    }
}

#[test]
fn rules_that_fail() {
    let s = ReceptionSettings::default();
    let mut f = fields();
    f.letter_ref.clear();
    let d = f.validate().unwrap();
    assert!(!rule(&d, &s, "R-REC-1").ok);
    let mut f = fields();
    f.meals.push(MealFields {
        date: "2026-03-06".into(),
        guests: Some(2),
        accompanying: Some(1),
        cost: "100".into(),
        ..Default::default()
    });
    assert!(!rule(&f.validate().unwrap(), &s, "R-REC-3").ok, "two working meals");
    let mut f = fields();
    f.guests[1].unit = "市财政局".into();
    assert!(rule(&f.validate().unwrap(), &s, "R-REC-4").message.contains("李四"));
    let mut f = fields();
    f.list_signed_by.clear();
    assert!(rule(&f.validate().unwrap(), &s, "R-REC-4").message.contains("审签人"));
    let d = fields().validate().unwrap();
    let strict = ReceptionSettings { approval_required: true, ..Default::default() };
    assert!(rule(&d, &strict, "R-REC-5").message.contains("事前审批单"));
    let mut f = fields();
    f.meals[0].alcohol = true;
    let d = f.validate().unwrap();
    assert!(!rule(&d, &s, "R-REC-6").ok);
    assert!(rule(&d, &ReceptionSettings { alcohol_allowed: true, ..Default::default() }, "R-REC-6").ok);
    f.meals[0].premium = true;
    assert!(
        !rule(&f.validate().unwrap(), &ReceptionSettings { alcohol_allowed: true, ..Default::default() }, "R-REC-6").ok
    );
    // R-REC-7: 240 元 for 4 people is exactly 60 each
    let at = |yuan: i64| ReceptionSettings { meal_ceiling_cents: Some(yuan * 100), ..Default::default() };
    assert!(rule(&d, &at(60), "R-REC-7").ok);
    assert!(!rule(&d, &at(59), "R-REC-7").ok);
    // R-REC-8
    let city = |c: &str| ReceptionSettings { same_city_check: true, host_city: c.into(), ..Default::default() };
    assert!(!rule(&d, &city("临江市"), "R-REC-8").ok);
    assert!(rule(&d, &city("清河县"), "R-REC-8").ok);
    assert!(rule(&d, &s, "R-REC-8").message.contains("未启用"));
}

#[test]
fn settings_read_flags_and_the_ceiling() {
    let pairs = vec![
        (ALCOHOL_SETTING.to_string(), "是".to_string()),
        (CEILING_SETTING.to_string(), "80".to_string()),
        (SAME_CITY_SETTING.to_string(), "否".to_string()),
    ];
    let s = ReceptionSettings::from_pairs(&pairs);
    assert!(s.alcohol_allowed && !s.same_city_check && !s.approval_required);
    assert_eq!(s.meal_ceiling_cents, Some(8000));
    assert_eq!(ReceptionSettings::from_pairs(&[]).meal_ceiling_cents, None);
}
