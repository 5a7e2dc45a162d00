import { formatSlackDate } from '../../../../../src/sandbox/console/render/dates';
import { renderMrkdwn, renderPlain } from '../../../../../src/sandbox/console/render/mrkdwn';
import { NOW_SECS, testContext } from './render-fixtures';

const LINK = 'target="_blank" rel="noopener noreferrer"';

describe('mrkdwn → HTML', () => {
  const ctx = testContext();

  it.each([
    ['bold', '*bold*', '<strong>bold</strong>'],
    ['italic', '_italic_', '<em>italic</em>'],
    ['strike', '~gone~', '<del>gone</del>'],
    ['nested bold and italic', '*bold _and italic_*', '<strong>bold <em>and italic</em></strong>'],
    ['inline code', '`code`', '<code>code</code>'],
    ['no styling inside code', '`*not bold*`', '<code>*not bold*</code>'],
    ['pre block keeps newlines', '```\nline 1\nline 2```', '<pre>line 1\nline 2</pre>'],
    ['line breaks', 'one\ntwo', 'one<br>two'],
    ['quote lines', '&gt; quoted\nafter', '<blockquote>quoted</blockquote>after'],
    [
      'labelled link',
      '<https://example.com/a|the docs>',
      `<a href="https://example.com/a" ${LINK}>the docs</a>`,
    ],
    ['bare link', '<https://example.com>', `<a href="https://example.com" ${LINK}>https://example.com</a>`],
    ['bold link', '*<https://x.io|Finding>*', `<strong><a href="https://x.io" ${LINK}>Finding</a></strong>`],
    ['mention by display name', '<@U0APPROVER1>', '<span class="mention">@Aaron Approver</span>'],
    ['mention of the viewer', '<@U0ONCALL>', '<span class="mention mention-me">@Olivia Oncall</span>'],
    ['mention of an unknown user', '<@U0NOBODY>', '<span class="mention">@U0NOBODY</span>'],
    ['channel mention', '<#C0SECURITY>', '<span class="mention">#security-findings</span>'],
    ['broadcast', '<!here>', '<span class="mention mention-me">@here</span>'],
    ['user group', '<!subteam^S123|@security>', '<span class="mention">@security</span>'],
    [
      'date with tokens',
      '<!date^1719936116^{date_num} at {time}|2024-07-02>',
      '<time datetime="2024-07-02T16:01:56.000Z">2024-07-02 at 4:01 PM</time>',
    ],
    ['entities decoded then escaped', 'a &amp; b &lt;c&gt;', 'a &amp; b &lt;c&gt;'],
    ['quotes escaped', `"x" 'y'`, '&quot;x&quot; &#39;y&#39;'],
    ['underscores inside words stay', 'snake_case_name', 'snake_case_name'],
    ['markers around spaces stay', 'a * b * c', 'a * b * c'],
    ['known emoji', ':white_check_mark: done', '✅ done'],
    ['unknown emoji stays', ':not_an_emoji:', ':not_an_emoji:'],
    ['ARN colons are not emoji', 'arn:aws:iam::999988887777:root', 'arn:aws:iam::999988887777:root'],
    ['placeholder characters cannot be forged', 'a\uE0000\uE001b', 'a0b'],
  ])('renders %s', (_name, source, html) => {
    // Act
    const out = renderMrkdwn(source, ctx);

    // Assess
    expect(out).toBe(html);
  });

  it.each([
    ['a script tag the app forgot to escape', '<script>alert(1)</script>', '<script'],
    ['a javascript: link', '<javascript:alert(1)|click me>', 'href'],
    ['an attribute break-out in a URL', '<https://x.io/"onmouseover="alert(1)|x>', '"onmouseover'],
    ['markup in a link label', '<https://x.io|<b>hi</b>>', '<b>'],
    ['markup in a date fallback', '<!date^nope^{date}|<img src=x onerror=alert(1)>>', '<img'],
  ])('never lets through %s', (_name, source, forbidden) => {
    // Act
    const out = renderMrkdwn(source, ctx);

    // Assess
    expect(out).not.toContain(forbidden);
  });

  it.each([
    ['escapes and keeps emoji', 'Deny <all> :x:', true, 'Deny &lt;all&gt; ❌'],
    ['leaves shortcodes when emoji is false', ':x:', false, ':x:'],
  ])('renders plain_text: %s', (_name, text, emoji, html) => {
    // Act
    const out = renderPlain(text, emoji);

    // Assess
    expect(out).toBe(html);
  });
});

describe('Slack date tokens', () => {
  it.each([
    ['{date_num}', '2024-07-02'],
    ['{date_slash}', '07/02/2024'],
    ['{date}', 'July 2nd, 2024'],
    ['{date_short}', 'Jul 2, 2024'],
    ['{date_long}', 'Tuesday, July 2nd, 2024'],
    ['{date_pretty}', 'Today'],
    ['{date_short_pretty} {time}', 'Today 4:01 PM'],
    ['{time_secs}', '4:01:56 PM'],
    ['{ago}', '0 seconds ago'],
    ['{unknown_token}', '{unknown_token}'],
  ])('formats %s', (template, text) => {
    // Act
    const out = formatSlackDate(template, NOW_SECS, 'UTC', NOW_SECS * 1000);

    // Assess
    expect(out).toBe(text);
  });

  it('uses the viewer time zone and says Yesterday for the day before', () => {
    // Act
    const out = formatSlackDate('{date_pretty} {time}', NOW_SECS - 86_400, 'Asia/Tokyo', NOW_SECS * 1000);

    // Assess
    expect(out).toBe('Yesterday 1:01 AM');
  });
});
