import { describe, expect, it } from 'vitest';
import { compactNumber, dollars, renderLineChart } from '../../src/chart/line-chart.js';

const series = [
  {
    label: 'API Gateway <pattern>',
    color: '#2563eb',
    points: [
      { x: 1e4, y: 10 },
      { x: 1e9, y: 1000 },
    ],
  },
  {
    label: 'ALB pattern',
    color: '#dc2626',
    points: [
      { x: 1e9, y: 300 },
      { x: 1e4, y: 40 },
    ],
  },
];

describe('renderLineChart', () => {
  it('draws one path per series, a legend entry each, and the marker with its label', () => {
    const svg = renderLineChart({
      title: 'Monthly cost',
      xLabel: 'requests per month',
      yLabel: 'USD per month',
      series,
      markers: [{ x: 1e7, y: 45, label: 'crossover: 10M requests/month' }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('API Gateway &lt;pattern&gt;');
    expect(svg).toContain('crossover: 10M requests/month');
    expect(svg.match(/<circle /g)).toHaveLength(1);
  });

  it('puts decades on the logarithmic x axis, from the smallest to the largest x', () => {
    const svg = renderLineChart({ title: 't', xLabel: 'x', yLabel: 'y', series });
    for (const tick of ['10k', '100k', '1M', '10M', '100M', '1B']) expect(svg).toContain(`>${tick}</text>`);
    // The first point of a series is drawn at the plot's left edge, the last at its right edge.
    const first = /<path d="M([\d.]+),/.exec(svg);
    expect(Number(first?.[1])).toBe(84);
  });

  it('rounds the y axis up to a nice number above the highest point', () => {
    const svg = renderLineChart({ title: 't', xLabel: 'x', yLabel: 'y', series });
    expect(svg).toContain('>$1,000</text>');
    expect(svg).toContain('>$0</text>');
  });

  it('draws a logarithmic y axis in decades from below the lowest to above the highest point', () => {
    const svg = renderLineChart({ title: 't', xLabel: 'x', yLabel: 'y', series, yScale: 'log' });
    for (const tick of ['$10', '$100', '$1,000']) expect(svg).toContain(`>${tick}</text>`);
    expect(() =>
      renderLineChart({
        title: 't',
        xLabel: 'x',
        yLabel: 'y',
        yScale: 'log',
        series: [{ label: 'a', color: '#000', points: [{ x: 1, y: 0 }] }],
      }),
    ).toThrow('y > 0');
  });

  it('refuses points it cannot place on a logarithmic axis', () => {
    expect(() =>
      renderLineChart({
        title: 't',
        xLabel: 'x',
        yLabel: 'y',
        series: [{ label: 'a', color: '#000', points: [{ x: 0, y: 1 }] }],
      }),
    ).toThrow('x > 0');
    expect(() => renderLineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toThrow('no points');
  });
});

describe('axis labels', () => {
  it.each([
    [999, '999'],
    [1500, '1.5k'],
    [10_000_000, '10M'],
    [1_000_000_000, '1B'],
  ])('compactNumber(%d) is %s', (value, text) => expect(compactNumber(value)).toBe(text));

  it.each([
    [0, '$0'],
    [3.654, '$3.65'],
    [1234.4, '$1,234'],
  ])('dollars(%d) is %s', (value, text) => expect(dollars(value)).toBe(text));
});
