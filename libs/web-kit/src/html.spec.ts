import { html, raw } from './html';

describe('html', () => {
  it('escapes interpolated values, arrays included, and keeps nested html as is', () => {
    const name = '<script>alert("x")</script>';
    const out = html`<p title="${name}">${[name, html`<b>${'&'}</b>`]}${raw('<i>ok</i>')}${null}${false}</p>`;
    expect(out.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>&amp;</b><i>ok</i></p>',
    );
  });
});
