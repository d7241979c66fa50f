import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderMail, TEMPLATES, UnknownTemplateError } from './templates';
import { isPermanentSmtpError } from './mail.sender';

const APPS = resolve(__dirname, '../../..');

/** Every template name a service puts on dsr.notifications.v1 (`template: '<name>'` in its source). */
function producedTemplates(): string[] {
  const names = new Set<string>();
  for (const app of readdirSync(APPS)) {
    if (app === 'mail-gateway' || app === 'demo-systems') continue;
    const dir = join(APPS, app, 'src');
    for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts') || f.endsWith('.spec.ts')) continue;
      for (const [, name] of readFileSync(join(dir, f), 'utf8').matchAll(/template: '([a-z][a-z0-9-]*)'/g))
        names.add(name);
    }
  }
  return [...names].sort();
}

describe('notice templates', () => {
  it('has a French and an English text for every template the services send', () => {
    const produced = producedTemplates();
    expect(produced).toEqual(expect.arrayContaining(['identity-code', 'request-completed', 'package-ready']));
    for (const t of produced) {
      expect({ t, known: t in TEMPLATES }).toEqual({ t, known: true });
      for (const lang of ['fr', 'en'] as const) {
        expect(TEMPLATES[t][lang].subject.length).toBeGreaterThan(0);
        expect(TEMPLATES[t][lang].intro.length).toBeGreaterThan(0);
      }
    }
  });

  it('renders the subject and opening of the locale, then the facts, labelled', () => {
    const fr = renderMail(
      'identity-code',
      'fr-FR',
      { requestId: 'r-1', code: '123456', expiresAt: '2026-12-07T13:00:00Z' },
      'https://x',
    );
    expect(fr.subject).toBe('Votre code de vérification');
    expect(fr.text).toContain('Code: 123456');
    expect(fr.text).toContain('Référence de la demande: r-1');
    const en = renderMail('identity-code', 'en-GB', { code: '123456' }, 'https://x');
    expect(en.subject).toBe('Your verification code');
    // Any other language falls back to French, the policy's.
    expect(renderMail('identity-code', 'de-DE', {}, 'https://x').subject).toBe('Votre code de vérification');
  });

  it('lists nested facts and makes a download link absolute', () => {
    const m = renderMail(
      'package-ready',
      'en',
      {
        requestId: 'r-2',
        downloadPath: '/v1/packages/r-2?sig=abc',
        erased: [{ systemId: 'crm', categories: ['contact'] }],
      },
      'https://dsr.example.com',
    );
    expect(m.text).toContain('Link: https://dsr.example.com/v1/packages/r-2?sig=abc');
    expect(m.text).toContain('Erased:');
    expect(m.text).toContain('- System: crm');
    expect(m.text).toContain('- contact');
  });

  it('refuses a template it does not know', () => {
    expect(() => renderMail('made-up', 'fr', {}, 'https://x')).toThrow(UnknownTemplateError);
  });

  it('tells a permanent SMTP refusal (5xx) from a temporary failure', () => {
    expect(isPermanentSmtpError({ responseCode: 550 })).toBe(true);
    expect(isPermanentSmtpError({ responseCode: 451 })).toBe(false);
    expect(isPermanentSmtpError({ code: 'ECONNREFUSED' })).toBe(false);
  });
});
