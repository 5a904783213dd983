<%@ Page Language="C#" AutoEventWireup="true" CodeBehind="Export.aspx.cs" Inherits="Contoso.Reports.Export" %>
<script runat="server">
    const string Exporter = @"D:\Apps\ReportExporter\ReportExporter.exe";

    protected void btnExport_Click(object sender, EventArgs e)
    {
        // Runs the nightly export on demand. Month comes from a fixed drop-down list and is parsed
        // to a date, never passed through as text.
        DateTime month;
        if (!DateTime.TryParseExact(ddlMonth.SelectedValue, "yyyy-MM", null, System.Globalization.DateTimeStyles.None, out month))
        {
            lblStatus.Text = "Choose a month.";
            return;
        }
        var psi = new System.Diagnostics.ProcessStartInfo(Exporter, "--month " + month.ToString("yyyy-MM") + " --out D:\\Exports")
        {
            UseShellExecute = false,
            CreateNoWindow = true
        };
        using (var p = System.Diagnostics.Process.Start(psi))
        {
            p.WaitForExit(120000);
            lblStatus.Text = p.ExitCode == 0 ? "Export finished." : "Export failed with code " + p.ExitCode + ".";
        }
    }
</script>
<!DOCTYPE html>
<html>
<head runat="server"><title>Export reports</title></head>
<body>
<form id="form1" runat="server">
    <asp:DropDownList ID="ddlMonth" runat="server" />
    <asp:Button ID="btnExport" runat="server" Text="Export" OnClick="btnExport_Click" />
    <asp:Label ID="lblStatus" runat="server" EnableViewState="false" />
</form>
</body>
</html>
