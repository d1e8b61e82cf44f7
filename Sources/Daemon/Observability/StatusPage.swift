/// The status page at `/`: one self-contained document (no external assets: switches have no
/// internet). It fetches `/api/status` every few seconds and each sensor's `/api/history`,
/// and draws the history with the sensor's thresholds as inline SVG.
enum StatusPage {
    static let html = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ipmigod status</title>
<link rel="icon" href="data:,">
<style>
  :root { --ok: #1b7f3b; --warn: #b86e00; --crit: #c0262d; --na: #777; --line: #d9dde3; }
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d2330; background: #f6f7f9; }
  h1 { font-size: 1.4em; margin: 0 0 .2em; }
  h2 { font-size: 1.1em; margin: 1.4em 0 .5em; }
  #meta { color: #555; }
  table { border-collapse: collapse; background: #fff; width: 100%; }
  th, td { border-bottom: 1px solid var(--line); padding: .3em .6em; text-align: left; vertical-align: middle; }
  th { background: #eef0f3; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.Nominal td.state { color: var(--ok); font-weight: 600; }
  tr.Warning { background: #fff4e0; } tr.Warning td.state { color: var(--warn); font-weight: 600; }
  tr.Critical { background: #fde8e8; } tr.Critical td.state { color: var(--crit); font-weight: 700; }
  tr.NA td.state { color: var(--na); }
  svg.plot { width: 220px; height: 44px; display: block; }
  svg.plot .reading { fill: none; stroke: #2563c9; stroke-width: 1.5; }
  svg.plot .warn { stroke: var(--warn); stroke-dasharray: 3 2; }
  svg.plot .crit { stroke: var(--crit); stroke-dasharray: 3 2; }
  code, .sel td { font-family: ui-monospace, monospace; font-size: 13px; }
  #error { color: var(--crit); }
</style>
</head>
<body>
<h1>ipmigod</h1>
<div id="meta">loading&hellip;</div>
<div id="error"></div>
<div id="members"></div>
<script>
"use strict";
const refreshSeconds = 3;
const thresholdClass = { lnc: "warn", unc: "warn", lcr: "crit", ucr: "crit", lnr: "crit", unr: "crit" };

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function svgElement(tag, attributes) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function format(value) {
  if (value === null || value === undefined) return "N/A";
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(4)).toString();
}

function plot(history) {
  const width = 220, height = 44;
  const svg = svgElement("svg", { class: "plot", viewBox: `0 0 ${width} ${height}`, "data-points": history.points.length });
  if (history.points.length === 0) return svg;
  const values = history.points.map(p => p[1]);
  const thresholds = Object.entries(history.thresholds);
  const near = thresholds.map(([, v]) => v).filter(v => v >= Math.min(...values) - 10 && v <= Math.max(...values) + 10);
  let low = Math.min(...values, ...near), high = Math.max(...values, ...near);
  if (high - low < 1e-9) { low -= 1; high += 1; }
  const t0 = history.points[0][0], t1 = history.points[history.points.length - 1][0];
  const x = t => t1 === t0 ? width : (t - t0) / (t1 - t0) * width;
  const y = v => height - 2 - (v - low) / (high - low) * (height - 4);
  for (const [name, value] of thresholds) {
    if (value < low || value > high) continue;
    svg.append(svgElement("line", { class: thresholdClass[name] || "warn", x1: 0, x2: width, y1: y(value), y2: y(value) }));
  }
  const path = history.points.map((p, i) => `${i ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join("");
  svg.append(svgElement("path", { class: "reading", d: path }));
  return svg;
}

async function fetchJSON(url) {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function sensorTable(member, histories) {
  const rows = member.sensors.map(sensor => {
    const state = sensor.state === "N/A" ? "NA" : sensor.state;
    const t = sensor.thresholds;
    const plotCell = element("td", { class: "plot" });
    const row = element("tr", { class: state, "data-sensor": sensor.name },
      element("td", {}, sensor.name), element("td", {}, sensor.type),
      element("td", { class: "num" }, sensor.isThreshold ? format(sensor.value) : (sensor.value === null ? "N/A" : "0x" + sensor.states.toString(16))),
      element("td", {}, sensor.unit),
      element("td", { class: "state" }, sensor.state),
      element("td", { class: "num" }, ["lnr", "lcr", "lnc"].map(k => k in t ? format(t[k]) : "–").join(" / ")),
      element("td", { class: "num" }, ["unc", "ucr", "unr"].map(k => k in t ? format(t[k]) : "–").join(" / ")),
      plotCell);
    if (sensor.isThreshold && histories[sensor.name]) plotCell.append(plot(histories[sensor.name]));
    return row;
  });
  return element("table", { class: "sensors" },
    element("thead", {}, element("tr", {}, ...["Sensor", "Type", "Reading", "Unit", "State", "Lower (nr/cr/nc)", "Upper (nc/cr/nr)", "History"]
      .map(h => element("th", ["Reading", "Lower (nr/cr/nc)", "Upper (nc/cr/nr)"].includes(h) ? { class: "num" } : {}, h)))),
    element("tbody", {}, ...rows));
}

function selTable(member) {
  const rows = member.sel.latest.slice().reverse().map(fields => element("tr", {}, element("td", {}, fields.join(" | "))));
  if (rows.length === 0) rows.push(element("tr", {}, element("td", {}, "(empty)")));
  return element("table", { class: "sel" }, element("tbody", {}, ...rows));
}

function destinationTable(member) {
  const head = ["Destination", "Address", "Version", "Sent", "Acknowledged", "Retried", "Failed", "Dropped", "Queued"];
  const numeric = new Set(["Sent", "Acknowledged", "Retried", "Failed", "Dropped", "Queued"]);
  const rows = member.destinations.map(d => element("tr", {},
    element("td", {}, d.selector), element("td", {}, d.address), element("td", {}, d.version + (d.acknowledged ? " (acknowledged)" : "")),
    ...[d.sent, d.acknowledgedAlerts, d.retried, d.failed, d.dropped, d.queueDepth].map(v => element("td", { class: "num" }, v))));
  if (rows.length === 0) rows.push(element("tr", {}, element("td", { colspan: head.length }, "(none set)")));
  return element("table", { class: "destinations" },
    element("thead", {}, element("tr", {}, ...head.map(h => element("th", numeric.has(h) ? { class: "num" } : {}, h)))),
    element("tbody", {}, ...rows));
}

function showError(error) { document.getElementById("error").textContent = String(error); }

async function refresh() {
  try {
    const status = await fetchJSON("/api/status");
    // Every sensor's last ten minutes in one request per member, thinned for a small plot.
    const histories = await Promise.all(status.members.map(member =>
      fetchJSON(`/api/history?span=600&points=120&member=${encodeURIComponent(member.member)}`)
        .then(batch => Object.fromEntries(batch.sensors.map(h => [h.sensor, h])))));
    const container = document.getElementById("members");
    const sections = status.members.map((member, index) => element("section", { "data-member": member.member },
      ...(member.member ? [element("h2", {}, member.member)] : []),
      element("h2", {}, `Sensors (${member.sensors.length})`), sensorTable(member, histories[index]),
      element("h2", {}, `System event log: ${member.sel.entries} entries, ${member.sel.freeBytes} bytes free (latest first)`), selTable(member),
      element("h2", {}, "Alert destinations"), destinationTable(member)));
    container.replaceChildren(...sections);
    const first = status.members[0];
    document.getElementById("meta").textContent = first
      ? `firmware ${first.firmwareRevision}, ${first.manufacturer}; sessions ${first.sessionsActive}/${first.sessionCapacity}; events logged ${first.eventsLogged}; alerts raised ${first.alertsRaised}; updated ${new Date(first.time * 1000).toISOString()}`
      : "no status yet";
    document.getElementById("error").textContent = "";
  } catch (error) {
    showError(error);
  }
}
refresh();
setInterval(refresh, refreshSeconds * 1000);
</script>
</body>
</html>
"""#
}
