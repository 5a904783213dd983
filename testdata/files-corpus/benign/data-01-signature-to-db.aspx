<%@ Page Language="C#" AutoEventWireup="true" ValidateRequest="false" %>
<%@ Import Namespace="System.Data.SqlClient" %>
<%@ Import Namespace="System.Configuration" %>
<script runat="server">
    // Delivery drivers sign on a tablet; the canvas is posted as a base64 PNG and stored with
    // the delivery record in the database.
    protected void Page_Load(object sender, EventArgs e)
    {
        if (Request.HttpMethod != "POST") return;
        int delivery;
        if (!int.TryParse(Request.Form["deliveryId"], out delivery)) { Response.StatusCode = 400; return; }
        string data = Request.Form["signature"] ?? "";
        const string prefix = "data:image/png;base64,";
        if (!data.StartsWith(prefix)) { Response.StatusCode = 400; return; }
        byte[] png = Convert.FromBase64String(data.Substring(prefix.Length));
        if (png.Length > 200000 || png.Length < 8 || png[0] != 0x89 || png[1] != 0x50) { Response.StatusCode = 400; return; }
        using (var conn = new SqlConnection(ConfigurationManager.ConnectionStrings["Deliveries"].ConnectionString))
        using (var cmd = new SqlCommand("UPDATE Deliveries SET Signature = @s, SignedAt = SYSUTCDATETIME() WHERE DeliveryId = @id", conn))
        {
            cmd.Parameters.AddWithValue("@s", png);
            cmd.Parameters.AddWithValue("@id", delivery);
            conn.Open();
            cmd.ExecuteNonQuery();
        }
        Response.ContentType = "application/json";
        Response.Write("{\"ok\":true}");
    }
</script>
