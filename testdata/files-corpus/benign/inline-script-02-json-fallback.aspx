<%@ Page Language="C#" AutoEventWireup="true" CodeBehind="Reports.aspx.cs" Inherits="Contoso.Reports.ReportList" EnableViewState="false" %>
<!DOCTYPE html>
<html>
<head runat="server">
<meta http-equiv="X-UA-Compatible" content="IE=8" />
<title>Monthly reports</title>
<style>
table.sortable{border-collapse:collapse}table.sortable th,table.sortable td{border:1px solid #ddd;padding:3px 8px}
table.sortable th[aria-sort=ascending]:after{content:" \25B2"}table.sortable th[aria-sort=descending]:after{content:" \25BC"}
.tsort-tip{position:absolute;display:none;background:#ffffe1;border:1px solid #888;padding:2px 6px;font-size:11px}
</style>
<!-- tsort keeps a JSON fallback for the IE8 kiosks in the warehouse, which have no window.JSON -->
<script type="text/javascript">
/* tsort.js 0.9 - sortable tables and tooltips for the reports pages */
(function(w, d) {var J = w.JSON && w.JSON.parse ? w.JSON : {parse: function(s) {if (!/^[\],:{}\s]*$/.test(String(s).replace(/\\["\\\/bfnrtu]/g, "@").replace(/"[^"\\\n\r]*"|true|false|null|-?\d+(?:\.\d*)?(?:[eE][+\-]?\d+)?/g, "]").replace(/(?:^|:|,)(?:\s*\[)+/g, ""))) { throw new SyntaxError("tsort: bad JSON"); }return eval("(" + s + ")");}};function txt(c) { return (c.getAttribute("data-sort") || c.textContent || c.innerText || "").replace(/^\s+|\s+$/g, ""); }function num(s) { var n = parseFloat(s.replace(/[^0-9.\-]/g, "")); return isNaN(n) ? null : n; }function cmp(a, b) { var x = num(a), y = num(b); if (x !== null && y !== null) { return x - y; } return a.localeCompare(b); }function sort(t, col, dir) {var body = t.tBodies[0], rows = [], i;for (i = 0; i < body.rows.length; i++) { rows.push(body.rows[i]); }rows.sort(function(r1, r2) { return dir * cmp(txt(r1.cells[col]), txt(r2.cells[col])); });for (i = 0; i < rows.length; i++) { body.appendChild(rows[i]); }}function init(t) {var h = t.tHead ? t.tHead.rows[0] : null, i;if (!h) { return; }for (i = 0; i < h.cells.length; i++) {(function(c, n) {if (c.className.indexOf("nosort") >= 0) { return; }c.style.cursor = "pointer";c.onclick = function() { var dir = c.getAttribute("aria-sort") === "ascending" ? -1 : 1; var j; for (j = 0; j < h.cells.length; j++) { h.cells[j].removeAttribute("aria-sort"); } c.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending"); sort(t, n, dir); };})(h.cells[i], i);}}var tip = null;function showTip(e) {var t = e.target || e.srcElement, s = t.getAttribute && t.getAttribute("data-tip");if (!s) { return; }if (!tip) { tip = d.createElement("div"); tip.className = "tsort-tip"; d.body.appendChild(tip); }tip.textContent = s;tip.style.left = (e.pageX + 12) + "px";tip.style.top = (e.pageY + 12) + "px";tip.style.display = "block";}function hideTip() { if (tip) { tip.style.display = "none"; } }function load(url, cb) {var x = new XMLHttpRequest();x.open("GET", url, true);x.setRequestHeader("Accept", "application/json");x.onreadystatechange = function() { if (x.readyState === 4 && x.status === 200) { cb(J.parse(x.responseText)); } };x.send(null);}w.tsort = {init: init, load: load, parse: J.parse};d.addEventListener("mouseover", showTip, false);d.addEventListener("mouseout", hideTip, false);d.addEventListener("DOMContentLoaded", function() { var l = d.querySelectorAll("table.sortable"), i; for (i = 0; i < l.length; i++) { init(l[i]); } }, false);})(window, document);
</script>
</head>
<body>
<form id="form1" runat="server">
<h1>Monthly reports</h1>
<table class="sortable" id="tblReports">
<thead><tr><th>Report</th><th>Owner</th><th>Rows</th><th>Updated</th><th class="nosort">&nbsp;</th></tr></thead>
<tbody>
<asp:Repeater ID="rptReports" runat="server">
<ItemTemplate>
<tr>
<td data-tip='<%#: Eval("Description") %>'><%#: Eval("Name") %></td>
<td><%#: Eval("Owner") %></td>
<td data-sort='<%# Eval("RowCount") %>'><%# Eval("RowCount", "{0:N0}") %></td>
<td data-sort='<%# Eval("Updated", "{0:yyyyMMddHHmm}") %>'><%# Eval("Updated", "{0:d MMM yyyy}") %></td>
<td><a href='Report.aspx?id=<%# Eval("ReportId") %>'>open</a></td>
</tr>
</ItemTemplate>
</asp:Repeater>
</tbody>
</table>
<div id="summary"></div>
<script type="text/javascript">
tsort.load("ReportSummary.ashx?month=<%= DateTime.Today.ToString("yyyy-MM") %>", function (s) {
    document.getElementById("summary").innerHTML = "";
    document.getElementById("summary").appendChild(document.createTextNode(s.count + " reports, " + s.rows + " rows"));
});
</script>
</form>
</body>
</html>
