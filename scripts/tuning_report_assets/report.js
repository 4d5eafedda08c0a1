/* Tuning report charts: inlined into the HTML by scripts/tuning_report.py.
   Draws SVG charts from the JSON in <script id="report-data">; no libraries, no network.
   Every chart container ([data-chart]) gets data-drawn="true" once its SVG is drawn; a chart that
   fails logs the error to the console and says so in place of the chart. */
(function () {
    'use strict';

    const SVG_NS = 'http://www.w3.org/2000/svg';
    const COLORS = {
        primary: '#0f766e',
        other: '#94a3b8',
        ink: '#1e293b',
        muted: '#64748b',
        reference: '#475569',
        warn: '#dc2626',
        precision: '#2563eb',
        recall: '#d97706',
        f1: '#7c3aed',
        current: '#334155',
        best_f1: '#16a34a',
        sql_current: '#0369a1',
        capacity: '#ea580c',
    };
    const report = JSON.parse(document.getElementById('report-data').textContent);

    // ---- formatting (the same rules as the Python side) ----------------------------------------
    const fmt = {
        int(value) {
            return value == null ? '–' : Math.round(value).toLocaleString('en-US');
        },
        pct(value) {
            if (value == null) return '–';
            const percent = value * 100;
            if (percent > 0 && percent < 0.05) return '<0.1%';
            return String(Number(percent.toFixed(1))) + '%';
        },
        score(value) {
            if (value == null) return '–';
            return Number(value.toFixed(2)).toLocaleString('en-US', { maximumFractionDigits: 2 });
        },
        lift(value) {
            return value == null ? '–' : value.toFixed(1) + '×';
        },
        days(value) {
            if (value == null) return '–';
            return value === 1 ? '1 day' : fmt.score(Number(value.toFixed(1))) + ' days';
        },
        month(iso, short) {
            const [year, month] = iso.split('-').map(Number);
            const name = new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en-US', {
                month: 'short',
                timeZone: 'UTC',
            });
            return short ? `${name} ${String(year).slice(2)}` : `${name} ${year}`;
        },
        odds(logOdds) {
            const ratio = Math.exp(logOdds);
            if (ratio >= 10) return '×' + Math.round(ratio);
            if (ratio >= 1) return '×' + Number(ratio.toFixed(1));
            return '×' + Number(ratio.toPrecision(2));
        },
    };

    // ---- SVG helpers ---------------------------------------------------------------------------
    function svgEl(parent, name, attrs, text) {
        const node = document.createElementNS(SVG_NS, name);
        for (const [key, value] of Object.entries(attrs || {})) {
            if (value !== undefined && value !== null) node.setAttribute(key, String(value));
        }
        if (text !== undefined) node.textContent = text;
        if (parent) parent.appendChild(node);
        return node;
    }

    function tip(node, text) {
        svgEl(node, 'title', {}, text);
        return node;
    }

    function linear(d0, d1, r0, r1) {
        const span = d1 - d0;
        return (value) => r0 + (span === 0 ? 0.5 : (value - d0) / span) * (r1 - r0);
    }

    function niceStep(span, count) {
        const raw = span / Math.max(1, count);
        const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        const norm = raw / magnitude;
        const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    function niceTicks(min, max, count) {
        if (!(max > min)) max = min + 1;
        const step = niceStep(max - min, count);
        const ticks = [];
        for (let value = Math.floor(min / step) * step; value <= max + step * 1e-9; value += step) {
            if (value >= min - step * 1e-9) ticks.push(Number(value.toFixed(10)));
        }
        return ticks;
    }

    // ticks that cover [min, max], extended outwards to whole steps
    function coveringTicks(min, max, count) {
        if (!(max > min)) max = min + 1;
        const step = niceStep(max - min, count);
        const ticks = [];
        const end = Math.ceil(max / step - 1e-9) * step;
        for (let value = Math.floor(min / step + 1e-9) * step; value <= end + step * 1e-9; value += step) {
            ticks.push(Number(value.toFixed(10)));
        }
        return ticks;
    }

    function niceMax(max, count) {
        const ticks = niceTicks(0, max > 0 ? max : 1, count);
        const last = ticks[ticks.length - 1];
        return last < max ? last + niceStep(max, count) : last;
    }

    function makeSvg(canvas, width, height, label) {
        return svgEl(canvas, 'svg', {
            width,
            height,
            viewBox: `0 0 ${width} ${height}`,
            role: 'img',
            'aria-label': label,
        });
    }

    function legend(canvas, items) {
        const box = document.createElement('div');
        box.className = 'legend';
        for (const item of items) {
            const entry = document.createElement('span');
            const swatch = document.createElement('i');
            swatch.className = item.shape || '';
            swatch.style.background = item.color;
            swatch.style.borderColor = item.color;
            entry.appendChild(swatch);
            entry.appendChild(document.createTextNode(item.label));
            box.appendChild(entry);
        }
        canvas.appendChild(box);
    }

    function emptyChart(canvas, width, message) {
        const svg = makeSvg(canvas, width, 120, message);
        svgEl(svg, 'rect', { x: 0.5, y: 0.5, width: width - 1, height: 119, rx: 8, class: 'empty-bg' });
        svgEl(svg, 'text', { x: width / 2, y: 64, 'text-anchor': 'middle', class: 'empty-text' }, message);
    }

    // horizontal grid lines and labels of a y axis, plus the rotated axis title
    function yAxis(svg, box, scale, ticks, format, title) {
        const group = svgEl(svg, 'g', { class: 'axis' });
        for (const value of ticks) {
            const y = scale(value);
            svgEl(group, 'line', { x1: box.left, x2: box.right, y1: y, y2: y, class: 'grid-line' });
            svgEl(group, 'text', { x: box.left - 8, y: y + 4, 'text-anchor': 'end' }, format(value));
        }
        const middle = (box.top + box.bottom) / 2;
        svgEl(
            svg,
            'text',
            {
                x: 14,
                y: middle,
                transform: `rotate(-90 14 ${middle})`,
                'text-anchor': 'middle',
                class: 'axis-label',
            },
            title,
        );
    }

    function xTitle(svg, box, height, title) {
        svgEl(
            svg,
            'text',
            { x: (box.left + box.right) / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label' },
            title,
        );
    }

    // x labels at the given positions, skipping those that would overlap the one before
    function xLabels(svg, box, items, minGap) {
        const group = svgEl(svg, 'g', { class: 'axis' });
        let lastX = -Infinity;
        items.forEach((item, index) => {
            if (item.x - lastX < minGap) return;
            svgEl(group, 'text', { x: item.x, y: box.bottom + 16, 'text-anchor': 'middle' }, item.text);
            lastX = item.x;
        });
        svgEl(group, 'line', { x1: box.left, x2: box.right, y1: box.bottom, y2: box.bottom, class: 'zero-line' });
    }

    function textWidth(text, size) {
        return text.length * (size || 12) * 0.56;
    }

    // ---- 1. score distribution by outcome ------------------------------------------------------
    function drawDistribution(canvas, data, width) {
        const bins = data.bins;
        if (!bins.length) {
            return emptyChart(canvas, width, 'No judged contacts yet: no conversion window has closed.');
        }
        legend(canvas, [
            { color: COLORS.primary, label: `Converted (${fmt.int(data.converted_total)})` },
            { color: COLORS.other, label: `Not converted (${fmt.int(data.not_converted_total)})` },
        ]);
        const height = 290;
        const box = { left: 56, right: width - 12, top: 10, bottom: height - 46 };
        const share = (count, total) => (total ? count / total : 0);
        const maxShare = Math.max(
            ...bins.map((bin) => share(bin.converted, data.converted_total)),
            ...bins.map((bin) => share(bin.not_converted, data.not_converted_total)),
        );
        const top = niceMax(maxShare, 5);
        const y = linear(0, top, box.bottom, box.top);
        const svg = makeSvg(canvas, width, height, 'Peak score distribution, converted vs not');
        yAxis(svg, box, y, niceTicks(0, top, 5), fmt.pct, 'Share of group');
        const slot = (box.right - box.left) / bins.length;
        const barWidth = Math.max(2, Math.min(28, slot * 0.4));
        const series = [
            ['converted', data.converted_total, COLORS.primary, 'converted', -1],
            ['not_converted', data.not_converted_total, COLORS.other, 'not converted', 1],
        ];
        bins.forEach((bin, index) => {
            const center = box.left + slot * (index + 0.5);
            for (const [key, total, color, name, side] of series) {
                const value = share(bin[key], total);
                if (!value) continue;
                const x = side < 0 ? center - barWidth - 1 : center + 1;
                const rect = svgEl(svg, 'rect', {
                    x,
                    y: y(value),
                    width: barWidth,
                    height: box.bottom - y(value),
                    fill: color,
                    rx: 2,
                    class: 'mark',
                });
                tip(
                    rect,
                    `Peak ${fmt.score(bin.lower)} to <${fmt.score(bin.upper)}: ${fmt.int(bin[key])} ${name} ` +
                        `(${fmt.pct(value)} of all ${name})`,
                );
            }
        });
        const labels = bins.map((bin, index) => ({ x: box.left + slot * index, text: fmt.score(bin.lower) }));
        labels.push({ x: box.right, text: fmt.score(bins[bins.length - 1].upper) });
        xLabels(svg, box, labels, 34);
        xTitle(svg, box, height, `Peak score (bands of ${fmt.score(data.bin_width)} points)`);
    }

    // ---- 2. funnel -----------------------------------------------------------------------------
    function drawFunnel(canvas, data, width) {
        const steps = data.steps;
        if (!steps.length) return emptyChart(canvas, width, 'No judged contacts in the funnel yet.');
        const rowHeight = 40;
        const notes = steps.map((step) => {
            if (!step.from_noun) return '';
            let note = `↳ ${fmt.pct(step.rate)} of ${step.from_noun}`;
            if (step.median_days != null) note += ` · median ${fmt.days(step.median_days)}`;
            return note;
        });
        // the notes go beside the bars when they fit in 45 % of the width, else under each bar
        const longest = Math.max(...notes.map((note) => textWidth(note, 11))) + 12;
        const noteWidth = longest <= width * 0.45 ? longest : 0;
        const labelWidth = 104;
        const height = steps.length * rowHeight + (noteWidth ? 8 : steps.length * 16 + 8);
        const box = { left: labelWidth, right: width - noteWidth - 12, top: 4, bottom: height };
        const maxCount = Math.max(...steps.map((step) => step.count), 1);
        const x = linear(0, maxCount, box.left, box.right - 54);
        const svg = makeSvg(canvas, width, height, 'Lifecycle funnel');
        const pitch = noteWidth ? rowHeight : rowHeight + 16;
        steps.forEach((step, index) => {
            const top = box.top + index * pitch;
            const barHeight = rowHeight - 14;
            const middle = top + barHeight / 2;
            svgEl(svg, 'text', { x: labelWidth - 10, y: middle + 4, 'text-anchor': 'end' }, step.label);
            const barEnd = Math.max(x(step.count), box.left + 2);
            const rect = svgEl(svg, 'rect', {
                x: box.left,
                y: top,
                width: barEnd - box.left,
                height: barHeight,
                rx: 3,
                fill: COLORS.primary,
                'fill-opacity': 1 - index * 0.1,
                class: 'mark',
            });
            tip(rect, `${step.label}: ${fmt.int(step.count)}`);
            svgEl(
                svg,
                'text',
                { x: barEnd + 6, y: middle + 4, class: 'value-label', 'font-size': 13, 'font-weight': 600 },
                fmt.int(step.count),
            );
            if (notes[index]) {
                const attrs = step.is_biggest_drop
                    ? { fill: COLORS.warn, 'font-weight': 600 }
                    : { fill: COLORS.muted };
                const position = noteWidth
                    ? { x: width - noteWidth, y: middle + 4 }
                    : { x: box.left, y: top + barHeight + 13 };
                svgEl(svg, 'text', { ...position, ...attrs, class: 'value-label', 'font-size': 11 }, notes[index]);
            }
        });
    }

    // ---- 3. conversion rate bars (score bands and grades) --------------------------------------
    function drawRateBars(canvas, data, width, options) {
        const bands = data.bands;
        if (!bands.length) return emptyChart(canvas, width, 'No judged contacts yet.');
        const items = [
            { color: COLORS.primary, label: 'At or above the average' },
            { color: COLORS.other, label: 'Below the average' },
            { color: COLORS.reference, shape: 'dashed', label: `Average ${fmt.pct(data.base_rate)}` },
        ];
        const fewLeads = bands.some((band) => band.leads > 0 && band.leads < data.min_leads);
        if (fewLeads) {
            items.push({ color: 'rgba(15, 118, 110, 0.4)', label: `Faded: under ${fmt.int(data.min_leads)} leads` });
        }
        legend(canvas, items);
        const height = 270;
        const box = { left: 56, right: width - 12, top: 16, bottom: height - 46 };
        const maxRate = Math.max(data.base_rate || 0, ...bands.map((band) => band.conversion_rate || 0));
        const top = niceMax(maxRate, 5);
        const y = linear(0, top, box.bottom, box.top);
        const svg = makeSvg(canvas, width, height, options.title);
        yAxis(svg, box, y, niceTicks(0, top, 5), fmt.pct, 'Conversion rate');
        const slot = (box.right - box.left) / bands.length;
        const barWidth = Math.max(3, Math.min(56, slot * 0.72));
        bands.forEach((band, index) => {
            if (!band.leads) return;
            const rate = band.conversion_rate || 0;
            const center = box.left + slot * (index + 0.5);
            const above = data.base_rate != null && rate >= data.base_rate;
            const rect = svgEl(svg, 'rect', {
                x: center - barWidth / 2,
                y: y(rate),
                width: barWidth,
                height: Math.max(box.bottom - y(rate), rate > 0 ? 1 : 0),
                rx: 2,
                fill: above ? COLORS.primary : COLORS.other,
                'fill-opacity': band.leads < data.min_leads ? 0.4 : 1,
                class: 'mark',
            });
            tip(
                rect,
                `${options.name(band)}: ${fmt.int(band.converted_leads)} of ${fmt.int(band.leads)} converted ` +
                    `(${fmt.pct(band.conversion_rate)}, ${fmt.lift(band.lift)} the average)`,
            );
            if (barWidth >= 30) {
                svgEl(
                    svg,
                    'text',
                    { x: center, y: y(rate) - 4, 'text-anchor': 'middle', class: 'value-label', 'font-size': 11 },
                    fmt.pct(rate),
                );
            }
        });
        if (data.base_rate != null) {
            const baseY = y(data.base_rate);
            svgEl(svg, 'line', {
                x1: box.left,
                x2: box.right,
                y1: baseY,
                y2: baseY,
                stroke: COLORS.reference,
                'stroke-width': 1.5,
                'stroke-dasharray': '6 4',
                class: 'mark',
            });
        }
        xLabels(svg, box, options.labels(bands, box, slot), options.labelGap);
        xTitle(svg, box, height, options.axis);
    }

    function drawScoreBands(canvas, data, width) {
        drawRateBars(canvas, data, width, {
            title: 'Conversion rate by peak score band',
            axis: 'Peak score band (lower bound, points)',
            labelGap: 34,
            name: (band) => `Peak ${fmt.score(band.band_lower)} to <${fmt.score(band.band_upper)}`,
            labels: (bands, box, slot) =>
                bands.map((band, index) => ({
                    x: box.left + slot * (index + 0.5),
                    text: fmt.score(band.band_lower),
                })),
        });
    }

    function drawGrades(canvas, data, width) {
        drawRateBars(canvas, data, width, {
            title: 'Conversion rate by grade',
            axis: 'Grade at the peak score',
            labelGap: 22,
            name: (band) => `Grade ${band.band}`,
            labels: (bands, box, slot) =>
                bands.map((band, index) => ({ x: box.left + slot * (index + 0.5), text: band.band })),
        });
    }

    // ---- 4. threshold curve --------------------------------------------------------------------
    function drawThresholds(canvas, data, width) {
        const points = data.points;
        if (!points.length) return emptyChart(canvas, width, 'No judged contacts yet: no threshold to judge.');
        const metrics = [
            ['precision', 'Precision', COLORS.precision],
            ['recall', 'Recall', COLORS.recall],
            ['f1', 'F1', COLORS.f1],
        ];
        // when conversions are rare, precision and F1 stay far below recall: they get their own
        // axis on the right so that their shape stays visible
        const lowMax = Math.max(...points.map((point) => Math.max(point.precision || 0, point.f1 || 0)));
        const split = lowMax > 0 && lowMax < 0.35;
        const side = (key) => (split ? (key === 'recall' ? ' (left axis)' : ' (right axis)') : '');
        legend(canvas, metrics.map(([key, label, color]) => ({ color, label: label + side(key), shape: 'line' })));
        const values = points.map((point) => point.threshold).concat(data.markers.map((marker) => marker.value));
        const low = Math.min(...values);
        const high = Math.max(...values);
        const box = { left: 56, right: width - (split ? 60 : 16), top: 0, bottom: 0 };
        const x = linear(low, high === low ? low + 1 : high, box.left, box.right);

        // marker labels in rows so that they do not overlap
        const rows = [];
        const placed = data.markers
            .slice()
            .sort((a, b) => a.value - b.value)
            .map((marker) => {
                const label = `${marker.label} ${fmt.score(marker.value)}`;
                const half = textWidth(label, 11) / 2 + 4;
                const center = Math.min(Math.max(x(marker.value), box.left + half), box.right - half);
                let row = rows.findIndex((end) => end < center - half);
                if (row < 0) {
                    rows.push(0);
                    row = rows.length - 1;
                }
                rows[row] = center + half;
                return { marker, label, center, row };
            });
        box.top = 10 + rows.length * 16;
        const height = box.top + 260;
        box.bottom = height - 46;
        const y = linear(0, 1, box.bottom, box.top);
        const svg = makeSvg(canvas, width, height, 'Precision, recall and F1 by threshold');
        yAxis(svg, box, y, [0, 0.25, 0.5, 0.75, 1], fmt.pct, split ? 'Recall' : 'Precision · recall · F1');
        const yOf = { recall: y, precision: y, f1: y };
        if (split) {
            const top = niceMax(lowMax, 4);
            const right = linear(0, top, box.bottom, box.top);
            yOf.precision = right;
            yOf.f1 = right;
            const axis = svgEl(svg, 'g', { class: 'axis' });
            for (const value of niceTicks(0, top, 4)) {
                svgEl(axis, 'line', { x1: box.right, x2: box.right + 4, y1: right(value), y2: right(value), class: 'zero-line' });
                svgEl(axis, 'text', { x: box.right + 7, y: right(value) + 4 }, fmt.pct(value));
            }
            svgEl(axis, 'line', { x1: box.right, x2: box.right, y1: box.top, y2: box.bottom, class: 'zero-line' });
            const middle = (box.top + box.bottom) / 2;
            svgEl(
                svg,
                'text',
                {
                    x: width - 8,
                    y: middle,
                    transform: `rotate(90 ${width - 8} ${middle})`,
                    'text-anchor': 'middle',
                    class: 'axis-label',
                },
                'Precision · F1',
            );
        }
        for (const { marker, label, center, row } of placed) {
            const color = COLORS[marker.kind] || COLORS.current;
            const labelY = 12 + row * 16;
            svgEl(svg, 'line', {
                x1: x(marker.value),
                x2: x(marker.value),
                y1: labelY + 4,
                y2: box.bottom,
                stroke: color,
                'stroke-width': 1.5,
                'stroke-dasharray': '4 3',
                class: 'mark marker',
            });
            svgEl(
                svg,
                'text',
                { x: center, y: labelY, 'text-anchor': 'middle', fill: color, 'font-size': 11, 'font-weight': 600 },
                label,
            );
        }
        for (const [key, label, color] of metrics) {
            const defined = points.filter((point) => point[key] != null);
            if (!defined.length) continue;
            const path = defined
                .map((point, index) => `${index ? 'L' : 'M'}${x(point.threshold).toFixed(1)},${yOf[key](point[key]).toFixed(1)}`)
                .join('');
            svgEl(svg, 'path', { d: path, fill: 'none', stroke: color, 'stroke-width': 2.2, class: 'mark' });
            if (defined.length <= 30) {
                for (const point of defined) {
                    tip(
                        svgEl(svg, 'circle', {
                            cx: x(point.threshold),
                            cy: yOf[key](point[key]),
                            r: 3,
                            fill: color,
                            class: 'mark',
                        }),
                        `Threshold ${fmt.score(point.threshold)}: ${label.toLowerCase()} ${key === 'f1' ? point[key].toFixed(2) : fmt.pct(point[key])} ` +
                            `(${fmt.int(point.converted_above)} of ${fmt.int(point.leads_above)} leads above converted)`,
                    );
                }
            }
        }
        const ticks = niceTicks(low, high, Math.max(2, Math.floor((box.right - box.left) / 70)));
        xLabels(svg, box, ticks.map((value) => ({ x: x(value), text: fmt.score(value) })), 30);
        xTitle(svg, box, height, 'MQL threshold (peak score reached)');
    }

    // ---- 5. rule lift --------------------------------------------------------------------------
    function drawRules(canvas, data, width) {
        const rules = data.rules;
        if (!rules.length) return emptyChart(canvas, width, 'No rules to calibrate.');
        legend(canvas, [
            { color: COLORS.primary, label: 'Raises the odds' },
            { color: COLORS.other, label: 'Lowers the odds' },
            { color: COLORS.warn, label: 'Points have the wrong sign' },
            { color: 'rgba(15, 118, 110, 0.45)', label: 'Faded: weak evidence (|z| < 1.96)' },
        ]);
        const rowHeight = 24;
        const header = 30;
        const labelWidth = Math.min(190, Math.max(100, ...rules.map((rule) => textWidth(rule.rule_id) + 16)));
        const narrow = width < 640;
        const columns = {
            now: narrow ? 44 : 70,
            suggested: narrow ? 70 : 104,
            flags: narrow ? 76 : 110,
        };
        const odds = { left: labelWidth + 8, right: width - columns.now - columns.suggested - columns.flags - 16 };
        const nowX = odds.right + 16 + columns.now - 8;
        const suggestedX = nowX + columns.suggested;
        const flagX = suggestedX + 16;
        const bottom = header + rules.length * rowHeight;
        const height = bottom + 34;
        const svg = makeSvg(canvas, width, height, 'Rule lift and suggested points');

        const logOdds = rules.map((rule) => rule.log_odds_ratio).filter((value) => value != null);
        const low = Math.min(-Math.log(2), ...logOdds);
        const high = Math.max(Math.log(2), ...logOdds);
        const pad = (high - low) * 0.04;
        const xOdds = linear(low - pad, high + pad, odds.left, odds.right);
        const zero = xOdds(0);

        const heading = (x, text, anchor) =>
            svgEl(svg, 'text', { x, y: 12, 'text-anchor': anchor, class: 'axis-label' }, text);
        heading((odds.left + odds.right) / 2, narrow ? 'Odds when matched' : 'Odds of converting when matched vs not (log scale)', 'middle');
        heading(nowX, 'Now', 'end');
        heading(suggestedX, 'Suggested', 'end');
        heading(flagX, 'Flags', 'start');

        rules.forEach((rule, index) => {
            if (index % 2 === 0) {
                svgEl(svg, 'rect', { x: 0, y: header + index * rowHeight, width, height: rowHeight, fill: '#f8fafc' });
            }
        });

        // odds axis with multiplicative ticks
        const axis = svgEl(svg, 'g', { class: 'axis' });
        const oddsTicks = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
            .map(Math.log)
            .filter((value) => value >= low - pad && value <= high + pad);
        let lastX = -Infinity;
        for (const value of oddsTicks) {
            const tx = xOdds(value);
            if (tx - lastX < 34 && value !== 0) continue;
            svgEl(axis, 'line', { x1: tx, x2: tx, y1: header - 4, y2: bottom, class: value === 0 ? 'zero-line' : 'grid-line' });
            svgEl(axis, 'text', { x: tx, y: bottom + 16, 'text-anchor': 'middle' }, fmt.odds(value));
            lastX = tx;
        }

        rules.forEach((rule, index) => {
            const top = header + index * rowHeight;
            const middle = top + rowHeight / 2;
            const label = svgEl(svg, 'text', { x: labelWidth, y: middle + 4, 'text-anchor': 'end' }, rule.rule_id);
            tip(label, `${rule.rule_id}: ${rule.kind} rule of group ${rule.group_id}`);
            const detail =
                `${rule.rule_id} (${rule.kind}, group ${rule.group_id}): matched by ${fmt.int(rule.leads_matched)} judged ` +
                `leads, ${fmt.int(rule.converted_matched)} converted (${fmt.pct(rule.conversion_rate_matched)} vs ` +
                `${fmt.pct(rule.conversion_rate_unmatched)} without); lift ${fmt.lift(rule.lift)}; ` +
                `log-odds ${rule.log_odds_ratio == null ? '–' : rule.log_odds_ratio.toFixed(2)} ` +
                `(z ${rule.z_score == null ? '–' : rule.z_score.toFixed(2)}); points ${fmt.score(rule.points)} → ` +
                `suggested ${fmt.score(rule.suggested_points)}`;
            if (rule.log_odds_ratio != null) {
                const end = xOdds(rule.log_odds_ratio);
                const positive = rule.log_odds_ratio >= 0;
                const strong = rule.z_score != null && Math.abs(rule.z_score) >= 1.96;
                const color = rule.is_sign_suspect ? COLORS.warn : positive ? COLORS.primary : COLORS.other;
                tip(
                    svgEl(svg, 'rect', {
                        x: Math.min(zero, end),
                        y: top + 5,
                        width: Math.max(Math.abs(end - zero), 1.5),
                        height: rowHeight - 10,
                        rx: 2,
                        fill: color,
                        'fill-opacity': strong ? 1 : 0.45,
                        class: 'mark',
                    }),
                    detail,
                );
                if (rule.lift != null) {
                    const text = `lift ${fmt.lift(rule.lift)}`;
                    // beside the bar's end; for bars to the left, right of the zero line
                    let attrs = { x: zero + 5, 'text-anchor': 'start', fill: COLORS.muted };
                    if (positive && end + textWidth(text, 11) + 8 <= odds.right) {
                        attrs = { x: end + 5, 'text-anchor': 'start', fill: COLORS.muted };
                    } else if (positive) {
                        attrs = { x: end - 5, 'text-anchor': 'end', fill: '#fff' };
                    }
                    svgEl(svg, 'text', { ...attrs, y: middle + 4, class: 'value-label', 'font-size': 11 }, text);
                }
            } else {
                svgEl(
                    svg,
                    'text',
                    { x: zero + 6, y: middle + 4, class: 'value-label', 'font-size': 11, fill: COLORS.muted, 'font-style': 'italic' },
                    rule.is_never_fired ? 'never fired' : 'not enough judged leads',
                );
            }
            svgEl(svg, 'text', { x: nowX, y: middle + 4, 'text-anchor': 'end', class: 'value-label', 'font-size': 12 }, fmt.score(rule.points));
            const suggested = rule.suggested_points;
            let change = '';
            let color = COLORS.muted;
            if (suggested != null && suggested > rule.points) {
                change = ' ▲';
                color = COLORS.primary;
            } else if (suggested != null && suggested < rule.points) {
                change = ' ▼';
                color = COLORS.reference;
            }
            tip(
                svgEl(
                    svg,
                    'text',
                    { x: suggestedX, y: middle + 4, 'text-anchor': 'end', class: 'value-label', 'font-size': 12, fill: color, 'font-weight': 600 },
                    fmt.score(suggested) + change,
                ),
                suggested == null ? 'no suggestion: not enough judged leads' : detail,
            );
            const flags = [];
            if (rule.is_never_fired) flags.push(['never fired', COLORS.muted]);
            if (rule.is_sign_suspect) flags.push(['⚠ wrong sign', COLORS.warn]);
            flags.forEach(([text, flagColor], flagIndex) => {
                svgEl(
                    svg,
                    'text',
                    {
                        x: flagX,
                        y: middle + 4 + flagIndex * 11,
                        fill: flagColor,
                        'font-weight': 600,
                        'font-size': 11,
                        class: 'flag',
                        'data-flag': text,
                    },
                    text,
                );
            });
        });
    }

    // ---- 6. cohort trend -----------------------------------------------------------------------
    function drawCohorts(canvas, data, width) {
        const cohorts = data.cohorts;
        if (!cohorts.length) return emptyChart(canvas, width, 'No cohorts yet.');
        legend(canvas, [
            { color: COLORS.primary, shape: 'line', label: 'MQL → SQL rate' },
            { color: COLORS.reference, shape: 'dashed', label: 'Trailing rate (mature months before)' },
            { color: COLORS.warn, shape: 'dot', label: 'Below trend' },
            { color: COLORS.primary, shape: 'ring', label: 'Window still open' },
        ]);
        const height = 280;
        const box = { left: 56, right: width - 16, top: 14, bottom: height - 46 };
        const rates = cohorts.flatMap((row) => [row.mql_to_sql_rate, row.trailing_mql_to_sql_rate]).filter((v) => v != null);
        const top = niceMax(Math.max(0.01, ...rates) * 1.1, 5);
        const y = linear(0, top, box.bottom, box.top);
        const slot = (box.right - box.left) / cohorts.length;
        const x = (index) => box.left + slot * (index + 0.5);
        const svg = makeSvg(canvas, width, height, 'MQL to SQL rate by cohort month');
        yAxis(svg, box, y, niceTicks(0, top, 5), fmt.pct, 'MQL → SQL rate');

        const line = (key, attrs) => {
            let path = '';
            let pen = 'M';
            cohorts.forEach((row, index) => {
                if (row[key] == null) {
                    pen = 'M';
                    return;
                }
                path += `${pen}${x(index).toFixed(1)},${y(row[key]).toFixed(1)}`;
                pen = 'L';
            });
            if (path) svgEl(svg, 'path', { d: path, fill: 'none', class: 'mark', ...attrs });
        };
        line('trailing_mql_to_sql_rate', { stroke: COLORS.reference, 'stroke-width': 1.5, 'stroke-dasharray': '6 4' });
        line('mql_to_sql_rate', { stroke: COLORS.primary, 'stroke-width': 2.2 });

        cohorts.forEach((row, index) => {
            if (row.mql_to_sql_rate == null) return;
            const flagged = row.is_mql_to_sql_below_trend;
            const cx = x(index);
            const cy = y(row.mql_to_sql_rate);
            const circle = svgEl(svg, 'circle', {
                cx,
                cy,
                r: flagged ? 6.5 : 4.5,
                fill: flagged ? COLORS.warn : row.is_mature ? COLORS.primary : '#fff',
                stroke: flagged ? COLORS.warn : COLORS.primary,
                'stroke-width': 2,
                class: 'mark' + (flagged ? ' flagged' : ''),
            });
            tip(
                circle,
                `${fmt.month(row.cohort_month)}: ${fmt.int(row.sqls)} SQLs of ${fmt.int(row.mqls)} MQLs ` +
                    `(${fmt.pct(row.mql_to_sql_rate)}); trailing ${fmt.pct(row.trailing_mql_to_sql_rate)}` +
                    (flagged ? '; below trend' : '') +
                    (row.is_mature ? '' : '; conversion window still open'),
            );
            if (flagged) {
                svgEl(
                    svg,
                    'text',
                    { x: cx, y: cy - 11, 'text-anchor': 'middle', fill: COLORS.warn, 'font-weight': 600, 'font-size': 11 },
                    'below trend',
                );
            }
        });
        xLabels(svg, box, cohorts.map((row, index) => ({ x: x(index), text: fmt.month(row.cohort_month, true) })), 44);
        xTitle(svg, box, height, 'Cohort (month the contact was created)');
    }

    // ---- drawing -------------------------------------------------------------------------------
    const DRAWERS = {
        distribution: drawDistribution,
        funnel: drawFunnel,
        score_bands: drawScoreBands,
        grades: drawGrades,
        thresholds: drawThresholds,
        rules: drawRules,
        cohorts: drawCohorts,
    };

    const MIN_WIDTH = { rules: 600, thresholds: 340 };

    function drawAll() {
        for (const container of document.querySelectorAll('[data-chart]')) {
            const key = container.dataset.chart;
            const canvas = container.querySelector('.chart-canvas');
            canvas.replaceChildren();
            container.dataset.drawn = 'false';
            try {
                // below its minimum width a chart keeps that width and the canvas scrolls
                const width = Math.max(MIN_WIDTH[key] || 300, Math.floor(canvas.clientWidth));
                DRAWERS[key](canvas, report.charts[key], width);
                container.dataset.drawn = 'true';
            } catch (error) {
                console.error(`chart ${key} could not be drawn:`, error);
                canvas.replaceChildren();
                const message = document.createElement('p');
                message.className = 'chart-error';
                message.textContent = `This chart could not be drawn (${error.message}).`;
                canvas.appendChild(message);
            }
        }
    }

    let lastWidth = 0;
    let pending = 0;
    window.addEventListener('resize', () => {
        cancelAnimationFrame(pending);
        pending = requestAnimationFrame(() => {
            const width = document.documentElement.clientWidth;
            if (width !== lastWidth) {
                lastWidth = width;
                drawAll();
            }
        });
    });
    lastWidth = document.documentElement.clientWidth;
    drawAll();
})();
