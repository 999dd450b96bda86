import { describe, expect, it } from 'vitest';
import { compactNumber, escapeXml, renderBarChart, type BarChart } from '../../../../bench/nexmark/svg.js';

const chart: BarChart = {
  title: 'Nexmark <events/s> & more',
  subtitle: 'test run',
  unit: 'events/s',
  series: [
    { key: 'sluice', label: 'Sluice', color: '#1f77b4' },
    { key: 'hand', label: 'hand loop', color: '#ff7f0e' },
    { key: 'duckdb', label: 'DuckDB', color: '#2ca02c' },
  ],
  groups: [
    { label: 'q0', values: { sluice: 250_000, hand: 500_000, duckdb: 40_000_000 } },
    { label: 'q4', values: { hand: 300_000, duckdb: 5_000_000 }, note: 'not supported yet: joins & "windows"' },
  ],
};

describe('SVG bar chart', () => {
  it('is one well-formed SVG document with a bar per measured value', () => {
    const svg = renderBarChart(chart);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(5);
    // Every opened element is closed (no dependency parses it, so check the tags balance).
    const opened = (svg.match(/<(svg|text|title|rect)[ >]/g) ?? []).length;
    const selfClosed = (svg.match(/\/>/g) ?? []).length;
    const closed = (svg.match(/<\/(svg|text|title|rect)>/g) ?? []).length;
    expect(opened).toBe(selfClosed + closed - (svg.match(/<line /g) ?? []).length);
  });

  it('escapes text and shows a note where a value is missing', () => {
    const svg = renderBarChart(chart);
    expect(svg).toContain('Nexmark &lt;events/s&gt; &amp; more');
    expect(svg).toContain('Sluice: not supported yet: joins &amp; &quot;windows&quot;');
    expect(svg).not.toContain('& more');
  });

  it('draws bar lengths on a log scale from the smallest to the largest power of ten', () => {
    const svg = renderBarChart(chart);
    const widths = [...svg.matchAll(/<rect x="70" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    // 250k, 500k, 40M, 300k, 5M over 10^5 .. 10^8: 40M is the longest, each bar proportional to log10.
    expect(Math.max(...widths)).toBe(widths[2]);
    const perDecade = 600 / 3;
    expect(widths[0]).toBeCloseTo((Math.log10(250_000) - 5) * perDecade, 0);
    expect(svg).toContain('>100k</text>');
    expect(svg).toContain('>100M</text>');
  });

  it('formats numbers compactly and escapes XML', () => {
    expect(compactNumber(1_234_567)).toBe('1.2M');
    expect(compactNumber(4500)).toBe('4.5k');
    expect(compactNumber(250_000)).toBe('250k');
    expect(compactNumber(12)).toBe('12');
    expect(escapeXml(`<a b='c'>&</a>`)).toBe('&lt;a b=&apos;c&apos;&gt;&amp;&lt;/a&gt;');
  });

  it('copes with no values at all', () => {
    const svg = renderBarChart({ ...chart, groups: [{ label: 'q9', values: {} }] });
    expect(svg).toContain('Sluice: not measured');
  });
});
