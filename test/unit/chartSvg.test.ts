// The SVG chart writer (src/shared/chart: the dashboards' SVG export and the gallery's figures) and its
// ticks: a well-formed document, one path per series in the scales' coordinates, run names escaped, alpha
// colours split into *-opacity, gaps spanned or broken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildChartSvg, type ChartSvgSpec, escapeXml, paint } from '../../src/shared/chart/svgChart';
import { labelPieces, plainLabel } from '../../src/shared/chart/richLabel';
import { integerTicks, linearTicks, logAxisTicks, logTicks, tickFormatter } from '../../src/shared/chart/ticks';

function spec(over: Partial<ChartSvgSpec> = {}): ChartSvgSpec {
  return {
    width: 800,
    height: 400,
    title: 'Loss: 2 of 2 runs',
    legend: [{ label: 'a<b> & "c"', color: '#3794ff' }, { label: 'gru · GRU', color: '#d18616' }],
    xLabel: 'step',
    yLabel: 'loss',
    xRange: [0, 100],
    yRange: [0, 4],
    logY: false,
    series: [
      { label: 'a<b> & "c" raw', color: 'rgba(55, 148, 255, 0.25)', x: [0, 50, 100], y: [4, 2, 1], width: 1 },
      { label: 'a<b> & "c" train', color: '#3794ff', x: [0, 50, 100], y: [3.5, 2, 1], width: 2 },
      { label: 'a<b> & "c" validation', color: '#3794ff', x: [0, 100], y: [3, NaN], width: 1, dash: [2, 3], points: true },
      { label: 'empty', color: '#d18616', x: [], y: [] },
    ],
    refs: [{ value: 1.5, label: 'baseline: unigram', color: '#9d9d9d' }],
    colors: { background: '#1f1f1f', foreground: '#cccccc', muted: '#9d9d9d', grid: 'rgba(255, 255, 255, 0.08)' },
    font: '-apple-system, "Segoe WPC", sans-serif',
    ...over,
  };
}

/** A small XML well-formedness check: every tag closes in order, attributes are quoted, no raw & or <. */
function checkXml(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  const tags: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length && (m = re.exec(body))) {
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      assert.doesNotMatch(m[5], /&(?!(amp|lt|gt|quot|apos);)/, `raw & in text: ${m[5]}`);
      continue;
    }
    for (const a of m[3].matchAll(/="([^"]*)"/g)) assert.doesNotMatch(a[1], /&(?!(amp|lt|gt|quot|apos);)/, `raw & in attribute: ${a[1]}`);
    if (m[1]) assert.equal(stack.pop(), m[2], `closing </${m[2]}>`);
    else {
      tags.push(m[2]);
      if (!m[4]) stack.push(m[2]);
    }
  }
  assert.equal(pos, body.length, `unparsed from: ${body.slice(pos, pos + 80)}`);
  assert.deepEqual(stack, [], 'every element closed');
  return tags;
}

test('chart SVG is a well-formed svg document with title, legend, axes and one path per series', () => {
  const svg = buildChartSvg(spec());
  const tags = checkXml(svg);
  assert.equal(tags[0], 'svg');
  assert.match(svg, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="800" height="400" viewBox="0 0 800 400"/);
  assert.equal((svg.match(/<path class="series-line"/g) ?? []).length, 4, 'one path per series, empty ones included');
  assert.equal((svg.match(/<g class="legend-entry">/g) ?? []).length, 2);
  assert.equal((svg.match(/<circle /g) ?? []).length, 1, 'validation point (NaN skipped)');
  assert.match(svg, /class="axis-label"[^>]*>step</);
  assert.match(svg, /class="axis-label"[^>]*>loss</);
  assert.match(svg, /stroke-dasharray="2 3"/);
  assert.match(svg, /baseline: unigram/);
  assert.match(svg, /font-family="-apple-system, &quot;Segoe WPC&quot;, sans-serif"/);
});

test('chart SVG escapes run names in text and attributes', () => {
  const svg = buildChartSvg(spec());
  assert.ok(!svg.includes('a<b>'), 'no raw markup from a run name');
  assert.match(svg, />a&lt;b&gt; &amp; &quot;c&quot;<\/text>/);
  assert.match(svg, /data-label="a&lt;b&gt; &amp; &quot;c&quot; train"/);
  assert.equal(escapeXml(`<'&">`), '&lt;&apos;&amp;&quot;&gt;');
});

test('chart SVG maps data through the scales, log y included', () => {
  const lin = buildChartSvg(spec());
  const d = (svg: string, label: string) => new RegExp(`data-label="${label}" d="([^"]*)"`).exec(svg)![1];
  const pts = (path: string) => [...path.matchAll(/[ML]([\d.-]+) ([\d.-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  const train = pts(d(lin, 'a&lt;b&gt; &amp; &quot;c&quot; train'));
  assert.equal(train.length, 3);
  assert.ok(train[0][0] < train[1][0] && train[1][0] < train[2][0], 'x grows to the right');
  assert.ok(train[0][1] < train[1][1] && train[1][1] < train[2][1], 'falling loss goes down the image');
  // linear: equal steps in x are equal steps on screen
  assert.ok(Math.abs(train[1][0] - train[0][0] - (train[2][0] - train[1][0])) < 0.2);
  const log = buildChartSvg(spec({ logY: true, yRange: [1, 100], series: [{ label: 's', color: '#fff', x: [0, 50, 100], y: [100, 10, 1] }], refs: [] }));
  const p = pts(d(log, 's'));
  assert.ok(Math.abs(p[1][1] - p[0][1] - (p[2][1] - p[1][1])) < 0.2, 'decades equally spaced on a log axis');
  const nonPositive = buildChartSvg(spec({ logY: true, yRange: [1, 100], series: [{ label: 's', color: '#fff', x: [0, 1, 2], y: [10, 0, -1] }] }));
  assert.equal(pts(d(nonPositive, 's')).length, 1, 'non-positive values are gaps on a log axis');
});

test('colours with alpha become *-opacity; plain ones pass through', () => {
  assert.equal(paint('stroke', 'rgba(55, 148, 255, 0.25)'), 'stroke="rgb(55, 148, 255)" stroke-opacity="0.25"');
  assert.equal(paint('fill', 'hsla(120, 65%, 55%, 0.5)'), 'fill="hsl(120, 65%, 55%)" fill-opacity="0.5"');
  assert.equal(paint('fill', 'rgb(1, 2, 3)'), 'fill="rgb(1, 2, 3)"');
  assert.equal(paint('fill', '#3794ff80'), 'fill="#3794ff" fill-opacity="0.502"');
  assert.equal(paint('fill', '#3794ff'), 'fill="#3794ff"');
});

test('ticks: nice linear steps, decades on a log axis, compact labels', () => {
  assert.deepEqual(linearTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(linearTicks(0.13, 0.52, 4), [0.2, 0.3, 0.4, 0.5]);
  assert.deepEqual(logTicks(0.01, 10), [0.01, 0.1, 1, 10]);
  assert.deepEqual(logTicks(1.5, 9), [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(logTicks(0.3, 3), [0.3, 1, 3]);
  assert.deepEqual(logTicks(0.0017, 0.37, 4), [0.003, 0.01, 0.03, 0.1, 0.3], 'two decades: 1-3-10, not seven 1-2-5 labels');
});

test('integer axes: whole-number ticks only, however few steps the range holds', () => {
  assert.deepEqual(integerTicks(0, 4, 8), [0, 1, 2, 3, 4], 'no 0.5 steps on a short axis');
  assert.deepEqual(integerTicks(0, 59, 12), [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
  assert.deepEqual(integerTicks(1.2, 3.7, 10), [2, 3]);
  for (const [lo, hi, target] of [[0, 9, 20], [1, 50, 7], [0, 12000, 9], [3, 7, 30]]) {
    for (const t of integerTicks(lo, hi, target)) assert.ok(Number.isInteger(t), `${t} of integerTicks(${lo}, ${hi}, ${target})`);
  }
  assert.deepEqual(linearTicks(0, 4, 8), [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4], 'a linear axis may have halves');
});

test('log axes: decades labelled with the mantissas between them as minor ticks; inside one decade, linear labels', () => {
  const wide = logAxisTicks(0.001, 1, 6);
  assert.deepEqual(wide.major, [0.001, 0.01, 0.1, 1]);
  assert.ok(wide.minor.includes(0.002) && wide.minor.includes(0.5) && wide.minor.includes(0.09), 'minor ticks at 2…9 × 10^k');
  assert.ok(!wide.minor.some((v) => wide.major.includes(v)), 'minor ticks are not majors');
  // a loss zoomed to 0.8…1.5: labels inside the range, not a snap to whole decades
  const narrow = logAxisTicks(0.8, 1.5, 6);
  assert.ok(narrow.major.length >= 3, `${narrow.major}`);
  assert.ok(narrow.major.every((v) => v >= 0.8 && v <= 1.5));
  assert.deepEqual(narrow.major, [0.8, 1, 1.2, 1.4]);
  assert.equal(narrow.linear, true, 'labelled as a linear axis');
  assert.equal(wide.linear, false);
  assert.deepEqual(narrow.minor, [0.9]);
  assert.deepEqual(logAxisTicks(1e-12, 1e4, 6).minor.every((v) => Number.isInteger(Math.round(Math.log10(v) * 1e6) / 1e6)), true, 'many decades: no 2…9 haze');
});

test('tick labels: one format per axis, never 0.1 next to 1e-3', () => {
  const fmt = (ticks: number[], style: 'aligned' | 'compact' = 'aligned') => ticks.map(tickFormatter(ticks, style));
  assert.deepEqual(fmt([0.5, 1, 1.5, 2]), ['0.5', '1.0', '1.5', '2.0'], 'the same decimals on a linear axis');
  assert.deepEqual(fmt([0.001, 0.01, 0.1, 1], 'compact'), ['0.001', '0.01', '0.1', '1'], 'fixed notation within 1e-3…1e5');
  assert.deepEqual(fmt([1e-4, 1e-3, 0.01, 0.1, 1], 'compact'), ['1e-4', '1e-3', '1e-2', '1e-1', '1'], 'exponent notation for every tick once one needs it');
  assert.deepEqual(fmt([2e-4, 2.5e-4, 3e-4], 'compact'), ['2e-4', '2.5e-4', '3e-4']);
  assert.deepEqual(fmt([0, 5000, 10000, 15000]), ['0', '5 000', '10 000', '15 000'], 'counts grouped from 10 000');
  assert.deepEqual(fmt([0, 200, 400]), ['0', '200', '400']);
  assert.deepEqual(fmt([-0.2, 0, 0.2]), ['-0.2', '0.0', '0.2']);
  assert.deepEqual(fmt([1e6, 2e6]), ['1e6', '2e6']);
});

test('axis titles: subscripts as TeX writes them, no raw underscore left', () => {
  assert.deepEqual(labelPieces('‖∂L_T/∂h_t‖'), [{ text: '‖∂L', sub: false }, { text: 'T', sub: true }, { text: '/∂h', sub: false }, { text: 't', sub: true }, { text: '‖', sub: false }]);
  assert.deepEqual(labelPieces('x_{t-1} + 1'), [{ text: 'x', sub: false }, { text: 't-1', sub: true }, { text: ' + 1', sub: false }]);
  assert.deepEqual(labelPieces('loss (nats/char)'), [{ text: 'loss (nats/char)', sub: false }]);
  assert.equal(plainLabel('‖∂L_T/∂h_t‖'), '‖∂LT/∂ht‖');
  const svg = buildChartSvg(spec({ yLabel: '‖∂L_T/∂h_t‖', xLabel: 'timestep t' }));
  const y = /<g class="y-axis"[\s\S]*?<text class="axis-label"[^>]*>([\s\S]*?)<\/text>/.exec(svg)![1];
  assert.ok(!y.includes('_'), y);
  assert.equal((y.match(/class="sub"/g) ?? []).length, 2, y);
  assert.equal(checkXml(svg)[0], 'svg');
});

test('SVG axes: integer x ticks when asked, minor ticks on a log y axis, one label format', () => {
  const svg = buildChartSvg(spec({ xRange: [0, 7], xInteger: true, logY: true, yRange: [1e-4, 1], series: [], refs: [] }));
  const xLabels = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+">([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.ok(xLabels.length >= 3);
  const yLabels = [.../<g class="y-axis"[\s\S]*?<\/g>/.exec(svg)![0].matchAll(/<text x="[\d.]+" y="[\d.]+">([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(yLabels, ['1e-4', '1e-3', '1e-2', '1e-1', '1']);
  const xOnly = xLabels.filter((l) => !yLabels.includes(l));
  assert.ok(xOnly.every((l) => /^\d+$/.test(l)), `integer x labels: ${xOnly}`);
  assert.ok((svg.match(/class="minor-tick"/g) ?? []).length >= 20, 'minor ticks between the decades');
});

test('gaps: spanned as on the dashboards\' canvas, or broken into segments for a figure', () => {
  const series = [{ label: 's', color: '#fff', x: [0, 1, 2, 3], y: [1, NaN, 2, 3] }];
  const d = (svg: string) => /data-label="s" d="([^"]*)"/.exec(svg)![1];
  assert.equal((d(buildChartSvg(spec({ series, refs: [] }))).match(/M/g) ?? []).length, 1);
  assert.equal((d(buildChartSvg(spec({ series, refs: [], gaps: 'break' }))).match(/M/g) ?? []).length, 2);
});

test('log ticks thin out many decades to every 2nd (3rd, …) power of ten', () => {
  assert.deepEqual(logTicks(1e-8, 1e4), [1e-8, 1e-6, 1e-4, 0.01, 1, 100, 1e4]);
  assert.deepEqual(logTicks(0.001, 1), [0.001, 0.01, 0.1, 1]);
  assert.deepEqual(linearTicks(-0.3, 0.3, 6), [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
});
