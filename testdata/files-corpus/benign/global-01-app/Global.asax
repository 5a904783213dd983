<%@ Application Language="C#" %>
<%@ Import Namespace="System.Web.Routing" %>
<%@ Import Namespace="System.Web.Optimization" %>
<script runat="server">
    void Application_Start(object sender, EventArgs e)
    {
        RouteTable.Routes.MapPageRoute("report", "reports/{id}", "~/Reports/Report.aspx");
        BundleTable.Bundles.Add(new ScriptBundle("~/bundles/site").Include("~/Scripts/cdp.min.js", "~/Scripts/tsort.min.js"));
        BundleTable.EnableOptimizations = true;
    }

    void Application_Error(object sender, EventArgs e)
    {
        Exception ex = Server.GetLastError();
        if (ex is HttpException && ((HttpException)ex).GetHttpCode() == 404) return;
        System.Diagnostics.Trace.TraceError("{0} {1}: {2}", Request.HttpMethod, Request.RawUrl, ex);
    }

    void Application_BeginRequest(object sender, EventArgs e)
    {
        Response.Headers.Remove("Server");
    }
</script>
