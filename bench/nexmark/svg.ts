/**
 * A grouped horizontal bar chart as a standalone SVG document, written by hand (no dependency):
 * one group per query, one bar per series (Sluice, the hand-written loop, DuckDB), on a log10
 * axis because the three differ by orders of magnitude. A missing value (a query the engine does
 * not run yet) is drawn as a note instead of a bar, so it is never silently absent.
 */

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

export interface ChartGroup {
  label: string;
  /** Value per series key; undefined or non-finite = not measured. */
  values: Readonly<Record<string, number | undefined>>;
  /** Shown where a value is missing. */
  note?: string;
}

export interface BarChart {
  title: string;
  subtitle?: string;
  /** Axis unit, e.g. "events/s". */
  unit: string;
  series: readonly ChartSeries[];
  groups: readonly ChartGroup[];
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** 1234567 -> "1.2M", 4500 -> "4.5k". */
export function compactNumber(value: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) {
      const scaled = value / size;
      return `${scaled >= 100 ? Math.round(scaled) : Number(scaled.toPrecision(2))}${suffix}`;
    }
  }
  return value >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(2)));
}

const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const GROUP_GAP = 14;
const LEFT = 70;
const RIGHT = 90;
const TOP = 64;
const WIDTH = 760;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

export function renderBarChart(chart: BarChart): string {
  const finite = chart.groups.flatMap((g) => chart.series.map((s) => g.values[s.key])).filter((v): v is number => v !== undefined && Number.isFinite(v) && v > 0);
  const minExponent = finite.length === 0 ? 0 : Math.floor(Math.log10(Math.min(...finite)));
  const maxExponent = finite.length === 0 ? 1 : Math.max(minExponent + 1, Math.ceil(Math.log10(Math.max(...finite))));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (value: number): number => LEFT + ((Math.log10(value) - minExponent) / (maxExponent - minExponent)) * plotWidth;
  const groupHeight = chart.series.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
  const plotHeight = chart.groups.length * (groupHeight + GROUP_GAP);
  const legendY = TOP + plotHeight + 34;
  const height = legendY + 24;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`);
  parts.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${LEFT}" y="24" ${FONT} font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`);
  if (chart.subtitle !== undefined) parts.push(`<text x="${LEFT}" y="42" ${FONT} font-size="11" fill="#555555">${escapeXml(chart.subtitle)}</text>`);
  // Axis: a line and a label per power of ten.
  for (let exponent = minExponent; exponent <= maxExponent; exponent++) {
    const position = x(10 ** exponent).toFixed(1);
    parts.push(`<line x1="${position}" y1="${TOP - 6}" x2="${position}" y2="${TOP + plotHeight}" stroke="#dddddd" stroke-width="1"/>`);
    parts.push(`<text x="${position}" y="${TOP + plotHeight + 14}" ${FONT} font-size="10" text-anchor="middle" fill="#555555">${escapeXml(compactNumber(10 ** exponent))}</text>`);
  }
  parts.push(`<text x="${LEFT + plotWidth}" y="${TOP + plotHeight + 14}" dx="28" ${FONT} font-size="10" fill="#555555">${escapeXml(chart.unit)}</text>`);
  chart.groups.forEach((group, groupIndex) => {
    const groupTop = TOP + groupIndex * (groupHeight + GROUP_GAP);
    parts.push(`<text x="${LEFT - 8}" y="${(groupTop + groupHeight / 2 + 4).toFixed(1)}" ${FONT} font-size="12" font-weight="bold" text-anchor="end">${escapeXml(group.label)}</text>`);
    chart.series.forEach((series, seriesIndex) => {
      const y = groupTop + seriesIndex * (BAR_HEIGHT + BAR_GAP);
      const value = group.values[series.key];
      if (value === undefined || !Number.isFinite(value) || value <= 0) {
        const note = group.note ?? 'not measured';
        parts.push(`<text x="${LEFT + 4}" y="${y + BAR_HEIGHT - 3}" ${FONT} font-size="10" fill="${series.color}">${escapeXml(`${series.label}: ${note}`)}</text>`);
        return;
      }
      const end = Math.max(x(value), LEFT + 1);
      parts.push(
        `<rect x="${LEFT}" y="${y}" width="${(end - LEFT).toFixed(1)}" height="${BAR_HEIGHT}" fill="${series.color}"><title>${escapeXml(`${group.label} ${series.label}: ${Math.round(value)} ${chart.unit}`)}</title></rect>`,
      );
      parts.push(`<text x="${(end + 4).toFixed(1)}" y="${y + BAR_HEIGHT - 3}" ${FONT} font-size="10" fill="#333333">${escapeXml(compactNumber(value))}</text>`);
    });
  });
  let legendX = LEFT;
  for (const series of chart.series) {
    parts.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${series.color}"/>`);
    parts.push(`<text x="${legendX + 16}" y="${legendY}" ${FONT} font-size="11">${escapeXml(series.label)}</text>`);
    legendX += 24 + series.label.length * 6.5;
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
