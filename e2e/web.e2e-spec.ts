/**
 * The DPO console and the privacy centre, in a real browser (Debian's chromium driven by
 * playwright-core), over the stack's public APIs: what a DPO and a subject do without curl.
 * Screenshots of the main pages land in screenshots/ (git-ignored).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DateTime } from 'luxon';
import { CUSTOMER_PAGE, demoCustomerIn, demoReady, getRequest, state } from './support/api';
import { launchBrowser, reloadUntil, screenshot, SCREENSHOTS, type Browser } from './support/browser';

const consoleUrl = state.urls['dpo-console'];
const centreUrl = state.urls['privacy-centre'];

describe('the web apps, in a browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    await demoReady();
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${consoleUrl}/login`);
    await page.getByLabel('Jeton de développement').fill(state.token);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Tableau de bord' }).waitFor();
  }

  it('the DPO files an erasure, attests, watches it complete and exports its evidence', async () => {
    const customer = await demoCustomerIn(['crm', 'billing', 'support', 'marketing'], CUSTOMER_PAGE.web);
    const page = await browser.context.newPage();

    // A wrong token is refused with a message.
    await page.goto(`${consoleUrl}/login`);
    await page.getByLabel('Jeton de développement').fill('not-the-token');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('Ce jeton est refusé par l’API.').waitFor();
    await signIn(page);
    await screenshot(page, 'console-dashboard');

    // File the erasure received by e-mail.
    await page.getByRole('link', { name: 'Enregistrer une demande' }).click();
    await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
    await page.getByText('Choisissez un type.').waitFor();
    await page.getByText('Au moins un e-mail, numéro client ou téléphone.').waitFor();
    await page.getByLabel('Type').selectOption('erasure');
    await page.getByLabel('Reçue par').selectOption('email');
    await page.getByLabel('E-mail').fill(customer.email);
    await page.getByLabel('Note (lettre, référence…)').fill('courrier du 2 décembre');
    // Received yesterday at 09:30, Paris time: the deadline runs from then (Art. 12(3)).
    const received = DateTime.now()
      .setZone('Europe/Paris')
      .minus({ days: 1 })
      .set({ hour: 9, minute: 30, second: 0, millisecond: 0 });
    await page
      .getByLabel('Reçue le (heure de Paris), si avant aujourd’hui')
      .fill(received.toFormat("yyyy-LL-dd'T'HH:mm"));
    await page.getByLabel('Preuve de la date de réception').fill('Message-ID <e2e-console@mail.example.fr>');
    await screenshot(page, 'console-file');
    await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}\?done=filed/);
    const id = /requests\/([0-9a-f-]{36})/.exec(page.url())![1];
    const status = page.locator('#request-status');
    expect(new Date((await getRequest(id)).receivedAt).getTime()).toBe(received.toMillis());

    // Attest, once identity is awaited; an empty note is refused by the form.
    await reloadUntil(
      page,
      async () => (await status.textContent()) === 'Identité à vérifier',
      'awaiting verification',
    );
    await page.getByText('Attester l’identité').click();
    await page.locator('#d-attest').getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('#d-attest').getByText('Ce champ est obligatoire.').first().waitFor();
    await page.getByLabel('Pièce vue (le document n’est pas conservé)').fill('pièce d’identité vue au guichet');
    await page.locator('#d-attest').getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Décision enregistrée.').waitFor();

    // Watch it complete: every system's outcome, the billing hold with its legal text and end date.
    await reloadUntil(page, async () => (await status.textContent()) === 'Terminée', 'completed', 150_000);
    const holds = page.locator('#holds');
    await holds.getByText('Code de commerce L123-22').first().waitFor();
    // Each invoice held to the end of its own financial year plus ten years (the demo's invoices: 2019–2025; issue 14).
    expect(await holds.textContent()).toMatch(/20(29|3[0-5])/);
    for (const systemId of ['crm', 'support', 'marketing'])
      expect(await page.locator('#systems tr', { hasText: systemId }).first().textContent()).toContain('done');
    expect(await page.locator('#timeline').textContent()).toContain('dsr.execution.completed.v1');
    await screenshot(page, 'console-request');

    // The queue lists it with its due date.
    await page.goto(`${consoleUrl}/requests?status=all&type=erasure&channel=email`);
    expect(await page.getByLabel('Canal').inputValue()).toBe('email');
    await page.locator(`a[href="/requests/${id}"]`).waitFor();
    await screenshot(page, 'console-queue');

    // The evidence, with the audit chain verified, saved as PDF.
    await page.goto(`${consoleUrl}/requests/${id}`);
    await page.getByRole('link', { name: 'Dossier de preuve (PDF)' }).click();
    await page
      .locator('#chain-verification')
      .getByText(/Chaîne de hachage vérifiée : \d+ entrées, aucune rupture\./)
      .waitFor();
    expect(await page.locator('#audit-entries tbody tr').count()).toBeGreaterThan(3);
    expect(await page.locator('#audit-entries').textContent()).toContain('dsr.verification.attested.v1');
    await screenshot(page, 'console-evidence');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(SCREENSHOTS, 'evidence.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The printed document leaves the navigation and the buttons out.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'Enregistrer en PDF / imprimer' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    // The Art. 30 register, and its CSV export.
    await page.goto(`${consoleUrl}/register`);
    await page.locator('#register').getByText('Code de commerce L123-22').first().waitFor();
    await screenshot(page, 'console-register');
    const csv = await page.context().request.get(`${consoleUrl}/register.csv`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toContain('Finalités');
    expect(text).toContain('billing');

    // English on request.
    await page.goto(`${consoleUrl}/?lang=en`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(`${consoleUrl}/?lang=fr`);
    await page.close();
  }, 400_000);

  it('a subject files through the privacy centre, reads the code in the mail sink, enters it and sees the request completed', async () => {
    const customer = await demoCustomerIn(['crm', 'billing'], CUSTOMER_PAGE.webPrivacyCentre);
    const page = await browser.context.newPage();
    await page.goto(centreUrl);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await screenshot(page, 'privacy-centre-form');

    // Missing fields: their messages, in an error summary linked to the fields.
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    const summary = page.getByRole('alert');
    await summary.getByText('Choisissez le type de votre demande.').waitFor();
    await summary
      .getByText('Indiquez au moins une adresse e-mail, un numéro client ou un numéro de téléphone.')
      .waitFor();
    await screenshot(page, 'privacy-centre-missing-fields');

    // Erasure: the policy asks for the customer number with the code.
    await page.getByLabel('Effacement : supprimer mes données (art. 17)').check();
    await page.getByLabel('Adresse e-mail').fill(customer.email);
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await page.getByRole('alert').getByText('Le numéro client est exigé pour une demande d’effacement.').waitFor();
    expect(await page.getByLabel('Numéro client').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Numéro client').fill(customer.customerId);
    // Keyboard only: the submit button is reached and pressed without the mouse.
    await page.getByRole('button', { name: 'Envoyer ma demande' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}\?filed=1/);
    const id = /requests\/([0-9a-f-]{36})/.exec(page.url())![1];
    await screenshot(page, 'privacy-centre-status');

    // The code, from the demo mail sink (the mail the subject receives).
    const mail = await browser.context.newPage();
    await mail.goto(`${state.urls['demo-systems']}/mail?requestId=${id}&template=identity-code`);
    const codeCell = mail.locator('dt:text-is("code") + dd');
    await reloadUntil(mail, async () => (await codeCell.count()) > 0, 'the code in the mail sink');
    const code = (await codeCell.first().textContent())!.trim();
    expect(code).toMatch(/^\d{6}$/);
    await mail.close();

    // A wrong code, then no code: their messages.
    await page.getByLabel('Code à 6 chiffres').fill(code === '000000' ? '000001' : '000000');
    await page.getByRole('button', { name: 'Valider le code' }).click();
    // One refusal for every reason, so that it says nothing of whether the subject is on file.
    await page
      .getByRole('alert')
      .getByText('Ce code ne permet pas de vérifier cette demande', { exact: false })
      .waitFor();
    expect(await page.getByLabel('Code à 6 chiffres').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'privacy-centre-wrong-code');
    await page.getByLabel('Code à 6 chiffres').fill('');
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.getByRole('alert').getByText('Saisissez le code reçu (6 chiffres).').waitFor();

    await page.getByLabel('Code à 6 chiffres').fill(code);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.getByText('Merci, votre identité est vérifiée.').waitFor();

    await reloadUntil(
      page,
      async () => (await page.locator('#status').textContent()) === 'Terminée',
      'completed',
      150_000,
    );
    await page.locator('#outcome').getByText('Votre demande a été traitée.').waitFor();
    await screenshot(page, 'privacy-centre-completed');
    await page.close();
  }, 400_000);

  it('serves both apps with a strict content security policy and labelled form controls', async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(centreUrl);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
    // Every input, select and textarea of the form has a label the browser associates with it.
    const unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
      els.filter((e) => !(e as unknown as { labels?: { length: number } }).labels?.length).map((e) => e.id),
    );
    expect(unlabelled).toEqual([]);
    await page.close();
  });
});
