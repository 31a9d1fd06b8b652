import fs from 'node:fs';
import { caseEventActions, caseStates } from '@civitas/contracts/cases';
import { errorCodes } from '@civitas/contracts/errors';
import { notificationCodes, type NotificationCode } from '@civitas/contracts/notifications';
import { describe, expect, it } from 'vitest';
import { builtinProfiles } from './modules/devices/builtin-profiles.js';
import { caseMessages, stateNames, type CaseMessage } from './modules/cases/workflow/case-messages.js';

/**
 * Everything the server tells a person is a code the web renders in the reader's language
 * (ADR 0048); these tests fail when a code has no text in one of them.
 */
type Tree = { [key: string]: string | Tree };
const load = (lang: string) =>
  JSON.parse(
    fs.readFileSync(new URL(`../../web/src/app/i18n/${lang}.json`, import.meta.url), 'utf8'),
  ) as Tree;
const catalogs = { 'zh-CN': load('zh-CN'), en: load('en') };
const langs = ['zh-CN', 'en'] as const;

function text(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

/** The text itself, or the text a `$t(key)` reference stands for. */
function resolved(tree: Tree, key: string): string | undefined {
  const t = text(tree, key);
  const ref = t && /^\$t\(([\w.]+)\)$/.exec(t)?.[1];
  return ref ? text(tree, ref) : t;
}

const han = /\p{Script=Han}/u;
const placeholders = (t: string) => [...t.matchAll(/\{\{(\w+)/g)].map((m) => m[1]);

function expectBoth(key: string) {
  for (const lang of langs) {
    const t = resolved(catalogs[lang], key);
    expect(t?.trim(), `${lang}: ${key}`).toBeTruthy();
    // Text around the parameters must be Chinese; a message that is only its parameters is fine.
    const words = t?.replace(/\{\{[^}]*\}\}|\$t\([^)]*\)/g, '').replace(/[\s·:：.,，。()（）%]/g, '');
    if (lang === 'zh-CN' && words) expect(words, `zh-CN: ${key} is not Chinese`).toMatch(han);
  }
}

const row = {
  ref: 'C-1',
  title: '路灯不亮',
  title_code: null,
  category_name_zh: '路灯',
  category_name_en: 'Streetlight',
};
/** One message the case center writes for each code. */
const written: Record<NotificationCode, CaseMessage> = {
  state_changed: caseMessages.stateChanged(row, 'assigned'),
  routed: caseMessages.routed(row),
  assigned: caseMessages.assigned(row),
  escalated: caseMessages.escalated(row, false),
  escalated_automatic: caseMessages.escalated(row, true),
  supervised: caseMessages.supervised(row),
  transferred: caseMessages.transferred(row),
  merged: caseMessages.merged(row, 'C-2'),
  reminder_response: caseMessages.reminder(row, 'response', new Date()),
  reminder_resolution: caseMessages.reminder(row, 'resolution', new Date()),
};

describe('messages in the reader language', () => {
  it.each(errorCodes)('error code %s has a sentence in zh-CN and en', (code) => {
    expectBoth(`errors.byCode.${code}`);
  });

  it.each(notificationCodes)(
    'notification %s has a title and body in both, fed by what the server writes',
    (code) => {
      const m = written[code];
      expect(m.code).toBe(code);
      for (const part of ['title', 'body']) {
        expectBoth(`messages.notification.${code}.${part}`);
        for (const lang of langs)
          for (const name of placeholders(text(catalogs[lang], `messages.notification.${code}.${part}`)!))
            expect(Object.keys(m.params), `${lang} ${code}.${part} uses {{${name}}}`).toContain(name);
      }
    },
  );

  it.each([...caseEventActions])('timeline event %s is named in both', (action) => {
    expectBoth(`cases.event.${action}`);
  });

  it('one word per state: the server says each state as the web does', () => {
    for (const state of caseStates)
      for (const lang of langs)
        expect(stateNames[state][lang], `${lang} ${state}`).toBe(
          text(catalogs[lang], `cases.state.${state}`),
        );
  });

  it('every metric of a built-in profile has a name in both languages, never its key in Chinese', () => {
    for (const p of builtinProfiles)
      for (const m of p.metrics) {
        expect(m.name?.en, `${p.code}.${m.key}`).toBeTruthy();
        expect(m.name?.['zh-CN'], `${p.code}.${m.key}`).toMatch(han);
      }
  });
});
