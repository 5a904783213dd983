<%@ Page Language="C#" AutoEventWireup="true" %>
<%@ Import Namespace="System.Reflection" %>
<script runat="server">
    // Lists the report plug-ins the site ships with. The assembly names are fixed.
    static readonly string[] Plugins =
    {
        "Contoso.Reports.Sales, Version=2.3.0.0, Culture=neutral, PublicKeyToken=8f2c1a9e4b7d3065",
        "Contoso.Reports.Stock, Version=2.3.0.0, Culture=neutral, PublicKeyToken=8f2c1a9e4b7d3065",
        "Contoso.Reports.Payroll, Version=1.9.4.0, Culture=neutral, PublicKeyToken=8f2c1a9e4b7d3065"
    };

    protected void Page_Load(object sender, EventArgs e)
    {
        var rows = new System.Collections.Generic.List<object>();
        foreach (string name in Plugins)
        {
            try
            {
                Assembly a = Assembly.Load(name);
                var title = (AssemblyTitleAttribute)Attribute.GetCustomAttribute(a, typeof(AssemblyTitleAttribute));
                rows.Add(new { Name = a.GetName().Name, Version = a.GetName().Version.ToString(), Title = title != null ? title.Title : "" });
            }
            catch (System.IO.FileNotFoundException)
            {
                rows.Add(new { Name = name.Split(',')[0], Version = "missing", Title = "" });
            }
        }
        gvPlugins.DataSource = rows;
        gvPlugins.DataBind();
    }
</script>
<!DOCTYPE html>
<html>
<head runat="server"><title>Installed report plug-ins</title></head>
<body>
<form id="form1" runat="server">
<h1>Installed report plug-ins</h1>
<asp:GridView ID="gvPlugins" runat="server" AutoGenerateColumns="true" />
</form>
</body>
</html>
