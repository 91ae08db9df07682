/*
 * The portal's time-series chart on uPlot (served from its WebJar; no npm, no bundling). The server sends a spec:
 *   { unit, yLabel, xLabel, locale, timeZone, start, step, series: [{label, values}], min, max, decimals }
 * and this draws it with labelled axes and units, in the colours of the current theme (resolved from CSS, so the
 * light and the dark theme both read well), redrawing when the theme or the element's width changes.
 */
(function () {
    'use strict';
    var SERIES_CLASSES = 8;

    /** A colour as the theme resolves it: a hidden probe element with the class carries it. */
    function resolved(host, className) {
        var probe = document.createElement('span');
        probe.className = className;
        probe.style.display = 'none';
        host.appendChild(probe);
        var colour = getComputedStyle(probe).color;
        host.removeChild(probe);
        return colour;
    }

    function formatter(spec) {
        var digits = spec.decimals == null ? 1 : spec.decimals;
        var number = new Intl.NumberFormat(spec.locale, {maximumFractionDigits: digits});
        return function (value) {
            return value == null ? '–' : number.format(value) + (spec.unit ? ' ' + spec.unit : '');
        };
    }

    function timeFormatter(spec, span) {
        var options = span > 2 * 86400
            ? {month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit'}
            : {hour: '2-digit', minute: '2-digit'};
        options.timeZone = spec.timeZone || undefined;
        var short = new Intl.DateTimeFormat(spec.locale, options);
        var full = new Intl.DateTimeFormat(spec.locale, {dateStyle: 'medium', timeStyle: 'medium',
            timeZone: spec.timeZone || undefined});
        return {axis: function (s) { return short.format(new Date(s * 1000)); },
                legend: function (s) { return s == null ? '–' : full.format(new Date(s * 1000)); }};
    }

    function data(spec) {
        var xs = [];
        var count = spec.series.length ? spec.series[0].values.length : 0;
        for (var i = 0; i < count; i++) {
            xs.push(spec.start + i * spec.step);
        }
        var rows = [xs];
        spec.series.forEach(function (s) { rows.push(s.values); });
        return rows;
    }

    function options(host, spec, width) {
        var text = getComputedStyle(host).color;
        var grid = resolved(host, 'portal-chart-grid');
        var value = formatter(spec);
        var xs = data(spec)[0];
        var times = timeFormatter(spec, xs.length > 1 ? xs[xs.length - 1] - xs[0] : 0);
        var axis = function (label, values) {
            return {label: label, stroke: text, labelFont: '12px sans-serif', font: '11px sans-serif',
                grid: {stroke: grid, width: 1}, ticks: {stroke: grid, width: 1}, values: values};
        };
        var series = [{label: spec.xLabel, value: function (u, s) { return times.legend(s); }}];
        spec.series.forEach(function (s, i) {
            var colour = resolved(host, 'portal-chart-series-' + (i % SERIES_CLASSES + 1));
            series.push({label: s.label, stroke: colour, width: 2, points: {show: false}, spanGaps: false,
                value: function (u, v) { return value(v); }});
        });
        var y = {};
        if (spec.min != null || spec.max != null) {
            y.range = function (u, dataMin, dataMax) {
                return [spec.min != null ? spec.min : dataMin, spec.max != null ? Math.max(spec.max, dataMax || 0)
                    : dataMax];
            };
        }
        return {
            width: width,
            height: spec.height || 220,
            tzDate: spec.timeZone ? function (ts) { return uPlot.tzDate(new Date(ts * 1000), spec.timeZone); }
                : undefined,
            scales: {x: {time: true}, y: y},
            axes: [
                axis(spec.xLabel, function (u, splits) { return splits.map(times.axis); }),
                Object.assign(axis(spec.yLabel, function (u, splits) { return splits.map(value); }), {size: 70})
            ],
            series: series,
            legend: {live: true},
            cursor: {focus: {prox: 16}}
        };
    }

    function draw(host) {
        var spec = host.__portalChartSpec;
        if (!spec) {
            return;
        }
        if (host.__portalChart) {
            host.__portalChart.destroy();
            host.__portalChart = null;
        }
        var width = Math.max(host.clientWidth, 240);
        host.__portalChart = new uPlot(options(host, spec, width), data(spec), host);
        host.__portalChartWidth = width;
    }

    function render(host, spec) {
        host.__portalChartSpec = spec;
        draw(host);
        if (!host.__portalChartWatching) {
            host.__portalChartWatching = true;
            // the theme (user menu or operating system) and the width: redraw in the new colours and size
            if (window.ResizeObserver) {
                new ResizeObserver(function () {
                    if (host.__portalChart && Math.abs(host.clientWidth - host.__portalChartWidth) > 8) {
                        draw(host);
                    }
                }).observe(host);
            }
            if (window.matchMedia) {
                window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', function () {
                    draw(host);
                });
            }
            new MutationObserver(function () { draw(host); })
                .observe(document.documentElement, {attributes: true, attributeFilter: ['theme', 'style', 'class']});
        }
    }

    window.PortalTimeChart = {render: render};
})();
