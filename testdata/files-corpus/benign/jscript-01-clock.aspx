<%@ Page Language="JScript" AutoEventWireup="true" %>
<script runat="server">
function Page_Load(sender : Object, e : EventArgs) {
    var now : DateTime = DateTime.Now;
    var zones = ["GMT Standard Time", "W. Europe Standard Time", "Eastern Standard Time", "Tokyo Standard Time"];
    var html = "";
    for (var i = 0; i < zones.length; i++) {
        var tz : TimeZoneInfo = TimeZoneInfo.FindSystemTimeZoneById(zones[i]);
        var t : DateTime = TimeZoneInfo.ConvertTime(now, tz);
        html += "<tr><td>" + Server.HtmlEncode(tz.DisplayName) + "</td><td>" + t.ToString("HH:mm") + "</td></tr>";
    }
    litZones.Text = html;
}
</script>
<html>
<head><title>Office clocks</title></head>
<body>
<h1>Office clocks</h1>
<table><asp:Literal ID="litZones" runat="server" /></table>
</body>
</html>
