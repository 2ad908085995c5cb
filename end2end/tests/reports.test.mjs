// Informes (issue 31), in real Chromium on a desktop and a phone viewport: a month of
// an inbox's work is written straight into the server's database (as an import
// would; the database's own triggers keep the report), the test computes the figures
// from that fixture itself, and the lead reads the same figures on the page after
// choosing the period and the inbox; the day's CSV says the same; an agent is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, api, button, openNavIfCollapsed, mainNav, signedInPage, waitForHydration, sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();
const DATA_DIR = process.env.CHARLA_E2E_DATA_DIR;

/**
 * Runs SQL on the server's SQLite file (WAL: the server keeps running), through Python
 * and the pysqlite3 wheel (scripts/setup.sh): the full-text index's tokenizer needs a
 * newer SQLite than Debian's `sqlite3`.
 */
function sql(text) {
  const script = 'import sys, pysqlite3.dbapi2 as s; c = s.connect(sys.argv[1], timeout=10, isolation_level=None); c.executescript(sys.stdin.read())';
  const run = spawnSync('python3', ['-c', script, `${DATA_DIR}/charla.db`], { input: text, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

// The test's own arithmetic, from the product's words: the median (the mean of the
// two middle values when even), the 90th percentile by nearest rank, and durations
// read in their two largest units.
const median = (v) => { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : Math.floor((s[n / 2 - 1] + s[n / 2]) / 2); };
const p90 = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.max(1, Math.ceil(s.length * 0.9)) - 1]; };
function duration(sec) {
  const d = Math.floor(sec / 86400); const h = Math.floor((sec % 86400) / 3600); const m = Math.floor((sec % 3600) / 60); const s = sec % 60;
  const pair = (a, ua, b, ub) => (b === 0 ? `${a} ${ua}` : `${a} ${ua} ${b} ${ub}`);
  if (d > 0) return pair(d, 'd', h, 'h');
  if (h > 0) return pair(h, 'h', m, 'min');
  if (m > 0) return pair(m, 'min', s, 's');
  return `${s} s`;
}

// Six conversations in October 2026 (UTC, the account's zone): each customer writes
// once and an agent answers `reply` seconds later; four are resolved `resolve`
// seconds after they began. A note and an automatic message answer nobody.
const FIXTURE = [
  { day: 3, hour: 9, reply: 45, resolve: 1800, agent: 'admin' },
  { day: 7, hour: 10, reply: 300, resolve: 7200, agent: 'lucia', automatic: true },
  { day: 11, hour: 11, reply: 125, resolve: 600, agent: 'admin', note: true },
  { day: 15, hour: 12, reply: 3600, resolve: 90000, agent: 'lucia' },
  { day: 19, hour: 13, reply: 610, agent: 'admin' },
  { day: 23, hour: 14, reply: 90, agent: 'lucia' },
];

function seedMonth(inboxId) {
  const lines = ['BEGIN IMMEDIATE;'];
  const agent = (who) => `(SELECT id FROM agents WHERE email = '${who}@charla.local')`;
  for (const c of FIXTURE) {
    const t = Date.UTC(2026, 9, c.day, c.hour);
    lines.push(
      `INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, assignee_id, status, last_activity_at, created_at, updated_at)
       SELECT i.account_id, a.next_conversation_number, i.id, (SELECT MIN(id) FROM contacts), ${agent(c.agent)}, 'open', ${t}, ${t}, ${t}
       FROM inboxes i JOIN accounts a ON a.id = i.account_id WHERE i.id = ${inboxId};`,
      `UPDATE accounts SET next_conversation_number = next_conversation_number + 1 WHERE id = (SELECT account_id FROM inboxes WHERE id = ${inboxId});`,
    );
    const msg = (direction, sender, priv, at) => lines.push(
      `INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, sender_agent_id, body, content_type, created_at, updated_at)
       SELECT account_id, inbox_id, id, '${direction}', ${priv}, ${sender}, 'texto', 'text', ${at}, ${at} FROM conversations
       WHERE id = (SELECT MAX(id) FROM conversations WHERE inbox_id = ${inboxId});`,
    );
    msg('incoming', 'NULL', 0, t);
    if (c.note) msg('outgoing', agent('admin'), 1, t + 10_000);
    if (c.automatic) msg('outgoing', 'NULL', 0, t + 5_000);
    msg('outgoing', agent(c.agent), 0, t + c.reply * 1000);
    if (c.resolve) {
      lines.push(`UPDATE conversations SET status = 'resolved', updated_at = ${t + c.resolve * 1000} WHERE id = (SELECT MAX(id) FROM conversations WHERE inbox_id = ${inboxId});`);
    }
  }
  lines.push('COMMIT;');
  sql(lines.join('\n'));
}

const figure = (page, name) => page.locator('.figure').filter({ has: page.getByText(name, { exact: true }) }).locator('dd');

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a lead reads a seeded month in Informes, as the test computes it`, { timeout: TEST_TIMEOUT }, async (t) => {
    if (!DATA_DIR) {
      t.skip('CHARLA_E2E_DATA_DIR is not set (the server was not started by scripts/test.sh): cannot seed a month');
      return;
    }
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const name = `Informe ${vp.name} ${Date.now() % 100000}`;
    try {
      const inbox = await api(admin, 'team/create_inbox', { name, channel: 'web_chat' });
      seedMonth(inbox);

      // Informes is in the administrator's navigation (on a phone, under Ajustes).
      await openNavIfCollapsed(admin);
      if (vp.isMobile) {
        await mainNav(admin).getByRole('link', { name: 'Ajustes', exact: true }).click();
        await admin.getByRole('link', { name: 'Informes: cómo trabaja el equipo' }).click();
      } else {
        await mainNav(admin).getByRole('link', { name: 'Informes', exact: true }).click();
      }
      await admin.getByRole('heading', { name: 'Informes', level: 1 }).waitFor();
      await waitForHydration(admin);
      await admin.getByLabel('Periodo').selectOption({ label: 'Personalizado' });
      await admin.getByLabel('Desde').fill('2026-10-01');
      await admin.getByLabel('Hasta').fill('2026-10-31');
      await admin.getByLabel('Ver', { exact: true }).selectOption({ label: name });
      await admin.getByText('Del 2026-10-01 al 2026-10-31 (UTC)').waitFor();
      const scoped = () => new URL(admin.url()).searchParams.get('scope');
      assert.equal(scoped(), `inbox:${inbox}`);

      const replies = FIXTURE.map((c) => c.reply);
      const resolutions = FIXTURE.filter((c) => c.resolve).map((c) => c.resolve);
      const expect = {
        'Conversaciones abiertas': String(FIXTURE.length),
        'Conversaciones resueltas': String(resolutions.length),
        'Mensajes recibidos': String(FIXTURE.length),
        'Mensajes enviados': String(FIXTURE.length),
        'Primera respuesta (mediana)': duration(median(replies)),
        'Primera respuesta (percentil 90)': duration(p90(replies)),
        'Tiempo de respuesta (mediana)': duration(median(replies)),
        'Tiempo de resolución (mediana)': duration(median(resolutions)),
        'Tiempo de resolución (percentil 90)': duration(p90(resolutions)),
      };
      for (const [label, value] of Object.entries(expect)) {
        await figure(admin, label).filter({ hasText: value }).waitFor();
        assert.equal((await figure(admin, label).textContent()).trim(), value, label);
      }

      // The chart's data table: the day of the first conversation.
      const volume = admin.getByRole('figure', { name: 'Conversaciones por día' });
      await volume.getByText('Ver los datos').click();
      const third = volume.getByRole('row', { name: /^2026-10-03/ });
      assert.deepEqual(await third.getByRole('cell').allTextContents(), ['1', '1', '1', '1']);
      await admin.getByRole('img', { name: 'Conversaciones abiertas por día de la semana y hora' }).waitFor();
      // Side by side: Lucía answered three of them.
      const agents = admin.getByRole('figure', { name: 'Agentes: conversaciones resueltas' });
      const lucia = agents.getByRole('row', { name: /Lucía/ });
      const lucias = FIXTURE.filter((c) => c.agent === 'lucia');
      assert.equal((await lucia.getByRole('cell').nth(1).textContent()).trim(), String(lucias.length));

      // The CSV of days says the same.
      const [download] = await Promise.all([
        admin.waitForEvent('download'),
        admin.getByRole('link', { name: 'Descargar días (CSV)' }).click(),
      ]);
      const csv = await readFile(await download.path(), 'utf8');
      assert.ok(csv.startsWith('date,conversations_opened'), csv);
      assert.ok(csv.split('\n').includes(`2026-10-03,1,1,1,1,45,1800`), csv);
    } finally {
      await admin.context().close();
    }
  });

  test(`[${vp.name}] an agent has no Informes`, { timeout: TEST_TIMEOUT }, async () => {
    const agent = await signedInPage(browser(), vp, DEMO.agent);
    try {
      await openNavIfCollapsed(agent);
      await mainNav(agent).getByRole('link', { name: 'Contactos', exact: true }).waitFor();
      assert.equal(await mainNav(agent).getByRole('link', { name: 'Informes', exact: true }).count(), 0);
      await agent.goto(`${BASE_URL}/settings`);
      await waitForHydration(agent);
      assert.equal(await agent.getByRole('link', { name: 'Informes: cómo trabaja el equipo' }).count(), 0);
      const res = await agent.goto(`${BASE_URL}/reports`);
      assert.equal(res.status(), 403);
      await agent.getByRole('alert').first().waitFor();
    } finally {
      await agent.context().close();
    }
  });
}
