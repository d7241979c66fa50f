import { escapeHtml, renderMailPage } from './mail-page';

describe('the demo mailbox page', () => {
  it('escapes everything that came from an event', () => {
    const html = renderMailPage([
      {
        notificationId: '00000000-0000-4000-8000-000000000001',
        requestId: '00000000-0000-4000-8000-000000000002',
        channel: 'email',
        to: '"><script>alert(1)</script>@example.test',
        template: 'identity-code',
        locale: 'fr-FR',
        variables: { code: '<b>123456</b>', "x' onmouseover='y": 1 },
        receivedAt: new Date('2025-01-01T00:00:00Z'),
      },
    ]);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>123456');
    expect(html).toContain('&lt;b&gt;123456&lt;/b&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
    expect(html).toContain('x&#39; onmouseover=&#39;y');
  });

  it('says so when there is nothing yet', () => {
    expect(renderMailPage([])).toContain('No messages yet');
    expect(escapeHtml(undefined)).toBe('');
  });
});
