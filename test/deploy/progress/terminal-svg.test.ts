import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ansiToScreen, ansiToSvg } from '../../../scripts/terminal-svg.js';
import {
  circuitBreakerScenario,
  DeployProgressModel,
  LiveRenderer,
  replayScenario,
} from '../../../src/deploy/progress/index.js';
import { ManualClock } from '../../../src/local/clock.js';

const ESC = '\u001b';

/** The `<text>` rows of the terminal body (the title is a `<text class="t">`). */
function bodyRows(svg: string): string[] {
  return svg.split('\n').filter((line) => line.startsWith('<text y='));
}

describe('ansiToSvg: terminal screenshots for the README', () => {
  it('draws a window with a title bar and one text row per line', () => {
    const svg = ansiToSvg('one\ntwo\n\nfour\n', { title: 'wharf deploy' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('<text class="t"');
    expect(svg).toContain('>wharf deploy</text>');
    expect(svg.match(/<circle /g)).toHaveLength(3);
    // The blank third line takes its place but draws nothing.
    expect(bodyRows(svg)).toHaveLength(3);
    const ys = bodyRows(svg).map((row) => Number(/y="([\d.]+)"/.exec(row)?.[1]));
    expect(ys[1] - ys[0]).toBeCloseTo((ys[2] - ys[1]) / 2);
  });

  it('escapes <, & and > in the text and in the title', () => {
    const svg = ansiToSvg('if a < b && c > d then\n', { title: 'x<y>&"z"' });
    expect(svg).toContain('if a &lt; b &amp;&amp; c &gt; d then');
    expect(svg).toContain('x&lt;y&gt;&amp;&quot;z&quot;');
    expect(svg).not.toMatch(/<(?!\/?(svg|style|rect|path|line|circle|text|tspan)\b)/);
  });

  it('maps SGR colours, bold and dim to classes with the theme colours, and reset ends them', () => {
    const svg = ansiToSvg(
      `${ESC}[32m✔${ESC}[0m ok ${ESC}[31;1mfailed${ESC}[0m ${ESC}[2m12s${ESC}[0m ${ESC}[93mbright${ESC}[39m plain\n`,
    );
    expect(svg).toContain('<tspan x="18" class="c32">✔</tspan>');
    expect(svg).toMatch(/<tspan x="[\d.]+" textLength="[\d.]+" class="c31 b">failed<\/tspan>/);
    expect(svg).toMatch(/<tspan x="[\d.]+" textLength="[\d.]+" class="d">12s<\/tspan>/);
    expect(svg).toMatch(/class="c93">bright<\/tspan><tspan x="[\d.]+" textLength="[\d.]+"> plain<\/tspan>/);
    expect(svg).toContain('.c32{fill:#a5d46e}');
    expect(svg).toContain('.c31{fill:#f07178}');
    expect(svg).toContain('.b{font-weight:bold}');
    expect(svg).toContain('.d{fill-opacity:0.6}');
  });

  it('places every run on the character grid, so columns line up whatever the font', () => {
    const svg = ansiToSvg(`ab${ESC}[33mcd${ESC}[0mef\n`, { fontSize: 10 });
    const xs = [...svg.matchAll(/<tspan x="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs).toEqual([18, 18 + 2 * 6, 18 + 4 * 6]);
  });

  it('sizes the window to the columns asked for, wrapping longer lines', () => {
    const svg = ansiToSvg(`${'x'.repeat(50)}\n`, { columns: 20, fontSize: 10 });
    expect(svg).toContain('width="156"'); // 2 × 18 padding + 20 × 6
    expect(bodyRows(svg)).toHaveLength(3);
  });

  it('plays cursor movement, so a live view capture renders as its last frame', () => {
    const capture = [
      'frame 1 line a\nframe 1 line b\nframe 1 line c\n',
      `\r${ESC}[3A${ESC}[2Kframe 2 line a\n${ESC}[2Kframe 2 b\n${ESC}[J`,
    ].join('');
    const rows = ansiToScreen(capture).map((cells) => cells.map((c) => c.ch).join(''));
    expect(rows).toEqual(['frame 2 line a', 'frame 2 b']);
    expect(bodyRows(ansiToSvg(capture))).toHaveLength(2);
  });

  it('renders a real capture of the live deploy view', () => {
    const scenario = circuitBreakerScenario();
    const clock = new ManualClock(scenario.start.getTime());
    let time = scenario.start.getTime();
    const model = new DeployProgressModel({ now: () => time });
    let capture = '';
    const live = new LiveRenderer(
      model,
      { write: (s) => (capture += s), columns: 100, isTTY: true },
      { scheduler: clock },
    );
    replayScenario(model, scenario, { setTime: (ms) => (time = ms), until: 150 });
    live.stop();
    const svg = ansiToSvg(capture, { columns: 100, title: 'wharf deploy' });
    expect(bodyRows(svg)).toHaveLength(19);
    expect(svg).toContain('class="c33">CREATE_IN_PROGRESS</tspan>');
    expect(svg).toContain('class="c31">✗</tspan>');
    expect(svg).toContain('Error: connect ECONNREFUSED 10.0.3.17:5432');
    expect(svg).not.toContain(ESC);
  });

  it('runs as a CLI: npx tsx scripts/terminal-svg.ts in.ansi out.svg --title T --columns N', () => {
    const dir = mkdtempSync(join(tmpdir(), 'terminal-svg-'));
    writeFileSync(join(dir, 'in.ansi'), `${ESC}[32mgreen${ESC}[0m <b>\n`);
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/terminal-svg.ts',
        join(dir, 'in.ansi'),
        join(dir, 'out.svg'),
        '--title',
        'demo',
        '--columns',
        '30',
      ],
      { encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const svg = readFileSync(join(dir, 'out.svg'), 'utf8');
    expect(svg).toContain('class="c32">green</tspan>');
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).toContain('>demo</text>');

    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/terminal-svg.ts', 'only-one-arg'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^usage: /);
  });
});
