import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { encodeGbk } from '../../../apps/server/src/test-support/gbk.js';
import type { ApiSession } from '../support/api-session';
import { E2E_WAIT_TIMEOUT_MS, screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';

/** Phone numbers no other suite uses: 139 and the run's own digits. */
const phone = (n: number) => `139${String(Date.now() % 1e6).padStart(6, '0')}${String(n).padStart(2, '0')}`;

async function gridCode(admin: ApiSession): Promise<string> {
  const grids = await admin.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=1');
  const grid = grids.items[0];
  if (!grid) throw new Error('community 1 has no grid');
  return grid.code;
}

/** The clear name of the resident with this phone, or null: what the import really stored. */
async function storedName(admin: ApiSession, value: string): Promise<string | null> {
  const found = await admin.request('POST', '/residents/search', {
    field: 'phone',
    value,
    reason: 'checking the import',
  });
  const item = ((await found.json()) as { items: { id: string }[] }).items[0];
  if (!item) return null;
  const reveal = await admin.request('POST', `/residents/${item.id}/reveal`, {
    field: 'name',
    reason: 'checking the import',
  });
  return ((await reveal.json()) as { value: string }).value;
}

async function chooseFile(page: Page, label: string, name: string, buffer: Buffer) {
  await page.getByLabel(label).setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  await page.getByTestId('import-preview').or(page.getByTestId('import-encoding-choice')).waitFor();
}

async function runImport(page: Page, button: string) {
  await page.getByRole('button', { name: button }).click();
  await page
    .locator('[data-testid="import-status"][data-status="done"]')
    .waitFor({ timeout: E2E_WAIT_TIMEOUT_MS });
  return page.getByTestId('import-report');
}

export function importFormatsSuite(env: E2eEnv): void {
  it('a GBK CSV with Chinese headers is previewed, imported intact, and its row errors are in Chinese', async () => {
    const admin = await env.api('demo-community-1');
    const grid = await gridCode(admin);
    const phones = [phone(1), phone(2), phone(3), phone(4)];
    const csv =
      '姓名,手机号,性别,网格,标记\r\n' +
      `欧阳明华,${phones[0]},男,${grid},独居老人\r\n` +
      `林秀英,${phones[1]},女,${grid},\r\n` +
      `,${phones[2]},男,${grid},\r\n` +
      `陈建国,${phones[3]},未知,${grid},\r\n`;
    const page = await env.signedIn('demo-community-1', '/residents/import', 'zh-CN');
    await page.setViewportSize({ width: 390, height: 844 });
    await chooseFile(page, 'CSV 或 Excel 文件', '居民登记.csv', encodeGbk(csv));

    const detected = await page.getByTestId('import-detected').textContent();
    expect(detected).toContain('GBK');
    expect(detected).toContain('4 行');
    const mapping = await page
      .getByTestId('import-mapping')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(mapping).toEqual([
      ['姓名', '姓名'],
      ['手机号', '手机号'],
      ['性别', '性别'],
      ['网格', '网格'],
      ['标记', '标记'],
    ]);
    // The names read right before anything is stored; the phone is masked.
    const firstRow = await page.getByTestId('import-rows').locator('tbody tr').first().textContent();
    expect(firstRow).toContain('欧阳明华');
    expect(firstRow).not.toContain(phones[0]);
    expect(await storedName(admin, phones[0]!)).toBeNull();
    await screenshot(page, 'import-gbk-preview-phone-zh');
    expect(await seriousA11yViolations(page, 'import preview')).toEqual([]);

    const report = await runImport(page, '上传并导入');
    await expect(report.textContent()).resolves.toContain('已导入行数：2');
    const errors = await report
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(errors).toEqual([
      ['4', '姓名', '必填，但为空。'],
      ['5', '性别', '请填写“男”或“女”。'],
    ]);
    await screenshot(page, 'import-gbk-report-phone-zh');
    expect(await seriousA11yViolations(page, 'import report (zh)')).toEqual([]);
    expect(await storedName(admin, phones[0]!)).toBe('欧阳明华');
    expect(await storedName(admin, phones[1]!)).toBe('林秀英');
  });

  it('an xlsx workbook is previewed and imported, numbers and dates as the sheet holds them', async () => {
    const admin = await env.api('demo-community-1');
    const grid = await gridCode(admin);
    const phones = [phone(11), phone(12)];
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Residents');
    sheet.addRow(['name', 'phone', 'birth_date', 'grid_code', 'needs_assistance']);
    sheet.addRow(['Tan Mei Ling', Number(phones[0]), new Date(Date.UTC(1948, 2, 9)), grid, 'yes']);
    sheet.addRow(['郭子涵', phones[1], '2012-10-01', grid, 0]);
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());

    const page = await env.signedIn('demo-community-1', '/residents/import');
    await page.setViewportSize({ width: 1440, height: 900 });
    await chooseFile(page, 'CSV or Excel file', 'residents.xlsx', xlsx);
    await expect(page.getByTestId('import-detected').textContent()).resolves.toBe(
      'Excel workbook, first sheet: 2 rows.',
    );
    const cells = await page.getByTestId('import-rows').locator('tbody tr').first().textContent();
    expect(cells).toContain('1948-03-09');
    await screenshot(page, 'import-xlsx-preview-desk-en');
    const report = await runImport(page, 'Upload and import');
    await expect(report.textContent()).resolves.toContain('Imported rows: 2');
    expect(await storedName(admin, phones[0]!)).toBe('Tan Mei Ling');
    expect(await storedName(admin, phones[1]!)).toBe('郭子涵');
    expect(await seriousA11yViolations(page, 'xlsx import report')).toEqual([]);
  });

  it('asks for the encoding when unsure, showing how each would read, and imports as chosen', async () => {
    const admin = await env.api('demo-community-1');
    const grid = await gridCode(admin);
    const p = phone(21);
    const page = await env.signedIn('demo-community-1', '/residents/import');
    // "José" in UTF-8 reads as "Jos茅" in GBK: both are text.
    await chooseFile(
      page,
      'CSV or Excel file',
      'short.csv',
      Buffer.from(`name,phone,grid_code\nJosé,${p},${grid}\n`),
    );
    const choice = page.getByRole('group', { name: 'Which encoding is the file in?' });
    await choice.waitFor();
    await expect(page.getByRole('button', { name: 'Upload and import' }).isDisabled()).resolves.toBe(true);
    await expect(choice.textContent()).resolves.toContain('Jos茅');
    expect(await seriousA11yViolations(page, 'encoding choice')).toEqual([]);
    await screenshot(page, 'import-encoding-choice-desk-en');
    await page.getByRole('radio', { name: /^UTF-8/ }).check();
    await page.getByTestId('import-preview').waitFor();
    await expect(page.getByTestId('import-rows').textContent()).resolves.toContain('José');
    const report = await runImport(page, 'Upload and import');
    await expect(report.textContent()).resolves.toContain('Imported rows: 1');
    expect(await storedName(admin, p)).toBe('José');
  });
}
