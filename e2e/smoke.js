// Browser test: the pages people use most, in headless Chromium, against a real server.
// Usage: node smoke.js BASE_URL ADMIN_PASSWORD   (the server runs with --demo)
// Prints "N passed, M failed" and exits non-zero on any failure.
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const base = process.argv[2];
const password = process.argv[3];
const shots = process.env.SHOTS_DIR || '';
let passed = 0, failed = 0;

async function check(name, fn) {
  try { await fn(); passed++; console.log('ok   ' + name); }
  catch (e) { failed++; console.log('FAIL ' + name + ': ' + e.message); }
}
function expect(cond, msg) { if (!cond) throw new Error(msg); }

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  const outside = [];
  const errors = [];
  page.on('request', r => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url()); });
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text()); });
  const shot = async n => { if (shots) await page.screenshot({ path: path.join(shots, n + '.png'), fullPage: true }); };

  await check('login page, wrong password shows a Chinese message', async () => {
    await page.goto(base + '/login');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    expect((await page.textContent('.alert')).includes('用户名或密码错误'), 'no error message');
  });

  await check('login leads to 我的待办, and the unit tree lists the people', async () => {
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(u => new URL(u).pathname === '/');
    expect((await page.textContent('h1')).includes('我的待办'), 'the home page is not 我的待办');
    await page.goto(base + '/org');
    expect(await page.locator('.tree .node').count() > 10, 'unit tree is short');
    expect(await page.locator('table.grid tbody tr').count() >= 20, 'people list is short');
    await shot('org');
  });

  await check('choosing a unit and typing a search updates the table (htmx)', async () => {
    await page.click('.tree .node:has-text("秘书科")');
    await page.waitForURL(/unit=/);
    const before = await page.locator('table.grid tbody tr').count();
    await page.fill('input[name=q]', '科长');
    await page.waitForResponse(r => r.url().includes('/org/people?'));
    await page.waitForTimeout(200);
    const rows = await page.locator('table.grid tbody tr').allTextContents();
    expect(rows.length >= 1 && rows.length <= before, 'search did not narrow: ' + rows.length);
    expect(rows.every(r => r.includes('秘书科') && r.includes('科长')), 'rows do not match: ' + rows.join(' / '));
    await shot('search');
  });

  await check('the person form names every missing field', async () => {
    await page.goto(base + '/org/people/new');
    await page.click('button.primary');
    const errs = await page.locator('.err').allTextContents();
    for (const m of ['姓名不能为空', '所在单位不能为空', '职级不能为空', '政治面貌不能为空']) {
      expect(errs.includes(m), 'missing error ' + m + ' in ' + errs.join(','));
    }
    await shot('person-form-errors');
  });

  await check('a new person is saved and shown', async () => {
    await page.fill('input[name=name]', '测试人员');
    await page.selectOption('select[name=unit_id]', { label: '　信息科' });
    await page.selectOption('select[name=rank]', 'below_section');
    await page.selectOption('select[name=political_status]', 'party_member');
    await page.check('input[name=roles][value=cadre]');
    await page.click('button.primary');
    await page.waitForURL(/\/org\/people\/\d+$/);
    const facts = await page.textContent('.facts');
    expect(facts.includes('信息科') && facts.includes('是（自动判定）'), 'facts: ' + facts);
  });

  await check('people import: template, validation report, confirm', async () => {
    await page.goto(base + '/org/people-import');
    const tpl = await page.request.get(base + '/api/v1/people/export.xlsx');
    expect(tpl.ok(), 'export failed');
    const file = path.join(require('os').tmpdir(), 'qingfeng-e2e-people.xlsx');
    fs.writeFileSync(file, await tpl.body());
    await page.setInputFiles('input[type=file]', file);
    await page.click('form.upload button.primary');
    await page.waitForSelector('.report');
    const report = await page.textContent('.report');
    expect(/\d+\s*行有效/.test(report) && report.includes('0 处错误'), 'report: ' + report);
    await page.click('form.confirm button');
    await page.waitForSelector('.alert.ok');
    expect((await page.textContent('.alert.ok')).includes('导入完成'), 'no confirmation');
    await shot('import');
  });

  await check('the dashboard draws its charts and drills down', async () => {
    await page.goto(base + '/dashboard');
    await page.waitForSelector('#chart-units canvas', { timeout: 10000 });
    await page.waitForSelector('#chart-levels canvas', { timeout: 10000 });
    expect((await page.textContent('.kpis')).includes('总体落实率'), 'no KPIs');
    await shot('dashboard');
    await page.click('.kpi.red');
    await page.waitForURL(/responsibility\/items/);
    expect(await page.locator('table.grid tbody tr').count() >= 1, 'drill-down is empty');
  });

  await check('a ledger entry is recorded once and counted for its participants', async () => {
    await page.goto(base + '/ledger/new');
    await page.selectOption('select[name=kind]', 'study');
    await page.selectOption('select[name=unit_id]', { index: 1 });
    await page.fill('input[name=place]', '四楼会议室');
    await page.fill('textarea[name=content]', '浏览器测试：廉政专题学习');
    await page.click('form.form button.primary');
    await page.waitForURL(/\/ledger\/\d+$/);
    const facts = await page.textContent('.facts');
    expect(facts.includes('浏览器测试'), 'entry page: ' + facts);
  });

  await check('an empty required select says what to choose; multi-selects are checkbox lists', async () => {
    await page.goto(base + '/ledger/new');
    expect(await page.locator('select[name=participants]').isHidden(), 'the <select multiple> is still shown');
    const boxes = page.locator('.pick input[type=checkbox]');
    expect(await boxes.count() > 3, 'no checkbox list for the participants');
    const before = await page.$eval('select[name=participants]', s => [...s.selectedOptions].length);
    const unchecked = page.locator('.pick input[type=checkbox]:not(:checked)').first();
    await unchecked.check();
    const after = await page.$eval('select[name=participants]', s => [...s.selectedOptions].length);
    expect(after === before + 1, 'checking a box did not select the option: ' + before + ' → ' + after);
    await page.click('form.form button.primary');
    const msg = await page.$eval('select[name=kind]', s => s.validationMessage);
    expect(msg === '请选择记录类型', 'message: ' + msg);
    expect(/\/ledger\/new/.test(page.url()), 'an empty form was submitted');
  });

  await check('a meeting asks for its type; 全体 selects a whole unit', async () => {
    await page.goto(base + '/ledger/new');
    expect(await page.locator('select[name=meeting_type]').isHidden(), '会议类型 shown before 会议研究 is chosen');
    await page.selectOption('select[name=kind]', 'meeting');
    expect(await page.locator('select[name=meeting_type]').isVisible(), '会议类型 not shown for 会议研究');
    const button = page.locator('[data-select-unit]').first();
    const unit = await button.getAttribute('data-select-unit');
    await button.click();
    const missing = await page.$eval('select[name=participants]', (s, u) =>
      [...s.options].filter(o => o.getAttribute('data-unit') === u && !o.selected).length, unit);
    expect(missing === 0, missing + ' people of the unit left unselected');
    await page.fill('textarea[name=content]', '浏览器测试：会议');
    await page.click('form.form button.primary');
    const msg = await page.$eval('select[name=meeting_type]', s => s.validationMessage);
    expect(msg === '请选择会议类型', 'message: ' + msg);
  });

  await check('a 警示教育 entry offers the case library; a case page lists where it was used', async () => {
    await page.goto(base + '/warning-cases');
    const first = page.locator('table.grid tbody a').first();
    expect(await first.count() === 1, 'no demo cases in the library');
    await page.goto(base + '/ledger/new');
    expect(await page.locator('select[name=cases]').isHidden(), 'cases shown before 警示教育 is chosen');
    await page.selectOption('select[name=kind]', 'warning_education');
    expect(await page.locator('select[name=cases]').count() === 1, 'no case picker for 警示教育');
    await page.goto(base + '/warning-cases');
    await page.locator('table.grid tbody a', { hasText: '违规收受礼金' }).first().click();
    const text = await page.textContent('main');
    expect(text.includes('使用情况') && text.includes('警示教育'), 'case page without its uses: ' + text.slice(0, 200));
  });

  await check('a study session: the branch roll loads, an absence with its reason, a make-up later; the calendar shows chips', async () => {
    await page.goto(base + '/study/new');
    const branch = await page.$eval('#study-unit', s => [...s.options].find(o => o.text.includes('党支部')).value);
    await page.selectOption('#study-unit', branch);
    await Promise.all([page.waitForURL(/unit=/), page.click('form.filters button[type=submit]')]);
    const rows = page.locator('#study-roll tbody tr');
    expect(await rows.count() > 2, 'no roll for the branch');
    await page.fill('input[name=topic]', '浏览器测试：专题学习');
    const second = rows.nth(1);
    await second.locator('select[name^=att_]').selectOption('absent');
    await second.locator('select[name^=reason_]').selectOption('personal');
    await Promise.all([page.waitForURL(/\/study\/\d+$/), page.click('form.form button.primary')]);
    let text = await page.textContent('main');
    expect(text.includes('缺席（事假）'), 'absence not shown: ' + text.slice(0, 300));
    await Promise.all([page.waitForNavigation(), page.locator('form[action$="/makeups"] button[type=submit]').first().click()]);
    text = await page.textContent('main');
    expect(text.includes('已补学'), 'make-up not shown');
    await page.goto(base + '/study/calendar');
    expect(await page.locator('li.slot.ok').count() > 0, 'no met period in the calendar');
  });

  await check('a talk: choosing a counterpart suggests topics with their source, one is added, the talk is saved; the matrix shows gaps', async () => {
    await page.goto(base + '/talks/new');
    const box = page.locator('select[name=counterparts] + .pick');
    const person = box.locator('label', { hasText: '财务室' }).first();
    expect(await person.count() === 1, 'no 财务室 person offered as counterpart');
    await Promise.all([page.waitForResponse(r => r.url().includes('/talks/suggestions?')), person.locator('input').check()]);
    await page.waitForSelector('#talk-suggestions [data-add-topic]');
    const text = await page.textContent('#talk-suggestions');
    expect(text.includes('建议主题') && text.includes('来源') && text.includes('廉政风险点'), 'no risk suggestion: ' + text.slice(0, 300));
    await page.locator('#talk-suggestions [data-add-topic]').first().click();
    const topics = await page.inputValue('input[name=topics]');
    expect(topics.length > 2, 'the suggestion was not added to the topics');
    await page.selectOption('select[name=talk_kind]', 'heart');
    await page.selectOption('select[name=unit_id]', { index: 1 });
    const talker = page.locator('select[name=talkers] + .pick input[type=checkbox]').first();
    if (!(await talker.isChecked())) await talker.check();
    await shot('talk-form-suggestions');
    await Promise.all([page.waitForURL(/\/talks\/\d+$/), page.click('form.form button.primary')]);
    expect((await page.textContent('main')).includes(topics.split('；')[0]), 'the saved talk lacks the topic');
    await page.goto(base + '/talks/coverage');
    expect(await page.locator('.cell.missing').count() > 0, 'no missing pair in the branch matrix');
  });

  await check('audit log page lists the writes', async () => {
    await page.goto(base + '/system/audit?entity=person');
    const text = await page.textContent('table.grid');
    expect(text.includes('人员') && text.includes('admin'), 'audit rows missing');
  });

  await check('the account creation page renders at 1366 px: every field visible, no sideways scroll', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(base + '/system/users/new');
    for (const sel of ['input[name=username]', 'input[name=password]', 'select[name=person_id]', 'input[name=roles]', 'button.primary']) {
      expect(await page.locator(sel).first().isVisible(), sel + ' not visible');
    }
    const people = await page.locator('select[name=person_id] option').count();
    expect(people > 1, 'no person without an account offered');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(!wide, 'the page scrolls sideways at 1366 px');
    const nav = await page.textContent('nav.sidebar');
    expect(nav.includes('用户管理') && nav.includes('角色管理') && nav.includes('参数设置'), 'no 系统管理 menu: ' + nav);
    expect(!nav.includes('即将上线'), 'the menu points to something that does not exist');
    await shot('account-new-1366');
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  // the demo accounts share the admin's password; each sees what its role sees
  const signIn = async (username, width) => {
    const ctx = await browser.newContext({ viewport: { width: width || 1400, height: 900 }, locale: 'zh-CN' });
    const p = await ctx.newPage();
    p.on('pageerror', e => errors.push(username + ': ' + e.message));
    await p.goto(base + '/login');
    await p.fill('input[name=username]', username);
    await p.fill('input[name=password]', password);
    await p.click('button[type=submit]');
    await p.waitForLoadState('networkidle');
    return p;
  };

  await check('the 分管领导 sees the departments in charge, the lagging 信息科 among them', async () => {
    const p = await signIn('fenguan');
    await p.goto(base + '/dashboard');
    await p.waitForSelector('[data-chart] canvas');
    const text = await p.textContent('main');
    expect(text.includes('信息科'), 'no 信息科 on the dashboard');
    expect(!text.includes('秘书科'), 'a department outside the charge is shown');
    if (shots) await p.screenshot({ path: path.join(shots, 'dashboard-fenguan.png'), fullPage: true });
    await p.context().close();
  });

  await check('a 一般干部 gets their own items for a dashboard', async () => {
    const p = await signIn('ganbu');
    await p.goto(base + '/dashboard');
    expect(/\/responsibility\/items\?person=\d+/.test(p.url()), 'not redirected: ' + p.url());
    const rows = await p.$$('table.grid tbody tr');
    expect(rows.length > 0, 'no items of their own');
    if (shots) await p.screenshot({ path: path.join(shots, 'items-ganbu.png'), fullPage: true });
    await p.context().close();
  });

  await check('the 纪检监察组 reviews the risk register and its heat map drills down to the points', async () => {
    const p = await signIn('jijian');
    await p.goto(base + '/risk');
    const text = await p.textContent('main');
    expect(text.includes('财务报销') && text.includes('已发生'), 'the register lacks the demo points');
    await p.goto(base + '/risk?state=submitted');
    await p.click('table.grid tbody tr td a');
    await p.waitForSelector('#review');
    await p.goto(base + '/risk?state=returned');
    await p.click('table.grid tbody tr td a');
    expect((await p.textContent('main')).includes('退回理由'), 'a returned point shows its reason');
    await p.goto(base + '/risk/heat-map');
    await p.waitForSelector('#risk-heat-level canvas', { timeout: 10000 });
    await p.waitForSelector('#risk-heat-category canvas', { timeout: 10000 });
    expect((await p.textContent('#risk-flagged')).includes('人事科'), 'the unit without due reviews is not flagged');
    if (shots) await p.screenshot({ path: path.join(shots, 'risk-heat.png'), fullPage: true });
    await p.click('.charts table.grid tbody td a');
    await p.waitForURL(/\/risk\?/);
    expect(await p.locator('table.grid tbody tr').count() >= 1, 'the drill-down is empty');
    await p.context().close();
  });

  await check('a 一般干部 records an interference the 纪检组 then reads, and the 主要负责人 cannot', async () => {
    const g = await signIn('ganbu');
    await g.goto(base + '/major-matters/interference');
    await g.fill('input[name=leader]', '某局副局长');
    await g.fill('input[name=title]', '冒烟测试：招录中打招呼');
    await g.fill('textarea[name=content]', '要求照顾某考生');
    await Promise.all([g.waitForURL(/\/major-matters\/\d+$/), g.click('form.form button[type=submit]')]);
    const url = g.url();
    expect((await g.textContent('main')).includes('仅纪检监察组和记录人本人可以查看'), 'no privacy note for the author');
    await g.context().close();
    const j = await signIn('jijian');
    await j.goto(base + '/major-matters?kind=interference');
    expect((await j.textContent('main')).includes('冒烟测试：招录中打招呼'), 'the 纪检组 does not list it');
    await j.goto(base + '/major-matters?state=overdue');
    expect((await j.textContent('main')).includes('逾期未批复'), 'no overdue request in the demo');
    await j.context().close();
    const z = await signIn('zhuren');
    const r = await z.goto(url);
    expect(r.status() === 404, 'the 主要负责人 reads it: ' + r.status());
    await z.context().close();
  });

  await check('四风月报: a number drills down to the people it counts; the 纪检组 records a talk from a finding; a cadre sees only their own', async () => {
    const j = await signIn('jijian');
    await j.goto(base + '/reports/four-winds');
    const link = j.locator('tr.group a[href^="/discipline-records?"]').first();
    const n = Number(await link.textContent());
    expect(n > 0, 'no people counted for a 四风 group this year');
    await Promise.all([j.waitForURL(/\/discipline-records\?/), link.click()]);
    expect((await j.locator('table.grid tbody tr').count()) >= n, 'the drill-down lists fewer records than counted');
    await j.goto(base + '/findings?group=享乐主义奢靡之风');
    await Promise.all([j.waitForURL(/\/findings\/\d+$/), j.locator('table.grid tbody a[href^="/findings/"]').first().click()]);
    await Promise.all([j.waitForURL(/\/discipline-records\/new\?finding=\d+$/), j.click('text=登记处理处分')]);
    await j.selectOption('select[name=form]', 'first');
    await j.selectOption('select[name=measure]', 'talk_reminder');
    if (!(await j.inputValue('select[name=person_id]'))) await j.selectOption('select[name=person_id]', { index: 1 });
    await j.fill('input[name=deciding_body]', '派驻纪检监察组');
    await j.fill('textarea[name=basis]', '冒烟测试：谈话提醒');
    await Promise.all([j.waitForURL(/\/discipline-records\/\d+$/), j.click('form.form button[type=submit]')]);
    expect((await j.textContent('main')).includes('冒烟测试：谈话提醒'), 'the record page does not show the basis');
    await j.context().close();
    const g = await signIn('ganbu');
    await g.goto(base + '/discipline-records');
    const mine = await g.textContent('main');
    expect(mine.includes('本人处理处分记录') && !mine.includes('冒烟测试'), 'a cadre sees someone else\'s record');
    await g.context().close();
    const z = await signIn('zhuren');
    await z.goto(base + '/reports/four-winds');
    expect((await z.locator('a[href^="/discipline-records?"]').count()) === 0, 'a leader gets links to the people');
    await z.context().close();
  });

  await check('三重一大: the form re-checks as the recorder types (the chair moved to speak last); the 纪检组 turns a failed check into a finding', async () => {
    const p = await signIn('zhuren');
    await p.goto(base + '/decisions?failed=true');
    await p.click('table.grid tbody tr:has-text("R-DEC-4") td a');
    await p.waitForURL(/\/decisions\/\d+$/);
    await p.goto(p.url() + '/edit');
    const rule4 = p.locator('#live-checks tr:has-text("R-DEC-4")');
    await rule4.waitFor();
    expect((await rule4.textContent()).includes('不符合'), 'the chair speaking first is not flagged while typing');
    await p.fill('input[name="t0_0_order"]', '9');
    await p.waitForFunction(() => {
      const row = [...document.querySelectorAll('#live-checks tr')].find(r => r.textContent.includes('R-DEC-4'));
      return row && !row.textContent.includes('不符合');
    }, null, { timeout: 10000 });
    if (shots) await p.screenshot({ path: path.join(shots, 'decision-form.png'), fullPage: true });
    await p.context().close();
    const g = await signIn('jijian');
    await g.goto(base + '/decisions?failed=true');
    await g.click('table.grid tbody tr:has-text("R-DEC-1") td a');
    await g.waitForURL(/\/decisions\/\d+$/);
    const meeting = g.url();
    await Promise.all([g.waitForURL(/\/findings\/\d+$/), g.click('#checks + table tr:has-text("R-DEC-1") button')]);
    expect((await g.textContent('main')).includes('R-DEC-1'), 'the finding does not cite the rule');
    await g.goto(meeting);
    expect((await g.textContent('main')).includes('已转为问题'), 'the meeting does not link the finding');
    await g.context().close();
  });

  await check('公务用车: the trip form flags a Sunday trip while typing (待核实, not condemned); the 纪检组 turns the 国庆 trip into a finding; 三公经费 shows the warning', async () => {
    const p = await signIn('zhuren');
    await p.goto(base + '/vehicles/trips/new');
    await p.selectOption('select[name=vehicle_id]', { index: 1 });
    await p.fill('input[name=departed_on]', '2026-11-15');
    await p.fill('input[name=departed_time]', '09:00');
    await p.fill('input[name=returned_time]', '11:00');
    await p.fill('input[name=destination]', '县政府');
    const rule2 = p.locator('#live-checks tr:has-text("R-CAR-2")');
    await rule2.waitFor();
    await p.waitForFunction(() => {
      const row = [...document.querySelectorAll('#live-checks tr')].find(r => r.textContent.includes('R-CAR-2'));
      return row && row.textContent.includes('待核实') && row.textContent.includes('周末');
    }, null, { timeout: 10000 });
    expect(!(await p.textContent('#live-checks')).includes('不符合'), 'a trip check condemns instead of asking for review');
    await p.goto(base + '/budgets');
    expect((await p.textContent('main')).includes('预警'), 'no budget past the warning share');
    await p.context().close();
    const g = await signIn('jijian');
    await g.goto(base + '/vehicles/trips?flagged=true');
    await g.click('table.grid tbody tr:has-text("R-CAR-2") td a');
    await g.waitForURL(/\/vehicles\/trips\/\d+$/);
    const trip = g.url();
    await Promise.all([g.waitForURL(/\/findings\/\d+$/), g.click('#checks + table tr:has-text("R-CAR-2") button')]);
    expect((await g.textContent('main')).includes('违规配备使用公务用车'), 'the finding is not of the vehicles category');
    await g.goto(trip);
    expect((await g.textContent('main')).includes('已转为问题'), 'the trip does not link the finding');
    await g.context().close();
  });

  await check('公务接待: the form warns while typing (10 guests, 4 accompanying diners) and clears at 3; the 纪检组 turns a failed check into a finding', async () => {
    const p = await signIn('zhuren');
    await p.goto(base + '/receptions/new');
    await p.selectOption('select[name=unit_id]', { index: 1 });
    const day = await p.inputValue('input[name=starts_on]');
    await p.fill('input[name=letter_ref]', '冒烟测试函〔2026〕1号');
    await p.locator('input[name=m_date]').first().fill(day);
    await p.locator('input[name=m_guests]').first().fill('10');
    await p.locator('input[name=m_acc]').first().fill('4');
    await p.locator('input[name=m_cost]').first().fill('600');
    const warned = () => {
      const row = [...document.querySelectorAll('#live-checks tr')].find(r => r.textContent.includes('R-REC-2'));
      return row && row.textContent.includes('不符合') && row.textContent.includes('上限 3 人');
    };
    await p.waitForFunction(warned, null, { timeout: 10000 });
    if (shots) await p.screenshot({ path: path.join(shots, 'reception-form.png'), fullPage: true });
    await p.locator('input[name=m_acc]').first().fill('3');
    await p.waitForFunction(() => {
      const row = [...document.querySelectorAll('#live-checks tr')].find(r => r.textContent.includes('R-REC-2'));
      return row && !row.textContent.includes('不符合');
    }, null, { timeout: 10000 });
    await p.context().close();
    const g = await signIn('jijian');
    await g.goto(base + '/receptions/flagged');
    await Promise.all([g.waitForURL(/\/findings\/\d+$/), g.click('table.grid tr:has-text("R-REC-2") button')]);
    expect((await g.textContent('main')).includes('R-REC-2'), 'the finding does not cite the rule');
    await g.goto(base + '/receptions?failed=true');
    await g.click('table.grid tbody tr:has-text("R-REC-2") td a');
    expect((await g.textContent('main')).includes('已转为问题'), 'the reception does not link the finding');
    await g.context().close();
  });

  await check('the 分管领导 and a 一般干部 read the risk register without proposing', async () => {
    for (const who of ['fenguan', 'ganbu']) {
      const p = await signIn(who);
      const r = await p.goto(base + '/risk');
      expect(r.status() === 200, who + ': ' + r.status());
      expect(!(await p.textContent('main')).includes('申报风险点'), who + ' may propose');
      expect((await p.textContent('main')).includes('信息科'), who + ' does not see 信息科\'s points');
      await p.context().close();
    }
  });

  await check('the audit trail reads as sentences and its chain check says 链完整, at 1366 and 390 px', async () => {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(base + '/system/audit?entity=finding&action=sign_off');
      const text = await page.textContent('table.grid');
      expect(/将问题 #\d+《.+》验收销号/.test(text), 'no sign-off sentence at ' + width + ': ' + text.slice(0, 200));
      expect(text.includes('待验收 → 已销号'), 'no state change in words at ' + width);
      expect(!/sign_off|signed_off|\{"/.test(text), 'raw keys shown at ' + width);
      const link = await page.locator('table.grid a[href^="/findings/"]').first().getAttribute('href');
      expect(/^\/findings\/\d+$/.test(link), 'object not linked: ' + link);
      await page.click('button:has-text("校验审计链")');
      await page.waitForSelector('#verdict');
      expect((await page.textContent('#verdict')).includes('链完整'), 'chain check: ' + await page.textContent('#verdict'));
      if (width === 1366) {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
        expect(!wide, 'the audit page scrolls sideways at 1366 px');
      }
      await shot('audit-' + width);
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  await check('a refused page and an unknown URL are pages in the layout, at 1366 and 390 px', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const p = await ctx.newPage();
    await p.goto(base + '/campaigns');
    expect(/\/login\?next=%2Fcampaigns$/.test(p.url()), 'not sent to sign in with next: ' + p.url());
    await p.fill('input[name=username]', 'ganbu');
    await p.fill('input[name=password]', password);
    await p.click('button[type=submit]');
    await p.waitForLoadState('networkidle');
    expect(p.url().endsWith('/campaigns'), 'not back on the page after signing in: ' + p.url());
    for (const width of [1366, 390]) {
      await p.setViewportSize({ width, height: 900 });
      const r = await p.goto(base + '/campaigns');
      expect(r.status() === 403, 'status ' + r.status());
      const main = await p.textContent('main');
      expect(main.includes('您没有查看专项整治的权限，如需开通请联系管理员'), 'refusal: ' + main);
      expect(await p.locator('nav.sidebar').count() === 1, 'not in the layout');
      if (shots) await p.screenshot({ path: path.join(shots, '403-' + width + '.png'), fullPage: true });
      const nf = await p.goto(base + '/no-such-page');
      expect(nf.status() === 404 && (await p.textContent('main')).includes('找不到页面'), '404 page');
    }
    await ctx.close();
  });

  // 我的待办 of every demo role, on a desktop and on a phone
  const roles = {
    zhuren: '本单位滞后事项', fenguan: '分管单位滞后事项', jijian: '等待验收销号', zhibu: '我的待办', ganbu: '我的责任事项',
  };
  const layout = p => p.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    menu: getComputedStyle(document.querySelector('.sidebar')).display,
    toggle: getComputedStyle(document.querySelector('.menu-toggle')).display,
    hidden: [...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().right > window.innerWidth + 1 && getComputedStyle(t).display !== 'block').length,
  }));
  for (const [role, marker] of Object.entries(roles)) {
    for (const width of [1366, 390]) {
      await check(`我的待办 of ${role} at ${width} px`, async () => {
        const p = await signIn(role, width);
        await p.goto(base + '/');
        const text = await p.textContent('main');
        expect(text.includes('我的待办') && text.includes(marker), role + ': no ' + marker);
        if (role === 'ganbu') expect(/[一二三四]、?.*季度未开展|全年未开展|上半年未开展/.test(text), 'no missing periods: ' + text);
        const l = await layout(p);
        if (width === 390) {
          expect(l.width <= 390, 'the page overflows: ' + l.width);
          expect(l.menu === 'none' && l.toggle !== 'none', 'the menu is not collapsed: ' + JSON.stringify(l));
          await p.click('.menu-toggle');
          expect(await p.locator('.sidebar').isVisible(), 'the menu button does not open the menu');
        } else {
          expect(l.menu !== 'none' && l.toggle === 'none', 'the menu is not shown: ' + JSON.stringify(l));
          expect(l.hidden === 0, 'a table runs off the page');
        }
        if (shots) await p.screenshot({ path: path.join(shots, `home-${role}-${width}.png`), fullPage: true });
        await p.context().close();
      });
    }
  }

  await check('on a phone the dashboard, the items list and the ledger form fit', async () => {
    const p = await signIn('zhuren', 390);
    for (const url of ['/dashboard', '/responsibility/items', '/ledger/new', '/plans', '/findings', '/warning-cases']) {
      await p.goto(base + url);
      if (url === '/dashboard') await p.waitForSelector('#chart-units canvas', { timeout: 10000 });
      const l = await layout(p);
      expect(l.width <= 390, url + ' overflows: ' + l.width);
      if (url === '/dashboard') {
        const w = await p.$eval('#chart-units canvas', c => c.getBoundingClientRect().width);
        expect(w > 250 && w <= 390, 'chart width ' + w);
      }
      if (shots) await p.screenshot({ path: path.join(shots, 'phone' + url.replace(/\//g, '-') + '.png'), fullPage: true });
    }
    await p.context().close();
  });

  await check('问题清单 at 390 px is one card per finding, with each field named; a table at 1366 px', async () => {
    for (const width of [390, 1366]) {
      const p = await signIn('jijian', width);
      await p.goto(base + '/findings');
      const look = await p.evaluate(() => {
        const t = document.querySelector('table.grid.findings');
        const row = t.querySelector('tbody tr');
        const cell = row.querySelector('td[data-label="问题描述"]');
        return {
          width: document.documentElement.scrollWidth,
          head: getComputedStyle(t.querySelector('thead')).display,
          row: getComputedStyle(row).display,
          label: getComputedStyle(cell, '::before').content,
          right: Math.max(...[...t.querySelectorAll('tbody tr')].slice(0, 5).map(r => r.getBoundingClientRect().right)),
        };
      });
      if (width === 390) {
        expect(look.width <= 390, 'the page overflows: ' + look.width);
        expect(look.head === 'none' && look.row === 'block', 'not cards: ' + JSON.stringify(look));
        expect(look.label.includes('问题描述'), 'a card field without its name: ' + look.label);
        expect(look.right <= 390, 'a card runs off the screen: ' + look.right);
      } else {
        expect(look.head !== 'none' && look.row === 'table-row', 'not a table at 1366: ' + JSON.stringify(look));
      }
      if (shots) await p.screenshot({ path: path.join(shots, `findings-${width}.png`), fullPage: false });
      await p.context().close();
    }
  });

  await check('信访举报: the public form (no sign-in, phone width) gives a receipt code that reads the status', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'zh-CN' });
    const p = await ctx.newPage();
    p.on('pageerror', e => errors.push(e.message));
    await p.goto(base + '/report');
    expect(!(await p.content()).includes('我的待办'), 'the public page shows the menu');
    await p.fill('input[name=subject_name]', '测试对象');
    await p.fill('textarea[name=content]', '<script>alert(1)</script>反映其工作日中午饮酒，下午仍有酒气');
    await p.fill('input[name=password]', 'smoke-pass-1');
    await p.fill('input[name=password_again]', 'smoke-pass-1');
    await p.click('button[type=submit]');
    const code = (await p.textContent('#receipt-code')).trim();
    expect(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/.test(code), 'no receipt code: ' + code);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    expect(width <= 390, 'the receipt page overflows: ' + width);
    if (shots) await p.screenshot({ path: path.join(shots, 'report-receipt.png'), fullPage: true });
    await p.goto(base + '/report/status');
    await p.fill('input[name=code]', code.toLowerCase());
    await p.fill('input[name=password]', 'smoke-pass-1');
    await p.click('button[type=submit]');
    expect((await p.textContent('dl.facts')).includes('已收到，等待受理'), 'no status');
    await ctx.close();
  });

  await check('no request left the server and no script error occurred', async () => {
    expect(outside.length === 0, 'outside requests: ' + outside.join(', '));
    expect(errors.length === 0, 'errors: ' + errors.join(' | '));
  });

  await browser.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch(e => { console.log('FAIL browser: ' + e.message); console.log(`${passed} passed, ${failed + 1} failed`); process.exit(1); });
